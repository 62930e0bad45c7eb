/*
 * The service spec of each service: container, secret and config references,
 * networks, healthcheck, capabilities, restart and update policies, mode.
 * Mounts, ports, resources, ulimits and placement are in convert_resources.c.
 * See convert.h for the contract.
 */
#include "swarm/convert.h"
#include "swarm/convert_internal.h"

#include "base/arena.h"
#include "base/node.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "base/xalloc.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* ---- images ---- */

static int ref_name_ok(const char *s, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (!(islower(ch) || isdigit(ch) || ch == '.' || ch == '_' || ch == '-' || ch == '/'))
			return 0;
	}
	return s[0] != '/' && s[n - 1] != '/';
}

size_t convert_image_domain_len(const char *image)
{
	size_t namelen = strcspn(image, "@");
	const char *first_slash = memchr(image, '/', namelen);
	if (!first_slash)
		return 0;
	size_t fl = (size_t)(first_slash - image);
	if (fl == 9 && !strncmp(image, "localhost", 9))
		return fl;
	for (size_t i = 0; i < fl; i++)
		if (image[i] == '.' || image[i] == ':' || isupper((unsigned char)image[i]))
			return fl;
	return 0;
}

int convert_image_domain_is_hub(const char *domain, size_t dlen)
{
	return !dlen || (dlen == 9 && !strncmp(domain, "docker.io", 9)) ||
	       (dlen == 15 && !strncmp(domain, "index.docker.io", 15));
}

char *convert_image_tagged(const char *image)
{
	const char *at = strchr(image, '@');
	size_t namelen = at ? (size_t)(at - image) : strlen(image);
	const char *slash = memrchr(image, '/', namelen);
	const char *colon = memrchr(slash ? slash : image, ':', namelen - (size_t)((slash ? slash : image) - image));
	const char *tag = NULL;
	if (colon) {
		tag = colon + 1;
		namelen = (size_t)(colon - image);
	}
	size_t dlen = convert_image_domain_len(image);
	const char *path = dlen ? image + dlen + 1 : image;
	size_t plen = namelen - (size_t)(path - image);
	if (!ref_name_ok(path, plen) || (tag && !*tag) || (at && !at[1]))
		return xstrdup(image);
	int hub = convert_image_domain_is_hub(image, dlen);
	struct sbuf sb = SBUF_INIT;
	if (!hub) {
		sb_put(&sb, image, dlen);
		sb_putc(&sb, '/');
	}
	if (hub && plen > 8 && !strncmp(path, "library/", 8) && !memchr(path + 8, '/', plen - 8))
		sb_put(&sb, path + 8, plen - 8);
	else
		sb_put(&sb, path, plen);
	if (tag) {
		sb_putc(&sb, ':');
		sb_put(&sb, tag, (size_t)((at ? at : tag + strlen(tag)) - tag));
	} else if (!at) {
		sb_puts(&sb, ":latest");
	}
	if (at)
		sb_puts(&sb, at);
	return sbuf_detach(&sb, NULL);
}

/* ---- references ---- */

struct ref {
	const char *name;
	json_t *j;
	size_t order;
};

static int cmp_ref(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;
	int r = strcmp(x->name, y->name);
	return r ? r : (x->order > y->order) - (x->order < y->order);
}

