/* Compose Specification files lowered to the 3.x model: see spec.h. */
#include "compose/spec.h"
#include "base/arena.h"
#include "base/diag.h"
#include "base/node.h"
#include "base/path.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "compose/vars.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct spec_profiled {
	const char *service;
	const struct node *profiles; /* a list of strings */
};

/* A config's or secret's data from content: or environment: (see spec.h). */
struct spec_object {
	const char *section; /* "configs" or "secrets" */
	const char *key;
	const char *data;    /* the text or the variable's value; arena */
	size_t len;
	struct pos pos;      /* the content:/environment: key */
	size_t file_no;
	int replaced;        /* a later file gave it a file, external or driver */
};

struct spec_dep {
	const char *service, *on;
	struct pos pos;
	int required;
};

/* ==== the service keys: where each goes ==== */

enum lower_kind { L_MOVE, L_DROP, L_SPECIAL };

struct lower_rule {
	const char *key;
	enum lower_kind kind;
	const char *rule; /* diagnostic rule id */
	const char *where; /* L_MOVE: target path under the service; L_DROP: why */
	enum node_kind as; /* L_MOVE: the 3.x type of the target (NODE_STR: a string) */
};

static const char no_swarm[] = "swarm services cannot express it";
static const char resources[] = "swarm has no such limit; use deploy.resources (cpus, memory, pids)";

/* sorted by key (bsearch) */
static const struct lower_rule service_rules[] = {
	{ "annotations", L_DROP, "lower.dropped", "swarm services have no annotations; use labels", 0 },
	{ "attach", L_DROP, "lower.dropped", "swarm services run detached", 0 },
	{ "blkio_config", L_DROP, "lower.dropped", no_swarm, 0 },
	{ "build", L_DROP, "lower.dropped", "swarm does not build images; build and push the image, then set image", 0 },
	{ "cgroup", L_DROP, "lower.dropped", no_swarm, 0 },
	{ "container_name", L_DROP, "lower.dropped", "swarm names the containers of a service itself", 0 },
	{ "cpu_count", L_DROP, "lower.dropped", resources, 0 },
	{ "cpu_percent", L_DROP, "lower.dropped", resources, 0 },
	{ "cpu_period", L_DROP, "lower.dropped", resources, 0 },
	{ "cpu_quota", L_DROP, "lower.dropped", resources, 0 },
	{ "cpu_rt_period", L_DROP, "lower.dropped", resources, 0 },
	{ "cpu_rt_runtime", L_DROP, "lower.dropped", resources, 0 },
	{ "cpu_shares", L_DROP, "lower.dropped", resources, 0 },
	{ "cpus", L_MOVE, "lower.cpus", "deploy.resources.limits.cpus", NODE_STR },
	{ "cpuset", L_DROP, "lower.dropped", resources, 0 },
	{ "depends_on", L_SPECIAL, "lower.depends-on-condition", NULL, 0 },
	{ "develop", L_DROP, "lower.dropped", "file watching is for docker compose watch, not for a swarm", 0 },
	{ "device_cgroup_rules", L_DROP, "lower.dropped", no_swarm, 0 },
	{ "dns_opt", L_DROP, "lower.dropped", no_swarm, 0 },
	{ "env_file", L_SPECIAL, NULL, NULL, 0 },
	{ "gpus", L_DROP, "lower.dropped", "use deploy.resources.reservations.generic_resources", 0 },
	{ "group_add", L_DROP, "lower.dropped", no_swarm, 0 },
	{ "label_file", L_DROP, "lower.dropped", "write the labels under labels", 0 },
	{ "mem_limit", L_MOVE, "lower.mem-limit", "deploy.resources.limits.memory", NODE_STR },
	{ "mem_reservation", L_MOVE, "lower.mem-reservation", "deploy.resources.reservations.memory", NODE_STR },
	{ "mem_swappiness", L_DROP, "lower.dropped", "swarm has no swap settings", 0 },
	{ "memswap_limit", L_DROP, "lower.dropped", "swarm has no swap limit (deploy.resources.limits.memory limits the memory)", 0 },
	{ "models", L_DROP, "lower.dropped", no_swarm, 0 },
	{ "oom_kill_disable", L_DROP, "lower.dropped", no_swarm, 0 },
	{ "pids_limit", L_MOVE, "lower.pids-limit", "deploy.resources.limits.pids", NODE_INT },
	{ "platform", L_DROP, "lower.dropped", "use deploy.placement.constraints (node.platform.os, node.platform.arch)", 0 },
	{ "post_start", L_DROP, "lower.dropped", "swarm has no lifecycle hooks", 0 },
	{ "pre_stop", L_DROP, "lower.dropped", "swarm has no lifecycle hooks", 0 },
	{ "profiles", L_SPECIAL, NULL, NULL, 0 },
	{ "provider", L_DROP, "lower.dropped", no_swarm, 0 },
	{ "pull_policy", L_DROP, "lower.dropped", "swarm pulls the image (stackc deploy --resolve-image decides when)", 0 },
	{ "pull_refresh_after", L_DROP, "lower.dropped", "swarm pulls the image (stackc deploy --resolve-image decides when)", 0 },
	{ "restart", L_SPECIAL, "lower.restart", NULL, 0 },
	{ "runtime", L_DROP, "lower.dropped", no_swarm, 0 },
	{ "scale", L_MOVE, "lower.scale", "deploy.replicas", NODE_INT },
	{ "storage_opt", L_DROP, "lower.dropped", no_swarm, 0 },
	{ "use_api_socket", L_DROP, "lower.dropped", no_swarm, 0 },
	{ "uts", L_DROP, "lower.dropped", no_swarm, 0 },
	{ "volume_driver", L_DROP, "lower.dropped", "define the volume under the top-level volumes with its driver", 0 },
	{ "volumes_from", L_DROP, "lower.dropped", "define the volume under the top-level volumes and mount it in every service that shares it", 0 },
};

