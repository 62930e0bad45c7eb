/*
 * Merging normalized files. The rules are what mergo (WithOverride,
 * WithAppendSlice) and docker's transformers do to each Go field type; the
 * tables below give every field of a service its rule.
 */
#include "merge/merge.h"
#include "base/arena.h"
#include "base/diag.h"
#include "base/path.h"
#include "base/node.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "base/source.h"
#include "base/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum rule {
	R_SCALAR,   /* string/bool/number: override when non-empty */
	R_PTR,      /* *uint64: override whenever set, 0 too */
	R_PTR_BOOL, /* *bool (init): base unset → override; else only true */
	R_PTR_DUR,  /* *Duration: base unset → override; else only non-zero */
	R_DUR,      /* Duration: override when non-zero */
	R_APPEND,   /* lists: concatenated */
	R_COMMAND,  /* command, entrypoint: replaced when the override is non-empty */
	R_ENV,      /* map[string]*string: empty/null only replaces empty/null */
	R_STRMAP,   /* map[string]string: every override key wins, "" too */
	R_PORTS,    /* keyed lists, collapsed and sorted ... by published */
	R_VOLUMES,  /* ... by target */
	R_FILEREFS, /* ... by source (secrets, configs) */
	R_ULIMITS,
	R_LOGGING,
	R_NETWORKS, /* service networks */
	R_STRUCT,   /* nested object: field by field */
	R_EXTRA,    /* service x-*: deep merge */
	R_REPLACE,  /* anything else: override wins */
};

struct object;

struct field {
	const char *key;
	enum rule rule;
	const struct object *sub; /* R_STRUCT */
};

#define FIELD_SLOTS 128 /* over twice the most fields an object has: probes stay short */

struct object {
	const struct field *fields;
	size_t nfields;
	int extras; /* x-* keys are deep merged (ServiceConfig.Extras) */
	/* filled once per process by init_field_tables(): */
	uint8_t slots[FIELD_SLOTS]; /* hash of the field names: index + 1, 0 = free */
	uint8_t keyed[4];           /* the fields with keyed-list rules */
	size_t nkeyed;
};

#define OBJECT(name, extras) { name##_fields, ARRAY_SIZE(name##_fields), extras, { 0 }, { 0 }, 0 }

static const struct field limits_fields[] = {
	{ "cpus", R_SCALAR, NULL }, { "memory", R_SCALAR, NULL }, { "pids", R_SCALAR, NULL },
};
static struct object limits = OBJECT(limits, 0);

static const struct field reservations_fields[] = {
	{ "cpus", R_SCALAR, NULL }, { "generic_resources", R_APPEND, NULL },
	{ "memory", R_SCALAR, NULL },
};
static struct object reservations = OBJECT(reservations, 0);

static const struct field resources_fields[] = {
	{ "limits", R_STRUCT, &limits }, { "reservations", R_STRUCT, &reservations },
};
static struct object resources = OBJECT(resources, 0);

static const struct field update_fields[] = {
	{ "delay", R_DUR, NULL }, { "failure_action", R_SCALAR, NULL },
	{ "max_failure_ratio", R_SCALAR, NULL }, { "monitor", R_DUR, NULL },
	{ "order", R_SCALAR, NULL }, { "parallelism", R_PTR, NULL },
};
static struct object update = OBJECT(update, 0);

static const struct field restart_fields[] = {
	{ "condition", R_SCALAR, NULL }, { "delay", R_PTR_DUR, NULL },
	{ "max_attempts", R_PTR, NULL }, { "window", R_PTR_DUR, NULL },
};
static struct object restart = OBJECT(restart, 0);

static const struct field placement_fields[] = {
	{ "constraints", R_APPEND, NULL }, { "max_replicas_per_node", R_SCALAR, NULL },
	{ "preferences", R_APPEND, NULL },
};
static struct object placement = OBJECT(placement, 0);

static const struct field deploy_fields[] = {
	{ "endpoint_mode", R_SCALAR, NULL }, { "labels", R_STRMAP, NULL },
	{ "mode", R_SCALAR, NULL }, { "placement", R_STRUCT, &placement },
	{ "replicas", R_PTR, NULL }, { "resources", R_STRUCT, &resources },
	{ "restart_policy", R_STRUCT, &restart }, { "rollback_config", R_STRUCT, &update },
	{ "update_config", R_STRUCT, &update },
};
static struct object deploy = OBJECT(deploy, 0);