/* secrets: / configs: references of a service (File target, uid, gid, mode). */
static json_t *file_refs(struct cv *c, const struct node *svc, enum stack_kind kind,
			 const char *credspec_config)
{
	const char *section = kind == KIND_SECRET ? "secrets" : "configs";
	const char *what = kind == KIND_SECRET ? "secret" : "config";
	const struct node *defs = kind == KIND_SECRET ? c->secrets : c->configs;
	const struct node *list = get(svc, section);
	struct ref *refs = NULL;
	size_t n = 0, alloc = 0;
	size_t l0 = push(c, section);
	for (size_t i = 0; i < seq_len(list); i++) {
		const struct node *it = list->seq.v[i];
		const char *src = it->kind == NODE_MAP ? get_text(it, "source") : text(it);
		size_t l1 = push_index(c, i);
		const struct node *def = src ? get(defs, src) : NULL;
		if (!def) {
			cv_fail(c, it, NULL, "undefined %s %s", what, cv_repr(c, src ? src : ""));
			pop(c, l1);
			continue;
		}
		const char *target = get_text(it, "target");
		if (!target || !*target)
			target = src;
		for (size_t j = 0; j < n; j++) {
			json_t *f = json_object_get(refs[j].j, "File");
			if (!strcmp(json_string_value(json_object_get(f, "Name")), target))
				cv_fail(c, it, NULL, "duplicate %s target for %s not allowed", what,
				     cv_repr(c, cv_object_name(c, def, src)));
		}
		const char *uid = get_text(it, "uid"), *gid = get_text(it, "gid");
		long long mode = 0444;
		const struct node *mn = get(it, "mode");
		if (mn && mn->kind != NODE_NULL && cv_int(c, &mode, mn, "mode")) {
			pop(c, l1);
			continue;
		}
		json_t *file = json_object();
		json_object_set_new(file, "Name", json_string(target));
		json_object_set_new(file, "UID", json_string(uid && *uid ? uid : "0"));
		json_object_set_new(file, "GID", json_string(gid && *gid ? gid : "0"));
		json_object_set_new(file, "Mode", json_integer(mode));
		json_t *r = json_object();
		json_object_set_new(r, "File", file);
		const char *name = cv_object_name(c, def, src);
		json_object_set_new(r, kind == KIND_SECRET ? "SecretName" : "ConfigName", json_string(name));
		ALLOC_GROW(refs, n + 1, alloc);
		refs[n] = (struct ref){ name, r, n };
		n++;
		pop(c, l1);
	}
	pop(c, l0);
	if (credspec_config) {
		json_t *r = json_object();
		json_object_set_new(r, "Runtime", json_object());
		json_object_set_new(r, "ConfigName", json_string(credspec_config));
		ALLOC_GROW(refs, n + 1, alloc);
		refs[n] = (struct ref){ credspec_config, r, n };
		n++;
	}
	if (n)
		qsort(refs, n, sizeof(*refs), cmp_ref);
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, refs[i].j);
	free(refs);
	return a;
}

static json_t *service_networks(struct cv *c, const struct node *svc, const char *key)
{
	const struct node *nets = get(svc, "networks");
	size_t cnt = !nets ? 0 : nets->kind == NODE_MAP ? nets->map.n : nets->kind == NODE_SEQ ? nets->seq.n : 0;
	json_t *a = json_array();
	for (size_t i = 0; i < (cnt ? cnt : 1); i++) {
		const char *nk = !cnt ? "default" : nets->kind == NODE_MAP ? nets->map.v[i].key : text(nets->seq.v[i]);
		const struct node *cfg = cnt && nets->kind == NODE_MAP ? nets->map.v[i].val : NULL;
		if (!nk)
			continue;
		const struct node *def = get(c->networks, nk);
		if (!def && strcmp(nk, "default")) {
			size_t l = push(c, "networks");
			if (nets->kind == NODE_MAP)
				cv_fail_at(c, nets->map.v[i].keypos, nk, "undefined network %s", cv_repr(c, nk));
			else {
				push_index(c, i);
				cv_fail(c, nets->seq.v[i], NULL, "undefined network %s", cv_repr(c, nk));
			}
			pop(c, l);
			continue;
		}
		const char *target = cv_object_name(c, def, nk);
		json_t *att = json_object();
		json_object_set_new(att, "Target", json_string(target));
		json_t *aliases = cv_str_list(&c->run->arena, get(cfg, "aliases"), 0);
		if (convert_network_is_user_defined(target))
			json_array_append_new(aliases, json_string(key));
		cv_set_nonempty(att, "Aliases", aliases);
		const struct node *dopts = get(cfg, "driver_opts");
		if (dopts)
			cv_set_nonempty(att, "DriverOpts", cv_str_map(dopts));
		/* insertion sort by Target: the list is short */
		size_t at = json_array_size(a);
		while (at > 0 && strcmp(json_string_value(json_object_get(json_array_get(a, at - 1), "Target")), target) > 0)
			at--;
		json_array_insert_new(a, at, att);
	}
	return a;
}

