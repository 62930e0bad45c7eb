/* docker's type casts after interpolation (cli/compose/loader/interpolate.go). */
#include "compose/typecast.h"
#include "base/diag.h"
#include "base/path.h"
#include "base/node.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "compose/gocompat.h"

#include <stdint.h>
#include <string.h>

enum cast { CAST_INT, CAST_FLOAT, CAST_BOOL };

static const struct {
	enum cast cast;
	const char *path; /* '.'-separated; "*" any key or item, "[]" a list item */
} casts[] = {
	{ CAST_INT, "services.*.configs.[].mode" },
	{ CAST_INT, "services.*.secrets.[].mode" },
	{ CAST_INT, "services.*.healthcheck.retries" },
	{ CAST_BOOL, "services.*.healthcheck.disable" },
	{ CAST_INT, "services.*.deploy.replicas" },
	{ CAST_INT, "services.*.deploy.update_config.parallelism" },
	{ CAST_FLOAT, "services.*.deploy.update_config.max_failure_ratio" },
	{ CAST_INT, "services.*.deploy.rollback_config.parallelism" },
	{ CAST_FLOAT, "services.*.deploy.rollback_config.max_failure_ratio" },
	{ CAST_INT, "services.*.deploy.restart_policy.max_attempts" },
	{ CAST_INT, "services.*.deploy.placement.max_replicas_per_node" },
	{ CAST_INT, "services.*.ports.[].target" },
	{ CAST_INT, "services.*.ports.[].published" },
	{ CAST_INT, "services.*.ulimits.*" },
	{ CAST_INT, "services.*.ulimits.*.hard" },
	{ CAST_INT, "services.*.ulimits.*.soft" },
	{ CAST_INT, "services.*.oom_score_adj" },
	{ CAST_BOOL, "services.*.privileged" },
	{ CAST_BOOL, "services.*.read_only" },
	{ CAST_BOOL, "services.*.stdin_open" },
	{ CAST_BOOL, "services.*.tty" },
	{ CAST_BOOL, "services.*.volumes.[].read_only" },
	{ CAST_BOOL, "services.*.volumes.[].volume.nocopy" },
	{ CAST_BOOL, "networks.*.external" },
	{ CAST_BOOL, "networks.*.internal" },
	{ CAST_BOOL, "networks.*.attachable" },
	{ CAST_BOOL, "volumes.*.external" },
	{ CAST_BOOL, "secrets.*.external" },
	{ CAST_BOOL, "configs.*.external" },
};

/*
 * The patterns split into components once; sets of them (the patterns a
 * path is still a prefix of) are the states of the matcher below.
 */
#define MAX_COMPS 8

typedef uint64_t patset; /* bit i: casts[i] */

static struct {
	struct {
		const char *s;
		size_t len;
		patset same; /* the patterns with this very component at this depth */
	} comp[MAX_COMPS];
	size_t n;
} pats[ARRAY_SIZE(casts)];

static patset star_at[MAX_COMPS];  /* patterns with `*` at a depth */
static patset short_at[MAX_COMPS]; /* patterns with no component at a depth */

static patset all_patterns(void)
{
	static int split;
	if (!split) {
		for (size_t i = 0; i < ARRAY_SIZE(casts); i++) {
			for (const char *p = casts[i].path; *p;) {
				size_t len = strcspn(p, ".");
				if (pats[i].n == MAX_COMPS)
					BUG("cast pattern %s is too deep", casts[i].path);
				pats[i].comp[pats[i].n].s = p;
				pats[i].comp[pats[i].n++].len = len;
				p += len + (p[len] == '.');
			}
		}
		for (size_t d = 0; d < MAX_COMPS; d++) {
			for (size_t i = 0; i < ARRAY_SIZE(casts); i++) {
				if (d >= pats[i].n) {
					short_at[d] |= (patset)1 << i;
					continue;
				}
				size_t len = pats[i].comp[d].len;
				const char *c = pats[i].comp[d].s;
				if (len == 1 && *c == '*')
					star_at[d] |= (patset)1 << i;
				for (size_t j = 0; j < ARRAY_SIZE(casts); j++)
					if (d < pats[j].n && pats[j].comp[d].len == len &&
					    !memcmp(pats[j].comp[d].s, c, len))
						pats[i].comp[d].same |= (patset)1 << j;
			}
		}
		split = 1;
	}
	return ARRAY_SIZE(casts) == 64 ? ~(patset)0 : ((patset)1 << ARRAY_SIZE(casts)) - 1;
}

