/* extends, and compose-go's merge of service definitions: see extends.h. */
#include "compose/extends.h"
#include "base/arena.h"
#include "base/diag.h"
#include "base/node.h"
#include "base/path.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "compose/gocompat.h"
#include "compose/interp.h"
#include "compose/load.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ==== paths ==== */

const char *extends_join(struct run *run, const char *prefix, const char *path)
{
	if (path[0] == '/' || path[0] == '~' || !prefix || !*prefix)
		return path;
	char *joined = xstrfmt("%s/%s", prefix, path);
	/* two bytes before the cleaned path for "./" */
	char *out = arena_alloc(&run->arena, 2 + GO_CLEAN_ROOM(strlen(joined)));
	const char *clean = go_filepath_clean(out + 2, joined);
	free(joined);
	/* "./" in front of a relative path: a bind mount source must start with '.' */
	if (clean[0] == '/' || !strcmp(clean, ".") ||
	    (clean[0] == '.' && clean[1] == '.' && (!clean[2] || clean[2] == '/')))
		return clean;
	out[0] = '.';
	out[1] = '/';
	return out;
}

static void rebase_str(struct run *run, struct node *n, const char *prefix)
{
	const char *s = node_str(n);
	if (s && *s) {
		const char *to = extends_join(run, prefix, s);
		node_set_str(&run->arena, n, to, strlen(to));
	}
}

/* A short volume "src:dst[:mode]" whose source is a relative path. */
static void rebase_volume(struct run *run, struct node *v, const char *prefix)
{
	const char *s = node_str(v);
	if (s && s[0] == '.') {
		const char *colon = strchr(s, ':');
		if (!colon)
			return; /* only a target: an anonymous volume */
		char *src = xstrndup(s, (size_t)(colon - s));
		const char *to = extends_join(run, prefix, src);
		char *full = xstrfmt("%s%s", to, colon);
		node_set_str(&run->arena, v, full, strlen(full));
		free(full);
		free(src);
	} else if (v->kind == NODE_MAP) {
		const char *type = node_str(node_map_get(v, "type"));
		struct node *src = node_map_get(v, "source");
		if (type && !strcmp(type, "bind") && src && node_str(src))
			rebase_str(run, src, prefix);
	}
}

void extends_rebase_service(struct run *run, struct node *svc, const char *prefix)
{
	if (svc->kind != NODE_MAP || !prefix || !*prefix)
		return;
	struct node *v = node_map_get(svc, "volumes");
	if (v && v->kind == NODE_SEQ)
		for (size_t i = 0; i < v->seq.n; i++)
			rebase_volume(run, v->seq.v[i], prefix);
	struct node *env = node_map_get(svc, "env_file");
	size_t n = env && env->kind == NODE_SEQ ? env->seq.n : 1;
	for (size_t i = 0; env && i < n; i++) {
		struct node *item = env->kind == NODE_SEQ ? env->seq.v[i] : env;
		rebase_str(run, item->kind == NODE_MAP ? node_map_get(item, "path") : item, prefix);
	}
	struct node *ext = node_map_get(svc, "extends");
	if (ext && ext->kind == NODE_MAP && node_map_get(ext, "file"))
		rebase_str(run, node_map_get(ext, "file"), prefix);
}

/* ==== the merge ==== */

enum merge_rule {
	M_GENERIC,
	M_REPLACE,  /* command, entrypoint, healthcheck.test */
	M_TO_SEQ,   /* both sides as key=value lists, appended, deduplicated */
	M_EXACT,    /* the same, only exact duplicates dropped */
	M_BUILD,    /* a string is {context: it} */
	M_DEPENDS,  /* a list is a mapping to {condition: service_started, required: true} */
	M_NETWORKS, /* a list is a mapping to null */
	M_LOGGING,  /* merged only for the same driver */
	M_ULIMIT,   /* the override entry replaces */
};

enum dedup_key { K_NONE, K_EQ, K_VOLUME, K_DEVICE, K_SECRET, K_CONFIG, K_PORT, K_TEXT };

struct path_rule {
	const char *path; /* under the service; '*' is one key */
	enum merge_rule merge;
	enum dedup_key key;
};

