/*
 * The plan of the stack's top-level objects: networks (created, never
 * updated: drift is reported), secrets and configs (generations), and the
 * removals (--prune, superseded generations). See plan.h.
 */
#include "swarm/plan.h"
#include "swarm/plan_internal.h"

#include "base/arena.h"
#include "base/diag.h"
#include "base/path.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "swarm/fingerprint.h"
#include "swarm/stack.h"

#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define OWN_LABEL_PREFIX "com.stackc."
#define GENERATION_SUFFIX "-v"
#define OBJECT_NAME_MAX 64 /* the daemon's limit for secret and config names */

/* ---- networks ---- */

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

void plan_network(struct plan_ctx *c, struct plan *p, struct stack_object *o)
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
		struct plan_item *it = plan_add_item(p, KIND_NETWORK, PLAN_CREATE, o->name);
		it->want = o;
		it->body = json_deep_copy(o->spec);
		return;
	}
	struct plan_item *it = plan_add_item(p, KIND_NETWORK, PLAN_UNCHANGED, o->name);
	it->want = o;
	plan_set_live(it, live);
	if (!plan_belongs(json_object_get(live, "Labels"), c->want->stack)) {
		plan_error(c, "network %s already exists and does not belong to stack %s", o->name, c->want->stack);
		return;
	}
	/* networks cannot be updated: compare what we would create, report drift */
	struct sbuf path = SBUF_INIT;
	static const char *const keys[] = { "Driver", "Internal", "Attachable", "Labels" };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		sbuf_reset(&path);
		sb_puts(&path, keys[i]);
		plan_diff_json(it, &path, json_object_get(live, keys[i]), json_object_get(o->spec, keys[i]));
	}
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(o->spec, "Options"), k, v) {
		json_t *lv = json_object_get(json_object_get(live, "Options"), k);
		if (!plan_jeq(lv, v)) {
			sbuf_reset(&path);
			sb_puts(&path, "Options");
			path_push_key(&path, k);
			plan_add_change(it, path.buf, lv, v, NULL);
		}
	}
	json_t *ipam = json_object_get(o->spec, "IPAM");
	if (json_is_object(ipam)) {
		json_t *want_sub = json_array(), *live_sub = json_array();
		size_t i;
		json_array_foreach(json_object_get(ipam, "Config"), i, v)
			json_array_append(want_sub, json_object_get(v, "Subnet"));
		json_array_foreach(json_object_get(json_object_get(live, "IPAM"), "Config"), i, v)
			json_array_append(live_sub, json_object_get(v, "Subnet"));
		sbuf_reset(&path);
		sb_puts(&path, "IPAM.Config.Subnet");
		plan_diff_json(it, &path, live_sub, want_sub);
		json_decref(want_sub);
		json_decref(live_sub);
	}
	it->drift = it->nchanges > 0;
	sbuf_release(&path);
}

/* ---- secrets and configs: generations ---- */

static json_t *spec_labels(const json_t *o)
{
	return json_object_get(json_object_get(o, "Spec"), "Labels");
}

static json_t *non_null(json_t *v)
{
	return json_is_null(v) ? NULL : v;
}

/*
 * The generation number of the live object o for the object the files name
 * `name`: 1 for docker's name itself (whoever made it), N for one labelled a
 * generation of it in this stack, 0 when it is none.
 */
static int generation_number(const json_t *o, const char *name, const char *stack)
{
	const char *n = live_name(o);
	if (n && !strcmp(n, name))
		return 1;
	const json_t *labels = spec_labels(o);
	const char *of = json_string_value(json_object_get(labels, LABEL_GENERATION_OF));
	const char *g = json_string_value(json_object_get(labels, LABEL_GENERATION));
	if (!of || !g || strcmp(of, name) || !plan_belongs(labels, stack))
		return 0;
	char *end;
	long v = strtol(g, &end, 10);
	return *g && !*end && v > 1 && v < INT_MAX ? (int)v : 0;
}

struct generation {
	json_t *obj;
	int n;
};

/* The live generations of the object the files name `name`, newest first; their count. */
static size_t generations(struct generation **out, const json_t *list, const char *name, const char *stack)
{
	struct generation *g = NULL;
	size_t n = 0, alloc = 0, i;
	json_t *v;
	json_array_foreach(list, i, v) {
		int num = generation_number(v, name, stack);
		if (!num)
			continue;
		ALLOC_GROW(g, n + 1, alloc);
		size_t k = n++;
		for (; k > 0 && g[k - 1].n < num; k--)
			g[k] = g[k - 1];
		g[k] = (struct generation){ v, num };
	}
	*out = g;
	return n;
}

