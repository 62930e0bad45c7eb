/*
 * Plan: normalize what the daemon rewrites on both sides (files and live
 * state), compare, and decide per object. See plan.h for the contract.
 */
#include "swarm/plan.h"

#include "base/arena.h"
#include "base/diag.h"
#include "base/path.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "base/crypto.h"
#include "swarm/imagepin.h"
#include "swarm/stack.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define KNOWN_AFTER_APPLY "(known after apply)"

/* ---- comparison ---- */

/* JSON equality where 1 and 1.0 are the same number. */
static int jeq(const json_t *a, const json_t *b)
{
	if (!a || !b)
		return a == b;
	if (json_is_number(a) && json_is_number(b))
		return json_number_value(a) == json_number_value(b);
	if (json_typeof(a) != json_typeof(b))
		return 0;
	if (json_is_object(a)) {
		if (json_object_size(a) != json_object_size(b))
			return 0;
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)a, k, v)
			if (!jeq(v, json_object_get(b, k)))
				return 0;
		return 1;
	}
	if (json_is_array(a)) {
		if (json_array_size(a) != json_array_size(b))
			return 0;
		for (size_t i = 0; i < json_array_size(a); i++)
			if (!jeq(json_array_get(a, i), json_array_get(b, i)))
				return 0;
		return 1;
	}
	return json_equal(a, b);
}

static void add_change(struct plan_item *it, const char *path, const json_t *old, const json_t *new,
		       const char *note)
{
	ALLOC_GROW(it->changes, it->nchanges + 1, it->alloc);
	struct plan_change *c = &it->changes[it->nchanges++];
	c->path = xstrdup(path);
	c->old = old ? json_deep_copy(old) : NULL;
	c->new = new ? json_deep_copy(new) : NULL;
	c->note = note;
}

static void diff_json(struct plan_item *it, struct sbuf *path, const json_t *old, const json_t *new);

/* Arrays: a longest-common-subsequence edit script; a removal and an
 * addition at the same place are shown as one change. */
static void diff_array(struct plan_item *it, struct sbuf *path, const json_t *old, const json_t *new)
{
	size_t n = json_array_size(old), m = json_array_size(new);
	size_t *t = xcalloc((n + 1) * (m + 1), sizeof(*t));
#define T(i, j) t[(i) * (m + 1) + (j)]
	for (size_t i = n; i-- > 0;)
		for (size_t j = m; j-- > 0;)
			T(i, j) = jeq(json_array_get(old, i), json_array_get(new, j))
					  ? T(i + 1, j + 1) + 1
					  : (T(i + 1, j) > T(i, j + 1) ? T(i + 1, j) : T(i, j + 1));
	size_t i = 0, j = 0, len = path->len;
	while (i < n || j < m) {
		if (i < n && j < m && jeq(json_array_get(old, i), json_array_get(new, j))) {
			i++, j++;
			continue;
		}
		/* a run of removals and additions up to the next common element */
		size_t ri = i, aj = j;
		while (i < n || j < m) {
			if (i < n && j < m && jeq(json_array_get(old, i), json_array_get(new, j)))
				break;
			if (j < m && (i == n || T(i, j + 1) >= T(i + 1, j)))
				j++;
			else
				i++;
		}
		size_t nr = i - ri, na = j - aj, k;
		for (k = 0; k < nr && k < na; k++) {
			path_push_index(path, aj + k);
			diff_json(it, path, json_array_get(old, ri + k), json_array_get(new, aj + k));
			sbuf_setlen(path, len);
		}
		for (; k < nr; k++) {
			path_push_index(path, ri + k);
			add_change(it, path->buf, json_array_get(old, ri + k), NULL, NULL);
			sbuf_setlen(path, len);
		}
		for (; k < na; k++) {
			path_push_index(path, aj + k);
			add_change(it, path->buf, NULL, json_array_get(new, aj + k), NULL);
			sbuf_setlen(path, len);
		}
	}
#undef T
	free(t);
}