static const struct path_rule path_rules[] = {
	{ "command", M_REPLACE, K_NONE },
	{ "entrypoint", M_REPLACE, K_NONE },
	{ "healthcheck.test", M_REPLACE, K_NONE },
	{ "environment", M_TO_SEQ, K_EQ },
	{ "labels", M_TO_SEQ, K_EQ },
	{ "annotations", M_TO_SEQ, K_EQ },
	{ "sysctls", M_TO_SEQ, K_EQ },
	{ "deploy.labels", M_TO_SEQ, K_EQ },
	{ "build.args", M_TO_SEQ, K_EQ },
	{ "build.labels", M_TO_SEQ, K_EQ },
	{ "build.additional_contexts", M_TO_SEQ, K_EQ },
	{ "env_file", M_TO_SEQ, K_EQ },
	{ "label_file", M_TO_SEQ, K_EQ },
	{ "dns", M_TO_SEQ, K_EQ },
	{ "dns_opt", M_TO_SEQ, K_EQ },
	{ "dns_search", M_TO_SEQ, K_EQ },
	{ "tmpfs", M_TO_SEQ, K_EQ },
	{ "extra_hosts", M_EXACT, K_NONE },
	{ "build.extra_hosts", M_EXACT, K_NONE },
	{ "build", M_BUILD, K_NONE },
	{ "depends_on", M_DEPENDS, K_NONE },
	{ "networks", M_NETWORKS, K_NONE },
	{ "logging", M_LOGGING, K_NONE },
	{ "ulimits.*", M_ULIMIT, K_NONE },
	{ "build.tags", M_GENERIC, K_EQ },
	{ "build.platform", M_GENERIC, K_EQ },
	{ "cap_add", M_GENERIC, K_EQ },
	{ "cap_drop", M_GENERIC, K_EQ },
	{ "links", M_GENERIC, K_EQ },
	{ "profiles", M_GENERIC, K_EQ },
	{ "networks.*.aliases", M_GENERIC, K_EQ },
	{ "networks.*.link_local_ips", M_GENERIC, K_EQ },
	{ "volumes", M_GENERIC, K_VOLUME },
	{ "devices", M_GENERIC, K_DEVICE },
	{ "secrets", M_GENERIC, K_SECRET },
	{ "configs", M_GENERIC, K_CONFIG },
	{ "ports", M_GENERIC, K_PORT },
	{ "expose", M_GENERIC, K_TEXT },
};

/* path matches pattern, '*' standing for one key */
static int path_matches(const char *pattern, const char *path)
{
	while (*pattern && *path) {
		if (*pattern == '*') {
			while (*path && *path != '.')
				path++;
			pattern++;
		} else if (*pattern++ != *path++) {
			return 0;
		}
	}
	return !*pattern && !*path;
}

static const struct path_rule *rule_for(const char *path)
{
	for (size_t i = 0; i < ARRAY_SIZE(path_rules); i++)
		if (path_matches(path_rules[i].path, path))
			return &path_rules[i];
	return NULL;
}

struct merger {
	struct run *run;
	const char *service;
	struct sbuf path; /* under the service, dotted: what the rules match */
	int failed;
};

static const char *scalar_text(const struct node *n)
{
	return node_is_scalar(n) && n->kind != NODE_NULL ? n->s.text : NULL;
}

/* One side of a key=value list rule as a list (compose's mergeToSequence). */
static struct node *to_seq(struct merger *m, struct node *n, int items_are_maps)
{
	struct arena *a = &m->run->arena;
	if (n->kind == NODE_SEQ)
		return n;
	struct node *seq = node_new_seq(a, n->pos);
	if (n->kind == NODE_NULL)
		return seq;
	if (n->kind != NODE_MAP || items_are_maps) {
		node_seq_push(a, seq, n);
		return seq;
	}
	/* sorted by key, as compose writes a mapping out */
	struct node_entry *sorted = xcalloc(n->map.n ? n->map.n : 1, sizeof(*sorted));
	memcpy(sorted, n->map.v, n->map.n * sizeof(*sorted));
	for (size_t i = 1; i < n->map.n; i++)
		for (size_t k = i; k > 0 && strcmp(sorted[k - 1].key, sorted[k].key) > 0; k--) {
			struct node_entry t = sorted[k];
			sorted[k] = sorted[k - 1];
			sorted[k - 1] = t;
		}
	for (size_t i = 0; i < n->map.n; i++) {
		const struct node_entry *e = &sorted[i];
		size_t cnt = e->val->kind == NODE_SEQ ? e->val->seq.n : 1;
		for (size_t k = 0; k < cnt; k++) {
			const struct node *v = e->val->kind == NODE_SEQ ? e->val->seq.v[k] : e->val;
			const char *text = scalar_text(v);
			struct node *item =
				text ? node_new_str(a, e->keypos, arena_fmt(a, "%s=%s", e->key, text))
				     : node_new_str(a, e->keypos, e->key);
			node_seq_push(a, seq, item);
		}
	}
	free(sorted);
	return seq;
}

