/*
 * Replays the fuzz seeds (every file in testdata/fuzz/load and testdata/fuzz/merge)
 * through the fuzz targets: a seed fails when its target reports a broken
 * property (or crashes, under `make asan`).
 */
#include "compose/sbuf.h"
#include "compose/xalloc.h"
#include "tests/unit/harness.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fuzz_load_one(const uint8_t *data, size_t size);
int fuzz_merge_one(const uint8_t *data, size_t size);

static void read_all(struct sbuf *out, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		test_fail(__FILE__, __LINE__, "cannot open %s", path);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_put(out, buf, n);
	fclose(f);
}

/* Run every seed of testdata/fuzz/<dir>; returns how many there were. */
static int replay(const char *dir, int (*one)(const uint8_t *, size_t))
{
	char *path = xstrfmt("%s/fuzz/%s", test_data_dir(), dir);
	DIR *d = opendir(path);
	if (!d)
		test_fail(__FILE__, __LINE__, "no seed directory %s", path);
	struct dirent *de;
	int count = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char *file = xstrfmt("%s/%s", path, de->d_name);
		struct sbuf data = SBUF_INIT;
		read_all(&data, file);
		if (one((const uint8_t *)data.buf, data.len))
			test_fail(__FILE__, __LINE__, "seed %s fails", file);
		sbuf_release(&data);
		free(file);
		count++;
	}
	closedir(d);
	free(path);
	return count;
}

void test_fuzz__load_seeds(void)
{
	CHECK(replay("load", fuzz_load_one) >= 10);
}

void test_fuzz__merge_seeds(void)
{
	CHECK(replay("merge", fuzz_merge_one) >= 10);
}

void test_fuzz__targets_accept_odd_input(void)
{
	static const char empty[] = "";
	CHECK_INT_EQ(fuzz_load_one((const uint8_t *)empty, 0), 0);
	CHECK_INT_EQ(fuzz_merge_one((const uint8_t *)empty, 0), 0);
	static const char two[] = "services: {a: {image: x}}\0services: {a: {image: y}}\0trailing";
	CHECK_INT_EQ(fuzz_merge_one((const uint8_t *)two, sizeof(two) - 1), 0);
	static const char nul_only[] = "\0";
	CHECK_INT_EQ(fuzz_merge_one((const uint8_t *)nul_only, 1), 0);
}
