/*
 * The schema validator: the schemas come compiled into read-only tables
 * (schemas/tables.h, written at build time by scripts/schemac.c: properties
 * in a hash table per node, $refs resolved to shared nodes), then one walk
 * over the positioned document per file. Errors are collected in a local
 * list first so a oneOf can try several branches and keep only the errors of
 * the one it reports.
 */
#include "check/validate.h"
#include "check/format.h"
#include "check/keys.h"
#include "check/rules.h"
#include "schemas/tables.h"
#include "base/arena.h"
#include "base/diag.h"
#include "base/path.h"
#include "base/node.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "compose/units.h"
#include "base/xalloc.h"
#include "compose/ytime.h"

#include <math.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *const schema_versions[] = {
	"3.0", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6",
	"3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", NULL,
};
#define NVERSIONS 14
#define DEFAULT_MINOR 13

/* ---- the compiled schemas ---- */

/* how types are named in messages: YAML words, not JSON ones */
static const char *const type_words[] = {
	"string", "integer", "number", "boolean", "null", "mapping", "list",
};

typedef struct stab_node snode;

static const snode *node_at(uint16_t i)
{
	return i ? &stab_nodes[i] : NULL;
}

static const char *prop_name(const snode *s, size_t i)
{
	return stab_pool + stab_props[s->props + i].name;
}

static const snode *pat_schema(const snode *s, size_t k)
{
	return &stab_nodes[stab_pats[s->pats + k].node];
}

static const char *pat_src(const snode *s, size_t k)
{
	return stab_pool + stab_patterns[stab_pats[s->pats + k].pattern];
}

static const snode *choice_at(const snode *s, size_t i)
{
	return &stab_nodes[stab_refs[s->choice + i]];
}

static const snode *schema_root(int minor)
{
	static uint16_t roots[NVERSIONS];
	if (roots[minor])
		return &stab_nodes[roots[minor]];
	const struct stab_version *v = stab_versions;
	while (v->root && (stab_pool[v->name] != 'v' ||
			   strcmp(stab_pool + v->name + 1, schema_versions[minor])))
		v++;
	if (!v->root)
		BUG("schema v%s is not embedded", schema_versions[minor]);
	roots[minor] = v->root;
	return &stab_nodes[v->root];
}

/*
 * Patterns are shared by all versions. The ones the schemas use are matched
 * by hand (they run once per mapping key); pcre2 handles anything else and
 * is only compiled when needed.
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
	pcre2_code *re; /* compiled on first use */
};
static struct regex **regexes; /* pointers: callers keep them across growth */
static size_t nregexes, regexes_alloc;
static struct regex **schema_regexes; /* by stab_patterns index */
static pcre2_match_data *match_data;

static struct regex *regex_get(const char *src)
{
	for (size_t i = 0; i < nregexes; i++)
		if (!strcmp(regexes[i]->src, src))
			return regexes[i];
	ALLOC_GROW(regexes, nregexes + 1, regexes_alloc);
	struct regex *r = regexes[nregexes++] = xmalloc(sizeof(*r));
	r->src = xstrdup(src);
	r->re = NULL;
	r->kind = P_PCRE;
	for (size_t i = 0; i < ARRAY_SIZE(known_patterns); i++)
		if (!strcmp(src, known_patterns[i].src))
			r->kind = known_patterns[i].kind;
	return r;
}

static inline const struct regex *pat_regex(const snode *s, size_t k)
{
	uint16_t i = stab_pats[s->pats + k].pattern;
	if (!schema_regexes)
		schema_regexes = xcalloc(stab_npatterns, sizeof(*schema_regexes));
	if (!schema_regexes[i])
		schema_regexes[i] = regex_get(stab_pool + stab_patterns[i]);
	return schema_regexes[i];
}

static int pcre_match(struct regex *r, const char *s)
{
	if (!r->re) {
		int err;
		PCRE2_SIZE off;
		/* RE2 semantics: `$` matches only at the very end */
		r->re = pcre2_compile((PCRE2_SPTR)r->src, PCRE2_ZERO_TERMINATED,
				      PCRE2_DOLLAR_ENDONLY, &err, &off, NULL);
		if (!r->re)
			BUG("pattern %s does not compile (error %d at %zu)", r->src, err, (size_t)off);
	}
	if (!match_data)
		match_data = pcre2_match_data_create(4, NULL);
	return pcre2_match(r->re, (PCRE2_SPTR)s, strlen(s), 0, 0, match_data, NULL) >= 0;
}

