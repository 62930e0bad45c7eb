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
	char *line;    /* what is shown */
	char *last_err;
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

/* Judge one service from its object and all up-to-date tasks. */
static void judge(struct svc *s, const json_t *service, const json_t *tasks, int settled)
{
	const json_t *spec = json_object_get(service, "Spec");
	const json_t *mode = json_object_get(spec, "Mode");
	const json_t *status = json_object_get(service, "ServiceStatus");
	size_t running = 0, complete = 0, failed = 0, total = 0, i;
	json_t *t;
	const char *newest_err = NULL, *newest_at = "";
	json_array_foreach(tasks, i, t) {
		if (strcmp(str(t, "ServiceID") ? str(t, "ServiceID") : "", s->id))
			continue;
		const json_t *st = json_object_get(t, "Status");
		const char *state = str(st, "State"), *desired = str(t, "DesiredState");
		total++;
		if (state && !strcmp(state, "running") && desired && !strcmp(desired, "running"))
			running++;
		if (state && !strcmp(state, "complete"))
			complete++;
		if (state && (!strcmp(state, "failed") || !strcmp(state, "rejected"))) {
			failed++;
			const char *ts = str(st, "Timestamp") ? str(st, "Timestamp") : "";
			if (str(st, "Err") && strcmp(ts, newest_at) >= 0) {
				newest_err = str(st, "Err");
				newest_at = ts;
			}
		}
	}
	if (newest_err) {
		free(s->last_err);
		s->last_err = xstrdup(newest_err);
	}
	const char *us = str(json_object_get(service, "UpdateStatus"), "State");
	const char *umsg = str(json_object_get(service, "UpdateStatus"), "Message");
	long long desired;
	const char *verb = "running";
	int done;
	if (json_object_get(mode, "ReplicatedJob") || json_object_get(mode, "GlobalJob")) {
		verb = "completed";
		json_t *tc = json_object_get(json_object_get(mode, "ReplicatedJob"), "TotalCompletions");
		if (json_object_get(mode, "ReplicatedJob"))
			desired = tc ? json_integer_value(tc) : 1;
		else
			desired = (long long)total - (long long)failed;
		done = (long long)complete >= desired && (total > 0 || desired == 0);
		running = complete;
	} else if (json_object_get(mode, "Global")) {
		json_t *dt = json_object_get(status, "DesiredTasks");
		desired = dt ? json_integer_value(dt) : (long long)(total - failed);
		/* the orchestrator needs a moment to create a new global service's tasks */
		done = (long long)running >= desired && (desired > 0 || settled);
	} else {
		json_t *r = json_object_get(json_object_get(mode, "Replicated"), "Replicas");
		desired = r ? json_integer_value(r) : 1;
		done = (long long)running == desired;
	}
	if (us && strcmp(us, "completed"))
		done = 0;
	free(s->line);
	s->state = done ? ST_DONE : ST_PENDING;
	if (us && (!strcmp(us, "paused") || !strcmp(us, "rollback_paused") || !strcmp(us, "rollback_completed"))) {
		s->state = ST_FAILED;
		s->line = xstrfmt("%s: update %s%s%s", s->name, !strcmp(us, "rollback_completed") ? "rolled back" : us,
				  umsg ? ": " : "", umsg ? umsg : "");
		return;
	}
	if (!done && failed >= WAIT_MAX_FAILED && (long long)failed >= desired) {
		s->state = ST_FAILED;
		s->line = xstrfmt("%s: %zu tasks failed: %s", s->name, failed, s->last_err ? s->last_err : "(no error given)");
		return;
	}
	s->line = xstrfmt("%s: %zu/%lld %s%s%s", s->name, running, desired, verb,
			  us && !strcmp(us, "updating") ? " (updating)" : "", done ? ", converged" : "");
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
	char *spath = ids_path("/services?status=true&", "id", v, n, 0);
	char *tpath = ids_path("/tasks?", "service", v, n, 1);
	long long start = now_ms(), deadline = start + o->timeout_ms, delay = 100;
	int drawn = 0, rc = 0;
	for (;;) {
		json_t *services = NULL, *tasks = NULL;
		if (engine_get(e, spath, NULL, &services, err) || engine_get(e, tpath, NULL, &tasks, err)) {
			json_decref(services);
			rc = -1;
			break;
		}
		size_t pending = 0;
		for (size_t i = 0; i < n; i++) {
			if (v[i].state == ST_FAILED)
				continue;
			json_t *svc = NULL, *s;
			size_t k;
			json_array_foreach(services, k, s)
				if (str(s, "ID") && !strcmp(str(s, "ID"), v[i].id))
					svc = s;
			char *before = v[i].line ? xstrdup(v[i].line) : NULL;
			if (!svc) {
				free(v[i].line);
				v[i].line = xstrfmt("%s: removed while waiting", v[i].name);
				v[i].state = ST_FAILED;
			} else {
				judge(&v[i], svc, tasks, now_ms() - start >= WAIT_SETTLE_MS);
			}
			if (!o->quiet && !o->tty && (!before || strcmp(before, v[i].line)))
				fprintf(o->out, "%s\n", v[i].line);
			free(before);
		}
		for (size_t i = 0; i < n; i++)
			pending += v[i].state == ST_PENDING;
		draw(v, n, o, &drawn);
		json_decref(services);
		json_decref(tasks);
		if (!pending)
			break;
		if (now_ms() >= deadline) {
			sb_printf(err, "timed out after %llds waiting for", o->timeout_ms / 1000);
			for (size_t i = 0; i < n; i++)
				if (v[i].state == ST_PENDING)
					sb_printf(err, "\n  %s%s%s", v[i].line, v[i].last_err ? "; last task error: " : "",
						  v[i].last_err ? v[i].last_err : "");
			rc = -1;
			break;
		}
		sleep_ms(delay);
		delay = delay * 3 / 2 > 1000 ? 1000 : delay * 3 / 2;
	}
	for (size_t i = 0, first = 1; !rc && i < n; i++)
		if (v[i].state == ST_FAILED) {
			if (first)
				sb_puts(err, "some services did not converge:");
			first = 0;
			sb_printf(err, "\n  %s", v[i].line);
		}
	for (size_t i = 0; i < n; i++)
		if (v[i].state == ST_FAILED)
			rc = -1;
	for (size_t i = 0; i < n; i++) {
		free(v[i].line);
		free(v[i].last_err);
	}
	free(v);
	free(spath);
	free(tpath);
	return rc;
}
