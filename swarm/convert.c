/*
 * Stack tree → Engine API request bodies: the entry points and what every
 * part of the converter uses. See convert.h for the contract and
 * convert_internal.h for the parts.
 */
#include "swarm/convert.h"
#include "swarm/convert_internal.h"

#include "base/arena.h"
#include "base/diag.h"
#include "base/node.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "compose/units.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- reporting ---- */

__attribute__((format(printf, 4, 0)))
static int vfail(struct cv *c, struct pos pos, const char *key, const char *fmt, va_list ap)
{
	size_t l = c->path.len;
	if (key)
		path_push_key(&c->path, key);
	char *msg = arena_vfmt(&c->run->arena, fmt, ap);
	diag_error(&c->run->diag, pos, c->path.len ? c->path.buf : NULL, "%s", msg);
	pop(c, l);
	c->failed = 1;
	return -1;
}

__attribute__((format(printf, 4, 5)))
int cv_fail(struct cv *c, const struct node *n, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(c, n ? n->pos : (struct pos){ 0 }, key, fmt, ap);
	va_end(ap);
	return -1;
}

__attribute__((format(printf, 4, 5)))
int cv_fail_at(struct cv *c, struct pos pos, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(c, pos, key, fmt, ap);
	va_end(ap);
	return -1;
}

const char *cv_repr(struct cv *c, const char *s)
{
	return diag_repr(&c->run->diag, s, strlen(s));
}

void cv_each_long_syntax_item(struct cv *c, const struct node *svc, const char *key, const char *what,
			      void (*one)(struct cv *c, const struct node *item, json_t *out), json_t *out)
{
	const struct node *list = get(svc, key);
	size_t l0 = push(c, key);
	for (size_t i = 0; i < seq_len(list); i++) {
		const struct node *item = list->seq.v[i];
		size_t l1 = push_index(c, i);
		if (item->kind == NODE_MAP)
			one(c, item, out);
		else
			cv_fail(c, item, NULL, "expected the long %s syntax (a mapping)", what);
		pop(c, l1);
	}
	pop(c, l0);
}

/* ---- names, objects, strings ---- */

const char *cv_scoped(struct cv *c, const char *key)
{
	return arena_fmt(&c->run->arena, "%s_%s", c->stack, key);
}

/* The swarm name of a top-level object: `name:` or <stack>_<key>. */
const char *cv_object_name(struct cv *c, const struct node *def, const char *key)
{
	const char *name = get_text(def, "name");
	if (name && *name)
		return name;
	if (truthy(get(def, "external")))
		return key;
	return cv_scoped(c, key);
}