static int name_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '.' || ch == '_' || ch == '-';
}

/* Keys are NUL-terminated (a key with a NUL byte is cut there, for every pattern alike). */
static int regex_match_any(const struct regex *r, const char *s);

/* "^x-", on every key of most mappings, without a call */
static inline int regex_match(const struct regex *r, const char *s)
{
	if (r->kind == P_PREFIX_X)
		return s[0] == 'x' && s[1] == '-';
	return regex_match_any(r, s);
}

static int regex_match_any(const struct regex *r, const char *s)
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
	return pcre_match((struct regex *)r, s);
}

int schema_regex_match(const char *pattern, const char *s)
{
	return regex_match(regex_get(pattern), s);
}

int schema_pattern_selftest(const char *pattern, const char *s)
{
	struct regex *r = regex_get(pattern);
	int hand = regex_match_any(r, s), pcre = pcre_match(r, s);
	return hand == pcre ? hand : -1;
}

void schema_cache_release(void)
{
	for (size_t i = 0; i < nregexes; i++) {
		pcre2_code_free(regexes[i]->re);
		free((char *)regexes[i]->src);
		free(regexes[i]);
	}
	free(regexes);
	regexes = NULL;
	nregexes = regexes_alloc = 0;
	free(schema_regexes);
	schema_regexes = NULL;
	pcre2_match_data_free(match_data);
	match_data = NULL;
}

/* ---- validation ---- */

struct verr {
	const char *rule;
	struct node *failed; /* the value to take out */
	struct pos pos;
	char *path;
	char *msg;
	struct pos note_pos;
	char *note;
	struct path_steps meant; /* a misspelt key: the path of the key meant, else empty */
};

struct vctx {
	int minor;
	int quiet; /* only mark what fails */
	struct path_steps steps; /* where we are: spelled out only for an error (most nodes have none) */
	struct verr *errs;
	size_t nerrs, errs_alloc;
};

/*
 * Record an error at pos, at the path of the first nsteps steps, for the
 * value failed (what the pipeline takes out); takes msg's buffer.
 */
static struct verr *add_err_at(struct vctx *c, const char *rule, const struct node *failed,
			       struct pos pos, size_t nsteps, struct sbuf *msg)
{
	struct sbuf path = SBUF_INIT;
	if (!c->quiet)
		path_steps_render(&path, &c->steps, nsteps);
	ALLOC_GROW(c->errs, c->nerrs + 1, c->errs_alloc);
	struct verr *e = &c->errs[c->nerrs++];
	memset(e, 0, sizeof(*e));
	e->rule = rule;
	/* the tree is the caller's to change (schema_validate takes it so): the walk only reads */
	e->failed = (struct node *)failed;
	e->pos = pos;
	e->path = sbuf_detach(&path, NULL);
	e->msg = sbuf_detach(msg, NULL);
	return e;
}

/* An error at the value n, at the walk's path. */
static struct verr *add_err(struct vctx *c, const char *rule, const struct node *n,
			    struct sbuf *msg)
{
	return add_err_at(c, rule, n, n->pos, c->steps.n, msg);
}

static void free_errs(struct verr *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].msg);
		free(v[i].note);
		path_steps_release(&v[i].meant);
	}
}

static unsigned node_types(const struct node *n)
{
	static const unsigned char types[] = {
		[NODE_NULL] = T_NULL, [NODE_BOOL] = T_BOOLEAN, [NODE_INT] = T_INTEGER | T_NUMBER,
		[NODE_FLOAT] = T_NUMBER, [NODE_STR] = T_STRING, [NODE_SEQ] = T_ARRAY,
		[NODE_MAP] = T_OBJECT,
		[NODE_TIME] = T_STRING, /* docker validates the document as JSON */
	};
	if (n->kind == NODE_FLOAT && isfinite(n->s.v.f) && floor(n->s.v.f) == n->s.v.f)
		return T_NUMBER | T_INTEGER;
	return types[n->kind];
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
		sb_repr(sb, n->s.text, n->len, 60);
		break;
	case NODE_TIME:
		sb_puts(sb, "timestamp ");
		sb_put(sb, n->s.text, n->len);
		break;
	default:
		sb_puts(sb, n->kind == NODE_BOOL ? "boolean " : n->kind == NODE_INT ? "integer " : "number ");
		sb_put(sb, n->s.text, n->len);
	}
}

