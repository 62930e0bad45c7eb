/*
 * Interpolation: the compose-spec grammar (compose-go), docker's grammar
 * (docker/cli template.go, bugs included), and the tree walk that applies
 * one and compares it with the other.
 *
 * An evaluation expands one value into ev->out and collects problems
 * (errors) and unset references (warnings) with their offsets in the value;
 * reporting turns them into diagnostics afterwards, so docker's grammar can
 * also run silently for the comparison.
 */
#include "compose/interp.h"
#include "base/arena.h"
#include "base/diag.h"
#include "base/hash.h"
#include "base/path.h"
#include "compose/vars.h"
#include "base/node.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "base/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NONE SIZE_MAX
#define MSG_MAX 256 /* bytes of a required-variable message kept for the report */

enum problem_kind { PROB_SYNTAX, PROB_REQUIRED, PROB_DEPTH };

struct problem {
	enum problem_kind kind;
	size_t off;       /* the `$`, as an offset in the evaluated value */
	const char *text; /* SYNTAX: the template; REQUIRED: the variable name */
	size_t text_len;
	const char *msg;  /* REQUIRED: the message (arena copy, cut at MSG_MAX) */
	size_t msg_len;
};

struct unset_ref {
	size_t off;
	const char *name;
	size_t len;
	int in_default; /* inside another variable's default: docker would keep it as written */
};

/* Quirks of docker's grammar met during an evaluation: why it may differ. */
enum {
	HINT_SEPARATOR = 1u << 0,
	HINT_UNBRACED = 1u << 1,
	HINT_NESTED = 1u << 2,
	HINT_PLUS = 1u << 3,
	HINT_DOLLAR = 1u << 4,
	HINT_FORGOTTEN = 1u << 5,
	HINT_DOTENV = 1u << 6,
};

/*
 * Recent lookups by name, for a tree walk: a project names the same few
 * variables in thousands of values, and the table is constant meanwhile.
 * Names point into the walked values' texts, which outlive the walk (a
 * replaced text is not freed).
 */
#define CACHE_SLOTS 64

struct lookup_cache {
	struct {
		const char *name; /* NULL: empty */
		size_t len;
		const struct env_var *var;
	} slot[CACHE_SLOTS];
};

struct eval {
	struct run *run;
	const struct env *env;
	struct lookup_cache *cache; /* NULL: none */
	const char *base; /* the value: offsets are relative to it */
	struct sbuf out;
	size_t budget;    /* bytes all buffers of this evaluation may still take */
	int limit_hit;
	struct problem *probs;
	size_t nprobs, aprobs;
	int required_warns; /* interp_opts.required_warns */
	size_t nsoft;       /* problems that are only warnings: missing required variables */
	struct unset_ref *unset;
	size_t nunset, aunset;
	unsigned hints;
	int process_only; /* docker's view: variables from .env/--env-file do not exist */
	/*
	 * Set by the spec grammar when the value uses anything outside the
	 * forms both grammars read alike (see spec_dollar): only then can
	 * docker's reading differ, and is it worth computing.
	 */
	int docker_may_differ;
};

/* spare: a buffer to reuse for the output (NULL: a fresh one); eval_release gives it back. */
static void eval_init(struct eval *ev, struct run *run, const struct env *env, const char *base,
		      struct sbuf *spare)
{
	memset(ev, 0, sizeof(*ev));
	ev->run = run;
	ev->env = env;
	ev->base = base;
	if (spare) {
		ev->out = *spare;
		sbuf_reset(&ev->out);
	} else {
		sbuf_init(&ev->out, 0);
	}
	ev->budget = INTERP_MAX_VALUE;
}

static void eval_release(struct eval *ev, struct sbuf *spare)
{
	if (spare)
		*spare = ev->out;
	else
		sbuf_release(&ev->out);
	free(ev->probs);
	free(ev->unset);
}

static void put(struct eval *ev, struct sbuf *sb, const char *s, size_t n)
{
	if (ev->limit_hit || !n)
		return;
	if (n > ev->budget) {
		ev->limit_hit = 1;
		return;
	}
	ev->budget -= n;
	sb_put(sb, s, n);
}

static void add_problem(struct eval *ev, const struct problem *pb)
{
	ALLOC_GROW(ev->probs, ev->nprobs + 1, ev->aprobs);
	ev->probs[ev->nprobs++] = *pb;
	ev->nsoft += pb->kind == PROB_REQUIRED && ev->required_warns;
}

static size_t offset(const struct eval *ev, const char *p)
{
	return (size_t)(p - ev->base);
}

static int syntax(struct eval *ev, struct problem *pb, const char *tmpl, size_t len,
		  const char *dollar)
{
	*pb = (struct problem){ PROB_SYNTAX, offset(ev, dollar), tmpl, len, NULL, 0 };
	return -1;
}

