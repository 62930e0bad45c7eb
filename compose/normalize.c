/*
 * Per-file normalization, the driver (normalize.h is the contract; the
 * files it shares the work with are listed in normalize_internal.h).
 *
 * What a field holds and how docker's loader decodes it (its mapstructure
 * transform hooks), and whether a zero value is printed, are the field's
 * row in the compose model (compose/model.h): a struct is decoded row by
 * row. Keys without a row are dropped, which is how docker loses
 * oom_score_adj or build.shm_size. Like mapstructure, a field is found by
 * its exact key first, then by a case-insensitive match.
 */
#include "compose/normalize.h"
#include "compose/normalize_internal.h"
#include "base/arena.h"
#include "base/diag.h"
#include "base/node.h"
#include "base/run.h"
#include "base/xalloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- diagnostics ---- */

static void nctx_init(struct nctx *c, struct run *run, const struct normalize_opts *o)
{
	*c = (struct nctx){ .run = run, .a = &run->arena, .o = o, .steps = PATH_STEPS_INIT };
	sbuf_init(&c->path, 0);
}

static void nctx_release(struct nctx *c)
{
	path_steps_release(&c->steps);
	sbuf_release(&c->path);
}

__attribute__((format(printf, 4, 5)))
struct node *norm_fail(struct nctx *c, struct pos pos, const char *rule, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = arena_vfmt(c->a, fmt, ap);
	va_end(ap);
	diag_add(&c->run->diag, DIAG_ERROR, rule, pos, path_steps_spell(&c->path, &c->steps), "%s", msg);
	c->failed = 1;
	if (c->o->failed_at)
		c->o->failed_at(c->o->failed_ctx, &c->steps);
	return NULL;
}

__attribute__((format(printf, 4, 5)))
void norm_warn(struct nctx *c, struct pos pos, const char *rule, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = arena_vfmt(c->a, fmt, ap);
	va_end(ap);
	diag_add(&c->run->diag, DIAG_WARNING, rule, pos, path_steps_spell(&c->path, &c->steps), "%s", msg);
}

const char *norm_repr(struct nctx *c, const char *s)
{
	return diag_repr(&c->run->diag, s, strlen(s));
}

struct node *norm_type_error(struct nctx *c, const struct node *n, const char *want)
{
	/* the schema let it through as a string: a string is what is missing */
	if (n->kind == NODE_TIME)
		return norm_fail(c, n->pos, "normalize.type",
				 "%s is a timestamp, not a string (quote it)",
				 n->s.text); /* a timestamp's text needs no escapes */
	return norm_fail(c, n->pos, "normalize.type", "must be %s, not a %s", want,
			 node_kind_name(n->kind));
}

/* A string node for text that lives as long as the tree (arena or static): not copied. */
struct node *norm_str_ref(struct nctx *c, struct pos pos, const char *text)
{
	struct node *n = node_new(c->a, NODE_STR, pos);
	n->s.text = text;
	n->len = strlen(text);
	return n;
}

/* ---- structs ---- */

static struct node *dec(struct nctx *c, struct node *n, const struct model_field *f);

/* normalize keeps the fields of a struct a map has in a 64-bit set */
#define MAX_FIELDS 64

/*
 * The entry for each field of st that map has (by_field[f] is set where bit
 * f of the result is): exact key first, then case-insensitive (mapstructure),
 * as find_field() would find it. The case-insensitive pass is only needed
 * when some key names no field: field names are all lower case, so a key
 * that names one field cannot stand for another. *nextras counts the x-*
 * keys.
 */
static uint64_t match_fields(struct node_entry **by_field, size_t *nextras,
			     const struct model_struct *st, struct node *map)
{
	uint64_t have = 0;
	int loose = 0;
	*nextras = 0;
	if (st->nfields > MAX_FIELDS)
		BUG("%s has %zu fields", st->go_name, st->nfields);
	for (size_t i = 0; i < map->map.n; i++) {
		const char *key = map->map.v[i].key;
		int f = model_field_index(st, key);
		*nextras += key[0] == 'x' && key[1] == '-';
		if (f < 0)
			loose = 1;
		else if (!(have & (1ull << f))) {
			by_field[f] = &map->map.v[i];
			have |= 1ull << f;
		}
	}
	for (size_t f = 0; loose && f < st->nfields; f++)
		for (size_t i = 0; !(have & (1ull << f)) && i < map->map.n; i++)
			if (!strcasecmp(map->map.v[i].key, st->fields[f].key)) {
				by_field[f] = &map->map.v[i];
				have |= 1ull << f;
			}
	return have;
}

