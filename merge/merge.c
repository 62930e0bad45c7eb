/*
 * Merging normalized files. Each field merges by its rule in the compose
 * model (compose/model.h): what mergo (WithOverride, WithAppendSlice) and
 * docker's transformers do to the field's Go type.
 */
#include "merge/merge.h"
#include "base/arena.h"
#include "base/diag.h"
#include "base/hash.h"
#include "base/path.h"
#include "base/node.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "base/source.h"
#include "base/xalloc.h"
#include "compose/model.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The most rows a struct has (ServiceConfig: 52), for per-row arrays on the stack. */
#define MAX_FIELDS 64

/* ports, volumes, secrets, configs: lists with one item per key */
static int is_keyed(enum model_merge rule)
{
	return rule == MR_PORTS || rule == MR_VOLUMES || rule == MR_FILE_REFS;
}

static int is_extension(const char *key)
{
	return !strncmp(key, "x-", 2);
}

/*
 * The rule of st's row f; for a key without a row (f < 0): x-* beside the
 * fields merge deep, anything else is replaced.
 */
static enum model_merge rule_of(const struct model_struct *st, int f, const char *key)
{
	if (f >= 0)
		return st->fields[f].merge;
	return (st->flags & MS_EXTRAS) && is_extension(key) ? MR_DEEP : MR_REPLACE;
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

static int shape_error(struct merger *m, const struct node *n, const char *want)
{
	return diag_error(&m->run->diag, n->pos, path_steps_spell(&m->path, &m->steps),
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

/* The slot of key in a table of size (a power of 2) of base's entry indexes:
 * the one holding it, or the free one where it goes. */
static size_t *key_slot(size_t *slot, size_t size, const struct node *base, const char *key)
{
	for (size_t i = hash_str(key);; i++) {
		size_t *s = &slot[i & (size - 1)];
		const char *k = *s == NO_MATCH ? NULL : base->map.v[*s].key;
		if (!k || !strcmp(k, key))
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
			const struct model_struct *st);
static int merge_services(struct merger *m, struct node *base, struct node *over,
			  const struct model_struct *service);

static void append_items(struct merger *m, struct node *base, const struct node *over)
{
	for (size_t i = 0; i < over->seq.n; i++)
		node_seq_push(&m->run->arena, base, over->seq.v[i]);
}

/*
 * Maps merged key by key (rule MR_BY_KEY, MR_ENVIRONMENT or MR_ULIMITS):
 * the override's entry wins, but under environment (and build.args) a set
 * value survives an empty or null override, and under ulimits a null
 * override is ignored (a name's whole entry is replaced: a bare number
 * replaces {soft, hard}).
 */
static void merge_by_key(struct merger *m, struct node *base, struct node *over,
			 enum model_merge rule)
{
	struct pairing pairing;
	size_t *match = pair_keys(&pairing, base, over);
	for (size_t i = 0; i < over->map.n; i++) {
		struct node_entry *be = matched(base, match, i), *oe = &over->map.v[i];
		int base_stays = 0;
		if (be && rule == MR_ENVIRONMENT)
			base_stays = is_empty(oe->val) && !is_empty(be->val);
		else if (be && rule == MR_ULIMITS)
			base_stays = oe->val->kind == NODE_NULL;
		if (!base_stays)
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
		merge_by_key(m, bo, oo, MR_BY_KEY);
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
			size_t mark = path_steps_key(&m->steps, oe->key);
			if (!be) {
				take(m, bv, NULL, oe);
			} else {
				struct node *v;
				if (merge_any(m, &v, be->val, oe->val))
					ret = -1;
				else if (v != be->val)
					take(m, bv, be, oe); /* v is the override's */
			}
			path_steps_pop(&m->steps, mark);
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
		return diag_error(&m->run->diag, ov->pos, path_steps_spell(&m->path, &m->steps),
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

static int keyed_key(struct merger *m, struct keyed *k, enum model_merge rule)
{
	struct node *item = k->item;
	if (item->kind != NODE_MAP)
		return shape_error(m, item, "mapping");
	const char *field = rule == MR_PORTS ? "published" : rule == MR_VOLUMES ? "target" : "source";
	struct node *v = node_map_get(item, field);
	if (rule == MR_PORTS) {
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

static int merge_keyed(struct merger *m, struct node *bl, struct node *ol, enum model_merge rule)
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

/* Merge the override's entry oe into base's entry bi (NO_MATCH: none) by rule. */
static int merge_value(struct merger *m, struct node *base, size_t bi, struct node_entry *oe,
		       enum model_merge rule, const struct model_struct *sub)
{
	struct node_entry *be = bi == NO_MATCH ? NULL : &base->map.v[bi];
	struct node *ov = oe->val;
	if (!be) {
		take(m, base, NULL, oe);
		return 0;
	}
	struct node *bv = be->val;
	switch (rule) {
	case MR_SCALAR:
	case MR_POINTER_BOOL: /* set in both: only true wins */
	case MR_COMMAND:
		if (!is_empty(ov))
			take(m, base, be, oe);
		return 0;
	case MR_POINTER:
	case MR_REPLACE:
		take(m, base, be, oe);
		return 0;
	case MR_POINTER_DURATION: /* set in both: only non-zero wins */
	case MR_DURATION:
		if (!is_zero_duration(ov))
			take(m, base, be, oe);
		return 0;
	case MR_DEEP: {
		struct node *v;
		if (merge_any(m, &v, bv, ov))
			return -1;
		if (v != bv)
			take(m, base, be, oe);
		return 0;
	}
	case MR_LOGGING:
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
	enum node_kind want = rule == MR_APPEND ? NODE_SEQ : NODE_MAP;
	if (bv->kind != want || ov->kind != want)
		return shape_error(m, bv->kind != want ? bv : ov, node_kind_name(want));
	switch (rule) {
	case MR_APPEND:
		append_items(m, bv, ov);
		return 0;
	case MR_ENVIRONMENT:
	case MR_BY_KEY:
	case MR_ULIMITS:
		merge_by_key(m, bv, ov, rule);
		return 0;
	case MR_NETWORKS:
		return merge_networks(m, bv, ov);
	case MR_STRUCT:
		return merge_object(m, bv, ov, sub);
	case MR_SERVICES:
		return merge_services(m, bv, ov, sub);
	default:
		BUG("merge rule %d here", (int)rule);
	}
}

/* The last entry of map's first n with this key, or NO_MATCH. */
static size_t find_last(const struct node *map, size_t n, const char *key)
{
	while (n-- > 0)
		if (!strcmp(map->map.v[n].key, key))
			return n;
	return NO_MATCH;
}

/*
 * Struct by struct, field by field. Entries are paired through their row:
 * base's entries are looked up once each, the override's too. Keys without
 * a row (x-*) are searched, or paired through pair_keys when there are many.
 */
static int merge_object(struct merger *m, struct node *base, struct node *over,
			const struct model_struct *st)
{
	/* by row: base's last and first entry, the override's first */
	size_t blast[MAX_FIELDS], bfirst[MAX_FIELDS], ofirst[MAX_FIELDS];
	int small[16];
	int *ofield = over->map.n <= ARRAY_SIZE(small) ? small
						       : xmalloc(over->map.n * sizeof(*ofield));
	size_t nbase = base->map.n, unknown = 0;
	if (st->nfields > MAX_FIELDS)
		BUG("merge: %s has %zu fields", st->go_name, st->nfields);
	for (size_t f = 0; f < st->nfields; f++)
		blast[f] = bfirst[f] = ofirst[f] = NO_MATCH;
	for (size_t i = 0; i < over->map.n; i++) {
		int f = ofield[i] = model_field_index(st, over->map.v[i].key);
		unknown += f < 0;
		if (f >= 0 && ofirst[f] == NO_MATCH)
			ofirst[f] = i;
	}
	for (size_t i = 0; i < nbase; i++) {
		int f = model_field_index(st, base->map.v[i].key);
		if (f >= 0 && bfirst[f] == NO_MATCH)
			bfirst[f] = i;
		if (f >= 0)
			blast[f] = i;
	}
	struct pairing pairing;
	size_t *match = unknown > 8 ? pair_keys(&pairing, base, over) : NULL;
	int ret = 0;
	for (size_t i = 0; i < over->map.n; i++) {
		struct node_entry *oe = &over->map.v[i];
		int f = ofield[i];
		enum model_merge rule = rule_of(st, f, oe->key);
		if (is_keyed(rule))
			continue;
		size_t bi = match ? match[i] : f >= 0 ? blast[f] : find_last(base, nbase, oe->key);
		size_t mark = path_steps_key(&m->steps, oe->key);
		if (merge_value(m, base, bi, oe, rule, f >= 0 ? st->fields[f].sub : NULL))
			ret = -1;
		path_steps_pop(&m->steps, mark);
	}
	if (match)
		pair_release(&pairing);
	if (ofield != small)
		free(ofield);
	/* keyed lists collapse whenever the base has one, touched or not */
	for (size_t f = 0; f < st->nfields; f++) {
		const struct model_field *row = &st->fields[f];
		if (!is_keyed(row->merge))
			continue;
		struct node_entry *be = bfirst[f] == NO_MATCH ? NULL : &base->map.v[bfirst[f]];
		struct node_entry *oe = ofirst[f] == NO_MATCH ? NULL : &over->map.v[ofirst[f]];
		size_t mark = path_steps_key(&m->steps, row->key);
		if (be && merge_keyed(m, be->val, oe ? oe->val : NULL, row->merge))
			ret = -1;
		else if (!be && oe)
			take(m, base, NULL, oe);
		path_steps_pop(&m->steps, mark);
	}
	return ret;
}

/* ==== files ==== */

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct node_entry *)a)->key, ((const struct node_entry *)b)->key);
}

static int merge_services(struct merger *m, struct node *base, struct node *over,
			  const struct model_struct *service)
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
		size_t mark = path_steps_key(&m->steps, oe->key);
		m->service = oe->key;
		if (be->val->kind != NODE_MAP || oe->val->kind != NODE_MAP)
			ret = shape_error(m, be->val->kind != NODE_MAP ? be->val : oe->val, "mapping");
		else if (merge_object(m, be->val, oe->val, service))
			ret = -1;
		path_steps_pop(&m->steps, mark);
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
	*out = base;
	if (!base || base->kind != NODE_MAP || !override || override->kind != NODE_MAP) {
		const struct node *bad = !base || base->kind != NODE_MAP ? base : override;
		return diag_error(&run->diag, bad ? bad->pos : POS_NONE, NULL,
				  "cannot merge files: the top level must be a mapping");
	}
	const struct source *src = override->pos.src ? source_get(&run->sources, override->pos.src)
						     : NULL;
	m.file = src ? src->name : "the override file";
	const struct model_struct *file = MODEL(CONFIG);
	for (size_t i = 0; i < override->map.n; i++) {
		struct node_entry *oe = &override->map.v[i];
		const struct model_field *f = model_field(file, oe->key);
		/* the file's own x-* are the first file's, like its version */
		enum model_merge rule = f ? f->merge : is_extension(oe->key) ? MR_FIRST_FILE : MR_REPLACE;
		if (rule == MR_FIRST_FILE)
			continue;
		struct node_entry *be = node_map_find(base, oe->key);
		size_t mark = path_steps_key(&m.steps, oe->key);
		if (merge_value(&m, base, be ? (size_t)(be - base->map.v) : NO_MATCH, oe, rule,
				f ? f->sub : NULL))
			ret = -1;
		path_steps_pop(&m.steps, mark);
	}
	path_steps_release(&m.steps);
	sbuf_release(&m.path);
	return ret;
}
