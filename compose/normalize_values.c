/*
 * Normalization of values: scalars as docker's Go types hold them (ints,
 * durations, byte sizes, float32), lists and maps of strings in their short
 * forms, and extra_hosts. See normalize_internal.h.
 */
#include "compose/normalize_internal.h"
#include "base/arena.h"
#include "base/node.h"
#include "base/xalloc.h"
#include "compose/units.h"
#include "compose/ytime.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- scalars ---- */

/* fmt.Sprint of a scalar as docker prints map values: ints in decimal, floats as %v. */
static const char *go_sprint(struct nctx *c, const struct node *n)
{
	char buf[UNITS_BUF], tbuf[YTIME_BUF];
	struct ytime t;
	switch (n->kind) {
	case NODE_STR:
		return n->s.text;
	case NODE_BOOL:
		return n->s.v.b ? "true" : "false";
	case NODE_INT:
		if (n->flags & NODE_UNSIGNED)
			return arena_fmt(c->a, "%" PRIu64, n->s.v.u);
		return arena_fmt(c->a, "%" PRId64, n->s.v.i);
	case NODE_FLOAT:
		return arena_strdup(c->a, units_format_go_float(n->s.v.f, 64, buf));
	case NODE_TIME:
		t = ytime_of(n->s.text, n->len);
		return arena_strndup(c->a, tbuf, ytime_format_go(tbuf, &t));
	default:
		return NULL;
	}
}

/* A string node for a scalar value (strings are reused as they are). */
static struct node *str_of(struct nctx *c, struct node *n)
{
	if (n->kind == NODE_STR)
		return n;
	const char *s = go_sprint(c, n);
	if (!s)
		return norm_type_error(c, n, "a string or a number");
	return norm_str_ref(c, n->pos, s);
}

static struct node *dec_str(struct nctx *c, struct node *n, int keep)
{
	if (n->kind != NODE_STR)
		return norm_type_error(c, n, "a string");
	return n->len || keep ? n : NULL;
}

static struct node *dec_bool(struct nctx *c, struct node *n, int keep)
{
	if (n->kind != NODE_BOOL)
		return norm_type_error(c, n, "a boolean");
	return n->s.v.b || keep ? n : NULL;
}

