/* Constructors and lookups for the positioned tree. */
#include "base/node.h"
#include "base/arena.h"
#include "base/xalloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>


struct node *node_new(struct arena *a, enum node_kind kind, struct pos pos)
{
	struct node *n = arena_alloc(a, sizeof(*n));
	n->kind = kind;
	n->pos = pos;
	if (kind != NODE_SEQ && kind != NODE_MAP) {
		n->s.text = "";
		n->len = 0;
	}
	return n;
}

/* u in decimal, written backwards from end (20 bytes at most); returns its start. snprintf is slow here. */
static char *fmt_u64(char *end, uint64_t u)
{
	char *p = end;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	return p;
}

struct node *node_new_null(struct arena *a, struct pos pos)
{
	return node_new(a, NODE_NULL, pos);
}

struct node *node_new_bool(struct arena *a, struct pos pos, int b)
{
	struct node *n = node_new(a, NODE_BOOL, pos);
	n->s.v.b = !!b;
	n->s.text = b ? "true" : "false";
	n->len = strlen(n->s.text);
	return n;
}

void node_set_int(struct arena *a, struct node *n, int64_t i)
{
	char buf[24], *end = buf + sizeof(buf);
	char *p = fmt_u64(end, i < 0 ? 0 - (uint64_t)i : (uint64_t)i);
	if (i < 0)
		*--p = '-';
	n->kind = NODE_INT;
	n->flags &= ~NODE_UNSIGNED;
	n->s.v.i = i;
	n->s.text = arena_strndup(a, p, (size_t)(end - p));
	n->len = (size_t)(end - p);
}

struct node *node_new_int(struct arena *a, struct pos pos, int64_t i)
{
	struct node *n = node_new(a, NODE_INT, pos);
	node_set_int(a, n, i);
	return n;
}

struct node *node_new_uint(struct arena *a, struct pos pos, uint64_t u)
{
	if (u <= INT64_MAX)
		return node_new_int(a, pos, (int64_t)u);
	char buf[24], *end = buf + sizeof(buf);
	char *p = fmt_u64(end, u);
	struct node *n = node_new(a, NODE_INT, pos);
	n->flags |= NODE_UNSIGNED;
	n->s.v.u = u;
	n->s.text = arena_strndup(a, p, (size_t)(end - p));
	n->len = (size_t)(end - p);
	return n;
}

struct node *node_new_float(struct arena *a, struct pos pos, double f, const char *text)
{
	struct node *n = node_new(a, NODE_FLOAT, pos);
	n->s.v.f = f;
	if (text) {
		n->s.text = arena_strdup(a, text);
	} else {
		char buf[40];
		snprintf(buf, sizeof(buf), "%.17g", f);
		n->s.text = arena_strdup(a, buf);
	}
	n->len = strlen(n->s.text);
	return n;
}

void node_set_str(struct arena *a, struct node *n, const char *s, size_t len)
{
	n->kind = NODE_STR;
	n->flags &= ~NODE_UNSIGNED;
	n->s.text = arena_strndup(a, s, len);
	n->len = len;
}

struct node *node_new_strn(struct arena *a, struct pos pos, const char *s, size_t len)
{
	struct node *n = node_new(a, NODE_STR, pos);
	node_set_str(a, n, s, len);
	return n;
}

struct node *node_new_str(struct arena *a, struct pos pos, const char *s)
{
	return node_new_strn(a, pos, s, strlen(s));
}

struct node *node_new_seq(struct arena *a, struct pos pos)
{
	return node_new(a, NODE_SEQ, pos);
}

struct node *node_new_map(struct arena *a, struct pos pos)
{
	return node_new(a, NODE_MAP, pos);
}

/*
 * A sequence's items and a mapping's entries are kept alike (v, n, alloc):
 * room for `more` beyond n, doubling when growing by one. Returns v moved.
 */
static void *grow_items(struct arena *a, void *v, uint32_t n, uint32_t *alloc, size_t more,
			size_t size)
{
	if (*alloc - n >= more)
		return v;
	size_t cap = more == 1 ? (*alloc ? (size_t)*alloc * 2 : 4) : n + more;
	if (cap > UINT32_MAX)
		BUG("%zu items in one node", cap);
	*alloc = (uint32_t)cap;
	return arena_grow(a, v, n, cap, size);
}

static void check_kind(const struct node *n, enum node_kind kind, const char *fn)
{
	if (n->kind != kind)
		BUG("%s on %s", fn, node_kind_name(n->kind));
}

