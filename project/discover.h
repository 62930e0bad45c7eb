/*
 * Which compose files make the project, and its directory, by docker
 * compose's rules:
 *   - the -f/-c files as given, in order ("-" is stdin);
 *   - else COMPOSE_FILE, split on COMPOSE_PATH_SEPARATOR (default ':'),
 *     read from the project's variables (so .env may set it);
 *   - else discovery: the first of compose.yaml, compose.yml,
 *     docker-compose.yml, docker-compose.yaml in the project directory or
 *     the nearest parent holding one, plus the first matching override
 *     (compose.override.yml, ... docker-compose.override.yaml) beside it.
 * With --compat=docker only -f/-c count: docker stack discovers nothing.
 * The project directory is --project-directory, else the first file's
 * directory, else (stdin) the current directory.
 *
 * Paths are made absolute and cleaned lexically, like Go's filepath.Abs
 * (symbolic links are not resolved, as in docker).
 */
#ifndef STACKC_PROJECT_DISCOVER_H
#define STACKC_PROJECT_DISCOVER_H

#include <stddef.h>

struct env;
struct project_opts;
struct run;

struct project_files {
	char **names; /* as shown in diagnostics: as given; discovered ones relative to cwd when below it */
	char **abs;   /* absolute and clean; NULL for stdin */
	size_t n, alloc;
	char *dir;    /* the project directory, absolute */
};

/*
 * The directory whose .env is read, before the files are known (COMPOSE_FILE
 * may come from that .env): --project-directory, else the first -f file's
 * directory, else the current directory. A heap string.
 */
char *discover_env_dir(const struct project_opts *o);

/*
 * Fill *out (any previous content is not freed). -1 with an error in
 * run->diag when no file is given and none is found; *out must be released
 * either way.
 */
int discover_files(struct project_files *out, struct run *run, const struct project_opts *o,
		   const struct env *env);

void project_files_release(struct project_files *f);

#endif