static int required(struct eval *ev, struct problem *pb, const char *dollar, const char *name,
		    size_t nlen, const char *msg, size_t mlen)
{
	if (mlen > MSG_MAX)
		mlen = MSG_MAX;
	*pb = (struct problem){ PROB_REQUIRED, offset(ev, dollar), name, nlen,
				arena_strndup(&ev->run->arena, msg, mlen), mlen };
	return -1;
}

static const struct env_var *find(struct eval *ev, const char *name, size_t len)
{
	if (!ev->env || !len)
		return NULL;
	if (!ev->cache)
		return env_findn(ev->env, name, len);
	size_t h = (len * 31 + (unsigned char)name[0] * 7u + (unsigned char)name[len - 1]) %
		   CACHE_SLOTS;
	struct lookup_cache *c = ev->cache;
	if (!c->slot[h].name || c->slot[h].len != len || memcmp(c->slot[h].name, name, len)) {
		c->slot[h].name = name;
		c->slot[h].len = len;
		c->slot[h].var = env_findn(ev->env, name, len);
	}
	return c->slot[h].var;
}

static const char *lookup(struct eval *ev, const char *name, size_t len)
{
	const struct env_var *e = find(ev, name, len);
	if (e && e->origin.src) {
		ev->docker_may_differ = 1; /* docker does not see it */
		if (ev->process_only) {
			ev->hints |= HINT_DOTENV;
			return NULL;
		}
	}
	return e ? e->value : NULL;
}

/* ==== lexical pieces shared by both grammars ==== */

/*
 * The length of the name at s: name characters are [_A-Za-z], digits
 * unless first, and the two non-ASCII letters Go's case folding adds to
 * [a-z]: U+017F (s) and U+212A (K).
 */
static size_t name_len(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		unsigned c = u[i];
		if (c == '_' || (unsigned)((c | 0x20) - 'a') < 26u || (i && c - '0' < 10u))
			i++;
		else if (c == 0xC5 && n - i >= 2 && u[i + 1] == 0xBF)
			i += 2;
		else if (c == 0xE2 && n - i >= 3 && u[i + 1] == 0x84 && u[i + 2] == 0xAA)
			i += 3;
		else
			break;
	}
	return i;
}

struct op {
	char c;    /* '-', '+' or '?' */
	int colon; /* written with a leading ':' */
};

/* Length of the operator at s[k] (an optional ':' then one of ops), 0 if none. */
static size_t parse_op(const char *s, size_t k, size_t n, const char *ops, struct op *op)
{
	size_t colon = k < n && s[k] == ':';
	size_t c = k + colon;
	if (c < n && s[c] && strchr(ops, s[c])) {
		op->c = s[c];
		op->colon = (int)colon;
		return colon + 1;
	}
	return 0;
}

/* Does the operator pick the variable's own value (set, and non-empty for ':')? */
static int op_holds(const struct op *op, const char *v)
{
	return v && (!op->colon || *v);
}

/* ==== compose-spec grammar ==== */

/* The last '}' of the line, cached per line (expressions with an operator end there). */
struct line_cache {
	int valid;
	size_t from, eol, last;
};

static size_t last_brace(struct line_cache *lc, const char *s, size_t n, size_t a)
{
	if (!lc->valid || a < lc->from || a > lc->eol) {
		const char *nl = memchr(s + a, '\n', n - a);
		lc->valid = 1;
		lc->from = a;
		lc->eol = nl ? (size_t)(nl - s) : n;
		lc->last = NONE;
		for (size_t p = lc->eol; p > a; p--) {
			if (s[p - 1] == '}') {
				lc->last = p - 1;
				break;
			}
		}
	}
	return lc->last != NONE && lc->last >= a ? lc->last : NONE;
}

/*
 * compose-go's getFirstBraceClosingIndex on s[i..m]: count '{' up and '}'
 * down, skipping the character after each '{'; the '}' that brings the
 * count back to 0 ends the expression, else m does.
 */
static size_t closing_brace(const char *s, size_t i, size_t m)
{
	/* usually no '{' follows the `${` and the first character after it: the first '}' ends */
	const char *b = i + 3 <= m ? memchr(s + i + 3, '}', m + 1 - (i + 3)) : NULL;
	if (b && !memchr(s + i + 3, '{', (size_t)(b - (s + i + 3))))
		return (size_t)(b - s);
	long depth = 0;
	for (size_t p = i; p <= m; p++) {
		if (s[p] == '}' && --depth == 0)
			return p;
		if (s[p] == '{') {
			depth++;
			p++;
		}
	}
	return m;
}

static int spec_expand(struct eval *ev, const char *s, size_t n, struct sbuf *out, int depth,
		       struct problem *first);

