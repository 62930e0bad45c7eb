/* docker's type casts after interpolation (cli/compose/loader/interpolate.go). */
#include "compose/typecast.h"
#include "compose/diag.h"
#include "compose/node.h"
#include "compose/run.h"
#include "compose/sbuf.h"
#include "compose/xalloc.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
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
 * The patterns split into components once. A walk keeps, for the path so
 * far, the set of patterns it is still a prefix of, and skips a subtree
 * once none is left: most of the file is never looked at twice.
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

/* The set of patterns after the path and the comps in it. */
struct path {
	patset live;
	size_t n; /* components so far */
};

/* The cast for a whole path: the first pattern as long as it, or -1. */
static int cast_for(const struct path *p)
{
	patset live = p->live;
	for (size_t i = 0; live; i++, live >>= 1)
		if ((live & 1) && pats[i].n == p->n)
			return (int)casts[i].cast;
	return -1;
}

/* ==== Go's parsers ==== */

/* strconv.Atoi: [+-]?[0-9]+ in int64. 0, -1 syntax, -2 range. */
static int go_atoi(const char *s, size_t n, int64_t *out)
{
	size_t i = n && (s[0] == '+' || s[0] == '-');
	int neg = n && s[0] == '-';
	uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	int range = 0;
	if (i == n)
		return -1;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (lim - d) / 10)
			range = 1;
		else
			v = v * 10 + d;
	}
	if (range)
		return -2;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

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

/* strconv's special(): [+-]?inf, [+-]?infinity, nan (case-insensitive). */
static int go_special(const char *s, size_t n, double *out)
{
	size_t sign = n && (s[0] == '+' || s[0] == '-');
	if (ci_equal(s + sign, n - sign, "inf") || ci_equal(s + sign, n - sign, "infinity")) {
		*out = sign && s[0] == '-' ? -INFINITY : INFINITY;
		return 1;
	}
	if (!sign && ci_equal(s, n, "nan")) {
		*out = NAN;
		return 1;
	}
	return 0;
}

/* strconv's underscoreOK: '_' only between digits (or after a base prefix). */
static int underscores_ok(const char *s, size_t n)
{
	char saw = '^';
	size_t i = n && (s[0] == '+' || s[0] == '-');
	int hex = 0;
	if (n - i >= 2 && s[i] == '0' && strchr("bBoOxX", s[i + 1]) && s[i + 1]) {
		hex = lower((unsigned char)s[i + 1]) == 'x';
		i += 2;
		saw = '0';
	}
	for (; i < n; i++) {
		int c = lower((unsigned char)s[i]);
		if ((c >= '0' && c <= '9') || (hex && c >= 'a' && c <= 'f')) {
			saw = '0';
		} else if (c == '_') {
			if (saw != '0')
				return 0;
			saw = '_';
		} else {
			if (saw == '_')
				return 0;
			saw = '!';
		}
	}
	return saw != '_';
}

/* The syntax of strconv.readFloat; 1 when s[0..n) is a whole valid number. */
static int go_float_syntax(const char *s, size_t n)
{
	size_t i = n && (s[0] == '+' || s[0] == '-');
	int hex = i + 2 < n && s[i] == '0' && lower((unsigned char)s[i + 1]) == 'x';
	int dot = 0, digits = 0, under = 0;
	if (hex)
		i += 2;
	for (; i < n; i++) {
		int c = lower((unsigned char)s[i]);
		if (c == '_')
			under = 1;
		else if (c == '.' && !dot)
			dot = 1;
		else if ((c >= '0' && c <= '9') || (hex && c >= 'a' && c <= 'f'))
			digits = 1;
		else
			break;
	}
	if (!digits)
		return 0;
	if (i < n && lower((unsigned char)s[i]) == (hex ? 'p' : 'e')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || s[i] < '0' || s[i] > '9')
			return 0;
		for (; i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'); i++)
			under |= s[i] == '_';
	} else if (hex) {
		return 0;
	}
	return i == n && (!under || underscores_ok(s, i));
}

/* strconv.ParseFloat(s, 64). 0, -1 syntax, -2 range. */
static int go_parse_float(const char *s, size_t n, double *out)
{
	if (go_special(s, n, out))
		return 0;
	if (!go_float_syntax(s, n))
		return -1;
	char *buf = xmalloc(n + 1), *end;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '_')
			buf[k++] = s[i];
	buf[k] = '\0';
	*out = strtod(buf, &end);
	int ret = *end ? -1 : isinf(*out) ? -2 : 0;
	free(buf);
	return ret;
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
	sbuf_reset(&w->path);
	path_steps_render(&w->path, &w->steps, w->steps.n);
	return w->path.buf;
}

