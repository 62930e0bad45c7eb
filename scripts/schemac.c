/*
 * schemac: compile schema files (schemas/v3.*.json) into the read-only C
 * tables of schemas/tables.h, written to stdout. The build runs it (see the
 * Makefile rule for build/schemas_data.c): the JSON files stay the source of
 * truth, and stackc never parses JSON to validate.
 *
 *   schemac FILE.json... >schemas_data.c
 *
 * The dialect is the one schemas/README.md describes. A keyword, type or
 * format outside it, a $ref that does not resolve, or a table that outgrows
 * its 16-bit indices is an error: exit 1 with a message, so the build fails.
 * Equal nodes (after $ref resolution) are stored once across all files.
 */
#include "schemas/tables.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *file; /* for messages */

__attribute__((format(printf, 1, 2), noreturn))
static void fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "schemac: %s: ", file ? file : "");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void *grow(void *v, size_t *alloc, size_t want, size_t size)
{
	if (want <= *alloc)
		return v;
	*alloc = want * 2 + 16;
	v = realloc(v, *alloc * size);
	if (!v)
		fail("out of memory");
	return v;
}
#define PUSH(arr, n, alloc, val)                                            \
	do {                                                                \
		(arr) = grow((arr), &(alloc), (n) + 1, sizeof(*(arr)));    \
		(arr)[(n)++] = (val);                                       \
	} while (0)

static uint16_t idx16(size_t v)
{
	if (v > UINT16_MAX)
		fail("the tables outgrew 16-bit indices");
	return (uint16_t)v;
}

/* ---- the tables being built ---- */

static char *pool;
static size_t npool, pool_alloc;
static uint16_t *pool_strs; /* offsets of the distinct strings so far */
static size_t npool_strs, pool_strs_alloc;

static struct stab_node *nodes;
static size_t nnodes, nodes_alloc;
static struct stab_prop *props;
static size_t nprops, props_alloc;
static struct stab_pat *pats;
static size_t npats, pats_alloc;
static uint16_t *strs, *refs, *patterns, *hash;
static size_t nstrs, strs_alloc, nrefs, refs_alloc, npatterns, patterns_alloc, nhash, hash_alloc;
static struct stab_version *versions;
static size_t nversions, versions_alloc;

static uint16_t intern(const char *s)
{
	for (size_t i = 0; i < npool_strs; i++)
		if (!strcmp(pool + pool_strs[i], s))
			return pool_strs[i];
	size_t len = strlen(s) + 1, off = npool;
	pool = grow(pool, &pool_alloc, npool + len, 1);
	memcpy(pool + npool, s, len);
	npool += len;
	PUSH(pool_strs, npool_strs, pool_strs_alloc, idx16(off));
	return (uint16_t)off;
}

static uint16_t pattern_index(const char *src)
{
	uint16_t off = intern(src);
	for (size_t i = 0; i < npatterns; i++)
		if (patterns[i] == off)
			return (uint16_t)i;
	PUSH(patterns, npatterns, patterns_alloc, off);
	return idx16(npatterns - 1);
}

/* ---- compiling one file ---- */

static json_t *defs;
static struct {
	json_t *json;
	uint16_t node;
} *memo;
static size_t nmemo, memo_alloc;

static uint16_t compile(json_t *j, int depth);

static unsigned type_bit(json_t *j)
{
	static const char *const names[] = { "string", "integer", "number", "boolean",
					     "null", "object", "array" };
	const char *t = json_string_value(j);
	for (size_t i = 0; t && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(t, names[i]))
			return 1u << i;
	fail("bad type");
}

/* A node's lists, gathered before they are appended to the shared tables. */
struct lists {
	struct stab_prop *props;
	size_t nprops, props_alloc;
	struct stab_pat *pats;
	size_t npats, pats_alloc;
	uint16_t *req, *enums, *choice;
	size_t nreq, req_alloc, nenums, enums_alloc, nchoice, choice_alloc;
};

static int cmp_prop(const void *a, const void *b)
{
	return strcmp(pool + ((const struct stab_prop *)a)->name,
		      pool + ((const struct stab_prop *)b)->name);
}

