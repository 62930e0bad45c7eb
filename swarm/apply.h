/*
 * Apply a computed plan to the swarm: exactly the writes it lists.
 *
 * Order: service removals (--prune), then networks, secrets, configs,
 * services, each kind by name, then the removals of networks, secrets and
 * configs (--prune: the services that used them are gone or updated by
 * then; a network still held by the tasks of a removed service is tried
 * again for up to NETWORK_IN_USE_TIMEOUT_MS). Unchanged objects get no request. A rotated
 * secret or config is a create of its new generation. Secret/config IDs of
 * objects created here are bound into the service bodies before they are
 * sent. Removals marked after_converge (superseded generations) are left
 * for apply_after_converge(), which the caller runs once the services have
 * converged. Service updates send ?version=<live index>; on "update out of
 * sequence" the service is read again (its version, ForceUpdate and pinned
 * image refreshed) and the update retried, at most APPLY_MAX_RETRIES times;
 * not for a saved plan's items (no `want`: plan_file.h), which fail there.
 * A service write failing with "network X not found" for one of the stack's
 * networks that is still listed (being deleted after a `docker stack rm`)
 * waits until X is gone (NETWORK_GONE_TIMEOUT_MS), creates it again and
 * retries. With opts->with_registry_auth, creates and updates carry
 * X-Registry-Auth.
 *
 * Progress lines go to out (unless quiet): "Creating network st_default",
 * "Updating service st_api (id: …)", "Service st_db unchanged",
 * "Removing service st_old". The first failure stops the apply (there is no
 * transaction; what was done stays done) with a message in *err. Each item
 * whose writes all succeeded is marked applied.
 *
 * Parallel writes (ao->parallel > 1): the passes above run as four phases,
 * one after another: service removals; networks, secrets and configs (they
 * do not depend on each other); services (they need the IDs of the secrets
 * and configs created before them); pruned networks, secrets and configs.
 * Within a phase up to ao->parallel writes are in flight at once, one per
 * connection: the caller's engine and siblings of it (engine_open_sibling(),
 * opened when a phase first needs them, freed before apply_plan() returns),
 * each driven by one thread; the caller's thread is one of them. A phase's
 * items are handed out one at a time in plan order, so each is written by
 * exactly one worker, once; its retries ("update out of sequence", a network
 * being removed) stay with that worker. Once an item failed or stop() said
 * so, no other item of the phase starts; those in flight finish, and *err
 * gets the first failed item's message in plan order. Output is buffered per
 * item and printed in plan order (as without --parallel), never in the order
 * the writes completed. A transport without clone() (ssh://, an unkeyed
 * replay file) gives one connection: the writes then go one at a time.
 *
 * Why threads are safe here: a worker touches only its own engine (its own
 * transport handle: libcurl easy handles are never shared; libcurl's global
 * init ran when the first engine opened, before any thread), its own item
 * and that item's output buffers. Everything shared is either read-only
 * during a phase (the plan's other items, the name → ID maps: IDs of
 * created secrets and configs are bound into the service bodies and the
 * registry headers made in the caller's thread before the services' phase)
 * or under the applier's mutex (handing out items, the failed and
 * interrupted flags, printing, stop() itself); re-creating a network being
 * removed is serialized by a second mutex so that it is created once.
 * jansson's reference counts are atomic (JSON_HAVE_ATOMIC_BUILTINS), and
 * values shared between bodies are only read. Worker threads block SIGINT
 * and SIGTERM, so the handler (base/interrupt.h) runs in the caller's
 * thread and does not cut a worker's request short.
 *
 * Interruption: before every write, ao->stop(ao->stop_ctx) is asked (when
 * set); once it says yes, no other write is sent (those in flight complete)
 * and apply_plan() returns APPLY_INTERRUPTED.
 * apply_print_progress() then says what was and was not applied; the next
 * deploy plans from what the swarm holds and converges from there.
 *
 * The services created or updated are listed in *changed for the wait.
 */
#ifndef STACKC_SWARM_APPLY_H
#define STACKC_SWARM_APPLY_H

#include <stddef.h>
#include <stdio.h>

struct engine;
struct plan;
struct plan_opts;
struct sbuf;

#define APPLY_MAX_RETRIES 5
#define APPLY_INTERRUPTED 1
#define NETWORK_GONE_TIMEOUT_MS 60000
#define NETWORK_IN_USE_TIMEOUT_MS 20000
/* deploy --parallel's default: stack_cmd_init() in cli/deploy.c says why */
#define APPLY_PARALLEL_DEFAULT 8

struct apply_changed {
	char **ids;
	const char **names; /* the plan's names */
	size_t n, alloc;
};

struct apply_opts {
	int quiet;
	FILE *out;                /* progress lines */
	int (*stop)(void *ctx);   /* non-zero: send no more writes; NULL: never */
	void *stop_ctx;
	int parallel;             /* writes in flight at once; <= 1: one after another */
};

int apply_plan(struct apply_changed *changed, struct plan *p, struct engine *e,
	       const struct plan_opts *opts, const struct apply_opts *ao, struct sbuf *err);
void apply_changed_release(struct apply_changed *c);

/*
 * The removals the plan left for after convergence (ao->parallel at once,
 * as above). A network, secret or
 * config the daemon keeps because something still uses it ("in use", say a
 * service of another stack) is not a failure, here or in apply_plan(): a
 * warning on stderr names it.
 */
int apply_after_converge(struct plan *p, struct engine *e, const struct apply_opts *ao,
			 struct sbuf *err);

/*
 * The plan's writes, in the order apply sends them, under "applied:" and
 * "not applied:" headings, one per line ("+ service st_web").
 */
void apply_print_progress(const struct plan *p, FILE *out);

#endif