static void diff_json(struct plan_item *it, struct sbuf *path, const json_t *old, const json_t *new)
{
	if (jeq(old, new))
		return;
	size_t len = path->len;
	if (json_is_object(old) && json_is_object(new)) {
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)new, k, v) {
			path_push_key(path, k);
			diff_json(it, path, json_object_get(old, k), v);
			sbuf_setlen(path, len);
		}
		json_object_foreach((json_t *)old, k, v) {
			if (json_object_get(new, k))
				continue;
			path_push_key(path, k);
			add_change(it, path->buf, v, NULL, NULL);
			sbuf_setlen(path, len);
		}
		return;
	}
	if (json_is_array(old) && json_is_array(new)) {
		diff_array(it, path, old, new);
		return;
	}
	add_change(it, path->buf, old, new, NULL);
}

/* ---- normalization of service specs ---- */

static json_t *at(json_t *o, const char *k1, const char *k2)
{
	json_t *v = json_object_get(o, k1);
	return k2 ? json_object_get(v, k2) : v;
}

static void del_if_str(json_t *o, const char *key, const char *val)
{
	const char *s = json_string_value(json_object_get(o, key));
	if (s && !strcmp(s, val))
		json_object_del(o, key);
}

/* Keys whose empty or zero value means something. */
static int keep_empty(const char *key)
{
	static const char *const keys[] = { "Replicated", "Global", "ReplicatedJob", "GlobalJob", "Replicas" };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(key, keys[i]))
			return 1;
	return 0;
}

/* Go's omitempty makes absent and zero the same: drop null, false, 0, {}, []. */
static void drop_zero(json_t *v)
{
	if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
			drop_zero(x);
		return;
	}
	if (!json_is_object(v))
		return;
	const char *k;
	json_t *x;
	void *tmp;
	json_object_foreach_safe(v, tmp, k, x) {
		drop_zero(x);
		if (keep_empty(k))
			continue;
		if (json_is_null(x) || json_is_false(x) || (json_is_number(x) && json_number_value(x) == 0) ||
		    (json_is_object(x) && !json_object_size(x)) || (json_is_array(x) && !json_array_size(x)))
			json_object_del(v, k);
	}
}

static const char *ref_key(const json_t *r, const char *name_key, struct sbuf *buf)
{
	sbuf_reset(buf);
	sb_puts(buf, json_string_value(json_object_get(r, name_key)) ? json_string_value(json_object_get(r, name_key)) : "");
	sb_putc(buf, '\x01');
	const char *f = live_str(r, "File", "Name", NULL);
	sb_puts(buf, f ? f : "");
	return buf->buf;
}

/* Sort an array of objects by a key function (insertion sort: short lists). */
static void sort_refs(json_t *arr, const char *name_key)
{
	size_t n = json_array_size(arr);
	struct sbuf a = SBUF_INIT, b = SBUF_INIT;
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0; j--) {
			json_t *x = json_array_get(arr, j - 1), *y = json_array_get(arr, j);
			if (strcmp(ref_key(x, name_key, &a), ref_key(y, name_key, &b)) <= 0)
				break;
			json_incref(x);
			json_array_set(arr, j - 1, y);
			json_array_set_new(arr, j, x);
		}
	sbuf_release(&a);
	sbuf_release(&b);
}

static json_t *comparable_service(const json_t *spec, const json_t *netnames)
{
	json_t *s = json_deep_copy(spec);
	json_t *tt = json_object_get(s, "TaskTemplate");
	json_t *cs = json_object_get(tt, "ContainerSpec");
	del_if_str(tt, "Runtime", "container");
	del_if_str(cs, "Isolation", "default");
	json_t *nets = json_object_get(tt, "Networks");
	size_t i;
	json_t *v;
	json_array_foreach(nets, i, v) {
		const char *target = json_string_value(json_object_get(v, "Target"));
		const char *name = target ? json_string_value(json_object_get(netnames, target)) : NULL;
		if (name)
			json_object_set_new(v, "Target", json_string(name));
	}
	sort_refs(nets, "Target");
	sort_refs(json_object_get(cs, "Secrets"), "SecretName");
	sort_refs(json_object_get(cs, "Configs"), "ConfigName");
	json_object_del(json_object_get(tt, "Placement"), "Platforms");
	json_t *ep = json_object_get(s, "EndpointSpec");
	del_if_str(ep, "Mode", "vip");
	json_array_foreach(json_object_get(ep, "Ports"), i, v) {
		if (!json_object_get(v, "Protocol"))
			json_object_set_new(v, "Protocol", json_string("tcp"));
		if (!json_object_get(v, "PublishMode"))
			json_object_set_new(v, "PublishMode", json_string("ingress"));
	}
	del_if_str(json_object_get(s, "UpdateConfig"), "FailureAction", "pause");
	del_if_str(json_object_get(s, "RollbackConfig"), "FailureAction", "pause");
	/* the daemon stores its default order when a config block has none */
	del_if_str(json_object_get(s, "UpdateConfig"), "Order", "stop-first");
	del_if_str(json_object_get(s, "RollbackConfig"), "Order", "stop-first");
	json_t *rep = at(json_object_get(s, "Mode"), "Replicated", NULL);
	if (json_is_object(rep) && !json_object_get(rep, "Replicas"))
		json_object_set_new(rep, "Replicas", json_integer(1));
	drop_zero(s);
	return s;
}