static void type_error(struct vctx *c, const struct node *n, unsigned expected)
{
	struct sbuf m = SBUF_INIT;
	sb_puts(&m, "expected ");
	put_types(&m, expected);
	sb_puts(&m, ", got ");
	put_got(&m, n);
	add_err(c, "schema.type", n, &m);
}

/* The schema of property key, or NULL. */
static inline const snode *find_prop(const snode *s, const char *key)
{
	if (!s->nprops)
		return NULL;
	size_t mask = ((size_t)1 << s->hbits) - 1, len = strlen(key);
	for (size_t i = stab_key_hash(key, len) & mask;; i = (i + 1) & mask) {
		unsigned p = stab_hash[s->hash + i];
		if (!p)
			return NULL;
		const struct stab_prop *prop = &stab_props[s->props + p - 1];
		/* strcmp: the pool name may be shorter than key and end the pool */
		if (!strcmp(stab_pool + prop->name, key))
			return &stab_nodes[prop->node];
	}
}

/* Does a value of these node types pass the schema's type (through oneOf)? */
static int fits(const snode *s, unsigned nt)
{
	if (s->types)
		return (s->types & nt) != 0;
	if (s->nchoice) {
		for (size_t i = 0; i < s->nchoice; i++)
			if (fits(choice_at(s, i), nt))
				return 1;
		return 0;
	}
	return 1;
}

static unsigned accepted(const snode *s)
{
	if (s->types)
		return s->types;
	if (!s->nchoice)
		return T_ANY;
	unsigned t = 0;
	for (size_t i = 0; i < s->nchoice; i++)
		t |= accepted(choice_at(s, i));
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
	add_err_at(c, "schema.key-type", e->val, e->keypos, parent_mark, &m);
}

static void keys_deep(struct vctx *c, const struct node *n);

/* Non-string keys anywhere below n (docker's JSON conversion rejects them). */
static void check_keys_deep(struct vctx *c, const struct node *n)
{
	if ((n->kind == NODE_SEQ || n->kind == NODE_MAP) && !(n->flags & NODE_FAILED))
		keys_deep(c, n);
}

static void keys_deep(struct vctx *c, const struct node *n)
{
	size_t mark;
	if (n->kind == NODE_SEQ) {
		for (size_t i = 0; i < n->seq.n; i++) {
			mark = path_steps_index(&c->steps, i);
			check_keys_deep(c, n->seq.v[i]);
			path_steps_pop(&c->steps, mark);
		}
	} else if (n->kind == NODE_MAP) {
		for (size_t i = 0; i < n->map.n; i++) {
			const struct node_entry *e = &n->map.v[i];
			mark = path_steps_key(&c->steps, e->key);
			if (e->keyflags & NODE_KEY_NONSTR)
				key_type_error(c, e, mark);
			check_keys_deep(c, e->val);
			path_steps_pop(&c->steps, mark);
		}
	}
}

static void validate_node(struct vctx *c, const struct node *n, const snode *s);

/* The common leaf, a scalar of the right type under a type-only schema, costs no call. */
static inline void validate(struct vctx *c, const struct node *n, const snode *s)
{
	if ((s->flags & SN_TYPE_ONLY) && n->kind != NODE_SEQ && n->kind != NODE_MAP &&
	    (!s->types || (s->types & node_types(n))))
		return;
	validate_node(c, n, s);
}

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

static const char *closest_prop(const snode *s, const char *key)
{
	size_t len = strlen(key), best = 99;
	size_t limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
	const char *r = NULL;
	for (size_t i = 0; i < s->nprops; i++) {
		size_t d = edit_distance(key, prop_name(s, i));
		if (d <= limit && d < best) {
			best = d;
			r = prop_name(s, i);
		}
	}
	return r;
}

