/*
 * The schema validator: embedded JSON schemas compiled into a small tree of
 * `struct snode` (properties sorted for binary search, $refs resolved to
 * shared nodes, patterns compiled once), then one walk over the positioned
 * document per file. Errors are collected in a local list first so a oneOf
 * can try several branches and keep only the errors of the one it reports.
 */
#include "schemas/validate.h"
#include "schemas/format.h"
#include "compose/arena.h"
#include "compose/diag.h"
#include "compose/node.h"
#include "compose/run.h"
#include "compose/sbuf.h"
#include "compose/units.h"
#include "compose/xalloc.h"

#include <jansson.h>
#include <math.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct embedded_file {
	const char *name;
	const unsigned char *data;
	size_t len;
};
extern const struct embedded_file embedded_schemas[];

const char *const schema_versions[] = {
	"3.0", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6",
	"3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", NULL,
};
#define NVERSIONS 14
#define DEFAULT_MINOR 13

/* ---- compiled schemas ---- */

/* bit order = the order types are listed in messages */
enum {
	T_STRING = 1 << 0,
	T_INTEGER = 1 << 1,
	T_NUMBER = 1 << 2,
	T_BOOLEAN = 1 << 3,
	T_NULL = 1 << 4,
	T_OBJECT = 1 << 5,
	T_ARRAY = 1 << 6,
	T_ANY = (1 << 7) - 1,
};
static const char *const type_names[] = {
	"string", "integer", "number", "boolean", "null", "object", "array",
};
/* how types are named in messages: YAML words, not JSON ones */
static const char *const type_words[] = {
	"string", "integer", "number", "boolean", "null", "mapping", "list",
};

enum sformat { F_NONE, F_DURATION, F_PORTS, F_EXPOSE };

struct snode;
struct sprop {
	const char *name;
	struct snode *schema;
};
struct regex;
struct spattern {
	const char *src;
	const struct regex *re;
	struct snode *schema;
};

struct snode {
	unsigned types;        /* 0: any */
	int empty;             /* no keyword at all: anything passes */
	const char *defname;   /* name under definitions, when it has one */
	struct sprop *props;   /* sorted by name */
	size_t nprops;
	struct spattern *pats;
	size_t npats;
	int closed;            /* additionalProperties: false */
	const char **required;
	size_t nrequired;
	struct snode *items;
	int unique;
	int has_minimum;
	double minimum;
	enum sformat format;
	json_t *enums;         /* borrowed from the schema's json */
	struct snode **choice; /* oneOf or anyOf branches */
	size_t nchoice;
	int one_of;
};

struct schema {
	struct arena arena;
	json_t *json;
	struct snode *root;
};

static struct schema *schemas[NVERSIONS];

/*
 * Patterns are shared by all versions. The ones the schemas use are matched
 * by hand (they run once per mapping key); pcre2 handles anything else.
 */
enum pattern_kind { P_PCRE, P_PREFIX_X, P_NONEMPTY_LINE, P_ANY_CHAR, P_NAME, P_LOWER };
static const struct {
	const char *src;
	enum pattern_kind kind;
} known_patterns[] = {
	{ "^x-", P_PREFIX_X },
	{ "^.+$", P_NONEMPTY_LINE },
	{ ".+", P_ANY_CHAR },
	{ "^[a-zA-Z0-9._-]+$", P_NAME },
	{ "^[a-z]+$", P_LOWER },
};

struct regex {
	const char *src;
	enum pattern_kind kind;
	pcre2_code *re;
};
static struct regex **regexes; /* pointers: snodes keep them across growth */
static size_t nregexes, regexes_alloc;
static pcre2_match_data *match_data;

static struct regex *regex_get(const char *src)
{
	for (size_t i = 0; i < nregexes; i++)
		if (!strcmp(regexes[i]->src, src))
			return regexes[i];
	int err;
	PCRE2_SIZE off;
	/* RE2 semantics: `$` matches only at the very end */
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED,
				       PCRE2_DOLLAR_ENDONLY, &err, &off, NULL);
	if (!re)
		BUG("schema pattern %s does not compile (error %d at %zu)", src, err, (size_t)off);
	ALLOC_GROW(regexes, nregexes + 1, regexes_alloc);
	struct regex *r = regexes[nregexes++] = xmalloc(sizeof(*r));
	r->src = xstrdup(src);
	r->re = re;
	r->kind = P_PCRE;
	for (size_t i = 0; i < ARRAY_SIZE(known_patterns); i++)
		if (!strcmp(src, known_patterns[i].src))
			r->kind = known_patterns[i].kind;
	if (!match_data)
		match_data = pcre2_match_data_create(4, NULL);
	return r;
}

static int name_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '.' || ch == '_' || ch == '-';
}

