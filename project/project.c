/*
 * The loading pipeline shared by config, validate, diff and deploy.
 * Which files: -f/-c, else COMPOSE_FILE, else discovery in the project
 * directory. Which variables: the process environment, then --env-file
 * files or the project's .env (never in --compat=docker mode). Then each
 * file is loaded, checked, interpolated, cast, validated and normalized on
 * its own (as docker does) and the results are merged left to right.
 *
 * Errors are collected per phase across all files, so one run reports every
 * problem; a file that failed a phase does not enter the next one.
 */
#include "project/project.h"
#include "base/diag.h"
#include "base/path.h"
#include "compose/dotenv.h"
#include "compose/gocompat.h"
#include "compose/interp.h"
#include "compose/load.h"
#include "base/node.h"
#include "compose/normalize.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "compose/typecast.h"
#include "base/xalloc.h"
#include "merge/merge.h"
#include "check/keys.h"
#include "check/rules.h"
#include "check/validate.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

const char project_options_help[] =
	"  -f, --file FILE          compose file (repeatable; '-' reads stdin)\n"
	"  -c, --compose-file FILE  same as -f; comma-separated lists are split (docker)\n"
	"      --env-file FILE      variables file (repeatable; replaces the project's .env)\n"
	"      --project-directory DIR  where relative paths and .env are resolved\n"
	"      --compat=docker      read files exactly as docker stack does: its\n"
	"                           interpolation parser, no .env, no interpolation warnings\n"
	"      --no-interpolate     leave ${VAR} references as written\n";

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
	memset(o, 0, sizeof(*o));
}

static void add_file(struct project_opts *o, const char *f, size_t n)
{
	ALLOC_GROW(o->files, o->nfiles + 1, o->files_alloc);
	o->files[o->nfiles++] = xstrndup(f, n);
}

/* Value of --opt VALUE or --opt=VALUE; NULL if argv[*i] is not opt. */
static const char *opt_value(int argc, char **argv, int *i, const char *s, const char *l,
			     int *missing)
{
	const char *a = argv[*i];
	size_t ll = l ? strlen(l) : 0;
	if ((s && !strcmp(a, s)) || (l && !strcmp(a, l))) {
		if (*i + 1 >= argc) {
			*missing = 1;
			return NULL;
		}
		return argv[++*i];
	}
	if (l && !strncmp(a, l, ll) && a[ll] == '=')
		return a + ll + 1;
	if (s && !strncmp(a, s, 2) && a[2] && s[2] == '\0')
		return a + 2; /* -fFILE */
	return NULL;
}

int project_parse_option(struct project_opts *o, int argc, char **argv, int *i)
{
	int missing = 0;
	const char *v;
	const char *a = argv[*i];
	if ((v = opt_value(argc, argv, i, "-f", "--file", &missing))) {
		add_file(o, v, strlen(v));
		return 1;
	}
	if ((v = opt_value(argc, argv, i, "-c", "--compose-file", &missing))) {
		/* docker's -c is a string slice: comma-separated lists are split */
		for (const char *p = v;;) {
			const char *comma = strchr(p, ',');
			size_t n = comma ? (size_t)(comma - p) : strlen(p);
			if (n)
				add_file(o, p, n);
			if (!comma)
				break;
			p = comma + 1;
		}
		return 1;
	}
	if ((v = opt_value(argc, argv, i, NULL, "--env-file", &missing))) {
		ALLOC_GROW(o->env_files, o->nenv_files + 1, o->env_files_alloc);
		o->env_files[o->nenv_files++] = v;
		return 1;
	}
	if ((v = opt_value(argc, argv, i, NULL, "--project-directory", &missing))) {
		o->project_dir = v;
		return 1;
	}
	if ((v = opt_value(argc, argv, i, NULL, "--compat", &missing))) {
		if (strcmp(v, "docker")) {
			fprintf(stderr, "stackc: --compat takes 'docker', not '%s'\n", v);
			return -1;
		}
		o->compat_docker = 1;
		return 1;
	}
	if (missing) {
		fprintf(stderr, "stackc: option '%s' needs a value\n", a);
		return -1;
	}
	if (!strcmp(a, "--no-interpolate") || !strcmp(a, "--skip-interpolation")) {
		o->no_interpolate = 1;
		return 1;
	}
	return 0;
}

/* ==== files ==== */

static char *abs_path(const char *p, const char *base)
{
	if (p[0] == '/')
		return xstrdup(p);
	if (base)
		return xstrfmt("%s/%s", base, p);
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd)))
		die("cannot get the current directory: %s", strerror(errno));
	return xstrfmt("%s/%s", cwd, p);
}

