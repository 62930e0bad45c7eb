/*
 * Fuzz target: YAML bytes → load → render the diagnostics in every format.
 * Finds crashes, leaks and sanitizer errors in the loader and the diagnostic
 * printer (excerpts of arbitrary lines, escaping of arbitrary values).
 *
 * fuzz_load_one() is also linked into the unit tests, which replay the seeds
 * of testdata/fuzz/load/. Build for libFuzzer with -DSTACKC_FUZZ_MAIN.
 */
#include "base/diag.h"
#include "compose/load.h"
#include "base/run.h"
#include "base/source.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int fuzz_load_one(const uint8_t *data, size_t size)
{
	static const enum diag_format formats[] = {
		DIAG_FORMAT_HUMAN, DIAG_FORMAT_JSON, DIAG_FORMAT_GITHUB,
	};
	struct run run;
	struct node *root = NULL;
	run_init(&run);
	uint32_t src = source_add(&run.sources, "fuzz.yml", NULL, (const char *)data, size);
	int rc = load_yaml(&root, &run, src);
	/* an error must come with a diagnostic, success without one */
	int ok = (rc == 0) == (run.diag.nerrors == 0);
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		if (!f)
			abort();
		diag_print(&run.diag, f, formats[i], 1);
		fclose(f);
		free(buf);
	}
	run_release(&run);
	return ok ? 0 : -1;
}

#ifdef STACKC_FUZZ_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fuzz_load_one(data, size))
		abort();
	return 0;
}
#endif
