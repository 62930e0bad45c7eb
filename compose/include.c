/* include: see include.h. */
#include "compose/include.h"
#include "base/arena.h"
#include "base/diag.h"
#include "base/node.h"
#include "base/path.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "compose/dotenv.h"
#include "compose/extends.h"
#include "compose/interp.h"
#include "compose/load.h"
#include "compose/vars.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const sections[] = { "services", "networks", "volumes", "configs", "secrets" };

struct incl {
	struct run *run;
	const struct include_opts *o;
	const char **chain; /* absolute paths of the files being included, outermost first */
	size_t nchain, chain_alloc;
};

static int resolve_in(struct incl *c, struct node *root, const char *dir, const struct env *env,
		      const char *abs);
static void rebase(struct incl *c, struct node *root, const char *dir);

/* dir (relative to the project directory, or absolute) joined with path */
static const char *from(struct incl *c, const char *dir, const char *path)
{
	return extends_join(c->run, dir && *dir ? dir : ".", path);
}

static const char *absolute(struct incl *c, const char *rel)
{
	return rel[0] == '/' ? rel : extends_join(c->run, c->o->workdir, rel);
}

static const char *shown(const char *rel)
{
	return rel[0] == '.' && rel[1] == '/' ? rel + 2 : rel;
}

/* An absolute path as the project directory sees it. */
static const char *in_project(struct incl *c, const char *abs)
{
	size_t n = strlen(c->o->workdir);
	if (!strncmp(abs, c->o->workdir, n) && abs[n] == '/')
		return abs + n + 1;
	return abs;
}

/* The strings of a string-or-list value; -1 when it is neither (reported). */
static int strings(struct incl *c, const char ***out, size_t *n, const struct node *v,
		   const char *what)
{
	*n = v->kind == NODE_SEQ ? v->seq.n : 1;
	*out = arena_alloc(&c->run->arena, (*n ? *n : 1) * sizeof(**out));
	for (size_t i = 0; i < *n; i++) {
		const struct node *item = v->kind == NODE_SEQ ? v->seq.v[i] : v;
		if (!((*out)[i] = node_str(item)) || !*(*out)[i])
			return diag_add(&c->run->diag, DIAG_ERROR, "include.syntax", item->pos, "include",
					"%s must be a non-empty string or a list of them", what);
	}
	return 0;
}

/* The included project's variables: the including one's win over its env files. */
static int include_env(struct incl *c, struct env **out, const struct env *parent,
		       const struct node *env_file, const char *dir, const char *project_dir)
{
	struct env *env = env_new(c->run);
	int ret = 0;
	if (env_file) {
		const char **files;
		size_t n;
		if (strings(c, &files, &n, env_file, "include env_file"))
			return -1;
		for (size_t i = 0; i < n; i++) {
			if (!strcmp(files[i], "/dev/null"))
				continue; /* compose's way to say: not even .env */
			const char *abs = absolute(c, from(c, dir, files[i]));
			struct stat sb;
			if (stat(abs, &sb) || !S_ISREG(sb.st_mode)) {
				ret = diag_add(&c->run->diag, DIAG_ERROR, "include.env-file",
					       env_file->pos, "include", "cannot read env_file %s: %s",
					       files[i], errno ? strerror(errno) : "not a file");
				continue;
			}
			ret |= dotenv_load(env, c->run, abs, 1);
		}
	} else {
		ret |= dotenv_load(env, c->run, absolute(c, from(c, project_dir, ".env")), 0);
	}
	for (size_t i = 0; i < env_count(parent); i++) {
		const struct env_var *v = env_at(parent, i);
		env_set(env, v->name, v->value, v->origin);
	}
	*out = env;
	return ret;
}