static int rule_cmp(const void *key, const void *r)
{
	return strcmp(key, ((const struct lower_rule *)r)->key);
}

static const struct lower_rule *service_rule(const char *key)
{
	return bsearch(key, service_rules, ARRAY_SIZE(service_rules), sizeof(service_rules[0]),
		       rule_cmp);
}

/* ==== detection ==== */

int spec_service_key(const char *key)
{
	return service_rule(key) != NULL;
}

static int is_spec_version(const struct node *v)
{
	if (!v)
		return 0;
	if (v->kind == NODE_INT || v->kind == NODE_FLOAT || v->kind == NODE_STR)
		return v->len > 0 && (v->s.text[0] == '1' || v->s.text[0] == '2') &&
		       (v->len == 1 || v->s.text[1] == '.');
	return 0;
}

static int long_form_env_file(const struct node *n)
{
	if (n->kind == NODE_MAP)
		return 1;
	if (n->kind == NODE_SEQ)
		for (size_t i = 0; i < n->seq.n; i++)
			if (n->seq.v[i]->kind == NODE_MAP)
				return 1;
	return 0;
}

int spec_file_detect(const struct node *root)
{
	if (!root || root->kind != NODE_MAP)
		return 0;
	const struct node *version = node_map_get(root, "version");
	if (version)
		return is_spec_version(version);
	if (node_map_get(root, "name") || node_map_get(root, "include") || node_map_get(root, "models"))
		return 1;
	const struct node *services = node_map_get(root, "services");
	if (services && services->kind == NODE_MAP) {
		for (size_t i = 0; i < services->map.n; i++) {
			const struct node *svc = services->map.v[i].val;
			if (svc->kind != NODE_MAP)
				continue;
			for (size_t k = 0; k < svc->map.n; k++) {
				const struct node_entry *e = &svc->map.v[k];
				const struct lower_rule *r = service_rule(e->key);
				if (!strcmp(e->key, "extends")) {
					return 1; /* docker stack refuses it */
				} else if (!strcmp(e->key, "depends_on")) {
					if (e->val->kind == NODE_MAP)
						return 1;
				} else if (!strcmp(e->key, "env_file")) {
					if (long_form_env_file(e->val))
						return 1;
				} else if (r && strcmp(e->key, "build") && strcmp(e->key, "container_name") &&
					   strcmp(e->key, "restart")) {
					return 1; /* those three are 3.x keys too */
				}
			}
		}
	}
	const struct node *networks = node_map_get(root, "networks");
	if (networks && networks->kind == NODE_MAP)
		for (size_t i = 0; i < networks->map.n; i++) {
			const struct node *n = networks->map.v[i].val;
			if (n->kind == NODE_MAP &&
			    (node_map_get(n, "enable_ipv4") || node_map_get(n, "enable_ipv6")))
				return 1;
		}
	static const char *const objects[] = { "configs", "secrets" };
	for (size_t k = 0; k < ARRAY_SIZE(objects); k++) {
		const struct node *defs = node_map_get(root, objects[k]);
		for (size_t i = 0; defs && defs->kind == NODE_MAP && i < defs->map.n; i++) {
			const struct node *d = defs->map.v[i].val;
			if (d->kind == NODE_MAP && (node_map_get(d, "environment") ||
						    (!k && node_map_get(d, "content"))))
				return 1;
		}
	}
	return 0;
}