static void split_field(struct sbuf *out, const char *s, int field)
{
	for (int f = 0; f < field; f++) {
		const char *colon = strchr(s, ':');
		if (!colon)
			return;
		s = colon + 1;
	}
	const char *end = strchr(s, ':');
	sb_put(out, s, end ? (size_t)(end - s) : strlen(s));
}

/* The key an item is deduplicated by (override/uncity.go). */
static void item_key(struct sbuf *out, const struct node *item, enum dedup_key k)
{
	const char *s = scalar_text(item);
	const struct node *m = item->kind == NODE_MAP ? item : NULL;
	switch (k) {
	case K_EQ:
		if (m)
			s = scalar_text(node_map_get(m, "path"));
		if (s)
			sb_put(out, s, strchr(s, '=') ? (size_t)(strchr(s, '=') - s) : strlen(s));
		break;
	case K_VOLUME:
	case K_DEVICE:
		if (m)
			s = scalar_text(node_map_get(m, "target"));
		else if (s && strchr(s, ':'))
			return split_field(out, s, 1);
		if (s)
			sb_puts(out, s);
		break;
	case K_SECRET:
	case K_CONFIG: {
		const char *dir = k == K_SECRET ? "/run/secrets/" : "/";
		if (m && scalar_text(node_map_get(m, "target")))
			sb_puts(out, scalar_text(node_map_get(m, "target")));
		else if ((s = m ? scalar_text(node_map_get(m, "source")) : s))
			sb_printf(out, "%s%s", dir, s);
		break;
	}
	case K_PORT:
		if (m) {
			const char *ip = scalar_text(node_map_get(m, "host_ip"));
			const char *pub = scalar_text(node_map_get(m, "published"));
			const char *target = scalar_text(node_map_get(m, "target"));
			const char *proto = scalar_text(node_map_get(m, "protocol"));
			sb_printf(out, "%s:%s:%s/%s", ip ? ip : "0.0.0.0", pub ? pub : "",
				  target ? target : "", proto ? proto : "tcp");
		} else if (s) {
			sb_puts(out, s);
		}
		break;
	case K_TEXT:
		if (s)
			sb_puts(out, s);
		break;
	case K_NONE:
		break;
	}
}

/* A later item with an earlier item's key takes its place; exact: only identical strings. */
static void dedup(struct node *seq, enum dedup_key k, int exact)
{
	char **keys = xcalloc(seq->seq.n ? seq->seq.n : 1, sizeof(*keys));
	size_t w = 0;
	struct sbuf sb = SBUF_INIT;
	for (size_t i = 0; i < seq->seq.n; i++) {
		struct node *item = seq->seq.v[i];
		sbuf_reset(&sb);
		if (exact)
			sb_puts(&sb, scalar_text(item) ? scalar_text(item) : "");
		else
			item_key(&sb, item, k);
		size_t j = 0;
		if (sb.len || exact)
			for (j = 0; j < w; j++)
				if (keys[j] && !strcmp(keys[j], sb.buf))
					break;
		if (sb.len && j < w) {
			if (!exact)
				seq->seq.v[j] = item;
			continue;
		}
		keys[w] = sb.len ? xstrdup(sb.buf) : NULL;
		seq->seq.v[w++] = item;
	}
	for (size_t i = 0; i < w; i++)
		free(keys[i]);
	free(keys);
	sbuf_release(&sb);
	seq->seq.n = (uint32_t)w;
}

static struct node *append(struct merger *m, struct node *base, struct node *over)
{
	for (size_t i = 0; i < over->seq.n; i++)
		node_seq_push(&m->run->arena, base, over->seq.v[i]);
	return base;
}