/*
 * The patterns of live that still match after component s[0..len) at
 * depth: each distinct component is compared once for all its patterns.
 */
static patset comp_step(patset live, size_t depth, const char *s, size_t len)
{
	if (depth >= MAX_COMPS)
		return 0;
	patset out = live & star_at[depth];
	live &= ~(star_at[depth] | short_at[depth]);
	while (live) {
		int i = __builtin_ctzll(live);
		const char *c = pats[i].comp[depth].s;
		patset same = pats[i].comp[depth].same;
		if (pats[i].comp[depth].len == len && *c == *s && !memcmp(c, s, len))
			out |= live & same;
		live &= ~same;
	}
	return out;
}

/* The cast for a value at depth with the patterns live: the first pattern that long, or -1. */
static int cast_for(patset live, size_t depth)
{
	for (size_t i = 0; live; i++, live >>= 1)
		if ((live & 1) && pats[i].n == depth)
			return (int)casts[i].cast;
	return -1;
}

/*
 * The matcher, built once from the patterns: a state is the set of
 * patterns the path so far is a prefix of (and its depth); its transitions
 * are the components those patterns name at that depth, and `other` for
 * any other component. State 0 matches nothing: the walk skips subtrees
 * there, and spends a byte lookup on most other keys (few start with a
 * listed letter).
 */
#define MAX_STATES 64
#define MAX_STATE_COMPS 16

struct state {
	patset live;
	size_t depth;
	int cast;           /* for a value here; -1 none */
	int other, item;    /* next state for an unlisted component, for a list item */
	unsigned char at[256]; /* by first byte: 1 + the first comp[] starting with it, 0 none */
	size_t ncomps;      /* comp[] is sorted by first byte */
	struct {
		const char *s;
		size_t len;
		int next;
	} comp[MAX_STATE_COMPS];
};

static struct state states[MAX_STATES];
static size_t nstates;

static int state_of(patset live, size_t depth)
{
	if (!live)
		return 0;
	for (size_t i = 1; i < nstates; i++)
		if (states[i].live == live && states[i].depth == depth)
			return (int)i;
	if (nstates == MAX_STATES)
		BUG("too many cast matcher states");
	states[nstates] = (struct state){ .live = live, .depth = depth };
	return (int)nstates++;
}

static void build_states(void)
{
	if (nstates)
		return;
	states[0].cast = -1; /* state 0: nothing left */
	nstates = 1;
	state_of(all_patterns(), 0);
	/* states are appended while this loop runs: it visits each once */
	for (size_t i = 1; i < nstates; i++) {
		struct state *st = &states[i];
		size_t d = st->depth;
		st->cast = cast_for(st->live, d);
		st->other = state_of(comp_step(st->live, d, "", 0), d + 1);
		st->item = state_of(comp_step(st->live, d, "[]", 2), d + 1);
		patset todo = d < MAX_COMPS ? st->live & ~(star_at[d] | short_at[d]) : 0;
		while (todo) {
			int p = __builtin_ctzll(todo);
			const char *c = pats[p].comp[d].s;
			size_t len = pats[p].comp[d].len;
			todo &= ~pats[p].comp[d].same;
			if (st->ncomps == MAX_STATE_COMPS)
				BUG("too many components after one cast path");
			int next = state_of(comp_step(st->live, d, c, len), d + 1);
			size_t at = st->ncomps++;
			while (at && (unsigned char)st->comp[at - 1].s[0] > (unsigned char)*c) {
				st->comp[at] = st->comp[at - 1];
				at--;
			}
			st->comp[at].s = c;
			st->comp[at].len = len;
			st->comp[at].next = next;
		}
		for (size_t k = st->ncomps; k--;)
			st->at[(unsigned char)st->comp[k].s[0]] = (unsigned char)(k + 1);
	}
}

