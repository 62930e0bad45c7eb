/*
 * The variable table used for interpolation.
 *
 * struct env maps a name to a value and its origin: the position of the
 * defining line in a .env file, or POS_NONE for the process environment.
 * It lives entirely in the run's arena (names, values, the table itself):
 * env_new() allocates it and nothing needs releasing. Values are C strings.
 * Filled by dotenv.h (process environment, .env files), read by interp.h.
 */
#ifndef STACKC_COMPOSE_VARS_H
#define STACKC_COMPOSE_VARS_H

#include <stddef.h>

#include "base/source.h"

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
/* Same, for a name and a value of len and vlen bytes (not NUL-terminated). */
void env_setn(struct env *env, const char *name, size_t len, const char *value, size_t vlen,
	      struct pos origin);
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

#endif