/* The entry for key: exact match first, then case-insensitive (mapstructure). */
static struct node_entry *find_field(struct node *map, const char *key)
{
	struct node_entry *e = node_map_find(map, key);
	for (size_t i = 0; !e && i < map->map.n; i++)
		if (!strcasecmp(map->map.v[i].key, key))
			e = &map->map.v[i];
	return e;
}

/* Add the x-* entries of v that out does not have yet. */
static void add_extras(struct nctx *c, struct node *out, const struct node_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strncmp(v[i].key, "x-", 2) && !node_map_find(out, v[i].key))
			node_map_add_key(c->a, out, v[i].key, v[i].keypos, v[i].val);
}

static void copy_extras(struct nctx *c, struct node *out, struct node *in)
{
	add_extras(c, out, in->map.v, in->map.n);
}

/* Copies of map's x-* entries, kept over a rewrite of map in place; free() them. */
static size_t save_extras(struct node_entry **out, const struct node *map)
{
	size_t n = 0;
	*out = NULL;
	for (size_t i = 0; i < map->map.n; i++)
		n += !strncmp(map->map.v[i].key, "x-", 2);
	if (!n)
		return 0;
	*out = xmalloc(n * sizeof(**out));
	n = 0;
	for (size_t i = 0; i < map->map.n; i++)
		if (!strncmp(map->map.v[i].key, "x-", 2))
			(*out)[n++] = map->map.v[i];
	return n;
}

/*
 * Make map hold exactly the n entries v. The decoders rewrite the maps they
 * are given in place: the input tree is theirs, and a new tree per file
 * would double the memory a project takes.
 */
static void map_assign(struct nctx *c, struct node *map, const struct node_entry *v, size_t n)
{
	if (n > map->map.alloc) {
		map->map.v = arena_alloc(c->a, n * sizeof(*v));
		map->map.alloc = n;
	}
	if (n)
		memmove(map->map.v, v, n * sizeof(*v));
	map->map.n = n;
}

/* keep_empty: a pointer or list element (printed as {}) rather than an omitempty struct. */
struct node *norm_decode_struct(struct nctx *c, struct node *n, const struct model_struct *st,
				int keep_empty)
{
	if (n->kind != NODE_MAP)
		return norm_type_error(c, n, "a mapping");
	struct node_entry *by_field[MAX_FIELDS];
	struct node_entry out[MAX_FIELDS];
	size_t nout = 0, nextras;
	uint64_t have = match_fields(by_field, &nextras, st, n);
	/* the fields in order: those the map has, and those printed anyway */
	for (size_t i = 0; i < st->nfields; i++) {
		const struct model_field *f = &st->fields[i];
		struct node_entry *e = have & (1ull << i) ? by_field[i] : NULL;
		struct node *v = NULL;
		if (e && e->val->kind != NODE_NULL) {
			size_t mark = path_steps_key(&c->steps, e->key);
			v = dec(c, e->val, f);
			path_steps_pop(&c->steps, mark);
		} else if (f->flags & MF_NO_OMITEMPTY) {
			v = f->type == MT_INT ? node_new_int(c->a, n->pos, 0)
					      : node_new_str(c->a, n->pos, "");
		}
		if (v)
			out[nout++] = (struct node_entry){ f->key, e ? e->keypos : n->pos, 0, v };
	}
	struct node_entry *extras;
	nextras = (st->flags & MS_EXTRAS) && nextras ? save_extras(&extras, n) : 0;
	map_assign(c, n, out, nout);
	if (nextras) {
		add_extras(c, n, extras, nextras);
		free(extras);
	}
	return n->map.n || keep_empty ? n : NULL;
}

static struct node *dec_list_struct(struct nctx *c, struct node *n, const struct model_struct *st)
{
	if (n->kind != NODE_SEQ)
		return norm_type_error(c, n, "a list");
	size_t w = 0;
	for (size_t i = 0; i < n->seq.n; i++) {
		size_t mark = path_steps_index(&c->steps, i);
		struct node *v = norm_decode_struct(c, n->seq.v[i], st, 1);
		path_steps_pop(&c->steps, mark);
		if (v)
			n->seq.v[w++] = v;
	}
	n->seq.n = w;
	return w ? n : NULL;
}

static struct node *dec_build(struct nctx *c, struct node *n, const struct model_struct *st)
{
	if (n->kind == NODE_STR) {
		struct node *out = node_new_map(c->a, n->pos);
		if (n->len)
			node_map_add_key(c->a, out, "context", n->pos, n);
		return out->map.n ? out : NULL;
	}
	return norm_decode_struct(c, n, st, 0);
}