/* ---- secrets ---- */

static char *secret_hash(const char *name, const char *data_b64)
{
	/* salted with the name so equal contents do not show as equal hashes */
	struct sbuf in = SBUF_INIT;
	sb_put(&in, name, strlen(name) + 1);
	sb_puts(&in, data_b64 ? data_b64 : "");
	char *hex = xmalloc(65);
	crypto_sha256_hex(hex, in.buf, in.len);
	explicit_bzero(in.buf, in.len);
	sbuf_release(&in);
	return hex;
}

/* ---- the plan ---- */

struct ctx {
	struct run *run;
	const struct stack_spec *want;
	const struct live_state *live;
	const struct plan_opts *opts;
	json_t *netnames; /* network ID → name */
	int failed;
};

static struct plan_item *add_item(struct plan *p, enum stack_kind kind, enum plan_action action, const char *name)
{
	ALLOC_GROW(p->items, p->n + 1, p->alloc);
	struct plan_item *it = &p->items[p->n++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->action = action;
	it->name = name;
	return it;
}

__attribute__((format(printf, 2, 3)))
static void plan_error(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = arena_vfmt(&c->run->arena, fmt, ap);
	va_end(ap);
	diag_error(&c->run->diag, (struct pos){ 0 }, NULL, "%s", msg);
	c->failed = 1;
}

static void set_live(struct plan_item *it, const json_t *live)
{
	const char *id = json_string_value(json_object_get(live, "ID"));
	if (!id)
		id = json_string_value(json_object_get(live, "Id"));
	free(it->id);
	it->id = id ? xstrdup(id) : NULL;
	it->version = json_integer_value(json_object_get(json_object_get(live, "Version"), "Index"));
}

/* The live network of that name, preferring the swarm-scoped one. */
static json_t *find_network(const json_t *nets, const char *name)
{
	json_t *found = NULL, *v;
	size_t i;
	json_array_foreach(nets, i, v) {
		const char *n = json_string_value(json_object_get(v, "Name"));
		if (!n || strcmp(n, name))
			continue;
		if (!found || !strcmp(live_str(v, "Scope", NULL, NULL) ? live_str(v, "Scope", NULL, NULL) : "", "swarm"))
			found = v;
	}
	return found;
}

static int belongs(const json_t *labels, const char *stack)
{
	const char *ns = json_string_value(json_object_get(labels, LABEL_NAMESPACE));
	return ns && !strcmp(ns, stack);
}

static void plan_network(struct ctx *c, struct plan *p, struct stack_object *o)
{
	json_t *live = find_network(c->live->networks, o->name);
	if (o->external) {
		if (!convert_network_is_user_defined(o->name))
			return;
		if (!live)
			plan_error(c, "network \"%s\" is declared as external, but could not be found. You need to create a "
				      "swarm-scoped network before the stack is deployed",
				   o->name);
		else if (strcmp(live_str(live, "Scope", NULL, NULL) ? live_str(live, "Scope", NULL, NULL) : "", "swarm"))
			plan_error(c, "network \"%s\" is declared as external, but it is not in the right scope: \"%s\" instead of \"swarm\"",
				   o->name, live_str(live, "Scope", NULL, NULL) ? live_str(live, "Scope", NULL, NULL) : "");
		return;
	}
	if (!live) {
		struct plan_item *it = add_item(p, KIND_NETWORK, PLAN_CREATE, o->name);
		it->want = o;
		it->body = json_deep_copy(o->spec);
		return;
	}
	struct plan_item *it = add_item(p, KIND_NETWORK, PLAN_UNCHANGED, o->name);
	it->want = o;
	set_live(it, live);
	if (!belongs(json_object_get(live, "Labels"), c->want->stack)) {
		plan_error(c, "network %s already exists and does not belong to stack %s", o->name, c->want->stack);
		return;
	}
	/* networks cannot be updated: compare what we would create, report drift */
	struct sbuf path = SBUF_INIT;
	static const char *const keys[] = { "Driver", "Internal", "Attachable", "Labels" };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		sbuf_reset(&path);
		sb_puts(&path, keys[i]);
		diff_json(it, &path, json_object_get(live, keys[i]), json_object_get(o->spec, keys[i]));
	}
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(o->spec, "Options"), k, v) {
		json_t *lv = json_object_get(json_object_get(live, "Options"), k);
		if (!jeq(lv, v)) {
			sbuf_reset(&path);
			sb_puts(&path, "Options");
			path_push_key(&path, k);
			add_change(it, path.buf, lv, v, NULL);
		}
	}
	json_t *ipam = json_object_get(o->spec, "IPAM");
	if (json_is_object(ipam)) {
		json_t *want_sub = json_array(), *live_sub = json_array();
		size_t i;
		json_array_foreach(json_object_get(ipam, "Config"), i, v)
			json_array_append(want_sub, json_object_get(v, "Subnet"));
		json_array_foreach(at(json_object_get(live, "IPAM"), "Config", NULL), i, v)
			json_array_append(live_sub, json_object_get(v, "Subnet"));
		sbuf_reset(&path);
		sb_puts(&path, "IPAM.Config.Subnet");
		diff_json(it, &path, live_sub, want_sub);
		json_decref(want_sub);
		json_decref(live_sub);
	}
	it->drift = it->nchanges > 0;
	sbuf_release(&path);
}

