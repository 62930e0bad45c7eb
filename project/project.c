/*
 * The loading pipeline shared by config, validate, diff and deploy.
 * Which files: project/discover.c. Which variables: the process environment,
 * then --env-file files or the project's .env (never in --compat=docker
 * mode), the .env of the project directory too when discovery found the files
 * elsewhere (load_project_dotenv()). Then each file is loaded, checked, interpolated, cast, validated and
 * normalized on its own (as docker does) and the results are merged left to
 * right.
 *
 * Every check runs on everything that could be read, so one run reports
 * every problem: a value that fails a check is marked (NODE_FAILED), later
 * checks skip it, and it is taken out of the tree before normalization; the
 * swarm rules are told where (struct rules_gaps) so that nothing that
 * depends on it is concluded. A file that cannot be read at all (YAML, its
 * version) stops there, and then nothing is merged. --compat=docker stops
 * at the first failing phase instead, as docker does.
 */
#include "project/project.h"
#include "project/discover.h"
#include "base/diag.h"
#include "base/path.h"
#include "compose/dotenv.h"
#include "compose/extends.h"
#include "compose/include.h"
#include "compose/interp.h"
#include "compose/load.h"
#include "base/node.h"
#include "compose/normalize.h"
#include "compose/spec.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "compose/typecast.h"
#include "base/xalloc.h"
#include "merge/merge.h"
#include "check/keys.h"
#include "check/rules.h"
#include "check/validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

void project_opts_init(struct project_opts *o)
{
	memset(o, 0, sizeof(*o));
}

void project_opts_release(struct project_opts *o)
{
	for (size_t i = 0; i < o->nfiles; i++)
		free((char *)o->files[i]);
	free(o->files);
	free(o->env_files);
	free(o->profiles);
	memset(o, 0, sizeof(*o));
}

void project_opts_add_file(struct project_opts *o, const char *name, size_t len)
{
	ALLOC_GROW(o->files, o->nfiles + 1, o->files_alloc);
	o->files[o->nfiles++] = xstrndup(name, len);
}

void project_opts_add_env_file(struct project_opts *o, const char *path)
{
	ALLOC_GROW(o->env_files, o->nenv_files + 1, o->env_files_alloc);
	o->env_files[o->nenv_files++] = path;
}

void project_opts_add_profile(struct project_opts *o, const char *profile)
{
	ALLOC_GROW(o->profiles, o->nprofiles + 1, o->profiles_alloc);
	o->profiles[o->nprofiles++] = profile;
}

/*
 * yaml.v3 + JSON cannot carry non-string keys below the root: docker rejects
 * them. The walk keeps its way down in path (left at the bad key when it
 * finds one) and spells it out only then.
 */
static const struct node_entry *find_nonstring_key(struct path_steps *path, const struct node *n)
{
	const struct node_entry *bad = NULL;
	size_t mark = path->n;
	if (n->kind == NODE_SEQ) {
		for (size_t i = 0; i < n->seq.n && !bad; i++) {
			path_steps_index(path, i);
			if (!(bad = find_nonstring_key(path, n->seq.v[i])))
				path_steps_pop(path, mark);
		}
	} else if (n->kind == NODE_MAP) {
		for (size_t i = 0; i < n->map.n && !bad; i++) {
			const struct node_entry *e = &n->map.v[i];
			path_steps_key(path, e->key);
			if (mark > 0 && (e->keyflags & NODE_KEY_NONSTR))
				return e;
			if (!(bad = find_nonstring_key(path, e->val)))
				path_steps_pop(path, mark);
		}
	}
	return bad;
}

static int check_keys_are_strings(struct run *run, const struct node *root)
{
	struct path_steps steps = PATH_STEPS_INIT;
	struct sbuf path = SBUF_INIT;
	/* the loader says whether there is one to find */
	const struct node_entry *bad =
		root->flags & NODE_NONSTR_KEYS ? find_nonstring_key(&steps, root) : NULL;
	if (bad)
		diag_add(&run->diag, DIAG_ERROR, "yaml.key-type", bad->keypos,
			 path_steps_spell(&path, &steps), "mapping key %s is not a string (quote it)",
			 diag_repr(&run->diag, bad->key, strlen(bad->key)));
	path_steps_release(&steps);
	sbuf_release(&path);
	return bad ? -1 : 0;
}

static const char *env_lookup(void *ctx, const char *name)
{
	return env_get(ctx, name);
}

/* normalize's errors: what it left out or half decoded is a gap for the rules */
static void normalize_failed_at(void *ctx, const struct path_steps *at)
{
	rules_gaps_add(ctx, at);
}

