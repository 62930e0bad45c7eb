/*
 * Stack tree → Engine API bodies. The rules are those of docker/cli
 * v28.2.2 cli/compose/convert (see docs/engine-api-deploy.md §4); the JSON
 * keeps the key order and the omit-when-empty rules of the Go types so a
 * body compares equal to what the docker CLI sends.
 */
#include "swarm/convert.h"

#include "base/arena.h"
#include "base/diag.h"
#include "base/path.h"
#include "base/node.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "compose/units.h"
#include "base/xalloc.h"
#include "base/crypto.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECRET_MAX_BYTES (500u * 1024)
#define CONFIG_MAX_BYTES (1000u * 1024)

struct cv {
	struct run *run;
	const char *stack;
	const struct node *networks, *volumes, *secrets, *configs;
	struct sbuf path;
	int failed;
};

/* ---- small helpers ---- */

static const struct node *get(const struct node *map, const char *key)
{
	if (!map || map->kind != NODE_MAP)
		return NULL;
	return node_map_get(map, key);
}

/* The text of a non-null scalar, else NULL. */
static const char *text(const struct node *n)
{
	if (!n || n->kind == NODE_NULL || !node_is_scalar(n))
		return NULL;
	return n->s.text;
}

static const char *get_text(const struct node *map, const char *key)
{
	return text(get(map, key));
}

static int truthy(const struct node *n)
{
	if (!n)
		return 0;
	if (n->kind == NODE_BOOL)
		return n->s.v.b;
	return n->kind == NODE_STR && !strcmp(n->s.text, "true");
}

static size_t push(struct cv *c, const char *key)
{
	size_t l = c->path.len;
	path_push_key(&c->path, key);
	return l;
}

static void push_index(struct cv *c, size_t i)
{
	path_push_index(&c->path, i);
}

static void pop(struct cv *c, size_t l)
{
	sbuf_setlen(&c->path, l);
}

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
static int fail(struct cv *c, const struct node *n, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(c, n ? n->pos : (struct pos){ 0 }, key, fmt, ap);
	va_end(ap);
	return -1;
}