/* One included file, loaded and resolved as a project of its own; NULL when reported. */
static struct node *load_one(struct incl *c, const char *rel, const char *project_dir,
			     const struct env *env, struct pos at)
{
	const char *abs = absolute(c, rel);
	for (size_t i = 0; i < c->nchain; i++)
		if (!strcmp(c->chain[i], abs)) {
			struct sbuf msg = SBUF_INIT;
			for (size_t k = i; k <= c->nchain; k++)
				sb_printf(&msg, "%s%s", k > i ? " -> " : "",
					  in_project(c, k < c->nchain ? c->chain[k] : abs));
			diag_add(&c->run->diag, DIAG_ERROR, "include.cycle", at, "include",
				 "include cycle: %s", msg.buf);
			sbuf_release(&msg);
			return NULL;
		}
	struct stat sb;
	int missing = stat(abs, &sb);
	if (missing || !S_ISREG(sb.st_mode)) {
		diag_add(&c->run->diag, DIAG_ERROR, "include.path", at, "include", "cannot read %s: %s",
			 shown(rel), missing ? strerror(errno) : "not a file");
		return NULL;
	}
	uint32_t src;
	struct node *root = NULL;
	if (load_read_file(&src, c->run, shown(rel), abs) || load_yaml(&root, c->run, src))
		return NULL;
	if (!root || root->kind != NODE_MAP) {
		diag_add(&c->run->diag, DIAG_ERROR, "yaml.top-level", root ? root->pos : at, NULL,
			 "top-level object must be a mapping");
		return NULL;
	}
	struct interp_opts io;
	if (c->o->interp) {
		io = *c->o->interp;
		io.env = env;
		if (interp_tree(c->run, root, &io) < 0)
			return NULL;
	}
	rebase(c, root, project_dir); /* before its own includes join it, already rebased */
	if (resolve_in(c, root, project_dir, env, abs))
		return NULL;
	return root;
}

/* Relative paths of an included project, from its directory to the project's. */
static void rebase(struct incl *c, struct node *root, const char *dir)
{
	struct node *services = node_map_get(root, "services");
	if (services && services->kind == NODE_MAP)
		for (size_t i = 0; i < services->map.n; i++)
			extends_rebase_service(c->run, services->map.v[i].val, dir);
	for (size_t s = 3; s < 5; s++) { /* configs, secrets */
		struct node *sec = node_map_get(root, sections[s]);
		for (size_t i = 0; sec && sec->kind == NODE_MAP && i < sec->map.n; i++) {
			struct node *file = sec->map.v[i].val->kind == NODE_MAP
						    ? node_map_get(sec->map.v[i].val, "file")
						    : NULL;
			if (file && node_str(file)) {
				const char *to = extends_join(c->run, dir, node_str(file));
				node_set_str(&c->run->arena, file, to, strlen(to));
			}
		}
	}
}

/* Add what from defines to into; a name both define is an error. */
static int import(struct incl *c, struct node *into, struct node *from_root, const char *file,
		  int merge_services)
{
	struct arena *a = &c->run->arena;
	int ret = 0;
	for (size_t s = 0; s < ARRAY_SIZE(sections); s++) {
		struct node *src = node_map_get(from_root, sections[s]);
		if (!src || src->kind != NODE_MAP)
			continue;
		struct node *dst = node_map_get(into, sections[s]);
		if (!dst || dst->kind != NODE_MAP) {
			dst = node_new_map(a, src->pos);
			node_map_set(a, into, sections[s], src->pos, dst);
		}
		for (size_t i = 0; i < src->map.n; i++) {
			const struct node_entry *e = &src->map.v[i];
			struct node_entry *have = node_map_find(dst, e->key);
			if (!have) {
				node_map_add_key(a, dst, e->key, e->keypos, e->val);
			} else if (merge_services && s == 0) {
				struct node *merged;
				ret |= spec_merge_service(&merged, c->run, have->val, e->val, e->key);
				have->val = merged;
			} else if (merge_services) {
				have->val = e->val;
			} else {
				struct sbuf path = SBUF_INIT;
				path_push_key(&path, sections[s]);
				path_push_key(&path, e->key);
				ret = diag_add(&c->run->diag, DIAG_ERROR, "include.conflict", have->keypos,
					       path.buf, "%s \"%s\" is also defined by the included %s",
					       sections[s], e->key, file);
				diag_add(&c->run->diag, DIAG_NOTE, NULL, e->keypos, NULL,
					 "defined there");
				sbuf_release(&path);
			}
		}
	}
	return ret;
}