static const struct field healthcheck_fields[] = {
	{ "disable", R_SCALAR, NULL }, { "interval", R_PTR_DUR, NULL },
	{ "retries", R_PTR, NULL }, { "start_interval", R_PTR_DUR, NULL },
	{ "start_period", R_PTR_DUR, NULL }, { "test", R_APPEND, NULL },
	{ "timeout", R_PTR_DUR, NULL },
};
static struct object healthcheck = OBJECT(healthcheck, 0);

static const struct field build_fields[] = {
	{ "args", R_ENV, NULL }, { "cache_from", R_APPEND, NULL }, { "context", R_SCALAR, NULL },
	{ "dockerfile", R_SCALAR, NULL }, { "extra_hosts", R_APPEND, NULL },
	{ "labels", R_STRMAP, NULL }, { "network", R_SCALAR, NULL },
	{ "target", R_SCALAR, NULL },
};
static struct object build = OBJECT(build, 0);

static const struct field credspec_fields[] = {
	{ "config", R_SCALAR, NULL }, { "file", R_SCALAR, NULL }, { "registry", R_SCALAR, NULL },
};
static struct object credspec = OBJECT(credspec, 0);

static const struct field service_fields[] = {
	{ "build", R_STRUCT, &build }, { "cap_add", R_APPEND, NULL },
	{ "cap_drop", R_APPEND, NULL }, { "cgroup_parent", R_SCALAR, NULL },
	{ "cgroupns_mode", R_SCALAR, NULL }, { "command", R_COMMAND, NULL },
	{ "configs", R_FILEREFS, NULL }, { "container_name", R_SCALAR, NULL },
	{ "credential_spec", R_STRUCT, &credspec }, { "depends_on", R_APPEND, NULL },
	{ "deploy", R_STRUCT, &deploy }, { "devices", R_APPEND, NULL },
	{ "dns", R_APPEND, NULL }, { "dns_search", R_APPEND, NULL },
	{ "domainname", R_SCALAR, NULL }, { "entrypoint", R_COMMAND, NULL },
	{ "env_file", R_APPEND, NULL }, { "environment", R_ENV, NULL },
	{ "expose", R_APPEND, NULL }, { "external_links", R_APPEND, NULL },
	{ "extra_hosts", R_APPEND, NULL }, { "healthcheck", R_STRUCT, &healthcheck },
	{ "hostname", R_SCALAR, NULL }, { "image", R_SCALAR, NULL },
	{ "init", R_PTR_BOOL, NULL }, { "ipc", R_SCALAR, NULL }, { "isolation", R_SCALAR, NULL },
	{ "labels", R_STRMAP, NULL }, { "links", R_APPEND, NULL },
	{ "logging", R_LOGGING, NULL }, { "mac_address", R_SCALAR, NULL },
	{ "network_mode", R_SCALAR, NULL }, { "networks", R_NETWORKS, NULL },
	{ "pid", R_SCALAR, NULL }, { "ports", R_PORTS, NULL }, { "privileged", R_SCALAR, NULL },
	{ "read_only", R_SCALAR, NULL }, { "restart", R_SCALAR, NULL },
	{ "secrets", R_FILEREFS, NULL }, { "security_opt", R_APPEND, NULL },
	{ "shm_size", R_SCALAR, NULL }, { "stdin_open", R_SCALAR, NULL },
	{ "stop_grace_period", R_PTR_DUR, NULL }, { "stop_signal", R_SCALAR, NULL },
	{ "sysctls", R_STRMAP, NULL }, { "tmpfs", R_APPEND, NULL }, { "tty", R_SCALAR, NULL },
	{ "ulimits", R_ULIMITS, NULL }, { "user", R_SCALAR, NULL },
	{ "userns_mode", R_SCALAR, NULL }, { "volumes", R_VOLUMES, NULL },
	{ "working_dir", R_SCALAR, NULL },
};
static struct object service = OBJECT(service, 1);

static const struct field extra_field = { NULL, R_EXTRA, NULL };
static const struct field replace_field = { NULL, R_REPLACE, NULL };

static int is_keyed(enum rule r)
{
	return r == R_PORTS || r == R_VOLUMES || r == R_FILEREFS;
}

/* The most fields an object has (service: 52), for per-field arrays on the stack. */
#define MAX_FIELDS 64

