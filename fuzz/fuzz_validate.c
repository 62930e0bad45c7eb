/*
 * Fuzz target: the validator and the swarm rules on arbitrary YAML.
 * The input is a YAML document; its first byte also picks the schema
 * version to validate against (besides the one the file declares) and the
 * deploy flag. The first line is fed to the format parsers. The entry point
 * is fuzz_validate_one(); LLVMFuzzerTestOneInput exists only with
 * -DSTACKC_FUZZ_MAIN so build/stackc-test can link this file and replay
 * testdata/fuzz/validate/.
 */
#include "base/diag.h"
#include "compose/load.h"
#include "base/node.h"
#include "base/run.h"
#include "base/source.h"
#include "check/format.h"
#include "check/keys.h"
#include "check/rules.h"
#include "check/validate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fuzz_validate_one(const uint8_t *data, size_t size);

static void formats(const char *s, size_t n)
{
	const char *nl = memchr(s, '\n', n);
	if (nl)
		n = (size_t)(nl - s);
	int64_t v;
	format_port_spec(s, n, NULL);
	format_cpus(&v, s, n, NULL);
}

/* schema_validate's result must agree with the errors it reported. */
static void validate_checked(struct run *run, struct node *root, const char *version)
{
	size_t before = run->diag.nerrors;
	int rc = schema_validate(run, root, version, NULL);
	if ((rc != 0) != (run->diag.nerrors > before))
		abort();
}

int fuzz_validate_one(const uint8_t *data, size_t size)
{
	struct run run;
	struct node *root = NULL;
	const char *version = NULL;
	run_init(&run);
	formats((const char *)data, size);
	uint32_t src = source_add(&run.sources, "fuzz.yml", NULL, (const char *)data, size);
	if (!load_yaml(&root, &run, src)) {
		schema_check_keys(&run, root);
		if (!schema_version_check(&version, &run, root))
			validate_checked(&run, root, version);
		if (size)
			validate_checked(&run, root, schema_versions[data[0] % 14]);
		swarm_rules_check(&run, root, size && (data[0] & 0x80), NULL);
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (f) {
		diag_print(&run.diag, f, DIAG_FORMAT_HUMAN, 1);
		diag_print(&run.diag, f, DIAG_FORMAT_JSON, 0);
		fclose(f);
	}
	free(buf);
	run_release(&run);
	return 0;
}

#ifdef STACKC_FUZZ_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_validate_one(data, size);
}
#endif