/* ==== taking failed values out ==== */

/* Whether n or anything below it is marked NODE_FAILED. */
static int has_failed(const struct node *n)
{
	if (n->flags & NODE_FAILED)
		return 1;
	if (n->kind == NODE_SEQ) {
		for (size_t i = 0; i < n->seq.n; i++)
			if (has_failed(n->seq.v[i]))
				return 1;
	} else if (n->kind == NODE_MAP) {
		for (size_t i = 0; i < n->map.n; i++)
			if (has_failed(n->map.v[i].val))
				return 1;
	}
	return 0;
}

/*
 * Take every marked value out of n: a mapping entry with its value (a gap
 * at its path), a list item whole when anything in it failed (one port,
 * one mount, one reference: half of one would be misread; an item that is
 * not there is never read as a fact, so it leaves no gap). Returns how many
 * were taken out.
 */
static size_t take_out(struct rules_gaps *gaps, struct path_steps *path, struct node *n)
{
	size_t taken = 0, w = 0;
	if (n->kind == NODE_MAP) {
		for (size_t i = 0; i < n->map.n; i++) {
			struct node_entry *e = &n->map.v[i];
			size_t mark = path_steps_key(path, e->key);
			if (e->val->flags & NODE_FAILED) {
				rules_gaps_add(gaps, path);
				taken++;
			} else {
				taken += take_out(gaps, path, e->val);
				n->map.v[w++] = *e;
			}
			path_steps_pop(path, mark);
		}
		n->map.n = (uint32_t)w;
	} else if (n->kind == NODE_SEQ) {
		for (size_t i = 0; i < n->seq.n; i++) {
			if (has_failed(n->seq.v[i]))
				taken++;
			else
				n->seq.v[w++] = n->seq.v[i];
		}
		n->seq.n = (uint32_t)w;
	}
	return taken;
}

/*
 * After the checks of one file: the failed values go, so normalization sees
 * a schema-valid tree, as it always does. Taking a value out can fail its
 * mapping in turn (a required key gone): those are marked by a quiet
 * validation and go too, until nothing fails. Returns -1 when the root
 * itself failed (nothing is left to go on with).
 */
static int take_out_failed(struct rules_gaps *gaps, struct node *root, const char *version)
{
	struct path_steps path = PATH_STEPS_INIT;
	int ret = 0;
	for (;;) {
		if (root->flags & NODE_FAILED) {
			ret = -1;
			break;
		}
		if (!take_out(gaps, &path, root) || !schema_mark_invalid(root, version))
			break; /* nothing taken out, or nothing more fails */
	}
	path_steps_release(&path);
	return ret;
}

/*
 * A Compose Specification file (compose/spec.h): interpolated first, as
 * compose does (a value moved by lowering is then cast at its new place),
 * lowered, then checked as a 3.13 file; it takes no part in the version
 * comparison (compose ignores version).
 */
static int load_spec_file(struct node **out, struct run *run, struct node *root,
			  const struct project_opts *o, struct env *env, struct rules_gaps *gaps,
			  struct spec_state *spec, const char *workdir)
{
	int failed = 0;
	struct interp_opts io = { INTERP_SPEC, env, o->compat_report, o->required_warns };
	if (!o->no_interpolate)
		failed |= interp_tree(run, root, &io) < 0;
	const struct source *file = source_get(&run->sources, root->pos.src);
	struct include_opts inc = { workdir, file->abspath ? file->abspath : "", env,
				    o->no_interpolate ? NULL : &io };
	failed |= include_resolve(run, root, &inc) < 0;
	struct extends_opts eo = { workdir, o->no_interpolate ? NULL : &io };
	failed |= extends_resolve(run, root, &eo) < 0;
	struct spec_opts so = { workdir, o->strict, env };
	failed |= spec_lower(run, root, spec, &so) < 0;
	if (!o->no_interpolate)
		failed |= typecast_tree(run, root) < 0;
	failed |= schema_check_keys(run, root) < 0;
	failed |= schema_validate(run, root, SCHEMA_DEFAULT_VERSION, gaps) < 0;
	if (failed && take_out_failed(gaps, root, SCHEMA_DEFAULT_VERSION))
		return -1;
	*out = root;
	return 0;
}

/*
 * One file through the per-file phases before normalization: parse, key
 * and version checks, interpolation, casts, schema validation. *version is
 * the first file's version, set by the first file that has one.
 *
 * Returns -1 when the file could not be read (YAML, the top level, a
 * non-string key, its version): *out is then NULL. Otherwise every check
 * ran on everything it could read, and *out is the tree with the values
 * that failed taken out (gaps says where); *mergeable is 0 when its version
 * is not the first file's. With --compat=docker, as docker, the first phase
 * that fails stops the file (-1).
 */