static void fill(struct stab_node *n, struct lists *l, json_t *j, int depth)
{
	const char *k, *pk;
	json_t *v, *pv;
	n->flags = SN_EMPTY;
	json_object_foreach(j, k, v) {
		if (!strcmp(k, "$schema") || !strcmp(k, "id") || !strcmp(k, "description") ||
		    !strcmp(k, "default") || !strcmp(k, "definitions"))
			continue;
		n->flags &= (uint8_t)~SN_EMPTY;
		if (!strcmp(k, "type")) {
			if (json_is_array(v)) {
				for (size_t i = 0; i < json_array_size(v); i++)
					n->types |= (uint8_t)type_bit(json_array_get(v, i));
			} else {
				n->types = (uint8_t)type_bit(v);
			}
		} else if (!strcmp(k, "properties") && json_is_object(v)) {
			json_object_foreach(v, pk, pv) {
				struct stab_prop p = { intern(pk), compile(pv, depth + 1) };
				PUSH(l->props, l->nprops, l->props_alloc, p);
			}
			if (l->nprops)
				qsort(l->props, l->nprops, sizeof(*l->props), cmp_prop);
		} else if (!strcmp(k, "patternProperties") && json_is_object(v)) {
			json_object_foreach(v, pk, pv) {
				struct stab_pat p = { pattern_index(pk), compile(pv, depth + 1) };
				PUSH(l->pats, l->npats, l->pats_alloc, p);
			}
		} else if (!strcmp(k, "additionalProperties")) {
			/* true and {} allow anything: only `false` matters */
			if (json_is_object(v) && json_object_size(v))
				fail("additionalProperties schemas are not supported");
			if (json_is_false(v))
				n->flags |= SN_CLOSED;
		} else if (!strcmp(k, "required") && json_is_array(v)) {
			for (size_t i = 0; i < json_array_size(v); i++) {
				const char *s = json_string_value(json_array_get(v, i));
				if (!s)
					fail("required must list strings");
				PUSH(l->req, l->nreq, l->req_alloc, intern(s));
			}
		} else if (!strcmp(k, "items") && json_is_object(v)) {
			n->items = compile(v, depth + 1);
		} else if (!strcmp(k, "uniqueItems") && json_is_boolean(v)) {
			if (json_is_true(v))
				n->flags |= SN_UNIQUE;
		} else if (!strcmp(k, "minimum") && json_is_number(v)) {
			n->flags |= SN_MINIMUM;
			n->minimum = json_number_value(v);
		} else if (!strcmp(k, "format") && json_is_string(v)) {
			const char *f = json_string_value(v);
			n->format = !strcmp(f, "duration") ? F_DURATION
				  : !strcmp(f, "ports")    ? F_PORTS
				  : !strcmp(f, "expose")   ? F_EXPOSE
							   : (fail("format %s", f), F_NONE);
		} else if (!strcmp(k, "enum") && json_is_array(v)) {
			size_t i;
			json_t *e;
			json_array_foreach(v, i, e) {
				/* validate.c compares strings only; the schemas need no more */
				if (!json_is_string(e))
					fail("enum values must be strings");
				char *text = json_dumps(e, JSON_ENCODE_ANY);
				PUSH(l->enums, l->nenums, l->enums_alloc, intern(json_string_value(e)));
				PUSH(l->enums, l->nenums, l->enums_alloc, intern(text));
				free(text);
			}
		} else if ((!strcmp(k, "oneOf") || !strcmp(k, "anyOf")) && !l->nchoice) {
			if (!json_is_array(v) || !json_array_size(v))
				fail("oneOf/anyOf must be a non-empty array");
			if (!strcmp(k, "oneOf"))
				n->flags |= SN_ONE_OF;
			for (size_t i = 0; i < json_array_size(v); i++)
				PUSH(l->choice, l->nchoice, l->choice_alloc,
				     compile(json_array_get(v, i), depth + 1));
		} else {
			fail("unsupported keyword %s", k);
		}
	}
}

static int same_list(const void *table, size_t at, const void *mine, size_t n, size_t size)
{
	return !n || !memcmp((const char *)table + at * size, mine, n * size);
}

