/* The source table and excerpt rendering. */
#include "base/source.h"
#include "base/arena.h"
#include "base/sbuf.h"
#include "base/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

void source_table_init(struct source_table *t, struct arena *arena)
{
	t->arena = arena;
	t->v = NULL;
	t->n = t->alloc = 0;
}

void source_table_release(struct source_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i]->map_len)
			munmap((void *)t->v[i]->text, t->v[i]->map_len);
	free(t->v);
	t->v = NULL;
	t->n = t->alloc = 0;
}

uint32_t source_add(struct source_table *t, const char *name, const char *abspath,
		    const char *text, size_t len)
{
	return source_add_arena(t, name, abspath, arena_strndup(t->arena, text, len), len);
}

uint32_t source_add_arena(struct source_table *t, const char *name, const char *abspath,
			  const char *text, size_t len)
{
	if (len >= UINT32_MAX)
		BUG("source text of %zu bytes", len);
	if (t->n >= POS_MAX_SRC)
		die("more than %u files to read", POS_MAX_SRC);
	struct source *s = arena_alloc(t->arena, sizeof(*s));
	s->name = arena_strdup(t->arena, name);
	s->abspath = abspath ? arena_strdup(t->arena, abspath) : NULL;
	s->text = text;
	s->len = len;
	ALLOC_GROW(t->v, t->n + 1, t->alloc);
	t->v[t->n++] = s;
	return (uint32_t)t->n;
}

int source_add_mapped(uint32_t *out_src, struct source_table *t, const char *name,
		      const char *abspath, int fd, size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	/* one byte more than the file, rounded to pages: the NUL after the text */
	size_t map_len = (len + page) & ~(page - 1);
	void *base = mmap(NULL, map_len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return -1;
	/* the file over the zeroed reservation: its last page is zero-filled past the end too */
	if (mmap(base, len, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED) {
		munmap(base, map_len);
		return -1;
	}
	*out_src = source_add_arena(t, name, abspath, base, len);
	t->v[t->n - 1]->map_len = map_len;
	return 0;
}

void source_evict(const struct source_table *t, uint32_t src)
{
	const struct source *s = source_get(t, src);
	if (s && s->map_len)
		madvise((void *)s->text, s->map_len, MADV_DONTNEED);
}

const struct source *source_get(const struct source_table *t, uint32_t src)
{
	if (!src || src > t->n)
		return NULL;
	return t->v[src - 1];
}

/*
 * An evicted mapped text is read from its file again: a file cut shorter
 * since would fault (SIGBUS) where its bytes are gone.
 */
static int text_readable(const struct source *s)
{
	struct stat st;
	return !s->map_len || (!stat(s->abspath ? s->abspath : s->name, &st) &&
			       (size_t)st.st_size >= s->len);
}

const struct source *source_get_lines(const struct source_table *t, uint32_t src)
{
	if (!source_get(t, src))
		return NULL;
	struct source *s = t->v[src - 1];
	if (!s->nlines) {
		const char *text = s->text, *end = text + s->len;
		size_t nl = 1;
		for (const char *p = text; (p = memchr(p, '\n', (size_t)(end - p))); p++)
			nl++;
		s->lines = arena_alloc(t->arena, nl * sizeof(*s->lines));
		s->lines[0] = 0;
		s->nlines = 1;
		for (const char *p = text; (p = memchr(p, '\n', (size_t)(end - p))); p++)
			s->lines[s->nlines++] = (uint32_t)(p - text) + 1;
	}
	return s;
}

int source_line_start(size_t *out, const struct source_table *t, uint32_t src, uint32_t line)
{
	const struct source *s = source_get(t, src);
	if (!s || !line || !text_readable(s))
		return -1;
	s = source_get_lines(t, src);
	if (line > s->nlines)
		return -1;
	*out = s->lines[line - 1];
	return 0;
}

void source_excerpt(struct sbuf *out, const struct source_table *t, struct pos pos)
{
	const struct source *s = source_get(t, pos.src);
	size_t start;
	if (source_line_start(&start, t, pos.src, pos.line))
		return;
	size_t end = start;
	while (end < s->len && s->text[end] != '\n' && s->text[end] != '\r')
		end++;
	sb_puts(out, "  ");
	/* control characters would drive the terminal: show them as '?' */
	for (size_t i = start; i < end; i++) {
		unsigned char c = (unsigned char)s->text[i];
		sb_putc(out, (c < 0x20 && c != '\t') || c == 0x7f ? '?' : c);
	}
	sb_puts(out, "\n  ");
	/* columns count characters: walk UTF-8 lead bytes, keep tabs as tabs */
	uint32_t col = 1;
	for (size_t i = start; i < end && col < pos.col; i++) {
		unsigned char c = (unsigned char)s->text[i];
		if ((c & 0xC0) == 0x80)
			continue;
		sb_putc(out, c == '\t' ? '\t' : ' ');
		col++;
	}
	sb_puts(out, "^\n");
}