/*
 * External: `true`/`false`, or `{name: x}` which means external with a name.
 * Decoded as the bool node when true, NULL when false, and for the mapping
 * form a map holding only its (non-empty) name: external_of() reads both.
 */
static struct node *dec_external(struct nctx *c, struct node *n)
{
	if (n->kind == NODE_BOOL)
		return n->s.v.b ? n : NULL;
	if (n->kind != NODE_MAP)
		return norm_type_error(c, n, "a boolean or a mapping");
	const struct model_field *row = model_field(MODEL(EXTERNAL), "name");
	struct node *out = node_new_map(c->a, n->pos);
	struct node_entry *e = find_field(n, row->key);
	if (e && e->val->kind != NODE_NULL) {
		size_t mark = path_steps_key(&c->steps, e->key);
		struct node *name = norm_decode_value(c, e->val, row);
		path_steps_pop(&c->steps, mark);
		if (name)
			node_map_add_key(c->a, out, row->key, e->keypos, name);
	}
	return out;
}

/* ---- service networks, ulimits, secret/config references ---- */

static struct node *dec_svcnets(struct nctx *c, struct node *n, const struct model_struct *st)
{
	if (n->kind == NODE_SEQ) {
		struct node *out = node_new_map(c->a, n->pos);
		for (size_t i = 0; i < n->seq.n; i++) {
			struct node *it = n->seq.v[i];
			size_t mark = path_steps_index(&c->steps, i);
			if (it->kind == NODE_STR)
				node_map_add_key(c->a, out, it->s.text, it->pos, node_new_null(c->a, it->pos));
			else
				norm_type_error(c, it, "a network name");
			path_steps_pop(&c->steps, mark);
		}
		norm_map_keep_last(out);
		return out->map.n ? out : NULL;
	}
	if (n->kind == NODE_MAP) {
		size_t w = 0;
		for (size_t i = 0; i < n->map.n; i++) {
			struct node_entry *e = &n->map.v[i];
			size_t mark = path_steps_key(&c->steps, e->key);
			struct node *v = e->val->kind == NODE_NULL ? e->val : norm_decode_struct(c, e->val, st, 1);
			path_steps_pop(&c->steps, mark);
			if (v)
				n->map.v[w++] = (struct node_entry){ e->key, e->keypos, 0, v };
		}
		n->map.n = w;
		return w ? n : NULL;
	}
	return norm_type_error(c, n, "a list or a mapping");
}

/* A single value prints as a bare int, soft/hard (st's fields) as a map; zeros as {}. */
static struct node *dec_ulimits(struct nctx *c, struct node *n, const struct model_struct *st)
{
	if (n->kind != NODE_MAP)
		return norm_type_error(c, n, "a mapping");
	size_t w = 0;
	for (size_t i = 0; i < n->map.n; i++) {
		struct node_entry *e = &n->map.v[i];
		size_t mark = path_steps_key(&c->steps, e->key);
		struct node *v;
		if (e->val->kind == NODE_MAP) {
			struct node_entry out[MAX_FIELDS];
			size_t nout = 0;
			v = e->val;
			for (size_t j = 0; j < st->nfields; j++) {
				const struct model_field *f = &st->fields[j];
				struct node_entry *pe = node_map_find(v, f->key);
				if (!pe)
					continue;
				size_t m2 = path_steps_key(&c->steps, pe->key);
				struct node *pv = norm_decode_value(c, pe->val, f);
				path_steps_pop(&c->steps, m2);
				if (pv)
					out[nout++] = (struct node_entry){ f->key, pe->keypos, 0, pv };
			}
			map_assign(c, v, out, nout);
		} else if (e->val->kind == NODE_INT) {
			v = norm_decode_value(c, e->val, &st->fields[0]); /* an int, as soft is */
			if (!v)
				v = node_new_map(c->a, e->val->pos);
		} else {
			v = norm_type_error(c, e->val, "an integer or a mapping");
		}
		path_steps_pop(&c->steps, mark);
		if (v)
			n->map.v[w++] = (struct node_entry){ e->key, e->keypos, 0, v };
	}
	n->map.n = w;
	return w ? n : NULL;
}

/* secrets, configs: a string item is the source's name */
static struct node *dec_filerefs(struct nctx *c, struct node *n, const struct model_struct *st)
{
	for (size_t i = 0; n->kind == NODE_SEQ && i < n->seq.n; i++) {
		struct node *it = n->seq.v[i];
		if (it->kind != NODE_STR)
			continue;
		struct node *ref = node_new_map(c->a, it->pos);
		if (it->len)
			node_map_add_key(c->a, ref, "source", it->pos, it);
		n->seq.v[i] = ref;
	}
	return dec_list_struct(c, n, st);
}