/* The object schema reached by following steps from s, choosing oneOf branches by shape. */
static const snode *pick(const snode *s, unsigned want)
{
	if (s->types)
		return s->types & want ? s : NULL;
	for (size_t i = 0; i < s->nchoice; i++) {
		const snode *r = pick(choice_at(s, i), want);
		if (r)
			return r;
	}
	return s->nchoice ? NULL : s;
}

static const snode *lookup(const snode *s, const struct path_step *steps, size_t n)
{
	for (size_t i = 0; s && i < n; i++) {
		s = pick(s, steps[i].key ? T_OBJECT : T_ARRAY);
		if (!s)
			return NULL;
		if (!steps[i].key) {
			s = node_at(s->items);
			continue;
		}
		const snode *next = find_prop(s, steps[i].key);
		for (size_t k = 0; !next && k < s->npats; k++)
			if (regex_match(pat_regex(s, k), steps[i].key))
				next = pat_schema(s, k);
		s = next;
	}
	return s ? pick(s, T_OBJECT) : NULL;
}

/* The first newer version whose schema has this key at this place, or -1. */
static int newer_version_with(struct vctx *c, const char *key)
{
	for (int m = c->minor + 1; m < NVERSIONS; m++) {
		const snode *o = lookup(schema_root(m), c->steps.v, c->steps.n - 1);
		if (!o)
			continue;
		if (find_prop(o, key))
			return m;
		for (size_t k = 0; k < o->npats; k++)
			if (regex_match(pat_regex(o, k), key))
				return m;
	}
	return -1;
}

static int has_x_pattern(const snode *s)
{
	for (size_t i = 0; i < s->npats; i++)
		if (!strcmp(pat_src(s, i), "^x-"))
			return 1;
	return 0;
}

/*
 * Called with the key pushed; reports at the parent's path. A key taken for
 * a misspelling of one the mapping lacks notes the path of that one.
 */
static void unknown_key(struct vctx *c, const struct node *map, const struct node_entry *e,
			const snode *s, size_t parent_mark)
{
	struct sbuf m = SBUF_INIT;
	const char *key = e->key;
	int newer = s->nprops ? newer_version_with(c, key) : -1;
	/* the schema definition the mapping is, "" for the top level */
	const char *where = !parent_mark ? "" : s->defname ? stab_pool + s->defname : NULL;
	const char *near = NULL;

	if (!s->nprops && s->npats) {
		sb_puts(&m, "invalid name ");
		sb_repr(&m, key, strlen(key), 60);
		sb_puts(&m, " (must match ");
		sb_puts(&m, pat_src(s, 0));
		sb_putc(&m, ')');
	} else {
		sb_puts(&m, "unknown key ");
		sb_repr(&m, key, strlen(key), 60);
		if (newer >= 0) {
			sb_printf(&m, ": needs version %s or later (the file says %s)",
				  schema_versions[newer], schema_versions[c->minor]);
		} else if (where && schema_misplaced_key(&m, where, key)) {
			/* a known mistake (develop is no misspelt deploy): said */
		} else if ((near = closest_prop(s, key))) {
			sb_puts(&m, " (did you mean ");
			sb_repr(&m, near, strlen(near), 0);
			sb_puts(&m, "?)");
		} else if (s->nprops <= 12) {
			sb_puts(&m, " (allowed: ");
			for (size_t i = 0; i < s->nprops; i++)
				sb_printf(&m, "%s%s", i ? ", " : "", prop_name(s, i));
			if (has_x_pattern(s))
				sb_puts(&m, ", x-*");
			sb_putc(&m, ')');
		} else if (s->defname) {
			sb_printf(&m, " in a %s", stab_pool + s->defname);
		}
	}
	struct verr *err = add_err_at(c, "schema.additional-property", e->val, e->keypos, parent_mark,
				      &m);
	if (near && !node_map_find(map, near)) {
		for (size_t i = 0; i < parent_mark; i++) {
			const struct path_step *st = &c->steps.v[i];
			if (st->key)
				path_steps_key(&err->meant, st->key);
			else
				path_steps_index(&err->meant, st->index);
		}
		path_steps_key(&err->meant, near);
	}
}