/* Expand an operator's argument one level deeper. */
static int nested(struct eval *ev, const char *s, size_t n, struct sbuf *out, int depth,
		  struct problem *pb)
{
	if (depth + 1 > INTERP_MAX_DEPTH) {
		*pb = (struct problem){ PROB_DEPTH, offset(ev, s), NULL, 0, NULL, 0 };
		return -1;
	}
	return spec_expand(ev, s, n, out, depth + 1, pb);
}

/* A plain `$NAME` / `${NAME}`: unset gives "" and a warning. */
static void spec_var(struct eval *ev, const char *dollar, const char *name, size_t len,
		     struct sbuf *out, int depth)
{
	const char *v = lookup(ev, name, len);
	if (!v) {
		ALLOC_GROW(ev->unset, ev->nunset + 1, ev->aunset);
		ev->unset[ev->nunset++] =
			(struct unset_ref){ offset(ev, dollar), name, len, depth > 0 };
		return;
	}
	put(ev, out, v, strlen(v));
}

/* `${name<op>arg}`: the argument is expanded only when it is used. */
static int spec_apply(struct eval *ev, const struct op *op, const char *dollar, const char *name,
		      size_t nlen, const char *arg, size_t alen, struct sbuf *out, int depth,
		      struct problem *pb)
{
	const char *v = lookup(ev, name, nlen);
	if (op->c == '+') {
		if (op_holds(op, v))
			return nested(ev, arg, alen, out, depth, pb);
		put(ev, out, v ? v : "", v ? strlen(v) : 0);
		return 0;
	}
	if (op_holds(op, v)) {
		put(ev, out, v, strlen(v));
		return 0;
	}
	if (op->c == '-')
		return nested(ev, arg, alen, out, depth, pb);
	struct sbuf msg = SBUF_INIT;
	int r = nested(ev, arg, alen, &msg, depth, pb);
	if (!r)
		r = required(ev, pb, dollar, name, nlen, msg.buf, msg.len);
	sbuf_release(&msg);
	return r;
}

/*
 * Whether docker reads `${NAME<op>arg}` (the expression ending at the '}'
 * after arg) as the spec does: a `-`/`:-` default without `$` (docker does
 * not nest) or `{` (then both end the expression at the first '}'), and
 * for `-` without `:-` in it (docker would split there). `?` forms differ
 * in how docker forgets errors; `+` forms docker rejects.
 */
static int default_read_alike(const struct op *op, const char *arg, size_t n)
{
	if (op->c != '-' || memchr(arg, '$', n) || memchr(arg, '{', n))
		return 0;
	for (size_t i = 0; !op->colon && i + 1 < n; i++)
		if (arg[i] == ':' && arg[i + 1] == '-')
			return 0;
	return 1;
}

/* `${...}` at s[*pi]; *pi moves past what was consumed. */
static int spec_braced(struct eval *ev, const char *s, size_t n, size_t *pi, struct sbuf *out,
		       int depth, struct line_cache *lc, struct problem *pb)
{
	size_t i = *pi, j = i + 2, nl = name_len(s + j, n - j), k = j + nl;
	struct op op;
	*pi = i + 2; /* past an invalid `${` */
	if (!nl)
		return syntax(ev, pb, s, n, s + i);
	if (k < n && s[k] == '}') {
		*pi = k + 1;
		spec_var(ev, s + i, s + j, nl, out, depth);
		return 0;
	}
	size_t a = k + parse_op(s, k, n, "-+?", &op);
	size_t m = a > k ? last_brace(lc, s, n, a) : NONE;
	if (m == NONE)
		return syntax(ev, pb, s, n, s + i);
	size_t end = closing_brace(s, i, m);
	/*
	 * compose-go expands the rest of the match (up to m) recursively; going
	 * on at end + 1 gives the same text without a recursion per expression,
	 * and after an error it reports the rest too (compose-go stops there).
	 */
	*pi = end + 1;
	if (!default_read_alike(&op, s + a, end - a))
		ev->docker_may_differ = 1;
	return spec_apply(ev, &op, s + i, s + j, nl, s + a, end - a, out, depth, pb);
}

/*
 * One `$` at s[*pi]. Both grammars read `$$`, `${NAME}`, `$NAME` when no
 * `-`, `?`, `:-` or `:?` follows (docker would take that as a modifier)
 * and the defaults of default_read_alike() the same way; anything else
 * sets docker_may_differ (so do errors, see interp_node).
 */