static void plan_file_object(struct ctx *c, struct plan *p, struct stack_object *o)
{
	if (o->external)
		return;
	const json_t *list = o->kind == KIND_SECRET ? c->live->secrets : c->live->configs;
	json_t *live = live_find(list, o->name);
	const char *data = json_string_value(json_object_get(o->spec, "Data"));
	json_t *body = json_deep_copy(o->spec);
	if (o->kind == KIND_SECRET) {
		char *h = secret_hash(o->name, data);
		json_object_set_new(json_object_get(body, "Labels"), LABEL_SECRET_HASH, json_string(h));
		free(h);
	}
	if (!live) {
		struct plan_item *it = add_item(p, o->kind, PLAN_CREATE, o->name);
		it->want = o;
		it->body = body;
		return;
	}
	struct plan_item *it = add_item(p, o->kind, PLAN_UNCHANGED, o->name);
	it->want = o;
	it->body = body;
	set_live(it, live);
	json_t *ls = json_object_get(live, "Spec");
	const char *what = stack_kind_name(o->kind);
	int data_changed = 0;
	if (o->kind == KIND_CONFIG) {
		const char *ld = json_string_value(json_object_get(ls, "Data"));
		data_changed = strcmp(ld ? ld : "", data ? data : "") != 0;
	} else {
		const char *lh = live_str(ls, "Labels", LABEL_SECRET_HASH, NULL);
		const char *wh = live_str(body, "Labels", LABEL_SECRET_HASH, NULL);
		data_changed = lh && strcmp(lh, wh);
	}
	if (data_changed) {
		add_change(it, "Data", NULL, NULL, "data changed");
		plan_error(c, "%s %s: its content changed, but %ss cannot be updated; give it a new name (for example "
			      "`name: %s_v2` in the file) to roll it out",
			   what, o->name, what, o->key);
	}
	/* labels without our hash label (docker-created objects have none) */
	json_t *ll = json_deep_copy(json_object_get(ls, "Labels"));
	json_t *wl = json_deep_copy(json_object_get(o->spec, "Labels"));
	if (!ll)
		ll = json_object();
	json_object_del(ll, LABEL_SECRET_HASH);
	struct sbuf path = SBUF_INIT;
	sb_puts(&path, "Labels");
	diff_json(it, &path, ll, wl);
	json_decref(ll);
	json_decref(wl);
	static const char *const keys[] = { "Templating", "Driver" };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		json_t *a = json_object_get(ls, keys[i]), *b = json_object_get(o->spec, keys[i]);
		if (json_is_null(a))
			a = NULL;
		sbuf_reset(&path);
		sb_puts(&path, keys[i]);
		diff_json(it, &path, a, b);
	}
	sbuf_release(&path);
	if (it->nchanges > (size_t)data_changed)
		it->action = PLAN_UPDATE;
}

