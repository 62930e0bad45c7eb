/*
 * Wait until the services a deploy created or updated have converged, all
 * at once (not one after another as docker does).
 *
 * Each round makes two GETs for every service together:
 *   /services?status=true&filters={"id":{...}}   mode, replicas, UpdateStatus
 *   /tasks?filters={"service":{...},"_up-to-date":{"true":true}}
 * and sleeps between rounds (100 ms, growing to 1 s), so evidence is seen
 * within a second of the daemon having it.
 *
 * Converged: replicated — running up-to-date tasks == Replicas; global —
 * == the daemon's DesiredTasks (one per eligible node; 0 only counts after
 * WAIT_SETTLE_MS); jobs — completed tasks reach TotalCompletions (global
 * job: every task completed); and UpdateStatus, when present, "completed".
 *
 * Failed, as soon as the evidence is there (the wait stops at the first
 * failure, naming the task's own error and its node):
 *   - a task was rejected (the node could not start it: an image that
 *     cannot be pulled, a bad mount...);
 *   - a slot (replicated: its number; global: its node) whose tasks all
 *     failed and that swarm will not restart (restart_policy.max_attempts
 *     used up, or its condition), while fewer slots than desired are alive;
 *   - tasks keep failing: at least WAIT_MAX_FAILED and at least the desired
 *     count (a crash loop with unlimited restarts);
 *   - swarm paused the update, or rolls it back (UpdateStatus.State
 *     paused, rollback_started, rollback_paused, rollback_completed).
 * A task pending longer than WAIT_PENDING_REASON_MS shows the scheduler's
 * reason ("no suitable node (insufficient resources on 1 node)").
 *
 * Display (unless quiet): on a TTY one line per service redrawn in place;
 * otherwise a plain line whenever a service's state changes. Each service
 * ends with a line saying how long it took ("converged after 4.2s", "failed
 * after 3.1s: ...").
 *
 * Returns 0 when every service converged; WAIT_NOT_CONVERGED when one
 * failed or the timeout passed, with a summary in *err naming every service
 * that did not converge (failed, or still converging and why);
 * WAIT_INTERRUPTED when o->stop said so (asked every round, and a signal
 * cuts the sleep short), with the same summary; -1 when the Engine failed
 * (its message in *err).
 */
#ifndef STACKC_SWARM_WAIT_H
#define STACKC_SWARM_WAIT_H

#include <stddef.h>
#include <stdio.h>

struct engine;
struct sbuf;

#define WAIT_MAX_FAILED 3
#define WAIT_SETTLE_MS 2000        /* a global service with no task yet is pending this long */
#define WAIT_PENDING_REASON_MS 3000 /* a task pending this long shows why */
#define WAIT_NOT_CONVERGED 1
#define WAIT_INTERRUPTED 2

struct wait_opts {
	long long timeout_ms;
	int quiet;
	int tty;
	FILE *out;
	long long pending_reason_ms; /* 0: WAIT_PENDING_REASON_MS */
	int (*stop)(void *ctx);      /* non-zero: stop waiting; NULL: never */
	void *stop_ctx;
};

int wait_services(struct engine *e, char *const *ids, const char *const *names, size_t n,
		  const struct wait_opts *o, struct sbuf *err);

#endif
