/*
 * Fuzz target: interpolation (both grammars, tree walk, casts).
 * Input: optional NAME=VALUE lines (.NAME=VALUE: as if from a .env file,
 * which docker does not read), then a line "%%", then the value to
 * interpolate (without "%%" the whole input is the value, with a fixed
 * environment). The entry point is fuzz_interp_one(), non-zero when a
 * property is broken; LLVMFuzzerTestOneInput is defined only with
 * -DSTACKC_FUZZ_MAIN so that every fuzz_*.c can be linked into
 * build/stackc-test, which replays testdata/fuzz/interp/.
 */
#include "base/diag.h"
#include "compose/dotenv.h"
#include "compose/interp.h"
#include "base/node.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "compose/typecast.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fuzz_interp_one(const uint8_t *data, size_t size);

static void load_env(struct env *env, const char *s, size_t n)
{
	while (n) {
		const char *nl = memchr(s, '\n', n);
		size_t len = nl ? (size_t)(nl - s) : n;
		char *line = strndup(s, len);
		int dotenv = line && line[0] == '.';
		char *name = line ? line + dotenv : NULL;
		char *eq = name ? strchr(name, '=') : NULL;
		if (eq && eq != name) {
			*eq = '\0';
			env_set(env, name, eq + 1, dotenv ? (struct pos){ 1, 1, 1 } : POS_NONE);
		}
		free(line);
		s += len + (nl != NULL);
		n -= len + (nl != NULL);
	}
}

static struct node *child(struct run *run, struct node *map, const char *key, struct node *val)
{
	node_map_add(&run->arena, map, key, POS_NONE, val);
	return val;
}

/* services.web.{deploy.{replicas,update_config.max_failure_ratio},read_only} = value */
static struct node *cast_tree(struct run *run, const char *v, size_t n)
{
	struct node *root = node_new_map(&run->arena, POS_NONE);
	struct node *web = child(run, child(run, root, "services", node_new_map(&run->arena, POS_NONE)),
				 "web", node_new_map(&run->arena, POS_NONE));
	struct node *deploy = child(run, web, "deploy", node_new_map(&run->arena, POS_NONE));
	struct node *leaf[3];
	leaf[0] = child(run, deploy, "replicas", node_new_strn(&run->arena, POS_NONE, v, n));
	leaf[1] = child(run, child(run, deploy, "update_config", node_new_map(&run->arena, POS_NONE)),
			"max_failure_ratio", node_new_strn(&run->arena, POS_NONE, v, n));
	leaf[2] = child(run, web, "read_only", node_new_strn(&run->arena, POS_NONE, v, n));
	for (size_t i = 0; i < 3; i++)
		leaf[i]->flags |= NODE_INTERPOLATED;
	return root;
}

static void one_mode(struct run *run, struct env *env, enum interp_mode mode, uint32_t src,
		     const char *v, size_t n)
{
	struct interp_opts opts = { mode, env, 0, 0 };
	struct node *root = node_new_map(&run->arena, POS_NONE);
	struct node *val = node_new_strn(&run->arena, (struct pos){ src, 1, 4 }, v, n);
	struct node *ver = node_new_strn(&run->arena, POS_NONE, v, n);
	node_map_add(&run->arena, root, "k", POS_NONE, val);
	node_map_add(&run->arena, root, "version", POS_NONE, ver);
	interp_tree(run, root, &opts);
	/* a value without '$' never changes; `version` is never touched */
	if (!memchr(v, '$', n) && ((val->flags & NODE_INTERPOLATED) || val->len != n))
		abort();
	if (ver->len != n || memcmp(ver->s.text, v, n) || (ver->flags & NODE_INTERPOLATED))
		abort();
	const char *out;
	size_t outlen;
	if (!interp_string(run, &opts, POS_NONE, 0, NULL, v, n, &out, &outlen) &&
	    (outlen > INTERP_MAX_VALUE || out[outlen]))
		abort();
}

struct outcome {
	char *diags;
	const char *text[2];
	size_t len[2];
	unsigned flags[2];
};

/* Spec mode on {k: v, password: v} (secret values are hidden in messages), in a run of its own. */
static void spec_outcome(struct outcome *o, const struct env *env, int compare_all, const char *v,
			 size_t n)
{
	struct interp_opts opts = { INTERP_SPEC, env, 0, 0 };
	struct run run;
	run_init(&run);
	struct node *root = node_new_map(&run.arena, POS_NONE), *val[2];
	val[0] = child(&run, root, "k", node_new_strn(&run.arena, POS_NONE, v, n));
	val[1] = child(&run, root, "password", node_new_strn(&run.arena, POS_NONE, v, n));
	(compare_all ? interp_tree_compare_all : interp_tree)(&run, root, &opts);
	size_t len;
	FILE *f = open_memstream(&o->diags, &len);
	if (!f)
		abort();
	diag_print(&run.diag, f, DIAG_FORMAT_HUMAN, 0);
	fclose(f);
	for (size_t i = 0; i < 2; i++) {
		o->len[i] = val[i]->len;
		o->text[i] = memcpy(malloc(o->len[i] + 1), val[i]->s.text, o->len[i] + 1);
		o->flags[i] = val[i]->flags;
	}
	run_release(&run);
}

/*
 * interp_tree skips docker's reading where it provably agrees: the outcome
 * must be that of comparing every value.
 */
static int fast_path_agrees(const struct env *env, const char *v, size_t n)
{
	struct outcome o[2];
	for (int i = 0; i < 2; i++)
		spec_outcome(&o[i], env, i, v, n);
	int same = !strcmp(o[0].diags, o[1].diags);
	for (size_t i = 0; i < 2; i++)
		same = same && o[0].len[i] == o[1].len[i] && o[0].flags[i] == o[1].flags[i] &&
		       !memcmp(o[0].text[i], o[1].text[i], o[0].len[i]);
	if (!same)
		fprintf(stderr, "fuzz_interp: skipping docker's reading changed the outcome:\n%s"
			"--- with every value compared:\n%s", o[0].diags, o[1].diags);
	for (int i = 0; i < 2; i++) {
		free(o[i].diags);
		free((char *)o[i].text[0]);
		free((char *)o[i].text[1]);
	}
	return same;
}

int fuzz_interp_one(const uint8_t *data, size_t size)
{
	static const char sep[] = "\n%%\n";
	struct run run;
	run_init(&run);
	struct env *env = env_new(&run);
	const char *s = (const char *)data;
	const char *v = memmem(s, size, sep, 4);
	size_t n = size;
	if (v) {
		load_env(env, s, (size_t)(v - s));
		v += 4;
		n = size - (size_t)(v - s);
	} else {
		static const char dflt[] = "SET=val\nEMPTY=\nB=bee\n_UNDER=u\n.DOT=dot";
		load_env(env, dflt, sizeof(dflt) - 1);
		v = s;
	}
	struct sbuf yaml = SBUF_INIT;
	sb_puts(&yaml, "k: ");
	sb_put(&yaml, v, n);
	uint32_t src = source_add(&run.sources, "fuzz.yml", NULL, yaml.buf, yaml.len);
	one_mode(&run, env, INTERP_SPEC, src, v, n);
	one_mode(&run, env, INTERP_DOCKER, src, v, n);
	typecast_tree(&run, cast_tree(&run, v, n));
	int ok = fast_path_agrees(env, v, n);
	sbuf_release(&yaml);
	run_release(&run);
	return ok ? 0 : -1;
}

#ifdef STACKC_FUZZ_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fuzz_interp_one(data, size))
		abort();
	return 0;
}
#endif