static struct object *const all_objects[] = {
	&limits, &reservations, &resources, &update, &restart, &placement,
	&deploy, &healthcheck, &build, &credspec, &service,
};

/* Of the first 8 bytes: they tell every two fields of an object apart but a few. */
static unsigned field_hash(const char *key)
{
	const unsigned char *p = (const unsigned char *)key;
	unsigned h = 0;
	for (size_t i = 0; i < 8 && p[i]; i++)
		h = h * 31 + p[i];
	return h;
}

/* Hash every object's field names, once per process. */
static void init_field_tables(void)
{
	static int done;
	if (done)
		return;
	for (size_t o = 0; o < ARRAY_SIZE(all_objects); o++) {
		struct object *obj = all_objects[o];
		if (obj->nfields > MAX_FIELDS)
			BUG("merge: %zu fields", obj->nfields);
		for (size_t f = 0; f < obj->nfields; f++) {
			unsigned i = field_hash(obj->fields[f].key);
			while (obj->slots[i % FIELD_SLOTS])
				i++;
			obj->slots[i % FIELD_SLOTS] = (uint8_t)(f + 1);
			if (is_keyed(obj->fields[f].rule)) {
				if (obj->nkeyed == ARRAY_SIZE(obj->keyed))
					BUG("merge: too many keyed lists");
				obj->keyed[obj->nkeyed++] = (uint8_t)f;
			}
		}
	}
	done = 1;
}

/* The index of key in obj's fields, or -1. */
static int field_index(const struct object *obj, const char *key)
{
	for (unsigned i = field_hash(key);; i++) {
		unsigned f = obj->slots[i % FIELD_SLOTS];
		if (!f)
			return -1;
		const char *name = obj->fields[f - 1].key;
		if (name[0] == key[0] && !strcmp(name, key))
			return (int)f - 1;
	}
}

static const struct field *field_of(const struct object *obj, const char *key, int index)
{
	if (index >= 0)
		return &obj->fields[index];
	if (obj->extras && !strncmp(key, "x-", 2))
		return &extra_field;
	return &replace_field;
}


struct merger {
	struct run *run;
	struct path_steps steps; /* where we are; spelled out into path for a message */
	struct sbuf path;
	const char *service;  /* the service being merged, for messages */
	const char *file;     /* the override file, for messages */
};

/* ==== helpers ==== */

/* Go's zero value: what mergo treats as "empty" */
static int is_empty(const struct node *n)
{
	switch (n->kind) {
	case NODE_NULL: return 1;
	case NODE_BOOL: return !n->s.v.b;
	case NODE_INT: return (n->flags & NODE_UNSIGNED) ? n->s.v.u == 0 : n->s.v.i == 0;
	case NODE_FLOAT: return n->s.v.f == 0;
	case NODE_STR: return n->len == 0;
	case NODE_TIME: return 0; /* a struct: never empty to mergo */
	case NODE_SEQ: return n->seq.n == 0;
	case NODE_MAP: return n->map.n == 0;
	}
	return 0;
}

/* durations print as Go text: zero is "0s" */
static int is_zero_duration(const struct node *n)
{
	return is_empty(n) || (n->kind == NODE_STR && !strcmp(n->s.text, "0s"));
}

static const char *path_text(struct merger *m)
{
	sbuf_reset(&m->path);
	path_steps_render(&m->path, &m->steps, m->steps.n);
	return m->path.buf;
}

static int shape_error(struct merger *m, const struct node *n, const char *want)
{
	return diag_error(&m->run->diag, n->pos, path_text(m),
			  "cannot merge a %s here: expected a %s", node_kind_name(n->kind), want);
}

/* Take the override's entry for this key: replace base's value or add it. */
static void take(struct merger *m, struct node *base, struct node_entry *be,
		 const struct node_entry *oe)
{
	if (be) {
		be->val = oe->val;
		be->keypos = oe->keypos;
	} else {
		struct node_entry *e = node_map_add_key(&m->run->arena, base, oe->key, oe->keypos,
							oe->val);
		e->keyflags = oe->keyflags;
	}
}

#define NO_MATCH SIZE_MAX

