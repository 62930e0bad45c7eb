/* Wait for convergence; see wait.h. */
#include "swarm/wait.h"

#include "base/sbuf.h"
#include "base/xalloc.h"
#include "swarm/engine.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum svc_state { ST_PENDING, ST_DONE, ST_FAILED };

struct svc {
	const char *id, *name;
	enum svc_state state;
	char *line;              /* what is shown; once done or failed, the final line */
	char *last_err;          /* the newest failed task's error and node */
	long long pending_since; /* when a task was first seen pending with a reason; 0: none */
};

struct waiter {
	struct engine *e;
	const struct wait_opts *o;
	long long start;
	json_t *nodes; /* GET /nodes, read the first time a task's node is named */
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long long ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int is(const char *s, const char *v)
{
	return s && !strcmp(s, v);
}

/* The hostname of a node (its ID when the node list cannot be read), or NULL. */
static const char *node_name(struct waiter *w, const char *id)
{
	if (!id || !*id)
		return NULL;
	if (!w->nodes) {
		struct sbuf err = SBUF_INIT;
		if (engine_get(w->e, "/nodes", NULL, &w->nodes, &err))
			w->nodes = json_array();
		sbuf_release(&err);
	}
	size_t i;
	json_t *n;
	json_array_foreach(w->nodes, i, n)
		if (is(str(n, "ID"), id)) {
			const char *host = str(json_object_get(n, "Description"), "Hostname");
			return host ? host : id;
		}
	return id;
}

/* "on node lab1: task: non-zero exit (1)": a task's own error and where. */
static char *task_error(struct waiter *w, const json_t *t)
{
	const json_t *st = json_object_get(t, "Status");
	const char *err = str(st, "Err");
	if (!err || !*err)
		err = str(st, "Message") ? str(st, "Message") : "(no error given)";
	const char *node = node_name(w, str(t, "NodeID"));
	return node ? xstrfmt("on node %s: %s", node, err) : xstrdup(err);
}

static long long task_index(const json_t *t)
{
	return json_integer_value(json_object_get(json_object_get(t, "Version"), "Index"));
}

/* Why swarm will not restart a task: its restart policy, as the file writes it. */
static char *no_restart_reason(const json_t *service)
{
	const json_t *rp = json_object_get(json_object_get(json_object_get(service, "Spec"), "TaskTemplate"),
					   "RestartPolicy");
	long long max = json_integer_value(json_object_get(rp, "MaxAttempts"));
	const char *cond = str(rp, "Condition");
	if (max > 0)
		return xstrfmt("restart_policy.max_attempts: %lld", max);
	return xstrfmt("restart_policy.condition: %s", cond ? cond : "any");
}

/* The up-to-date tasks of one service, counted. */
struct tally {
	size_t running, complete, failed, total;
	size_t alive_slots;
	const json_t *last_failed; /* newest failed or rejected task */
	const json_t *rejected;    /* newest rejected task */
	const json_t *dead;        /* newest task of a slot swarm gave up on */
	const json_t *pending;     /* a task pending with the scheduler's reason */
};

struct slot {
	const char *node;
	long long num;
	int alive;
	const json_t *last;
};

/*
 * A slot is one replica (replicated: Slot) or one node (global): swarm
 * replaces a failed task by a new one in the same slot, unless its restart
 * policy says no; the failed task's DesiredState is then shutdown and
 * nothing in the slot wants to run any more.
 */
static void count(struct tally *c, const char *id, const json_t *tasks, int by_node)
{
	memset(c, 0, sizeof(*c));
	struct slot *slots = NULL;
	size_t nslots = 0, alloc = 0, i;
	json_t *t;
	json_array_foreach(tasks, i, t) {
		if (!is(str(t, "ServiceID"), id))
			continue;
		const json_t *st = json_object_get(t, "Status");
		const char *state = str(st, "State"), *desired = str(t, "DesiredState");
		c->total++;
		if (is(state, "running") && is(desired, "running"))
			c->running++;
		if (is(state, "complete"))
			c->complete++;
		if (is(state, "failed") || is(state, "rejected")) {
			c->failed++;
			if (!c->last_failed || task_index(t) > task_index(c->last_failed))
				c->last_failed = t;
			if (is(state, "rejected") && (!c->rejected || task_index(t) > task_index(c->rejected)))
				c->rejected = t;
		}
		if (is(state, "pending") && str(st, "Err") && *str(st, "Err"))
			c->pending = t;
		const char *node = by_node ? str(t, "NodeID") : NULL;
		long long num = by_node ? 0 : json_integer_value(json_object_get(t, "Slot"));
		size_t k;
		for (k = 0; k < nslots; k++)
			if (by_node ? is(slots[k].node, node ? node : "") : slots[k].num == num)
				break;
		if (k == nslots) {
			ALLOC_GROW(slots, nslots + 1, alloc);
			slots[nslots++] = (struct slot){ node ? node : "", num, 0, NULL };
		}
		slots[k].alive |= !(is(desired, "shutdown") || is(desired, "remove") || is(desired, "orphaned"));
		if (!slots[k].last || task_index(t) > task_index(slots[k].last))
			slots[k].last = t;
	}
	for (size_t k = 0; k < nslots; k++) {
		const char *state = str(json_object_get(slots[k].last, "Status"), "State");
		if (slots[k].alive)
			c->alive_slots++;
		else if ((is(state, "failed") || is(state, "rejected")) &&
			 (!c->dead || task_index(slots[k].last) > task_index(c->dead)))
			c->dead = slots[k].last;
	}
	free(slots);
}

static void set_line(struct svc *s, char *line)
{
	free(s->line);
	s->line = line;
}

static void fail(struct waiter *w, struct svc *s, char *why)
{
	s->state = ST_FAILED;
	set_line(s, xstrfmt("%s: failed after %.1fs: %s", s->name, (double)(now_ms() - w->start) / 1000, why));
	free(why);
}

/* Judge one service from its object and all up-to-date tasks. */
static void judge(struct waiter *w, struct svc *s, const json_t *service, const json_t *tasks)
{
	const json_t *mode = json_object_get(json_object_get(service, "Spec"), "Mode");
	const json_t *status = json_object_get(service, "ServiceStatus");
	int global = json_object_get(mode, "Global") || json_object_get(mode, "GlobalJob");
	struct tally c;
	count(&c, s->id, tasks, global);
	if (c.last_failed) {
		free(s->last_err);
		s->last_err = task_error(w, c.last_failed);
	}
	const char *us = str(json_object_get(service, "UpdateStatus"), "State");
	const char *umsg = str(json_object_get(service, "UpdateStatus"), "Message");
	long long desired;
	size_t shown = c.running;
	const char *verb = "running";
	int done;
	if (json_object_get(mode, "ReplicatedJob") || json_object_get(mode, "GlobalJob")) {
		verb = "completed";
		json_t *tc = json_object_get(json_object_get(mode, "ReplicatedJob"), "TotalCompletions");
		if (json_object_get(mode, "ReplicatedJob"))
			desired = tc ? json_integer_value(tc) : 1;
		else
			desired = (long long)c.total - (long long)c.failed;
		done = (long long)c.complete >= desired && (c.total > 0 || desired == 0);
		shown = c.complete;
	} else if (global) {
		json_t *dt = json_object_get(status, "DesiredTasks");
		desired = dt ? json_integer_value(dt) : (long long)(c.total - c.failed);
		/* the orchestrator needs a moment to create a new global service's tasks */
		done = (long long)c.running >= desired && (desired > 0 || now_ms() - w->start >= WAIT_SETTLE_MS);
	} else {
		json_t *r = json_object_get(json_object_get(mode, "Replicated"), "Replicas");
		desired = r ? json_integer_value(r) : 1;
		done = (long long)c.running == desired;
	}
	if (us && !is(us, "completed"))
		done = 0;
	if (is(us, "paused") || is(us, "rollback_started") || is(us, "rollback_paused") ||
	    is(us, "rollback_completed")) {
		const char *what = is(us, "paused")		? "swarm paused the update" :
				   is(us, "rollback_started")	? "swarm is rolling the update back" :
				   is(us, "rollback_paused")	? "swarm paused the rollback of the update" :
								  "swarm rolled the update back";
		fail(w, s, xstrfmt("%s%s%s%s%s", what, umsg ? ": " : "", umsg ? umsg : "",
				   s->last_err ? "; last task error " : "", s->last_err ? s->last_err : ""));
		return;
	}
	if (!done && c.rejected) {
		char *e = task_error(w, c.rejected);
		fail(w, s, xstrfmt("task rejected %s", e));
		free(e);
		return;
	}
	if (!done && c.dead && (long long)c.alive_slots < desired) {
		char *e = task_error(w, c.dead), *why = no_restart_reason(service);
		fail(w, s, xstrfmt("task failed %s; swarm will not restart it (%s)", e, why));
		free(e);
		free(why);
		return;
	}
	if (!done && c.failed >= WAIT_MAX_FAILED && (long long)c.failed >= desired) {
		fail(w, s, xstrfmt("%zu tasks failed, the last %s", c.failed, s->last_err));
		return;
	}
	s->state = done ? ST_DONE : ST_PENDING;
	if (done) {
		set_line(s, xstrfmt("%s: %zu/%lld %s, converged after %.1fs", s->name, shown, desired, verb,
				    (double)(now_ms() - w->start) / 1000));
		return;
	}
	/* the scheduler's reason, once a task has waited for a node a while */
	const char *reason = NULL;
	if (!c.pending)
		s->pending_since = 0;
	else if (!s->pending_since)
		s->pending_since = now_ms();
	else if (now_ms() - s->pending_since >= (w->o->pending_reason_ms ? w->o->pending_reason_ms : WAIT_PENDING_REASON_MS))
		reason = str(json_object_get(c.pending, "Status"), "Err");
	set_line(s, xstrfmt("%s: %zu/%lld %s%s%s%s", s->name, shown, desired, verb,
			    is(us, "updating") ? " (updating)" : "", reason ? "; pending: " : "", reason ? reason : ""));
}

/* "<what>?filters={"<key>":{<id>:true,...}[,"_up-to-date":{"true":true}]}" */
static char *ids_path(const char *what, const char *key, struct svc *v, size_t n, int up_to_date)
{
	json_t *ids = json_object();
	for (size_t i = 0; i < n; i++)
		json_object_set_new(ids, v[i].id, json_true());
	json_t *f = json_pack("{s:o}", key, ids);
	if (up_to_date)
		json_object_set_new(f, "_up-to-date", json_pack("{s:b}", "true", 1));
	struct sbuf path = SBUF_INIT;
	sb_printf(&path, "%sfilters=", what);
	engine_put_filters(&path, f);
	json_decref(f);
	return sbuf_detach(&path, NULL);
}

static void draw(struct svc *v, size_t n, const struct wait_opts *o, int *drawn)
{
	if (o->quiet)
		return;
	if (o->tty) {
		if (*drawn)
			fprintf(o->out, "\033[%zuA", n);
		for (size_t i = 0; i < n; i++)
			fprintf(o->out, "\r\033[2K%s\n", v[i].line ? v[i].line : v[i].name);
		*drawn = 1;
	}
	fflush(o->out);
}

/* One round: read the services and their tasks, judge each. -1 when the Engine failed. */
static int poll_once(struct waiter *w, struct svc *v, size_t n, const char *spath, const char *tpath,
		     struct sbuf *err)
{
	json_t *services = NULL, *tasks = NULL;
	if (engine_get(w->e, spath, NULL, &services, err) || engine_get(w->e, tpath, NULL, &tasks, err)) {
		json_decref(services);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i].state != ST_PENDING)
			continue;
		json_t *svc = NULL, *s;
		size_t k;
		json_array_foreach(services, k, s)
			if (is(str(s, "ID"), v[i].id))
				svc = s;
		char *before = v[i].line ? xstrdup(v[i].line) : NULL;
		if (!svc)
			fail(w, &v[i], xstrdup("removed while waiting"));
		else
			judge(w, &v[i], svc, tasks);
		if (!w->o->quiet && !w->o->tty && (!before || strcmp(before, v[i].line)))
			fprintf(w->o->out, "%s\n", v[i].line);
		free(before);
	}
	json_decref(services);
	json_decref(tasks);
	return 0;
}