/* A list as a mapping: each name to value (NULL: to null). */
static struct node *list_to_map(struct merger *m, struct node *n, int depends)
{
	struct arena *a = &m->run->arena;
	if (n->kind != NODE_SEQ)
		return n;
	struct node *map = node_new_map(a, n->pos);
	for (size_t i = 0; i < n->seq.n; i++) {
		const char *name = scalar_text(n->seq.v[i]);
		if (!name)
			continue;
		struct pos p = n->seq.v[i]->pos;
		struct node *v = node_new_null(a, p);
		if (depends) {
			v = node_new_map(a, p);
			node_map_add_key(a, v, "condition", p, node_new_str(a, p, "service_started"));
			node_map_add_key(a, v, "required", p, node_new_bool(a, p, 1));
		}
		node_map_set(a, map, name, p, v);
	}
	return map;
}

static struct node *merge_value(struct merger *m, struct node *base, struct node *over);

static struct node *merge_maps(struct merger *m, struct node *base, struct node *over)
{
	struct arena *a = &m->run->arena;
	for (size_t i = 0; i < over->map.n; i++) {
		const struct node_entry *oe = &over->map.v[i];
		size_t mark = m->path.len;
		if (mark)
			sb_putc(&m->path, '.');
		sb_puts(&m->path, oe->key);
		struct node_entry *be = node_map_find(base, oe->key);
		if (oe->val->flags & NODE_TAG_RESET)
			node_map_remove(base, oe->key);
		else if (be)
			be->val = merge_value(m, be->val, oe->val);
		else
			node_map_add_key(a, base, oe->key, oe->keypos, oe->val);
		sbuf_setlen(&m->path, mark);
	}
	return base;
}

static struct node *merge_value(struct merger *m, struct node *base, struct node *over)
{
	if (over->flags & NODE_TAG_OVERRIDE)
		return over;
	const struct path_rule *r = rule_for(m->path.buf ? m->path.buf : "");
	enum merge_rule rule = r ? r->merge : M_GENERIC;
	if (over->kind == NODE_NULL)
		return base; /* a null never deletes: !reset does */
	switch (rule) {
	case M_REPLACE:
	case M_ULIMIT:
		return over;
	case M_TO_SEQ:
	case M_EXACT: {
		int maps = !strcmp(m->path.buf, "env_file");
		struct node *seq = append(m, to_seq(m, base, maps), to_seq(m, over, maps));
		dedup(seq, r->key, rule == M_EXACT);
		return seq;
	}
	case M_BUILD:
		if (node_str(base)) {
			struct node *b = node_new_map(&m->run->arena, base->pos);
			node_map_add_key(&m->run->arena, b, "context", base->pos, base);
			base = b;
		}
		if (node_str(over)) {
			struct node *o = node_new_map(&m->run->arena, over->pos);
			node_map_add_key(&m->run->arena, o, "context", over->pos, over);
			over = o;
		}
		break;
	case M_DEPENDS:
	case M_NETWORKS:
		base = list_to_map(m, base, rule == M_DEPENDS);
		over = list_to_map(m, over, rule == M_DEPENDS);
		break;
	case M_LOGGING:
		if (base->kind == NODE_MAP && over->kind == NODE_MAP) {
			const char *bd = node_str(node_map_get(base, "driver"));
			const char *od = node_str(node_map_get(over, "driver"));
			if (bd && od && strcmp(bd, od))
				return over;
		}
		break;
	case M_GENERIC:
		break;
	}
	if (base->kind == NODE_MAP && over->kind == NODE_MAP)
		return merge_maps(m, base, over);
	if (base->kind == NODE_SEQ && over->kind == NODE_SEQ) {
		append(m, base, over);
		if (r && r->key != K_NONE)
			dedup(base, r->key, 0);
		return base;
	}
	if (base->kind == NODE_MAP || base->kind == NODE_SEQ) {
		struct sbuf at = SBUF_INIT;
		path_push_key(&at, "services");
		path_push_key(&at, m->service);
		sb_printf(&at, ".%s", m->path.buf);
		diag_add(&m->run->diag, DIAG_ERROR, "extends.merge", over->pos, at.buf,
			 "cannot override a %s with a %s", node_kind_name(base->kind),
			 node_kind_name(over->kind));
		sbuf_release(&at);
		m->failed = 1;
		return base;
	}
	return over;
}

int spec_merge_service(struct node **out, struct run *run, struct node *base, struct node *over,
		       const char *service)
{
	struct merger m = { run, service, SBUF_INIT, 0 };
	sb_puts(&m.path, "");
	*out = base->kind == NODE_MAP && over->kind == NODE_MAP ? merge_maps(&m, base, over) : over;
	sbuf_release(&m.path);
	return m.failed ? -1 : 0;
}