/* FNV-1a */
static size_t key_hash(const char *key)
{
	uint32_t h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

/* The slot of key in a table of size (a power of 2) of base's entry indexes:
 * the one holding it, or the free one where it goes. */
static size_t *key_slot(size_t *slot, size_t size, const struct node *base, const char *key)
{
	for (size_t i = key_hash(key);; i++) {
		size_t *s = &slot[i & (size - 1)];
		const char *k = *s == NO_MATCH ? NULL : base->map.v[*s].key;
		if (!k || (k[0] == key[0] && !strcmp(k, key)))
			return s;
	}
}

/* Room for the pairing of a small map without malloc. */
struct pairing {
	size_t *match;
	size_t small[16];
};

/*
 * For each entry of over, the index of base's entry with the same key (the
 * last one if repeated), or NO_MATCH, in p->match (pair_release frees it).
 * Small maps are scanned; large ones (services, environments) go through
 * a hash table of base's keys, so the work stays linear.
 */
static size_t *pair_keys(struct pairing *p, const struct node *base, const struct node *over)
{
	size_t *match = over->map.n <= 16 ? p->small
					  : xmalloc(over->map.n * sizeof(*match));
	p->match = match;
	if (base->map.n * over->map.n <= 64) {
		for (size_t i = 0; i < over->map.n; i++) {
			const char *key = over->map.v[i].key;
			size_t j = base->map.n;
			while (j-- > 0 && strcmp(base->map.v[j].key, key))
				;
			match[i] = j < base->map.n ? j : NO_MATCH;
		}
		return match;
	}
	size_t size = 16;
	while (size < 2 * base->map.n)
		size *= 2;
	size_t *slot = xmalloc(size * sizeof(*slot));
	for (size_t i = 0; i < size; i++)
		slot[i] = NO_MATCH;
	for (size_t i = 0; i < base->map.n; i++) {
		size_t *s = key_slot(slot, size, base, base->map.v[i].key);
		*s = i; /* a repeated key: the last one */
	}
	for (size_t i = 0; i < over->map.n; i++)
		match[i] = *key_slot(slot, size, base, over->map.v[i].key);
	free(slot);
	return match;
}

static void pair_release(struct pairing *p)
{
	if (p->match != p->small)
		free(p->match);
}

static struct node_entry *matched(struct node *base, const size_t *match, size_t i)
{
	return match[i] == NO_MATCH ? NULL : &base->map.v[match[i]];
}

/* ==== per-rule merges ==== */

static int merge_object(struct merger *m, struct node *base, struct node *over,
			const struct object *obj);

static void append_items(struct merger *m, struct node *base, const struct node *over)
{
	for (size_t i = 0; i < over->seq.n; i++)
		node_seq_push(&m->run->arena, base, over->seq.v[i]);
}

/* environment, build.args: a set value survives an empty or null override */
static void merge_env(struct merger *m, struct node *base, struct node *over)
{
	struct pairing pairing;
	size_t *match = pair_keys(&pairing, base, over);
	for (size_t i = 0; i < over->map.n; i++) {
		struct node_entry *be = matched(base, match, i), *oe = &over->map.v[i];
		if (!be || !is_empty(oe->val) || is_empty(be->val))
			take(m, base, be, oe);
	}
	pair_release(&pairing);
}

/* labels, sysctls, options: the override's value wins, "" included */
static void merge_strmap(struct merger *m, struct node *base, struct node *over)
{
	struct pairing pairing;
	size_t *match = pair_keys(&pairing, base, over);
	for (size_t i = 0; i < over->map.n; i++)
		take(m, base, matched(base, match, i), &over->map.v[i]);
	pair_release(&pairing);
}

/* ulimits: a name's whole entry is replaced (a bare number replaces {soft, hard}) */
static void merge_ulimits(struct merger *m, struct node *base, struct node *over)
{
	struct pairing pairing;
	size_t *match = pair_keys(&pairing, base, over);
	for (size_t i = 0; i < over->map.n; i++) {
		struct node_entry *be = matched(base, match, i), *oe = &over->map.v[i];
		if (!be || oe->val->kind != NODE_NULL)
			take(m, base, be, oe);
	}
	pair_release(&pairing);
}

static const char *str_or_empty(const struct node *map, const char *key)
{
	const char *s = node_str(node_map_get(map, key));
	return s ? s : "";
}

/*
 * logging: same driver (or either unset) merges options — but only into
 * options the base already has (mergo merges into a copy of a nil map and
 * the result is lost); different drivers replace the whole block.
 */
static int merge_logging(struct merger *m, struct node *base, struct node_entry *be,
			 const struct node_entry *oe)
{
	struct node *bl = be->val, *ol = oe->val;
	if (ol->kind == NODE_NULL)
		return 0;
	if (bl->kind == NODE_NULL) {
		take(m, base, be, oe);
		return 0;
	}
	if (bl->kind != NODE_MAP || ol->kind != NODE_MAP)
		return shape_error(m, bl->kind != NODE_MAP ? bl : ol, "mapping");
	const char *bd = str_or_empty(bl, "driver"), *od = str_or_empty(ol, "driver");
	if (strcmp(bd, od) && *bd && *od) {
		take(m, base, be, oe);
		return 0;
	}
	if (!*bd && *od)
		take(m, bl, node_map_find(bl, "driver"), node_map_find(ol, "driver"));
	struct node *bo = node_map_get(bl, "options"), *oo = node_map_get(ol, "options");
	if (bo && oo && bo->kind == NODE_MAP && oo->kind == NODE_MAP)
		merge_strmap(m, bo, oo);
	return 0;
}

/*
 * service networks: an override mapping replaces aliases (even with none),
 * sets addresses that are non-empty and ignores driver_opts; null does nothing.
 */
static int merge_networks(struct merger *m, struct node *base, struct node *over)
{
	struct pairing pairing;
	size_t *match = pair_keys(&pairing, base, over);
	int ret = 0;
	for (size_t i = 0; i < over->map.n; i++) {
		struct node_entry *be = matched(base, match, i), *oe = &over->map.v[i];
		struct node *ov = oe->val;
		if (!be || (be->val->kind == NODE_NULL && ov->kind != NODE_NULL)) {
			take(m, base, be, oe);
			continue;
		}
		if (ov->kind == NODE_NULL)
			continue;
		if (be->val->kind != NODE_MAP || ov->kind != NODE_MAP) {
			ret = shape_error(m, be->val->kind != NODE_MAP ? be->val : ov, "mapping");
			continue;
		}
		struct node *bn = be->val;
		node_map_remove(bn, "aliases");
		struct node_entry *aliases = node_map_find(ov, "aliases");
		if (aliases)
			take(m, bn, NULL, aliases);
		static const char *const addrs[] = { "ipv4_address", "ipv6_address" };
		for (size_t k = 0; k < ARRAY_SIZE(addrs); k++) {
			struct node_entry *a = node_map_find(ov, addrs[k]);
			if (a && !is_empty(a->val))
				take(m, bn, node_map_find(bn, addrs[k]), a);
		}
	}
	pair_release(&pairing);
	return ret;
}

/* Go's type name for a decoded YAML value, as mergo's error shows it */
static const char *go_type(const struct node *n)
{
	switch (n->kind) {
	case NODE_NULL: return "<nil>";
	case NODE_BOOL: return "bool";
	case NODE_INT: return (n->flags & NODE_UNSIGNED) ? "uint64" : "int";
	case NODE_FLOAT: return "float64";
	case NODE_STR: return "string";
	case NODE_TIME: return "time.Time";
	case NODE_SEQ: return "[]interface {}";
	case NODE_MAP: return "map[string]interface {}";
	}
	return "?";
}

/*
 * x-* values (mergo on map[string]interface{}): maps merge key by key, lists
 * append (onto nothing or null too), anything else — null included — replaces.
 * *out is the merged value.
 */
static int merge_any(struct merger *m, struct node **out, struct node *bv, struct node *ov)
{
	*out = ov;
	if (ov->kind == NODE_MAP && bv->kind == NODE_MAP) {
		struct pairing pairing;
		size_t *match = pair_keys(&pairing, bv, ov);
		int ret = 0;
		for (size_t i = 0; i < ov->map.n; i++) {
			struct node_entry *be = matched(bv, match, i), *oe = &ov->map.v[i];
			size_t mark = m->steps.n;
			path_steps_key(&m->steps, oe->key);
			if (!be) {
				take(m, bv, NULL, oe);
			} else {
				struct node *v;
				if (merge_any(m, &v, be->val, oe->val))
					ret = -1;
				else if (v != be->val)
					take(m, bv, be, oe); /* v is the override's */
			}
			m->steps.n = mark;
		}
		pair_release(&pairing);
		*out = bv;
		return ret;
	}
	if (ov->kind == NODE_SEQ && bv->kind == NODE_SEQ) {
		append_items(m, bv, ov);
		*out = bv;
		return 0;
	}
	if (ov->kind == NODE_SEQ && bv->kind != NODE_NULL) {
		return diag_error(&m->run->diag, ov->pos, path_text(m),
				  "cannot merge services from %s: cannot merge service %s: "
				  "cannot append two slices with different type ([]interface {}, %s)",
				  m->file, m->service, go_type(bv));
	}
	return 0;
}

/* ports, volumes, secrets, configs: one entry per key, the last wins, sorted */
struct keyed {
	struct node *item;
	uint64_t num;
	const char *str;
	size_t len;
	size_t seq;
};

static int keyed_key_cmp(const struct keyed *x, const struct keyed *y)
{
	if (x->str || y->str) {
		size_t n = x->len < y->len ? x->len : y->len;
		int c = memcmp(x->str, y->str, n);
		return c ? c : (x->len > y->len) - (x->len < y->len);
	}
	return (x->num > y->num) - (x->num < y->num);
}

static int keyed_cmp(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = keyed_key_cmp(x, y);
	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

static int keyed_key(struct merger *m, struct keyed *k, enum rule rule)
{
	struct node *item = k->item;
	if (item->kind != NODE_MAP)
		return shape_error(m, item, "mapping");
	const char *field = rule == R_PORTS ? "published" : rule == R_VOLUMES ? "target" : "source";
	struct node *v = node_map_get(item, field);
	if (rule == R_PORTS) {
		k->str = NULL;
		k->num = 0;
		if (v && v->kind != NODE_INT)
			return shape_error(m, v, "integer");
		if (v)
			k->num = (v->flags & NODE_UNSIGNED) ? v->s.v.u : (uint64_t)v->s.v.i;
		return 0;
	}
	if (v && v->kind != NODE_STR)
		return shape_error(m, v, "string");
	k->str = v ? v->s.text : "";
	k->len = v ? v->len : 0;
	return 0;
}

static int merge_keyed(struct merger *m, struct node *bl, struct node *ol, enum rule rule)
{
	if (bl->kind != NODE_SEQ)
		return shape_error(m, bl, "sequence");
	if (ol && ol->kind == NODE_NULL)
		ol = NULL;
	if (ol && ol->kind != NODE_SEQ)
		return shape_error(m, ol, "sequence");
	size_t n = bl->seq.n + (ol ? ol->seq.n : 0), k = 0;
	struct keyed small[16];
	struct keyed *v = n <= ARRAY_SIZE(small) ? small : xcalloc(n, sizeof(*v));
	int ret = 0;
	for (size_t i = 0; i < n; i++) {
		v[i].item = i < bl->seq.n ? bl->seq.v[i] : ol->seq.v[i - bl->seq.n];
		v[i].seq = i;
		if (keyed_key(m, &v[i], rule))
			ret = -1;
	}
	/* usually the items are in order already, one per key: then nothing moves */
	size_t sorted = 1;
	while (!ret && sorted < n && keyed_key_cmp(&v[sorted - 1], &v[sorted]) < 0)
		sorted++;
	if (!ret && sorted >= n) {
		if (ol)
			append_items(m, bl, ol);
	} else if (!ret) {
		qsort(v, n, sizeof(*v), keyed_cmp);
		bl->seq.n = 0;
		for (size_t i = 0; i < n; i = k) {
			/* the last of a run of equal keys */
			for (k = i + 1; k < n && !keyed_key_cmp(&v[i], &v[k]); k++)
				;
			node_seq_push(&m->run->arena, bl, v[k - 1].item);
		}
	}
	if (v != small)
		free(v);
	return ret;
}

static int merge_value(struct merger *m, struct node *base, size_t bi, struct node_entry *oe,
		       const struct field *f)
{
	struct node_entry *be = bi == NO_MATCH ? NULL : &base->map.v[bi];
	struct node *ov = oe->val;
	if (!be) {
		take(m, base, NULL, oe);
		return 0;
	}
	struct node *bv = be->val;
	switch (f->rule) {
	case R_SCALAR:
	case R_PTR_BOOL: /* set in both: only true wins */
	case R_COMMAND:
		if (!is_empty(ov))
			take(m, base, be, oe);
		return 0;
	case R_PTR:
	case R_REPLACE:
		take(m, base, be, oe);
		return 0;
	case R_PTR_DUR: /* set in both: only non-zero wins */
	case R_DUR:
		if (!is_zero_duration(ov))
			take(m, base, be, oe);
		return 0;
	case R_EXTRA: {
		struct node *v;
		if (merge_any(m, &v, bv, ov))
			return -1;
		if (v != bv)
			take(m, base, be, oe);
		return 0;
	}
	case R_LOGGING:
		return merge_logging(m, base, be, oe);
	default:
		break;
	}
	/* the rest merges two collections */
	if (ov->kind == NODE_NULL)
		return 0;
	if (bv->kind == NODE_NULL) {
		take(m, base, be, oe);
		return 0;
	}
	enum node_kind want = f->rule == R_APPEND ? NODE_SEQ : NODE_MAP;
	if (bv->kind != want || ov->kind != want)
		return shape_error(m, bv->kind != want ? bv : ov, node_kind_name(want));
	switch (f->rule) {
	case R_APPEND:
		append_items(m, bv, ov);
		return 0;
	case R_ENV:
		merge_env(m, bv, ov);
		return 0;
	case R_STRMAP:
		merge_strmap(m, bv, ov);
		return 0;
	case R_ULIMITS:
		merge_ulimits(m, bv, ov);
		return 0;
	case R_NETWORKS:
		return merge_networks(m, bv, ov);
	case R_STRUCT:
		return merge_object(m, bv, ov, f->sub);
	default:
		BUG("merge rule %d", (int)f->rule);
	}
}

/* The last entry of map's first n with this key, or NO_MATCH. */
static size_t find_last(const struct node *map, size_t n, const char *key)
{
	while (n-- > 0)
		if (map->map.v[n].key[0] == key[0] && !strcmp(map->map.v[n].key, key))
			return n;
	return NO_MATCH;
}

/* The first entry of map's first n with this key, or NO_MATCH. */
static size_t find_first(const struct node *map, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (map->map.v[i].key[0] == key[0] && !strcmp(map->map.v[i].key, key))
			return i;
	return NO_MATCH;
}

/*
 * The override's entries are paired through their field (hashed names):
 * base is searched for just those fields and the keyed lists when it is
 * small, else each base entry is looked up once. Keys that are no field
 * (x-*) are searched, or paired through pair_keys when there are many.
 */
static int merge_object(struct merger *m, struct node *base, struct node *over,
			const struct object *obj)
{
	/* by field: base's last and first entry, the override's first */
	size_t blast[MAX_FIELDS], bfirst[MAX_FIELDS], ofirst[MAX_FIELDS];
	int small[16];
	int *ofield = over->map.n <= ARRAY_SIZE(small) ? small
						       : xmalloc(over->map.n * sizeof(*ofield));
	size_t nbase = base->map.n, unknown = 0;
	for (size_t f = 0; f < obj->nfields; f++)
		blast[f] = bfirst[f] = ofirst[f] = NO_MATCH;
	for (size_t i = 0; i < over->map.n; i++) {
		int f = ofield[i] = field_index(obj, over->map.v[i].key);
		unknown += f < 0;
		if (f >= 0 && ofirst[f] == NO_MATCH)
			ofirst[f] = i;
	}
	if (nbase * (over->map.n + obj->nkeyed) <= 256) {
		/* small: search base for the few fields wanted, not every base key's field */
		for (size_t i = 0; i < over->map.n; i++)
			if (ofield[i] >= 0)
				blast[ofield[i]] = find_last(base, nbase, over->map.v[i].key);
		for (size_t k = 0; k < obj->nkeyed; k++)
			bfirst[obj->keyed[k]] = find_first(base, nbase, obj->fields[obj->keyed[k]].key);
	} else {
		for (size_t i = 0; i < nbase; i++) {
			int f = field_index(obj, base->map.v[i].key);
			if (f >= 0 && bfirst[f] == NO_MATCH)
				bfirst[f] = i;
			if (f >= 0)
				blast[f] = i;
		}
	}
	struct pairing pairing;
	size_t *match = unknown > 8 ? pair_keys(&pairing, base, over) : NULL;
	int ret = 0;
	for (size_t i = 0; i < over->map.n; i++) {
		struct node_entry *oe = &over->map.v[i];
		const struct field *f = field_of(obj, oe->key, ofield[i]);
		if (is_keyed(f->rule))
			continue;
		size_t bi = match ? match[i]
			  : ofield[i] >= 0 ? blast[ofield[i]] : find_last(base, nbase, oe->key);
		size_t mark = m->steps.n;
		path_steps_key(&m->steps, oe->key);
		if (merge_value(m, base, bi, oe, f))
			ret = -1;
		m->steps.n = mark;
	}
	if (match)
		pair_release(&pairing);
	if (ofield != small)
		free(ofield);
	/* keyed lists collapse whenever the base has one, touched or not */
	for (size_t k = 0; k < obj->nkeyed; k++) {
		size_t i = obj->keyed[k];
		const struct field *f = &obj->fields[i];
		struct node_entry *be = bfirst[i] == NO_MATCH ? NULL : &base->map.v[bfirst[i]];
		struct node_entry *oe = ofirst[i] == NO_MATCH ? NULL : &over->map.v[ofirst[i]];
		size_t mark = m->steps.n;
		path_steps_key(&m->steps, f->key);
		if (be && merge_keyed(m, be->val, oe ? oe->val : NULL, f->rule))
			ret = -1;
		else if (!be && oe)
			take(m, base, NULL, oe);
		m->steps.n = mark;
	}
	return ret;
}

/* ==== files ==== */

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct node_entry *)a)->key, ((const struct node_entry *)b)->key);
}