/* ID of a secret/config by name: live, or "known after apply" if we create it. */
struct bind_ctx {
	struct ctx *c;
	int placeholders;
};

static const char *bind_id(void *vctx, enum stack_kind kind, const char *name)
{
	struct bind_ctx *b = vctx;
	const json_t *list = kind == KIND_SECRET ? b->c->live->secrets : b->c->live->configs;
	json_t *live = live_find(list, name);
	if (live)
		return json_string_value(json_object_get(live, "ID"));
	struct stack_object *o = convert_find(b->c->want, kind, name);
	if (b->placeholders && o && !o->external)
		return KNOWN_AFTER_APPLY;
	return NULL;
}

static const char *live_bind_id(void *vctx, enum stack_kind kind, const char *name)
{
	struct bind_ctx *b = vctx;
	const char *id = bind_id(vctx, kind, name);
	return b->placeholders || !id || strcmp(id, KNOWN_AFTER_APPLY) ? id : NULL;
}

static const char *mode_kind(const json_t *spec)
{
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get((json_t *)spec, "Mode"), k, v)
		return k;
	return "Replicated";
}

/* The update/create body: bound IDs, carried ForceUpdate and image. */
static json_t *service_body(const struct plan_item *it, const json_t *live, const struct plan_opts *opts)
{
	(void)opts;
	json_t *body = json_deep_copy(it->want->spec);
	json_t *tt = json_object_get(body, "TaskTemplate");
	json_t *cs = json_object_get(tt, "ContainerSpec");
	json_t *ltt = at(json_object_get((json_t *)live, "Spec"), "TaskTemplate", NULL);
	if (it->resolved) {
		json_object_set(cs, "Image", json_object_get(it->resolved, "Image"));
		if (json_array_size(json_object_get(it->resolved, "Platforms")))
			json_object_set(json_object_get(tt, "Placement"), "Platforms",
					json_object_get(it->resolved, "Platforms"));
	} else if (live) {
		const char *ll = live_str(json_object_get((json_t *)live, "Spec"), "Labels", LABEL_IMAGE, NULL);
		if (ll && !strcmp(ll, it->image_label)) {
			/* unchanged image text: keep the digest the live service is pinned to */
			json_t *li = at(json_object_get(ltt, "ContainerSpec"), "Image", NULL);
			if (li)
				json_object_set(cs, "Image", li);
			json_t *lp = at(json_object_get(ltt, "Placement"), "Platforms", NULL);
			if (lp)
				json_object_set(json_object_get(tt, "Placement"), "Platforms", lp);
		}
	}
	if (live) {
		json_t *fu = json_object_get(ltt, "ForceUpdate");
		if (fu)
			json_object_set(tt, "ForceUpdate", fu);
	}
	return body;
}

static void plan_service(struct ctx *c, struct plan *p, struct stack_object *o)
{
	json_t *live = live_find(c->live->services, o->name);
	struct plan_item *it = add_item(p, KIND_SERVICE, live ? PLAN_UNCHANGED : PLAN_CREATE, o->name);
	it->want = o;
	it->image_label = live_str(o->spec, "Labels", LABEL_IMAGE, NULL);
	const char *image = live_str(o->spec, "TaskTemplate", "ContainerSpec", "Image");
	json_t *res = image ? json_object_get(c->live->digests, image) : NULL;
	if (json_is_object(res))
		it->resolved = json_incref(res);
	if (live)
		set_live(it, live);

	/* references: every name must exist now or be created by this deploy */
	struct bind_ctx b = { c, 1 };
	json_t *cmp = service_body(it, live, c->opts);
	json_t *cs = at(json_object_get(cmp, "TaskTemplate"), "ContainerSpec", NULL);
	static const char *const lists[] = { "Secrets", "Configs" };
	for (int k = 0; k < 2; k++) {
		size_t i;
		json_t *r;
		json_array_foreach(json_object_get(cs, lists[k]), i, r) {
			enum stack_kind kind = k ? KIND_CONFIG : KIND_SECRET;
			const char *name = json_string_value(json_object_get(r, k ? "ConfigName" : "SecretName"));
			if (name && !bind_id(&b, kind, name))
				plan_error(c, "service %s: %s not found: %s", o->key, stack_kind_name(kind), name);
		}
	}
	convert_bind_ids(cmp, bind_id, &b);
	b.placeholders = 0;
	it->body = service_body(it, live, c->opts);
	convert_bind_ids(it->body, live_bind_id, &b);
	if (!live) {
		json_decref(cmp);
		return;
	}
	json_t *ls = json_object_get(live, "Spec");
	if (strcmp(mode_kind(ls), mode_kind(it->body)))
		plan_error(c, "service %s: changing the mode from %s to %s is not possible in place; remove the service "
			      "first (docker service rm %s)",
			   o->name, mode_kind(ls), mode_kind(it->body), o->name);
	json_t *a = comparable_service(ls, c->netnames), *w = comparable_service(cmp, c->netnames);
	imagepin_align(at(json_object_get(a, "TaskTemplate"), "ContainerSpec", NULL),
		       at(json_object_get(w, "TaskTemplate"), "ContainerSpec", NULL), c->opts->with_registry_auth);
	struct sbuf path = SBUF_INIT;
	diff_json(it, &path, a, w);
	sbuf_release(&path);
	json_decref(a);
	json_decref(w);
	json_decref(cmp);
	if (it->nchanges)
		it->action = PLAN_UPDATE;
}