/* MATCH_NO and MATCH_YES are fingerprint_matches()'s 0 and 1. */
enum match { MATCH_NO = 0, MATCH_YES = 1, MATCH_UNKNOWN };

/*
 * Whether a live generation holds what the files define: the same driver,
 * template driver and content. Configs compare the data the daemon returns;
 * secrets their fingerprint label (or the label of earlier versions); a
 * secret with neither is unknown. *why says what differs.
 */
static enum match content_match(const struct stack_object *o, const json_t *live, const char **why)
{
	json_t *ls = json_object_get(live, "Spec");
	*why = "driver changed";
	if (!plan_jeq(non_null(json_object_get(ls, "Driver")), json_object_get(o->spec, "Driver")))
		return MATCH_NO;
	*why = "template driver changed";
	if (!plan_jeq(non_null(json_object_get(ls, "Templating")), json_object_get(o->spec, "Templating")))
		return MATCH_NO;
	*why = "content changed";
	const char *data = json_string_value(json_object_get(o->spec, "Data"));
	if (o->kind == KIND_CONFIG) {
		const char *ld = json_string_value(json_object_get(ls, "Data"));
		return strcmp(ld ? ld : "", data ? data : "") ? MATCH_NO : MATCH_YES;
	}
	if (!data)
		return MATCH_YES; /* a driver's secret: no content of ours to compare */
	json_t *labels = json_object_get(ls, "Labels");
	int m = fingerprint_matches(json_string_value(json_object_get(labels, LABEL_FINGERPRINT)), data);
	if (m >= 0)
		return (enum match)m;
	const char *legacy = json_string_value(json_object_get(labels, LABEL_LEGACY_SHA256));
	if (legacy)
		return (enum match)fingerprint_legacy_matches(legacy, live_name(live), data);
	*why = "content unknown";
	return MATCH_UNKNOWN;
}

/* The create body of generation gen named name: the files' spec, stackc's labels. */
static json_t *generation_body(const struct stack_object *o, const char *name, int gen)
{
	json_t *b = json_deep_copy(o->spec);
	json_object_set_new(b, "Name", json_string(name));
	json_t *labels = json_object_get(b, "Labels");
	const char *data = json_string_value(json_object_get(b, "Data"));
	if (data) {
		char *fp = fingerprint_new(o->kind, data);
		json_object_set_new(labels, LABEL_FINGERPRINT, json_string(fp));
		free(fp);
	}
	if (gen > 1) {
		char num[16];
		snprintf(num, sizeof(num), "%d", gen);
		json_object_set_new(labels, LABEL_GENERATION, json_string(num));
		json_object_set_new(labels, LABEL_GENERATION_OF, json_string(o->name));
	}
	return b;
}

static void record_ref(struct plan_ctx *c, const struct stack_object *o, const char *ref, const char *id)
{
	json_object_set_new(c->refs[o->kind], o->name, json_string(ref));
	json_object_set_new(c->ids[o->kind], ref, id ? json_string(id) : json_null());
}

/* A copy of labels without stackc's own (NULL: empty). */
static json_t *user_labels(const json_t *labels)
{
	json_t *out = json_object();
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)labels, k, v)
		if (strncmp(k, OWN_LABEL_PREFIX, strlen(OWN_LABEL_PREFIX)))
			json_object_set(out, k, v);
	return out;
}

/*
 * Keep using the live generation `use`; a labels change is an update (the
 * only change the daemon allows). The update sends the data only when it is
 * known to be the object's own (the daemon refuses any other).
 */
