/*
 * What a service's tasks take from their nodes: mounts (volumes), published
 * ports (the endpoint spec), CPU, memory and pids (resources), ulimits and
 * placement. Parts of the service spec; see convert_service.c.
 */
#include "swarm/convert.h"
#include "swarm/convert_internal.h"

#include "base/arena.h"
#include "base/node.h"
#include "base/run.h"
#include "base/xalloc.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* ---- mounts ---- */

/* One item of volumes (long syntax) → a mount, appended to mounts. */
static void mount(struct cv *c, const struct node *v, json_t *mounts)
{
	const char *type = get_text(v, "type");
	if (!type || !*type)
		type = "volume";
	const char *src = get_text(v, "source");
	const struct node *bind = get(v, "bind"), *vol = get(v, "volume"), *tmpfs = get(v, "tmpfs"),
			  *image = get(v, "image"), *cluster = get(v, "cluster");
	static const char *const optnames[] = { "bind", "volume", "tmpfs", "image", "cluster" };
	const struct node *optv[] = { bind, vol, tmpfs, image, cluster };
	int allowed[5] = { 0 };
	if (!strcmp(type, "volume"))
		allowed[1] = 1;
	else if (!strcmp(type, "bind") || !strcmp(type, "npipe"))
		allowed[0] = 1;
	else if (!strcmp(type, "tmpfs"))
		allowed[2] = 1;
	else if (!strcmp(type, "image"))
		allowed[3] = 1;
	else if (strcmp(type, "cluster")) {
		cv_fail(c, get(v, "type"), "type", "volume type must be volume, bind, tmpfs, npipe, or cluster");
		return;
	}
	for (size_t k = 0; k < 5; k++)
		if (optv[k] && !allowed[k]) {
			cv_fail(c, optv[k], optnames[k], "%s options are incompatible with type %s",
				k == 3 ? "images" : optnames[k], type);
			return;
		}
	int needs_src = strcmp(type, "volume") && strcmp(type, "tmpfs");
	if (needs_src && (!src || !*src)) {
		cv_fail(c, v, NULL, "invalid %s source, source cannot be empty", type);
		return;
	}
	if (!strcmp(type, "tmpfs") && src && *src) {
		cv_fail(c, get(v, "source"), "source", "invalid tmpfs source, source must be empty");
		return;
	}
	json_t *m = json_object();
	json_object_set_new(m, "Type", json_string(type));
	const char *source = src;
	const struct node *vdef = NULL;
	if ((!strcmp(type, "volume") || (!strcmp(type, "cluster") && strncmp(src, "group:", 6))) && src && *src) {
		vdef = get(c->volumes, src);
		if (!vdef) {
			cv_fail(c, get(v, "source"), "source", "undefined volume %s", cv_repr(c, src));
			json_decref(m);
			return;
		}
		source = cv_object_name(c, vdef, src);
	}
	cv_set_text(m, "Source", source);
	cv_set_text(m, "Target", get_text(v, "target"));
	if (truthy(get(v, "read_only")))
		json_object_set_new(m, "ReadOnly", json_true());
	cv_set_text(m, "Consistency", get_text(v, "consistency"));
	if (bind) {
		json_t *bo = json_object();
		cv_set_text(bo, "Propagation", get_text(bind, "propagation"));
		json_object_set_new(m, "BindOptions", bo);
	}
	if (!strcmp(type, "volume") && src && *src) {
		json_t *vo = json_object();
		if (truthy(get(vol, "nocopy")))
			json_object_set_new(vo, "NoCopy", json_true());
		if (!truthy(get(vdef, "external"))) {
			json_object_set_new(vo, "Labels", cv_stack_labels(c, get(vdef, "labels")));
			cv_set_text(vo, "Subpath", get_text(vol, "subpath"));
			const char *drv = get_text(vdef, "driver");
			const struct node *dopts = get(vdef, "driver_opts");
			if ((drv && *drv) || (dopts && dopts->kind == NODE_MAP)) {
				json_t *dc = json_object();
				cv_set_text(dc, "Name", drv);
				if (dopts && dopts->kind == NODE_MAP)
					cv_set_nonempty(dc, "Options", cv_str_map(dopts));
				json_object_set_new(vo, "DriverConfig", dc);
			}
		} else {
			cv_set_text(vo, "Subpath", get_text(vol, "subpath"));
		}
		json_object_set_new(m, "VolumeOptions", vo);
	}
	if (image) {
		json_t *io = json_object();
		cv_set_text(io, "Subpath", get_text(image, "subpath"));
		json_object_set_new(m, "ImageOptions", io);
	}
	if (tmpfs) {
		json_t *to = json_object();
		size_t l2 = push(c, "tmpfs");
		cv_bytes_field(c, to, "SizeBytes", tmpfs, "size");
		pop(c, l2);
		json_object_set_new(m, "TmpfsOptions", to);
	}
	if (!strcmp(type, "cluster"))
		json_object_set_new(m, "ClusterOptions", json_object());
	json_array_append_new(mounts, m);
}