/* One include entry into root; dir: the including project's directory. */
static int include_entry(struct incl *c, struct node *root, const struct node *entry,
			 const char *dir, const struct env *parent)
{
	const struct node *path = entry, *pd = NULL, *env_file = NULL;
	if (entry->kind == NODE_MAP) {
		path = node_map_get(entry, "path");
		pd = node_map_get(entry, "project_directory");
		env_file = node_map_get(entry, "env_file");
		for (size_t i = 0; i < entry->map.n; i++) {
			const char *k = entry->map.v[i].key;
			if (strcmp(k, "path") && strcmp(k, "project_directory") && strcmp(k, "env_file"))
				return diag_add(&c->run->diag, DIAG_ERROR, "include.syntax",
						entry->map.v[i].keypos, "include",
						"include has no key %s (path, project_directory, env_file)", k);
		}
		if (!path)
			return diag_add(&c->run->diag, DIAG_ERROR, "include.syntax", entry->pos, "include",
					"include.path is required");
	}
	const char **paths;
	size_t n;
	if (strings(c, &paths, &n, path, "include path"))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (strstr(paths[i], "://") || !strncmp(paths[i], "git@", 4))
			return diag_add(&c->run->diag, DIAG_ERROR, "include.path", path->pos, "include",
					"remote include %s: stackc reads local files only", paths[i]);
	const char *first = from(c, dir, paths[0]);
	const char *slash = strrchr(first, '/');
	const char *project_dir = slash ? arena_strndup(&c->run->arena, first, (size_t)(slash - first))
					: ".";
	if (pd) {
		if (!node_str(pd) || !*node_str(pd))
			return diag_add(&c->run->diag, DIAG_ERROR, "include.syntax", pd->pos, "include",
					"include.project_directory must be a non-empty string");
		project_dir = from(c, dir, node_str(pd));
	}
	struct env *env;
	if (include_env(c, &env, parent, env_file, dir, project_dir))
		return -1;
	struct node *merged = NULL;
	for (size_t i = 0; i < n; i++) {
		struct node *one = load_one(c, from(c, dir, paths[i]), project_dir, env, path->pos);
		if (!one)
			return -1;
		if (!merged)
			merged = one;
		else if (import(c, merged, one, shown(from(c, dir, paths[i])), 1))
			return -1;
	}
	struct interp_opts io;
	const struct interp_opts *iop = NULL;
	if (c->o->interp) {
		io = *c->o->interp;
		io.env = env;
		iop = &io;
	}
	struct extends_opts eo = { c->o->workdir, iop };
	if (extends_resolve(c->run, merged, &eo))
		return -1;
	return import(c, root, merged, shown(first), 0);
}

static int resolve_in(struct incl *c, struct node *root, const char *dir, const struct env *env,
		      const char *abs)
{
	struct node_entry *ie = node_map_find(root, "include");
	if (!ie)
		return 0;
	const struct node *list = ie->val;
	node_map_remove(root, "include");
	if (list->kind != NODE_SEQ)
		return diag_add(&c->run->diag, DIAG_ERROR, "include.syntax", list->pos, "include",
				"include must be a list, got %s", node_kind_name(list->kind));
	ALLOC_GROW(c->chain, c->nchain + 1, c->chain_alloc);
	c->chain[c->nchain++] = abs;
	int ret = 0;
	for (size_t i = 0; i < list->seq.n; i++)
		ret |= include_entry(c, root, list->seq.v[i], dir, env);
	c->nchain--;
	return ret;
}

int include_resolve(struct run *run, struct node *root, const struct include_opts *o)
{
	struct incl c = { run, o, NULL, 0, 0 };
	int ret = resolve_in(&c, root, "", o->env, o->file);
	free(c.chain);
	return ret;
}