static int spec_dollar(struct eval *ev, const char *s, size_t n, size_t *pi, struct sbuf *out,
		       int depth, struct line_cache *lc, struct problem *pb)
{
	size_t i = *pi, nl = name_len(s + i + 1, n - i - 1);
	struct op op;
	if (i + 1 < n && s[i + 1] == '$') {
		put(ev, out, "$", 1);
		*pi = i + 2;
		return 0;
	}
	if (nl) {
		if (parse_op(s, i + 1 + nl, n, "-?", &op))
			ev->docker_may_differ = 1;
		spec_var(ev, s + i, s + i + 1, nl, out, depth);
		*pi = i + 1 + nl;
		return 0;
	}
	if (i + 1 < n && s[i + 1] == '{')
		return spec_braced(ev, s, n, pi, out, depth, lc, pb);
	ev->docker_may_differ = 1;
	put(ev, out, "$", 1); /* not an expression: a literal `$` */
	*pi = i + 1;
	return 0;
}

/*
 * Expand s into out. At depth 0 every problem is recorded; deeper, only the
 * first one is kept in *first (compose-go returns one error per template).
 */
static int spec_expand(struct eval *ev, const char *s, size_t n, struct sbuf *out, int depth,
		       struct problem *first)
{
	struct line_cache lc = { 0 };
	int failed = 0;
	size_t i = 0;
	while (i < n && !ev->limit_hit) {
		const char *d = memchr(s + i, '$', n - i);
		size_t j = d ? (size_t)(d - s) : n;
		put(ev, out, s + i, j - i);
		if (!d)
			break;
		struct problem pb;
		i = j;
		if (!spec_dollar(ev, s, n, &i, out, depth, &lc, &pb) || ev->limit_hit)
			continue;
		if (!depth)
			add_problem(ev, &pb);
		else if (!failed)
			*first = pb;
		failed = 1;
	}
	return failed || ev->limit_hit ? -1 : 0;
}

/* ==== docker's grammar (cli/compose/template, v28.2.2) ==== */

static size_t brace_or_end(const char *s, size_t a, size_t n)
{
	const char *b = memchr(s + a, '}', n - a);
	return b ? (size_t)(b - s) : n;
}

struct dmatch {
	const char *sub; /* what the regexp captured: name + modifier */
	size_t len;
	size_t name_len; /* where the written operator starts in sub */
	size_t end;      /* offset just past the match */
};

/*
 * docker's regexp at s[i] == '$' (after `$$` was ruled out):
 *   NAME(:?[-?][^}]*)?  |  {NAME(:?[-?][^}]*)?}
 * Returns 0 when neither matches (an invalid template).
 */
static int docker_match(struct eval *ev, const char *s, size_t n, size_t i, struct dmatch *m)
{
	struct op op;
	size_t nl = name_len(s + i + 1, n - i - 1);
	if (nl) {
		size_t k = i + 1 + nl, a = k + parse_op(s, k, n, "-?", &op);
		size_t e = a > k ? brace_or_end(s, a, n) : k;
		if (a > k)
			ev->hints |= HINT_UNBRACED;
		*m = (struct dmatch){ s + i + 1, e - i - 1, nl, e };
		return 1;
	}
	if (i + 1 >= n || s[i + 1] != '{')
		return 0;
	size_t j = i + 2;
	nl = name_len(s + j, n - j);
	if (!nl)
		return 0;
	size_t k = j + nl, a = k + parse_op(s, k, n, "-?", &op);
	size_t p = a > k ? brace_or_end(s, a, n) : k;
	if (p >= n || s[p] != '}')
		return 0;
	*m = (struct dmatch){ s + j, p - j, nl, p + 1 };
	return 1;
}

/* Why a `$` is invalid for docker while compose may accept it. */
static unsigned docker_invalid_hint(const char *s, size_t n, size_t i)
{
	struct op op;
	if (i + 1 >= n || s[i + 1] != '{')
		return HINT_DOLLAR;
	size_t j = i + 2, nl = name_len(s + j, n - j);
	if (nl && parse_op(s, j + nl, n, "+", &op))
		return HINT_PLUS;
	return 0;
}

/*
 * docker's substitute functions, in their order: the first separator of
 * ":-", "-", ":?", "?" found anywhere in the capture wins and splits it at
 * its first occurrence; without one the capture is a name.
 */
static int docker_resolve(struct eval *ev, const struct dmatch *m, const char *dollar,
			  struct problem *pb)
{
	static const char *const seps[] = { ":-", "-", ":?", "?" };
	for (size_t i = 0; i < ARRAY_SIZE(seps); i++) {
		size_t sl = strlen(seps[i]);
		const char *p = memmem(m->sub, m->len, seps[i], sl);
		if (!p)
			continue;
		size_t nlen = (size_t)(p - m->sub);
		const char *arg = p + sl;
		size_t alen = m->len - nlen - sl;
		struct op op = { seps[i][sl - 1], sl == 2 };
		const char *v = lookup(ev, m->sub, nlen);
		if (nlen != m->name_len)
			ev->hints |= HINT_SEPARATOR;
		if (memchr(arg, '$', alen))
			ev->hints |= HINT_NESTED;
		if (op_holds(&op, v)) {
			put(ev, &ev->out, v, strlen(v));
			return 0;
		}
		if (op.c == '?')
			return required(ev, pb, dollar, m->sub, nlen, arg, alen);
		put(ev, &ev->out, arg, alen);
		return 0;
	}
	const char *v = lookup(ev, m->sub, m->len);
	if (v)
		put(ev, &ev->out, v, strlen(v));
	return 0;
}