json_t *cv_mounts(struct cv *c, const struct node *svc)
{
	json_t *a = json_array();
	cv_each_long_syntax_item(c, svc, "volumes", "volume", mount, a);
	return a;
}

/* ---- ports ---- */

/* One item of ports (long syntax) → a port config, kept sorted by published port. */
static void port(struct cv *c, const struct node *p, json_t *ports)
{
	long long target = 0, published = 0;
	const struct node *tn = get(p, "target"), *pn = get(p, "published");
	if (tn && tn->kind != NODE_NULL)
		cv_int(c, &target, tn, "target");
	if (pn && pn->kind != NODE_NULL)
		cv_int(c, &published, pn, "published");
	json_t *o = json_object();
	cv_set_text(o, "Protocol", get_text(p, "protocol"));
	if (target)
		json_object_set_new(o, "TargetPort", json_integer(target));
	if (published)
		json_object_set_new(o, "PublishedPort", json_integer(published));
	cv_set_text(o, "PublishMode", get_text(p, "mode"));
	/* stable insertion by published port */
	size_t at = json_array_size(ports);
	while (at > 0 && json_integer_value(json_object_get(json_array_get(ports, at - 1), "PublishedPort")) > published)
		at--;
	json_array_insert_new(ports, at, o);
}

json_t *cv_endpoint_spec(struct cv *c, const struct node *svc, const struct node *deploy)
{
	json_t *e = json_object();
	const char *em = get_text(deploy, "endpoint_mode");
	if (em && *em) {
		char *low = xstrdup(em);
		for (char *p = low; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		json_object_set_new(e, "Mode", json_string(low));
		free(low);
	}
	json_t *ports = json_array();
	cv_each_long_syntax_item(c, svc, "ports", "port", port, ports);
	cv_set_nonempty(e, "Ports", ports);
	return e;
}

/* ---- resources ---- */

/* opts.ParseCPUs: a decimal number of CPUs → integral nano-CPUs. */
static int parse_cpus(long long *out, const char *s, const char **why)
{
	const char *p = s;
	long long ip = 0, frac = 0;
	int fd = 0, digits = 0;
	if (*p == '+')
		p++;
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (ip > 9000000000LL)
			goto bad;
		ip = ip * 10 + (*p - '0');
	}
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, digits++) {
			if (*p != '0' && fd >= 9) {
				*why = "value is too precise";
				return -1;
			}
			if (fd < 9) {
				frac = frac * 10 + (*p - '0');
				fd++;
			}
		}
	if (*p || !digits)
		goto bad;
	while (fd++ < 9)
		frac *= 10;
	*out = ip * 1000000000LL + frac;
	return 0;
bad:
	*why = NULL;
	return -1;
}

