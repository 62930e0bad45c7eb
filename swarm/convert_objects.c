/*
 * The stack's top-level objects: networks (those its services use), secrets
 * and configs (their files read now, or the data of a Compose Specification
 * content:/environment: source). See convert.h for the contract.
 */
#include "swarm/convert.h"
#include "swarm/convert_internal.h"

#include "base/arena.h"
#include "base/crypto.h"
#include "base/node.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "base/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Secrets and configs: [a-zA-Z0-9-_.], alphanumeric at both ends, at most 64 bytes. */
static int valid_object_name(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 64 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("-_.", s[i]))
			return 0;
	return 1;
}

int convert_network_is_user_defined(const char *name)
{
	return strcmp(name, "default") && strcmp(name, "bridge") && strcmp(name, "host") &&
	       strcmp(name, "none") && strncmp(name, "container:", 10);
}

static json_t *network_body(struct cv *c, const struct node *def, const char *name)
{
	json_t *b = json_object();
	const char *driver = get_text(def, "driver");
	json_object_set_new(b, "Driver", json_string(driver && *driver ? driver : "overlay"));
	json_object_set_new(b, "Scope", json_string(""));
	const struct node *ipam = get(def, "ipam");
	const struct node *ipcfg = get(ipam, "config");
	const char *ipdrv = get_text(ipam, "driver");
	if ((ipdrv && *ipdrv) || (ipcfg && ipcfg->kind == NODE_SEQ && ipcfg->seq.n)) {
		json_t *ip = json_object();
		json_object_set_new(ip, "Driver", json_string(ipdrv ? ipdrv : ""));
		json_object_set_new(ip, "Options", json_null());
		json_t *cfgs = json_array();
		for (size_t i = 0; i < seq_len(ipcfg); i++) {
			json_t *one = json_object();
			cv_set_text(one, "Subnet", get_text(ipcfg->seq.v[i], "subnet"));
			json_array_append_new(cfgs, one);
		}
		json_object_set_new(ip, "Config", json_array_size(cfgs) ? cfgs : (json_decref(cfgs), json_null()));
		json_object_set_new(b, "IPAM", ip);
	} else {
		json_object_set_new(b, "IPAM", json_null());
	}
	json_object_set_new(b, "Internal", json_boolean(truthy(get(def, "internal"))));
	json_object_set_new(b, "Attachable", json_boolean(truthy(get(def, "attachable"))));
	json_object_set_new(b, "Ingress", json_false());
	json_object_set_new(b, "ConfigOnly", json_false());
	json_object_set_new(b, "ConfigFrom", json_null());
	const struct node *opts = get(def, "driver_opts");
	json_object_set_new(b, "Options", opts && opts->kind == NODE_MAP ? cv_str_map(opts) : json_null());
	json_object_set_new(b, "Labels", cv_stack_labels(c, get(def, "labels")));
	json_object_set_new(b, "Name", json_string(name));
	json_object_set_new(b, "CheckDuplicate", json_true());
	return b;
}

/* The networks services use: their keys, sorted and unique. */
static void used_networks(struct cv *c, const struct node *services, const char ***out, size_t *nout)
{
	const char **v = NULL;
	size_t n = 0, alloc = 0;
	for (size_t i = 0; services && services->kind == NODE_MAP && i < services->map.n; i++) {
		const struct node *nets = get(services->map.v[i].val, "networks");
		size_t cnt = !nets ? 0 : nets->kind == NODE_MAP ? nets->map.n : nets->kind == NODE_SEQ ? nets->seq.n : 0;
		if (!cnt) {
			ALLOC_GROW(v, n + 1, alloc);
			v[n++] = "default";
			continue;
		}
		for (size_t j = 0; j < cnt; j++) {
			const char *k = nets->kind == NODE_MAP ? nets->map.v[j].key : text(nets->seq.v[j]);
			if (!k)
				continue;
			ALLOC_GROW(v, n + 1, alloc);
			v[n++] = k;
		}
	}
	if (n)
		qsort(v, n, sizeof(*v), cv_cmp_str);
	size_t u = 0;
	for (size_t i = 0; i < n; i++)
		if (!u || strcmp(v[u - 1], v[i]))
			v[u++] = v[i];
	*out = arena_alloc(&c->run->arena, (u ? u : 1) * sizeof(**out));
	if (u)
		memcpy(*out, v, u * sizeof(*v));
	*nout = u;
	free(v);
}

void cv_networks(struct cv *c, struct stack_spec *s, const struct node *services)
{
	const char **keys;
	size_t n, alloc = 0;
	used_networks(c, services, &keys, &n);
	for (size_t i = 0; i < n; i++) {
		const struct node *def = get(c->networks, keys[i]);
		/* undefined ones are reported per service */
		if (!def && strcmp(keys[i], "default"))
			continue;
		struct stack_object *o = cv_add_object(s, KIND_NETWORK, &alloc);
		o->key = keys[i];
		o->external = truthy(get(def, "external"));
		o->name = cv_object_name(c, def, keys[i]);
		if (!o->external)
			o->spec = network_body(c, def, o->name);
	}
	cv_sort_objects(s, KIND_NETWORK);
}

