/*
 * The compose model table holds together: every row is found by its key,
 * every struct is reached from a file's root, the merge rules cover what
 * merge walks, and the newest schema's keys and the rows name the same
 * fields but for the differences listed here on purpose.
 */
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "compose/model.h"
#include "tests/unit/harness.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int holds_struct(enum model_type t)
{
	switch (t) {
	case MT_EXTERNAL: /* its printed {name} form */
	case MT_STRUCT:
	case MT_STRUCTS:
	case MT_STRUCT_MAP:
	case MT_BUILD:
	case MT_PORTS:
	case MT_VOLUMES:
	case MT_FILE_REFS:
	case MT_SERVICE_NETWORKS:
	case MT_ULIMITS:
		return 1;
	default:
		return 0;
	}
}

/* A failed check on a row: "Struct.key: what" */
#define ROW_FAIL(st, key, ...) \
	test_fail(__FILE__, __LINE__, "%s.%s: %s", (st)->go_name, (key), xstrfmt(__VA_ARGS__))

void test_model__every_row_is_found_by_its_key(void)
{
	for (size_t id = 0; id < MODEL_NSTRUCTS; id++) {
		const struct model_struct *st = &model_structs[id];
		CHECK(st->go_name != NULL);
		CHECK(st->nfields <= 64); /* normalize keeps a struct's fields in a 64-bit set */
		for (size_t f = 0; f < st->nfields; f++) {
			const struct model_field *row = &st->fields[f];
			if (model_field_index(st, row->key) != (int)f)
				ROW_FAIL(st, row->key, "not found as row %zu", f);
			if (holds_struct(row->type) != (row->sub != NULL))
				ROW_FAIL(st, row->key, "a struct type needs its struct, and only it");
			if ((row->flags & MF_NO_OMITEMPTY) && row->type != MT_STRING && row->type != MT_INT)
				ROW_FAIL(st, row->key, "normalize fills in absent strings and ints only");
		}
		CHECK_INT_EQ(model_field_index(st, "no-such-key"), -1);
	}
	/* keys are exact: mapstructure's any-case match is normalize's own */
	CHECK_INT_EQ(model_field_index(MODEL(SERVICE), "Image"), -1);
	CHECK_STR_EQ(model_field(MODEL(SERVICE), "image")->key, "image");
	CHECK(model_field(MODEL(SERVICE), "Image") == NULL);
}

/* Mark every struct reachable from st; merged: the structs merge walks field by field. */
static void reach(const struct model_struct *st, int merged, char *seen, char *walked)
{
	size_t id = model_struct_id(st);
	if (merged)
		walked[id] = 1;
	if (seen[id] && !merged)
		return;
	seen[id] = 1;
	for (size_t f = 0; f < st->nfields; f++) {
		const struct model_field *row = &st->fields[f];
		if (row->sub)
			reach(row->sub, row->merge == MR_STRUCT || row->merge == MR_SERVICES,
			      seen, walked);
	}
}

void test_model__merge_rules_cover_what_merge_walks(void)
{
	char seen[MODEL_NSTRUCTS] = { 0 }, walked[MODEL_NSTRUCTS] = { 0 };
	reach(MODEL(CONFIG), 0, seen, walked);
	for (size_t id = 0; id < MODEL_NSTRUCTS; id++) {
		const struct model_struct *st = &model_structs[id];
		if (!seen[id])
			test_fail(__FILE__, __LINE__, "%s is not reached from Config", st->go_name);
		if (id == MS_CONFIG)
			continue;
		/* a struct merge walks needs a rule on every row; others on none */
		for (size_t f = 0; f < st->nfields; f++) {
			enum model_merge r = st->fields[f].merge;
			if (walked[id] ? r == MR_WITH_PARENT : r != MR_WITH_PARENT)
				ROW_FAIL(st, st->fields[f].key, "merge rule %d in a struct merge %s",
					 (int)r, walked[id] ? "walks" : "never walks");
			if (r == MR_REPLACE || r == MR_DEEP || r == MR_SERVICES || r == MR_FIRST_FILE)
				ROW_FAIL(st, st->fields[f].key, "a rule for keys without a row, or for Config");
		}
	}
	CHECK(walked[MS_SERVICE] && walked[MS_UPDATE] && !walked[MS_PORT] && !walked[MS_LOGGING]);
}

/* ---- the rows against the newest schema ---- */

/*
 * Schema keys without a row: docker's structs have no field for them, so
 * its loader drops them (normalize does the same).
 */
static const char *const absent_from_model[] = {
	"ServiceConfig.oom_score_adj",
	"BuildConfig.shm_size",
};

/* Rows without a schema key: fields docker's structs have that the schema does not allow. */
static const char *const absent_from_schema[] = {
	"ServiceVolumeConfig.image",   /* image mounts: not in schema 3.13 */
	"ServiceVolumeImage.subpath",
	"ServiceVolumeConfig.cluster",
	"ServiceVolumeVolume.subpath",
	"ClusterVolumeSpec.secrets",   /* x-cluster-spec: the schema leaves secrets out */
	"VolumeSecret.key",
	"VolumeSecret.secret",
	"External.external",           /* how docker prints External, not a key one writes */
};

