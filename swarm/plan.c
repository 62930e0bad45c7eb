/*
 * Plan: normalize what the daemon rewrites on both sides (files and live
 * state), compare, and decide per object. See plan.h for the contract.
 */
#include "swarm/plan.h"
#include "swarm/plan_internal.h"

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
int plan_jeq(const json_t *a, const json_t *b)
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
			if (!plan_jeq(v, json_object_get(b, k)))
				return 0;
		return 1;
	}
	if (json_is_array(a)) {
		if (json_array_size(a) != json_array_size(b))
			return 0;
		for (size_t i = 0; i < json_array_size(a); i++)
			if (!plan_jeq(json_array_get(a, i), json_array_get(b, i)))
				return 0;
		return 1;
	}
	return json_equal(a, b);
}

void plan_add_change(struct plan_item *it, const char *path, const json_t *old, const json_t *new,
		     const char *note)
{
	ALLOC_GROW(it->changes, it->nchanges + 1, it->alloc);
	struct plan_change *c = &it->changes[it->nchanges++];
	c->path = xstrdup(path);
	c->old = old ? json_deep_copy(old) : NULL;
	c->new = new ? json_deep_copy(new) : NULL;
	c->note = note;
}

/* Arrays: a longest-common-subsequence edit script; a removal and an
 * addition at the same place are shown as one change. */
static void diff_array(struct plan_item *it, struct sbuf *path, const json_t *old, const json_t *new)
{
	size_t n = json_array_size(old), m = json_array_size(new);
	size_t *t = xcalloc((n + 1) * (m + 1), sizeof(*t));
#define T(i, j) t[(i) * (m + 1) + (j)]
	for (size_t i = n; i-- > 0;)
		for (size_t j = m; j-- > 0;)
			T(i, j) = plan_jeq(json_array_get(old, i), json_array_get(new, j))
					  ? T(i + 1, j + 1) + 1
					  : (T(i + 1, j) > T(i, j + 1) ? T(i + 1, j) : T(i, j + 1));
	size_t i = 0, j = 0, len = path->len;
	while (i < n || j < m) {
		if (i < n && j < m && plan_jeq(json_array_get(old, i), json_array_get(new, j))) {
			i++, j++;
			continue;
		}
		/* a run of removals and additions up to the next common element */
		size_t ri = i, aj = j;
		while (i < n || j < m) {
			if (i < n && j < m && plan_jeq(json_array_get(old, i), json_array_get(new, j)))
				break;
			if (j < m && (i == n || T(i, j + 1) >= T(i + 1, j)))
				j++;
			else
				i++;
		}
		size_t nr = i - ri, na = j - aj, k;
		for (k = 0; k < nr && k < na; k++) {
			path_push_index(path, aj + k);
			plan_diff_json(it, path, json_array_get(old, ri + k), json_array_get(new, aj + k));
			sbuf_setlen(path, len);
		}
		for (; k < nr; k++) {
			path_push_index(path, ri + k);
			plan_add_change(it, path->buf, json_array_get(old, ri + k), NULL, NULL);
			sbuf_setlen(path, len);
		}
		for (; k < na; k++) {
			path_push_index(path, aj + k);
			plan_add_change(it, path->buf, NULL, json_array_get(new, aj + k), NULL);
			sbuf_setlen(path, len);
		}
	}
#undef T
	free(t);
}

void plan_diff_json(struct plan_item *it, struct sbuf *path, const json_t *old, const json_t *new)
{
	if (plan_jeq(old, new))
		return;
	size_t len = path->len;
	if (json_is_object(old) && json_is_object(new)) {
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)new, k, v) {
			path_push_key(path, k);
			plan_diff_json(it, path, json_object_get(old, k), v);
			sbuf_setlen(path, len);
		}
		json_object_foreach((json_t *)old, k, v) {
			if (json_object_get(new, k))
				continue;
			path_push_key(path, k);
			plan_add_change(it, path->buf, v, NULL, NULL);
			sbuf_setlen(path, len);
		}
		return;
	}
	if (json_is_array(old) && json_is_array(new)) {
		diff_array(it, path, old, new);
		return;
	}
	plan_add_change(it, path->buf, old, new, NULL);
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

/* ---- the plan ---- */

int plan_belongs(const json_t *labels, const char *stack)
{
	const char *ns = json_string_value(json_object_get(labels, LABEL_NAMESPACE));
	return ns && !strcmp(ns, stack);
}

