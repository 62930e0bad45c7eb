/* Mapped source texts (load_read_file maps regular files) and their excerpts. */
#include "tests/unit/harness.h"
#include "compose/load.h"
#include "base/node.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "base/source.h"
#include "base/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* A temporary file holding text; free() the returned path after unlink(). */
static char *write_temp(const char *text, size_t len)
{
	char *path = xstrdup("/tmp/stackc-srcXXXXXX");
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK(write(fd, text, len) == (ssize_t)len);
	close(fd);
	return path;
}

static const char *excerpt(struct sbuf *sb, const struct run *run, struct pos pos)
{
	sbuf_reset(sb);
	source_excerpt(sb, &run->sources, pos);
	return sb->buf;
}

void test_source__mapped_text_ends_with_nul(void)
{
	/* a text that fills whole pages: the NUL after it lies beyond the file */
	size_t len = (size_t)sysconf(_SC_PAGESIZE) * 2;
	char *text = xmalloc(len);
	memset(text, 'x', len);
	text[len - 1] = '\n';
	text[0] = '#';
	char *path = write_temp(text, len);
	uint32_t src;
	CHECK_INT_EQ(load_read_file(&src, test_run(), path, path), 0);
	const struct source *s = source_get(&test_run()->sources, src);
	CHECK_INT_EQ(s->len, len);
	CHECK(!memcmp(s->text, text, len));
	CHECK_INT_EQ(s->text[len], '\0');
	unlink(path);
	free(path);
	free(text);
}

void test_source__excerpt_after_evict(void)
{
	static const char yaml[] = "services:\n  web:\n    image: \"a\tb\"\n";
	char *path = write_temp(yaml, sizeof(yaml) - 1);
	struct run *run = test_run();
	struct sbuf sb = SBUF_INIT;
	uint32_t src;
	struct node *root;
	CHECK_INT_EQ(load_read_file(&src, run, path, path), 0);
	CHECK_INT_EQ(load_yaml(&root, run, src), 0);
	struct pos at = { src, 3, 12 };
	char *before = xstrdup(excerpt(&sb, run, at));
	CHECK_STR_EQ(before, "      image: \"a\tb\"\n             ^\n");
	source_evict(&run->sources, src);
	CHECK_STR_EQ(excerpt(&sb, run, at), before);

	/* cut shorter since: no excerpt rather than a read past its end */
	CHECK(truncate(path, 4) == 0);
	CHECK_STR_EQ(excerpt(&sb, run, at), "");
	sbuf_release(&sb);
	free(before);
	unlink(path);
	free(path);
}

void test_source__stdin_like_text_is_kept(void)
{
	struct run *run = test_run();
	struct sbuf sb = SBUF_INIT;
	uint32_t src = source_add(&run->sources, "<stdin>", NULL, "a: [\n", 5);
	source_evict(&run->sources, src); /* not mapped: nothing to drop */
	CHECK_STR_EQ(excerpt(&sb, run, (struct pos){ src, 1, 4 }), "  a: [\n     ^\n");
	sbuf_release(&sb);
}

void test_source__root_flags_nonstring_keys_below_it(void)
{
	CHECK(!(test_load("1: a\nb: c\n")->flags & NODE_NONSTR_KEYS));
	CHECK(!(test_load("a: {b: [{c: d}]}\n")->flags & NODE_NONSTR_KEYS));
	CHECK(test_load("a: {b: [{1: d}]}\n")->flags & NODE_NONSTR_KEYS);
	CHECK(test_load("a: {true: x}\n")->flags & NODE_NONSTR_KEYS);
	/* through a merge key and an alias */
	CHECK(test_load("x: &m {1: y}\na: {<<: *m}\n")->flags & NODE_NONSTR_KEYS);
	CHECK(test_load("x: &k 1\na: {*k : y}\n")->flags & NODE_NONSTR_KEYS);
}

void test_source__line_starts_on_demand(void)
{
	struct run *run = test_run();
	const char *text = "a: 1\nbb: 2\n\nccc: 3";
	uint32_t src = source_add(&run->sources, "lines.yml", NULL, text, strlen(text));
	size_t off = 99;
	CHECK_INT_EQ(source_get(&run->sources, src)->nlines, 0);
	CHECK_INT_EQ(source_line_start(&off, &run->sources, src, 1), 0);
	CHECK_INT_EQ(off, 0);
	CHECK_INT_EQ(source_line_start(&off, &run->sources, src, 4), 0);
	CHECK_INT_EQ(off, 12);
	CHECK_INT_EQ(source_get(&run->sources, src)->nlines, 4);
	CHECK_INT_EQ(source_line_start(&off, &run->sources, src, 5), -1);
	CHECK_INT_EQ(source_line_start(&off, &run->sources, src, 0), -1);
	CHECK_INT_EQ(source_line_start(&off, &run->sources, src + 1, 1), -1);
}

void test_source__pos_saturates(void)
{
	struct pos p = pos_make(7, 12, 34);
	CHECK_INT_EQ(p.src, 7);
	CHECK_INT_EQ(p.line, 12);
	CHECK_INT_EQ(p.col, 34);
	p = pos_make(7, (uint64_t)POS_MAX_LINE + 5, (uint64_t)1 << 40);
	CHECK_INT_EQ(p.line, POS_MAX_LINE);
	CHECK_INT_EQ(p.col, POS_MAX_COL);
	CHECK_INT_EQ(sizeof(struct pos), 8);
}
