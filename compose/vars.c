/* The variable table: insertion-ordered entries and an open-addressing index, in the run's arena. */
#include "compose/vars.h"
#include "base/arena.h"
#include "base/hash.h"
#include "base/run.h"
#include "base/xalloc.h"

#include <stdlib.h>
#include <string.h>

struct env {
	struct arena *arena;
	struct env_var *v;
	size_t n, alloc;
	uint32_t *slots; /* entry index + 1; 0 = empty */
	size_t nslots;   /* power of two */
};

struct env *env_new(struct run *run)
{
	struct env *env = arena_alloc(&run->arena, sizeof(*env));
	env->arena = &run->arena;
	return env;
}

static size_t slot_of(const struct env *env, const char *name, size_t len)
{
	size_t mask = env->nslots - 1;
	size_t i = hash_mem(name, len) & mask;
	for (;; i = (i + 1) & mask) {
		uint32_t e = env->slots[i];
		if (!e)
			return i;
		const char *k = env->v[e - 1].name;
		if (!strncmp(k, name, len) && !k[len])
			return i;
	}
}

static void rehash(struct env *env)
{
	size_t nslots = env->nslots ? env->nslots * 2 : 64;
	env->slots = arena_alloc(env->arena, nslots * sizeof(*env->slots));
	env->nslots = nslots;
	for (size_t i = 0; i < env->n; i++) {
		const char *k = env->v[i].name;
		env->slots[slot_of(env, k, strlen(k))] = (uint32_t)(i + 1);
	}
}

static const struct env_var *findn(const struct env *env, const char *name, size_t len)
{
	if (!env || !env->n || memchr(name, '\0', len))
		return NULL;
	uint32_t e = env->slots[slot_of(env, name, len)];
	return e ? &env->v[e - 1] : NULL;
}

const struct env_var *env_findn(const struct env *env, const char *name, size_t len)
{
	return findn(env, name, len);
}

const struct env_var *env_find(const struct env *env, const char *name)
{
	return findn(env, name, strlen(name));
}

const char *env_get(const struct env *env, const char *name)
{
	const struct env_var *e = env_find(env, name);
	return e ? e->value : NULL;
}

struct pos env_origin(const struct env *env, const char *name)
{
	const struct env_var *e = env_find(env, name);
	return e ? e->origin : POS_NONE;
}

size_t env_count(const struct env *env)
{
	return env->n;
}

const struct env_var *env_at(const struct env *env, size_t i)
{
	if (i >= env->n)
		BUG("env_at(%zu) of %zu", i, env->n);
	return &env->v[i];
}

void env_setn(struct env *env, const char *name, size_t len, const char *value, size_t vlen,
	      struct pos origin)
{
	struct env_var *e = (struct env_var *)findn(env, name, len);
	if (!e) {
		if ((env->n + 1) * 2 > env->nslots)
			rehash(env);
		if (env->n == env->alloc) {
			size_t cap = env->alloc ? env->alloc * 2 : 32;
			env->v = arena_grow(env->arena, env->v, env->n, cap, sizeof(*env->v));
			env->alloc = cap;
		}
		e = &env->v[env->n++];
		e->name = arena_strndup(env->arena, name, len);
		env->slots[slot_of(env, name, len)] = (uint32_t)env->n;
	}
	e->value = arena_strndup(env->arena, value, vlen);
	e->origin = origin;
}

void env_set(struct env *env, const char *name, const char *value, struct pos origin)
{
	env_setn(env, name, strlen(name), value, strlen(value), origin);
}

void env_load_process(struct env *env, char **envp)
{
	for (; envp && *envp; envp++) {
		const char *eq = strchr(*envp, '=');
		if (eq && eq != *envp)
			env_setn(env, *envp, (size_t)(eq - *envp), eq + 1, strlen(eq + 1), POS_NONE);
	}
}