/* ==== resolution ==== */

enum ext_state { S_NEW, S_ACTIVE, S_DONE, S_FAILED };

struct ext_file {
	const char *abs;    /* NULL: the file being resolved */
	const char *name;   /* as the project directory sees it */
	struct node *services;
	unsigned char *state; /* per service */
};

struct ext_link {
	size_t file;
	const char *service;
	struct pos at; /* its extends key */
};

struct ext_ctx {
	struct run *run;
	const struct extends_opts *o;
	struct ext_file *files;
	size_t nfiles, files_alloc;
	struct ext_link *chain;
	size_t nchain, chain_alloc;
};

static int add_file(struct ext_ctx *c, const char *abs, const char *name, struct node *root)
{
	struct node *services = root ? node_map_get(root, "services") : NULL;
	ALLOC_GROW(c->files, c->nfiles + 1, c->files_alloc);
	struct ext_file *f = &c->files[c->nfiles];
	f->abs = abs;
	f->name = name;
	f->services = services && services->kind == NODE_MAP ? services : NULL;
	f->state = xcalloc(f->services && f->services->map.n ? f->services->map.n : 1, 1);
	return (int)c->nfiles++;
}

static void service_path(struct sbuf *sb, const char *service)
{
	sbuf_reset(sb);
	path_push_key(sb, "services");
	path_push_key(sb, service);
	path_push_key(sb, "extends");
}

__attribute__((format(printf, 5, 6)))
static int report(struct ext_ctx *c, const char *rule, struct pos at, const char *service,
		  const char *fmt, ...)
{
	struct sbuf path = SBUF_INIT, msg = SBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	if (sbuf_vaddf(&msg, fmt, ap))
		BUG("uncapped buffer failed");
	va_end(ap);
	service_path(&path, service);
	diag_add(&c->run->diag, DIAG_ERROR, rule, at, path.buf, "%s", msg.buf);
	sbuf_release(&path);
	sbuf_release(&msg);
	return -1;
}

/* The file extends.file names (loaded once, its paths rebased); -1 when it cannot be read. */
static int load_base_file(struct ext_ctx *c, const char *written, struct pos at, const char *service)
{
	const char *rel = extends_join(c->run, ".", written);
	const char *abs = rel[0] == '/' ? rel : extends_join(c->run, c->o->workdir, written);
	for (size_t i = 1; i < c->nfiles; i++)
		if (!strcmp(c->files[i].abs, abs))
			return (int)i;
	const char *name = rel[0] == '.' && rel[1] == '/' ? rel + 2 : rel;
	struct stat sb;
	int missing = stat(abs, &sb);
	if (missing || !S_ISREG(sb.st_mode))
		return report(c, "extends.file", at, service, "cannot read %s: %s", name,
			      missing ? strerror(errno) : "not a file");
	uint32_t src;
	struct node *root = NULL;
	if (load_read_file(&src, c->run, name, abs) || load_yaml(&root, c->run, src))
		return -1;
	if (!root || root->kind != NODE_MAP)
		return report(c, "extends.file", at, service, "%s: top-level object must be a mapping", name);
	if (c->o->interp && interp_tree(c->run, root, c->o->interp) < 0)
		return -1;
	/* its paths, from its own directory, now from the project's */
	const char *slash = strrchr(rel, '/');
	const char *dir = slash ? arena_strndup(&c->run->arena, rel, (size_t)(slash - rel)) : ".";
	struct node *services = node_map_get(root, "services");
	if (services && services->kind == NODE_MAP)
		for (size_t i = 0; i < services->map.n; i++)
			extends_rebase_service(c->run, services->map.v[i].val, dir);
	return add_file(c, abs, name, root);
}

static int resolve(struct ext_ctx *c, size_t fi, size_t si);