static json_t *credential_spec(struct cv *c, const struct node *cs, const char **config_name)
{
	static const char *const keys[] = { "config", "file", "registry" };
	static const char *const jkeys[] = { "Config", "File", "Registry" };
	const char *set[3];
	int n = 0;
	*config_name = NULL;
	for (int i = 0; i < 3; i++)
		if (get_text(cs, keys[i]) && *get_text(cs, keys[i]))
			set[n++] = jkeys[i];
	if (!n)
		return json_null();
	if (n > 1) {
		if (n == 2)
			cv_fail(c, cs, "credential_spec", "invalid credential spec: cannot specify both \"%s\" and \"%s\"",
			     set[0], set[1]);
		else
			cv_fail(c, cs, "credential_spec",
			     "invalid credential spec: cannot specify both \"%s\", \"%s\", and \"%s\"", set[0], set[1], set[2]);
		return json_null();
	}
	json_t *o = json_object();
	const char *cfg = get_text(cs, "config");
	if (cfg && *cfg) {
		const struct node *def = get(c->configs, cfg);
		if (!def) {
			cv_fail(c, get(cs, "config"), "credential_spec", "undefined config %s", cv_repr(c, cfg));
		} else {
			/* bound to the config's ID by convert_bind_ids() */
			*config_name = cv_object_name(c, def, cfg);
			json_object_set_new(o, "Config", json_string(*config_name));
		}
	}
	cv_set_text(o, "File", get_text(cs, "file"));
	cv_set_text(o, "Registry", get_text(cs, "registry"));
	return o;
}

/* ---- the container ---- */

static json_t *healthcheck(struct cv *c, const struct node *hc)
{
	size_t l = push(c, "healthcheck");
	json_t *h = json_object();
	const struct node *test = get(hc, "test");
	if (truthy(get(hc, "disable"))) {
		if (test && ((test->kind == NODE_SEQ && test->seq.n) || (text(test) && *text(test))))
			cv_fail(c, test, "test", "test and disable can't be set at the same time");
		json_t *t = json_array();
		json_array_append_new(t, json_string("NONE"));
		json_object_set_new(h, "Test", t);
		pop(c, l);
		return h;
	}
	json_t *t;
	if (test && test->kind != NODE_SEQ && text(test)) {
		t = json_array();
		json_array_append_new(t, json_string("CMD-SHELL"));
		json_array_append_new(t, json_string(text(test)));
	} else {
		t = cv_str_list(&c->run->arena, test, 0);
	}
	cv_set_nonempty(h, "Test", t);
	cv_duration(c, h, "Interval", hc, "interval", 0);
	cv_duration(c, h, "Timeout", hc, "timeout", 0);
	cv_duration(c, h, "StartPeriod", hc, "start_period", 0);
	cv_duration(c, h, "StartInterval", hc, "start_interval", 0);
	cv_int_field(c, h, "Retries", hc, "retries");
	pop(c, l);
	return h;
}

static json_t *env_list(const struct node *env)
{
	json_t *a = json_array();
	size_t n = env && env->kind == NODE_MAP ? env->map.n : env && env->kind == NODE_SEQ ? env->seq.n : 0;
	char **v = xcalloc(n ? n : 1, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		if (env->kind == NODE_MAP) {
			const char *val = text(env->map.v[i].val);
			v[i] = val ? xstrfmt("%s=%s", env->map.v[i].key, val) : xstrdup(env->map.v[i].key);
		} else {
			const char *t = text(env->seq.v[i]);
			v[i] = xstrdup(t ? t : "");
		}
	}
	if (n)
		qsort(v, n, sizeof(*v), cv_cmp_str);
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(a, json_string(v[i]));
		free(v[i]);
	}
	free(v);
	return a;
}