/* The node's property hash table: at least twice as many slots as properties. */
static void add_hash(struct stab_node *n, const struct lists *l)
{
	if (!l->nprops)
		return;
	while ((1u << n->hbits) < 2 * l->nprops)
		n->hbits++;
	size_t size = 1u << n->hbits, mask = size - 1;
	n->hash = idx16(nhash);
	for (size_t i = 0; i < size; i++)
		PUSH(hash, nhash, hash_alloc, 0);
	for (size_t p = 0; p < l->nprops; p++) {
		const char *name = pool + l->props[p].name;
		size_t i = stab_key_hash(name, strlen(name)) & mask;
		while (hash[n->hash + i])
			i = (i + 1) & mask;
		hash[n->hash + i] = (uint16_t)(p + 1);
	}
}

/* Append the lists, then keep the node only if no equal one exists. */
static uint16_t add_node(struct stab_node *n, struct lists *l)
{
	n->props = idx16(nprops);
	n->nprops = idx16(l->nprops);
	n->pats = idx16(npats);
	n->npats = idx16(l->npats);
	n->required = idx16(nstrs);
	n->nrequired = idx16(l->nreq);
	n->enums = idx16(nstrs + l->nreq);
	n->nenums = idx16(l->nenums);
	n->choice = idx16(nrefs);
	n->nchoice = idx16(l->nchoice);
	if (!l->nchoice && !l->nenums && !(n->flags & (SN_MINIMUM | SN_EMPTY)) &&
	    (n->format == F_NONE || n->format == F_EXPOSE))
		n->flags |= SN_TYPE_ONLY;
	for (size_t i = 1; i < nnodes; i++) {
		const struct stab_node *o = &nodes[i];
		if (o->types == n->types && o->flags == n->flags && o->format == n->format &&
		    o->defname == n->defname && o->items == n->items && o->minimum == n->minimum &&
		    o->nprops == n->nprops && o->npats == n->npats && o->nrequired == n->nrequired &&
		    o->nenums == n->nenums && o->nchoice == n->nchoice &&
		    same_list(props, o->props, l->props, l->nprops, sizeof(*props)) &&
		    same_list(pats, o->pats, l->pats, l->npats, sizeof(*pats)) &&
		    same_list(strs, o->required, l->req, l->nreq, sizeof(*strs)) &&
		    same_list(strs, o->enums, l->enums, l->nenums, sizeof(*strs)) &&
		    same_list(refs, o->choice, l->choice, l->nchoice, sizeof(*refs)))
			return (uint16_t)i;
	}
	for (size_t i = 0; i < l->nprops; i++)
		PUSH(props, nprops, props_alloc, l->props[i]);
	for (size_t i = 0; i < l->npats; i++)
		PUSH(pats, npats, pats_alloc, l->pats[i]);
	for (size_t i = 0; i < l->nreq; i++)
		PUSH(strs, nstrs, strs_alloc, l->req[i]);
	for (size_t i = 0; i < l->nenums; i++)
		PUSH(strs, nstrs, strs_alloc, l->enums[i]);
	for (size_t i = 0; i < l->nchoice; i++)
		PUSH(refs, nrefs, refs_alloc, l->choice[i]);
	add_hash(n, l);
	PUSH(nodes, nnodes, nodes_alloc, *n);
	return idx16(nnodes - 1);
}

static uint16_t compile_node(json_t *j, const char *defname, int depth)
{
	struct stab_node n = { 0 };
	struct lists l = { 0 };
	if (depth > 64)
		fail("schema nested too deeply (a $ref cycle?)");
	n.defname = defname ? intern(defname) : 0;
	fill(&n, &l, j, depth);
	uint16_t r = add_node(&n, &l);
	free(l.props);
	free(l.pats);
	free(l.req);
	free(l.enums);
	free(l.choice);
	return r;
}

static uint16_t compile(json_t *j, int depth)
{
	if (!json_is_object(j))
		fail("a schema must be an object");
	json_t *ref = json_object_get(j, "$ref");
	if (!ref)
		return compile_node(j, NULL, depth);
	const char *r = json_string_value(ref);
	json_t *target = r && !strncmp(r, "#/definitions/", 14) && json_object_size(j) == 1
				 ? json_object_get(defs, r + 14)
				 : NULL;
	if (!target)
		fail("bad $ref");
	for (size_t i = 0; i < nmemo; i++)
		if (memo[i].json == target)
			return memo[i].node;
	uint16_t n = compile_node(target, r + 14, depth);
	memo = grow(memo, &memo_alloc, nmemo + 1, sizeof(*memo));
	memo[nmemo].json = target;
	memo[nmemo].node = n;
	nmemo++;
	return n;
}

