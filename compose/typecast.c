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

/* Components deeper than every pattern can never match. */
#define MAX_COMPS 8

struct comp {
	const char *s;
	size_t len;
};

struct path {
	struct comp v[MAX_COMPS + 1];
	size_t n; /* may exceed MAX_COMPS: then only counted */
};

static void comp_push(struct path *p, const char *s, size_t len)
{
	if (p->n < ARRAY_SIZE(p->v))
		p->v[p->n] = (struct comp){ s, len };
	p->n++;
}

static int path_matches(const struct path *p, const char *pattern)
{
	size_t i = 0;
	while (*pattern) {
		size_t len = strcspn(pattern, ".");
		if (i >= p->n || i >= ARRAY_SIZE(p->v))
			return 0;
		if (!(len == 1 && *pattern == '*') &&
		    (p->v[i].len != len || memcmp(p->v[i].s, pattern, len)))
			return 0;
		i++;
		pattern += len + (pattern[len] == '.');
	}
	return i == p->n;
}

/* The cast for a path, or -1. */
static int cast_for(const struct path *p)
{
	if (p->n > MAX_COMPS)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(casts); i++)
		if (path_matches(p, casts[i].path))
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
	struct sbuf path;
	int failed;
};

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
		w->failed = diag_add(d, DIAG_ERROR, "typecast.int", n->pos, w->path.buf,
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
		w->failed = diag_add(d, DIAG_ERROR, "typecast.float", n->pos, w->path.buf,
				     r == -2 ? "number out of range: %s" : "expected a number, got %s",
				     shown);
		return;
	case CAST_BOOL:
		if (!go_yaml_bool(n->s.text, n->s.len, &b)) {
			n->kind = NODE_BOOL;
			n->s.v.b = b;
			return;
		}
		w->failed = diag_add(d, DIAG_ERROR, "typecast.bool", n->pos, w->path.buf,
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
		diag_add(&w->run->diag, DIAG_WARNING, "typecast.dotted-key", n->pos, w->path.buf,
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
	size_t len = w->path.len;
	if (split.n > MAX_COMPS && whole.n > MAX_COMPS)
		return;
	if (n->kind == NODE_STR && (n->flags & NODE_INTERPOLATED)) {
		visit_string(w, n, &split, &whole);
	} else if (n->kind == NODE_SEQ) {
		for (size_t i = 0; i < n->seq.n; i++) {
			struct path s = split, h = whole;
			comp_push(&s, "[]", 2);
			comp_push(&h, "[]", 2);
			path_push_index(&w->path, i);
			walk_node(w, n->seq.v[i], s, h);
			sbuf_setlen(&w->path, len);
		}
	} else if (n->kind == NODE_MAP) {
		for (size_t i = 0; i < n->map.n; i++) {
			const char *k = n->map.v[i].key;
			struct path s = split, h = whole;
			for (const char *p = k;; p++) {
				size_t l = strcspn(p, ".");
				comp_push(&s, p, l);
				p += l;
				if (!*p)
					break;
			}
			comp_push(&h, k, strlen(k));
			path_push_key(&w->path, k);
			walk_node(w, n->map.v[i].val, s, h);
			sbuf_setlen(&w->path, len);
		}
	}
}

int typecast_tree(struct run *run, struct node *root)
{
	struct walk w = { run, SBUF_INIT, 0 };
	struct path empty = { .n = 0 };
	if (root)
		walk_node(&w, root, empty, empty);
	sbuf_release(&w.path);
	return w.failed ? -1 : 0;
}