static int merge_services(struct merger *m, struct node *base, struct node *over)
{
	struct pairing pairing;
	size_t *match = pair_keys(&pairing, base, over);
	int ret = 0;
	for (size_t i = 0; i < over->map.n; i++) {
		struct node_entry *oe = &over->map.v[i];
		if (match[i] == NO_MATCH) {
			take(m, base, NULL, oe);
			continue;
		}
		struct node_entry *be = &base->map.v[match[i]];
		size_t mark = m->steps.n;
		path_steps_key(&m->steps, oe->key);
		m->service = oe->key;
		if (be->val->kind != NODE_MAP || oe->val->kind != NODE_MAP)
			ret = shape_error(m, be->val->kind != NODE_MAP ? be->val : oe->val, "mapping");
		else if (merge_object(m, be->val, oe->val, &service))
			ret = -1;
		m->steps.n = mark;
	}
	pair_release(&pairing);
	/* docker sorts the merged services by name (often they are already) */
	size_t sorted = 1;
	while (sorted < base->map.n && entry_cmp(&base->map.v[sorted - 1], &base->map.v[sorted]) <= 0)
		sorted++;
	if (sorted < base->map.n)
		qsort(base->map.v, base->map.n, sizeof(*base->map.v), entry_cmp);
	return ret;
}