__attribute__((format(printf, 4, 5)))
static int fail_at(struct cv *c, struct pos pos, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(c, pos, key, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *repr(struct cv *c, const char *s)
{
	return diag_repr(&c->run->diag, s, strlen(s));
}

static const char *scoped(struct cv *c, const char *key)
{
	return arena_fmt(&c->run->arena, "%s_%s", c->stack, key);
}

/* A map of strings: {k: v} or a list of "k=v" (null values become ""). */
static json_t *str_map(const struct node *n)
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
static json_t *stack_labels(struct cv *c, const struct node *labels)
{
	json_t *o = str_map(labels);
	json_object_set_new(o, LABEL_NAMESPACE, json_string(c->stack));
	return o;
}

/* A list of strings; a single string is one item, or split into words (shlex). */
static json_t *str_list(struct arena *arena, const struct node *n, int split)
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
static void set_nonempty(json_t *o, const char *key, json_t *v)
{
	if ((json_is_array(v) && !json_array_size(v)) || (json_is_object(v) && !json_object_size(v)) ||
	    (json_is_string(v) && !json_string_length(v)))
		json_decref(v);
	else
		json_object_set_new(o, key, v);
}

static void set_text(json_t *o, const char *key, const char *s)
{
	if (s && *s)
		json_object_set_new(o, key, json_string(s));
}

/* ---- units ---- */

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

static int duration_field(struct cv *c, json_t *o, const char *jkey, const struct node *map,
			  const char *key, int keep_zero)
{
	const struct node *n = get(map, key);
	if (!n || n->kind == NODE_NULL)
		return 0;
	int64_t ns;
	if (n->kind == NODE_INT)
		ns = n->s.v.i;
	else if (!text(n) || units_parse_duration(text(n), &ns))
		return fail(c, n, key, "invalid duration %s", repr(c, text(n) ? text(n) : ""));
	if (ns || keep_zero)
		json_object_set_new(o, jkey, json_integer((json_int_t)ns));
	return 0;
}

static int bytes_value(struct cv *c, long long *out, const struct node *n, const char *key)
{
	if (n->kind == NODE_INT) {
		*out = n->s.v.i;
		return 0;
	}
	struct sbuf why = SBUF_INIT;
	int64_t v;
	if (!text(n) || units_ram_in_bytes(text(n), &v, &why)) {
		fail(c, n, key, "%s", why.len ? why.buf : "invalid size");
		sbuf_release(&why);
		return -1;
	}
	*out = v;
	return 0;
}

static int int_value(struct cv *c, long long *out, const struct node *n, const char *key)
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
	return fail(c, n, key, "expected an integer, got %s", repr(c, t ? t : ""));
}

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
	/* domain: a first component with '.' or ':' or "localhost" or upper case */
	const char *first_slash = memchr(image, '/', namelen);
	size_t dlen = 0;
	if (first_slash) {
		size_t fl = (size_t)(first_slash - image);
		int is_domain = !strncmp(image, "localhost", fl) && fl == 9;
		for (size_t i = 0; i < fl && !is_domain; i++)
			if (image[i] == '.' || image[i] == ':' || isupper((unsigned char)image[i]))
				is_domain = 1;
		if (is_domain)
			dlen = fl;
	}
	const char *path = dlen ? image + dlen + 1 : image;
	size_t plen = namelen - (size_t)(path - image);
	if (!ref_name_ok(path, plen) || (tag && !*tag) || (at && !at[1]))
		return xstrdup(image);
	int hub = !dlen || (dlen == 9 && !strncmp(image, "docker.io", 9)) ||
		  (dlen == 15 && !strncmp(image, "index.docker.io", 15));
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

/* ---- names the daemon accepts ---- */

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

/* ---- top-level objects ---- */

static int is_user_defined_network(const char *name)
{
	return strcmp(name, "default") && strcmp(name, "bridge") && strcmp(name, "host") &&
	       strcmp(name, "none") && strncmp(name, "container:", 10);
}

static struct stack_object *add_object(struct stack_spec *s, enum stack_kind kind, size_t *alloc)
{
	ALLOC_GROW(s->v[kind], s->n[kind] + 1, *alloc);
	struct stack_object *o = &s->v[kind][s->n[kind]++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	return o;
}

/* The swarm name of a top-level object: `name:` or <stack>_<key>. */
static const char *object_name(struct cv *c, const struct node *def, const char *key)
{
	const char *name = get_text(def, "name");
	if (name && *name)
		return name;
	if (truthy(get(def, "external")))
		return key;
	return scoped(c, key);
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
		for (size_t i = 0; ipcfg && ipcfg->kind == NODE_SEQ && i < ipcfg->seq.n; i++) {
			json_t *one = json_object();
			set_text(one, "Subnet", get_text(ipcfg->seq.v[i], "subnet"));
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
	json_object_set_new(b, "Options", opts && opts->kind == NODE_MAP ? str_map(opts) : json_null());
	json_object_set_new(b, "Labels", stack_labels(c, get(def, "labels")));
	json_object_set_new(b, "Name", json_string(name));
	json_object_set_new(b, "CheckDuplicate", json_true());
	return b;
}

static int cmp_object_name(const void *a, const void *b)
{
	return strcmp(((const struct stack_object *)a)->name, ((const struct stack_object *)b)->name);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
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
		qsort(v, n, sizeof(*v), cmp_str);
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

static void convert_networks(struct cv *c, struct stack_spec *s, const struct node *services)
{
	const char **keys;
	size_t n, alloc = 0;
	used_networks(c, services, &keys, &n);
	for (size_t i = 0; i < n; i++) {
		const struct node *def = get(c->networks, keys[i]);
		/* undefined ones are reported per service */
		if (!def && strcmp(keys[i], "default"))
			continue;
		struct stack_object *o = add_object(s, KIND_NETWORK, &alloc);
		o->key = keys[i];
		o->external = truthy(get(def, "external"));
		o->name = object_name(c, def, keys[i]);
		if (!o->external)
			o->spec = network_body(c, def, o->name);
	}
	if (s->n[KIND_NETWORK])
		qsort(s->v[KIND_NETWORK], s->n[KIND_NETWORK], sizeof(struct stack_object), cmp_object_name);
}

static int read_file(struct cv *c, struct sbuf *data, const struct node *fnode, size_t max,
		     const char *what)
{
	const char *file = text(fnode);
	FILE *f = fopen(file, "rb");
	if (!f)
		return fail(c, fnode, "file", "cannot read %s file %s: %s", what, repr(c, file), strerror(errno));
	char buf[8192];
	size_t got;
	int rc = 0;
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (data->len + got > max) {
			rc = fail(c, fnode, "file", "%s file %s is larger than %zu KiB, the daemon's limit",
				  what, repr(c, file), max / 1024);
			break;
		}
		sb_put(data, buf, got);
	}
	if (!rc && ferror(f))
		rc = fail(c, fnode, "file", "cannot read %s file %s: %s", what, repr(c, file), strerror(errno));
	fclose(f);
	return rc;
}

static json_t *base64(const struct sbuf *data)
{
	size_t cap = CRYPTO_BASE64_LEN(data->len);
	char *out = xmalloc(cap);
	size_t n = crypto_base64(out, data->buf, data->len);
	json_t *j = json_stringn(out, n);
	explicit_bzero(out, cap);
	free(out);
	return j;
}

static void convert_file_objects(struct cv *c, struct stack_spec *s, enum stack_kind kind)
{
	const struct node *defs = kind == KIND_SECRET ? c->secrets : c->configs;
	const char *section = kind == KIND_SECRET ? "secrets" : "configs";
	size_t alloc = 0;
	for (size_t i = 0; defs && defs->kind == NODE_MAP && i < defs->map.n; i++) {
		const char *key = defs->map.v[i].key;
		const struct node *def = defs->map.v[i].val;
		struct stack_object *o = add_object(s, kind, &alloc);
		o->key = key;
		o->external = truthy(get(def, "external"));
		o->name = object_name(c, def, key);
		if (!o->external && !valid_object_name(o->name)) {
			size_t l = push(c, section);
			fail_at(c, defs->map.v[i].keypos, key,
				"%s name %s is invalid: the daemon takes letters, digits, '-', '_' and '.', "
				"starting and ending with a letter or digit, at most 64 characters",
				kind == KIND_SECRET ? "secret" : "config", repr(c, o->name));
			pop(c, l);
		}
		if (o->external)
			continue;
		size_t l0 = push(c, section);
		size_t l1 = push(c, key);
		json_t *b = json_object();
		json_object_set_new(b, "Name", json_string(o->name));
		json_object_set_new(b, "Labels", stack_labels(c, get(def, "labels")));
		const char *driver = kind == KIND_SECRET ? get_text(def, "driver") : NULL;
		if (driver && *driver) {
			json_t *d = json_object();
			json_object_set_new(d, "Name", json_string(driver));
			const struct node *dopts = get(def, "driver_opts");
			if (dopts && dopts->kind == NODE_MAP && dopts->map.n)
				json_object_set_new(d, "Options", str_map(dopts));
			json_object_set_new(b, "Driver", d);
		} else if (!text(get(def, "file"))) {
			fail(c, def, NULL, "%s %s has no file: only file-backed %s can be deployed",
			     kind == KIND_SECRET ? "secret" : "config", repr(c, key), section);
		} else {
			struct sbuf data = SBUF_INIT;
			if (!read_file(c, &data, get(def, "file"), kind == KIND_SECRET ? SECRET_MAX_BYTES : CONFIG_MAX_BYTES,
				       kind == KIND_SECRET ? "secret" : "config") &&
			    data.len)
				json_object_set_new(b, "Data", base64(&data));
			if (data.alloc)
				explicit_bzero(data.buf, data.alloc);
			sbuf_release(&data);
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
	if (s->n[kind])
		qsort(s->v[kind], s->n[kind], sizeof(struct stack_object), cmp_object_name);
}

/* ---- services ---- */

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
	for (size_t i = 0; list && list->kind == NODE_SEQ && i < list->seq.n; i++) {
		const struct node *it = list->seq.v[i];
		const char *src = it->kind == NODE_MAP ? get_text(it, "source") : text(it);
		size_t l1 = c->path.len;
		push_index(c, i);
		const struct node *def = src ? get(defs, src) : NULL;
		if (!def) {
			fail(c, it, NULL, "undefined %s %s", what, repr(c, src ? src : ""));
			pop(c, l1);
			continue;
		}
		const char *target = get_text(it, "target");
		if (!target || !*target)
			target = src;
		for (size_t j = 0; j < n; j++) {
			json_t *f = json_object_get(refs[j].j, "File");
			if (!strcmp(json_string_value(json_object_get(f, "Name")), target))
				fail(c, it, NULL, "duplicate %s target for %s not allowed", what,
				     repr(c, object_name(c, def, src)));
		}
		const char *uid = get_text(it, "uid"), *gid = get_text(it, "gid");
		long long mode = 0444;
		const struct node *mn = get(it, "mode");
		if (mn && mn->kind != NODE_NULL && int_value(c, &mode, mn, "mode")) {
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
		const char *name = object_name(c, def, src);
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
				fail_at(c, nets->map.v[i].keypos, nk, "undefined network %s", repr(c, nk));
			else {
				push_index(c, i);
				fail(c, nets->seq.v[i], NULL, "undefined network %s", repr(c, nk));
			}
			pop(c, l);
			continue;
		}
		const char *target = object_name(c, def, nk);
		json_t *att = json_object();
		json_object_set_new(att, "Target", json_string(target));
		json_t *aliases = str_list(&c->run->arena, get(cfg, "aliases"), 0);
		if (is_user_defined_network(target))
			json_array_append_new(aliases, json_string(key));
		set_nonempty(att, "Aliases", aliases);
		const struct node *dopts = get(cfg, "driver_opts");
		if (dopts)
			set_nonempty(att, "DriverOpts", str_map(dopts));
		/* insertion sort by Target: the list is short */
		size_t at = json_array_size(a);
		while (at > 0 && strcmp(json_string_value(json_object_get(json_array_get(a, at - 1), "Target")), target) > 0)
			at--;
		json_array_insert_new(a, at, att);
	}
	return a;
}

static json_t *mounts(struct cv *c, const struct node *svc)
{
	const struct node *vols = get(svc, "volumes");
	json_t *a = json_array();
	size_t l0 = push(c, "volumes");
	for (size_t i = 0; vols && vols->kind == NODE_SEQ && i < vols->seq.n; i++) {
		const struct node *v = vols->seq.v[i];
		size_t l1 = c->path.len;
		push_index(c, i);
		if (v->kind != NODE_MAP) {
			fail(c, v, NULL, "expected the long volume syntax (a mapping)");
			pop(c, l1);
			continue;
		}
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
			fail(c, get(v, "type"), "type", "volume type must be volume, bind, tmpfs, npipe, or cluster");
			pop(c, l1);
			continue;
		}
		int bad = 0;
		for (size_t k = 0; k < 5; k++)
			if (optv[k] && !allowed[k] && !bad) {
				fail(c, optv[k], optnames[k], "%s options are incompatible with type %s",
				     k == 3 ? "images" : optnames[k], type);
				bad = 1;
			}
		int needs_src = strcmp(type, "volume") && strcmp(type, "tmpfs");
		if (!bad && needs_src && (!src || !*src)) {
			fail(c, v, NULL, "invalid %s source, source cannot be empty", type);
			bad = 1;
		}
		if (!bad && !strcmp(type, "tmpfs") && src && *src) {
			fail(c, get(v, "source"), "source", "invalid tmpfs source, source must be empty");
			bad = 1;
		}
		if (bad) {
			pop(c, l1);
			continue;
		}
		json_t *m = json_object();
		json_object_set_new(m, "Type", json_string(type));
		const char *source = src;
		const struct node *vdef = NULL;
		if ((!strcmp(type, "volume") || (!strcmp(type, "cluster") && strncmp(src, "group:", 6))) && src && *src) {
			vdef = get(c->volumes, src);
			if (!vdef) {
				fail(c, get(v, "source"), "source", "undefined volume %s", repr(c, src));
				json_decref(m);
				pop(c, l1);
				continue;
			}
			source = object_name(c, vdef, src);
		}
		set_text(m, "Source", source);
		set_text(m, "Target", get_text(v, "target"));
		if (truthy(get(v, "read_only")))
			json_object_set_new(m, "ReadOnly", json_true());
		set_text(m, "Consistency", get_text(v, "consistency"));
		if (bind) {
			json_t *bo = json_object();
			set_text(bo, "Propagation", get_text(bind, "propagation"));
			json_object_set_new(m, "BindOptions", bo);
		}
		if (!strcmp(type, "volume") && src && *src) {
			json_t *vo = json_object();
			if (truthy(get(vol, "nocopy")))
				json_object_set_new(vo, "NoCopy", json_true());
			if (!truthy(get(vdef, "external"))) {
				json_object_set_new(vo, "Labels", stack_labels(c, get(vdef, "labels")));
				set_text(vo, "Subpath", get_text(vol, "subpath"));
				const char *drv = get_text(vdef, "driver");
				const struct node *dopts = get(vdef, "driver_opts");
				if ((drv && *drv) || (dopts && dopts->kind == NODE_MAP)) {
					json_t *dc = json_object();
					set_text(dc, "Name", drv);
					if (dopts && dopts->kind == NODE_MAP)
						set_nonempty(dc, "Options", str_map(dopts));
					json_object_set_new(vo, "DriverConfig", dc);
				}
			} else {
				set_text(vo, "Subpath", get_text(vol, "subpath"));
			}
			json_object_set_new(m, "VolumeOptions", vo);
		}
		if (image) {
			json_t *io = json_object();
			set_text(io, "Subpath", get_text(image, "subpath"));
			json_object_set_new(m, "ImageOptions", io);
		}
		if (tmpfs) {
			json_t *to = json_object();
			const struct node *size = get(tmpfs, "size");
			long long sz = 0;
			if (size && size->kind != NODE_NULL) {
				size_t l2 = push(c, "tmpfs");
				bytes_value(c, &sz, size, "size");
				pop(c, l2);
			}
			if (sz)
				json_object_set_new(to, "SizeBytes", json_integer(sz));
			json_object_set_new(m, "TmpfsOptions", to);
		}
		if (!strcmp(type, "cluster"))
			json_object_set_new(m, "ClusterOptions", json_object());
		json_array_append_new(a, m);
		pop(c, l1);
	}
	pop(c, l0);
	return a;
}

static json_t *healthcheck(struct cv *c, const struct node *hc)
{
	size_t l = push(c, "healthcheck");
	json_t *h = json_object();
	const struct node *test = get(hc, "test");
	if (truthy(get(hc, "disable"))) {
		if (test && ((test->kind == NODE_SEQ && test->seq.n) || (text(test) && *text(test))))
			fail(c, test, "test", "test and disable can't be set at the same time");
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
		t = str_list(&c->run->arena, test, 0);
	}
	set_nonempty(h, "Test", t);
	duration_field(c, h, "Interval", hc, "interval", 0);
	duration_field(c, h, "Timeout", hc, "timeout", 0);
	duration_field(c, h, "StartPeriod", hc, "start_period", 0);
	duration_field(c, h, "StartInterval", hc, "start_interval", 0);
	const struct node *r = get(hc, "retries");
	long long retries = 0;
	if (r && r->kind != NODE_NULL)
		int_value(c, &retries, r, "retries");
	if (retries)
		json_object_set_new(h, "Retries", json_integer(retries));
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
		qsort(v, n, sizeof(*v), cmp_str);
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
	for (size_t i = 0; list && list->kind == NODE_SEQ && i < list->seq.n; i++) {
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
	set_nonempty(cs, "CapabilityAdd", a);
	set_nonempty(cs, "CapabilityDrop", d);
}

static json_t *ulimits(struct cv *c, const struct node *ul)
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
				int_value(c, &soft, s, "soft");
			if (h)
				int_value(c, &hard, h, "hard");
		} else {
			int_value(c, &soft, u, NULL);
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

static json_t *restart_policy(struct cv *c, const struct node *svc, const struct node *deploy)
{
	const struct node *rp = get(deploy, "restart_policy");
	if (rp) {
		size_t l0 = push(c, "deploy");
		size_t l1 = push(c, "restart_policy");
		json_t *r = json_object();
		set_text(r, "Condition", get_text(rp, "condition"));
		duration_field(c, r, "Delay", rp, "delay", 1);
		const struct node *ma = get(rp, "max_attempts");
		long long attempts;
		if (ma && ma->kind != NODE_NULL && !int_value(c, &attempts, ma, "max_attempts"))
			json_object_set_new(r, "MaxAttempts", json_integer(attempts));
		duration_field(c, r, "Window", rp, "window", 1);
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
		fail(c, get(svc, "restart"), "restart", "invalid restart policy format: no policy provided before colon");
		return NULL;
	}
	if (colon && colon[1]) {
		char *end;
		count = strtoll(colon + 1, &end, 10);
		if (*end) {
			fail(c, get(svc, "restart"), "restart",
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
		fail(c, get(svc, "restart"), "restart", "unknown restart policy: %s", repr(c, restart));
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
		int_value(c, &p, par, "parallelism");
	json_object_set_new(u, "Parallelism", json_integer(p));
	duration_field(c, u, "Delay", uc, "delay", 0);
	set_text(u, "FailureAction", get_text(uc, "failure_action"));
	duration_field(c, u, "Monitor", uc, "monitor", 0);
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
	set_text(u, "Order", get_text(uc, "order"));
	pop(c, l);
	return u;
}

static json_t *resources(struct cv *c, const struct node *res)
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
		long long nano = 0, mem = 0, pids = 0;
		const char *why;
		if (cpus && *cpus && parse_cpus(&nano, cpus, &why))
			fail(c, get(p, "cpus"), "cpus", "%s", why ? why : arena_fmt(&c->run->arena,
				"failed to parse %s as a rational number", repr(c, cpus)));
		const struct node *mn = get(p, "memory");
		if (mn && mn->kind != NODE_NULL)
			bytes_value(c, &mem, mn, "memory");
		const struct node *pn = k == 0 ? get(p, "pids") : NULL;
		if (pn && pn->kind != NODE_NULL)
			int_value(c, &pids, pn, "pids");
		if (nano)
			json_object_set_new(o, "NanoCPUs", json_integer(nano));
		if (mem)
			json_object_set_new(o, "MemoryBytes", json_integer(mem));
		if (pids)
			json_object_set_new(o, "Pids", json_integer(pids));
		const struct node *gr = k == 1 ? get(p, "generic_resources") : NULL;
		json_t *ga = json_array();
		for (size_t i = 0; gr && gr->kind == NODE_SEQ && i < gr->seq.n; i++) {
			json_t *g = json_object();
			const struct node *d = get(gr->seq.v[i], "discrete_resource_spec");
			if (d) {
				json_t *dj = json_object();
				set_text(dj, "Kind", get_text(d, "kind"));
				const struct node *vn = get(d, "value");
				long long val = 0;
				if (vn && vn->kind != NODE_NULL)
					int_value(c, &val, vn, "value");
				if (val)
					json_object_set_new(dj, "Value", json_integer(val));
				json_object_set_new(g, "DiscreteResourceSpec", dj);
			}
			json_array_append_new(ga, g);
		}
		set_nonempty(o, "GenericResources", ga);
		json_object_set_new(r, k == 0 ? "Limits" : "Reservations", o);
		pop(c, l1);
	}
	pop(c, l);
	return r;
}

static json_t *placement(struct cv *c, const struct node *pl)
{
	json_t *p = json_object();
	set_nonempty(p, "Constraints", str_list(&c->run->arena, get(pl, "constraints"), 0));
	const struct node *prefs = get(pl, "preferences");
	json_t *pa = json_array();
	for (size_t i = 0; prefs && prefs->kind == NODE_SEQ && i < prefs->seq.n; i++) {
		json_t *sp = json_object();
		const char *spread = get_text(prefs->seq.v[i], "spread");
		set_text(sp, "SpreadDescriptor", spread);
		json_t *o = json_object();
		json_object_set_new(o, "Spread", sp);
		json_array_append_new(pa, o);
	}
	set_nonempty(p, "Preferences", pa);
	const struct node *mr = get(pl, "max_replicas_per_node");
	long long max = 0;
	if (mr && mr->kind != NODE_NULL) {
		size_t l = push(c, "placement");
		int_value(c, &max, mr, "max_replicas_per_node");
		pop(c, l);
	}
	if (max)
		json_object_set_new(p, "MaxReplicas", json_integer(max));
	return p;
}

static json_t *service_mode(struct cv *c, const struct node *deploy)
{
	const struct node *mn = get(deploy, "mode");
	const char *mode = text(mn) ? text(mn) : "";
	const struct node *rn = get(deploy, "replicas");
	long long replicas = 0;
	int has_rep = rn && rn->kind != NODE_NULL;
	size_t l = push(c, "deploy");
	if (has_rep && int_value(c, &replicas, rn, "replicas"))
		has_rep = 0;
	json_t *m = json_object();
	json_t *inner = json_object();
	if (!strcmp(mode, "global") || !strcmp(mode, "global-job")) {
		if (has_rep)
			fail(c, rn, "replicas", "replicas can only be used with replicated or replicated-job mode");
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
		fail(c, mn, "mode", "Unknown mode: %s", mode);
	}
	pop(c, l);
	return m;
}

static json_t *endpoint_spec(struct cv *c, const struct node *svc, const struct node *deploy)
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
	const struct node *ports = get(svc, "ports");
	json_t *pa = json_array();
	size_t l = push(c, "ports");
	for (size_t i = 0; ports && ports->kind == NODE_SEQ && i < ports->seq.n; i++) {
		const struct node *p = ports->seq.v[i];
		size_t l1 = c->path.len;
		push_index(c, i);
		if (p->kind != NODE_MAP) {
			fail(c, p, NULL, "expected the long port syntax (a mapping)");
			pop(c, l1);
			continue;
		}
		long long target = 0, published = 0;
		const struct node *tn = get(p, "target"), *pn = get(p, "published");
		if (tn && tn->kind != NODE_NULL)
			int_value(c, &target, tn, "target");
		if (pn && pn->kind != NODE_NULL)
			int_value(c, &published, pn, "published");
		json_t *o = json_object();
		set_text(o, "Protocol", get_text(p, "protocol"));
		if (target)
			json_object_set_new(o, "TargetPort", json_integer(target));
		if (published)
			json_object_set_new(o, "PublishedPort", json_integer(published));
		set_text(o, "PublishMode", get_text(p, "mode"));
		/* stable insertion by published port */
		size_t at = json_array_size(pa);
		while (at > 0 && json_integer_value(json_object_get(json_array_get(pa, at - 1), "PublishedPort")) > published)
			at--;
		json_array_insert_new(pa, at, o);
		pop(c, l1);
	}
	pop(c, l);
	set_nonempty(e, "Ports", pa);
	return e;
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
			fail(c, cs, "credential_spec", "invalid credential spec: cannot specify both \"%s\" and \"%s\"",
			     set[0], set[1]);
		else
			fail(c, cs, "credential_spec",
			     "invalid credential spec: cannot specify both \"%s\", \"%s\", and \"%s\"", set[0], set[1], set[2]);
		return json_null();
	}
	json_t *o = json_object();
	const char *cfg = get_text(cs, "config");
	if (cfg && *cfg) {
		const struct node *def = get(c->configs, cfg);
		if (!def) {
			fail(c, get(cs, "config"), "credential_spec", "undefined config %s", repr(c, cfg));
		} else {
			/* bound to the config's ID by convert_bind_ids() */
			*config_name = object_name(c, def, cfg);
			json_object_set_new(o, "Config", json_string(*config_name));
		}
	}
	set_text(o, "File", get_text(cs, "file"));
	set_text(o, "Registry", get_text(cs, "registry"));
	return o;
}

static json_t *service_spec(struct cv *c, const char *key, const struct node *svc)
{
	const struct node *deploy = get(svc, "deploy");
	const char *image = get_text(svc, "image");
	if (!image || !*image) {
		fail(c, svc, NULL, "no image specified: a swarm service needs an image");
		image = "";
	}
	json_t *s = json_object();
	json_object_set_new(s, "Name", json_string(scoped(c, key)));
	json_t *labels = stack_labels(c, get(deploy, "labels"));
	json_object_set_new(labels, LABEL_IMAGE, json_string(image));
	json_object_set_new(s, "Labels", labels);

	json_t *tt = json_object();
	json_t *cs = json_object();
	char *tagged = convert_image_tagged(image);
	set_text(cs, "Image", tagged);
	free(tagged);
	json_object_set_new(cs, "Labels", stack_labels(c, get(svc, "labels")));
	set_nonempty(cs, "Command", str_list(&c->run->arena, get(svc, "entrypoint"), 1));
	set_nonempty(cs, "Args", str_list(&c->run->arena, get(svc, "command"), 1));
	set_text(cs, "Hostname", get_text(svc, "hostname"));
	set_nonempty(cs, "Env", env_list(get(svc, "environment")));
	set_text(cs, "Dir", get_text(svc, "working_dir"));
	set_text(cs, "User", get_text(svc, "user"));
	const char *credcfg = NULL;
	json_t *priv = json_object();
	json_object_set_new(priv, "CredentialSpec", credential_spec(c, get(svc, "credential_spec"), &credcfg));
	json_object_set_new(priv, "SELinuxContext", json_null());
	json_object_set_new(priv, "NoNewPrivileges", json_false());
	json_object_set_new(cs, "Privileges", priv);
	const struct node *init = get(svc, "init");
	if (init && init->kind == NODE_BOOL)
		json_object_set_new(cs, "Init", json_boolean(init->s.v.b));
	set_text(cs, "StopSignal", get_text(svc, "stop_signal"));
	if (truthy(get(svc, "tty")))
		json_object_set_new(cs, "TTY", json_true());
	if (truthy(get(svc, "stdin_open")))
		json_object_set_new(cs, "OpenStdin", json_true());
	if (truthy(get(svc, "read_only")))
		json_object_set_new(cs, "ReadOnly", json_true());
	set_nonempty(cs, "Mounts", mounts(c, svc));
	duration_field(c, cs, "StopGracePeriod", svc, "stop_grace_period", 1);
	const struct node *hc = get(svc, "healthcheck");
	if (hc && hc->kind == NODE_MAP)
		json_object_set_new(cs, "Healthcheck", healthcheck(c, hc));
	const struct node *eh = get(svc, "extra_hosts");
	json_t *hosts = json_array();
	for (size_t i = 0; eh && eh->kind == NODE_SEQ && i < eh->seq.n; i++) {
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
	set_nonempty(cs, "Hosts", hosts);
	const struct node *dns = get(svc, "dns"), *dnss = get(svc, "dns_search");
	if ((dns && dns->kind != NODE_NULL) || (dnss && dnss->kind != NODE_NULL)) {
		json_t *d = json_object();
		set_nonempty(d, "Nameservers", str_list(&c->run->arena, dns, 0));
		set_nonempty(d, "Search", str_list(&c->run->arena, dnss, 0));
		json_object_set_new(cs, "DNSConfig", d);
	}
	set_nonempty(cs, "Secrets", file_refs(c, svc, KIND_SECRET, NULL));
	set_nonempty(cs, "Configs", file_refs(c, svc, KIND_CONFIG, credcfg));
	set_text(cs, "Isolation", get_text(svc, "isolation"));
	const struct node *sys = get(svc, "sysctls");
	if (sys)
		set_nonempty(cs, "Sysctls", str_map(sys));
	capabilities(cs, svc);
	set_nonempty(cs, "Ulimits", ulimits(c, get(svc, "ulimits")));
	json_object_set_new(tt, "ContainerSpec", cs);

	size_t ld = push(c, "deploy");
	json_object_set_new(tt, "Resources", resources(c, get(deploy, "resources")));
	pop(c, ld);
	json_t *rp = restart_policy(c, svc, deploy);
	if (rp)
		json_object_set_new(tt, "RestartPolicy", rp);
	ld = push(c, "deploy");
	json_object_set_new(tt, "Placement", placement(c, get(deploy, "placement")));
	pop(c, ld);
	set_nonempty(tt, "Networks", service_networks(c, svc, key));
	const struct node *logging = get(svc, "logging");
	if (logging && logging->kind == NODE_MAP) {
		json_t *logd = json_object();
		set_text(logd, "Name", get_text(logging, "driver"));
		const struct node *lo = get(logging, "options");
		if (lo)
			set_nonempty(logd, "Options", str_map(lo));
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
	json_object_set_new(s, "EndpointSpec", endpoint_spec(c, svc, deploy));
	return s;
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

	convert_networks(&c, out, services);
	convert_file_objects(&c, out, KIND_SECRET);
	convert_file_objects(&c, out, KIND_CONFIG);

	size_t alloc = 0;
	for (size_t i = 0; services && services->kind == NODE_MAP && i < services->map.n; i++) {
		const char *key = services->map.v[i].key;
		size_t l0 = push(&c, "services");
		size_t l1 = push(&c, key);
		struct stack_object *o = add_object(out, KIND_SERVICE, &alloc);
		o->key = key;
		o->name = scoped(&c, key);
		if (!valid_service_name(o->name))
			fail_at(&c, services->map.v[i].keypos, NULL,
				"service name %s is invalid: the daemon takes a DNS label of letters, digits, '-' and "
				"'_', starting and ending with a letter or digit, at most 63 characters",
				repr(&c, o->name));
		o->spec = service_spec(&c, key, services->map.v[i].val);
		pop(&c, l1);
		pop(&c, l0);
	}
	if (out->n[KIND_SERVICE])
		qsort(out->v[KIND_SERVICE], out->n[KIND_SERVICE], sizeof(struct stack_object), cmp_object_name);
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