void node_seq_push(struct arena *a, struct node *seq, struct node *item)
{
	check_kind(seq, NODE_SEQ, "node_seq_push");
	seq->seq.v = grow_items(a, seq->seq.v, seq->seq.n, &seq->seq.alloc, 1, sizeof(*seq->seq.v));
	seq->seq.v[seq->seq.n++] = item;
}

void node_seq_reserve(struct arena *a, struct node *seq, size_t n)
{
	check_kind(seq, NODE_SEQ, "node_seq_reserve");
	seq->seq.v = grow_items(a, seq->seq.v, seq->seq.n, &seq->seq.alloc, n, sizeof(*seq->seq.v));
}

void node_map_reserve(struct arena *a, struct node *map, size_t n)
{
	check_kind(map, NODE_MAP, "node_map_reserve");
	map->map.v = grow_items(a, map->map.v, map->map.n, &map->map.alloc, n, sizeof(*map->map.v));
}

struct node_entry *node_map_add(struct arena *a, struct node *map, const char *key,
				struct pos keypos, struct node *val)
{
	return node_map_add_key(a, map, arena_strdup(a, key), keypos, val);
}

struct node_entry *node_map_add_key(struct arena *a, struct node *map, const char *key,
				    struct pos keypos, struct node *val)
{
	check_kind(map, NODE_MAP, "node_map_add");
	map->map.v = grow_items(a, map->map.v, map->map.n, &map->map.alloc, 1, sizeof(*map->map.v));
	struct node_entry *e = &map->map.v[map->map.n++];
	e->key = key;
	e->keypos = keypos;
	e->keyflags = 0;
	e->val = val;
	return e;
}

struct node_entry *node_map_find(const struct node *map, const char *key)
{
	if (!map || map->kind != NODE_MAP)
		return NULL;
	for (size_t i = 0; i < map->map.n; i++)
		if (!strcmp(map->map.v[i].key, key))
			return &map->map.v[i];
	return NULL;
}

struct node *node_map_get(const struct node *map, const char *key)
{
	struct node_entry *e = node_map_find(map, key);
	return e ? e->val : NULL;
}

struct node_entry *node_map_set(struct arena *a, struct node *map, const char *key,
				struct pos keypos, struct node *val)
{
	struct node_entry *e = node_map_find(map, key);
	if (e) {
		e->val = val;
		return e;
	}
	return node_map_add(a, map, key, keypos, val);
}

int node_map_remove(struct node *map, const char *key)
{
	struct node_entry *e = node_map_find(map, key);
	if (!e)
		return 0;
	size_t i = (size_t)(e - map->map.v);
	memmove(&map->map.v[i], &map->map.v[i + 1], (map->map.n - i - 1) * sizeof(*e));
	map->map.n--;
	return 1;
}

struct node *node_copy(struct arena *a, const struct node *n)
{
	struct node *c = arena_alloc(a, sizeof(*c));
	*c = *n;
	if (n->kind == NODE_SEQ) {
		c->seq.v = NULL;
		c->seq.n = c->seq.alloc = 0;
		if (n->seq.n) {
			c->seq.v = arena_alloc(a, n->seq.n * sizeof(*c->seq.v));
			c->seq.alloc = n->seq.n;
		}
		for (size_t i = 0; i < n->seq.n; i++)
			c->seq.v[c->seq.n++] = node_copy(a, n->seq.v[i]);
	} else if (n->kind == NODE_MAP) {
		c->map.v = NULL;
		c->map.n = c->map.alloc = 0;
		if (n->map.n) {
			c->map.v = arena_alloc(a, n->map.n * sizeof(*c->map.v));
			c->map.alloc = n->map.n;
		}
		for (size_t i = 0; i < n->map.n; i++) {
			c->map.v[i] = n->map.v[i]; /* keys are immutable: share them */
			c->map.v[i].val = node_copy(a, n->map.v[i].val);
		}
		c->map.n = n->map.n;
	}
	return c;
}

const char *node_kind_name(enum node_kind k)
{
	switch (k) {
	case NODE_NULL: return "null";
	case NODE_BOOL: return "boolean";
	case NODE_INT: return "integer";
	case NODE_FLOAT: return "number";
	case NODE_STR: return "string";
	case NODE_TIME: return "timestamp";
	case NODE_SEQ: return "sequence";
	case NODE_MAP: return "mapping";
	}
	BUG("bad node kind %d", (int)k);
}

const char *node_str(const struct node *n)
{
	return n && n->kind == NODE_STR ? n->s.text : NULL;
}

int node_is_scalar(const struct node *n)
{
	return n->kind != NODE_SEQ && n->kind != NODE_MAP;
}
