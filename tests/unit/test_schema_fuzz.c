/* Replay the validator fuzz seeds (testdata/fuzz/validate/) through fuzz_validate_one. */
#include "tests/unit/harness.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

int fuzz_validate_one(const uint8_t *data, size_t size);

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t n = 0, cap = 0, got;
	do {
		if (n + 4096 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	fclose(f);
	*len = n;
	return buf;
}

void test_schema_fuzz__replay_seeds(void)
{
	char dir[512];
	snprintf(dir, sizeof(dir), "%s/fuzz/validate", test_data_dir());
	DIR *d = opendir(dir);
	if (!d)
		test_fail(__FILE__, __LINE__, "no seed directory %s", dir);
	size_t replayed = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[1024];
		size_t len;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		char *data = read_all(path, &len);
		if (!data)
			test_fail(__FILE__, __LINE__, "cannot read %s", path);
		fuzz_validate_one((const uint8_t *)data, len);
		free(data);
		replayed++;
	}
	closedir(d);
	CHECK(replayed >= 5);
}