/*
 * docker's ReplaceAllStringFunc loop. Its error variable is overwritten by
 * every later variable substitution, so only an error that no later
 * variable clears survives; `$$` leaves it alone.
 */
static void docker_expand(struct eval *ev, const char *s, size_t n)
{
	struct problem cur;
	int err = 0;
	size_t i = 0;
	while (i < n && !ev->limit_hit) {
		const char *d = memchr(s + i, '$', n - i);
		size_t j = d ? (size_t)(d - s) : n;
		put(ev, &ev->out, s + i, j - i);
		if (!d)
			break;
		i = j;
		struct dmatch m;
		if (i + 1 < n && s[i + 1] == '$') {
			put(ev, &ev->out, "$", 1);
			i += 2;
		} else if (docker_match(ev, s, n, i, &m)) {
			int was = err;
			err = docker_resolve(ev, &m, s + i, &cur) ? 1 : 0;
			if (was && !err)
				ev->hints |= HINT_FORGOTTEN;
			i = m.end;
		} else {
			ev->hints |= docker_invalid_hint(s, n, i);
			err = 1;
			syntax(ev, &cur, s, n, s + i);
			i++;
		}
	}
	if (err && !ev->limit_hit)
		add_problem(ev, &cur);
}

static void evaluate(struct eval *ev, enum interp_mode mode, const char *s, size_t n)
{
	if (mode == INTERP_DOCKER)
		docker_expand(ev, s, n);
	else
		spec_expand(ev, s, n, &ev->out, 0, NULL);
}

static int eval_failed(const struct eval *ev)
{
	return ev->nprobs > ev->nsoft || ev->limit_hit;
}

/* ==== reporting ==== */

/* Where offset off of the value is: exact for a verbatim copy of one source line. */
static struct pos pos_at(struct pos pos, unsigned flags, const char *base, size_t off)
{
	if (!(flags & INTERP_F_VERBATIM) || !pos.line)
		return pos;
	uint64_t col = pos.col;
	for (size_t i = 0; i < off; i++)
		if (((unsigned char)base[i] & 0xC0) != 0x80)
			col++;
	return pos_make(pos.src, pos.line, col);
}