/* ==== lowering ==== */

struct lowering {
	struct run *run;
	struct spec_state *st;
	const struct spec_opts *o;
	struct sbuf path;
	int failed;
};

static void set_path(struct lowering *l, const char *section, const char *name)
{
	sbuf_reset(&l->path);
	path_push_key(&l->path, section);
	if (name)
		path_push_key(&l->path, name);
}

static void dropped(struct lowering *l, const struct node_entry *e, const char *rule,
		    const char *fmt_why, const char *why)
{
	enum diag_severity sev = l->o->strict ? DIAG_ERROR : DIAG_WARNING;
	diag_add(&l->run->diag, sev, rule, e->keypos, l->path.buf, "%s dropped: %s%s", e->key,
		 fmt_why, why);
	if (l->o->strict)
		l->failed = 1;
}

/* The mapping at dotted path under map, made when missing; NULL when a non-mapping is in the way. */
static struct node *map_at(struct arena *a, struct node *map, const char *dotted, const char **last,
			   struct pos pos)
{
	char step[64];
	for (;;) {
		const char *dot = strchr(dotted, '.');
		if (!dot) {
			*last = dotted;
			return map;
		}
		size_t n = (size_t)(dot - dotted);
		if (n >= sizeof(step))
			BUG("lowering path step too long");
		memcpy(step, dotted, n);
		step[n] = 0;
		struct node *next = node_map_get(map, step);
		if (!next) {
			next = node_new_map(a, pos);
			node_map_add(a, map, step, pos, next);
		} else if (next->kind != NODE_MAP) {
			return NULL;
		}
		map = next;
		dotted = dot + 1;
	}
}

/* A moved scalar as the 3.x type wants it: cpus: 0.5 → "0.5", mem_limit: 1073741824 → "1073741824". */
static void retype(struct arena *a, struct node *v, enum node_kind as)
{
	if (as == NODE_STR && (v->kind == NODE_INT || v->kind == NODE_FLOAT))
		node_set_str(a, v, v->s.text, v->len);
}

static void move_key(struct lowering *l, struct node *svc, const struct node_entry *e,
		     const struct lower_rule *r)
{
	struct arena *a = &l->run->arena;
	const char *last;
	struct node *to = map_at(a, svc, r->where, &last, e->keypos);
	if (!to || node_map_get(to, last)) {
		dropped(l, e, "lower.dropped", r->where, " is set and wins");
		return;
	}
	retype(a, e->val, r->as);
	node_map_add_key(a, to, last, e->keypos, e->val);
	diag_add(&l->run->diag, DIAG_INFO, r->rule, e->keypos, l->path.buf,
		 "%s moved to %s (swarm's equivalent)", e->key, r->where);
}