int plan_refresh_service(struct plan_item *it, const json_t *live_service, const struct plan_opts *opts)
{
	json_t *fresh = service_body(it, live_service, opts);
	/* keep the IDs bound at apply time */
	json_t *old_cs = at(json_object_get(it->body, "TaskTemplate"), "ContainerSpec", NULL);
	json_t *new_cs = at(json_object_get(fresh, "TaskTemplate"), "ContainerSpec", NULL);
	static const char *const lists[] = { "Secrets", "Configs" };
	for (int k = 0; k < 2; k++)
		if (json_object_get(old_cs, lists[k]))
			json_object_set(new_cs, lists[k], json_object_get(old_cs, lists[k]));
	json_t *cred = at(json_object_get(old_cs, "Privileges"), "CredentialSpec", NULL);
	if (cred)
		json_object_set(json_object_get(new_cs, "Privileges"), "CredentialSpec", cred);
	json_decref(it->body);
	it->body = fresh;
	set_live(it, live_service);
	return it->id ? 0 : -1;
}

int plan_compute(struct plan *out, struct run *run, const struct stack_spec *want,
		 const struct live_state *live, const struct plan_opts *opts)
{
	memset(out, 0, sizeof(*out));
	out->stack = want->stack;
	struct ctx c = { run, want, live, opts, json_object(), 0 };
	size_t i;
	json_t *v;
	json_array_foreach(live->networks, i, v) {
		const char *id = json_string_value(json_object_get(v, "Id"));
		const char *name = json_string_value(json_object_get(v, "Name"));
		if (id && name)
			json_object_set_new(c.netnames, id, json_string(name));
	}
	for (size_t k = 0; k < want->n[KIND_NETWORK]; k++)
		plan_network(&c, out, &want->v[KIND_NETWORK][k]);
	for (size_t k = 0; k < want->n[KIND_SECRET]; k++)
		plan_file_object(&c, out, &want->v[KIND_SECRET][k]);
	for (size_t k = 0; k < want->n[KIND_CONFIG]; k++)
		plan_file_object(&c, out, &want->v[KIND_CONFIG][k]);
	for (size_t k = 0; k < want->n[KIND_SERVICE]; k++)
		plan_service(&c, out, &want->v[KIND_SERVICE][k]);
	if (opts->prune) {
		json_array_foreach(live->services, i, v) {
			const char *name = live_name(v);
			if (!name || !belongs(at(json_object_get(v, "Spec"), "Labels", NULL), want->stack) ||
			    convert_find(want, KIND_SERVICE, name))
				continue;
			struct plan_item *it = add_item(out, KIND_SERVICE, PLAN_REMOVE, arena_strdup(&run->arena, name));
			set_live(it, v);
		}
	}
	for (size_t k = 0; k < out->n; k++)
		out->count[out->items[k].action]++;
	json_decref(c.netnames);
	return c.failed ? -1 : 0;
}

