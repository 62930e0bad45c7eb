/*
 * Which files make the project and where its directory is; see
 * project/discover.h. Diagnostics go to run->diag.
 */
#include "project/discover.h"

#include "base/diag.h"
#include "base/run.h"
#include "base/xalloc.h"
#include "compose/gocompat.h"
#include "compose/vars.h"
#include "project/project.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static void files_add(struct project_files *l, const char *name, const char *base)
{
	ALLOC_GROW(l->names, l->n + 1, l->alloc);
	l->abs = xrealloc(l->abs, l->alloc * sizeof(*l->abs));
	l->names[l->n] = xstrdup(name);
	l->abs[l->n] = strcmp(name, "-") ? clean_path(abs_path(name, base)) : NULL;
	l->n++;
}

void project_files_release(struct project_files *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->names[i]);
		free(l->abs[i]);
	}
	free(l->names);
	free(l->abs);
	free(l->dir);
	memset(l, 0, sizeof(*l));
}

static const char *const main_names[] = { "compose.yaml", "compose.yml", "docker-compose.yml",
					  "docker-compose.yaml" };
static const char *const override_names[] = { "compose.override.yml", "compose.override.yaml",
					      "docker-compose.override.yml",
					      "docker-compose.override.yaml" };

/* Discovery: the first main file in dir or a parent, plus its override. */
static int discover(struct project_files *l, struct run *run, const char *start)
{
	char *dir = clean_path(abs_path(start, NULL));
	for (;;) {
		for (size_t i = 0; i < ARRAY_SIZE(main_names); i++) {
			char *p = xstrfmt("%s/%s", dir, main_names[i]);
			if (file_exists(p)) {
				files_add(l, p, NULL);
				free(p);
				for (size_t j = 0; j < ARRAY_SIZE(override_names); j++) {
					char *o = xstrfmt("%s/%s", dir, override_names[j]);
					int found = file_exists(o);
					if (found)
						files_add(l, o, NULL);
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
static void show_relative(struct project_files *l)
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

/* COMPOSE_FILE: paths separated by COMPOSE_PATH_SEPARATOR (default ':') */
static void files_from_variable(struct project_files *l, const char *value, const struct env *env)
{
	const char *sep = env_get(env, "COMPOSE_PATH_SEPARATOR");
	char sepc = sep && *sep ? sep[0] : ':';
	for (const char *p = value;;) {
		const char *e = strchr(p, sepc);
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char *one = xstrndup(p, n);
		files_add(l, one, NULL);
		free(one);
		if (!e)
			break;
		p = e + 1;
	}
}

static int collect_files(struct project_files *l, struct run *run, const struct project_opts *o,
			 const struct env *env)
{
	if (o->nfiles) {
		for (size_t i = 0; i < o->nfiles; i++)
			files_add(l, o->files[i], NULL);
		return 0;
	}
	if (o->compat_docker)
		return diag_error(&run->diag, POS_NONE, NULL,
				  "Specify a Compose file (with --compose-file)");
	const char *cf = env_get(env, "COMPOSE_FILE");
	if (cf && *cf) {
		files_from_variable(l, cf, env);
		return 0;
	}
	if (discover(l, run, o->project_dir ? o->project_dir : "."))
		return -1;
	show_relative(l);
	return 0;
}

char *discover_env_dir(const struct project_opts *o)
{
	if (o->project_dir)
		return clean_path(abs_path(o->project_dir, NULL));
	if (o->nfiles && strcmp(o->files[0], "-")) {
		char *first = clean_path(abs_path(o->files[0], NULL));
		char *dir = dir_of(first);
		free(first);
		return dir;
	}
	return clean_path(abs_path(".", NULL));
}

int discover_files(struct project_files *out, struct run *run, const struct project_opts *o,
		   const struct env *env)
{
	memset(out, 0, sizeof(*out));
	if (collect_files(out, run, o, env))
		return -1;
	if (o->project_dir)
		out->dir = clean_path(abs_path(o->project_dir, NULL));
	else if (out->abs[0])
		out->dir = dir_of(out->abs[0]);
	else
		out->dir = clean_path(abs_path(".", NULL));
	return 0;
}