struct plan_item *plan_add_item(struct plan *p, enum stack_kind kind, enum plan_action action, const char *name)
{
	ALLOC_GROW(p->items, p->n + 1, p->alloc);
	struct plan_item *it = &p->items[p->n++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->action = action;
	it->name = name;
	return it;
}

void plan_error(struct plan_ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = arena_vfmt(&c->run->arena, fmt, ap);
	va_end(ap);
	diag_error(&c->run->diag, (struct pos){ 0 }, NULL, "%s", msg);
	c->failed = 1;
}

void plan_set_live(struct plan_item *it, const json_t *live)
{
	const char *id = live_id(live);
	free(it->id);
	it->id = id ? xstrdup(id) : NULL;
	it->version = json_integer_value(json_object_get(json_object_get(live, "Version"), "Index"));
}

/*
 * The ID a service reference gets: a generation of one of the files'
 * secrets/configs (live, or "known after apply" when this deploy creates it;
 * NULL instead without placeholders), or an external object looked up by name.
 */
struct bind_ctx {
	struct plan_ctx *c;
	int placeholders;
};

static const char *bind_id(void *vctx, enum stack_kind kind, const char *name)
{
	struct bind_ctx *b = vctx;
	json_t *id = json_object_get(b->c->ids[kind], name);
	if (id)
		return json_is_string(id) ? json_string_value(id) : b->placeholders ? KNOWN_AFTER_APPLY : NULL;
	const json_t *list = kind == KIND_SECRET ? b->c->live->secrets : b->c->live->configs;
	return live_str(live_find(list, name), "ID", NULL, NULL);
}

/* Point a service's secret/config references at the generations chosen for them. */
static void use_generations(json_t *body, const struct plan_ctx *c)
{
	static const char *const lists[][2] = { { "Secrets", "SecretName" }, { "Configs", "ConfigName" } };
	json_t *cs = at(json_object_get(body, "TaskTemplate"), "ContainerSpec", NULL);
	for (int k = 0; k < 2; k++) {
		json_t *refs = c->refs[k ? KIND_CONFIG : KIND_SECRET];
		size_t i;
		json_t *r;
		json_array_foreach(json_object_get(cs, lists[k][0]), i, r) {
			json_t *gen = json_object_get(refs, json_string_value(json_object_get(r, lists[k][1])));
			if (gen)
				json_object_set(r, lists[k][1], gen);
		}
	}
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

static void plan_service(struct plan_ctx *c, struct plan *p, struct stack_object *o)
{
	json_t *live = live_find(c->live->services, o->name);
	struct plan_item *it = plan_add_item(p, KIND_SERVICE, live ? PLAN_UNCHANGED : PLAN_CREATE, o->name);
	it->want = o;
	it->image_label = live_str(o->spec, "Labels", LABEL_IMAGE, NULL);
	const char *image = live_str(o->spec, "TaskTemplate", "ContainerSpec", "Image");
	json_t *res = image ? json_object_get(c->live->digests, image) : NULL;
	if (json_is_object(res))
		it->resolved = json_incref(res);
	if (live)
		plan_set_live(it, live);

	/* references: every name must exist now or be created by this deploy */
	struct bind_ctx b = { c, 1 };
	json_t *cmp = service_body(it, live, c->opts);
	use_generations(cmp, c);
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
	use_generations(it->body, c);
	convert_bind_ids(it->body, bind_id, &b);
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
	plan_diff_json(it, &path, a, w);
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
	plan_set_live(it, live_service);
	return it->id ? 0 : -1;
}

int plan_compute(struct plan *out, struct run *run, const struct stack_spec *want,
		 const struct live_state *live, const struct plan_opts *opts)
{
	memset(out, 0, sizeof(*out));
	out->stack = want->stack;
	struct plan_ctx c = { run, want, live, opts, json_object(), { NULL }, { NULL }, 0 };
	for (int k = 0; k < DEPLOYED_KINDS; k++) {
		c.refs[k] = json_object();
		c.ids[k] = json_object();
	}
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
	plan_removals(&c, out);
	plan_preflight(&c);
	for (size_t k = 0; k < out->n; k++)
		out->count[out->items[k].action]++;
	json_decref(c.netnames);
	for (int k = 0; k < DEPLOYED_KINDS; k++) {
		json_decref(c.refs[k]);
		json_decref(c.ids[k]);
	}
	return c.failed ? -1 : 0;
}

const char *plan_item_ref(const struct plan_item *it)
{
	return it->ref_name ? it->ref_name : it->name;
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
	json_decref(p->saved);
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

/* The services (created or updated) whose body references a rotated object's new generation. */
static json_t *rotation_users(const struct plan *p, const struct plan_item *rot)
{
	const char *list = rot->kind == KIND_SECRET ? "Secrets" : "Configs";
	const char *key = rot->kind == KIND_SECRET ? "SecretName" : "ConfigName";
	json_t *users = json_array();
	for (size_t i = 0; i < p->n; i++) {
		const struct plan_item *it = &p->items[i];
		if (it->kind != KIND_SERVICE || (it->action != PLAN_CREATE && it->action != PLAN_UPDATE))
			continue;
		size_t k;
		json_t *r;
		json_array_foreach(at(at(json_object_get(it->body, "TaskTemplate"), "ContainerSpec", NULL), list, NULL), k, r)
			if (live_str(r, key, NULL, NULL) && !strcmp(live_str(r, key, NULL, NULL), rot->ref_name)) {
				json_array_append_new(users, json_string(it->name));
				break;
			}
	}
	return users;
}

static void print_rotation(const struct plan *p, const struct plan_item *it, FILE *out)
{
	fprintf(out, "~ %s %s: rotated (%s)\n  new generation %d: %s\n", stack_kind_name(it->kind), it->name,
		it->reason, it->generation, it->ref_name);
	json_t *users = rotation_users(p, it);
	size_t k;
	json_t *u;
	json_array_foreach(users, k, u)
		fprintf(out, "%s%s", k ? ", " : "  services: ", json_string_value(u));
	if (json_array_size(users))
		fputc('\n', out);
	json_decref(users);
}

void plan_print_text(const struct plan *p, FILE *out)
{
	static const char sign[] = { '+', '~', ' ', '-' };
	for (size_t i = 0; i < p->n; i++) {
		const struct plan_item *it = &p->items[i];
		if (it->action == PLAN_UNCHANGED && !it->drift && !it->nchanges)
			continue;
		if (it->rotate) {
			print_rotation(p, it, out);
			continue;
		}
		if (it->action == PLAN_UNCHANGED)
			fprintf(out, "! %s %s: differs from the files, but networks cannot be updated "
				     "(remove the services using it and redeploy to recreate it)\n",
				stack_kind_name(it->kind), it->name);
		else if (it->after_converge)
			fprintf(out, "- %s %s: %s, removed once the services have converged\n",
				stack_kind_name(it->kind), it->name, it->reason);
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

json_t *plan_item_json(const struct plan *p, const struct plan_item *it)
{
	static const char *const actions[] = { "create", "update", "unchanged", "remove" };
	json_t *o = json_object();
	json_object_set_new(o, "action", json_string(actions[it->action]));
	json_object_set_new(o, "kind", json_string(stack_kind_name(it->kind)));
	json_object_set_new(o, "name", json_string(it->name));
	if (it->id)
		json_object_set_new(o, "id", json_string(it->id));
	if (it->drift)
		json_object_set_new(o, "drift", json_true());
	if (it->rotate)
		json_object_set_new(o, "rotation",
				    json_pack("{s:i,s:s,s:s,s:o}", "generation", it->generation, "name",
					      it->ref_name, "reason", it->reason, "services", rotation_users(p, it)));
	if (it->after_converge)
		json_object_set_new(o, "after_converge", json_true());
	if (it->reason && !it->rotate)
		json_object_set_new(o, "reason", json_string(it->reason));
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
	return o;
}

json_t *plan_summary_json(const struct plan *p)
{
	json_t *sum = json_object();
	json_object_set_new(sum, "create", json_integer((json_int_t)p->count[PLAN_CREATE]));
	json_object_set_new(sum, "update", json_integer((json_int_t)p->count[PLAN_UPDATE]));
	json_object_set_new(sum, "remove", json_integer((json_int_t)p->count[PLAN_REMOVE]));
	json_object_set_new(sum, "unchanged", json_integer((json_int_t)p->count[PLAN_UNCHANGED]));
	return sum;
}

void plan_print_json(const struct plan *p, FILE *out)
{
	json_t *root = json_object();
	json_object_set_new(root, "stack", json_string(p->stack));
	json_t *changes = json_array();
	for (size_t i = 0; i < p->n; i++)
		json_array_append_new(changes, plan_item_json(p, &p->items[i]));
	json_object_set_new(root, "changes", changes);
	json_object_set_new(root, "summary", plan_summary_json(p));
	json_dumpf(root, out, JSON_INDENT(2));
	fputc('\n', out);
	json_decref(root);
}