char *convert_file_data(const char *path, size_t max)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct sbuf data;
	sbuf_init(&data, max);
	int read_errno = sbuf_read_stream(&data, f);
	fclose(f);
	char *out = NULL;
	if (!read_errno) {
		out = xmalloc(CRYPTO_BASE64_LEN(data.len));
		crypto_base64(out, data.buf, data.len);
	}
	if (data.alloc)
		explicit_bzero(data.buf, data.alloc);
	sbuf_release(&data);
	errno = read_errno;
	return out;
}

static json_t *base64(const char *data, size_t len)
{
	size_t cap = CRYPTO_BASE64_LEN(len);
	char *out = xmalloc(cap);
	size_t n = crypto_base64(out, data, len);
	json_t *j = json_stringn(out, n);
	explicit_bzero(out, cap);
	free(out);
	return j;
}

void cv_file_objects(struct cv *c, struct stack_spec *s, enum stack_kind kind)
{
	const struct node *defs = kind == KIND_SECRET ? c->secrets : c->configs;
	const char *section = kind == KIND_SECRET ? "secrets" : "configs";
	size_t alloc = 0;
	for (size_t i = 0; defs && defs->kind == NODE_MAP && i < defs->map.n; i++) {
		const char *key = defs->map.v[i].key;
		const struct node *def = defs->map.v[i].val;
		struct stack_object *o = cv_add_object(s, kind, &alloc);
		o->key = key;
		o->external = truthy(get(def, "external"));
		o->name = cv_object_name(c, def, key);
		if (!o->external && !valid_object_name(o->name)) {
			size_t l = push(c, section);
			cv_fail_at(c, defs->map.v[i].keypos, key,
				"%s name %s is invalid: the daemon takes letters, digits, '-', '_' and '.', "
				"starting and ending with a letter or digit, at most 64 characters",
				kind == KIND_SECRET ? "secret" : "config", cv_repr(c, o->name));
			pop(c, l);
		}
		if (o->external)
			continue;
		size_t l0 = push(c, section);
		size_t l1 = push(c, key);
		json_t *b = json_object();
		json_object_set_new(b, "Name", json_string(o->name));
		json_object_set_new(b, "Labels", cv_stack_labels(c, get(def, "labels")));
		const char *driver = kind == KIND_SECRET ? get_text(def, "driver") : NULL;
		if (driver && *driver) {
			json_t *d = json_object();
			json_object_set_new(d, "Name", json_string(driver));
			const struct node *dopts = get(def, "driver_opts");
			if (dopts && dopts->kind == NODE_MAP && dopts->map.n)
				json_object_set_new(d, "Options", cv_str_map(dopts));
			json_object_set_new(b, "Driver", d);
		} else if (get(def, "content")) {
			/* a Compose Specification content:/environment: source (compose/spec.h) */
			const struct node *content = get(def, "content");
			size_t max = kind == KIND_SECRET ? CONVERT_SECRET_MAX_BYTES : CONVERT_CONFIG_MAX_BYTES;
			if (content->len > max)
				cv_fail(c, content, NULL, "%s %s is larger than %zu KiB, the daemon's limit",
					kind == KIND_SECRET ? "secret" : "config", cv_repr(c, key), max / 1024);
			else if (content->len)
				json_object_set_new(b, "Data", base64(content->s.text, content->len));
		} else if (!text(get(def, "file"))) {
			cv_fail(c, def, NULL, "%s %s has no file: only file-backed %s can be deployed",
			     kind == KIND_SECRET ? "secret" : "config", cv_repr(c, key), section);
		} else {
			const struct node *fnode = get(def, "file");
			const char *what = kind == KIND_SECRET ? "secret" : "config";
			size_t max = kind == KIND_SECRET ? CONVERT_SECRET_MAX_BYTES : CONVERT_CONFIG_MAX_BYTES;
			o->file = text(fnode);
			char *data = convert_file_data(o->file, max);
			if (!data && errno == EFBIG)
				cv_fail(c, fnode, "file", "%s file %s is larger than %zu KiB, the daemon's limit", what,
					cv_repr(c, o->file), max / 1024);
			else if (!data)
				cv_fail(c, fnode, "file", "cannot read %s file %s: %s", what, cv_repr(c, o->file),
					strerror(errno));
			else if (*data)
				json_object_set_new(b, "Data", json_string(data));
			if (data) {
				explicit_bzero(data, strlen(data));
				free(data);
			}
		}
		const char *tpl = get_text(def, "template_driver");
		if (tpl && *tpl) {
			json_t *t = json_object();
			json_object_set_new(t, "Name", json_string(tpl));
			json_object_set_new(b, "Templating", t);
		}
		o->spec = b;
		pop(c, l1);
		pop(c, l0);
	}
	cv_sort_objects(s, kind);
}