/* Is s how an integer prints in decimal (no sign, base prefix, '_' or leading zero)? */
static int is_decimal(const char *s, size_t len)
{
	size_t i = len && s[0] == '-';
	if (i == len || (s[i] == '0' && (i || len > 1)))
		return 0;
	for (; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* n (a node the decoders own) turned into the string s, unless it is that already. */
struct node *norm_set_str(struct nctx *c, struct node *n, const char *s)
{
	size_t len = strlen(s);
	if (n->kind != NODE_STR || n->len != len || memcmp(n->s.text, s, len))
		node_set_str(c->a, n, s, len);
	return n;
}

/*
 * An integer field: ints as they are, floats truncated toward zero (the
 * schema lets 1.0 through as an integer); unsigned fields reject negative
 * values; uint32 fields keep the low 32 bits, as Go's reflect does.
 */
static struct node *dec_int(struct nctx *c, struct node *n, const struct model_field *f)
{
	int is_unsigned = f->type == MT_UINT64 || f->type == MT_UINT32;
	int keep = model_keeps_zero(f);
	int64_t i;
	uint64_t u;
	int neg;
	if (n->kind == NODE_FLOAT) {
		double x = n->s.v.f;
		neg = x < 0;
		i = (x < 9223372036854775808.0 && x >= -9223372036854775808.0) ? (int64_t)x : INT64_MIN;
		u = x < 0 ? 0 : x < 18446744073709551616.0 ? (uint64_t)x : (1ull << 63);
	} else if (n->kind == NODE_INT && (n->flags & NODE_UNSIGNED)) {
		neg = 0;
		u = n->s.v.u;
		i = (int64_t)u;
	} else if (n->kind == NODE_INT) {
		i = n->s.v.i;
		neg = i < 0;
		u = (uint64_t)i;
	} else {
		return norm_type_error(c, n, "a number");
	}
	if (is_unsigned && neg)
		return norm_fail(c, n->pos, "normalize.range", "must not be negative, got %s",
				 norm_repr(c, n->s.text));
	if (f->type == MT_UINT32)
		u = (uint32_t)u;
	if (!keep && (is_unsigned ? u == 0 : i == 0))
		return NULL;
	if (is_unsigned && u > INT64_MAX)
		return node_new_uint(c->a, n->pos, u);
	int64_t v = is_unsigned ? (int64_t)u : i;
	/* the decoders own their input: n becomes the result (as it is when it says v in decimal) */
	if (n->kind != NODE_INT || (n->flags & NODE_UNSIGNED) || n->s.v.i != v ||
	    !is_decimal(n->s.text, n->len))
		node_set_int(c->a, n, v);
	return n;
}

static struct node *dec_float32(struct nctx *c, struct node *n)
{
	double f;
	if (n->kind == NODE_FLOAT)
		f = n->s.v.f;
	else if (n->kind == NODE_INT)
		f = (n->flags & NODE_UNSIGNED) ? (double)n->s.v.u : (double)n->s.v.i;
	else
		return norm_type_error(c, n, "a number");
	if ((float)f == 0)
		return NULL;
	char buf[UNITS_BUF];
	units_format_go_float(f, 32, buf);
	/* the value is the float64 that prints the same text */
	return node_new_float(c->a, n->pos, strtod(buf, NULL), buf);
}

static struct node *dec_duration(struct nctx *c, struct node *n, int keep)
{
	int64_t ns;
	char buf[UNITS_BUF];
	if (n->kind != NODE_STR)
		return norm_type_error(c, n, "a duration string");
	if (units_parse_duration(n->s.text, &ns))
		return norm_fail(c, n->pos, "normalize.duration",
				 "invalid duration %s (expected a number with a unit: ns, us, ms, s, m, h)",
				 norm_repr(c, n->s.text));
	if (!ns && !keep)
		return NULL;
	return norm_set_str(c, n, units_format_duration(ns, buf));
}

static struct node *dec_bytes(struct nctx *c, struct node *n)
{
	int64_t v;
	if (n->kind == NODE_STR) {
		struct sbuf err = SBUF_INIT;
		int rc = units_ram_in_bytes(n->s.text, &v, &err);
		if (rc)
			norm_fail(c, n->pos, "normalize.bytes", "invalid byte size %s: %s",
				  norm_repr(c, n->s.text), err.buf);
		sbuf_release(&err);
		if (rc)
			return NULL;
	} else if (n->kind == NODE_INT && !(n->flags & NODE_UNSIGNED)) {
		v = n->s.v.i;
	} else {
		return norm_type_error(c, n, "a byte size string");
	}
	if (!v)
		return NULL;
	/* v in decimal (snprintf costs more than the rest of this) */
	char buf[24], *p = buf + sizeof(buf);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	*--p = '\0';
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	return norm_set_str(c, n, p);
}

/* ---- lists ---- */

/* Check that every item is a string; expose also accepts numbers (printed). */
static struct node *dec_list(struct nctx *c, struct node *n, enum model_type t)
{
	if (n->kind == NODE_STR && t == MT_STRING_LIST) {
		struct node *seq = node_new_seq(c->a, n->pos);
		node_seq_push(c->a, seq, n);
		return seq;
	}
	if (n->kind != NODE_SEQ)
		return norm_type_error(c, n, t == MT_STRING_LIST ? "a string or a list" : "a list");
	for (size_t i = 0; i < n->seq.n; i++) {
		struct node *it = n->seq.v[i];
		size_t mark = path_steps_index(&c->steps, i);
		if (t == MT_STRING_OR_NUMBERS)
			it = str_of(c, it);
		else if (it->kind != NODE_STR)
			it = norm_type_error(c, it, "a string");
		path_steps_pop(&c->steps, mark);
		if (!it)
			return NULL;
		n->seq.v[i] = it;
	}
	return n->seq.n ? n : NULL;
}

static struct node *dec_shellcmd(struct nctx *c, struct node *n)
{
	if (n->kind != NODE_STR)
		return dec_list(c, n, MT_STRINGS);
	struct units_word *w;
	size_t nw;
	const char *err;
	if (units_shlex_split(c->a, n->s.text, n->len, &w, &nw, &err))
		return norm_fail(c, n->pos, "normalize.command", "cannot split %s into words: %s",
				 norm_repr(c, n->s.text), err);
	if (!nw)
		return NULL;
	struct node *seq = node_new_seq(c->a, n->pos);
	for (size_t i = 0; i < nw; i++)
		node_seq_push(c->a, seq, node_new_strn(c->a, n->pos, w[i].s, w[i].len));
	return seq;
}

static struct node *dec_hctest(struct nctx *c, struct node *n)
{
	if (n->kind != NODE_STR)
		return dec_list(c, n, MT_STRINGS);
	struct node *seq = node_new_seq(c->a, n->pos);
	node_seq_push(c->a, seq, norm_str_ref(c, n->pos, "CMD-SHELL"));
	node_seq_push(c->a, seq, n);
	return seq;
}

/* ---- maps of strings ---- */

struct keyed_entry {
	struct node_entry e;
	size_t seq;
};

static int cmp_keyed(const void *pa, const void *pb)
{
	const struct keyed_entry *a = pa, *b = pb;
	int r = strcmp(a->e.key, b->e.key);
	return r ? r : (a->seq > b->seq) - (a->seq < b->seq);
}

/*
 * Entries added with node_map_add may repeat a key (list forms, env files):
 * keep the last of each, as assignment into a Go map does. The map ends up
 * sorted by key (the emitter orders maps anyway).
 */
void norm_map_keep_last(struct node *map)
{
	struct node_entry *e = map->map.v;
	size_t n = map->map.n, w = 0;
	if (n < 2)
		return;
	if (n <= 32) { /* the usual short map: a stable insertion sort in place */
		for (size_t i = 1; i < n; i++) {
			struct node_entry t = e[i];
			size_t j = i;
			for (; j && strcmp(e[j - 1].key, t.key) > 0; j--)
				e[j] = e[j - 1];
			e[j] = t;
		}
	} else {
		struct keyed_entry *v = xmalloc(n * sizeof(*v));
		for (size_t i = 0; i < n; i++)
			v[i] = (struct keyed_entry){ e[i], i };
		qsort(v, n, sizeof(*v), cmp_keyed);
		for (size_t i = 0; i < n; i++)
			e[i] = v[i].e;
		free(v);
	}
	for (size_t i = 0; i < n; i++)
		if (i + 1 == n || strcmp(e[i].key, e[i + 1].key))
			e[w++] = e[i];
	map->map.n = w;
}

/* One `key[=value]` list item: value, "" or null (when null_ok) without '='. */
static void map_add_item(struct nctx *c, struct node *out, struct node *it, int null_ok)
{
	const char *eq = memchr(it->s.text, '=', it->len);
	size_t klen = eq ? (size_t)(eq - it->s.text) : it->len;
	char *key = arena_strndup(c->a, it->s.text, klen);
	struct node *v = it;
	if (eq) {
		/* the item becomes the value: its text's tail is the value's */
		it->s.text = eq + 1;
		it->len -= klen + 1;
	} else if (null_ok)
		v = node_new_null(c->a, it->pos);
	else
		v = node_new_str(c->a, it->pos, "");
	node_map_add_key(c->a, out, key, it->pos, v);
}

static struct node *dec_mapping(struct nctx *c, struct node *n, enum model_type t)
{
	if (n->kind == NODE_MAP) {
		size_t w = 0;
		for (size_t i = 0; i < n->map.n; i++) {
			struct node_entry *e = &n->map.v[i];
			struct node *v = e->val;
			size_t mark = path_steps_key(&c->steps, e->key);
			if (v->kind == NODE_NULL)
				v = t == MT_MAPPING_EQUALS ? v : node_new_str(c->a, v->pos, "");
			else
				v = str_of(c, v);
			path_steps_pop(&c->steps, mark);
			if (v)
				n->map.v[w++] = (struct node_entry){ e->key, e->keypos, 0, v };
		}
		n->map.n = w;
		return w ? n : NULL;
	}
	struct node *out = node_new_map(c->a, n->pos);
	if (n->kind == NODE_SEQ && t != MT_STRING_MAP) {
		node_map_reserve(c->a, out, n->seq.n);
		for (size_t i = 0; i < n->seq.n; i++) {
			struct node *it = n->seq.v[i];
			size_t mark = path_steps_index(&c->steps, i);
			if (it->kind == NODE_STR)
				map_add_item(c, out, it, t == MT_MAPPING_EQUALS);
			else
				norm_type_error(c, it, "a KEY=VALUE string");
			path_steps_pop(&c->steps, mark);
		}
		norm_map_keep_last(out);
	} else {
		return norm_type_error(c, n, t == MT_STRING_MAP ? "a mapping" : "a mapping or a list");
	}
	return out->map.n ? out : NULL;
}

static int cmp_str_nodes(const void *pa, const void *pb)
{
	const struct node *a = *(struct node *const *)pa, *b = *(struct node *const *)pb;
	size_t n = a->len < b->len ? a->len : b->len;
	int r = memcmp(a->s.text, b->s.text, n);
	return r ? r : (a->len > b->len) - (a->len < b->len);
}

/* Go's "%s" of a map value: non-strings print as %!s(type=value). */
static const char *go_percent_s(struct nctx *c, const struct node *n)
{
	if (n->kind == NODE_STR)
		return n->s.text;
	if (n->kind == NODE_TIME) /* a fmt.Stringer */
		return go_sprint(c, n);
	const char *type = n->kind == NODE_BOOL ? "bool" :
			   n->kind == NODE_FLOAT ? "float64" :
			   (n->flags & NODE_UNSIGNED) ? "uint64" : "int";
	return arena_fmt(c->a, "%%!s(%s=%s)", type, go_sprint(c, n));
}

/*
 * extra_hosts: a map becomes sorted "host:ip" items (null values dropped); a
 * list keeps its order with "host=ip" rewritten to "host:ip" and items
 * without a separator dropped. Then "[v6]" brackets are stripped from the ip.
 */
static struct node *dec_hosts(struct nctx *c, struct node *n)
{
	struct node *out = node_new_seq(c->a, n->pos);
	if (n->kind == NODE_MAP) {
		for (size_t i = 0; i < n->map.n; i++) {
			struct node_entry *e = &n->map.v[i];
			if (e->val->kind == NODE_NULL)
				continue;
			if (e->val->kind == NODE_SEQ || e->val->kind == NODE_MAP) {
				size_t mark = path_steps_key(&c->steps, e->key);
				norm_type_error(c, e->val, "a string");
				path_steps_pop(&c->steps, mark);
				continue;
			}
			node_seq_push(c->a, out, norm_str_ref(c, e->val->pos,
				arena_fmt(c->a, "%s:%s", e->key, go_percent_s(c, e->val))));
		}
		if (out->seq.n)
			qsort(out->seq.v, out->seq.n, sizeof(*out->seq.v), cmp_str_nodes);
	} else if (n->kind == NODE_SEQ) {
		for (size_t i = 0; i < n->seq.n; i++) {
			size_t mark = path_steps_index(&c->steps, i);
			struct node *it = str_of(c, n->seq.v[i]);
			path_steps_pop(&c->steps, mark);
			if (!it)
				continue;
			const char *sep = memchr(it->s.text, '=', it->len);
			if (!sep)
				sep = memchr(it->s.text, ':', it->len);
			if (!sep)
				continue;
			size_t hl = (size_t)(sep - it->s.text);
			node_seq_push(c->a, out, norm_str_ref(c, it->pos,
				arena_fmt(c->a, "%.*s:%s", (int)hl, it->s.text, sep + 1)));
		}
	} else {
		return norm_type_error(c, n, "a mapping or a list");
	}
	for (size_t i = 0; i < out->seq.n; i++) {
		struct node *it = out->seq.v[i];
		char *s = (char *)it->s.text, *ip = strchr(s, ':');
		size_t l = ip ? strlen(ip + 1) : 0;
		if (l > 2 && ip[1] == '[' && ip[l] == ']') {
			memmove(ip + 1, ip + 2, l - 2);
			ip[l - 1] = '\0';
			it->len = strlen(s);
		}
	}
	return out->seq.n ? out : NULL;
}

struct node *norm_decode_value(struct nctx *c, struct node *n, const struct model_field *f)
{
	switch (f->type) {
	case MT_STRING:
		return dec_str(c, n, model_keeps_zero(f));
	case MT_BOOL:
		return dec_bool(c, n, model_keeps_zero(f));
	case MT_INT:
	case MT_UINT64:
	case MT_UINT32:
		return dec_int(c, n, f);
	case MT_FLOAT32:
		return dec_float32(c, n);
	case MT_DURATION:
		return dec_duration(c, n, model_keeps_zero(f));
	case MT_UNIT_BYTES:
		return dec_bytes(c, n);
	case MT_STRINGS:
	case MT_STRING_LIST:
	case MT_STRING_OR_NUMBERS:
		return dec_list(c, n, f->type);
	case MT_SHELL_COMMAND:
		return dec_shellcmd(c, n);
	case MT_HEALTHCHECK_TEST:
		return dec_hctest(c, n);
	case MT_MAPPING_EQUALS:
	case MT_MAPPING:
	case MT_STRING_MAP:
		return dec_mapping(c, n, f->type);
	case MT_HOSTS_LIST:
		return dec_hosts(c, n);
	default:
		BUG("%s: not a value (type %d)", f->key, (int)f->type);
	}
}
