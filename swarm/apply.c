/* Apply a plan; see apply.h. */
#include "swarm/apply.h"

#include "base/sbuf.h"
#include "base/xalloc.h"
#include "swarm/convert.h"
#include "swarm/engine.h"
#include "swarm/live.h"
#include "swarm/plan.h"
#include "swarm/regauth.h"
#include "swarm/stack.h"

#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One item of a phase and what its write did, kept until printed in order. */
struct slot {
	struct plan_item *it;
	struct sbuf out;     /* progress lines, for ao->out */
	struct sbuf warn;    /* lines for stderr */
	struct sbuf err;     /* why it failed */
	char *auth;          /* services: X-Registry-Auth, made before the phase */
	char *created_id;    /* the ID a create returned */
	int rc, started, done;
};

struct applier {
	struct plan *plan;
	const struct plan_opts *opts;
	int quiet;
	FILE *out;
	int (*stop)(void *ctx);
	void *stop_ctx;
	json_t *ids[DEPLOYED_KINDS]; /* per kind: name → ID of what exists after this apply */
	struct engine **engines;     /* [0] the caller's, then siblings opened when first needed */
	size_t nengines, parallel;
	/* the phase running; under lock */
	pthread_mutex_t lock;
	struct slot *slots;
	size_t nslots, next, printed;
	int failed;                  /* a slot failed: no other is started */
	int interrupted;             /* a write was not sent because stop() said so */
	/* networks created again after "network X not found" (recreate_pending_network) */
	pthread_mutex_t net_lock;
	json_t *recreated;
};

/* What one worker is doing: its connection and its slot. */
struct job {
	struct applier *a;
	struct engine *e;
	struct slot *s;
};

static int stop_requested(struct applier *a)
{
	pthread_mutex_lock(&a->lock);
	if (!a->interrupted && a->stop && a->stop(a->stop_ctx))
		a->interrupted = 1;
	int stop = a->interrupted;
	pthread_mutex_unlock(&a->lock);
	return stop;
}