static void cast_node(struct walk *w, struct node *n, enum cast cast)
{
	struct diag_sink *d = &w->run->diag;
	const char *shown = diag_repr(d, n->s.text, n->s.len);
	int64_t i;
	double f;
	int b, r;
	switch (cast) {
	case CAST_INT:
		r = go_atoi(n->s.text, n->s.len, &i);
		if (!r) {
			n->kind = NODE_INT;
			n->flags &= ~NODE_UNSIGNED;
			n->s.v.i = i;
			return;
		}
		w->failed = diag_add(d, DIAG_ERROR, "typecast.int", n->pos, walk_path(w),
				     r == -2 ? "integer out of range: %s"
					     : "expected an integer, got %s",
				     shown);
		return;
	case CAST_FLOAT:
		r = go_parse_float(n->s.text, n->s.len, &f);
		if (!r) {
			n->kind = NODE_FLOAT;
			n->s.v.f = f;
			return;
		}
		w->failed = diag_add(d, DIAG_ERROR, "typecast.float", n->pos, walk_path(w),
				     r == -2 ? "number out of range: %s" : "expected a number, got %s",
				     shown);
		return;
	case CAST_BOOL:
		if (!go_yaml_bool(n->s.text, n->s.len, &b)) {
			n->kind = NODE_BOOL;
			n->s.v.b = b;
			return;
		}
		w->failed = diag_add(d, DIAG_ERROR, "typecast.bool", n->pos, walk_path(w),
				     "expected a boolean (true/false, yes/no, on/off, y/n), got %s",
				     shown);
		return;
	}
}

static void visit_string(struct walk *w, struct node *n, const struct path *split,
			 const struct path *whole)
{
	int cast = cast_for(split);
	if (cast >= 0) {
		cast_node(w, n, (enum cast)cast);
	} else if (split->n != whole->n && cast_for(whole) >= 0) {
		diag_add(&w->run->diag, DIAG_WARNING, "typecast.dotted-key", n->pos, walk_path(w),
			 "not converted to a %s: docker joins keys with '.' to find the values "
			 "to convert, so a '.' in a key above hides this one",
			 cast_for(whole) == CAST_BOOL ? "boolean" : "number");
	}
}

/*
 * split: the path as docker sees it (keys split at '.'); whole: keys kept
 * whole, to tell when only a dotted key prevented a cast.
 */
static void walk_node(struct walk *w, struct node *n, struct path split, struct path whole)
{
	if (!split.live && !whole.live)
		return;
	if (n->kind == NODE_STR && (n->flags & NODE_INTERPOLATED)) {
		visit_string(w, n, &split, &whole);
	} else if (n->kind == NODE_SEQ) {
		struct path s = { comp_step(split.live, split.n, "[]", 2), split.n + 1 };
		struct path h = { comp_step(whole.live, whole.n, "[]", 2), whole.n + 1 };
		for (size_t i = 0; i < n->seq.n; i++) {
			path_steps_index(&w->steps, i);
			walk_node(w, n->seq.v[i], s, h);
			w->steps.n--;
		}
	} else if (n->kind == NODE_MAP) {
		for (size_t i = 0; i < n->map.n; i++) {
			const char *k = n->map.v[i].key;
			size_t kl = strlen(k);
			struct path s = split, h = whole;
			for (const char *p = k;; p++) {
				size_t l = strcspn(p, ".");
				s.live = comp_step(s.live, s.n++, p, l);
				p += l;
				if (!*p)
					break;
			}
			/* the same sets, until a dotted key splits them */
			if (whole.n == split.n && whole.live == split.live && s.n == h.n + 1)
				h = s;
			else
				h.live = comp_step(h.live, h.n++, k, kl);
			path_steps_key(&w->steps, k);
			walk_node(w, n->map.v[i].val, s, h);
			w->steps.n--;
		}
	}
}

int typecast_tree(struct run *run, struct node *root)
{
	struct walk w = { run, PATH_STEPS_INIT, SBUF_INIT, 0 };
	patset all = all_patterns();
	struct path top = { all, 0 };
	if (root)
		walk_node(&w, root, top, top);
	path_steps_release(&w.steps);
	sbuf_release(&w.path);
	return w.failed ? -1 : 0;
}