static int load_checked(struct node **out, int *mergeable, struct run *run, uint32_t src,
			const struct project_opts *o, struct env *env, const char **version,
			struct rules_gaps *gaps, struct spec_state *spec, const char *workdir)
{
	struct node *root = NULL;
	int stop = o->compat_docker;
	*out = NULL;
	*mergeable = 1;
	if (load_yaml(&root, run, src))
		return -1;
	if (!root || root->kind != NODE_MAP) {
		struct pos p = root ? root->pos : (struct pos){ src, 1, 1 };
		diag_add(&run->diag, DIAG_ERROR, "yaml.top-level", p, NULL,
			 "top-level object must be a mapping");
		return -1;
	}
	int bad = check_keys_are_strings(run, root);
	if (!o->compat_docker && spec_file_detect(root))
		return bad ? -1 : load_spec_file(out, run, root, o, env, gaps, spec, workdir);
	const char *v = NULL;
	if (schema_version_check(&v, run, root) || bad || !v)
		return -1;
	if (!*version) {
		*version = v;
	} else if (strcmp(*version, v)) {
		struct node_entry *ve = node_map_find(root, "version");
		diag_add(&run->diag, DIAG_ERROR, "version.mismatch", ve ? ve->val->pos : root->pos,
			 "version", "version mismatched between two compose files: %s and %s",
			 *version, v);
		if (stop)
			return -1;
		*mergeable = 0; /* checked against its own version, merged with nothing */
	}
	/* each phase marks what fails and the next goes on; --compat=docker stops, as docker */
	int failed = schema_check_keys(run, root) < 0;
	if (!o->no_interpolate && (!failed || !stop)) {
		struct interp_opts io = { o->compat_docker ? INTERP_DOCKER : INTERP_SPEC, env,
					  o->compat_report, o->required_warns };
		failed |= interp_tree(run, root, &io) < 0;
		if (!failed || !stop)
			failed |= typecast_tree(run, root) < 0;
	}
	if (!failed || !stop)
		failed |= schema_validate(run, root, v, gaps) < 0;
	if (failed && (stop || take_out_failed(gaps, root, v)))
		return -1;
	*out = root;
	return 0;
}

/*
 * docker compose reads .env twice: first from the directory known before the
 * files are (--project-directory, the first -f file's, else the current one),
 * since that .env may set COMPOSE_FILE; then from the project directory once
 * COMPOSE_FILE or discovery found the files, e.g. in a parent directory.
 * A variable already set is never replaced, so the first pass wins. An
 * --env-file or COMPOSE_ENV_FILES replaces .env in both passes: nothing to do.
 * On return *env is the table to use (a new one when a second .env was read).
 */
static int load_project_dotenv(struct env **env, struct run *run, const struct project_opts *o,
			       const char *first_dir, const char *project_dir)
{
	const char *listed = env_get(*env, "COMPOSE_ENV_FILES");
	if (o->compat_docker || o->nenv_files || (listed && *listed) || !strcmp(first_dir, project_dir))
		return 0;
	/* the first pass's variables are the process environment of the second */
	size_t n = env_count(*env);
	char **envp = xcalloc(n + 1, sizeof(*envp));
	for (size_t i = 0; i < n; i++)
		envp[i] = xstrfmt("%s=%s", env_at(*env, i)->name, env_at(*env, i)->value);
	struct env *second = env_new(run);
	int ret = env_load_project(second, run, envp, project_dir, NULL, 0, 0);
	/* a value from the first .env keeps pointing at its line */
	for (size_t i = 0; i < n; i++) {
		const struct env_var *v = env_at(*env, i);
		if (v->origin.src)
			env_set(second, v->name, v->value, v->origin);
		free(envp[i]);
	}
	free(envp);
	*env = second;
	return ret;
}

/* ==== the pipeline ==== */

