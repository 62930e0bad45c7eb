/*
 * Wait until the services a deploy created or updated have converged, all
 * at once (not one after another as docker does).
 *
 * Each round makes two GETs for every service together:
 *   /services?status=true&filters={"id":{...}}   mode, replicas, UpdateStatus
 *   /tasks?filters={"service":{...},"_up-to-date":{"true":true}}
 * and sleeps between rounds (100 ms, growing to 1 s).
 *
 * Converged: replicated — running up-to-date tasks == Replicas; global —
 * == the daemon's DesiredTasks (one per eligible node; 0 only counts after
 * WAIT_SETTLE_MS); jobs — completed
 * tasks reach TotalCompletions (global job: every task completed); and
 * UpdateStatus, when present, "completed". Failure: UpdateStatus paused or
 * rolled back, a service whose up-to-date tasks keep failing (at least
 * WAIT_MAX_FAILED and at least its desired count), or the timeout; *err
 * then names the services and the failing task's Status.Err.
 *
 * Display (unless quiet): on a TTY one line per service redrawn in place;
 * otherwise a plain line whenever a service's state changes.
 */
#ifndef STACKC_SWARM_WAIT_H
#define STACKC_SWARM_WAIT_H

#include <stddef.h>
#include <stdio.h>

struct engine;
struct sbuf;

#define WAIT_MAX_FAILED 3
#define WAIT_SETTLE_MS 2000 /* a global service with no task yet is pending this long */

struct wait_opts {
	long long timeout_ms;
	int quiet;
	int tty;
	FILE *out;
};

int wait_services(struct engine *e, char *const *ids, const char *const *names, size_t n,
		  const struct wait_opts *o, struct sbuf *err);

#endif
