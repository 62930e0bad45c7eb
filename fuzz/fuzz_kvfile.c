/*
 * Fuzz target for the env-file parser. fuzz_kvfile_one() is also replayed on
 * the files in testdata/fuzz/kvfile by the unit tests; it aborts when an invariant of
 * kvfile_parse() breaks.
 */
#include "base/arena.h"
#include "compose/kvfile.h"
#include "base/sbuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int fuzz_kvfile_one(const uint8_t *data, size_t size);

/* Keys starting with 'A' are "set" in this fake environment. */
static const char *lookup(void *ctx, const char *name)
{
	(void)ctx;
	return name[0] == 'A' ? "from-env" : NULL;
}

int fuzz_kvfile_one(const uint8_t *data, size_t size)
{
	struct arena a;
	struct kvfile kv;
	struct sbuf err = SBUF_INIT;
	size_t line = 0;
	arena_init(&a);
	int rc = kvfile_parse(&kv, &a, (const char *)data, size, lookup, NULL, &err, &line);
	if (rc) {
		if (rc != -1 || !err.len || !line)
			abort();
	} else {
		if (err.len)
			abort();
		for (size_t i = 0; i < kv.n; i++) {
			const struct kvfile_entry *e = &kv.v[i];
			if (!*e->key || strpbrk(e->key, " \t=") || !e->line || e->line > size + 1)
				abort();
			if (i && e->line <= kv.v[i - 1].line)
				abort();
			if (e->value[e->value_len] != '\0')
				abort();
		}
	}
	sbuf_release(&err);
	arena_release(&a);
	return 0;
}

#ifdef STACKC_FUZZ_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_kvfile_one(data, size);
}
#endif