/* Keys are NUL-terminated (a key with a NUL byte is cut there, for every pattern alike). */
static int regex_match(const struct regex *r, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	switch (r->kind) {
	case P_PREFIX_X:
		return p[0] == 'x' && p[1] == '-';
	case P_NONEMPTY_LINE:
		return *p && !strchr(s, '\n');
	case P_ANY_CHAR:
		for (; *p; p++)
			if (*p != '\n')
				return 1;
		return 0;
	case P_NAME:
	case P_LOWER:
		if (!*p)
			return 0;
		for (; *p; p++)
			if (r->kind == P_NAME ? !name_char(*p) : !(*p >= 'a' && *p <= 'z'))
				return 0;
		return 1;
	case P_PCRE:
		break;
	}
	return pcre2_match(r->re, (PCRE2_SPTR)s, strlen(s), 0, 0, match_data, NULL) >= 0;
}

int schema_regex_match(const char *pattern, const char *s)
{
	return regex_match(regex_get(pattern), s);
}

int schema_pattern_selftest(const char *pattern, const char *s)
{
	struct regex *r = regex_get(pattern), pcre = *r;
	pcre.kind = P_PCRE;
	return regex_match(r, s) == regex_match(&pcre, s) ? regex_match(r, s) : -1;
}

struct compiler {
	struct schema *s;
	const char *file;
	json_t *defs;
	struct {
		json_t *json;
		struct snode *node;
	} *memo;
	size_t nmemo, memo_alloc;
};

static struct snode *compile(struct compiler *c, json_t *j);

static int cmp_prop(const void *a, const void *b)
{
	return strcmp(((const struct sprop *)a)->name, ((const struct sprop *)b)->name);
}

static unsigned type_bit(struct compiler *c, json_t *j)
{
	const char *t = json_string_value(j);
	for (size_t i = 0; t && i < ARRAY_SIZE(type_names); i++)
		if (!strcmp(t, type_names[i]))
			return 1u << i;
	BUG("schema %s: bad type", c->file);
}

static struct snode **compile_list(struct compiler *c, json_t *arr, size_t *n)
{
	if (!json_is_array(arr) || !json_array_size(arr))
		BUG("schema %s: oneOf/anyOf must be a non-empty array", c->file);
	*n = json_array_size(arr);
	struct snode **v = arena_alloc(&c->s->arena, *n * sizeof(*v));
	for (size_t i = 0; i < *n; i++)
		v[i] = compile(c, json_array_get(arr, i));
	return v;
}

static void fill(struct compiler *c, struct snode *n, json_t *j)
{
	struct arena *a = &c->s->arena;
	const char *k;
	json_t *v;
	n->empty = 1;
	json_object_foreach(j, k, v) {
		if (!strcmp(k, "$schema") || !strcmp(k, "id") || !strcmp(k, "description") ||
		    !strcmp(k, "default") || !strcmp(k, "definitions"))
			continue;
		n->empty = 0;
		if (!strcmp(k, "type")) {
			if (json_is_array(v)) {
				for (size_t i = 0; i < json_array_size(v); i++)
					n->types |= type_bit(c, json_array_get(v, i));
			} else {
				n->types = type_bit(c, v);
			}
		} else if (!strcmp(k, "properties") && json_is_object(v)) {
			const char *pk;
			json_t *pv;
			n->props = arena_alloc(a, (json_object_size(v) + 1) * sizeof(*n->props));
			json_object_foreach(v, pk, pv) {
				n->props[n->nprops].name = pk;
				n->props[n->nprops].schema = compile(c, pv);
				n->nprops++;
			}
			qsort(n->props, n->nprops, sizeof(*n->props), cmp_prop);
		} else if (!strcmp(k, "patternProperties") && json_is_object(v)) {
			const char *pk;
			json_t *pv;
			n->pats = arena_alloc(a, (json_object_size(v) + 1) * sizeof(*n->pats));
			json_object_foreach(v, pk, pv) {
				n->pats[n->npats].src = pk;
				n->pats[n->npats].re = regex_get(pk);
				n->pats[n->npats].schema = compile(c, pv);
				n->npats++;
			}
		} else if (!strcmp(k, "additionalProperties")) {
			/* true and {} allow anything: only `false` matters */
			if (json_is_object(v) && json_object_size(v))
				BUG("schema %s: additionalProperties schemas are not supported", c->file);
			n->closed = json_is_false(v);
		} else if (!strcmp(k, "required") && json_is_array(v)) {
			n->nrequired = json_array_size(v);
			n->required = arena_alloc(a, (n->nrequired + 1) * sizeof(*n->required));
			for (size_t i = 0; i < n->nrequired; i++)
				if (!(n->required[i] = json_string_value(json_array_get(v, i))))
					BUG("schema %s: required must list strings", c->file);
		} else if (!strcmp(k, "items") && json_is_object(v)) {
			n->items = compile(c, v);
		} else if (!strcmp(k, "uniqueItems") && json_is_boolean(v)) {
			n->unique = json_is_true(v);
		} else if (!strcmp(k, "minimum") && json_is_number(v)) {
			n->has_minimum = 1;
			n->minimum = json_number_value(v);
		} else if (!strcmp(k, "format") && json_is_string(v)) {
			const char *f = json_string_value(v);
			n->format = !strcmp(f, "duration") ? F_DURATION
				  : !strcmp(f, "ports")    ? F_PORTS
				  : !strcmp(f, "expose")   ? F_EXPOSE
							   : (BUG("schema %s: format %s", c->file, f), F_NONE);
		} else if (!strcmp(k, "enum") && json_is_array(v)) {
			n->enums = v;
		} else if ((!strcmp(k, "oneOf") || !strcmp(k, "anyOf")) && !n->choice) {
			n->one_of = !strcmp(k, "oneOf");
			n->choice = compile_list(c, v, &n->nchoice);
		} else {
			BUG("schema %s: unsupported keyword %s", c->file, k);
		}
	}
}