static int listed(const char *const *list, size_t n, const char *go_name, const char *key)
{
	char name[128];
	snprintf(name, sizeof(name), "%s.%s", go_name, key);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], name))
			return 1;
	return 0;
}

struct schema_walk {
	json_t *definitions;
	char *found[MODEL_NSTRUCTS]; /* per struct: a row's key met in the schema */
	struct sbuf problems;
};

static json_t *resolve(struct schema_walk *w, json_t *node)
{
	for (int depth = 0; depth < 16; depth++) {
		const char *ref = json_string_value(json_object_get(node, "$ref"));
		if (!ref)
			return node;
		const char *name = strrchr(ref, '/');
		node = json_object_get(w->definitions, name ? name + 1 : ref);
		if (!node)
			return NULL;
	}
	return NULL;
}

enum at { AT_VALUE, AT_ITEMS, AT_MAP_VALUES };

static void walk_struct(struct schema_walk *w, json_t *node, const struct model_struct *st,
			enum at at);

/* The schema of a row's value (node) against the struct it holds. */
static void walk_row(struct schema_walk *w, json_t *node, const struct model_field *row)
{
	switch (row->type) {
	case MT_STRUCTS:
	case MT_PORTS:
	case MT_VOLUMES:
	case MT_FILE_REFS:
		walk_struct(w, node, row->sub, AT_ITEMS);
		break;
	case MT_STRUCT_MAP:
	case MT_SERVICE_NETWORKS:
	case MT_ULIMITS:
		walk_struct(w, node, row->sub, AT_MAP_VALUES);
		break;
	default:
		walk_struct(w, node, row->sub, AT_VALUE);
		break;
	}
}

/* Every object schema found at node (through $ref, oneOf, anyOf, and at) is st. */
static void walk_struct(struct schema_walk *w, json_t *node, const struct model_struct *st,
			enum at at)
{
	node = resolve(w, node);
	if (!json_is_object(node))
		return;
	static const char *const choices[] = { "oneOf", "anyOf" };
	for (size_t c = 0; c < ARRAY_SIZE(choices); c++) {
		size_t i;
		json_t *branch;
		json_array_foreach(json_object_get(node, choices[c]), i, branch)
			walk_struct(w, branch, st, at);
	}
	if (at == AT_ITEMS) {
		walk_struct(w, json_object_get(node, "items"), st, AT_VALUE);
		return;
	}
	if (at == AT_MAP_VALUES) {
		const char *pattern;
		json_t *value;
		json_object_foreach(json_object_get(node, "patternProperties"), pattern, value)
			walk_struct(w, value, st, AT_VALUE);
		return;
	}
	const char *key;
	json_t *value;
	json_object_foreach(json_object_get(node, "properties"), key, value) {
		int f = model_field_index(st, key);
		if (f < 0) {
			if (!listed(absent_from_model, ARRAY_SIZE(absent_from_model), st->go_name, key))
				sb_printf(&w->problems, "  %s.%s: in the schema, no row\n", st->go_name, key);
			continue;
		}
		w->found[model_struct_id(st)][f] = 1;
		if (st->fields[f].sub)
			walk_row(w, value, &st->fields[f]);
	}
}

/* schemas/v3.N.json with the largest N */
static char *newest_schema(void)
{
	DIR *d = opendir("schemas");
	int best = -1;
	if (!d)
		test_fail(__FILE__, __LINE__, "cannot open schemas/ (run from the repository)");
	for (struct dirent *e; (e = readdir(d));) {
		int minor, n = 0;
		if (sscanf(e->d_name, "v3.%d.json%n", &minor, &n) == 1 && !e->d_name[n] && minor > best)
			best = minor;
	}
	closedir(d);
	CHECK(best >= 13);
	return xstrfmt("schemas/v3.%d.json", best);
}

void test_model__rows_and_the_newest_schema_agree(void)
{
	char *path = newest_schema();
	json_error_t err;
	json_t *schema = json_load_file(path, 0, &err);
	if (!schema)
		test_fail(__FILE__, __LINE__, "%s: %s", path, err.text);
	struct schema_walk w = { json_object_get(schema, "definitions"), { 0 }, SBUF_INIT };
	for (size_t id = 0; id < MODEL_NSTRUCTS; id++)
		w.found[id] = xcalloc(model_structs[id].nfields + 1, 1);
	walk_struct(&w, schema, MODEL(CONFIG), AT_VALUE);
	for (size_t id = 0; id < MODEL_NSTRUCTS; id++) {
		const struct model_struct *st = &model_structs[id];
		for (size_t f = 0; f < st->nfields; f++) {
			int is_listed = listed(absent_from_schema, ARRAY_SIZE(absent_from_schema),
					       st->go_name, st->fields[f].key);
			if (!w.found[id][f] && !is_listed)
				sb_printf(&w.problems, "  %s.%s: a row, not in the schema\n",
					  st->go_name, st->fields[f].key);
			if (w.found[id][f] && is_listed)
				sb_printf(&w.problems, "  %s.%s: in the schema after all: unlist it\n",
					  st->go_name, st->fields[f].key);
		}
		free(w.found[id]);
	}
	json_decref(schema);
	if (w.problems.len)
		test_fail(__FILE__, __LINE__, "the model and %s differ:\n%s", path, w.problems.buf);
	sbuf_release(&w.problems);
	free(path);
}
