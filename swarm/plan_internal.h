/*
 * What the plan's files share (not for other modules): the planning context
 * and the helpers that compare and record changes.
 *   plan.c          comparison, services, plan_compute(), output
 *   plan_objects.c  networks, secrets and configs (generations), removals
 *   plan_file.c     saved plans (plan_file.h)
 *   preflight.c     what the daemon would refuse half-way (preflight.h)
 */
#ifndef STACKC_SWARM_PLAN_INTERNAL_H
#define STACKC_SWARM_PLAN_INTERNAL_H

#include "swarm/plan.h"

struct sbuf;

struct plan_ctx {
	struct run *run;
	const struct stack_spec *want;
	const struct live_state *live;
	const struct plan_opts *opts;
	struct json_t *netnames;             /* network ID → name */
	struct json_t *refs[DEPLOYED_KINDS]; /* secrets/configs: name in the files → generation name */
	struct json_t *ids[DEPLOYED_KINDS];  /* generation name → live ID, or null when created now */
	int failed;
};

/* JSON equality where 1 and 1.0 are the same number; NULL equals only NULL. */
int plan_jeq(const struct json_t *a, const struct json_t *b);

void plan_add_change(struct plan_item *it, const char *path, const struct json_t *old,
		     const struct json_t *new, const char *note);

/* Every difference from old to new under path, as changes of it. */
void plan_diff_json(struct plan_item *it, struct sbuf *path, const struct json_t *old,
		    const struct json_t *new);

struct plan_item *plan_add_item(struct plan *p, enum stack_kind kind, enum plan_action action,
				const char *name);

/* A plan error (the deploy stops before any write). */
__attribute__((format(printf, 2, 3)))
void plan_error(struct plan_ctx *c, const char *fmt, ...);

/* it->id and it->version from a live object. */
void plan_set_live(struct plan_item *it, const struct json_t *live);

/* Whether labels carry this stack's namespace. */
int plan_belongs(const struct json_t *labels, const char *stack);

/* One item as `diff --format json` shows it (and saved plans keep it); the summary counts. */
struct json_t *plan_item_json(const struct plan *p, const struct plan_item *it);
struct json_t *plan_summary_json(const struct plan *p);

/* preflight.c: the checks of preflight.h, as plan errors */
void plan_preflight(struct plan_ctx *c);

/* plan_objects.c */
void plan_network(struct plan_ctx *c, struct plan *p, struct stack_object *o);
void plan_file_object(struct plan_ctx *c, struct plan *p, struct stack_object *o);
/* After the services: --prune removals, then superseded generations. */
void plan_removals(struct plan_ctx *c, struct plan *p);

#endif