static struct snode *compile(struct compiler *c, json_t *j)
{
	if (!json_is_object(j))
		BUG("schema %s: a schema must be an object", c->file);
	json_t *ref = json_object_get(j, "$ref");
	if (!ref) {
		struct snode *n = arena_alloc(&c->s->arena, sizeof(*n));
		fill(c, n, j);
		return n;
	}
	const char *r = json_string_value(ref);
	json_t *target = r && !strncmp(r, "#/definitions/", 14) && json_object_size(j) == 1
				 ? json_object_get(c->defs, r + 14)
				 : NULL;
	if (!target)
		BUG("schema %s: bad $ref", c->file);
	for (size_t i = 0; i < c->nmemo; i++)
		if (c->memo[i].json == target)
			return c->memo[i].node;
	struct snode *n = arena_alloc(&c->s->arena, sizeof(*n));
	ALLOC_GROW(c->memo, c->nmemo + 1, c->memo_alloc);
	c->memo[c->nmemo].json = target;
	c->memo[c->nmemo].node = n;
	c->nmemo++;
	n->defname = r + 14;
	fill(c, n, target);
	return n;
}

static struct schema *schema_get(int minor)
{
	if (schemas[minor])
		return schemas[minor];
	char name[16];
	snprintf(name, sizeof(name), "v%s", schema_versions[minor]);
	const struct embedded_file *f = embedded_schemas;
	while (f->name && strcmp(f->name, name))
		f++;
	if (!f->name)
		BUG("schema %s is not embedded", name);
	struct schema *s = xcalloc(1, sizeof(*s));
	arena_init(&s->arena);
	json_error_t err;
	s->json = json_loadb((const char *)f->data, f->len, JSON_REJECT_DUPLICATES, &err);
	if (!s->json)
		BUG("schema %s: %s at line %d", name, err.text, err.line);
	struct compiler c = { s, f->name, json_object_get(s->json, "definitions"), NULL, 0, 0 };
	s->root = compile(&c, s->json);
	free(c.memo);
	schemas[minor] = s;
	return s;
}

void schema_cache_release(void)
{
	for (int i = 0; i < NVERSIONS; i++) {
		if (!schemas[i])
			continue;
		json_decref(schemas[i]->json);
		arena_release(&schemas[i]->arena);
		free(schemas[i]);
		schemas[i] = NULL;
	}
	for (size_t i = 0; i < nregexes; i++) {
		pcre2_code_free(regexes[i]->re);
		free((char *)regexes[i]->src);
		free(regexes[i]);
	}
	free(regexes);
	regexes = NULL;
	nregexes = regexes_alloc = 0;
	pcre2_match_data_free(match_data);
	match_data = NULL;
}

/* ---- validation ---- */

struct verr {
	const char *rule;
	struct pos pos;
	char *path;
	char *msg;
	struct pos note_pos;
	char *note;
};

struct step {
	const char *key; /* NULL: list index */
	size_t index;
};

struct vctx {
	struct run *run;
	int minor;
	struct step *steps;
	size_t nsteps, steps_alloc;
	struct verr *errs;
	size_t nerrs, errs_alloc;
};

/* Paths are kept as steps and only spelled out for an error: most nodes have none. */
static void push_key(struct vctx *c, const char *key, size_t *mark)
{
	*mark = c->nsteps;
	ALLOC_GROW(c->steps, c->nsteps + 1, c->steps_alloc);
	c->steps[c->nsteps++] = (struct step){ key, 0 };
}

static void push_index(struct vctx *c, size_t i, size_t *mark)
{
	*mark = c->nsteps;
	ALLOC_GROW(c->steps, c->nsteps + 1, c->steps_alloc);
	c->steps[c->nsteps++] = (struct step){ NULL, i };
}

static void pop(struct vctx *c, size_t mark)
{
	c->nsteps = mark;
}

/* Record an error at the path of the first nsteps steps; takes msg's buffer. */
static struct verr *add_err_at(struct vctx *c, const char *rule, struct pos pos, size_t nsteps,
			       struct sbuf *msg)
{
	struct sbuf path = SBUF_INIT;
	for (size_t i = 0; i < nsteps; i++) {
		if (c->steps[i].key)
			path_push_key(&path, c->steps[i].key);
		else
			path_push_index(&path, c->steps[i].index);
	}
	ALLOC_GROW(c->errs, c->nerrs + 1, c->errs_alloc);
	struct verr *e = &c->errs[c->nerrs++];
	memset(e, 0, sizeof(*e));
	e->rule = rule;
	e->pos = pos;
	e->path = sbuf_detach(&path, NULL);
	e->msg = sbuf_detach(msg, NULL);
	return e;
}