/* The field types whose value holds structs, other than a plain struct, and how each reads. */
typedef struct node *decode_structs_fn(struct nctx *c, struct node *n, const struct model_struct *st);
static decode_structs_fn *const structs_decoders[] = {
	[MT_STRUCTS] = dec_list_struct,     [MT_BUILD] = dec_build,
	[MT_PORTS] = norm_decode_ports,     [MT_VOLUMES] = norm_decode_volumes,
	[MT_FILE_REFS] = dec_filerefs,      [MT_SERVICE_NETWORKS] = dec_svcnets,
	[MT_ULIMITS] = dec_ulimits,
};

static struct node *dec(struct nctx *c, struct node *n, const struct model_field *f)
{
	if (f->type == MT_EXTERNAL)
		return dec_external(c, n);
	if (f->type == MT_STRUCT)
		return norm_decode_struct(c, n, f->sub, (f->flags & MF_POINTER) != 0);
	if (f->type == MT_STRUCT_MAP)
		BUG("%s: a file's sections are normalize_file's", f->key);
	if ((size_t)f->type < ARRAY_SIZE(structs_decoders) && structs_decoders[f->type])
		return structs_decoders[f->type](c, n, f->sub);
	return norm_decode_value(c, n, f);
}

/* ---- top level ---- */

/* versions.GreaterThanOrEqualTo */
static int version_ge(const char *v, const char *than)
{
	while (*v || *than) {
		long a = strtol(v, NULL, 10), b = strtol(than, NULL, 10);
		if (a != b)
			return a > b;
		v += strcspn(v, ".");
		v += *v == '.';
		than += strcspn(than, ".");
		than += *than == '.';
	}
	return 1;
}

/* The decoded external field: 0 = not external; 1 with *name = external.name or NULL. */
static int external_of(struct node_entry *e, struct node_entry **name)
{
	*name = NULL;
	if (!e)
		return 0;
	if (e->val->kind == NODE_MAP)
		*name = node_map_find(e->val, "name");
	return 1;
}

/*
 * External objects: the name defaults to the key, the deprecated
 * external.name becomes name (warning from deprecated_since on), and the
 * external field prints as `true`. Returns 1 for an external object.
 */
static int resolve_external(struct nctx *c, struct node *obj, const char *kind, const char *key,
			    const char *deprecated_since)
{
	struct node_entry *ext = node_map_find(obj, "external"), *ename;
	if (!external_of(ext, &ename))
		return 0;
	struct pos pos = ext->val->pos, extpos = ext->keypos;
	/* before adding name: that may move obj's entries, ext among them */
	ext->val = node_new_bool(c->a, pos, 1);
	if (ename) {
		struct node_entry *ne = node_map_find(obj, "name");
		if (ne)
			norm_fail(c, ne->keypos, "normalize.conflict",
				  "%s %s: %s.external.name and %s.name conflict; only use %s.name",
				  kind, key, kind, kind, kind);
		else if (version_ge(c->version, deprecated_since))
			norm_warn(c, ename->keypos, "normalize.deprecated",
				  "%s %s: %s.external.name is deprecated in favor of %s.name",
				  kind, key, kind, kind);
		if (!ne)
			node_map_add_key(c->a, obj, "name", ename->keypos, ename->val);
	} else if (!node_map_find(obj, "name")) {
		node_map_add_key(c->a, obj, "name", extpos, norm_str_ref(c, pos, key));
	}
	return 1;
}

static void volume_conflicts(struct nctx *c, struct node *obj, const char *key)
{
	static const char *const fields[] = { "driver", "driver_opts", "labels" };
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		struct node_entry *e = node_map_find(obj, fields[i]);
		if (e) {
			norm_fail(c, e->keypos, "normalize.conflict",
				  "conflicting parameters \"external\" and \"%s\" specified for volume %s",
				  fields[i], norm_repr(c, key));
			return;
		}
	}
}

/* A file's sections: maps of services, networks, ... by name */
enum section { SEC_SERVICES, SEC_NETWORKS, SEC_VOLUMES, SEC_SECRETS, SEC_CONFIGS };

static const struct {
	const char *key;              /* a row of Config */
	const char *kind;             /* what one entry is, for messages */
	const char *deprecated_since; /* the version that deprecates external.name */
} sections[] = {
	[SEC_SERVICES] = { "services", "service", NULL },
	[SEC_NETWORKS] = { "networks", "network", "3.5" },
	[SEC_VOLUMES] = { "volumes", "volume", "3.4" },
	[SEC_SECRETS] = { "secrets", "secret", "3.5" },
	[SEC_CONFIGS] = { "configs", "config", "3.5" },
};