void plan_release(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct plan_item *it = &p->items[i];
		for (size_t k = 0; k < it->nchanges; k++) {
			free(it->changes[k].path);
			json_decref(it->changes[k].old);
			json_decref(it->changes[k].new);
		}
		free(it->changes);
		free(it->id);
		json_decref(it->body);
		json_decref(it->resolved);
	}
	free(p->items);
	memset(p, 0, sizeof(*p));
}

int plan_has_changes(const struct plan *p)
{
	return p->count[PLAN_CREATE] || p->count[PLAN_UPDATE] || p->count[PLAN_REMOVE];
}

/* ---- output ---- */

static void put_value(FILE *out, const json_t *v)
{
	if (!v) {
		fputs("(none)", out);
		return;
	}
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	size_t len = strlen(s);
	if (len > 200)
		fprintf(out, "%.197s...", s);
	else
		fputs(s, out);
	free(s);
}

void plan_print_text(const struct plan *p, FILE *out)
{
	static const char sign[] = { '+', '~', ' ', '-' };
	for (size_t i = 0; i < p->n; i++) {
		const struct plan_item *it = &p->items[i];
		if (it->action == PLAN_UNCHANGED && !it->drift && !it->nchanges)
			continue;
		if (it->action == PLAN_UNCHANGED)
			fprintf(out, "! %s %s: differs from the files, but networks cannot be updated "
				     "(remove the services using it and redeploy to recreate it)\n",
				stack_kind_name(it->kind), it->name);
		else
			fprintf(out, "%c %s %s\n", sign[it->action], stack_kind_name(it->kind), it->name);
		for (size_t k = 0; k < it->nchanges; k++) {
			const struct plan_change *c = &it->changes[k];
			if (c->note) {
				fprintf(out, "  %s\n", c->note);
				continue;
			}
			if (imagepin_print_change(out, c->path, c->old, c->new))
				continue;
			fprintf(out, "  %s: ", c->path);
			put_value(out, c->old);
			fputs(" -> ", out);
			put_value(out, c->new);
			fputc('\n', out);
		}
	}
	fprintf(out, "Plan: %zu to create, %zu to update, %zu to remove, %zu unchanged.\n", p->count[PLAN_CREATE],
		p->count[PLAN_UPDATE], p->count[PLAN_REMOVE], p->count[PLAN_UNCHANGED]);
}

void plan_print_json(const struct plan *p, FILE *out)
{
	static const char *const actions[] = { "create", "update", "unchanged", "remove" };
	json_t *root = json_object();
	json_object_set_new(root, "stack", json_string(p->stack));
	json_t *changes = json_array();
	for (size_t i = 0; i < p->n; i++) {
		const struct plan_item *it = &p->items[i];
		json_t *o = json_object();
		json_object_set_new(o, "action", json_string(actions[it->action]));
		json_object_set_new(o, "kind", json_string(stack_kind_name(it->kind)));
		json_object_set_new(o, "name", json_string(it->name));
		if (it->id)
			json_object_set_new(o, "id", json_string(it->id));
		if (it->drift)
			json_object_set_new(o, "drift", json_true());
		json_t *fields = json_array();
		for (size_t k = 0; k < it->nchanges; k++) {
			const struct plan_change *c = &it->changes[k];
			json_t *f = json_object();
			json_object_set_new(f, "path", json_string(c->path));
			if (c->note) {
				json_object_set_new(f, "note", json_string(c->note));
			} else {
				json_object_set_new(f, "old", c->old ? json_incref(c->old) : json_null());
				json_object_set_new(f, "new", c->new ? json_incref(c->new) : json_null());
			}
			json_array_append_new(fields, f);
		}
		json_object_set_new(o, "fields", fields);
		json_array_append_new(changes, o);
	}
	json_object_set_new(root, "changes", changes);
	json_t *sum = json_object();
	json_object_set_new(sum, "create", json_integer((json_int_t)p->count[PLAN_CREATE]));
	json_object_set_new(sum, "update", json_integer((json_int_t)p->count[PLAN_UPDATE]));
	json_object_set_new(sum, "remove", json_integer((json_int_t)p->count[PLAN_REMOVE]));
	json_object_set_new(sum, "unchanged", json_integer((json_int_t)p->count[PLAN_UNCHANGED]));
	json_object_set_new(root, "summary", sum);
	json_dumpf(root, out, JSON_INDENT(2));
	fputc('\n', out);
	json_decref(root);
}
