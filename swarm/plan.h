/*
 * The plan: what a deploy would change on the live swarm, object by object.
 *
 * Its input is the stack as converted (convert.h) and the live state
 * (live.h: read with GET requests only). plan_compute() makes no request:
 * it normalizes both sides (the daemon fills in defaults, stores network IDs
 * for names, pins digests) and gives each object one action:
 *   create, update (with the changed fields), unchanged, remove (prune).
 * Service bodies carry the live ForceUpdate and, when the image text is
 * unchanged (or cannot be resolved), the live pinned image, as docker does.
 * Problems that must stop a deploy before its first write go to run->diag
 * and make plan_compute() return -1: a secret or config whose content
 * changed (immutable; named), missing or wrongly scoped external networks,
 * missing external secrets/configs, service mode changes, name clashes with
 * objects of another stack.
 *
 * Secret data never appears in a change: it is reported as "data changed".
 * Secret content is tracked with the label com.stackc.sha256 (a salted
 * hash, set when stackc creates or relabels a secret), since the daemon
 * never returns secret data.
 */
#ifndef STACKC_SWARM_PLAN_H
#define STACKC_SWARM_PLAN_H

#include <stddef.h>
#include <stdio.h>

#include "swarm/convert.h"
#include "swarm/live.h"

struct json_t;
struct run;

#define LABEL_SECRET_HASH "com.stackc.sha256"

enum plan_action { PLAN_CREATE, PLAN_UPDATE, PLAN_UNCHANGED, PLAN_REMOVE };
enum resolve_image { RESOLVE_ALWAYS, RESOLVE_CHANGED, RESOLVE_NEVER };

struct plan_opts {
	int prune;
	enum resolve_image resolve;
	int with_registry_auth;
};

struct plan_change {
	char *path;          /* "TaskTemplate.ContainerSpec.Env[2]" */
	struct json_t *old;  /* NULL when absent */
	struct json_t *new;
	const char *note;    /* instead of values, e.g. "data changed" */
};

struct plan_item {
	enum stack_kind kind;
	enum plan_action action;
	const char *name;
	struct stack_object *want; /* NULL for remove */
	char *id;                  /* live ID, or NULL */
	long long version;         /* live Version.Index */
	struct json_t *body;       /* request body for create/update */
	const char *image_label;   /* services: the compose image text */
	struct json_t *resolved;   /* services: {"Image", "Platforms"} from the registry, or NULL */
	int drift;                 /* network differs but cannot be updated */
	struct plan_change *changes;
	size_t nchanges, alloc;
};

struct plan {
	const char *stack;
	struct plan_item *items;
	size_t n, alloc;
	size_t count[4]; /* by enum plan_action */
};

int plan_compute(struct plan *out, struct run *run, const struct stack_spec *want,
		 const struct live_state *live, const struct plan_opts *opts);
void plan_release(struct plan *p);

/*
 * Recompute a service item's update body against a fresh live object
 * (after "update out of sequence"): version, ForceUpdate, pinned image.
 */
int plan_refresh_service(struct plan_item *it, const struct json_t *live_service,
			 const struct plan_opts *opts);

/* Terraform-style text, or JSON ({"stack", "changes": [...], "summary"}). */
void plan_print_text(const struct plan *p, FILE *out);
void plan_print_json(const struct plan *p, FILE *out);

/* Whether anything would be written. */
int plan_has_changes(const struct plan *p);

#endif