/* A variable name for a message: as is when it is a plain identifier, else quoted. */
static const char *name_text(struct diag_sink *d, const char *name, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (c != '_' && !((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && !(c >= '0' && c <= '9'))
			return diag_repr(d, name, len);
	}
	return arena_strndup(d->arena, name, len);
}

/* The problem as a message (arena string). */
static const char *problem_text(struct diag_sink *d, const struct problem *pb)
{
	switch (pb->kind) {
	case PROB_SYNTAX:
		return arena_fmt(d->arena, "invalid interpolation format: %s; escape a literal $ as $$",
				 diag_repr(d, pb->text, pb->text_len));
	case PROB_REQUIRED:
		return arena_fmt(d->arena, "required variable %s is missing a value%s%s",
				 name_text(d, pb->text, pb->text_len), pb->msg_len ? ": " : "",
				 pb->msg_len ? diag_repr(d, pb->msg, pb->msg_len) : "");
	case PROB_DEPTH:
		return arena_fmt(d->arena, "variables nested more than %d levels deep",
				 INTERP_MAX_DEPTH);
	}
	BUG("problem kind %d", (int)pb->kind);
}

static const char *limit_text(struct diag_sink *d)
{
	return arena_fmt(d->arena, "value longer than %u MiB after interpolation",
			 INTERP_MAX_VALUE >> 20);
}

/* Diagnostics of one kind shown per value; the rest are counted in a note. */
#define REPORT_MAX 10

static void more_note(struct diag_sink *d, struct pos pos, size_t n, const char *what)
{
	if (n > REPORT_MAX)
		diag_note(d, pos, "%zu more %s in this value", n - REPORT_MAX, what);
}

/* Report an evaluation's problems (errors) and, in spec mode, unset variables. */
/* Whether report() has anything to say (else it needs no path). */
static int reports(const struct eval *ev, enum interp_mode mode)
{
	return (mode == INTERP_SPEC && ev->nunset) || ev->nprobs || ev->limit_hit;
}

static int report(struct run *run, const struct eval *ev, enum interp_mode mode, struct pos pos,
		  unsigned flags, const char *path)
{
	struct diag_sink *d = &run->diag;
	static const char *const rules[] = { "interp.syntax", "interp.required", "interp.limit" };
	size_t nunset = mode == INTERP_SPEC ? ev->nunset : 0;
	for (size_t i = 0; i < nunset && i < REPORT_MAX; i++) {
		const struct unset_ref *u = &ev->unset[i];
		/* the traefik basic-auth pattern: ${PASS:-$2y$05$hash...} */
		if (u->in_default)
			diag_add(d, DIAG_WARNING, "interp.unset", pos_at(pos, flags, ev->base, u->off),
				 path,
				 "variable %s is not set, defaulting to a blank string; it is inside a "
				 "default, where docker and compose v1 keep $%.*s as written: for a "
				 "literal $ (a password hash, say), write $$%.*s",
				 name_text(d, u->name, u->len), (int)u->len, u->name, (int)u->len,
				 u->name);
		else
			diag_add(d, DIAG_WARNING, "interp.unset", pos_at(pos, flags, ev->base, u->off),
				 path, "variable %s is not set, defaulting to a blank string",
				 name_text(d, u->name, u->len));
	}
	more_note(d, pos, nunset, "unset variables");
	for (size_t i = 0; i < ev->nprobs && i < REPORT_MAX; i++) {
		const struct problem *pb = &ev->probs[i];
		int soft = pb->kind == PROB_REQUIRED && ev->required_warns;
		diag_add(d, soft ? DIAG_WARNING : DIAG_ERROR, rules[pb->kind],
			 pos_at(pos, flags, ev->base, pb->off), path, "%s", problem_text(d, pb));
	}
	more_note(d, pos, ev->nprobs, "errors");
	if (ev->limit_hit)
		diag_add(d, DIAG_ERROR, "interp.limit", pos, path, "%s", limit_text(d));
	return eval_failed(ev) ? -1 : 0;
}

int interp_string(struct run *run, const struct interp_opts *opts, struct pos pos,
		  unsigned flags, const char *path, const char *s, size_t len,
		  const char **out, size_t *out_len)
{
	struct eval ev;
	eval_init(&ev, run, opts->env, s, NULL);
	ev.required_warns = opts->required_warns;
	evaluate(&ev, opts->mode, s, len);
	int ret = report(run, &ev, opts->mode, pos, flags, path);
	if (!ret) {
		*out = arena_strndup(&run->arena, ev.out.buf, ev.out.len);
		*out_len = ev.out.len;
	}
	eval_release(&ev, NULL);
	return ret;
}

/* ==== the tree walk ==== */

struct walk {
	struct run *run;
	const struct interp_opts *opts;
	struct path_steps steps; /* spelled out into path when a message needs it */
	struct sbuf path;
	int path_ok;             /* path holds the current node's */
	int failed;
	int compare_all;
	struct sbuf out, dk_out; /* output buffers, reused by every evaluation */
	struct lookup_cache cache;
	const char **warned;     /* texts warned about (open addressing; NULL = empty) */
	size_t nwarned, warned_slots;
};

static const char *walk_path(struct walk *w)
{
	if (!w->path_ok) {
		sbuf_reset(&w->path);
		path_steps_render(&w->path, &w->steps, w->steps.n);
		w->path_ok = 1;
	}
	return w->path.buf;
}

/*
 * Where a string node's value starts in its source when the source holds
 * it verbatim on one line (plain, or quoted without escapes): then
 * diagnostics can point at the `$` itself.
 */
static unsigned locate(const struct run *run, const struct node *n, struct pos *pos)
{
	const struct source *so = source_get(&run->sources, n->pos.src);
	size_t b;
	*pos = n->pos;
	if (memchr(n->s.text, '\n', n->len) ||
	    source_line_start(&b, &run->sources, n->pos.src, n->pos.line))
		return 0;
	for (uint32_t col = 1; col < n->pos.col && b < so->len; col++) {
		b++;
		while (b < so->len && ((unsigned char)so->text[b] & 0xC0) == 0x80)
			b++;
	}
	size_t quote = b < so->len && (so->text[b] == '\'' || so->text[b] == '"');
	b += quote;
	if (b > so->len || so->len - b < n->len || memcmp(so->text + b, n->s.text, n->len))
		return 0;
	*pos = pos_make(pos->src, pos->line, (uint64_t)pos->col + quote);
	return INTERP_F_VERBATIM;
}

static const char *hint_text(unsigned hints)
{
	static const struct {
		unsigned bit;
		const char *text;
	} why[] = {
		{ HINT_SEPARATOR, "docker splits ${...} at the first of :-, -, :?, ? found anywhere in it" },
		{ HINT_UNBRACED, "docker reads the text after an unbraced $NAME-... or $NAME?... up to the next '}' as its default" },
		{ HINT_NESTED, "docker does not expand variables inside a default" },
		{ HINT_PLUS, "docker does not support ${VAR:+...} or ${VAR+...}" },
		{ HINT_DOLLAR, "docker rejects a '$' that does not start a variable; write $$" },
		{ HINT_FORGOTTEN, "docker drops the error when a later variable in the value substitutes" },
		{ HINT_DOTENV, "docker stack reads no .env or --env-file: only the shell's variables" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(why); i++)
		if (hints & why[i].bit)
			return why[i].text;
	return NULL;
}

/*
 * Values under names like these may be credentials: the warnings then say
 * that docker reads them differently without printing either reading.
 */
static int looks_secret(const char *path)
{
	static const char *const words[] = { "pass", "secret", "token", "apikey", "api_key",
					     "private", "credential", "auth" };
	for (const char *p = path; *p; p++)
		for (size_t i = 0; i < ARRAY_SIZE(words); i++)
			if (!strncasecmp(p, words[i], strlen(words[i])))
				return 1;
	return 0;
}

static const char *shown_value(struct diag_sink *d, const char *path, const char *s, size_t n)
{
	return looks_secret(path) ? "(value hidden)" : diag_repr(d, s, n);
}

/*
 * Whether docker's grammar, given the .env variables too, reads the value
 * as the spec does: then docker differs only because docker stack reads no
 * .env, which a user deploying with stackc need not hear about.
 */
static int differs_only_by_source(struct walk *w, const struct node *n, const struct eval *spec)
{
	struct eval all;
	eval_init(&all, w->run, w->opts->env, n->s.text, NULL);
	all.cache = &w->cache;
	docker_expand(&all, n->s.text, n->len);
	int same = eval_failed(&all) ? eval_failed(spec)
				     : !eval_failed(spec) && all.out.len == spec->out.len &&
					       !memcmp(all.out.buf, spec->out.buf, all.out.len);
	eval_release(&all, NULL);
	return same;
}

static void warned_put(const char **slots, size_t nslots, const char *text)
{
	size_t j = hash_str(text) & (nslots - 1);
	while (slots[j])
		j = (j + 1) & (nslots - 1);
	slots[j] = text;
}

/* First time this walk warns about text: later uses of the same text stay quiet. */
static int first_warning_for(struct walk *w, const char *text)
{
	for (size_t j = w->warned_slots ? hash_str(text) & (w->warned_slots - 1) : 0;
	     w->warned_slots && w->warned[j]; j = (j + 1) & (w->warned_slots - 1))
		if (!strcmp(w->warned[j], text))
			return 0;
	if ((w->nwarned + 1) * 2 > w->warned_slots) {
		size_t nslots = w->warned_slots ? w->warned_slots * 2 : 64;
		const char **v = xcalloc(nslots, sizeof(*v));
		for (size_t i = 0; i < w->warned_slots; i++)
			if (w->warned[i])
				warned_put(v, nslots, w->warned[i]);
		free(w->warned);
		w->warned = v;
		w->warned_slots = nslots;
	}
	warned_put(w->warned, w->warned_slots, text);
	w->nwarned++;
	return 1;
}

/*
 * Spec mode: say where docker stack deploy would read the value differently.
 * By default only where docker's grammar reads the text differently, once
 * per distinct text; with report_all every value, also those that differ
 * only because docker stack reads no .env.
 */
static void compare_docker(struct walk *w, const struct node *n, const struct eval *spec)
{
	struct diag_sink *d = &w->run->diag;
	struct eval dk;
	eval_init(&dk, w->run, w->opts->env, n->s.text, &w->dk_out);
	dk.cache = &w->cache;
	dk.process_only = 1;
	docker_expand(&dk, n->s.text, n->len);
	int differs = eval_failed(spec) ? !eval_failed(&dk)
			: eval_failed(&dk) || dk.out.len != spec->out.len ||
				  memcmp(dk.out.buf, spec->out.buf, dk.out.len);
	if (differs && !w->opts->report_all) {
		if ((dk.hints & HINT_DOTENV) && differs_only_by_source(w, n, spec))
			differs = 0;
		else if (!eval_failed(spec) && !first_warning_for(w, n->s.text))
			differs = 0; /* a note under an error goes with each error */
	}
	const char *why = hint_text(dk.hints);
	if (!differs) {
		/* the same reading, or not worth saying */
	} else if (eval_failed(spec)) {
		diag_note(d, n->pos, "docker stack deploy would accept it and read %s%s%s%s",
			  shown_value(d, walk_path(w), dk.out.buf, dk.out.len), why ? " (" : "",
			  why ? why : "", why ? ")" : "");
	} else if (eval_failed(&dk)) {
		diag_add(d, DIAG_WARNING, "interp.docker-differs", n->pos, walk_path(w),
			 "docker stack deploy rejects this value (%s)%s%s%s; stackc uses %s",
			 dk.limit_hit ? limit_text(d) : problem_text(d, &dk.probs[0]),
			 why ? " (" : "", why ? why : "", why ? ")" : "",
			 shown_value(d, walk_path(w), spec->out.buf, spec->out.len));
	} else {
		diag_add(d, DIAG_WARNING, "interp.docker-differs", n->pos, walk_path(w),
			 "docker stack deploy reads this as %s%s%s%s; stackc uses %s",
			 shown_value(d, walk_path(w), dk.out.buf, dk.out.len), why ? " (" : "",
			 why ? why : "", why ? ")" : "",
			 shown_value(d, walk_path(w), spec->out.buf, spec->out.len));
	}
	eval_release(&dk, &w->dk_out);
}

/* A string holding a '$' (others never change). */
static void interp_node(struct walk *w, struct node *n)
{
	w->path_ok = 0;
	struct eval ev;
	eval_init(&ev, w->run, w->opts->env, n->s.text, &w->out);
	ev.cache = &w->cache;
	ev.required_warns = w->opts->required_warns;
	evaluate(&ev, w->opts->mode, n->s.text, n->len);
	if (reports(&ev, w->opts->mode)) {
		struct pos pos;
		unsigned flags = locate(w->run, n, &pos);
		if (report(w->run, &ev, w->opts->mode, pos, flags, walk_path(w))) {
			w->failed = 1;
			n->flags |= NODE_FAILED; /* the pipeline takes it out (base/node.h) */
		}
	}
	/* a missing required variable was said: docker fails there too */
	if (w->opts->mode == INTERP_SPEC && !ev.nsoft &&
	    (ev.docker_may_differ || eval_failed(&ev) || w->compare_all))
		compare_docker(w, n, &ev);
	if (!eval_failed(&ev) &&
	    (ev.out.len != n->len || memcmp(ev.out.buf, n->s.text, n->len))) {
		node_set_str(&w->run->arena, n, ev.out.buf, ev.out.len);
		n->flags |= NODE_INTERPOLATED;
	}
	eval_release(&ev, &w->out);
}

/* Whether the walk has anything to do at n (checked before the path is updated). */
static int worth_visiting(const struct node *n)
{
	return n->kind == NODE_MAP || n->kind == NODE_SEQ ||
	       (n->kind == NODE_STR && memchr(n->s.text, '$', n->len));
}

/*
 * The path keeps one step per level, overwritten for each entry or item
 * (by index: a deeper level may move the array).
 */
static void walk_node(struct walk *w, struct node *n, int top)
{
	size_t d = w->steps.n;
	switch (n->kind) {
	case NODE_STR:
		interp_node(w, n);
		break;
	case NODE_SEQ:
		path_steps_index(&w->steps, 0);
		for (size_t i = 0; i < n->seq.n; i++) {
			if (!worth_visiting(n->seq.v[i]))
				continue;
			w->steps.v[d].index = i;
			walk_node(w, n->seq.v[i], 0);
		}
		w->steps.n = d;
		break;
	case NODE_MAP:
		path_steps_key(&w->steps, NULL);
		for (size_t i = 0; i < n->map.n; i++) {
			struct node_entry *e = &n->map.v[i];
			/* docker checks `version` before interpolating: "${V}" must stay as written */
			if (!worth_visiting(e->val) || (top && !strcmp(e->key, "version")))
				continue;
			w->steps.v[d].key = e->key;
			walk_node(w, e->val, 0);
		}
		w->steps.n = d;
		break;
	default:
		break;
	}
}

static void walker_init(struct walk *w, struct run *run, const struct interp_opts *opts,
			int compare_all)
{
	*w = (struct walk){ .run = run, .opts = opts, .steps = PATH_STEPS_INIT, .path = SBUF_INIT,
			    .compare_all = compare_all, .out = SBUF_INIT, .dk_out = SBUF_INIT };
}

static int walker_tree(struct walk *w, struct node *root)
{
	w->failed = 0;
	if (root && worth_visiting(root))
		walk_node(w, root, 1);
	return w->failed ? -1 : 0;
}

static void walker_release(struct walk *w)
{
	path_steps_release(&w->steps);
	sbuf_release(&w->path);
	sbuf_release(&w->out);
	sbuf_release(&w->dk_out);
	free(w->warned);
}

static int walk_tree(struct run *run, struct node *root, const struct interp_opts *opts,
		     int compare_all)
{
	struct walk w;
	walker_init(&w, run, opts, compare_all);
	int ret = walker_tree(&w, root);
	walker_release(&w);
	return ret;
}

int interp_tree(struct run *run, struct node *root, const struct interp_opts *opts)
{
	return walk_tree(run, root, opts, 0);
}

int interp_tree_compare_all(struct run *run, struct node *root, const struct interp_opts *opts)
{
	return walk_tree(run, root, opts, 1);
}