static struct verr *add_err(struct vctx *c, const char *rule, struct pos pos, struct sbuf *msg)
{
	return add_err_at(c, rule, pos, c->nsteps, msg);
}

static void free_errs(struct verr *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].msg);
		free(v[i].note);
	}
}

static unsigned node_types(const struct node *n)
{
	switch (n->kind) {
	case NODE_MAP: return T_OBJECT;
	case NODE_SEQ: return T_ARRAY;
	case NODE_STR: return T_STRING;
	case NODE_BOOL: return T_BOOLEAN;
	case NODE_NULL: return T_NULL;
	case NODE_INT: return T_INTEGER | T_NUMBER;
	case NODE_FLOAT:
		return T_NUMBER | (isfinite(n->s.v.f) && floor(n->s.v.f) == n->s.v.f ? T_INTEGER : 0);
	}
	BUG("node kind %d", n->kind);
}

static double node_number(const struct node *n)
{
	if (n->kind == NODE_FLOAT)
		return n->s.v.f;
	return n->flags & NODE_UNSIGNED ? (double)n->s.v.u : (double)n->s.v.i;
}

/* "string, number or null"; integer is implied by number */
static void put_types(struct sbuf *sb, unsigned types)
{
	if (types & T_NUMBER)
		types &= ~(unsigned)T_INTEGER;
	size_t total = 0, done = 0;
	for (size_t i = 0; i < ARRAY_SIZE(type_words); i++)
		total += !!(types & (1u << i));
	for (size_t i = 0; i < ARRAY_SIZE(type_words); i++) {
		if (!(types & (1u << i)))
			continue;
		if (done)
			sb_puts(sb, done + 1 == total ? " or " : ", ");
		sb_puts(sb, type_words[i]);
		done++;
	}
}

/* What the user wrote, for "got ...": `string "3"`, `integer 5`, `list`. */
static void put_got(struct sbuf *sb, const struct node *n)
{
	switch (n->kind) {
	case NODE_MAP: sb_puts(sb, "mapping"); break;
	case NODE_SEQ: sb_puts(sb, "list"); break;
	case NODE_NULL: sb_puts(sb, "null"); break;
	case NODE_STR:
		sb_puts(sb, "string ");
		sb_repr(sb, n->s.text, n->s.len, 60);
		break;
	default:
		sb_puts(sb, n->kind == NODE_BOOL ? "boolean " : n->kind == NODE_INT ? "integer " : "number ");
		sb_put(sb, n->s.text, n->s.len);
	}
}

static void type_error(struct vctx *c, const struct node *n, unsigned expected)
{
	struct sbuf m = SBUF_INIT;
	sb_puts(&m, "expected ");
	put_types(&m, expected);
	sb_puts(&m, ", got ");
	put_got(&m, n);
	add_err(c, "schema.type", n->pos, &m);
}