/* Go's filepath.Clean of p, which it frees (filepath.Abs cleans what it joins). */
static char *clean_path(char *p)
{
	char *out = go_filepath_clean(xmalloc(GO_CLEAN_ROOM(strlen(p))), p);
	free(p);
	return out;
}

static char *dir_of(const char *abs)
{
	const char *slash = strrchr(abs, '/');
	if (!slash || slash == abs)
		return xstrdup("/");
	return xstrndup(abs, (size_t)(slash - abs));
}

static int file_exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

struct file_list {
	char **names; /* as shown */
	char **abs;   /* NULL for stdin */
	size_t n, alloc;
};

static void file_list_add(struct file_list *l, const char *name, const char *base)
{
	ALLOC_GROW(l->names, l->n + 1, l->alloc);
	l->abs = xrealloc(l->abs, l->alloc * sizeof(*l->abs));
	l->names[l->n] = xstrdup(name);
	l->abs[l->n] = strcmp(name, "-") ? clean_path(abs_path(name, base)) : NULL;
	l->n++;
}

static void file_list_release(struct file_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->names[i]);
		free(l->abs[i]);
	}
	free(l->names);
	free(l->abs);
}

static const char *const main_names[] = { "compose.yaml", "compose.yml", "docker-compose.yml",
					  "docker-compose.yaml" };
static const char *const override_names[] = { "compose.override.yml", "compose.override.yaml",
					      "docker-compose.override.yml",
					      "docker-compose.override.yaml" };

/* Discovery: the first main file in dir or a parent, plus its override. */
static int discover(struct file_list *l, struct run *run, const char *start)
{
	char *dir = clean_path(abs_path(start, NULL));
	for (;;) {
		for (size_t i = 0; i < ARRAY_SIZE(main_names); i++) {
			char *p = xstrfmt("%s/%s", dir, main_names[i]);
			if (file_exists(p)) {
				file_list_add(l, p, NULL);
				free(p);
				for (size_t j = 0; j < ARRAY_SIZE(override_names); j++) {
					char *o = xstrfmt("%s/%s", dir, override_names[j]);
					int found = file_exists(o);
					if (found)
						file_list_add(l, o, NULL);
					free(o);
					if (found)
						break;
				}
				free(dir);
				return 0;
			}
			free(p);
		}
		if (!strcmp(dir, "/"))
			break;
		char *up = dir_of(dir);
		free(dir);
		dir = up;
	}
	free(dir);
	return diag_error(&run->diag, POS_NONE, NULL,
			  "no compose file given and none found: use -f FILE, set COMPOSE_FILE, "
			  "or add compose.yaml or docker-compose.yml");
}

/* Shorten an absolute path to one relative to cwd for display, if below it. */
static void show_relative(struct file_list *l)
{
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd)))
		return;
	size_t n = strlen(cwd);
	for (size_t i = 0; i < l->n; i++) {
		const char *name = l->names[i];
		if (name[0] == '/' && !strncmp(name, cwd, n) && name[n] == '/') {
			char *s = xstrdup(name + n + 1);
			free(l->names[i]);
			l->names[i] = s;
		}
	}
}

static int collect_files(struct file_list *l, struct run *run, const struct project_opts *o,
			 const struct env *env)
{
	if (o->nfiles) {
		for (size_t i = 0; i < o->nfiles; i++)
			file_list_add(l, o->files[i], NULL);
		return 0;
	}
	if (o->compat_docker)
		return diag_error(&run->diag, POS_NONE, NULL,
				  "Specify a Compose file (with --compose-file)");
	const char *cf = env_get(env, "COMPOSE_FILE");
	if (cf && *cf) {
		const char *sep = env_get(env, "COMPOSE_PATH_SEPARATOR");
		char sepc = sep && *sep ? sep[0] : ':';
		for (const char *p = cf;;) {
			const char *e = strchr(p, sepc);
			size_t n = e ? (size_t)(e - p) : strlen(p);
			char *one = xstrndup(p, n);
			file_list_add(l, one, NULL);
			free(one);
			if (!e)
				break;
			p = e + 1;
		}
		return 0;
	}
	if (discover(l, run, o->project_dir ? o->project_dir : "."))
		return -1;
	show_relative(l);
	return 0;
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

/*
 * One file through the per-file phases before normalization: parse, key
 * and version checks, interpolation, casts, schema validation. *version is
 * the first file's version, set by the first file that has one.
 */
static int load_checked(struct node **out, struct run *run, uint32_t src,
			const struct project_opts *o, struct env *env, const char **version)
{
	struct node *root = NULL;
	*out = NULL;
	if (load_yaml(&root, run, src))
		return -1;
	if (!root || root->kind != NODE_MAP) {
		struct pos p = root ? root->pos : (struct pos){ src, 1, 1 };
		diag_add(&run->diag, DIAG_ERROR, "yaml.top-level", p, NULL,
			 "top-level object must be a mapping");
		return -1;
	}
	int bad = check_keys_are_strings(run, root);
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
		return -1;
	}
	if (schema_check_keys(run, root))
		return -1;
	if (!o->no_interpolate) {
		struct interp_opts io = { o->compat_docker ? INTERP_DOCKER : INTERP_SPEC, env };
		if (interp_tree(run, root, &io) || typecast_tree(run, root))
			return -1;
	}
	if (schema_validate(run, root, v))
		return -1;
	*out = root;
	return 0;
}