__attribute__((format(printf, 2, 3)))
static void say(struct job *j, const char *fmt, ...)
{
	if (j->a->quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	if (sbuf_vaddf(&j->s->out, fmt, ap))
		BUG("the progress buffer has no cap");
	va_end(ap);
	sb_putc(&j->s->out, '\n');
}

/* One write; a non-2xx reply becomes "failed to <what> <name>: <message>". */
static int write_req(struct job *j, const char *method, const char *path, const json_t *body,
		     const char *auth, const char *what, const char *name, json_t **resp, int *status_out)
{
	int status = 0;
	json_t *r = NULL;
	if (stop_requested(j->a))
		return -1;
	if (engine_request(j->e, method, path, body, auth, &status, &r, &j->s->err)) {
		json_decref(r);
		return -1;
	}
	if (status_out)
		*status_out = status;
	int failed = status < 200 || status > 299;
	if (failed && !status_out)
		sb_printf(&j->s->err, "failed to %s %s: Error response from daemon: %s", what, name,
			  engine_error_message(r));
	if (resp)
		*resp = r;
	else
		json_decref(r);
	return failed ? -1 : 0;
}

static void warnings(struct job *j, const json_t *resp)
{
	size_t i;
	json_t *w;
	json_array_foreach(json_object_get(resp, "Warnings"), i, w)
		if (json_string_value(w))
			sb_printf(&j->s->warn, "%s\n", json_string_value(w));
}

static int apply_network(struct job *j, struct plan_item *it)
{
	if (it->action != PLAN_CREATE)
		return 0;
	say(j, "Creating network %s", it->name);
	json_t *resp = NULL;
	if (write_req(j, "POST", "/networks/create", it->body, NULL, "create network", it->name, &resp, NULL))
		return -1;
	json_decref(resp);
	return 0;
}

static int apply_file_object(struct job *j, struct plan_item *it)
{
	const char *kind = stack_kind_name(it->kind);
	const char *endpoint = it->kind == KIND_SECRET ? "secrets" : "configs";
	char what[32];
	if (it->action == PLAN_UNCHANGED || it->action == PLAN_REMOVE)
		return 0;
	json_t *resp = NULL;
	int rc;
	if (it->action == PLAN_CREATE || it->rotate) {
		const char *ref = plan_item_ref(it);
		if (it->rotate)
			say(j, "Creating %s %s (generation %d of %s: %s)", kind, ref, it->generation, it->name,
			    it->reason);
		else
			say(j, "Creating %s %s", kind, ref);
		char *path = xstrfmt("/%s/create", endpoint);
		snprintf(what, sizeof(what), "create %s", kind);
		rc = write_req(j, "POST", path, it->body, NULL, what, ref, &resp, NULL);
		free(path);
		/* bound into a->ids once the phase is over: workers never write shared objects */
		if (!rc && live_id(resp))
			j->s->created_id = xstrdup(live_id(resp));
	} else {
		say(j, "Updating %s %s", kind, plan_item_ref(it));
		char *path = xstrfmt("/%s/%s/update?version=%lld", endpoint, it->id, it->version);
		snprintf(what, sizeof(what), "update %s", kind);
		rc = write_req(j, "POST", path, it->body, NULL, what, plan_item_ref(it), &resp, NULL);
		free(path);
	}
	json_decref(resp);
	return rc;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/*
 * "network X not found" from a service write while X is listed: X is being
 * deleted (a `docker stack rm` moments ago keeps it until its tasks are gone,
 * moby#30942). Wait until it is gone, create it again; 1 when done (or when
 * another worker did). One worker at a time: X is created once.
 */
static int recreate_pending_network(struct job *j, const json_t *resp)
{
	struct applier *a = j->a;
	const char *m = engine_error_message(resp), *p = m ? strstr(m, "network ") : NULL;
	const char *end = p ? strstr(p + 8, " not found") : NULL;
	if (!end)
		return 0;
	char *name = xstrndup(p + 8, (size_t)(end - p - 8));
	struct plan_item *net = NULL;
	for (size_t i = 0; i < a->plan->n; i++)
		if (a->plan->items[i].kind == KIND_NETWORK && a->plan->items[i].want &&
		    !strcmp(a->plan->items[i].name, name))
			net = &a->plan->items[i];
	int rc = 0;
	pthread_mutex_lock(&a->net_lock);
	if (net && json_object_get(a->recreated, name)) {
		rc = 1;
	} else if (net) {
		char *path = xstrfmt("/networks/%s", name);
		long delay = 100;
		for (long waited = 0; waited < NETWORK_GONE_TIMEOUT_MS && !stop_requested(a); waited += delay) {
			int status = 0;
			json_t *r = NULL;
			if (engine_request(j->e, "GET", path, NULL, NULL, &status, &r, &j->s->err))
				break;
			json_decref(r);
			if (status == 404) {
				say(j, "Creating network %s (it was being removed)", name);
				rc = !write_req(j, "POST", "/networks/create", net->want->spec, NULL, "create network",
						name, NULL, NULL);
				if (rc)
					json_object_set_new(a->recreated, name, json_true());
				break;
			}
			sleep_ms(delay);
			delay = delay * 2 > 1000 ? 1000 : delay * 2;
		}
		free(path);
	}
	pthread_mutex_unlock(&a->net_lock);
	free(name);
	return rc;
}

static const char *id_of(void *ctx, enum stack_kind kind, const char *name)
{
	struct applier *a = ctx;
	return json_string_value(json_object_get(a->ids[kind], name));
}

static int out_of_sequence(const json_t *resp)
{
	const char *m = engine_error_message(resp);
	return m && strstr(m, "update out of sequence");
}

static void note_changed(struct apply_changed *c, const char *id, const char *name)
{
	ALLOC_GROW(c->ids, c->n + 1, c->alloc);
	c->names = xrealloc((void *)c->names, c->alloc * sizeof(*c->names));
	c->ids[c->n] = xstrdup(id);
	c->names[c->n] = name;
	c->n++;
}

/*
 * Before the services' phase, in the caller's thread: bind the secret and
 * config IDs into each body and make its X-Registry-Auth, so that workers
 * only send. A body that cannot be bound fails when its turn comes.
 */
static void prepare_service(struct applier *a, struct slot *s)
{
	struct plan_item *it = s->it;
	if (it->action == PLAN_UNCHANGED || it->action == PLAN_REMOVE)
		return;
	/* IDs bound at plan time (existing and external objects) stay */
	static const char *const lists[][3] = { { "Secrets", "SecretName", "SecretID" },
						{ "Configs", "ConfigName", "ConfigID" } };
	json_t *cs = json_object_get(json_object_get(it->body, "TaskTemplate"), "ContainerSpec");
	for (int k = 0; k < 2; k++) {
		size_t i;
		json_t *r;
		json_t *ids = a->ids[k ? KIND_CONFIG : KIND_SECRET];
		json_array_foreach(json_object_get(cs, lists[k][0]), i, r) {
			const char *name = json_string_value(json_object_get(r, lists[k][1]));
			json_t *id = json_object_get(r, lists[k][2]);
			if (name && id && !json_object_get(ids, name))
				json_object_set(ids, name, id);
		}
	}
	if (convert_bind_ids(it->body, id_of, a)) {
		sb_printf(&s->err, "service %s: a secret or config it uses has no ID", it->name);
		s->rc = -1;
		return;
	}
	const char *image = json_string_value(json_object_get(cs, "Image"));
	s->auth = a->opts->with_registry_auth && image ? regauth_header(image) : NULL;
}

static int apply_service(struct job *j, struct plan_item *it)
{
	if (it->action == PLAN_UNCHANGED) {
		say(j, "Service %s unchanged", it->name);
		return 0;
	}
	if (it->action == PLAN_REMOVE)
		return 0;
	if (j->s->rc) /* prepare_service() failed */
		return j->s->rc;
	const char *auth = j->s->auth;
	json_t *resp = NULL;
	int rc = 0;
	if (it->action == PLAN_CREATE) {
		say(j, "Creating service %s", it->name);
		int status = 0;
		rc = write_req(j, "POST", "/services/create", it->body, auth, "create service", it->name, &resp, &status);
		if (rc && status && recreate_pending_network(j, resp)) {
			json_decref(resp);
			resp = NULL;
			rc = write_req(j, "POST", "/services/create", it->body, auth, "create service", it->name, &resp,
				       &status);
		}
		if (rc && status)
			sb_printf(&j->s->err, "failed to create service %s: Error response from daemon: %s", it->name,
				  engine_error_message(resp));
		if (!rc && live_id(resp))
			j->s->created_id = xstrdup(live_id(resp));
		json_decref(resp);
		return rc;
	}
	say(j, "Updating service %s (id: %s)", it->name, it->id);
	for (int attempt = 0;; attempt++) {
		char *path = xstrfmt("/services/%s/update?version=%lld", it->id, it->version);
		int status = 0;
		resp = NULL;
		rc = write_req(j, "POST", path, it->body, auth, "update service", it->name, &resp, &status);
		free(path);
		if (!rc)
			break;
		if (status && attempt < APPLY_MAX_RETRIES && recreate_pending_network(j, resp)) {
			json_decref(resp);
			continue;
		}
		if (status && out_of_sequence(resp) && !it->want) {
			/* a saved plan: what was reviewed no longer holds (plan_file.h) */
			sb_printf(&j->s->err, "failed to update service %s: it changed since the plan (update out of sequence)",
				  it->name);
			break;
		}
		if (status && out_of_sequence(resp) && attempt < APPLY_MAX_RETRIES) {
			/* someone wrote the service since we read it: read it again */
			json_decref(resp);
			resp = NULL;
			char *get = xstrfmt("/services/%s", it->id);
			int gs = 0;
			json_t *fresh = NULL;
			rc = engine_request(j->e, "GET", get, NULL, NULL, &gs, &fresh, &j->s->err);
			free(get);
			if (!rc && gs == 200 && !plan_refresh_service(it, fresh, j->a->opts)) {
				json_decref(fresh);
				continue;
			}
			if (!rc)
				sb_printf(&j->s->err, "failed to update service %s: cannot read it again: %s", it->name,
					  engine_error_message(fresh));
			json_decref(fresh);
			rc = -1;
			break;
		}
		if (status)
			sb_printf(&j->s->err, "failed to update service %s: Error response from daemon: %s", it->name,
				  engine_error_message(resp));
		break;
	}
	if (!rc) {
		warnings(j, resp);
		j->s->created_id = xstrdup(it->id);
	}
	json_decref(resp);
	return rc;
}

/* "secret 'x' is in use by the following service: y", "network n has active endpoints" */
static int in_use(const json_t *resp)
{
	const char *m = engine_error_message(resp);
	return m && (strstr(m, " in use ") || strstr(m, "has active endpoints"));
}

static int apply_removal(struct job *j, struct plan_item *it)
{
	static const char *const endpoints[] = { "networks", "secrets", "configs", "services" };
	const char *kind = stack_kind_name(it->kind);
	if (it->after_converge)
		say(j, "Removing %s %s (%s)", kind, it->name, it->reason);
	else
		say(j, "Removing %s %s", kind, it->name);
	char *path = xstrfmt("/%s/%s", endpoints[it->kind], it->id);
	char what[32];
	snprintf(what, sizeof(what), "remove %s", kind);
	int status = 0;
	json_t *resp = NULL;
	int rc = write_req(j, "DELETE", path, NULL, NULL, what, it->name, &resp, &status);
	/* the tasks of services removed a moment ago still hold their networks */
	for (long delay = 100, waited = 0; rc && status && it->kind == KIND_NETWORK && in_use(resp) &&
					    waited < NETWORK_IN_USE_TIMEOUT_MS && !stop_requested(j->a);
	     waited += delay, delay = delay * 2 > 1000 ? 1000 : delay * 2) {
		sleep_ms(delay);
		json_decref(resp);
		resp = NULL;
		rc = write_req(j, "DELETE", path, NULL, NULL, what, it->name, &resp, &status);
	}
	if (rc && status && it->kind != KIND_SERVICE && in_use(resp)) {
		/* still used by something outside this stack: leave it */
		sb_printf(&j->s->warn, "stackc: %s %s not removed: %s\n", kind, it->name, engine_error_message(resp));
		rc = 0;
	} else if (rc && status) {
		sb_printf(&j->s->err, "failed to %s %s: Error response from daemon: %s", what, it->name,
			  engine_error_message(resp));
	}
	json_decref(resp);
	free(path);
	return rc;
}

static int apply_item(struct job *j)
{
	struct plan_item *it = j->s->it;
	if (it->action == PLAN_REMOVE)
		return apply_removal(j, it);
	if (it->kind == KIND_NETWORK)
		return apply_network(j, it);
	if (it->kind == KIND_SERVICE)
		return apply_service(j, it);
	return apply_file_object(j, it);
}

/* ---- the scheduler: a phase's slots over up to a->parallel connections ---- */

/* Print the done slots that follow the printed ones, in the phase's order; under lock. */
static void flush_done(struct applier *a)
{
	for (; a->printed < a->nslots && a->slots[a->printed].done; a->printed++) {
		struct slot *s = &a->slots[a->printed];
		if (s->out.len) {
			fwrite(s->out.buf, 1, s->out.len, a->out);
			fflush(a->out);
		}
		if (s->warn.len)
			fwrite(s->warn.buf, 1, s->warn.len, stderr);
	}
}

static int slot_writes(const struct slot *s)
{
	return s->it->action != PLAN_UNCHANGED;
}

/* The next slot to run, or NULL once every slot started, one failed, or stop() said so. */
static struct slot *take_slot(struct applier *a)
{
	struct slot *s = NULL;
	pthread_mutex_lock(&a->lock);
	if (a->next < a->nslots && !a->failed) {
		s = &a->slots[a->next];
		if (slot_writes(s) && !a->interrupted && a->stop && a->stop(a->stop_ctx))
			a->interrupted = 1;
		if (slot_writes(s) && a->interrupted)
			s = NULL;
		else
			a->next++, s->started = 1;
	}
	pthread_mutex_unlock(&a->lock);
	return s;
}

struct worker {
	struct applier *a;
	struct engine *e;
	pthread_t thread;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct applier *a = w->a;
	struct slot *s;
	while ((s = take_slot(a))) {
		struct job j = { a, w->e, s };
		s->rc = apply_item(&j);
		if (!s->rc)
			s->it->applied = slot_writes(s);
		pthread_mutex_lock(&a->lock);
		s->done = 1;
		a->failed |= s->rc != 0;
		flush_done(a);
		pthread_mutex_unlock(&a->lock);
	}
	return NULL;
}

/* Connections for n workers: siblings of the caller's, opened once; fewer when they cannot be. */
static size_t open_engines(struct applier *a, size_t n)
{
	while (a->nengines < n) {
		struct sbuf why = SBUF_INIT;
		struct engine *e;
		int rc = engine_open_sibling(&e, a->engines[0], &why);
		sbuf_release(&why); /* no clone (ssh://): the writes go one at a time */
		if (rc)
			break;
		a->engines[a->nengines++] = e;
	}
	return n < a->nengines ? n : a->nengines;
}

/*
 * Run the slots: the caller's thread is worker 0, the others are threads
 * with signals blocked (SIGINT reaches the caller's thread; its handler only
 * raises the flag stop() reads). 0, or the rc of the first failed slot in
 * order, its message in *err.
 */
static int run_phase(struct applier *a, struct sbuf *err)
{
	size_t writes = 0;
	for (size_t i = 0; i < a->nslots; i++)
		writes += slot_writes(&a->slots[i]);
	size_t n = open_engines(a, writes < a->parallel ? (writes ? writes : 1) : a->parallel);
	struct worker *w = xcalloc(n, sizeof(*w));
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	size_t started = 1;
	for (size_t k = 0; k < n; k++)
		w[k] = (struct worker){ a, a->engines[k], 0 };
	for (; started < n; started++)
		if (pthread_create(&w[started].thread, NULL, work, &w[started]))
			break; /* fewer workers */
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	work(&w[0]);
	for (size_t k = 1; k < started; k++)
		pthread_join(w[k].thread, NULL);
	free(w);
	flush_done(a);
	for (size_t i = 0; i < a->nslots; i++)
		if (a->slots[i].done && a->slots[i].rc) {
			sb_put(err, a->slots[i].err.buf, a->slots[i].err.len);
			return a->slots[i].rc;
		}
	return a->interrupted ? -1 : 0;
}

/* The passes, in order: see apply.h. */
static int service_removal(const struct plan_item *it)
{
	return it->action == PLAN_REMOVE && it->kind == KIND_SERVICE && !it->after_converge;
}
static int network_write(const struct plan_item *it)
{
	return it->kind == KIND_NETWORK && it->action != PLAN_REMOVE;
}
static int secret_write(const struct plan_item *it)
{
	return it->kind == KIND_SECRET && it->action != PLAN_REMOVE;
}
static int config_write(const struct plan_item *it)
{
	return it->kind == KIND_CONFIG && it->action != PLAN_REMOVE;
}
static int service_write(const struct plan_item *it)
{
	return it->kind == KIND_SERVICE && it->action != PLAN_REMOVE;
}
static int pruned_object(const struct plan_item *it)
{
	return it->action == PLAN_REMOVE && it->kind != KIND_SERVICE && !it->after_converge;
}
static int later_removal(const struct plan_item *it)
{
	return it->action == PLAN_REMOVE && it->after_converge;
}

typedef int (*pass_fn)(const struct plan_item *);

/* A phase: passes whose writes do not depend on each other, run together. */
struct phase {
	pass_fn passes[3];
};

static const struct phase phases[] = {
	{ { service_removal } },
	{ { network_write, secret_write, config_write } },
	{ { service_write } },
	{ { pruned_object } },
};

static void slots_release(struct applier *a)
{
	for (size_t i = 0; i < a->nslots; i++) {
		sbuf_release(&a->slots[i].out);
		sbuf_release(&a->slots[i].warn);
		sbuf_release(&a->slots[i].err);
		free(a->slots[i].auth);
		free(a->slots[i].created_id);
	}
	free(a->slots);
	a->slots = NULL;
	a->nslots = a->next = a->printed = 0;
}

/* The slots of a phase: its passes' items, each pass in plan order. */
static void slots_make(struct applier *a, const struct phase *ph)
{
	size_t alloc = 0;
	for (size_t k = 0; k < ARRAY_SIZE(ph->passes) && ph->passes[k]; k++)
		for (size_t i = 0; i < a->plan->n; i++)
			if (ph->passes[k](&a->plan->items[i])) {
				ALLOC_GROW(a->slots, a->nslots + 1, alloc);
				a->slots[a->nslots++] = (struct slot){ .it = &a->plan->items[i],
								       .out = SBUF_INIT,
								       .warn = SBUF_INIT,
								       .err = SBUF_INIT };
			}
}

/* After a phase, in the caller's thread: the IDs created, the services to wait for. */
static void phase_results(struct applier *a, struct apply_changed *changed)
{
	for (size_t i = 0; i < a->nslots; i++) {
		struct slot *s = &a->slots[i];
		if (!s->done || s->rc || !s->created_id)
			continue;
		if (s->it->kind == KIND_SERVICE && changed)
			note_changed(changed, s->created_id, s->it->name);
		else if (s->it->kind == KIND_SECRET || s->it->kind == KIND_CONFIG)
			json_object_set_new(a->ids[s->it->kind], plan_item_ref(s->it), json_string(s->created_id));
	}
}

static void applier_init(struct applier *a, struct plan *p, struct engine *e, const struct plan_opts *opts,
			 const struct apply_opts *ao)
{
	memset(a, 0, sizeof(*a));
	a->plan = p;
	a->opts = opts;
	a->quiet = ao->quiet;
	a->out = ao->out;
	a->stop = ao->stop;
	a->stop_ctx = ao->stop_ctx;
	a->parallel = ao->parallel > 1 ? (size_t)ao->parallel : 1;
	a->engines = xcalloc(a->parallel, sizeof(*a->engines));
	a->engines[0] = e;
	a->nengines = 1;
	pthread_mutex_init(&a->lock, NULL);
	pthread_mutex_init(&a->net_lock, NULL);
	a->recreated = json_object();
	for (int k = 0; k < DEPLOYED_KINDS; k++)
		a->ids[k] = json_object();
}

static int applier_finish(struct applier *a, int rc)
{
	for (size_t k = 1; k < a->nengines; k++)
		engine_free(a->engines[k]);
	free(a->engines);
	for (int k = 0; k < DEPLOYED_KINDS; k++)
		json_decref(a->ids[k]);
	json_decref(a->recreated);
	pthread_mutex_destroy(&a->lock);
	pthread_mutex_destroy(&a->net_lock);
	return a->interrupted ? APPLY_INTERRUPTED : rc;
}

static int run_phases(struct applier *a, const struct phase *ph, size_t n, struct apply_changed *changed,
		      struct sbuf *err)
{
	int rc = 0;
	for (size_t k = 0; !rc && k < n; k++) {
		slots_make(a, &ph[k]);
		if (ph[k].passes[0] == service_write)
			for (size_t i = 0; i < a->nslots; i++)
				prepare_service(a, &a->slots[i]);
		rc = run_phase(a, err);
		phase_results(a, changed);
		slots_release(a);
	}
	return rc;
}

int apply_plan(struct apply_changed *changed, struct plan *p, struct engine *e, const struct plan_opts *opts,
	       const struct apply_opts *ao, struct sbuf *err)
{
	memset(changed, 0, sizeof(*changed));
	struct applier a;
	applier_init(&a, p, e, opts, ao);
	for (size_t i = 0; i < p->n; i++)
		if (p->items[i].id && p->items[i].action != PLAN_REMOVE)
			json_object_set_new(a.ids[p->items[i].kind], plan_item_ref(&p->items[i]),
					    json_string(p->items[i].id));
	/* references to external secrets/configs: already bound at plan time */
	int rc = run_phases(&a, phases, ARRAY_SIZE(phases), changed, err);
	return applier_finish(&a, rc);
}

int apply_after_converge(struct plan *p, struct engine *e, const struct apply_opts *ao, struct sbuf *err)
{
	static const struct phase later[] = { { { later_removal } } };
	static const struct plan_opts none;
	struct applier a;
	applier_init(&a, p, e, &none, ao);
	int rc = run_phases(&a, later, 1, NULL, err);
	return applier_finish(&a, rc);
}

static void print_items(const struct plan *p, int applied, FILE *out)
{
	static const char sign[] = { '+', '~', ' ', '-' };
	int (*const order[])(const struct plan_item *) = {
		service_removal, network_write, secret_write, config_write, service_write, pruned_object, later_removal,
	};
	for (size_t k = 0; k < ARRAY_SIZE(order); k++)
		for (size_t i = 0; i < p->n; i++) {
			const struct plan_item *it = &p->items[i];
			if (!order[k](it) || it->action == PLAN_UNCHANGED || it->applied != applied)
				continue;
			fprintf(out, "  %c %s %s", sign[it->action], stack_kind_name(it->kind), it->name);
			if (it->rotate)
				fprintf(out, " (new generation %s)", it->ref_name);
			else if (it->after_converge)
				fprintf(out, " (%s)", it->reason);
			fputc('\n', out);
		}
}

void apply_print_progress(const struct plan *p, FILE *out)
{
	size_t done = 0, total = 0;
	for (size_t i = 0; i < p->n; i++) {
		total += p->items[i].action != PLAN_UNCHANGED;
		done += p->items[i].applied;
	}
	fprintf(out, "applied (%zu of %zu):\n", done, total);
	print_items(p, 1, out);
	fprintf(out, "not applied (%zu):\n", total - done);
	print_items(p, 0, out);
}

void apply_changed_release(struct apply_changed *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->ids[i]);
	free(c->ids);
	free((void *)c->names);
	memset(c, 0, sizeof(*c));
}
