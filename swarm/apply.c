/* Apply a plan; see apply.h. */
#include "swarm/apply.h"

#include "base/sbuf.h"
#include "base/xalloc.h"
#include "swarm/convert.h"
#include "swarm/engine.h"
#include "swarm/plan.h"
#include "swarm/regauth.h"
#include "swarm/stack.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct applier {
	struct plan *plan;
	struct engine *e;
	const struct plan_opts *opts;
	int quiet;
	FILE *out;
	struct sbuf *err;
	json_t *ids[DEPLOYED_KINDS]; /* per kind: name → ID of what exists after this apply */
	int (*stop)(void *ctx);
	void *stop_ctx;
	int interrupted;             /* a write was not sent because stop() said so */
};

static int stop_requested(struct applier *a)
{
	if (!a->interrupted && a->stop && a->stop(a->stop_ctx))
		a->interrupted = 1;
	return a->interrupted;
}

__attribute__((format(printf, 2, 3)))
static void say(struct applier *a, const char *fmt, ...)
{
	if (a->quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	vfprintf(a->out, fmt, ap);
	va_end(ap);
	fputc('\n', a->out);
	fflush(a->out);
}

/* One write; a non-2xx reply becomes "failed to <what> <name>: <message>". */
static int write_req(struct applier *a, const char *method, const char *path, const json_t *body,
		     const char *auth, const char *what, const char *name, json_t **resp, int *status_out)
{
	int status = 0;
	json_t *r = NULL;
	if (stop_requested(a))
		return -1;
	if (engine_request(a->e, method, path, body, auth, &status, &r, a->err)) {
		json_decref(r);
		return -1;
	}
	if (status_out)
		*status_out = status;
	if (status < 200 || status > 299) {
		if (!status_out)
			sb_printf(a->err, "failed to %s %s: Error response from daemon: %s", what, name,
				  engine_error_message(r));
		if (resp)
			*resp = r;
		else
			json_decref(r);
		return -1;
	}
	if (resp)
		*resp = r;
	else
		json_decref(r);
	return 0;
}

static void warnings(const json_t *resp)
{
	size_t i;
	json_t *w;
	json_array_foreach(json_object_get(resp, "Warnings"), i, w)
		if (json_string_value(w))
			fprintf(stderr, "%s\n", json_string_value(w));
}

static const char *created_id(const json_t *resp)
{
	const char *id = json_string_value(json_object_get(resp, "ID"));
	return id ? id : json_string_value(json_object_get(resp, "Id"));
}

static int apply_network(struct applier *a, struct plan_item *it)
{
	if (it->action != PLAN_CREATE)
		return 0;
	say(a, "Creating network %s", it->name);
	json_t *resp = NULL;
	if (write_req(a, "POST", "/networks/create", it->body, NULL, "create network", it->name, &resp, NULL))
		return -1;
	json_decref(resp);
	return 0;
}

static int apply_file_object(struct applier *a, struct plan_item *it)
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
			say(a, "Creating %s %s (generation %d of %s: %s)", kind, ref, it->generation, it->name,
			    it->reason);
		else
			say(a, "Creating %s %s", kind, ref);
		char *path = xstrfmt("/%s/create", endpoint);
		snprintf(what, sizeof(what), "create %s", kind);
		rc = write_req(a, "POST", path, it->body, NULL, what, ref, &resp, NULL);
		free(path);
		if (!rc && created_id(resp))
			json_object_set_new(a->ids[it->kind], ref, json_string(created_id(resp)));
	} else {
		say(a, "Updating %s %s", kind, plan_item_ref(it));
		char *path = xstrfmt("/%s/%s/update?version=%lld", endpoint, it->id, it->version);
		snprintf(what, sizeof(what), "update %s", kind);
		rc = write_req(a, "POST", path, it->body, NULL, what, plan_item_ref(it), &resp, NULL);
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
 * moby#30942). Wait until it is gone, create it again; 1 when done.
 */
static int recreate_pending_network(struct applier *a, const json_t *resp)
{
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
	if (net) {
		char *path = xstrfmt("/networks/%s", name);
		long delay = 100;
		for (long waited = 0; waited < NETWORK_GONE_TIMEOUT_MS && !stop_requested(a); waited += delay) {
			int status = 0;
			json_t *r = NULL;
			if (engine_request(a->e, "GET", path, NULL, NULL, &status, &r, a->err))
				break;
			json_decref(r);
			if (status == 404) {
				say(a, "Creating network %s (it was being removed)", name);
				rc = !write_req(a, "POST", "/networks/create", net->want->spec, NULL, "create network",
						name, NULL, NULL);
				break;
			}
			sleep_ms(delay);
			delay = delay * 2 > 1000 ? 1000 : delay * 2;
		}
		free(path);
	}
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

static int apply_service(struct applier *a, struct plan_item *it, struct apply_changed *changed)
{
	if (it->action == PLAN_UNCHANGED) {
		say(a, "Service %s unchanged", it->name);
		return 0;
	}
	if (it->action == PLAN_REMOVE)
		return 0;
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
		sb_printf(a->err, "service %s: a secret or config it uses has no ID", it->name);
		return -1;
	}
	const char *image = json_string_value(
		json_object_get(json_object_get(json_object_get(it->body, "TaskTemplate"), "ContainerSpec"), "Image"));
	char *auth = a->opts->with_registry_auth && image ? regauth_header(image) : NULL;
	json_t *resp = NULL;
	int rc = 0;
	if (it->action == PLAN_CREATE) {
		say(a, "Creating service %s", it->name);
		int status = 0;
		rc = write_req(a, "POST", "/services/create", it->body, auth, "create service", it->name, &resp, &status);
		if (rc && status && recreate_pending_network(a, resp)) {
			json_decref(resp);
			resp = NULL;
			rc = write_req(a, "POST", "/services/create", it->body, auth, "create service", it->name, &resp,
				       &status);
		}
		if (rc && status)
			sb_printf(a->err, "failed to create service %s: Error response from daemon: %s", it->name,
				  engine_error_message(resp));
		if (!rc && created_id(resp))
			note_changed(changed, created_id(resp), it->name);
		json_decref(resp);
		free(auth);
		return rc;
	}
	say(a, "Updating service %s (id: %s)", it->name, it->id);
	for (int attempt = 0;; attempt++) {
		char *path = xstrfmt("/services/%s/update?version=%lld", it->id, it->version);
		int status = 0;
		resp = NULL;
		rc = write_req(a, "POST", path, it->body, auth, "update service", it->name, &resp, &status);
		free(path);
		if (!rc)
			break;
		if (status && attempt < APPLY_MAX_RETRIES && recreate_pending_network(a, resp)) {
			json_decref(resp);
			continue;
		}
		if (status && out_of_sequence(resp) && !it->want) {
			/* a saved plan: what was reviewed no longer holds (plan_file.h) */
			sb_printf(a->err, "failed to update service %s: it changed since the plan (update out of sequence)",
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
			rc = engine_request(a->e, "GET", get, NULL, NULL, &gs, &fresh, a->err);
			free(get);
			if (!rc && gs == 200 && !plan_refresh_service(it, fresh, a->opts)) {
				json_decref(fresh);
				continue;
			}
			if (!rc)
				sb_printf(a->err, "failed to update service %s: cannot read it again: %s", it->name,
					  engine_error_message(fresh));
			json_decref(fresh);
			rc = -1;
			break;
		}
		if (status)
			sb_printf(a->err, "failed to update service %s: Error response from daemon: %s", it->name,
				  engine_error_message(resp));
		break;
	}
	if (!rc) {
		warnings(resp);
		note_changed(changed, it->id, it->name);
	}
	json_decref(resp);
	free(auth);
	return rc;
}

/* "secret 'x' is in use by the following service: y", "network n has active endpoints" */
static int in_use(const json_t *resp)
{
	const char *m = engine_error_message(resp);
	return m && (strstr(m, " in use ") || strstr(m, "has active endpoints"));
}

static int apply_removal(struct applier *a, struct plan_item *it)
{
	static const char *const endpoints[] = { "networks", "secrets", "configs", "services" };
	const char *kind = stack_kind_name(it->kind);
	if (it->after_converge)
		say(a, "Removing %s %s (%s)", kind, it->name, it->reason);
	else
		say(a, "Removing %s %s", kind, it->name);
	char *path = xstrfmt("/%s/%s", endpoints[it->kind], it->id);
	char what[32];
	snprintf(what, sizeof(what), "remove %s", kind);
	int status = 0;
	json_t *resp = NULL;
	int rc = write_req(a, "DELETE", path, NULL, NULL, what, it->name, &resp, &status);
	/* the tasks of services removed a moment ago still hold their networks */
	for (long delay = 100, waited = 0; rc && status && it->kind == KIND_NETWORK && in_use(resp) &&
					    waited < NETWORK_IN_USE_TIMEOUT_MS && !stop_requested(a);
	     waited += delay, delay = delay * 2 > 1000 ? 1000 : delay * 2) {
		sleep_ms(delay);
		json_decref(resp);
		resp = NULL;
		rc = write_req(a, "DELETE", path, NULL, NULL, what, it->name, &resp, &status);
	}
	if (rc && status && it->kind != KIND_SERVICE && in_use(resp)) {
		/* still used by something outside this stack: leave it */
		fprintf(stderr, "stackc: %s %s not removed: %s\n", kind, it->name, engine_error_message(resp));
		rc = 0;
	} else if (rc && status) {
		sb_printf(a->err, "failed to %s %s: Error response from daemon: %s", what, it->name,
			  engine_error_message(resp));
	}
	json_decref(resp);
	free(path);
	return rc;
}

static int apply_item(struct applier *a, struct plan_item *it, struct apply_changed *changed)
{
	if (it->kind == KIND_NETWORK)
		return apply_network(a, it);
	if (it->kind == KIND_SERVICE)
		return apply_service(a, it, changed);
	return apply_file_object(a, it);
}

/* The writes of one pass: until the first failure or interruption. */
static int apply_pass(struct applier *a, struct apply_changed *changed, int (*in_pass)(const struct plan_item *))
{
	for (size_t i = 0; i < a->plan->n; i++) {
		struct plan_item *it = &a->plan->items[i];
		if (!in_pass(it))
			continue;
		int writes = it->action != PLAN_UNCHANGED;
		if (writes && stop_requested(a))
			return -1;
		int rc = it->action == PLAN_REMOVE ? apply_removal(a, it) : apply_item(a, it, changed);
		if (rc)
			return rc;
		it->applied = writes;
	}
	return 0;
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

static int (*const passes[])(const struct plan_item *) = {
	service_removal, network_write, secret_write, config_write, service_write, pruned_object,
};

int apply_plan(struct apply_changed *changed, struct plan *p, struct engine *e, const struct plan_opts *opts,
	       const struct apply_opts *ao, struct sbuf *err)
{
	memset(changed, 0, sizeof(*changed));
	struct applier a = { p, e, opts, ao->quiet, ao->out, err, { NULL }, ao->stop, ao->stop_ctx, 0 };
	for (int k = 0; k < DEPLOYED_KINDS; k++)
		a.ids[k] = json_object();
	for (size_t i = 0; i < p->n; i++)
		if (p->items[i].id && p->items[i].action != PLAN_REMOVE)
			json_object_set_new(a.ids[p->items[i].kind], plan_item_ref(&p->items[i]),
					    json_string(p->items[i].id));
	/* references to external secrets/configs: already bound at plan time */
	int rc = 0;
	for (size_t k = 0; !rc && k < ARRAY_SIZE(passes); k++)
		rc = apply_pass(&a, changed, passes[k]);
	for (int k = 0; k < DEPLOYED_KINDS; k++)
		json_decref(a.ids[k]);
	return a.interrupted ? APPLY_INTERRUPTED : rc;
}

int apply_after_converge(struct plan *p, struct engine *e, const struct apply_opts *ao, struct sbuf *err)
{
	struct applier a = { p, e, NULL, ao->quiet, ao->out, err, { NULL }, ao->stop, ao->stop_ctx, 0 };
	int rc = apply_pass(&a, NULL, later_removal);
	return a.interrupted ? APPLY_INTERRUPTED : rc;
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