static const struct sprop *find_prop(const struct snode *s, const char *key)
{
	size_t lo = 0, hi = s->nprops;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int r = strcmp(key, s->props[mid].name);
		if (!r)
			return &s->props[mid];
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Does a value of these node types pass the schema's type (through oneOf)? */
static int fits(const struct snode *s, unsigned nt)
{
	if (s->types)
		return (s->types & nt) != 0;
	if (s->choice) {
		for (size_t i = 0; i < s->nchoice; i++)
			if (fits(s->choice[i], nt))
				return 1;
		return 0;
	}
	return 1;
}

static unsigned accepted(const struct snode *s)
{
	if (s->types)
		return s->types;
	if (!s->choice)
		return T_ANY;
	unsigned t = 0;
	for (size_t i = 0; i < s->nchoice; i++)
		t |= accepted(s->choice[i]);
	return t;
}

/* Called with the key pushed; reports at the mapping's path. */
static void key_type_error(struct vctx *c, const struct node_entry *e, size_t parent_mark)
{
	struct sbuf m = SBUF_INIT;
	sb_puts(&m, "mapping key ");
	sb_puts(&m, e->key);
	sb_puts(&m, " must be a string (quote it: ");
	sb_repr(&m, e->key, strlen(e->key), 60);
	sb_putc(&m, ')');
	add_err_at(c, "schema.key-type", e->keypos, parent_mark, &m);
}

/* Non-string keys anywhere below n (docker's JSON conversion rejects them). */
static void check_keys_deep(struct vctx *c, const struct node *n)
{
	size_t mark;
	if (n->kind == NODE_SEQ) {
		for (size_t i = 0; i < n->seq.n; i++) {
			push_index(c, i, &mark);
			check_keys_deep(c, n->seq.v[i]);
			pop(c, mark);
		}
	} else if (n->kind == NODE_MAP) {
		for (size_t i = 0; i < n->map.n; i++) {
			const struct node_entry *e = &n->map.v[i];
			push_key(c, e->key, &mark);
			if (e->keyflags & NODE_KEY_NONSTR)
				key_type_error(c, e, mark);
			check_keys_deep(c, e->val);
			pop(c, mark);
		}
	}
}

static void validate(struct vctx *c, const struct node *n, const struct snode *s);

/* ---- unknown keys ---- */

/* Optimal string alignment distance, capped: 99 when the strings are long. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 40 || lb > 40)
		return 99;
	size_t d[41][41];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

static const char *closest_prop(const struct snode *s, const char *key)
{
	size_t len = strlen(key), best = 99;
	size_t limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
	const char *r = NULL;
	for (size_t i = 0; i < s->nprops; i++) {
		size_t d = edit_distance(key, s->props[i].name);
		if (d <= limit && d < best) {
			best = d;
			r = s->props[i].name;
		}
	}
	return r;
}

/* The object schema reached by following steps from s, choosing oneOf branches by shape. */
static const struct snode *pick(const struct snode *s, unsigned want)
{
	if (s->types)
		return s->types & want ? s : NULL;
	for (size_t i = 0; i < s->nchoice; i++) {
		const struct snode *r = pick(s->choice[i], want);
		if (r)
			return r;
	}
	return s->choice ? NULL : s;
}

static const struct snode *lookup(const struct snode *s, const struct step *steps, size_t n)
{
	for (size_t i = 0; s && i < n; i++) {
		s = pick(s, steps[i].key ? T_OBJECT : T_ARRAY);
		if (!s)
			return NULL;
		if (!steps[i].key) {
			s = s->items;
			continue;
		}
		const struct sprop *p = find_prop(s, steps[i].key);
		const struct snode *next = p ? p->schema : NULL;
		for (size_t k = 0; !next && k < s->npats; k++)
			if (regex_match(s->pats[k].re, steps[i].key))
				next = s->pats[k].schema;
		s = next;
	}
	return s ? pick(s, T_OBJECT) : NULL;
}

/* The first newer version whose schema has this key at this place, or -1. */
static int newer_version_with(struct vctx *c, const char *key)
{
	for (int m = c->minor + 1; m < NVERSIONS; m++) {
		const struct snode *o = lookup(schema_get(m)->root, c->steps, c->nsteps - 1);
		if (!o)
			continue;
		if (find_prop(o, key))
			return m;
		for (size_t k = 0; k < o->npats; k++)
			if (regex_match(o->pats[k].re, key))
				return m;
	}
	return -1;
}

static int has_x_pattern(const struct snode *s)
{
	for (size_t i = 0; i < s->npats; i++)
		if (!strcmp(s->pats[i].src, "^x-"))
			return 1;
	return 0;
}

/* Called with the key pushed; reports at the parent's path. */
static void unknown_key(struct vctx *c, const struct node_entry *e, const struct snode *s,
			size_t parent_mark)
{
	struct sbuf m = SBUF_INIT;
	const char *key = e->key;
	int newer = s->nprops ? newer_version_with(c, key) : -1;
	const char *near = s->nprops && newer < 0 ? closest_prop(s, key) : NULL;

	if (!s->nprops && s->npats) {
		sb_puts(&m, "invalid name ");
		sb_repr(&m, key, strlen(key), 60);
		sb_puts(&m, " (must match ");
		sb_puts(&m, s->pats[0].src);
		sb_putc(&m, ')');
	} else {
		sb_puts(&m, "unknown key ");
		sb_repr(&m, key, strlen(key), 60);
		if (newer >= 0) {
			sb_printf(&m, ": needs version %s or later (the file says %s)",
				  schema_versions[newer], schema_versions[c->minor]);
		} else if (near) {
			sb_puts(&m, " (did you mean ");
			sb_repr(&m, near, strlen(near), 0);
			sb_puts(&m, "?)");
		} else if (s->nprops <= 12) {
			sb_puts(&m, " (allowed: ");
			for (size_t i = 0; i < s->nprops; i++)
				sb_printf(&m, "%s%s", i ? ", " : "", s->props[i].name);
			if (has_x_pattern(s))
				sb_puts(&m, ", x-*");
			sb_putc(&m, ')');
		} else if (s->defname) {
			sb_printf(&m, " in a %s", s->defname);
		}
	}
	add_err_at(c, "schema.additional-property", e->keypos, parent_mark, &m);
}

static void validate_map(struct vctx *c, const struct node *n, const struct snode *s)
{
	for (size_t i = 0; i < s->nrequired; i++)
		if (!node_map_find(n, s->required[i])) {
			struct sbuf m = SBUF_INIT;
			sb_printf(&m, "missing required key \"%s\"", s->required[i]);
			add_err(c, "schema.required", n->pos, &m);
		}
	for (size_t i = 0; i < n->map.n; i++) {
		const struct node_entry *e = &n->map.v[i];
		size_t mark;
		push_key(c, e->key, &mark);
		if (e->keyflags & NODE_KEY_NONSTR) {
			key_type_error(c, e, mark);
			check_keys_deep(c, e->val);
			pop(c, mark);
			continue;
		}
		int matched = 0;
		const struct sprop *p = find_prop(s, e->key);
		if (p) {
			validate(c, e->val, p->schema);
			matched = 1;
		}
		for (size_t k = 0; k < s->npats; k++)
			if (regex_match(s->pats[k].re, e->key)) {
				validate(c, e->val, s->pats[k].schema);
				matched = 1;
			}
		if (!matched) {
			if (s->closed)
				unknown_key(c, e, s, mark);
			else
				check_keys_deep(c, e->val);
		}
		pop(c, mark);
	}
}

/* ---- uniqueItems: canonical text per item, sorted, so no quadratic compare ---- */

static void canon(struct sbuf *sb, const struct node *n);

static int cmp_entry_key(const void *a, const void *b)
{
	return strcmp((*(const struct node_entry *const *)a)->key,
		      (*(const struct node_entry *const *)b)->key);
}

static void put_uint(struct sbuf *sb, unsigned long long v)
{
	char buf[24];
	size_t n = sizeof(buf);
	do {
		buf[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sb_put(sb, buf + n, sizeof(buf) - n);
}

static void put_int(struct sbuf *sb, long long v)
{
	if (v < 0)
		sb_putc(sb, '-');
	put_uint(sb, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v);
}

/* An unambiguous text per value; equal texts = equal JSON values (1 and 1.0 too). */
static void canon(struct sbuf *sb, const struct node *n)
{
	switch (n->kind) {
	case NODE_NULL: sb_putc(sb, 'n'); break;
	case NODE_BOOL: sb_putc(sb, n->s.v.b ? 't' : 'f'); break;
	case NODE_STR:
		sb_putc(sb, 's');
		put_uint(sb, n->s.len);
		sb_putc(sb, ':');
		sb_put(sb, n->s.text, n->s.len);
		break;
	case NODE_INT:
	case NODE_FLOAT:
		if (n->kind == NODE_INT && (n->flags & NODE_UNSIGNED)) {
			sb_putc(sb, 'i');
			put_uint(sb, n->s.v.u);
		} else if (n->kind == NODE_INT) {
			sb_putc(sb, 'i');
			put_int(sb, n->s.v.i);
		} else if (floor(n->s.v.f) == n->s.v.f && fabs(n->s.v.f) < 9e18) {
			sb_putc(sb, 'i');
			put_int(sb, (long long)n->s.v.f);
		} else {
			sb_printf(sb, "d%.17g", n->s.v.f);
		}
		break;
	case NODE_SEQ:
		sb_putc(sb, '[');
		for (size_t i = 0; i < n->seq.n; i++) {
			canon(sb, n->seq.v[i]);
			sb_putc(sb, ',');
		}
		sb_putc(sb, ']');
		break;
	case NODE_MAP: {
		const struct node_entry **v = xmalloc((n->map.n + 1) * sizeof(*v));
		for (size_t i = 0; i < n->map.n; i++)
			v[i] = &n->map.v[i];
		qsort(v, n->map.n, sizeof(*v), cmp_entry_key);
		sb_putc(sb, '{');
		for (size_t i = 0; i < n->map.n; i++) {
			put_uint(sb, strlen(v[i]->key));
			sb_putc(sb, ':');
			sb_puts(sb, v[i]->key);
			sb_putc(sb, '=');
			canon(sb, v[i]->val);
			sb_putc(sb, ',');
		}
		sb_putc(sb, '}');
		free(v);
		break;
	}
	}
}

struct canon_item {
	size_t index, off, len;
};
static const char *canon_base;
static int cmp_canon(const void *pa, const void *pb)
{
	const struct canon_item *a = pa, *b = pb;
	size_t l = a->len < b->len ? a->len : b->len;
	int r = memcmp(canon_base + a->off, canon_base + b->off, l);
	if (r)
		return r;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

static void check_unique(struct vctx *c, const struct node *n)
{
	if (n->seq.n < 2)
		return;
	struct sbuf text = SBUF_INIT;
	struct canon_item *v = xmalloc(n->seq.n * sizeof(*v));
	for (size_t i = 0; i < n->seq.n; i++) {
		v[i].index = i;
		v[i].off = text.len;
		canon(&text, n->seq.v[i]);
		v[i].len = text.len - v[i].off;
	}
	canon_base = text.buf;
	qsort(v, n->seq.n, sizeof(*v), cmp_canon);
	size_t first = 0;
	for (size_t i = 1; i < n->seq.n; i++) {
		if (v[i].len != v[first].len ||
		    memcmp(text.buf + v[i].off, text.buf + v[first].off, v[i].len)) {
			first = i;
			continue;
		}
		const struct node *item = n->seq.v[v[i].index];
		struct sbuf m = SBUF_INIT;
		size_t mark;
		sb_puts(&m, "duplicate item");
		if (node_is_scalar(item)) {
			sb_putc(&m, ' ');
			if (item->kind == NODE_STR)
				sb_repr(&m, item->s.text, item->s.len, 60);
			else
				sb_put(&m, item->s.text, item->s.len);
		}
		sb_printf(&m, " (same as item %zu; items must be unique)", v[first].index);
		push_index(c, v[i].index, &mark);
		struct verr *e = add_err(c, "schema.unique", item->pos, &m);
		e->note_pos = n->seq.v[v[first].index]->pos;
		e->note = xstrdup("first occurrence here");
		pop(c, mark);
	}
	free(v);
	sbuf_release(&text);
}

/* ---- the other keywords ---- */

static int enum_has(const json_t *values, const struct node *n)
{
	size_t i;
	json_t *v;
	json_array_foreach(values, i, v) {
		if (json_is_string(v) && n->kind == NODE_STR && !strcmp(json_string_value(v), n->s.text))
			return 1;
		if (json_is_number(v) && (node_types(n) & T_NUMBER) &&
		    json_number_value(v) == node_number(n))
			return 1;
		if (json_is_boolean(v) && n->kind == NODE_BOOL && json_is_true(v) == n->s.v.b)
			return 1;
		if (json_is_null(v) && n->kind == NODE_NULL)
			return 1;
	}
	return 0;
}

static void check_enum(struct vctx *c, const struct node *n, const json_t *values)
{
	if (enum_has(values, n))
		return;
	struct sbuf m = SBUF_INIT;
	size_t count = json_array_size(values), i;
	json_t *v;
	sb_puts(&m, "invalid value ");
	if (n->kind == NODE_STR)
		sb_repr(&m, n->s.text, n->s.len, 60);
	else
		put_got(&m, n);
	sb_puts(&m, " (expected ");
	json_array_foreach(values, i, v) {
		if (i)
			sb_puts(&m, i + 1 == count ? " or " : ", ");
		char *t = json_dumps(v, JSON_ENCODE_ANY);
		sb_puts(&m, t);
		free(t);
	}
	sb_putc(&m, ')');
	add_err(c, "schema.enum", n->pos, &m);
}

static void check_format(struct vctx *c, const struct node *n, enum sformat f)
{
	struct sbuf why = SBUF_INIT, m = SBUF_INIT;
	int bad = 0;
	if (f == F_DURATION && n->kind == NODE_STR) {
		int64_t ns;
		bad = strlen(n->s.text) != n->s.len || units_parse_duration(n->s.text, &ns);
		sb_puts(&m, "invalid duration ");
		sb_puts(&why, "expected a number and a unit, such as 10s, 1m30s or 1.5h "
			      "(units: ns, us, ms, s, m, h)");
	} else if (f == F_PORTS && n->kind == NODE_STR) {
		bad = format_port_spec(n->s.text, n->s.len, &why);
		sb_puts(&m, "invalid port ");
	} else if (f == F_PORTS && (node_types(n) & T_NUMBER)) {
		char num[32];
		sb_puts(&m, "invalid port ");
		if (!(node_types(n) & T_INTEGER)) {
			bad = 1;
			sb_puts(&why, "a port must be a whole number");
		} else {
			if (n->kind == NODE_FLOAT)
				snprintf(num, sizeof(num), "%.0f", n->s.v.f);
			else if (n->flags & NODE_UNSIGNED)
				snprintf(num, sizeof(num), "%llu", (unsigned long long)n->s.v.u);
			else
				snprintf(num, sizeof(num), "%lld", (long long)n->s.v.i);
			bad = format_port_spec(num, strlen(num), &why);
		}
	}
	if (bad) {
		if (n->kind == NODE_STR)
			sb_repr(&m, n->s.text, n->s.len, 60);
		else
			sb_put(&m, n->s.text, n->s.len);
		sb_puts(&m, ": ");
		sb_put(&m, why.buf, why.len);
		add_err(c, "schema.format", n->pos, &m);
	}
	sbuf_release(&m);
	sbuf_release(&why);
}

/*
 * oneOf/anyOf. Only branches whose type fits the value are tried; with one
 * such branch its errors are the answer. With several, each is tried on its
 * own error list and the one with the fewest errors is reported.
 */
static void validate_choice(struct vctx *c, const struct node *n, const struct snode *s)
{
	unsigned nt = node_types(n);
	size_t nfit = 0, only = 0;
	for (size_t i = 0; i < s->nchoice; i++)
		if (fits(s->choice[i], nt)) {
			if (!nfit)
				only = i;
			nfit++;
		}
	if (!nfit) {
		type_error(c, n, accepted(s));
		return;
	}
	if (nfit == 1) {
		validate(c, n, s->choice[only]);
		return;
	}
	size_t mark = c->nerrs, matches = 0, nbest = SIZE_MAX;
	struct verr *best = NULL;
	for (size_t i = 0; i < s->nchoice; i++) {
		if (!fits(s->choice[i], nt))
			continue;
		validate(c, n, s->choice[i]);
		size_t cnt = c->nerrs - mark;
		matches += !cnt;
		if (cnt < nbest) {
			if (best)
				free_errs(best, nbest);
			free(best);
			best = xmalloc((cnt ? cnt : 1) * sizeof(*best));
			memcpy(best, c->errs + mark, cnt * sizeof(*best));
			nbest = cnt;
		} else {
			free_errs(c->errs + mark, cnt);
		}
		c->nerrs = mark;
	}
	if (matches > 1 && s->one_of) {
		struct sbuf m = SBUF_INIT;
		sb_puts(&m, "value matches more than one of the accepted forms");
		add_err(c, "schema.one-of", n->pos, &m);
	} else if (!matches) {
		ALLOC_GROW(c->errs, c->nerrs + nbest, c->errs_alloc);
		memcpy(c->errs + c->nerrs, best, nbest * sizeof(*best));
		c->nerrs += nbest;
		nbest = 0;
	}
	free_errs(best, nbest);
	free(best);
}

static void validate(struct vctx *c, const struct node *n, const struct snode *s)
{
	if (s->empty) {
		check_keys_deep(c, n);
		return;
	}
	unsigned nt = node_types(n);
	if (s->types && !(s->types & nt)) {
		type_error(c, n, s->types);
		return;
	}
	if (s->enums)
		check_enum(c, n, s->enums);
	if (s->format != F_NONE && s->format != F_EXPOSE)
		check_format(c, n, s->format);
	if (s->has_minimum && (nt & T_NUMBER) && node_number(n) < s->minimum) {
		struct sbuf m = SBUF_INIT;
		sb_printf(&m, "must be at least %g, got ", s->minimum);
		sb_put(&m, n->s.text, n->s.len);
		add_err(c, "schema.minimum", n->pos, &m);
	}
	/* a oneOf's branch walks the children; without one, someone must look at keys */
	if (n->kind == NODE_MAP && (s->nprops || s->npats || s->closed || s->nrequired)) {
		validate_map(c, n, s);
	} else if (n->kind == NODE_SEQ && s->items) {
		for (size_t i = 0; i < n->seq.n; i++) {
			size_t mark;
			push_index(c, i, &mark);
			validate(c, n->seq.v[i], s->items);
			pop(c, mark);
		}
	} else if (!s->choice) {
		check_keys_deep(c, n);
	}
	if (n->kind == NODE_SEQ && s->unique)
		check_unique(c, n);
	if (s->choice)
		validate_choice(c, n, s);
}

static int minor_of(const char *version)
{
	if (!version)
		return DEFAULT_MINOR;
	for (int i = 0; i < NVERSIONS; i++)
		if (!strcmp(version, schema_versions[i]))
			return i;
	BUG("no schema for version %s", version);
}

int schema_validate(struct run *run, const struct node *root, const char *version)
{
	struct vctx c = { .run = run, .minor = minor_of(version) };
	const struct schema *s = schema_get(c.minor);
	if (root)
		validate(&c, root, s->root);
	for (size_t i = 0; i < c.nerrs; i++) {
		struct verr *e = &c.errs[i];
		diag_add(&run->diag, DIAG_ERROR, e->rule, e->pos, e->path, "%s", e->msg);
		if (e->note)
			diag_note(&run->diag, e->note_pos, "%s", e->note);
	}
	int ret = c.nerrs ? -1 : 0;
	free_errs(c.errs, c.nerrs);
	free(c.errs);
	free(c.steps);
	return ret;
}

int schema_version_check(const char **out, struct run *run, const struct node *root)
{
	const struct node_entry *e =
		root && root->kind == NODE_MAP ? node_map_find(root, "version") : NULL;
	*out = NULL;
	if (!e) {
		*out = schema_versions[DEFAULT_MINOR];
		return 0;
	}
	const struct node *v = e->val;
	struct sbuf m = SBUF_INIT;
	if (v->kind != NODE_STR) {
		sb_puts(&m, "expected string, got ");
		put_got(&m, v);
		if (node_is_scalar(v) && v->kind != NODE_NULL)
			sb_printf(&m, " (write version: \"%s\")", v->s.text);
		goto fail;
	}
	if (!v->s.len || !strcmp(v->s.text, "3")) {
		*out = schema_versions[DEFAULT_MINOR];
		return 0;
	}
	for (int i = 0; i < NVERSIONS; i++)
		if (!strcmp(v->s.text, schema_versions[i])) {
			*out = schema_versions[i];
			return 0;
		}
	sb_puts(&m, "unsupported compose file version ");
	sb_repr(&m, v->s.text, v->s.len, 60);
	sb_puts(&m, " (supported: 3.0 to 3.13, or 3 for the latest)");
	if (memchr(v->s.text, '$', v->s.len))
		sb_puts(&m, "; the version is read before interpolation");
fail:
	diag_add(&run->diag, DIAG_ERROR, "schema.version", v->pos, "version", "%s", m.buf);
	sbuf_release(&m);
	return -1;
}