static void keep_generation(struct plan_ctx *c, struct plan *p, struct stack_object *o, const json_t *use,
			    int gen, enum match m)
{
	const char *name = arena_strdup(&c->run->arena, live_name(use));
	struct plan_item *it = plan_add_item(p, o->kind, PLAN_UNCHANGED, o->name);
	it->want = o;
	it->ref_name = name;
	it->generation = gen;
	plan_set_live(it, use);
	record_ref(c, o, name, it->id);
	json_t *live_labels = spec_labels(use);
	json_t *ll = user_labels(live_labels), *wl = user_labels(json_object_get(o->spec, "Labels"));
	struct sbuf path = SBUF_INIT;
	sb_puts(&path, "Labels");
	plan_diff_json(it, &path, ll, wl);
	sbuf_release(&path);
	if (it->nchanges) {
		it->action = PLAN_UPDATE;
		it->body = json_deep_copy(o->spec);
		json_object_set_new(it->body, "Name", json_string(name));
		if (m != MATCH_YES)
			json_object_del(it->body, "Data");
		/* stackc's labels stay: they describe the object, not the files */
		const char *k;
		json_t *v;
		json_object_foreach(live_labels, k, v)
			if (!strncmp(k, OWN_LABEL_PREFIX, strlen(OWN_LABEL_PREFIX)))
				json_object_set(json_object_get(it->body, "Labels"), k, v);
	}
	json_decref(ll);
	json_decref(wl);
}

/* The name of a new generation: <name>-v<N>, N from `next` up, not taken. */
static char *generation_name(struct plan_ctx *c, const struct stack_object *o, const json_t *list, int *next)
{
	for (;; (*next)++) {
		char *name = arena_fmt(&c->run->arena, "%s" GENERATION_SUFFIX "%d", o->name, *next);
		if (!live_find(list, name) && !convert_find(c->want, o->kind, name))
			return name;
	}
}

void plan_file_object(struct plan_ctx *c, struct plan *p, struct stack_object *o)
{
	if (o->external)
		return;
	const json_t *list = o->kind == KIND_SECRET ? c->live->secrets : c->live->configs;
	const char *what = stack_kind_name(o->kind);
	struct generation *g;
	size_t n = generations(&g, list, o->name, c->want->stack), unknown = 0, use = n;
	const char *why = NULL;
	enum match m = MATCH_NO;
	/* the newest generation holding the files' content */
	for (size_t i = 0; i < n && use == n; i++) {
		const char *w;
		enum match gm = content_match(o, g[i].obj, &w);
		if (gm == MATCH_YES)
			use = i, m = gm;
		unknown += gm == MATCH_UNKNOWN;
		if (!i)
			why = w;
	}
	if (use == n && n && unknown == n && !c->opts->rotate_secrets) {
		use = 0;
		m = MATCH_UNKNOWN;
		diag_warn(&c->run->diag, (struct pos){ 0 }, NULL,
			  "%s %s has no content fingerprint (it was not created by stackc): a change of its "
			  "file cannot be seen; --rotate-secrets replaces it with a new generation",
			  what, o->name);
	}
	if (use < n) {
		keep_generation(c, p, o, g[use].obj, g[use].n, m);
	} else if (!n) {
		struct plan_item *it = plan_add_item(p, o->kind, PLAN_CREATE, o->name);
		it->want = o;
		it->ref_name = o->name;
		it->generation = 1;
		it->body = generation_body(o, o->name, 1);
		record_ref(c, o, o->name, NULL);
	} else {
		int gen = g[0].n + 1;
		char *name = generation_name(c, o, list, &gen);
		if (strlen(name) > OBJECT_NAME_MAX)
			plan_error(c, "%s %s: its %s, but the name of a new generation (%s) would be longer than %d "
				      "characters; shorten the %s's name",
				   what, o->name, why, name, OBJECT_NAME_MAX, what);
		struct plan_item *it = plan_add_item(p, o->kind, PLAN_UPDATE, o->name);
		it->want = o;
		it->rotate = 1;
		it->generation = gen;
		it->ref_name = name;
		it->reason = unknown == n ? "content unknown, --rotate-secrets" : why;
		it->body = generation_body(o, name, gen);
		record_ref(c, o, name, NULL);
	}
	free(g);
}

/* ---- removals ---- */

/* Add the secret/config names a service spec references to used[kind]. */
static void note_refs(json_t *const used[DEPLOYED_KINDS], const json_t *spec)
{
	static const char *const lists[][2] = { { "Secrets", "SecretName" }, { "Configs", "ConfigName" } };
	json_t *cs = json_object_get(json_object_get(spec, "TaskTemplate"), "ContainerSpec");
	for (int k = 0; k < 2; k++) {
		size_t i;
		json_t *r;
		json_array_foreach(json_object_get(cs, lists[k][0]), i, r) {
			const char *name = json_string_value(json_object_get(r, lists[k][1]));
			if (name)
				json_object_set_new(used[k ? KIND_CONFIG : KIND_SECRET], name, json_true());
		}
	}
}

