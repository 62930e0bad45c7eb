/* Preflight checks of a plan; see preflight.h for the contract. */
#include "swarm/preflight.h"
#include "swarm/plan_internal.h"

#include "base/sbuf.h"
#include "base/xalloc.h"
#include "swarm/engine.h"
#include "swarm/stack.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static json_t *spec_ports(const json_t *spec)
{
	return json_object_get(json_object_get(spec, "EndpointSpec"), "Ports");
}

static json_t *constraints(const json_t *spec)
{
	return json_object_get(json_object_get(json_object_get(spec, "TaskTemplate"), "Placement"), "Constraints");
}

int preflight_read(struct live_state *live, struct engine *e, const struct stack_spec *want, struct sbuf *err)
{
	int ports = 0, placed = 0;
	for (size_t i = 0; i < want->n[KIND_SERVICE]; i++) {
		ports |= json_array_size(spec_ports(want->v[KIND_SERVICE][i].spec)) > 0;
		placed |= json_array_size(constraints(want->v[KIND_SERVICE][i].spec)) > 0;
	}
	if (ports && engine_get(e, "/services", NULL, &live->others, err))
		return -1;
	if (placed && engine_get(e, "/nodes", NULL, &live->nodes, err))
		return -1;
	return 0;
}

/* ---- ports ---- */

static const char *str_or(const json_t *o, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s && *s ? s : dflt;
}

static int ingress(const json_t *port)
{
	return !strcmp(str_or(port, "PublishMode", "ingress"), "ingress");
}

/* The ingress port of a live service publishing port/proto, or NULL. */
static const json_t *published(const json_t *svc, json_int_t port, const char *proto)
{
	const json_t *ports = json_object_get(json_object_get(svc, "Endpoint"), "Ports");
	if (!json_array_size(ports))
		ports = spec_ports(json_object_get(svc, "Spec"));
	size_t i;
	json_t *p;
	json_array_foreach(ports, i, p)
		if (ingress(p) && json_integer_value(json_object_get(p, "PublishedPort")) == port &&
		    !strcmp(str_or(p, "Protocol", "tcp"), proto))
			return p;
	return NULL;
}

static void check_ports(struct plan_ctx *c, const struct stack_object *o)
{
	size_t i, k;
	json_t *p, *svc;
	json_array_foreach(spec_ports(o->spec), i, p) {
		json_int_t port = json_integer_value(json_object_get(p, "PublishedPort"));
		const char *proto = str_or(p, "Protocol", "tcp");
		if (!port || !ingress(p))
			continue;
		json_array_foreach(c->live->others, k, svc) {
			const char *name = live_name(svc);
			if (!name || plan_belongs(json_object_get(json_object_get(svc, "Spec"), "Labels"), c->want->stack) ||
			    !published(svc, port, proto))
				continue;
			plan_error(c, "service %s: published port %lld/%s is already used by service %s, outside stack %s",
				   o->key, (long long)port, proto, name, c->want->stack);
		}
	}
}

/* ---- placement constraints ---- */

static const char *node_value(const json_t *node, const char *key)
{
	static const struct {
		const char *key, *k1, *k2, *k3;
	} fields[] = {
		{ "node.id", "ID", NULL, NULL },
		{ "node.hostname", "Description", "Hostname", NULL },
		{ "node.role", "Spec", "Role", NULL },
		{ "node.platform.os", "Description", "Platform", "OS" },
		{ "node.platform.arch", "Description", "Platform", "Architecture" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		if (!strcmp(key, fields[i].key)) {
			const char *v = live_str(node, fields[i].k1, fields[i].k2, fields[i].k3);
			return v ? v : "";
		}
	return NULL;
}

/* s[0..len) without the blanks around it, lower-cased when fold; a heap string. */
static char *trimmed(const char *s, size_t len, int fold)
{
	while (len && isspace((unsigned char)*s))
		s++, len--;
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	char *out = xstrndup(s, len);
	for (char *p = out; fold && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

int preflight_constraint_matches(const json_t *node, const char *constraint)
{
	const char *op = strstr(constraint, "==");
	const char *ne = strstr(constraint, "!=");
	if (!op || (ne && ne < op))
		op = ne;
	if (!op)
		return -1;
	char *key = trimmed(constraint, (size_t)(op - constraint), 1);
	char *want = trimmed(op + 2, strlen(op + 2), 0);
	const char *have = node_value(node, key);
	if (!have && !strncmp(key, "node.labels.", 12))
		have = str_or(json_object_get(json_object_get(node, "Spec"), "Labels"), key + 12, "");
	if (!have && !strncmp(key, "engine.labels.", 14))
		have = str_or(json_object_get(json_object_get(json_object_get(node, "Description"), "Engine"), "Labels"),
			      key + 14, "");
	int rc = -1;
	if (have && *want)
		rc = !strcasecmp(have, want) == (op[0] == '=');
	free(key);
	free(want);
	return rc;
}

static void check_placement(struct plan_ctx *c, const struct stack_object *o)
{
	const json_t *list = constraints(o->spec);
	if (!json_array_size(list) || !c->live->nodes)
		return;
	size_t n, i;
	json_t *node, *con;
	json_array_foreach(c->live->nodes, n, node) {
		int all = 1;
		json_array_foreach(list, i, con)
			all &= preflight_constraint_matches(node, json_string_value(con) ? json_string_value(con) : "") != 0;
		if (all)
			return;
	}
	/* name the constraints no node meets alone, else all of them */
	struct sbuf which = SBUF_INIT;
	json_array_foreach(list, i, con) {
		int any = 0;
		json_array_foreach(c->live->nodes, n, node)
			any |= preflight_constraint_matches(node, json_string_value(con) ? json_string_value(con) : "") != 0;
		if (!any)
			sb_printf(&which, "%s%s", which.len ? ", " : "", json_string_value(con));
	}
	if (which.len)
		plan_error(c, "service %s: no node of the swarm (%zu) satisfies the placement constraint%s %s", o->key,
			   json_array_size(c->live->nodes), strchr(which.buf, ',') ? "s" : "", which.buf);
	else
		plan_error(c, "service %s: no node of the swarm (%zu) satisfies all of its placement constraints together",
			   o->key, json_array_size(c->live->nodes));
	sbuf_release(&which);
}

void plan_preflight(struct plan_ctx *c)
{
	for (size_t i = 0; i < c->want->n[KIND_SERVICE]; i++) {
		check_ports(c, &c->want->v[KIND_SERVICE][i]);
		check_placement(c, &c->want->v[KIND_SERVICE][i]);
	}
}
