/*
 * The plan: what a deploy would change on the live swarm, object by object.
 *
 * Its input is the stack as converted (convert.h) and the live state
 * (live.h: read with GET requests only). plan_compute() makes no request:
 * it normalizes both sides (the daemon fills in defaults, stores network IDs
 * for names, pins digests) and gives each object one action:
 *   create, update (with the changed fields), unchanged, remove.
 * Service bodies carry the live ForceUpdate and, when the image text is
 * unchanged (or cannot be resolved), the live pinned image, as docker does.
 * Problems that must stop a deploy before its first write go to run->diag
 * and make plan_compute() return -1: missing or wrongly scoped external
 * networks, missing external secrets/configs, service mode changes, name
 * clashes with objects of another stack, a rotation whose name would be too
 * long, and the preflight checks (preflight.h: published ports taken outside
 * the stack, placement constraints no node meets). Without opts->prune, a
 * note names each live service of the stack the files no longer define.
 *
 * Secrets and configs are immutable on the swarm, so a changed content (or
 * driver, or template driver) makes a new generation: a new object named
 * <name>-v<N>, and every service that uses the object is pointed at it (same
 * target path in the container). Generation 1 keeps docker's name, so a
 * stack that never rotated looks exactly as `docker stack deploy` made it.
 * Generations are told by their labels: LABEL_GENERATION (N) and
 * LABEL_GENERATION_OF (the name in the files), with the stack's namespace.
 * Which generation holds the files' content: configs compare the data the
 * daemon returns; secrets check the content fingerprint label
 * (fingerprint.h) that stackc puts on every object it creates. A secret
 * without one (created by docker) is "unknown": it is kept, with a warning,
 * unless opts->rotate_secrets. When the content goes back to an older
 * generation still there, that one is used again.
 *
 * Removals: with opts->prune, the stack's services, networks, secrets and
 * configs the files no longer define (all generations). Always: superseded
 * generations no service of the stack uses, beyond the newest
 * opts->keep_generations; these are marked after_converge (apply removes
 * them once the stack has converged).
 *
 * Secret data never appears in a plan, its output or a message.
 */
#ifndef STACKC_SWARM_PLAN_H
#define STACKC_SWARM_PLAN_H

#include <stddef.h>
#include <stdio.h>

#include "swarm/convert.h"
#include "swarm/live.h"

struct json_t;
struct run;

#define LABEL_GENERATION "com.stackc.generation"
#define LABEL_GENERATION_OF "com.stackc.generation-of"
#define PLAN_KEEP_GENERATIONS 2

enum plan_action { PLAN_CREATE, PLAN_UPDATE, PLAN_UNCHANGED, PLAN_REMOVE };
enum resolve_image { RESOLVE_ALWAYS, RESOLVE_CHANGED, RESOLVE_NEVER };

struct plan_opts {
	int prune;
	enum resolve_image resolve;
	int with_registry_auth;
	int rotate_secrets;     /* a secret without a fingerprint counts as changed */
	long keep_generations;  /* generations kept per secret/config; <= 0: PLAN_KEEP_GENERATIONS */
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
	const char *name;          /* on the swarm; secrets/configs: as the files name it */
	struct stack_object *want; /* NULL for remove */
	char *id;                  /* live ID (secrets/configs: of ref_name), or NULL */
	long long version;         /* live Version.Index */
	struct json_t *body;       /* request body for create/update */
	const char *image_label;   /* services: the compose image text */
	struct json_t *resolved;   /* services: {"Image", "Platforms"} from the registry, or NULL */
	int drift;                 /* network differs but cannot be updated */
	/* secrets/configs */
	const char *ref_name;      /* the generation services use: name, or <name>-v<N> */
	int rotate;                /* PLAN_UPDATE: create ref_name, generation `generation` */
	int generation;
	const char *reason;        /* rotate: why ("content changed"); remove: why, or NULL */
	int after_converge;        /* PLAN_REMOVE of a superseded generation: once converged */
	int applied;               /* set by apply once its write succeeded */
	struct plan_change *changes;
	size_t nchanges, alloc;
};

struct plan {
	const char *stack;
	struct plan_item *items;
	size_t n, alloc;
	size_t count[4]; /* by enum plan_action */
	struct json_t *saved; /* a plan read from a file (plan_file.h): holds its strings */
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

/* The name services reference for this item: ref_name for secrets/configs, else name. */
const char *plan_item_ref(const struct plan_item *it);

/* Terraform-style text, or JSON ({"stack", "changes": [...], "summary"}). */
void plan_print_text(const struct plan *p, FILE *out);
void plan_print_json(const struct plan *p, FILE *out);

/* Whether anything would be written. */
int plan_has_changes(const struct plan *p);

#endif