/*
 * The component of st that k starts with, followed by one of the bytes in
 * ends (NUL counts): its length in *len and its next state; -1 if none.
 */
static int match_comp(const struct state *st, const char *k, const char *ends, size_t *len)
{
	size_t first = st->at[(unsigned char)*k];
	if (!first)
		return -1;
	for (size_t i = first - 1; i < st->ncomps && st->comp[i].s[0] == *k; i++) {
		const char *c = st->comp[i].s;
		size_t l = st->comp[i].len, j = 1;
		while (j < l && k[j] == c[j]) /* stops at the end of k too: c holds no NUL */
			j++;
		if (j == l && (!k[l] || strchr(ends, k[l]))) {
			*len = l;
			return st->comp[i].next;
		}
	}
	return -1;
}

/*
 * The state after key k as docker sees it: split at every '.'. *dotted is
 * set when that can differ from whole_step(st, k): only past a '.' (when
 * the first component is unlisted and leads nowhere, neither does k whole).
 */
static int split_step(int st, const char *k, int *dotted)
{
	*dotted = 0;
	for (;;) {
		size_t len;
		int next = match_comp(&states[st], k, ".", &len);
		if (next < 0) {
			next = states[st].other;
			if (!next)
				return 0;
			len = strcspn(k, ".");
		}
		if (!k[len])
			return next;
		*dotted = 1;
		k += len + 1;
		st = next;
	}
}

/* The state after key k kept whole. */
static int whole_step(int st, const char *k)
{
	size_t len;
	int next = match_comp(&states[st], k, "", &len);
	return next < 0 ? states[st].other : next;
}

/* ==== docker's boolean words ==== */

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int ci_equal(const char *s, size_t n, const char *word)
{
	size_t i = 0;
	for (; i < n && word[i]; i++)
		if (lower((unsigned char)s[i]) != word[i])
			return 0;
	return i == n && !word[i];
}

/* "y yes true on" / "n no false off", any case. */
static int go_yaml_bool(const char *s, size_t n, int *out)
{
	static const char *const words[] = { "y", "yes", "true", "on", "n", "no", "false", "off" };
	for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
		if (ci_equal(s, n, words[i])) {
			*out = i < 4;
			return 0;
		}
	}
	return -1;
}

/* ==== the walk ==== */

struct walk {
	struct run *run;
	struct path_steps steps; /* spelled out only for a message */
	struct sbuf path;
	int failed;
};

static const char *walk_path(struct walk *w)
{
	return path_steps_spell(&w->path, &w->steps);
}

/* The value for a message (only then: most casts succeed). */
static const char *shown(struct diag_sink *d, const struct node *n)
{
	return diag_repr(d, n->s.text, n->len);
}

