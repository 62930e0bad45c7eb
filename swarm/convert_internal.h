/*
 * Inside the converter (convert.h): what its parts share. Not for use outside
 * swarm/convert*.c.
 *
 *   convert.c            entry points, reporting, strings, labels and units
 *   convert_objects.c    top-level networks, secrets and configs
 *   convert_service.c    the service spec: container, references, policies, mode
 *   convert_resources.c  what tasks take from their nodes: mounts, published
 *                        ports, resources, ulimits, placement
 *
 * Every part reads the normalized tree (the shape `docker stack config`
 * prints) and builds the Engine's JSON. A problem is reported with cv_fail()
 * at its node, under c->path (the dotted path of the value being converted,
 * kept with push/pop), and conversion goes on so that every problem is
 * reported; convert_stack() then returns -1.
 */
#ifndef STACKC_SWARM_CONVERT_INTERNAL_H
#define STACKC_SWARM_CONVERT_INTERNAL_H

#include <stddef.h>
#include <string.h>

#include "base/node.h"
#include "base/path.h"
#include "base/sbuf.h"
#include "swarm/convert.h"

struct arena;
struct json_t;
struct run;

struct cv {
	struct run *run;
	const char *stack;
	const struct node *networks, *volumes, *secrets, *configs; /* top-level sections */
	struct sbuf path;
	int failed;
};

/* ---- reading the tree: short on purpose, every line of the converter uses them ---- */

/* The value of key in a mapping, or NULL (also when map is not a mapping). */
static inline const struct node *get(const struct node *map, const char *key)
{
	if (!map || map->kind != NODE_MAP)
		return NULL;
	return node_map_get(map, key);
}

/* The text of a non-null scalar, else NULL. */
static inline const char *text(const struct node *n)
{
	if (!n || n->kind == NODE_NULL || !node_is_scalar(n))
		return NULL;
	return n->s.text;
}

static inline const char *get_text(const struct node *map, const char *key)
{
	return text(get(map, key));
}

/* true, or the string "true" (what the compose file format accepts). */
static inline int truthy(const struct node *n)
{
	if (!n)
		return 0;
	if (n->kind == NODE_BOOL)
		return n->s.v.b;
	return n->kind == NODE_STR && !strcmp(n->s.text, "true");
}

/* The number of items of a sequence; 0 for anything else. */
static inline size_t seq_len(const struct node *n)
{
	return n && n->kind == NODE_SEQ ? n->seq.n : 0;
}

/* Step into key (or item i) of c->path; each returns the mark pop() goes back to. */
static inline size_t push(struct cv *c, const char *key)
{
	size_t mark = c->path.len;
	path_push_key(&c->path, key);
	return mark;
}

static inline size_t push_index(struct cv *c, size_t i)
{
	size_t mark = c->path.len;
	path_push_index(&c->path, i);
	return mark;
}

static inline void pop(struct cv *c, size_t mark)
{
	sbuf_setlen(&c->path, mark);
}

/* ---- convert.c ---- */

/* Report an error at n (or pos), under c->path and key (may be NULL); returns -1. */
__attribute__((format(printf, 4, 5)))
int cv_fail(struct cv *c, const struct node *n, const char *key, const char *fmt, ...);
__attribute__((format(printf, 4, 5)))
int cv_fail_at(struct cv *c, struct pos pos, const char *key, const char *fmt, ...);
/* A user value quoted for a message; lives as long as the run. */
const char *cv_repr(struct cv *c, const char *s);

/*
 * For each item of the list svc.<key> (volumes, ports: normalized to their
 * long syntax), with c->path at it: one(c, item, out) when it is a mapping,
 * else the error "expected the long <what> syntax (a mapping)".
 */
void cv_each_long_syntax_item(struct cv *c, const struct node *svc, const char *key, const char *what,
			      void (*one)(struct cv *c, const struct node *item, struct json_t *out),
			      struct json_t *out);

/* <stack>_<key>, in the run's arena. */
const char *cv_scoped(struct cv *c, const char *key);
/* The swarm name of a top-level object: its `name:`, its key when external, else <stack>_<key>. */
const char *cv_object_name(struct cv *c, const struct node *def, const char *key);
struct stack_object *cv_add_object(struct stack_spec *s, enum stack_kind kind, size_t *alloc);
/* Sort the objects of a kind by swarm name (what convert_find() searches). */
void cv_sort_objects(struct stack_spec *s, enum stack_kind kind);
/* strcmp for qsort over an array of strings. */
int cv_cmp_str(const void *a, const void *b);

/* A map of strings: {k: v} or a list of "k=v" (null values become ""). */
struct json_t *cv_str_map(const struct node *n);
/* Labels plus the namespace label. */
struct json_t *cv_stack_labels(struct cv *c, const struct node *labels);
/* A list of strings; a single string is one item, or split into words (shlex). */
struct json_t *cv_str_list(struct arena *arena, const struct node *n, int split);
/* Set key to v unless v is an empty array, object or string (Go's omitempty); v is stolen. */
void cv_set_nonempty(struct json_t *o, const char *key, struct json_t *v);
/* Set key to s unless s is NULL or empty. */
void cv_set_text(struct json_t *o, const char *key, const char *s);

/*
 * Units, each reported at n under key: a duration (Go syntax, or integer
 * nanoseconds) set as jkey unless zero (or keep_zero); a byte size
 * ("512m", or an integer); an integer. Return 0 or -1.
 */
int cv_duration(struct cv *c, struct json_t *o, const char *jkey, const struct node *map,
		const char *key, int keep_zero);
int cv_bytes(struct cv *c, long long *out, const struct node *n, const char *key);
int cv_int(struct cv *c, long long *out, const struct node *n, const char *key);
/* Set jkey to the integer (byte size) at map.key unless absent, null or 0 (omitempty). */
void cv_int_field(struct cv *c, struct json_t *o, const char *jkey, const struct node *map,
		  const char *key);
void cv_bytes_field(struct cv *c, struct json_t *o, const char *jkey, const struct node *map,
		    const char *key);

/* ---- convert_objects.c: into s->v[KIND_NETWORK], [KIND_SECRET], [KIND_CONFIG] ---- */

/* The networks the services use (`default` for those naming none), sorted. */
void cv_networks(struct cv *c, struct stack_spec *s, const struct node *services);
/* Secrets or configs: every one declared, its file read now (base64 Data). */
void cv_file_objects(struct cv *c, struct stack_spec *s, enum stack_kind kind);

/* ---- convert_service.c: into s->v[KIND_SERVICE] ---- */

void cv_services(struct cv *c, struct stack_spec *s, const struct node *services);

/* ---- convert_resources.c: parts of a service spec ---- */

struct json_t *cv_mounts(struct cv *c, const struct node *svc);
struct json_t *cv_endpoint_spec(struct cv *c, const struct node *svc, const struct node *deploy);
struct json_t *cv_resources(struct cv *c, const struct node *res);
struct json_t *cv_ulimits(struct cv *c, const struct node *ulimits);
struct json_t *cv_placement(struct cv *c, const struct node *placement);

#endif