/* ==== the pipeline ==== */

int project_load(struct project *out, struct run *run, const struct project_opts *o)
{
	struct file_list files = { 0 };
	struct node **trees = NULL;
	uint32_t *srcs = NULL;
	struct env *env = NULL;
	char *workdir = NULL, *project_dir = NULL;
	const char *version = NULL;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	/* .env lives in the project directory; with -f it is the first file's directory */
	if (o->project_dir)
		project_dir = clean_path(abs_path(o->project_dir, NULL));
	else if (o->nfiles && strcmp(o->files[0], "-")) {
		char *first = clean_path(abs_path(o->files[0], NULL));
		project_dir = dir_of(first);
		free(first);
	}
	else
		project_dir = clean_path(abs_path(".", NULL));

	env = env_new(run);
	if (env_load_project(env, run, environ, project_dir, o->env_files, o->nenv_files,
			     o->compat_docker))
		goto done;
	if (collect_files(&files, run, o, env))
		goto done;
	if (!o->project_dir) {
		free(project_dir);
		project_dir = files.abs[0] ? dir_of(files.abs[0]) : clean_path(abs_path(".", NULL));
	}
	workdir = xstrdup(project_dir);

	trees = xcalloc(files.n, sizeof(*trees));
	srcs = xcalloc(files.n, sizeof(*srcs));
	int failed = 0;
	/* reading only ever fails with a message without a position: these come first anyway */
	for (size_t i = 0; i < files.n; i++)
		if (load_read_file(&srcs[i], run, files.names[i], files.abs[i]))
			failed = 1;
	if (failed)
		goto done;

	const char *home = getenv("HOME");
	struct normalize_opts no = { workdir, home, env_lookup, env };
	for (size_t i = 0; i < files.n; i++) {
		if (load_checked(&trees[i], run, srcs[i], o, env, &version))
			failed = 1;
		/* from here on only an excerpt reads the text */
		source_evict(&run->sources, srcs[i]);
	}
	if (failed)
		goto done;
	for (size_t i = 0; i < files.n; i++) {
		struct node *norm = NULL;
		if (normalize_file(&norm, run, trees[i], &no))
			failed = 1;
		trees[i] = norm;
	}
	if (failed)
		goto done;

	struct node *merged = trees[0];
	for (size_t i = 1; i < files.n; i++)
		if (merge_files(&merged, run, merged, trees[i]))
			goto done;
	node_map_set(&run->arena, merged, "version", POS_NONE,
		     node_new_str(&run->arena, POS_NONE, version));
	if (!node_map_get(merged, "services"))
		node_map_set(&run->arena, merged, "services", POS_NONE,
			     node_new_map(&run->arena, POS_NONE));
	size_t before_rules = run->diag.n;
	swarm_rules_check(run, merged, o->deploy);
	if (o->rules_warn)
		diag_demote_since(&run->diag, before_rules);
	if (diag_failed(&run->diag))
		goto done;

	out->root = merged;
	out->version = version;
	out->workdir = arena_strdup(&run->arena, workdir);
	const char **names = arena_alloc(&run->arena, files.n * sizeof(*names));
	for (size_t i = 0; i < files.n; i++)
		names[i] = arena_strdup(&run->arena, files.names[i]);
	out->file_names = names;
	out->nfiles = files.n;
	ret = 0;
done:
	free(trees);
	free(srcs);
	free(workdir);
	free(project_dir);
	file_list_release(&files);
	if (diag_failed(&run->diag))
		ret = -1;
	return ret;
}
