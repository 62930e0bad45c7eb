/*
 * Fuzz target: two YAML documents split at the first NUL byte (a missing
 * second one is `{}`) → load both → merge → print. Properties: merging never
 * crashes (a tree not in docker's output shape is a diagnostic), and a merged
 * tree prints as YAML that loads again and as JSON that parses.
 *
 * Two holes are allowed, because yaml.v3 (so docker) has them too: a key
 * "<<" prints plain and reads back as a merge key; a multi-line string that
 * starts with a tab prints as a literal block whose first line YAML parsers
 * reject ("found a tab character where an indentation space is expected").
 *
 * fuzz_merge_one() is also linked into the unit tests, which replay the
 * seeds of testdata/fuzz/merge/. Build for libFuzzer with -DSTACKC_FUZZ_MAIN.
 */
#include "compose/load.h"
#include "base/node.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "base/source.h"
#include "emit/json.h"
#include "emit/yaml.h"
#include "merge/merge.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int tab_block(const char *s, size_t len)
{
	return len && s[0] == '\t' && memchr(s, '\n', len);
}

/* Does the tree hold text that yaml.v3 prints in a form it cannot read? */
static int has_unreadable_text(const struct node *n)
{
	if (n->kind == NODE_STR)
		return tab_block(n->s.text, n->len);
	if (n->kind == NODE_SEQ) {
		for (size_t i = 0; i < n->seq.n; i++)
			if (has_unreadable_text(n->seq.v[i]))
				return 1;
	} else if (n->kind == NODE_MAP) {
		for (size_t i = 0; i < n->map.n; i++) {
			const char *key = n->map.v[i].key;
			if (!strcmp(key, "<<") || tab_block(key, strlen(key)) ||
			    has_unreadable_text(n->map.v[i].val))
				return 1;
		}
	}
	return 0;
}

static int load_text(struct node **out, struct run *run, const char *name, const char *text,
		     size_t len)
{
	uint32_t src = source_add(&run->sources, name, NULL, text, len);
	return load_yaml(out, run, src);
}

/* Print the merged tree; 0 if both texts read back. */
static int check_printed(struct run *run, const struct node *root)
{
	struct sbuf yaml = SBUF_INIT, json = SBUF_INIT;
	struct node *again = NULL;
	int ok = 1;
	emit_yaml(&yaml, root);
	if (load_text(&again, run, "printed.yml", yaml.buf, yaml.len) && !has_unreadable_text(root))
		ok = 0;
	emit_json(&json, root);
	json_error_t err;
	/* numbers beyond int64 are valid JSON that jansson reads only as reals */
	json_t *j = json_loadb(json.buf, json.len, JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL, &err);
	if (!j)
		ok = 0;
	json_decref(j);
	sbuf_release(&yaml);
	sbuf_release(&json);
	return ok ? 0 : -1;
}

int fuzz_merge_one(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nul = memchr(text, 0, size);
	size_t alen = nul ? (size_t)(nul - text) : size;
	struct run run;
	struct node *a = NULL, *b = NULL, *merged = NULL;
	int ret = 0;
	run_init(&run);
	if (load_text(&a, &run, "a.yml", text, alen))
		goto done;
	if (nul ? load_text(&b, &run, "b.yml", nul + 1, size - alen - 1)
		: load_text(&b, &run, "b.yml", "{}", 2))
		goto done;
	if (merge_files(&merged, &run, a, b))
		goto done;
	ret = check_printed(&run, merged);
done:
	run_release(&run);
	return ret;
}

#ifdef STACKC_FUZZ_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fuzz_merge_one(data, size))
		abort();
	return 0;
}
#endif