static json_t *normalize_caps(const struct node *list)
{
	json_t *a = json_array();
	for (size_t i = 0; i < seq_len(list); i++) {
		const char *t = text(list->seq.v[i]);
		if (!t)
			continue;
		while (isspace((unsigned char)*t))
			t++;
		size_t len = strlen(t);
		while (len && isspace((unsigned char)t[len - 1]))
			len--;
		char *up = xstrndup(t, len);
		for (char *p = up; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		char *cap = (!strcmp(up, "ALL") || !strcmp(up, "RESET") || !strncmp(up, "CAP_", 4)) ? xstrdup(up)
												    : xstrfmt("CAP_%s", up);
		free(up);
		json_array_append_new(a, json_string(cap));
		free(cap);
	}
	return a;
}

static int json_str_in(const json_t *a, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v)
		if (!strcmp(json_string_value(v), s))
			return 1;
	return 0;
}

static int cmp_json_str(const void *a, const void *b)
{
	return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}

/* Sorted, unique, without `skip` entries and RESET. */
static json_t *sorted_set(json_t *in, const json_t *skip)
{
	size_t n = json_array_size(in);
	json_t **v = xcalloc(n ? n : 1, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(in, i);
	if (n)
		qsort(v, n, sizeof(*v), cmp_json_str);
	json_t *out = json_array();
	for (size_t i = 0; i < n; i++) {
		const char *s = json_string_value(v[i]);
		if ((i && !strcmp(s, json_string_value(v[i - 1]))) || !strcmp(s, "RESET") || (skip && json_str_in(skip, s)))
			continue;
		json_array_append(out, v[i]);
	}
	free(v);
	return out;
}

/* opts.EffectiveCapAddCapDrop */
static void capabilities(json_t *cs, const struct node *svc)
{
	json_t *add = normalize_caps(get(svc, "cap_add"));
	json_t *drop = normalize_caps(get(svc, "cap_drop"));
	if (json_str_in(add, "ALL")) {
		json_array_clear(add);
		json_array_append_new(add, json_string("ALL"));
	}
	if (json_str_in(drop, "ALL")) {
		json_array_clear(drop);
		json_array_append_new(drop, json_string("ALL"));
	}
	json_t *a = sorted_set(add, NULL);
	json_t *d = sorted_set(drop, add);
	json_decref(add);
	json_decref(drop);
	cv_set_nonempty(cs, "CapabilityAdd", a);
	cv_set_nonempty(cs, "CapabilityDrop", d);
}

/* ---- policies and mode ---- */

static json_t *restart_policy(struct cv *c, const struct node *svc, const struct node *deploy)
{
	const struct node *rp = get(deploy, "restart_policy");
	if (rp) {
		size_t l0 = push(c, "deploy");
		size_t l1 = push(c, "restart_policy");
		json_t *r = json_object();
		cv_set_text(r, "Condition", get_text(rp, "condition"));
		cv_duration(c, r, "Delay", rp, "delay", 1);
		const struct node *ma = get(rp, "max_attempts");
		long long attempts;
		if (ma && ma->kind != NODE_NULL && !cv_int(c, &attempts, ma, "max_attempts"))
			json_object_set_new(r, "MaxAttempts", json_integer(attempts));
		cv_duration(c, r, "Window", rp, "window", 1);
		pop(c, l1);
		pop(c, l0);
		return r;
	}
	const char *restart = get_text(svc, "restart");
	if (!restart || !*restart)
		return NULL;
	const char *colon = strchr(restart, ':');
	size_t klen = colon ? (size_t)(colon - restart) : strlen(restart);
	long long count = 0;
	if (colon && !klen) {
		cv_fail(c, get(svc, "restart"), "restart", "invalid restart policy format: no policy provided before colon");
		return NULL;
	}
	if (colon && colon[1]) {
		char *end;
		count = strtoll(colon + 1, &end, 10);
		if (*end) {
			cv_fail(c, get(svc, "restart"), "restart",
			     "invalid restart policy format: maximum retry count must be an integer");
			return NULL;
		}
	}
	json_t *r = json_object();
	if (klen == 2 && !strncmp(restart, "no", 2)) {
		json_decref(r);
		return NULL;
	} else if ((klen == 6 && !strncmp(restart, "always", 6)) || (klen == 14 && !strncmp(restart, "unless-stopped", 14))) {
		json_object_set_new(r, "Condition", json_string("any"));
	} else if (klen == 10 && !strncmp(restart, "on-failure", 10)) {
		json_object_set_new(r, "Condition", json_string("on-failure"));
		json_object_set_new(r, "MaxAttempts", json_integer(count));
	} else {
		json_decref(r);
		cv_fail(c, get(svc, "restart"), "restart", "unknown restart policy: %s", cv_repr(c, restart));
		return NULL;
	}
	return r;
}

static json_t *update_config(struct cv *c, const struct node *uc, const char *key)
{
	size_t l = push(c, key);
	json_t *u = json_object();
	const struct node *par = get(uc, "parallelism");
	long long p = 1;
	if (par && par->kind != NODE_NULL)
		cv_int(c, &p, par, "parallelism");
	json_object_set_new(u, "Parallelism", json_integer(p));
	cv_duration(c, u, "Delay", uc, "delay", 0);
	cv_set_text(u, "FailureAction", get_text(uc, "failure_action"));
	cv_duration(c, u, "Monitor", uc, "monitor", 0);
	const struct node *mfr = get(uc, "max_failure_ratio");
	double ratio = 0;
	if (mfr && mfr->kind == NODE_FLOAT)
		ratio = mfr->s.v.f;
	else if (mfr && mfr->kind == NODE_INT)
		ratio = (double)mfr->s.v.i;
	else if (text(mfr))
		ratio = strtod(text(mfr), NULL);
	json_object_set_new(u, "MaxFailureRatio", ratio == (double)(long long)ratio ? json_integer((long long)ratio)
										       : json_real(ratio));
	cv_set_text(u, "Order", get_text(uc, "order"));
	pop(c, l);
	return u;
}

static json_t *service_mode(struct cv *c, const struct node *deploy)
{
	const struct node *mn = get(deploy, "mode");
	const char *mode = text(mn) ? text(mn) : "";
	const struct node *rn = get(deploy, "replicas");
	long long replicas = 0;
	int has_rep = rn && rn->kind != NODE_NULL;
	size_t l = push(c, "deploy");
	if (has_rep && cv_int(c, &replicas, rn, "replicas"))
		has_rep = 0;
	json_t *m = json_object();
	json_t *inner = json_object();
	if (!strcmp(mode, "global") || !strcmp(mode, "global-job")) {
		if (has_rep)
			cv_fail(c, rn, "replicas", "replicas can only be used with replicated or replicated-job mode");
		json_object_set_new(m, !strcmp(mode, "global") ? "Global" : "GlobalJob", inner);
	} else if (!strcmp(mode, "replicated-job")) {
		if (has_rep) {
			json_object_set_new(inner, "MaxConcurrent", json_integer(replicas));
			json_object_set_new(inner, "TotalCompletions", json_integer(replicas));
		}
		json_object_set_new(m, "ReplicatedJob", inner);
	} else if (!*mode || !strcmp(mode, "replicated")) {
		if (has_rep)
			json_object_set_new(inner, "Replicas", json_integer(replicas));
		json_object_set_new(m, "Replicated", inner);
	} else {
		json_decref(inner);
		cv_fail(c, mn, "mode", "Unknown mode: %s", mode);
	}
	pop(c, l);
	return m;
}

/* ---- the spec ---- */

/* Services: a DNS label, ^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$, at most 63 bytes. */
static int valid_service_name(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 63 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return 0;
	return 1;
}

static json_t *service_spec(struct cv *c, const char *key, const struct node *svc)
{
	const struct node *deploy = get(svc, "deploy");
	const char *image = get_text(svc, "image");
	if (!image || !*image) {
		cv_fail(c, svc, NULL, "no image specified: a swarm service needs an image");
		image = "";
	}
	json_t *s = json_object();
	json_object_set_new(s, "Name", json_string(cv_scoped(c, key)));
	json_t *labels = cv_stack_labels(c, get(deploy, "labels"));
	json_object_set_new(labels, LABEL_IMAGE, json_string(image));
	json_object_set_new(s, "Labels", labels);

	json_t *tt = json_object();
	json_t *cs = json_object();
	char *tagged = convert_image_tagged(image);
	cv_set_text(cs, "Image", tagged);
	free(tagged);
	json_object_set_new(cs, "Labels", cv_stack_labels(c, get(svc, "labels")));
	cv_set_nonempty(cs, "Command", cv_str_list(&c->run->arena, get(svc, "entrypoint"), 1));
	cv_set_nonempty(cs, "Args", cv_str_list(&c->run->arena, get(svc, "command"), 1));
	cv_set_text(cs, "Hostname", get_text(svc, "hostname"));
	cv_set_nonempty(cs, "Env", env_list(get(svc, "environment")));
	cv_set_text(cs, "Dir", get_text(svc, "working_dir"));
	cv_set_text(cs, "User", get_text(svc, "user"));
	const char *credcfg = NULL;
	json_t *priv = json_object();
	json_object_set_new(priv, "CredentialSpec", credential_spec(c, get(svc, "credential_spec"), &credcfg));
	json_object_set_new(priv, "SELinuxContext", json_null());
	json_object_set_new(priv, "NoNewPrivileges", json_false());
	json_object_set_new(cs, "Privileges", priv);
	const struct node *init = get(svc, "init");
	if (init && init->kind == NODE_BOOL)
		json_object_set_new(cs, "Init", json_boolean(init->s.v.b));
	cv_set_text(cs, "StopSignal", get_text(svc, "stop_signal"));
	if (truthy(get(svc, "tty")))
		json_object_set_new(cs, "TTY", json_true());
	if (truthy(get(svc, "stdin_open")))
		json_object_set_new(cs, "OpenStdin", json_true());
	if (truthy(get(svc, "read_only")))
		json_object_set_new(cs, "ReadOnly", json_true());
	cv_set_nonempty(cs, "Mounts", cv_mounts(c, svc));
	cv_duration(c, cs, "StopGracePeriod", svc, "stop_grace_period", 1);
	const struct node *hc = get(svc, "healthcheck");
	if (hc && hc->kind == NODE_MAP)
		json_object_set_new(cs, "Healthcheck", healthcheck(c, hc));
	const struct node *eh = get(svc, "extra_hosts");
	json_t *hosts = json_array();
	for (size_t i = 0; i < seq_len(eh); i++) {
		const char *h = text(eh->seq.v[i]);
		const char *colon = h ? strchr(h, ':') : NULL;
		if (!colon)
			continue;
		char *line = xstrfmt("%s %.*s", colon + 1, (int)(colon - h), h);
		json_array_append_new(hosts, json_string(line));
		free(line);
	}
	for (size_t i = 0; eh && eh->kind == NODE_MAP && i < eh->map.n; i++) {
		char *line = xstrfmt("%s %s", text(eh->map.v[i].val) ? text(eh->map.v[i].val) : "", eh->map.v[i].key);
		json_array_append_new(hosts, json_string(line));
		free(line);
	}
	cv_set_nonempty(cs, "Hosts", hosts);
	const struct node *dns = get(svc, "dns"), *dnss = get(svc, "dns_search");
	if ((dns && dns->kind != NODE_NULL) || (dnss && dnss->kind != NODE_NULL)) {
		json_t *d = json_object();
		cv_set_nonempty(d, "Nameservers", cv_str_list(&c->run->arena, dns, 0));
		cv_set_nonempty(d, "Search", cv_str_list(&c->run->arena, dnss, 0));
		json_object_set_new(cs, "DNSConfig", d);
	}
	cv_set_nonempty(cs, "Secrets", file_refs(c, svc, KIND_SECRET, NULL));
	cv_set_nonempty(cs, "Configs", file_refs(c, svc, KIND_CONFIG, credcfg));
	cv_set_text(cs, "Isolation", get_text(svc, "isolation"));
	const struct node *sys = get(svc, "sysctls");
	if (sys)
		cv_set_nonempty(cs, "Sysctls", cv_str_map(sys));
	capabilities(cs, svc);
	cv_set_nonempty(cs, "Ulimits", cv_ulimits(c, get(svc, "ulimits")));
	json_object_set_new(tt, "ContainerSpec", cs);

	size_t ld = push(c, "deploy");
	json_object_set_new(tt, "Resources", cv_resources(c, get(deploy, "resources")));
	pop(c, ld);
	json_t *rp = restart_policy(c, svc, deploy);
	if (rp)
		json_object_set_new(tt, "RestartPolicy", rp);
	ld = push(c, "deploy");
	json_object_set_new(tt, "Placement", cv_placement(c, get(deploy, "placement")));
	pop(c, ld);
	cv_set_nonempty(tt, "Networks", service_networks(c, svc, key));
	const struct node *logging = get(svc, "logging");
	if (logging && logging->kind == NODE_MAP) {
		json_t *logd = json_object();
		cv_set_text(logd, "Name", get_text(logging, "driver"));
		const struct node *lo = get(logging, "options");
		if (lo)
			cv_set_nonempty(logd, "Options", cv_str_map(lo));
		json_object_set_new(tt, "LogDriver", logd);
	}
	json_object_set_new(tt, "ForceUpdate", json_integer(0));
	json_object_set_new(s, "TaskTemplate", tt);

	json_object_set_new(s, "Mode", service_mode(c, deploy));
	const struct node *uc = get(deploy, "update_config"), *rc = get(deploy, "rollback_config");
	size_t l = push(c, "deploy");
	if (uc && uc->kind == NODE_MAP)
		json_object_set_new(s, "UpdateConfig", update_config(c, uc, "update_config"));
	if (rc && rc->kind == NODE_MAP)
		json_object_set_new(s, "RollbackConfig", update_config(c, rc, "rollback_config"));
	pop(c, l);
	json_object_set_new(s, "EndpointSpec", cv_endpoint_spec(c, svc, deploy));
	return s;
}

void cv_services(struct cv *c, struct stack_spec *s, const struct node *services)
{
	size_t alloc = 0;
	for (size_t i = 0; services && services->kind == NODE_MAP && i < services->map.n; i++) {
		const char *key = services->map.v[i].key;
		size_t l0 = push(c, "services");
		size_t l1 = push(c, key);
		struct stack_object *o = cv_add_object(s, KIND_SERVICE, &alloc);
		o->key = key;
		o->name = cv_scoped(c, key);
		if (!valid_service_name(o->name))
			cv_fail_at(c, services->map.v[i].keypos, NULL,
				   "service name %s is invalid: the daemon takes a DNS label of letters, digits, "
				   "'-' and '_', starting and ending with a letter or digit, at most 63 characters",
				   cv_repr(c, o->name));
		o->spec = service_spec(c, key, services->map.v[i].val);
		pop(c, l1);
		pop(c, l0);
	}
	cv_sort_objects(s, KIND_SERVICE);
}
