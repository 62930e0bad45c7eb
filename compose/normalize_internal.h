/*
 * What the files of the normalizer share (normalize.h is its contract):
 *
 *   normalize.c             the driver: structs decoded by the compose
 *                           model's rows, a file's sections, externals
 *   normalize_values.c      scalars, lists and maps of strings, extra_hosts
 *   normalize_ports.c       ports, the short syntax expanded
 *   normalize_volumes.c     service volumes, the short syntax and bind paths
 *   normalize_environment.c environment: env files, the process environment
 *
 * A decoder owns the node it is given (it may rewrite it in place) and
 * returns the decoded value, or NULL for none: omitted (a zero value docker
 * does not print) or wrong (reported at c's path, c->failed set).
 */
#ifndef STACKC_COMPOSE_NORMALIZE_INTERNAL_H
#define STACKC_COMPOSE_NORMALIZE_INTERNAL_H

#include "base/path.h"
#include "base/sbuf.h"
#include "base/source.h"
#include "compose/model.h"
#include "compose/normalize.h"

struct arena;
struct node;
struct run;

/* One file being normalized. */
struct nctx {
	struct run *run;
	struct arena *a;
	const struct normalize_opts *o;
	struct path_steps steps; /* where we are; spelled out into path for a message */
	struct sbuf path;
	char version[16]; /* the file's schema version, "3.13" when unset */
	int failed;
};

/* ---- diagnostics at c's path ---- */

/* An error (the file fails); returns NULL, for `return norm_fail(...)`. */
__attribute__((format(printf, 4, 5)))
struct node *norm_fail(struct nctx *c, struct pos pos, const char *rule, const char *fmt, ...);
__attribute__((format(printf, 4, 5)))
void norm_warn(struct nctx *c, struct pos pos, const char *rule, const char *fmt, ...);
/* s quoted and escaped for a message */
const char *norm_repr(struct nctx *c, const char *s);
/* "must be <want>, not a <kind>"; returns NULL */
struct node *norm_type_error(struct nctx *c, const struct node *n, const char *want);

/* ---- nodes and paths ---- */

/* A string node for text that lives as long as the tree: not copied. */
struct node *norm_str_ref(struct nctx *c, struct pos pos, const char *text);
/* n turned into the string s, unless it is that already; returns n. */
struct node *norm_set_str(struct nctx *c, struct node *n, const char *s);
/* A map built with repeated keys keeps the last of each (a Go map), sorted by key. */
void norm_map_keep_last(struct node *map);
/* docker's absPath: p made absolute against the working directory and cleaned. */
const char *norm_abs_path(struct nctx *c, const char *p);

/* ---- decoders ---- */

/* A mapping as the struct st; keep_empty: printed as {} when empty (a pointer, a list item). */
struct node *norm_decode_struct(struct nctx *c, struct node *n, const struct model_struct *st,
				int keep_empty);
/* A scalar, a list or a map of strings, or extra_hosts (normalize_values.c). */
struct node *norm_decode_value(struct nctx *c, struct node *n, const struct model_field *f);
/* ports: items of st, short specs expanded */
struct node *norm_decode_ports(struct nctx *c, struct node *n, const struct model_struct *st);
/* service volumes: items of st, short specs parsed, bind sources resolved */
struct node *norm_decode_volumes(struct nctx *c, struct node *n, const struct model_struct *st);
/* A decoded service's environment: env files, then environment, then the process's values. */
void norm_resolve_environment(struct nctx *c, struct node *svc);

#endif
