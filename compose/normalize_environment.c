/*
 * Normalization of a service's environment (docker's resolveEnvironment):
 * env_file files read with kvfile's rules and merged under environment, an
 * empty or null value then taken from the process environment. See
 * normalize_internal.h.
 */
#include "compose/normalize_internal.h"
#include "base/diag.h"
#include "base/node.h"
#include "base/run.h"
#include "base/source.h"
#include "base/xalloc.h"
#include "compose/kvfile.h"
#include "compose/load.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* name's value in the process environment; NULL when unset */
static const char *lookup_env(struct nctx *c, const char *name)
{
	return c->o->getenv ? c->o->getenv(c->o->getenv_ctx, name) : NULL;
}

/* updateEnvironment: an empty or null value takes the process environment's. */
static struct node *env_value(struct nctx *c, const char *key, struct node *v)
{
	if (v->kind == NODE_NULL || (v->kind == NODE_STR && !v->len)) {
		const char *pv = lookup_env(c, key);
		if (pv)
			return norm_set_str(c, v, pv);
	}
	return v;
}

/* The whole file (at most LOAD_MAX_BYTES); NULL with *err = errno value. */
static char *read_file(const char *path, size_t *len, int *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		*err = errno;
		return NULL;
	}
	struct sbuf sb = SBUF_INIT;
	sbuf_init(&sb, LOAD_MAX_BYTES);
	*err = sbuf_read_stream(&sb, f);
	fclose(f);
	if (*err) {
		sbuf_release(&sb);
		return NULL;
	}
	return sbuf_detach(&sb, len);
}

/* The env file's lines cut after the key, so excerpts never show a value. */
static uint32_t add_redacted_source(struct nctx *c, const char *name, const char *text, size_t len)
{
	char *red = xmalloc(len + 1);
	size_t w = 0;
	int in_value = 0;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n')
			in_value = 0;
		if (!in_value)
			red[w++] = text[i];
		if (text[i] == '=')
			in_value = 1;
	}
	uint32_t src = source_add(&c->run->sources, name, name, red, w);
	free(red);
	return src;
}

static const char *env_lookup_cb(void *ctx, const char *name)
{
	return lookup_env(ctx, name);
}

static void read_env_file(struct nctx *c, struct node *env, struct node *ref)
{
	const char *path = norm_abs_path(c, ref->s.text);
	size_t len;
	int err_no;
	char *text = read_file(path, &len, &err_no);
	if (!text) {
		norm_fail(c, ref->pos, "normalize.env-file", "cannot read env file %s: %s",
			  diag_repr_all(&c->run->diag, path, strlen(path)), strerror(err_no));
		return;
	}
	uint32_t src = add_redacted_source(c, path, text, len);
	struct kvfile kv;
	struct sbuf err = SBUF_INIT;
	size_t line = 0;
	if (kvfile_parse(&kv, c->a, text, len, env_lookup_cb, c, &err, &line)) {
		norm_fail(c, pos_make(src, line, 1), "normalize.env-file",
			  "invalid env file: %s", err.buf);
		diag_note(&c->run->diag, ref->pos, "env file referenced here");
	} else {
		for (size_t i = 0; i < kv.n; i++) {
			struct pos p = pos_make(src, kv.v[i].line, 1);
			node_map_add_key(c->a, env, kv.v[i].key, p,
					 node_new_strn(c->a, p, kv.v[i].value, kv.v[i].value_len));
		}
	}
	sbuf_release(&err);
	free(text);
}

/*
 * env_file entries, then environment on top (the last value of a key wins);
 * a null or empty value then takes the process environment's.
 */
void norm_resolve_environment(struct nctx *c, struct node *svc)
{
	struct node_entry *fe = node_map_find(svc, "env_file");
	struct node_entry *ee = node_map_find(svc, "environment");
	/* without env files the decoded environment map is the result */
	struct node *env = ee && !fe ? ee->val : node_new_map(c->a, ee ? ee->val->pos : svc->pos);
	if (fe) {
		size_t mark = path_steps_key(&c->steps, "env_file");
		for (size_t i = 0; i < fe->val->seq.n; i++) {
			size_t m2 = path_steps_index(&c->steps, i);
			read_env_file(c, env, fe->val->seq.v[i]);
			path_steps_pop(&c->steps, m2);
		}
		path_steps_pop(&c->steps, mark);
	}
	if (ee && env != ee->val) {
		node_map_reserve(c->a, env, ee->val->map.n);
		for (size_t i = 0; i < ee->val->map.n; i++) {
			struct node_entry *e = &ee->val->map.v[i];
			node_map_add_key(c->a, env, e->key, e->keypos, e->val);
		}
	}
	norm_map_keep_last(env);
	for (size_t i = 0; i < env->map.n; i++)
		env->map.v[i].val = env_value(c, env->map.v[i].key, env->map.v[i].val);
	if (ee)
		ee->val = env;
	else if (env->map.n)
		node_map_add_key(c->a, svc, "environment", svc->pos, env);
	if (ee && !env->map.n)
		node_map_remove(svc, "environment");
}