/* restart → deploy.restart_policy, as docker stack deploy itself converts it. */
static void lower_restart(struct lowering *l, struct node *svc, const struct node_entry *e)
{
	struct arena *a = &l->run->arena;
	const char *r = node_str(e->val);
	struct node *deploy = node_map_get(svc, "deploy");
	if (deploy && deploy->kind == NODE_MAP && node_map_get(deploy, "restart_policy")) {
		dropped(l, e, "lower.dropped", "deploy.restart_policy", " is set and wins");
		return;
	}
	const char *cond = NULL;
	long attempts = -1;
	if (r && !strcmp(r, "no"))
		cond = "none";
	else if (r && (!strcmp(r, "always") || !strcmp(r, "unless-stopped")))
		cond = "any";
	else if (r && !strncmp(r, "on-failure", 10) && (!r[10] || r[10] == ':')) {
		cond = "on-failure";
		if (r[10] == ':') {
			char *end;
			attempts = strtol(r + 11, &end, 10);
			if (*end || attempts < 0)
				cond = NULL;
		}
	}
	if (!cond) {
		dropped(l, e, "lower.restart", "not a restart policy swarm knows", "");
		return;
	}
	const char *last;
	struct node *policy = map_at(a, svc, "deploy.restart_policy.x", &last, e->keypos);
	if (!policy) {
		dropped(l, e, "lower.dropped", "deploy is not a mapping", "");
		return;
	}
	node_map_add_key(a, policy, "condition", e->keypos, node_new_str(a, e->val->pos, cond));
	if (attempts >= 0)
		node_map_add_key(a, policy, "max_attempts", e->keypos,
				 node_new_int(a, e->val->pos, attempts));
	char max[40] = "";
	if (attempts >= 0)
		snprintf(max, sizeof(max), ", max_attempts: %ld", attempts);
	diag_add(&l->run->diag, DIAG_INFO, "lower.restart", e->keypos, l->path.buf,
		 "restart: %s moved to deploy.restart_policy (condition: %s%s)", r, cond, max);
}

static void add_dep(struct spec_state *st, const char *service, const char *on, struct pos pos,
		    int required)
{
	ALLOC_GROW(st->deps, st->ndeps + 1, st->deps_alloc);
	st->deps[st->ndeps++] = (struct spec_dep){ service, on, pos, required };
}

/* Long-form depends_on → the list of names, what swarm cannot keep said. */
static void lower_depends_on(struct lowering *l, const char *name, struct node_entry *e)
{
	struct arena *a = &l->run->arena;
	struct node *v = e->val;
	if (v->kind == NODE_SEQ) {
		for (size_t i = 0; i < v->seq.n; i++)
			if (node_str(v->seq.v[i]))
				add_dep(l->st, name, node_str(v->seq.v[i]), v->seq.v[i]->pos, 1);
		return;
	}
	if (v->kind != NODE_MAP)
		return; /* the schema says what is wrong */
	struct node *list = node_new_seq(a, v->pos);
	for (size_t i = 0; i < v->map.n; i++) {
		const struct node_entry *d = &v->map.v[i];
		int required = 1;
		if (d->val->kind == NODE_MAP) {
			const struct node *req = node_map_get(d->val, "required");
			if (req && req->kind == NODE_BOOL && !req->s.v.b)
				required = 0;
			const char *cond = node_str(node_map_get(d->val, "condition"));
			const struct node *restart = node_map_get(d->val, "restart");
			if ((cond && strcmp(cond, "service_started")) ||
			    (restart && restart->kind == NODE_BOOL && restart->s.v.b)) {
				sbuf_reset(&l->path);
				path_push_key(&l->path, "services");
				path_push_key(&l->path, name);
				path_push_key(&l->path, "depends_on");
				path_push_key(&l->path, d->key);
				diag_add(&l->run->diag, l->o->strict ? DIAG_ERROR : DIAG_WARNING,
					 "lower.depends-on-condition", d->keypos, l->path.buf,
					 "%s%s%s dropped: swarm starts services in any order and restarts "
					 "them until they work", cond ? "condition: " : "restart: true",
					 cond ? cond : "", cond && restart ? " and restart: true" : "");
				l->failed |= l->o->strict;
			}
		}
		add_dep(l->st, name, d->key, d->keypos, required);
		node_seq_push(a, list, node_new_str(a, d->keypos, d->key));
	}
	e->val = list;
}