static struct plan_item *add_removal(struct plan_ctx *c, struct plan *p, enum stack_kind kind, const json_t *live,
				     const char *reason)
{
	const char *name = live_name(live);
	struct plan_item *it = plan_add_item(p, kind, PLAN_REMOVE, arena_strdup(&c->run->arena, name));
	plan_set_live(it, live);
	it->reason = reason;
	return it;
}

/* --prune: this stack's objects of a kind the files no longer define. */
static void prune_kind(struct plan_ctx *c, struct plan *p, enum stack_kind kind, json_t *const used[DEPLOYED_KINDS])
{
	const json_t *list = kind == KIND_SERVICE ? c->live->services :
			     kind == KIND_NETWORK ? c->live->networks :
			     kind == KIND_SECRET  ? c->live->secrets :
						    c->live->configs;
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v) {
		const char *name = live_name(v);
		json_t *labels = kind == KIND_NETWORK ? json_object_get(v, "Labels") : spec_labels(v);
		if (!name || !plan_belongs(labels, c->want->stack))
			continue;
		/* a generation belongs to the object the files name */
		const char *of = json_string_value(json_object_get(labels, LABEL_GENERATION_OF));
		if (convert_find(c->want, kind, of ? of : name) || json_object_get(used[kind], name))
			continue;
		add_removal(c, p, kind, v, NULL);
	}
}

/*
 * Superseded generations: those beyond the newest keep_generations that no
 * service of the stack will use (the one in use always stays).
 */
static void superseded(struct plan_ctx *c, struct plan *p, const struct stack_object *o,
		       json_t *const used[DEPLOYED_KINDS])
{
	const json_t *list = o->kind == KIND_SECRET ? c->live->secrets : c->live->configs;
	long keep = c->opts->keep_generations > 0 ? c->opts->keep_generations : PLAN_KEEP_GENERATIONS;
	const char *ref = json_string_value(json_object_get(c->refs[o->kind], o->name));
	int rotating = 0;
	for (size_t i = 0; i < p->n; i++)
		if (p->items[i].want == o && p->items[i].rotate)
			rotating = 1;
	struct generation *g;
	size_t n = generations(&g, list, o->name, c->want->stack);
	for (size_t i = 0; i < n; i++) {
		const char *name = live_name(g[i].obj);
		if ((long)i + rotating < keep || (ref && !strcmp(name, ref)) || json_object_get(used[o->kind], name))
			continue;
		struct plan_item *it = add_removal(c, p, o->kind, g[i].obj, "superseded generation");
		it->after_converge = 1;
	}
	free(g);
}

void plan_removals(struct plan_ctx *c, struct plan *p)
{
	json_t *used[DEPLOYED_KINDS];
	for (int k = 0; k < DEPLOYED_KINDS; k++)
		used[k] = json_object();
	/* what the services use once this deploy is done */
	for (size_t i = 0; i < p->n; i++)
		if (p->items[i].kind == KIND_SERVICE && p->items[i].body)
			note_refs(used, p->items[i].body);
	size_t i;
	json_t *v;
	json_array_foreach(c->live->services, i, v)
		if (!c->opts->prune && !convert_find(c->want, KIND_SERVICE, live_name(v) ? live_name(v) : "")) {
			note_refs(used, json_object_get(v, "Spec"));
			diag_note(&c->run->diag, (struct pos){ 0 },
				  "service %s of stack %s is no longer defined in the files: it is kept (--prune removes it)",
				  live_name(v) ? live_name(v) : "?", c->want->stack);
		}
	if (c->opts->prune) {
		/* services first: apply removes them before anything else */
		static const enum stack_kind kinds[] = { KIND_SERVICE, KIND_NETWORK, KIND_SECRET, KIND_CONFIG };
		for (size_t k = 0; k < ARRAY_SIZE(kinds); k++)
			prune_kind(c, p, kinds[k], used);
	}
	for (int k = KIND_SECRET; k <= KIND_CONFIG; k++)
		for (size_t j = 0; j < c->want->n[k]; j++)
			if (!c->want->v[k][j].external)
				superseded(c, p, &c->want->v[k][j], used);
	for (int k = 0; k < DEPLOYED_KINDS; k++)
		json_decref(used[k]);
}
