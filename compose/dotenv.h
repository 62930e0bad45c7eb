/*
 * The variable table used for interpolation, and `.env` files.
 *
 * struct env maps a name to a value and its origin: the position of the
 * defining line in a .env file, or POS_NONE for the process environment.
 * It lives entirely in the run's arena (names, values, the table itself):
 * env_new() allocates it and nothing needs releasing. Values are C strings;
 * a NUL byte inside a .env value ends the value.
 *
 * Precedence (compose v2, `docker compose`):
 *   1. the process environment always wins;
 *   2. `--env-file` files, in order, a later file overriding an earlier one;
 *      when any is given, `<project dir>/.env` is NOT read;
 *   3. otherwise `<project dir>/.env`, if it exists.
 * `docker stack deploy` (compat_docker) reads the process environment only.
 * A line of a .env file may refer to variables of the process environment
 * and to those defined before it (same file or earlier files); a process
 * variable shadows a file definition of the same name there too.
 *
 * .env format (compose-go's dotenv parser): `#` comment lines, blank lines,
 * `export ` prefix, `KEY=VALUE` or `KEY: VALUE`, a bare `KEY` inheriting the
 * process value (or nothing), unquoted values cut at " #" and trimmed,
 * single-quoted values literal (only \' escaped), double-quoted values with
 * escapes \a \b \f \n \r \t \v \\ \" \$ \0NNN, quoted values spanning lines,
 * and `${VAR}` interpolation (the compose grammar, see interp.h) inside
 * unquoted and double-quoted values. Differences from compose-go, on purpose:
 * a line without a variable name (`=1`) is ignored with a warning instead of
 * defining the empty name; a bare key on the last line without a newline is a
 * bare key (compose-go defines the empty name with the key as value);
 * non-ASCII characters above U+00FF are accepted in names without checking
 * that they are letters.
 */
#ifndef STACKC_COMPOSE_DOTENV_H
#define STACKC_COMPOSE_DOTENV_H

#include <stddef.h>
#include <stdint.h>

#include "compose/source.h"

struct run;
struct env;

struct env_var {
	const char *name;
	const char *value;
	struct pos origin; /* defining line; POS_NONE = process environment */
};

/* A new empty table in the run's arena. */
struct env *env_new(struct run *run);

/* Define or replace name (both copied). */
void env_set(struct env *env, const char *name, const char *value, struct pos origin);
/* The variable, or NULL when it is not defined. */
const struct env_var *env_find(const struct env *env, const char *name);
/* Same, for a name of len bytes (not NUL-terminated). */
const struct env_var *env_findn(const struct env *env, const char *name, size_t len);
/* Its value, or NULL when unset ("" = set but empty). */
const char *env_get(const struct env *env, const char *name);
/* Its origin; POS_NONE when it came from the process or is unset. */
struct pos env_origin(const struct env *env, const char *name);
/* Definitions in the order they were first made (for listing). */
size_t env_count(const struct env *env);
const struct env_var *env_at(const struct env *env, size_t i);

/* Add every NAME=VALUE of envp (e.g. `environ`); entries without a name are skipped. */
void env_load_process(struct env *env, char **envp);

/*
 * Parse source src (already in run->sources) as a .env file into env.
 * Never replaces a variable that came from the process environment.
 * Every bad line is reported (file:line:col); returns -1 if any was.
 */
int dotenv_parse(struct env *env, struct run *run, uint32_t src);

/*
 * Read path (relative to the cwd) and parse it. A missing file is an error
 * when required, else 0 is returned silently; a directory is an error when
 * required and skipped otherwise.
 */
int dotenv_load(struct env *env, struct run *run, const char *path, int required);

/*
 * Build the interpolation environment the way the project loader needs it:
 * envp, then (unless compat_docker) the env files: env_files[0..n) when n > 0,
 * else COMPOSE_ENV_FILES (comma-separated) when set, else
 * <project_dir>/.env (project_dir NULL = cwd) unless COMPOSE_DISABLE_ENV_FILE
 * is true. With compat_docker, env files given are ignored with a warning.
 */
int env_load_project(struct env *env, struct run *run, char **envp, const char *project_dir,
		     const char *const *env_files, size_t n, int compat_docker);

#endif