json_t *cv_resources(struct cv *c, const struct node *res)
{
	json_t *r = json_object();
	size_t l = push(c, "resources");
	static const char *const parts[] = { "limits", "reservations" };
	for (int k = 0; k < 2; k++) {
		const struct node *p = get(res, parts[k]);
		if (!p)
			continue;
		size_t l1 = push(c, parts[k]);
		json_t *o = json_object();
		const char *cpus = get_text(p, "cpus");
		long long nano = 0;
		const char *why;
		if (cpus && *cpus && parse_cpus(&nano, cpus, &why))
			cv_fail(c, get(p, "cpus"), "cpus", "%s", why ? why : arena_fmt(&c->run->arena,
				"failed to parse %s as a rational number", cv_repr(c, cpus)));
		if (nano)
			json_object_set_new(o, "NanoCPUs", json_integer(nano));
		cv_bytes_field(c, o, "MemoryBytes", p, "memory");
		if (k == 0)
			cv_int_field(c, o, "Pids", p, "pids");
		const struct node *gr = k == 1 ? get(p, "generic_resources") : NULL;
		json_t *ga = json_array();
		for (size_t i = 0; i < seq_len(gr); i++) {
			json_t *g = json_object();
			const struct node *d = get(gr->seq.v[i], "discrete_resource_spec");
			if (d) {
				json_t *dj = json_object();
				cv_set_text(dj, "Kind", get_text(d, "kind"));
				cv_int_field(c, dj, "Value", d, "value");
				json_object_set_new(g, "DiscreteResourceSpec", dj);
			}
			json_array_append_new(ga, g);
		}
		cv_set_nonempty(o, "GenericResources", ga);
		json_object_set_new(r, k == 0 ? "Limits" : "Reservations", o);
		pop(c, l1);
	}
	pop(c, l);
	return r;
}

json_t *cv_ulimits(struct cv *c, const struct node *ul)
{
	json_t *a = json_array();
	size_t n = ul && ul->kind == NODE_MAP ? ul->map.n : 0;
	const struct node_entry **v = xcalloc(n ? n : 1, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = &ul->map.v[i];
	/* insertion sort by name (few entries) */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(v[j - 1]->key, v[j]->key) > 0; j--) {
			const struct node_entry *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	size_t l = push(c, "ulimits");
	for (size_t i = 0; i < n; i++) {
		long long soft = 0, hard = 0;
		const struct node *u = v[i]->val;
		size_t l1 = push(c, v[i]->key);
		if (u->kind == NODE_MAP) {
			const struct node *s = get(u, "soft"), *h = get(u, "hard");
			if (s)
				cv_int(c, &soft, s, "soft");
			if (h)
				cv_int(c, &hard, h, "hard");
		} else {
			cv_int(c, &soft, u, NULL);
			hard = soft;
		}
		pop(c, l1);
		json_t *o = json_object();
		json_object_set_new(o, "Name", json_string(v[i]->key));
		json_object_set_new(o, "Hard", json_integer(hard));
		json_object_set_new(o, "Soft", json_integer(soft));
		json_array_append_new(a, o);
	}
	pop(c, l);
	free(v);
	return a;
}

/* ---- placement ---- */

json_t *cv_placement(struct cv *c, const struct node *pl)
{
	json_t *p = json_object();
	cv_set_nonempty(p, "Constraints", cv_str_list(&c->run->arena, get(pl, "constraints"), 0));
	const struct node *prefs = get(pl, "preferences");
	json_t *pa = json_array();
	for (size_t i = 0; i < seq_len(prefs); i++) {
		json_t *sp = json_object();
		const char *spread = get_text(prefs->seq.v[i], "spread");
		cv_set_text(sp, "SpreadDescriptor", spread);
		json_t *o = json_object();
		json_object_set_new(o, "Spread", sp);
		json_array_append_new(pa, o);
	}
	cv_set_nonempty(p, "Preferences", pa);
	size_t l = push(c, "placement");
	cv_int_field(c, p, "MaxReplicas", pl, "max_replicas_per_node");
	pop(c, l);
	return p;
}