static void validate_map(struct vctx *c, const struct node *n, const snode *s)
{
	for (size_t i = 0; i < s->nrequired; i++)
		if (!node_map_find(n, stab_pool + stab_strs[s->required + i])) {
			struct sbuf m = SBUF_INIT;
			sb_printf(&m, "missing required key \"%s\"", stab_pool + stab_strs[s->required + i]);
			add_err(c, "schema.required", n, &m);
		}
	for (size_t i = 0; i < n->map.n; i++) {
		const struct node_entry *e = &n->map.v[i];
		if (e->val->flags & NODE_FAILED)
			continue; /* reported by an earlier check; a required key still counts as there */
		size_t mark = path_steps_key(&c->steps, e->key);
		if (e->keyflags & NODE_KEY_NONSTR) {
			key_type_error(c, e, mark);
			check_keys_deep(c, e->val);
			path_steps_pop(&c->steps, mark);
			continue;
		}
		int matched = 0;
		const snode *p = find_prop(s, e->key);
		if (p) {
			validate(c, e->val, p);
			matched = 1;
		}
		for (size_t k = 0; k < s->npats; k++)
			if (regex_match(pat_regex(s, k), e->key)) {
				validate(c, e->val, pat_schema(s, k));
				matched = 1;
			}
		if (!matched) {
			if (s->flags & SN_CLOSED)
				unknown_key(c, n, e, s, mark);
			else
				check_keys_deep(c, e->val);
		}
		path_steps_pop(&c->steps, mark);
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

/* A time as docker's validator sees it: its JSON text. Returns the length. */
static size_t time_json_text(char buf[static YTIME_BUF], const struct node *n)
{
	struct ytime t = ytime_of(n->s.text, n->len);
	return ytime_format_rfc3339(buf, &t);
}

/* An unambiguous text per value; equal texts = equal JSON values (1 and 1.0 too). */
static void canon(struct sbuf *sb, const struct node *n)
{
	char buf[YTIME_BUF];
	size_t len;
	switch (n->kind) {
	case NODE_NULL: sb_putc(sb, 'n'); break;
	case NODE_BOOL: sb_putc(sb, n->s.v.b ? 't' : 'f'); break;
	case NODE_STR:
		sb_putc(sb, 's');
		put_uint(sb, n->len);
		sb_putc(sb, ':');
		sb_put(sb, n->s.text, n->len);
		break;
	case NODE_TIME:
		len = time_json_text(buf, n);
		sb_putc(sb, 's');
		put_uint(sb, len);
		sb_putc(sb, ':');
		sb_put(sb, buf, len);
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

/* Most lists are a few strings: compared pairwise, without canonical texts. */
static int few_distinct_strings(const struct node *n)
{
	if (n->seq.n > 8)
		return 0;
	for (size_t i = 0; i < n->seq.n; i++) {
		const struct node *a = n->seq.v[i];
		if (a->kind != NODE_STR)
			return 0;
		for (size_t j = 0; j < i; j++) {
			const struct node *b = n->seq.v[j];
			if (a->len == b->len && !memcmp(a->s.text, b->s.text, a->len))
				return 0;
		}
	}
	return 1;
}

static void check_unique(struct vctx *c, const struct node *n)
{
	if (n->seq.n < 2 || few_distinct_strings(n))
		return;
	struct sbuf text = SBUF_INIT;
	struct canon_item *v = xmalloc(n->seq.n * sizeof(*v));
	size_t nv = 0;
	for (size_t i = 0; i < n->seq.n; i++) {
		if (n->seq.v[i]->flags & NODE_FAILED)
			continue; /* reported already: no duplicate of anything */
		v[nv].index = i;
		v[nv].off = text.len;
		canon(&text, n->seq.v[i]);
		v[nv].len = text.len - v[nv].off;
		nv++;
	}
	canon_base = text.buf;
	qsort(v, nv, sizeof(*v), cmp_canon);
	size_t first = 0;
	for (size_t i = 1; i < nv; i++) {
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
				sb_repr(&m, item->s.text, item->len, 60);
			else
				sb_put(&m, item->s.text, item->len);
		}
		sb_printf(&m, " (same as item %zu; items must be unique)", v[first].index);
		mark = path_steps_index(&c->steps, v[i].index);
		struct verr *e = add_err(c, "schema.unique", item, &m);
		e->note_pos = n->seq.v[v[first].index]->pos;
		e->note = xstrdup("first occurrence here");
		path_steps_pop(&c->steps, mark);
	}
	free(v);
	sbuf_release(&text);
}

/* ---- the other keywords ---- */

/* Enum values are strings (schemac allows no others), in pairs (value, as JSON). */
static void check_enum(struct vctx *c, const struct node *n, const snode *s)
{
	const uint16_t *values = stab_strs + s->enums;
	size_t count = s->nenums / 2;
	for (size_t i = 0; n->kind == NODE_STR && i < count; i++)
		if (!strcmp(stab_pool + values[2 * i], n->s.text))
			return;
	struct sbuf m = SBUF_INIT;
	sb_puts(&m, "invalid value ");
	if (n->kind == NODE_STR)
		sb_repr(&m, n->s.text, n->len, 60);
	else
		put_got(&m, n);
	sb_puts(&m, " (expected ");
	for (size_t i = 0; i < count; i++) {
		if (i)
			sb_puts(&m, i + 1 == count ? " or " : ", ");
		sb_puts(&m, stab_pool + values[2 * i + 1]);
	}
	sb_putc(&m, ')');
	add_err(c, "schema.enum", n, &m);
}

/* Go's time.ParseDuration accepts the whole text (a NUL inside is not a duration). */
static int duration_ok(const char *s, size_t len)
{
	int64_t ns;
	return strlen(s) == len && !units_parse_duration(s, &ns);
}

static void check_format(struct vctx *c, const struct node *n, enum sformat f)
{
	/* most values are fine: those need no message buffers */
	if (n->kind == NODE_STR && (f == F_DURATION ? duration_ok(n->s.text, n->len)
				    : !format_port_spec(n->s.text, n->len, NULL)))
		return;
	struct sbuf why = SBUF_INIT, m = SBUF_INIT;
	int bad = 0;
	char json[YTIME_BUF];
	const char *text = n->s.text;
	size_t len = n->len;
	if (n->kind == NODE_TIME)
		len = time_json_text(json, n), text = json;
	if (f == F_DURATION && (n->kind == NODE_STR || n->kind == NODE_TIME)) {
		bad = !duration_ok(text, len);
		if (bad) { /* the message only when needed: most values are fine */
			sb_puts(&m, "invalid duration ");
			sb_puts(&why, "expected a number and a unit, such as 10s, 1m30s or 1.5h "
				      "(units: ns, us, ms, s, m, h)");
		}
	} else if (f == F_PORTS && (n->kind == NODE_STR || n->kind == NODE_TIME)) {
		bad = format_port_spec(text, len, &why);
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
			sb_repr(&m, n->s.text, n->len, 60);
		else
			sb_put(&m, n->s.text, n->len);
		if (n->kind == NODE_TIME)
			sb_puts(&m, " (a timestamp)");
		sb_puts(&m, ": ");
		sb_put(&m, why.buf, why.len);
		add_err(c, "schema.format", n, &m);
	}
	sbuf_release(&m);
	sbuf_release(&why);
}

/*
 * oneOf/anyOf. Only branches whose type fits the value are tried; with one
 * such branch its errors are the answer. With several, each is tried on its
 * own error list and the one with the fewest errors is reported.
 */
static void validate_choice(struct vctx *c, const struct node *n, const snode *s)
{
	unsigned nt = node_types(n);
	size_t nfit = 0, only = 0;
	for (size_t i = 0; i < s->nchoice; i++)
		if (fits(choice_at(s, i), nt)) {
			if (!nfit)
				only = i;
			nfit++;
		}
	if (!nfit) {
		type_error(c, n, accepted(s));
		return;
	}
	if (nfit == 1) {
		validate(c, n, choice_at(s, only));
		return;
	}
	size_t mark = c->nerrs, matches = 0, nbest = SIZE_MAX;
	struct verr *best = NULL;
	for (size_t i = 0; i < s->nchoice; i++) {
		if (!fits(choice_at(s, i), nt))
			continue;
		validate(c, n, choice_at(s, i));
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
	if (matches > 1 && (s->flags & SN_ONE_OF)) {
		struct sbuf m = SBUF_INIT;
		sb_puts(&m, "value matches more than one of the accepted forms");
		add_err(c, "schema.one-of", n, &m);
	} else if (!matches) {
		ALLOC_GROW(c->errs, c->nerrs + nbest, c->errs_alloc);
		memcpy(c->errs + c->nerrs, best, nbest * sizeof(*best));
		c->nerrs += nbest;
		nbest = 0;
	}
	free_errs(best, nbest);
	free(best);
}

static void validate_node(struct vctx *c, const struct node *n, const snode *s)
{
	if (n->flags & NODE_FAILED)
		return; /* reported by an earlier check */
	if (s->flags & SN_EMPTY) {
		check_keys_deep(c, n);
		return;
	}
	unsigned nt = node_types(n);
	if (s->types && !(s->types & nt)) {
		type_error(c, n, s->types);
		return;
	}
	if (s->nenums)
		check_enum(c, n, s);
	if (s->format != F_NONE && s->format != F_EXPOSE)
		check_format(c, n, (enum sformat)s->format);
	if ((s->flags & SN_MINIMUM) && (nt & T_NUMBER) && node_number(n) < s->minimum) {
		struct sbuf m = SBUF_INIT;
		sb_printf(&m, "must be at least %g, got ", s->minimum);
		sb_put(&m, n->s.text, n->len);
		add_err(c, "schema.minimum", n, &m);
	}
	/* a oneOf's branch walks the children; without one, someone must look at keys */
	if (n->kind == NODE_MAP && (s->nprops || s->npats || (s->flags & SN_CLOSED) || s->nrequired)) {
		validate_map(c, n, s);
	} else if (n->kind == NODE_SEQ && s->items) {
		for (size_t i = 0; i < n->seq.n; i++) {
			size_t mark = path_steps_index(&c->steps, i);
			validate(c, n->seq.v[i], &stab_nodes[s->items]);
			path_steps_pop(&c->steps, mark);
		}
	} else if (!s->nchoice) {
		check_keys_deep(c, n);
	}
	if (n->kind == NODE_SEQ && (s->flags & SN_UNIQUE))
		check_unique(c, n);
	if (s->nchoice)
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

/* run NULL: quiet, only the marks */
static int validate_tree(struct run *run, struct node *root, const char *version,
			 struct rules_gaps *gaps)
{
	struct vctx c = { .minor = minor_of(version), .quiet = !run };
	if (root)
		validate(&c, root, schema_root(c.minor));
	for (size_t i = 0; i < c.nerrs; i++) {
		struct verr *e = &c.errs[i];
		e->failed->flags |= NODE_FAILED;
		if (gaps && e->meant.n)
			rules_gaps_add(gaps, &e->meant);
		if (!run)
			continue;
		diag_add(&run->diag, DIAG_ERROR, e->rule, e->pos, e->path, "%s", e->msg);
		if (e->note)
			diag_note(&run->diag, e->note_pos, "%s", e->note);
	}
	int ret = c.nerrs ? -1 : 0;
	free_errs(c.errs, c.nerrs);
	free(c.errs);
	path_steps_release(&c.steps);
	return ret;
}

int schema_validate(struct run *run, struct node *root, const char *version,
		    struct rules_gaps *gaps)
{
	return validate_tree(run, root, version, gaps);
}

int schema_mark_invalid(struct node *root, const char *version)
{
	return validate_tree(NULL, root, version, NULL);
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
	if (!v->len || !strcmp(v->s.text, "3")) {
		*out = schema_versions[DEFAULT_MINOR];
		return 0;
	}
	for (int i = 0; i < NVERSIONS; i++)
		if (!strcmp(v->s.text, schema_versions[i])) {
			*out = schema_versions[i];
			return 0;
		}
	sb_puts(&m, "unsupported compose file version ");
	sb_repr(&m, v->s.text, v->len, 60);
	sb_puts(&m, " (supported: 3.0 to 3.13, or 3 for the latest)");
	if (memchr(v->s.text, '$', v->len))
		sb_puts(&m, "; the version is read before interpolation");
fail:
	diag_add(&run->diag, DIAG_ERROR, "schema.version", v->pos, "version", "%s", m.buf);
	sbuf_release(&m);
	return -1;
}