static void cycle_error(struct ext_ctx *c, size_t fi, const char *service)
{
	size_t from = 0;
	for (size_t i = 0; i < c->nchain; i++)
		if (c->chain[i].file == fi && !strcmp(c->chain[i].service, service))
			from = i;
	struct sbuf msg = SBUF_INIT;
	for (size_t i = from; i <= c->nchain; i++) {
		size_t f = i < c->nchain ? c->chain[i].file : fi;
		const char *s = i < c->nchain ? c->chain[i].service : service;
		sb_printf(&msg, "%s%s", i > from ? " -> " : "", s);
		if (f)
			sb_printf(&msg, " (%s)", c->files[f].name);
	}
	const struct ext_link *last = &c->chain[c->nchain - 1];
	report(c, "extends.cycle", last->at, last->service, "extends cycle: %s", msg.buf);
	sbuf_release(&msg);
}

/* The base an extends names: *file and *index; -1 when reported. */
static int find_base(struct ext_ctx *c, size_t *file, size_t *index, size_t fi,
		     const struct node_entry *svc, const struct node_entry *ee)
{
	const struct node *v = ee->val;
	const char *base = node_str(v), *written = NULL;
	if (v->kind == NODE_MAP) {
		base = node_str(node_map_get(v, "service"));
		const struct node *f = node_map_get(v, "file");
		if (f && !(written = node_str(f)))
			return report(c, "extends.syntax", f->pos, svc->key, "extends.file must be a string");
		for (size_t i = 0; i < v->map.n; i++)
			if (strcmp(v->map.v[i].key, "service") && strcmp(v->map.v[i].key, "file"))
				return report(c, "extends.syntax", v->map.v[i].keypos, svc->key,
					      "extends has no key %s (only service and file)",
					      v->map.v[i].key);
		if (!base)
			return report(c, "extends.syntax", ee->keypos, svc->key,
				      "extends.service is required (a string)");
	} else if (!base) {
		return report(c, "extends.syntax", v->pos, svc->key,
			      "extends must be a service name or a mapping (service, file)");
	}
	*file = fi;
	if (written) {
		int loaded = load_base_file(c, written, v->pos, svc->key);
		if (loaded < 0)
			return -1;
		*file = (size_t)loaded;
	}
	const struct ext_file *f = &c->files[*file];
	for (size_t i = 0; f->services && i < f->services->map.n; i++)
		if (!strcmp(f->services->map.v[i].key, base)) {
			*index = i;
			return 0;
		}
	return report(c, "extends.not-found", v->pos, svc->key,
		      written ? "service \"%s\" not found in %s" : "service \"%s\" not found%s", base,
		      written ? f->name : " in this file");
}

static int resolve(struct ext_ctx *c, size_t fi, size_t si)
{
	struct node_entry *svc = &c->files[fi].services->map.v[si];
	unsigned char *state = &c->files[fi].state[si];
	if (*state == S_DONE)
		return 0;
	if (*state == S_FAILED)
		return -1;
	if (*state == S_ACTIVE) {
		cycle_error(c, fi, svc->key);
		return -1;
	}
	struct node_entry *ee = svc->val->kind == NODE_MAP ? node_map_find(svc->val, "extends") : NULL;
	if (!ee) {
		*state = S_DONE;
		return 0;
	}
	*state = S_ACTIVE;
	ALLOC_GROW(c->chain, c->nchain + 1, c->chain_alloc);
	c->chain[c->nchain++] = (struct ext_link){ fi, svc->key, ee->keypos };
	size_t bf = 0, bi = 0;
	int ret = find_base(c, &bf, &bi, fi, svc, ee);
	if (!ret)
		ret = resolve(c, bf, bi);
	/* loading a file may have moved the table */
	svc = &c->files[fi].services->map.v[si];
	node_map_remove(svc->val, "extends");
	if (!ret) {
		struct node *base = node_copy(&c->run->arena, c->files[bf].services->map.v[bi].val);
		struct node *merged;
		ret = spec_merge_service(&merged, c->run, base, svc->val, svc->key);
		svc->val = merged;
	}
	c->nchain--;
	c->files[fi].state[si] = ret ? S_FAILED : S_DONE;
	return ret;
}

int extends_resolve(struct run *run, struct node *root, const struct extends_opts *o)
{
	struct ext_ctx c = { run, o, NULL, 0, 0, NULL, 0, 0 };
	int ret = 0;
	add_file(&c, NULL, NULL, root);
	for (size_t i = 0; c.files[0].services && i < c.files[0].services->map.n; i++)
		if (resolve(&c, 0, i))
			ret = -1;
	for (size_t i = 0; i < c.nfiles; i++)
		free(c.files[i].state);
	free(c.files);
	free(c.chain);
	return ret;
}