static int file_exists(const char *workdir, const char *path)
{
	struct stat sb;
	if (path[0] == '/' || !workdir)
		return stat(path, &sb) == 0;
	char *full = xstrfmt("%s/%s", workdir, path);
	int ok = stat(full, &sb) == 0;
	free(full);
	return ok;
}

/* Long-form env_file → the list of paths; an optional file that is not there is left out. */
static void lower_env_file(struct lowering *l, struct node_entry *e)
{
	struct arena *a = &l->run->arena;
	struct node *v = e->val;
	if (!long_form_env_file(v))
		return;
	struct node *list = node_new_seq(a, v->pos);
	size_t n = v->kind == NODE_SEQ ? v->seq.n : 1;
	for (size_t i = 0; i < n; i++) {
		struct node *item = v->kind == NODE_SEQ ? v->seq.v[i] : v;
		if (item->kind != NODE_MAP) {
			node_seq_push(a, list, item);
			continue;
		}
		struct node *path = node_map_get(item, "path");
		const struct node *req = node_map_get(item, "required");
		if (!path || !node_str(path)) {
			node_seq_push(a, list, item); /* the schema says what is wrong */
			continue;
		}
		if (req && req->kind == NODE_BOOL && !req->s.v.b &&
		    !file_exists(l->o->workdir, node_str(path)))
			continue;
		node_seq_push(a, list, path);
	}
	e->val = list;
}

static void record_profiles(struct lowering *l, const char *name, const struct node *v)
{
	if (v->kind != NODE_SEQ)
		return;
	struct spec_state *st = l->st;
	ALLOC_GROW(st->profiled, st->nprofiled + 1, st->profiled_alloc);
	st->profiled[st->nprofiled++] = (struct spec_profiled){ name, v };
}

static void lower_service(struct lowering *l, const char *name, struct node *svc)
{
	/* what leaves the service is taken out first: moving it may add deploy */
	struct node_entry *gone = xcalloc(svc->map.n ? svc->map.n : 1, sizeof(*gone));
	size_t w = 0, ngone = 0;
	for (size_t k = 0; k < svc->map.n; k++) {
		struct node_entry *e = &svc->map.v[k];
		const struct lower_rule *r = service_rule(e->key);
		set_path(l, "services", name);
		if (r && !(e->val->flags & NODE_FAILED)) {
			if (!strcmp(e->key, "depends_on")) {
				lower_depends_on(l, name, e);
			} else if (!strcmp(e->key, "env_file")) {
				lower_env_file(l, e);
			} else {
				gone[ngone++] = *e;
				continue;
			}
		}
		svc->map.v[w++] = *e;
	}
	svc->map.n = (uint32_t)w;
	for (size_t i = 0; i < ngone; i++) {
		struct node_entry *e = &gone[i];
		const struct lower_rule *r = service_rule(e->key);
		set_path(l, "services", name);
		if (!strcmp(e->key, "profiles"))
			record_profiles(l, name, e->val);
		else if (!strcmp(e->key, "restart"))
			lower_restart(l, svc, e);
		else if (r->kind == L_MOVE)
			move_key(l, svc, e, r);
		else
			dropped(l, e, r->rule, r->where, "");
	}
	free(gone);
}

/* ==== configs and secrets from content: / environment: ==== */

static void record_object(struct lowering *l, const char *section, const char *key,
			  const char *data, size_t len, struct pos pos)
{
	struct spec_state *st = l->st;
	ALLOC_GROW(st->objects, st->nobjects + 1, st->objects_alloc);
	st->objects[st->nobjects++] = (struct spec_object){
		section, key, arena_strndup(&l->run->arena, data, len), len, pos, st->file_no, 0
	};
}