static void compile_file(const char *path)
{
	json_error_t err;
	file = path;
	json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	if (!j)
		fail("%s at line %d", err.text, err.line);
	defs = json_object_get(j, "definitions");
	nmemo = 0;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t len = strlen(base);
	if (len < 6 || strcmp(base + len - 5, ".json"))
		fail("not a .json file");
	char *name = strndup(base, len - 5);
	struct stab_version v = { intern(name), compile(j, 0) };
	PUSH(versions, nversions, versions_alloc, v);
	free(name);
	json_decref(j);
}

/* ---- output ---- */

static void put_cstring(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\' || c == '?')
			printf("\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			putchar(c);
		else
			printf("\\%03o", c);
	}
	printf("\\0\"\n");
}

static void put_u16s(const char *name, const uint16_t *v, size_t n)
{
	printf("const uint16_t %s[] = {", name);
	for (size_t i = 0; i < n; i++)
		printf("%s%u,", i % 16 ? " " : "\n\t", (unsigned)v[i]);
	printf("\n\t0\n};\n");
}

int main(int argc, char **argv)
{
	intern(""); /* offset 0 */
	PUSH(nodes, nnodes, nodes_alloc, (struct stab_node){ 0 });
	for (int i = 1; i < argc; i++)
		compile_file(argv[i]);
	file = NULL;
	if (nversions == 0)
		fail("no schema files given");

	printf("/* generated by scripts/schemac.c from the schema files - do not edit */\n");
	printf("#include \"schemas/tables.h\"\n\n");
	printf("const char stab_pool[] =\n");
	for (size_t off = 0; off < npool; off += strlen(pool + off) + 1)
		put_cstring(pool + off);
	printf(";\n\nconst struct stab_node stab_nodes[] = {\n\t{ 0 },\n");
	for (size_t i = 1; i < nnodes; i++) {
		const struct stab_node *n = &nodes[i];
		printf("\t{ .types = %u, .flags = %u, .format = %u, .defname = %u, .props = %u, "
		       ".nprops = %u, .pats = %u, .npats = %u, .required = %u, .nrequired = %u, "
		       ".enums = %u, .nenums = %u, .choice = %u, .nchoice = %u, .items = %u, "
		       ".hash = %u, .hbits = %u, .minimum = %.17g },\n",
		       n->types, n->flags, n->format, n->defname, n->props, n->nprops, n->pats,
		       n->npats, n->required, n->nrequired, n->enums, n->nenums, n->choice,
		       n->nchoice, n->items, n->hash, n->hbits, n->minimum);
	}
	printf("};\n\nconst struct stab_prop stab_props[] = {\n");
	for (size_t i = 0; i < nprops; i++)
		printf("\t{ %u, %u },\n", props[i].name, props[i].node);
	printf("\t{ 0, 0 }\n};\n\nconst struct stab_pat stab_pats[] = {\n");
	for (size_t i = 0; i < npats; i++)
		printf("\t{ %u, %u },\n", pats[i].pattern, pats[i].node);
	printf("\t{ 0, 0 }\n};\n\n");
	put_u16s("stab_strs", strs, nstrs);
	put_u16s("stab_refs", refs, nrefs);
	put_u16s("stab_hash", hash, nhash);
	put_u16s("stab_patterns", patterns, npatterns);
	printf("const uint16_t stab_npatterns = %zu;\n\n", npatterns);
	printf("const struct stab_version stab_versions[] = {\n");
	for (size_t i = 0; i < nversions; i++)
		printf("\t{ %u, %u },\n", versions[i].name, versions[i].root);
	printf("\t{ 0, 0 }\n};\n");
	if (fflush(stdout) || ferror(stdout))
		fail("cannot write the output");
	free(pool);
	free(pool_strs);
	free(nodes);
	free(props);
	free(pats);
	free(strs);
	free(refs);
	free(hash);
	free(patterns);
	free(versions);
	free(memo);
	return 0;
}
