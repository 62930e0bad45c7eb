/*
 * The unit-test runner: runs every registered test (or those whose name
 * contains argv[1]), one fresh run context each, and prints
 * "unit: N passed, N failed".
 */
#include "base/diag.h"
#include "compose/load.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "tests/unit/harness.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T(name) void name(void);
#include "unit_list.inc"
#undef T

struct test {
	const char *name;
	void (*fn)(void);
};

static const struct test tests[] = {
#define T(name) { #name, name },
#include "unit_list.inc"
#undef T
	{ NULL, NULL }
};

static jmp_buf fail_jmp;
static struct run *current;
static struct sbuf diag_text = SBUF_INIT;

struct run *test_run(void)
{
	return current;
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "  %s:%d: ", file, line);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	longjmp(fail_jmp, 1);
}

const char *test_data_dir(void)
{
	const char *d = getenv("STACKC_TESTDATA");
	return d ? d : "testdata";
}

struct node *test_load(const char *yaml)
{
	uint32_t src = source_add(&current->sources, "test.yml", NULL, yaml, strlen(yaml));
	struct node *root = NULL;
	if (load_yaml(&root, current, src))
		test_fail(__FILE__, __LINE__, "load failed: %s", test_diags());
	return root;
}

/* Append the file at path to data: 0, or -1 when it cannot be opened. */
static int read_into(struct sbuf *data, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_put(data, buf, n);
	fclose(f);
	return 0;
}

size_t test_replay_seeds(const char *sub, int (*one)(const uint8_t *data, size_t size))
{
	struct sbuf dir = SBUF_INIT, path = SBUF_INIT, data = SBUF_INIT;
	sb_printf(&dir, "%s/fuzz/%s", test_data_dir(), sub);
	DIR *d = opendir(dir.buf);
	if (!d)
		test_fail(__FILE__, __LINE__, "no seed directory %s", dir.buf);
	size_t n = 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		sbuf_reset(&path);
		sb_printf(&path, "%s/%s", dir.buf, e->d_name);
		sbuf_reset(&data);
		if (read_into(&data, path.buf))
			test_fail(__FILE__, __LINE__, "cannot read %s", path.buf);
		if (one((const uint8_t *)data.buf, data.len))
			test_fail(__FILE__, __LINE__, "seed %s breaks a property", path.buf);
		n++;
	}
	closedir(d);
	sbuf_release(&dir);
	sbuf_release(&path);
	sbuf_release(&data);
	return n;
}

const char *test_diags(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	diag_print(&current->diag, f, DIAG_FORMAT_HUMAN, 0);
	fclose(f);
	sbuf_reset(&diag_text);
	sb_put(&diag_text, buf, len);
	free(buf);
	return diag_text.buf;
}

char *test_tmp_dir(const char *prefix)
{
	struct sbuf dir = SBUF_INIT;
	sb_printf(&dir, "/tmp/stackc-%s-XXXXXX", prefix);
	if (!mkdtemp(dir.buf))
		test_fail(__FILE__, __LINE__, "mkdtemp %s failed", dir.buf);
	return sbuf_detach(&dir, NULL);
}

void test_remove_dir(char *dir)
{
	struct sbuf cmd = SBUF_INIT;
	sb_printf(&cmd, "rm -rf '%s'", dir);
	if (system(cmd.buf))
		fprintf(stderr, "cannot remove %s\n", dir);
	sbuf_release(&cmd);
	free(dir);
}

static void file_path(struct sbuf *path, const char *dir, const char *name)
{
	if (dir)
		sb_printf(path, "%s/", dir);
	sb_puts(path, name);
}

void test_write_file(const char *dir, const char *name, const char *text)
{
	struct sbuf path = SBUF_INIT;
	file_path(&path, dir, name);
	FILE *f = fopen(path.buf, "wb");
	if (!f || fputs(text, f) < 0 || fclose(f))
		test_fail(__FILE__, __LINE__, "cannot write %s", path.buf);
	sbuf_release(&path);
}

char *test_read_file(const char *dir, const char *name)
{
	struct sbuf path = SBUF_INIT, data = SBUF_INIT;
	file_path(&path, dir, name);
	read_into(&data, path.buf);
	sbuf_release(&path);
	return sbuf_detach(&data, NULL);
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	volatile int passed = 0, failed = 0;
	for (const struct test *volatile t = tests; t->name; t++) {
		if (filter && !strstr(t->name, filter))
			continue;
		struct run r;
		run_init(&r);
		current = &r;
		if (!setjmp(fail_jmp)) {
			t->fn();
			passed++;
		} else {
			fprintf(stderr, "FAIL %s\n", t->name);
			failed++;
		}
		current = NULL;
		run_release(&r);
	}
	sbuf_release(&diag_text);
	/* the runner names the stage (asan-unit...) so totals are told apart */
	const char *stage = getenv("STACKC_STAGE");
	printf("%s: %d passed, %d failed\n", stage && *stage ? stage : "unit", passed, failed);
	return failed ? 1 : 0;
}