/* Record a definition's inline source; -1 when an error was reported. */
static int record_source(struct lowering *l, const char *section, const char *key,
			 const struct node_entry *content, const struct node_entry *env,
			 const struct node_entry *file)
{
	const char *what = !strcmp(section, "configs") ? "config" : "secret";
	const struct node_entry *second = content && env ? env : file ? (content ? content : env) : NULL;
	if (second)
		return diag_add(&l->run->diag, DIAG_ERROR, "lower.object-source", second->keypos,
				l->path.buf, "file, environment and content are mutually exclusive: give "
				"one of them");
	const struct node_entry *e = content ? content : env;
	if (e->val->flags & NODE_FAILED)
		return -1;
	if (!node_is_scalar(e->val) || e->val->kind == NODE_NULL)
		return diag_add(&l->run->diag, DIAG_ERROR, "lower.object-source", e->val->pos,
				l->path.buf, "%s must be a string", e->key);
	if (content) {
		record_object(l, section, key, e->val->s.text, e->val->len, e->keypos);
		return 0;
	}
	const char *var = e->val->s.text;
	const char *value = l->o->env ? env_get(l->o->env, var) : NULL;
	if (!value)
		return diag_add(&l->run->diag, DIAG_ERROR, "lower.object-environment", e->val->pos,
				l->path.buf, "environment variable %s is not set (its value is the %s's data)",
				diag_repr(&l->run->diag, var, strlen(var)), what);
	record_object(l, section, key, value, strlen(value), e->keypos);
	return 0;
}

/*
 * One definition: its inline source recorded and taken out (also when it
 * is wrong: the error says why, the 3.x schema need not). -1 on an error.
 */
static int lower_object(struct lowering *l, const char *section, const char *key, struct node *def)
{
	struct node_entry *content = strcmp(section, "configs") ? NULL : node_map_find(def, "content");
	struct node_entry *env = node_map_find(def, "environment");
	if (!content && !env)
		return 0;
	set_path(l, section, key);
	int ret = record_source(l, section, key, content, env, node_map_find(def, "file"));
	if (content)
		node_map_remove(def, "content");
	node_map_remove(def, "environment");
	if (ret)
		def->flags |= NODE_FAILED; /* taken out, a gap: nothing else is said about it */
	return ret;
}

static void lower_objects(struct lowering *l, struct node *root)
{
	static const char *const sections[] = { "configs", "secrets" };
	for (size_t k = 0; k < ARRAY_SIZE(sections); k++) {
		struct node *defs = node_map_get(root, sections[k]);
		for (size_t i = 0; defs && defs->kind == NODE_MAP && i < defs->map.n; i++)
			if (defs->map.v[i].val->kind == NODE_MAP &&
			    lower_object(l, sections[k], defs->map.v[i].key, defs->map.v[i].val))
				l->failed = 1;
	}
}

void spec_objects_overridden(struct spec_state *st, const struct node *tree)
{
	for (size_t i = 0; i < st->nobjects; i++) {
		struct spec_object *o = &st->objects[i];
		const struct node *def = node_map_get(node_map_get(tree, o->section), o->key);
		if (o->file_no < st->file_no && def && def->kind == NODE_MAP &&
		    (node_map_get(def, "file") || node_map_get(def, "external") ||
		     node_map_get(def, "driver")))
			o->replaced = 1;
	}
}

size_t spec_objects_apply(struct run *run, struct node *merged, const struct spec_state *st)
{
	size_t applied = 0;
	for (size_t i = 0; i < st->nobjects; i++) {
		const struct spec_object *o = &st->objects[i];
		int later = 0;
		for (size_t j = i + 1; j < st->nobjects && !later; j++)
			later = !strcmp(st->objects[j].section, o->section) &&
				!strcmp(st->objects[j].key, o->key);
		struct node *def = node_map_get(node_map_get(merged, o->section), o->key);
		if (o->replaced || later || !def || def->kind != NODE_MAP ||
		    node_map_get(def, "external"))
			continue;
		node_map_remove(def, "file"); /* normalization's default: the project directory */
		node_map_set(&run->arena, def, "content", o->pos,
			     node_new_strn(&run->arena, o->pos, o->data, o->len));
		applied++;
	}
	return applied;
}

/* ==== entry points ==== */