enum stopped { STOP_FAILED, STOP_TIMEOUT, STOP_INTERRUPTED };

/* Every service that did not converge, one line each. */
static void summary(struct svc *v, size_t n, enum stopped why, long long timeout_ms, struct sbuf *err)
{
	size_t bad = 0;
	int timed_out = why == STOP_TIMEOUT;
	for (size_t i = 0; i < n; i++)
		bad += v[i].state != ST_DONE;
	if (timed_out)
		sb_printf(err, "timed out after %llds; ", timeout_ms / 1000);
	sb_printf(err, "%zu of %zu services did not converge:", bad, n);
	for (size_t i = 0; i < n; i++) {
		if (v[i].state == ST_FAILED)
			sb_printf(err, "\n  %s", v[i].line);
		else if (v[i].state == ST_PENDING)
			sb_printf(err, "\n  %s%s%s%s", v[i].line ? v[i].line : v[i].name,
				  timed_out ? "" : " (still converging when the wait stopped)",
				  v[i].last_err ? "; last task error " : "", v[i].last_err ? v[i].last_err : "");
	}
}

int wait_services(struct engine *e, char *const *ids, const char *const *names, size_t n, const struct wait_opts *o,
		  struct sbuf *err)
{
	if (!n)
		return 0;
	struct svc *v = xcalloc(n, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		v[i].id = ids[i];
		v[i].name = names[i];
	}
	struct waiter w = { e, o, now_ms(), NULL };
	char *spath = ids_path("/services?status=true&", "id", v, n, 0);
	char *tpath = ids_path("/tasks?", "service", v, n, 1);
	long long deadline = w.start + o->timeout_ms, delay = 100;
	int drawn = 0, rc = 0;
	for (;;) {
		if (poll_once(&w, v, n, spath, tpath, err)) {
			rc = -1;
			break;
		}
		draw(v, n, o, &drawn);
		size_t pending = 0, failed = 0;
		for (size_t i = 0; i < n; i++) {
			pending += v[i].state == ST_PENDING;
			failed += v[i].state == ST_FAILED;
		}
		int stop = pending && o->stop && o->stop(o->stop_ctx);
		/* fail fast: one failed service is the deploy's outcome */
		if (failed || stop || (pending && now_ms() >= deadline)) {
			summary(v, n, failed ? STOP_FAILED : stop ? STOP_INTERRUPTED : STOP_TIMEOUT, o->timeout_ms, err);
			rc = failed || !stop ? WAIT_NOT_CONVERGED : WAIT_INTERRUPTED;
			break;
		}
		if (!pending)
			break;
		sleep_ms(delay);
		delay = delay * 3 / 2 > 1000 ? 1000 : delay * 3 / 2;
		if (o->stop && o->stop(o->stop_ctx)) {
			summary(v, n, STOP_INTERRUPTED, o->timeout_ms, err);
			rc = WAIT_INTERRUPTED;
			break;
		}
	}
	for (size_t i = 0; i < n; i++) {
		free(v[i].line);
		free(v[i].last_err);
	}
	free(v);
	free(spath);
	free(tpath);
	json_decref(w.nodes);
	return rc;
}