int merge_files(struct node **out, struct run *run, struct node *base, struct node *override)
{
	struct merger m = { run, PATH_STEPS_INIT, SBUF_INIT, "", "" };
	int ret = 0;
	init_field_tables();
	*out = base;
	if (!base || base->kind != NODE_MAP || !override || override->kind != NODE_MAP) {
		const struct node *bad = !base || base->kind != NODE_MAP ? base : override;
		return diag_error(&run->diag, bad ? bad->pos : POS_NONE, NULL,
				  "cannot merge files: the top level must be a mapping");
	}
	const struct source *src = override->pos.src ? source_get(&run->sources, override->pos.src)
						     : NULL;
	m.file = src ? src->name : "the override file";
	for (size_t i = 0; i < override->map.n; i++) {
		struct node_entry *oe = &override->map.v[i];
		const char *key = oe->key;
		if (!strcmp(key, "version") || !strncmp(key, "x-", 2))
			continue; /* the first file's */
		struct node_entry *be = node_map_find(base, key);
		int collection = !strcmp(key, "services") || !strcmp(key, "networks") ||
				 !strcmp(key, "volumes") || !strcmp(key, "secrets") ||
				 !strcmp(key, "configs");
		if (!be || !collection || be->val->kind == NODE_NULL) {
			take(&m, base, be, oe);
			continue;
		}
		if (oe->val->kind == NODE_NULL)
			continue;
		m.steps.n = 0;
		path_steps_key(&m.steps, key);
		if (be->val->kind != NODE_MAP || oe->val->kind != NODE_MAP) {
			ret = shape_error(&m, be->val->kind != NODE_MAP ? be->val : oe->val, "mapping");
			continue;
		}
		if (!strcmp(key, "services")) {
			if (merge_services(&m, be->val, oe->val))
				ret = -1;
		} else {
			/* networks, volumes, secrets, configs: replaced per name */
			merge_strmap(&m, be->val, oe->val);
		}
	}
	path_steps_release(&m.steps);
	sbuf_release(&m.path);
	return ret;
}