/* One entry (key: in) of a section, decoded as st, with docker's defaults and checks. */
static struct node *normalize_object(struct nctx *c, enum section sec,
				     const struct model_struct *st, const char *key, struct node *in)
{
	if (sec == SEC_SERVICES) {
		struct node *svc = norm_decode_struct(c, in, st, 1);
		if (svc)
			norm_resolve_environment(c, svc);
		return svc;
	}
	int netvol = sec == SEC_NETWORKS || sec == SEC_VOLUMES;
	if (in->kind == NODE_NULL && netvol)
		return node_new_map(c->a, in->pos);
	/* docker keeps x-* of external networks and volumes only */
	struct node_entry *extras = NULL;
	size_t nextras = netvol && in->kind == NODE_MAP ? save_extras(&extras, in) : 0;
	struct node *obj = norm_decode_struct(c, in, st, 1);
	int external = 0;
	const char *kind = sections[sec].kind;
	if (obj) {
		if (sec == SEC_VOLUMES && node_map_find(obj, "external"))
			volume_conflicts(c, obj, key);
		external = resolve_external(c, obj, kind, key, sections[sec].deprecated_since);
		if (external)
			add_extras(c, obj, extras, nextras);
	}
	free(extras);
	if (!obj || netvol)
		return obj;
	struct node_entry *fe = node_map_find(obj, "file");
	if (external)
		return obj;
	if (node_map_find(obj, "driver")) {
		if (fe)
			norm_fail(c, fe->keypos, "normalize.conflict",
				  "%s %s: %s.driver and %s.file conflict; only use %s.driver",
				  kind, key, kind, kind, kind);
		return obj;
	}
	const char *file = fe ? fe->val->s.text : "";
	struct node *abs = norm_str_ref(c, fe ? fe->val->pos : obj->pos, norm_abs_path(c, file));
	node_map_set(c->a, obj, "file", fe ? fe->keypos : obj->pos, abs);
	return obj;
}

/* A section's map, its entries (each an st) normalized; NULL when none is left. */
static struct node *normalize_section(struct nctx *c, enum section sec,
				      const struct model_struct *st, struct node *in)
{
	if (in->kind != NODE_MAP)
		return norm_type_error(c, in, "a mapping");
	const char *name = sections[sec].key;
	size_t w = 0;
	for (size_t i = 0; i < in->map.n; i++) {
		struct node_entry *e = &in->map.v[i];
		size_t mark = path_steps_key(&c->steps, name);
		path_steps_key(&c->steps, e->key);
		struct node *v = normalize_object(c, sec, st, e->key, e->val);
		path_steps_pop(&c->steps, mark);
		if (v)
			in->map.v[w++] = (struct node_entry){ e->key, e->keypos, 0, v };
	}
	in->map.n = w;
	return w ? in : NULL;
}

static void set_version(struct nctx *c, const struct node *root)
{
	struct node *v = node_map_get(root, "version");
	const char *s = v && v->kind == NODE_STR ? v->s.text : "";
	if (!*s || !strcmp(s, "3") || strlen(s) >= sizeof(c->version))
		s = "3.13";
	strcpy(c->version, s);
}

int normalize_file(struct node **out, struct run *run, struct node *root,
		   const struct normalize_opts *o)
{
	struct nctx c;
	nctx_init(&c, run, o);
	if (root->kind != NODE_MAP)
		BUG("normalize_file on a %s", node_kind_name(root->kind));
	set_version(&c, root);
	struct node *res = node_new_map(c.a, root->pos);
	struct node_entry *ve = node_map_find(root, "version");
	if (ve)
		node_map_add_key(c.a, res, "version", ve->keypos, ve->val);
	for (size_t s = 0; s < ARRAY_SIZE(sections); s++) {
		const struct model_field *row = model_field(MODEL(CONFIG), sections[s].key);
		struct node_entry *e = node_map_find(root, row->key);
		struct node *v = e ? normalize_section(&c, (enum section)s, row->sub, e->val) : NULL;
		if (!v && s == SEC_SERVICES) /* always there: {} when the file has none */
			v = node_new_map(c.a, e ? e->val->pos : root->pos);
		if (v)
			node_map_add_key(c.a, res, row->key, e ? e->keypos : root->pos, v);
	}
	copy_extras(&c, res, root);
	nctx_release(&c);
	*out = res;
	return c.failed ? -1 : 0;
}

