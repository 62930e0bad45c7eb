/*
 * `.env` files, and the interpolation environment built from them and the
 * process environment (the table itself is compose/vars.h). A NUL byte
 * inside a .env value ends the value.
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

#include "base/source.h"
#include "compose/vars.h"

struct run;

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