static void cast_node(struct walk *w, struct node *n, enum cast cast)
{
	struct diag_sink *d = &w->run->diag;
	int64_t i;
	double f;
	int b, r;
	switch (cast) {
	case CAST_INT:
		r = go_parse_int(&i, n->s.text, n->len, 10); /* strconv.Atoi */
		if (!r) {
			n->kind = NODE_INT;
			n->flags &= ~NODE_UNSIGNED;
			n->s.v.i = i;
			return;
		}
		w->failed = diag_add(d, DIAG_ERROR, "typecast.int", n->pos, walk_path(w),
				     r == GO_ERANGE ? "integer out of range: %s"
					     : "expected an integer, got %s",
				     shown(d, n));
		break;
	case CAST_FLOAT:
		r = go_parse_float(&f, n->s.text, n->len);
		if (!r) {
			n->kind = NODE_FLOAT;
			n->s.v.f = f;
			return;
		}
		w->failed = diag_add(d, DIAG_ERROR, "typecast.float", n->pos, walk_path(w),
				     r == GO_ERANGE ? "number out of range: %s" : "expected a number, got %s",
				     shown(d, n));
		break;
	case CAST_BOOL:
		if (!go_yaml_bool(n->s.text, n->len, &b)) {
			n->kind = NODE_BOOL;
			n->s.v.b = b;
			return;
		}
		w->failed = diag_add(d, DIAG_ERROR, "typecast.bool", n->pos, walk_path(w),
				     "expected a boolean (true/false, yes/no, on/off, y/n), got %s",
				     shown(d, n));
		break;
	}
	n->flags |= NODE_FAILED; /* the pipeline takes it out (base/node.h) */
}

/*
 * split: the state for the path as docker sees it (keys split at '.');
 * whole: keys kept whole. They differ once a dotted key was met; then a
 * value whole would cast gets a warning.
 */
static void visit_string(struct walk *w, struct node *n, int split, int whole)
{
	int cast = states[split].cast;
	if (cast >= 0) {
		cast_node(w, n, (enum cast)cast);
	} else if (split != whole && states[whole].cast >= 0) {
		diag_add(&w->run->diag, DIAG_WARNING, "typecast.dotted-key", n->pos, walk_path(w),
			 "not converted to a %s: docker joins keys with '.' to find the values "
			 "to convert, so a '.' in a key above hides this one",
			 states[whole].cast == CAST_BOOL ? "boolean" : "number");
	}
}

/* Whether anything under n may be cast: no other scalar is. */
static int castable(const struct node *n)
{
	return n->kind == NODE_MAP || n->kind == NODE_SEQ ||
	       (n->kind == NODE_STR && (n->flags & NODE_INTERPOLATED));
}

/* The path keeps one step per level, overwritten for each entry or item. */
static void walk_node(struct walk *w, struct node *n, int split, int whole)
{
	size_t d = w->steps.n;
	if (n->kind == NODE_STR && (n->flags & NODE_INTERPOLATED)) {
		visit_string(w, n, split, whole);
	} else if (n->kind == NODE_SEQ) {
		int s = states[split].item, h = states[whole].item;
		if (!s && !h)
			return;
		path_steps_index(&w->steps, 0);
		for (size_t i = 0; i < n->seq.n; i++) {
			if (!castable(n->seq.v[i]))
				continue;
			w->steps.v[d].index = i;
			walk_node(w, n->seq.v[i], s, h);
		}
		w->steps.n = d;
	} else if (n->kind == NODE_MAP) {
		const struct state *st = &states[split];
		/* no listed component, no `*`: nothing under these keys (the usual case) */
		int quick = split == whole && !st->other;
		path_steps_key(&w->steps, NULL);
		for (size_t i = 0; i < n->map.n; i++) {
			const char *k = n->map.v[i].key;
			if (!castable(n->map.v[i].val) || (quick && !st->at[(unsigned char)*k]))
				continue;
			int dotted, s = split_step(split, k, &dotted);
			int h = split == whole && !dotted ? s : whole_step(whole, k);
			if (!s && !h)
				continue;
			w->steps.v[d].key = k;
			walk_node(w, n->map.v[i].val, s, h);
		}
		w->steps.n = d;
	}
}

int typecast_tree(struct run *run, struct node *root)
{
	struct walk w = { run, PATH_STEPS_INIT, SBUF_INIT, 0 };
	build_states();
	if (root)
		walk_node(&w, root, 1, 1);
	path_steps_release(&w.steps);
	sbuf_release(&w.path);
	return w.failed ? -1 : 0;
}