int project_load(struct project *out, struct run *run, const struct project_opts *o)
{
	struct project_files files = { 0 };
	struct spec_state spec = { 0 };
	struct rules_gaps gaps = RULES_GAPS_INIT;
	struct node **trees = NULL;
	uint32_t *srcs = NULL;
	struct env *env = NULL;
	const char *version = NULL;
	char *env_dir = NULL;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	/* .env comes first: it may set COMPOSE_FILE */
	env_dir = discover_env_dir(o);
	env = env_new(run);
	int env_failed = env_load_project(env, run, environ, env_dir, o->env_files, o->nenv_files,
					  o->compat_docker);
	if (env_failed || discover_files(&files, run, o, env) ||
	    load_project_dotenv(&env, run, o, env_dir, files.dir))
		goto done;
	const char *workdir = files.dir;

	trees = xcalloc(files.n, sizeof(*trees));
	srcs = xcalloc(files.n, sizeof(*srcs));
	int failed = 0;
	/* reading only ever fails with a message without a position: these come first anyway */
	for (size_t i = 0; i < files.n; i++)
		if (load_read_file(&srcs[i], run, files.names[i], files.abs[i]))
			failed = 1;
	if (failed)
		goto done;

	/*
	 * Every file goes through every phase with what could be read of it, so
	 * one run reports every problem; merge and the swarm rules need all the
	 * files (a file missing would make its services and declarations look
	 * absent). With --compat=docker, as docker, the first failing phase ends.
	 */
	int complete = 1, stop = o->compat_docker;
	const char *home = getenv("HOME");
	struct normalize_opts no = { workdir, home, env_lookup, env, normalize_failed_at, &gaps };
	for (size_t i = 0; i < files.n; i++) {
		int mergeable;
		spec.file_no = i;
		if (load_checked(&trees[i], &mergeable, run, srcs[i], o, env, &version, &gaps, &spec,
				 workdir))
			failed = 1;
		if (!trees[i] || !mergeable)
			complete = 0;
		else
			spec_objects_overridden(&spec, trees[i]);
		/* from here on only an excerpt reads the text */
		source_evict(&run->sources, srcs[i]);
	}
	if (failed && stop)
		goto done;
	for (size_t i = 0; i < files.n; i++) {
		struct node *norm = NULL;
		if (trees[i] && normalize_file(&norm, run, trees[i], &no))
			failed = 1;
		trees[i] = norm;
	}
	if ((failed && stop) || !complete)
		goto done;

	struct node *merged = trees[0];
	for (size_t i = 1; i < files.n; i++)
		if (merge_files(&merged, run, merged, trees[i]) && stop)
			goto done;
	if (!version)
		version = SCHEMA_DEFAULT_VERSION; /* only Compose Specification files */
	const char *name = NULL;
	if (spec.seen && (spec_project_name(&name, run, &spec) ||
			  spec_apply_profiles(run, merged, &spec, o->profiles, o->nprofiles,
					      env_get(env, "COMPOSE_PROFILES"))))
		goto done;
	out->inline_objects = spec_objects_apply(run, merged, &spec);
	spec_profiles_defined(&out->profiles, &out->nprofiles, run, &spec);
	node_map_set(&run->arena, merged, "version", POS_NONE,
		     node_new_str(&run->arena, POS_NONE, version));
	if (!node_map_get(merged, "services"))
		node_map_set(&run->arena, merged, "services", POS_NONE,
			     node_new_map(&run->arena, POS_NONE));
	size_t before_rules = run->diag.n;
	swarm_rules_check(run, merged, o->deploy, &gaps);
	if (o->rules_warn)
		diag_demote_since(&run->diag, before_rules);
	if (diag_failed(&run->diag))
		goto done;

	out->root = merged;
	out->version = version;
	out->name = name;
	out->lowered = spec.seen;
	out->workdir = arena_strdup(&run->arena, workdir);
	const char **names = arena_alloc(&run->arena, files.n * sizeof(*names));
	for (size_t i = 0; i < files.n; i++)
		names[i] = arena_strdup(&run->arena, files.names[i]);
	out->file_names = names;
	out->nfiles = files.n;
	ret = 0;
done:
	free(env_dir);
	free(trees);
	free(srcs);
	rules_gaps_release(&gaps);
	spec_state_release(&spec);
	project_files_release(&files);
	if (diag_failed(&run->diag))
		ret = -1;
	return ret;
}

void project_escape_dollars(struct run *run, struct node *n)
{
	if (n->kind == NODE_SEQ) {
		for (size_t i = 0; i < n->seq.n; i++)
			project_escape_dollars(run, n->seq.v[i]);
	} else if (n->kind == NODE_MAP) {
		for (size_t i = 0; i < n->map.n; i++)
			project_escape_dollars(run, n->map.v[i].val);
	} else if (n->kind == NODE_STR && memchr(n->s.text, '$', n->len)) {
		struct sbuf sb = SBUF_INIT;
		for (size_t i = 0; i < n->len; i++) {
			if (n->s.text[i] == '$')
				sb_putc(&sb, '$');
			sb_putc(&sb, n->s.text[i]);
		}
		node_set_str(&run->arena, n, sb.buf, sb.len);
		sbuf_release(&sb);
	}
}