int spec_lower(struct run *run, struct node *root, struct spec_state *st,
	       const struct spec_opts *o)
{
	struct lowering l = { run, st, o, SBUF_INIT, 0 };
	st->seen = 1;
	struct node_entry *ve = node_map_find(root, "version");
	if (ve) {
		diag_add(&run->diag, DIAG_WARNING, "lower.version", ve->keypos, "version",
			 "version %s: docker stack refuses it; read as a Compose Specification file, "
			 "which ignores version",
			 node_is_scalar(ve->val) ? ve->val->s.text : "");
		node_map_remove(root, "version");
	}
	struct node_entry *ne = node_map_find(root, "name");
	if (ne && node_str(ne->val) && !(ne->val->flags & NODE_FAILED)) {
		if (*node_str(ne->val)) {
			st->name = node_str(ne->val);
			st->name_pos = ne->val->pos;
		}
		node_map_remove(root, "name");
	}
	struct node_entry *me = node_map_find(root, "models");
	if (me) {
		sbuf_reset(&l.path); /* at the top level */
		dropped(&l, me, "lower.dropped", no_swarm, "");
		node_map_remove(root, "models");
	}
	struct node *services = node_map_get(root, "services");
	if (services && services->kind == NODE_MAP)
		for (size_t i = 0; i < services->map.n; i++)
			if (services->map.v[i].val->kind == NODE_MAP)
				lower_service(&l, services->map.v[i].key, services->map.v[i].val);
	lower_objects(&l, root);
	struct node *networks = node_map_get(root, "networks");
	if (networks && networks->kind == NODE_MAP)
		for (size_t i = 0; i < networks->map.n; i++) {
			struct node *n = networks->map.v[i].val;
			if (n->kind != NODE_MAP)
				continue;
			static const char *const ip[] = { "enable_ipv4", "enable_ipv6" };
			for (size_t k = 0; k < ARRAY_SIZE(ip); k++) {
				struct node_entry *e = node_map_find(n, ip[k]);
				if (!e)
					continue;
				set_path(&l, "networks", networks->map.v[i].key);
				dropped(&l, e, "lower.dropped",
					"docker stack cannot set it; create the network with docker network create and declare it external",
					"");
				node_map_remove(n, ip[k]);
			}
		}
	sbuf_release(&l.path);
	return l.failed ? -1 : 0;
}

/* ==== profiles ==== */

static int has_word(const char *const *list, size_t n, const char *w)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], w) || !strcmp(list[i], "*"))
			return 1;
	return 0;
}

/* 1 when the service is enabled by the active profiles (no profiles: always). */
static int service_enabled(const struct spec_state *st, const char *service,
			   const char *const *active, size_t nactive)
{
	int profiled = 0;
	for (size_t i = 0; i < st->nprofiled; i++) {
		if (strcmp(st->profiled[i].service, service))
			continue;
		const struct node *p = st->profiled[i].profiles;
		for (size_t k = 0; k < p->seq.n; k++) {
			const char *name = node_str(p->seq.v[k]);
			if (!name)
				continue;
			profiled = 1;
			if (has_word(active, nactive, name))
				return 1;
		}
	}
	return !profiled;
}

static void profiles_of(struct sbuf *out, const struct spec_state *st, const char *service)
{
	for (size_t i = 0; i < st->nprofiled; i++) {
		if (strcmp(st->profiled[i].service, service))
			continue;
		const struct node *p = st->profiled[i].profiles;
		for (size_t k = 0; k < p->seq.n; k++)
			if (node_str(p->seq.v[k]))
				sb_printf(out, "%s%s", out->len ? ", " : "", node_str(p->seq.v[k]));
	}
}

