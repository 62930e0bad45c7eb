/*
 * The positioned document tree. Every node (and every mapping key) carries
 * the file:line:col it came from, so any phase can report at the source.
 *
 * Ownership: nodes, keys and text live in the run's arena and are freed with
 * it. Keys and scalar texts may be shared between nodes (and be static):
 * never write into a text the code did not just make itself; give the node
 * a new text instead. The tree is a strict tree: the loader copies alias targets and `<<`
 * merges, so no node has two parents and a phase may change nodes in place.
 *
 * Scalars are typed as docker's yaml.v3 types them when decoding into
 * interface{} (YAML 1.2 core: `yes`/`on` are strings, `0440` is octal 288,
 * `1_000` is 1000, `0x1F` 31, `2001-12-14` a timestamp; quoted or !!str is
 * always a string). Every scalar keeps its text: for NODE_STR the value
 * itself, for the others what the source said (used in messages and by casts).
 *
 * Mapping entries keep source order; lookups are linear (maps are small).
 * Code walking maps that grow with the project (services) must not do a
 * lookup per entry of another such map: sort or index instead.
 */
#ifndef STACKC_BASE_NODE_H
#define STACKC_BASE_NODE_H

#include <stddef.h>
#include <stdint.h>

#include "base/source.h"

struct arena;

enum node_kind {
	NODE_NULL,
	NODE_BOOL,
	NODE_INT,
	NODE_FLOAT,
	NODE_STR,
	NODE_TIME, /* a YAML timestamp (compose/ytime.h): text is what the source said */
	NODE_SEQ,
	NODE_MAP,
};

/* node flags */
#define NODE_QUOTED       0x01u /* scalar written quoted, block, or tagged !!str */
#define NODE_INTERPOLATED 0x02u /* text changed by interpolation (casts apply) */
#define NODE_UNSIGNED     0x04u /* NODE_INT above INT64_MAX: value in s.v.u */
#define NODE_TAG_RESET    0x08u /* compose v2 `!reset` */
#define NODE_TAG_OVERRIDE 0x10u /* compose v2 `!override` */
#define NODE_KEY_NONSTR   0x20u /* on node_entry.keyflags: key was not a string scalar */
#define NODE_NONSTR_KEYS  0x40u /* on a loaded document's root: some NODE_KEY_NONSTR key
				   is in a mapping below the root */
#define NODE_FAILED       0x80u /* the value failed a check (reported there): later checks
				   skip it, and the pipeline takes it out before normalizing */

struct node;

/* 28 bytes, packed: there is one per key of every mapping */
struct __attribute__((packed, aligned(4))) node_entry {
	const char *key;  /* NUL-terminated */
	struct pos keypos;
	unsigned keyflags;
	struct node *val;
};

/* A scalar's typed value; which member holds it is the node's kind. */
union scalar_value {
	int b;
	int64_t i;
	uint64_t u;
	double f;
};

/* 32 bytes: a project has a node per scalar, and walks them all several times */
struct node {
	enum node_kind kind : 8;
	unsigned flags : 8;
	struct pos pos;
	uint32_t len; /* scalars: the length of s.text */
	union {
		struct {
			const char *text; /* NUL-terminated; may hold NULs (use len) */
			union scalar_value v;
		} s;
		struct {
			struct node **v;
			uint32_t n, alloc;
		} seq;
		struct {
			struct node_entry *v;
			uint32_t n, alloc;
		} map;
	};
};

struct node *node_new(struct arena *a, enum node_kind kind, struct pos pos);
struct node *node_new_null(struct arena *a, struct pos pos);
struct node *node_new_bool(struct arena *a, struct pos pos, int b);
struct node *node_new_int(struct arena *a, struct pos pos, int64_t i);
struct node *node_new_uint(struct arena *a, struct pos pos, uint64_t u);
struct node *node_new_float(struct arena *a, struct pos pos, double f, const char *text);
/* Copies the text. */
struct node *node_new_strn(struct arena *a, struct pos pos, const char *s, size_t n);
struct node *node_new_str(struct arena *a, struct pos pos, const char *s);
struct node *node_new_seq(struct arena *a, struct pos pos);
struct node *node_new_map(struct arena *a, struct pos pos);

/* Turn a scalar node into another scalar in place (keeps pos and flags). */
void node_set_str(struct arena *a, struct node *n, const char *s, size_t len);
void node_set_int(struct arena *a, struct node *n, int64_t i);

void node_seq_push(struct arena *a, struct node *seq, struct node *item);
/* Make room for n more items / entries, so that adding them wastes nothing. */
void node_seq_reserve(struct arena *a, struct node *seq, size_t n);
void node_map_reserve(struct arena *a, struct node *map, size_t n);
/* Append an entry (no duplicate check); the key is copied. */
struct node_entry *node_map_add(struct arena *a, struct node *map, const char *key,
				struct pos keypos, struct node *val);
/* The same without the copy: key must live as long as the tree (arena or static). */
struct node_entry *node_map_add_key(struct arena *a, struct node *map, const char *key,
				    struct pos keypos, struct node *val);
/* Replace the value of key, or append it. */
struct node_entry *node_map_set(struct arena *a, struct node *map, const char *key,
				struct pos keypos, struct node *val);
struct node_entry *node_map_find(const struct node *map, const char *key);
struct node *node_map_get(const struct node *map, const char *key);
/* Remove key if present; returns 1 if it was. Keeps the order of the rest. */
int node_map_remove(struct node *map, const char *key);

struct node *node_copy(struct arena *a, const struct node *n);

/* "string", "integer", "number", "boolean", "null", "mapping", "sequence" */
const char *node_kind_name(enum node_kind k);
/* The text of a NODE_STR, else NULL. */
const char *node_str(const struct node *n);
int node_is_scalar(const struct node *n);

#endif