struct stack_object *cv_add_object(struct stack_spec *s, enum stack_kind kind, size_t *alloc)
{
	ALLOC_GROW(s->v[kind], s->n[kind] + 1, *alloc);
	struct stack_object *o = &s->v[kind][s->n[kind]++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	return o;
}

static int cmp_object_name(const void *a, const void *b)
{
	return strcmp(((const struct stack_object *)a)->name, ((const struct stack_object *)b)->name);
}

void cv_sort_objects(struct stack_spec *s, enum stack_kind kind)
{
	if (s->n[kind])
		qsort(s->v[kind], s->n[kind], sizeof(struct stack_object), cmp_object_name);
}

int cv_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A map of strings: {k: v} or a list of "k=v" (null values become ""). */
json_t *cv_str_map(const struct node *n)
{
	json_t *o = json_object();
	if (!n)
		return o;
	if (n->kind == NODE_MAP) {
		for (size_t i = 0; i < n->map.n; i++) {
			const char *v = text(n->map.v[i].val);
			json_object_set_new(o, n->map.v[i].key, json_string(v ? v : ""));
		}
	} else if (n->kind == NODE_SEQ) {
		for (size_t i = 0; i < n->seq.n; i++) {
			const char *kv = text(n->seq.v[i]);
			if (!kv)
				continue;
			const char *eq = strchr(kv, '=');
			char *k = xstrndup(kv, eq ? (size_t)(eq - kv) : strlen(kv));
			json_object_set_new(o, k, json_string(eq ? eq + 1 : ""));
			free(k);
		}
	}
	return o;
}

/* Labels plus the namespace label. */
json_t *cv_stack_labels(struct cv *c, const struct node *labels)
{
	json_t *o = cv_str_map(labels);
	json_object_set_new(o, LABEL_NAMESPACE, json_string(c->stack));
	return o;
}

/* A list of strings; a single string is one item, or split into words (shlex). */
json_t *cv_str_list(struct arena *arena, const struct node *n, int split)
{
	json_t *a = json_array();
	if (!n || n->kind == NODE_NULL)
		return a;
	if (n->kind == NODE_SEQ) {
		for (size_t i = 0; i < n->seq.n; i++) {
			const char *t = text(n->seq.v[i]);
			json_array_append_new(a, json_string(t ? t : ""));
		}
	} else if (text(n)) {
		struct units_word *w;
		size_t nw;
		const char *why;
		if (split && !units_shlex_split(arena, text(n), strlen(text(n)), &w, &nw, &why)) {
			for (size_t i = 0; i < nw; i++)
				json_array_append_new(a, json_stringn(w[i].s, w[i].len));
		} else
			json_array_append_new(a, json_string(text(n)));
	}
	return a;
}

/* Set key to value unless value is an empty array/object (Go's omitempty). */
void cv_set_nonempty(json_t *o, const char *key, json_t *v)
{
	if ((json_is_array(v) && !json_array_size(v)) || (json_is_object(v) && !json_object_size(v)) ||
	    (json_is_string(v) && !json_string_length(v)))
		json_decref(v);
	else
		json_object_set_new(o, key, v);
}

void cv_set_text(json_t *o, const char *key, const char *s)
{
	if (s && *s)
		json_object_set_new(o, key, json_string(s));
}

/* ---- units ---- */

int cv_duration(struct cv *c, json_t *o, const char *jkey, const struct node *map,
			  const char *key, int keep_zero)
{
	const struct node *n = get(map, key);
	if (!n || n->kind == NODE_NULL)
		return 0;
	int64_t ns;
	if (n->kind == NODE_INT)
		ns = n->s.v.i;
	else if (!text(n) || units_parse_duration(text(n), &ns))
		return cv_fail(c, n, key, "invalid duration %s", cv_repr(c, text(n) ? text(n) : ""));
	if (ns || keep_zero)
		json_object_set_new(o, jkey, json_integer((json_int_t)ns));
	return 0;
}

int cv_bytes(struct cv *c, long long *out, const struct node *n, const char *key)
{
	if (n->kind == NODE_INT) {
		*out = n->s.v.i;
		return 0;
	}
	struct sbuf why = SBUF_INIT;
	int64_t v;
	if (!text(n) || units_ram_in_bytes(text(n), &v, &why)) {
		cv_fail(c, n, key, "%s", why.len ? why.buf : "invalid size");
		sbuf_release(&why);
		return -1;
	}
	*out = v;
	return 0;
}

int cv_int(struct cv *c, long long *out, const struct node *n, const char *key)
{
	if (n->kind == NODE_INT) {
		*out = n->s.v.i;
		return 0;
	}
	char *end;
	const char *t = text(n);
	errno = 0;
	if (t && *t) {
		*out = strtoll(t, &end, 10);
		if (!*end && !errno)
			return 0;
	}
	return cv_fail(c, n, key, "expected an integer, got %s", cv_repr(c, t ? t : ""));
}

typedef int parse_fn(struct cv *c, long long *out, const struct node *n, const char *key);

static void number_field(struct cv *c, json_t *o, const char *jkey, const struct node *map,
			 const char *key, parse_fn *parse)
{
	const struct node *n = get(map, key);
	long long v = 0;
	if (n && n->kind != NODE_NULL)
		parse(c, &v, n, key);
	if (v)
		json_object_set_new(o, jkey, json_integer(v));
}

void cv_int_field(struct cv *c, json_t *o, const char *jkey, const struct node *map, const char *key)
{
	number_field(c, o, jkey, map, key, cv_int);
}

void cv_bytes_field(struct cv *c, json_t *o, const char *jkey, const struct node *map,
		    const char *key)
{
	number_field(c, o, jkey, map, key, cv_bytes);
}

/* ---- entry points ---- */

int convert_stack(struct stack_spec *out, struct run *run, const struct node *root, const char *stack)
{
	memset(out, 0, sizeof(*out));
	out->stack = arena_strdup(&run->arena, stack);
	struct cv c = { .run = run, .stack = out->stack, .path = SBUF_INIT };
	c.networks = get(root, "networks");
	c.volumes = get(root, "volumes");
	c.secrets = get(root, "secrets");
	c.configs = get(root, "configs");
	const struct node *services = get(root, "services");

	cv_networks(&c, out, services);
	cv_file_objects(&c, out, KIND_SECRET);
	cv_file_objects(&c, out, KIND_CONFIG);

	cv_services(&c, out, services);
	sbuf_release(&c.path);
	return c.failed ? -1 : 0;
}

void convert_release(struct stack_spec *s)
{
	for (int k = 0; k < DEPLOYED_KINDS; k++) {
		for (size_t i = 0; i < s->n[k]; i++)
			json_decref(s->v[k][i].spec);
		free(s->v[k]);
		s->v[k] = NULL;
		s->n[k] = 0;
	}
}

struct stack_object *convert_find(const struct stack_spec *s, enum stack_kind kind, const char *name)
{
	size_t lo = 0, hi = s->n[kind];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcmp(s->v[kind][mid].name, name);
		if (!r)
			return &s->v[kind][mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static size_t bind_refs(json_t *refs, enum stack_kind kind,
			const char *(*id_of)(void *, enum stack_kind, const char *), void *ctx)
{
	const char *namekey = kind == KIND_SECRET ? "SecretName" : "ConfigName";
	const char *idkey = kind == KIND_SECRET ? "SecretID" : "ConfigID";
	size_t missing = 0, i;
	json_t *r;
	json_array_foreach(refs, i, r) {
		const char *id = id_of(ctx, kind, json_string_value(json_object_get(r, namekey)));
		if (!id) {
			missing++;
			json_object_del(r, idkey);
			continue;
		}
		/* keep the docker key order: File, [Runtime,] ID, Name */
		json_t *name = json_incref(json_object_get(r, namekey));
		json_object_del(r, namekey);
		json_object_set_new(r, idkey, json_string(id));
		json_object_set_new(r, namekey, name);
	}
	return missing;
}

size_t convert_bind_ids(json_t *spec, const char *(*id_of)(void *, enum stack_kind, const char *), void *ctx)
{
	json_t *cs = json_object_get(json_object_get(spec, "TaskTemplate"), "ContainerSpec");
	size_t missing = bind_refs(json_object_get(cs, "Secrets"), KIND_SECRET, id_of, ctx);
	missing += bind_refs(json_object_get(cs, "Configs"), KIND_CONFIG, id_of, ctx);
	json_t *cred = json_object_get(json_object_get(cs, "Privileges"), "CredentialSpec");
	const char *cfg = json_string_value(json_object_get(cred, "Config"));
	if (cfg) {
		/* the runtime reference holds the name; Config holds the ID once bound */
		size_t i;
		json_t *r;
		json_array_foreach(json_object_get(cs, "Configs"), i, r)
			if (json_object_get(r, "Runtime") && json_object_get(r, "ConfigID"))
				json_object_set(cred, "Config", json_object_get(r, "ConfigID"));
	}
	return missing;
}