int spec_apply_profiles(struct run *run, struct node *merged, const struct spec_state *st,
			const char *const *profiles, size_t nprofiles, const char *compose_profiles)
{
	const char **active = NULL;
	size_t nactive = 0, alloc = 0;
	char *copy = NULL;
	int ret = 0;
	if (nprofiles) {
		active = (const char **)xcalloc(nprofiles, sizeof(*active));
		for (size_t i = 0; i < nprofiles; i++)
			active[nactive++] = profiles[i];
	} else if (compose_profiles) {
		/* split on ',', each item trimmed */
		copy = xstrdup(compose_profiles);
		for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) {
			while (isspace((unsigned char)*tok))
				tok++;
			char *end = tok + strlen(tok);
			while (end > tok && isspace((unsigned char)end[-1]))
				*--end = 0;
			if (!*tok)
				continue;
			ALLOC_GROW(active, nactive + 1, alloc);
			active[nactive++] = tok;
		}
	}
	struct node *services = node_map_get(merged, "services");
	if (!st->nprofiled || !services || services->kind != NODE_MAP)
		goto done;
	struct sbuf path = SBUF_INIT, which = SBUF_INIT;
	for (size_t i = 0; i < st->ndeps; i++) {
		const struct spec_dep *d = &st->deps[i];
		if (!d->required || !node_map_get(services, d->on) ||
		    !service_enabled(st, d->service, active, nactive) ||
		    service_enabled(st, d->on, active, nactive))
			continue;
		sbuf_reset(&path);
		sbuf_reset(&which);
		path_push_key(&path, "services");
		path_push_key(&path, d->service);
		path_push_key(&path, "depends_on");
		profiles_of(&which, st, d->on);
		ret = diag_add(&run->diag, DIAG_ERROR, "profiles.disabled-dependency", d->pos, path.buf,
			       "service \"%s\" depends on service \"%s\", which is disabled: none of its "
			       "profiles (%s) is active; enable one with --profile or COMPOSE_PROFILES",
			       d->service, d->on, which.buf);
	}
	sbuf_release(&path);
	sbuf_release(&which);
	size_t w = 0;
	for (size_t i = 0; i < services->map.n; i++)
		if (service_enabled(st, services->map.v[i].key, active, nactive))
			services->map.v[w++] = services->map.v[i];
	services->map.n = (uint32_t)w;
done:
	free(active);
	free(copy);
	return ret;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void spec_profiles_defined(const char ***out, size_t *n, struct run *run,
			   const struct spec_state *st)
{
	size_t total = 0;
	for (size_t i = 0; i < st->nprofiled; i++)
		total += st->profiled[i].profiles->seq.n;
	const char **v = arena_alloc(&run->arena, (total ? total : 1) * sizeof(*v));
	size_t k = 0;
	for (size_t i = 0; i < st->nprofiled; i++) {
		const struct node *p = st->profiled[i].profiles;
		for (size_t j = 0; j < p->seq.n; j++)
			if (node_str(p->seq.v[j]))
				v[k++] = node_str(p->seq.v[j]);
	}
	if (k)
		qsort(v, k, sizeof(*v), cmp_str);
	size_t u = 0;
	for (size_t i = 0; i < k; i++)
		if (!u || strcmp(v[u - 1], v[i]))
			v[u++] = v[i];
	*out = v;
	*n = u;
}

/* ==== the project name ==== */

int spec_project_name(const char **out, struct run *run, const struct spec_state *st)
{
	*out = NULL;
	if (!st->name)
		return 0;
	char *name = arena_strdup(&run->arena, st->name), *w = name;
	for (const char *r = st->name; *r; r++) {
		char c = (char)tolower((unsigned char)*r);
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')
			if (w != name || (c != '_' && c != '-'))
				*w++ = c;
	}
	*w = 0;
	if (!*name)
		return diag_add(&run->diag, DIAG_ERROR, "spec.name", st->name_pos, "name",
				"project name must not be empty (after keeping only lower-case letters, "
				"digits, '_' and '-' of \"%s\")", st->name);
	*out = name;
	return 0;
}

void spec_state_release(struct spec_state *st)
{
	free(st->profiled);
	free(st->deps);
	for (size_t i = 0; i < st->nobjects; i++)
		if (!strcmp(st->objects[i].section, "secrets"))
			explicit_bzero((char *)st->objects[i].data, st->objects[i].len);
	free(st->objects);
	memset(st, 0, sizeof(*st));
}
