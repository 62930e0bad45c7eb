/*
 * Loaded source texts (jq's locfile): each file's display name, its bytes and
 * an index of line starts, so a diagnostic can quote the line and put a caret
 * under the column. Sources live as long as the table (their text is in the
 * run's arena).
 *
 * struct pos is the position every node and diagnostic carries: 1-based line
 * and column (columns count characters, as libyaml does); src is the index in
 * the table plus one, 0 meaning "no position" (synthesised values).
 */
#ifndef STACKC_BASE_SOURCE_H
#define STACKC_BASE_SOURCE_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct sbuf;

/*
 * Eight bytes (every node and mapping entry has one): at most POS_MAX_SRC
 * sources, and lines and columns past POS_MAX_LINE / POS_MAX_COL show as
 * that (use pos_make() for values that may be that large).
 */
struct __attribute__((packed)) pos {
	uint64_t src : 16, line : 24, col : 24;
};

#define POS_NONE ((struct pos){ 0, 0, 0 })
#define POS_MAX_SRC 0xffffu
#define POS_MAX_LINE 0xffffffu
#define POS_MAX_COL 0xffffffu

static inline struct pos pos_make(uint32_t src, uint64_t line, uint64_t col)
{
	struct pos p = { src, line > POS_MAX_LINE ? POS_MAX_LINE : line,
			 col > POS_MAX_COL ? POS_MAX_COL : col };
	return p;
}

struct source {
	const char *name;    /* as the user named it ("-" shown as "<stdin>") */
	const char *abspath; /* absolute path, NULL for stdin */
	const char *text;    /* NUL-terminated copy of the bytes */
	size_t len;
	uint32_t *lines;     /* byte offset of each line start (texts are < 4 GiB); built by
				source_line_start() when first needed (nlines 0 until then) */
	size_t nlines;
	size_t map_len;      /* text is a private file mapping of this size; 0: in the arena */
};

struct source_table {
	struct arena *arena;
	struct source **v;
	size_t n, alloc;
};

void source_table_init(struct source_table *t, struct arena *arena);
void source_table_release(struct source_table *t);

/* Add a text (copied into the arena); returns the src index for struct pos. */
uint32_t source_add(struct source_table *t, const char *name, const char *abspath,
		    const char *text, size_t len);
/* The same for a NUL-terminated text already in the table's arena (not copied). */
uint32_t source_add_arena(struct source_table *t, const char *name, const char *abspath,
			  const char *text, size_t len);
/*
 * Map the regular file open as fd (len bytes, len > 0) read-only and add it:
 * the text then costs no memory of its own (the page cache backs it, see
 * source_evict). Returns 0, or -1 with errno set if it cannot be mapped.
 */
int source_add_mapped(uint32_t *out_src, struct source_table *t, const char *name,
		      const char *abspath, int fd, size_t len);
/*
 * The text of src will not be needed for a while: a mapped text's pages
 * leave memory and are read back from the file when next touched (an
 * excerpt). Nothing happens to other texts.
 */
void source_evict(const struct source_table *t, uint32_t src);
const struct source *source_get(const struct source_table *t, uint32_t src);

/*
 * source_get() with lines and nlines filled in: the index of line starts is
 * built on first use (only messages need it). The text must be readable.
 */
const struct source *source_get_lines(const struct source_table *t, uint32_t src);
/*
 * Where line (1-based) of src starts: 0 with the byte offset in *out, or -1
 * if there is no such line or the text cannot be read any more.
 */
int source_line_start(size_t *out, const struct source_table *t, uint32_t src, uint32_t line);

/* Append the source line at pos and a caret line under its column. */
void source_excerpt(struct sbuf *out, const struct source_table *t, struct pos pos);

#endif
