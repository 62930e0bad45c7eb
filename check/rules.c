/*
 * Swarm rules over the merged, normalized tree. One pass over the services;
 * top-level names are sorted once and searched, published ports are
 * collected and sorted, so the work stays n log n in the project's size.
 */
#include "check/rules.h"
#include "check/format.h"
#include "check/validate.h"
#include "base/arena.h"
#include "base/diag.h"
#include "base/path.h"
#include "base/node.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "compose/units.h"
#include "base/xalloc.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* the Engine refuses container memory limits below this (linuxMinMemory) */
#define MIN_MEMORY_LIMIT (6 * 1024 * 1024)

struct names {
	const char **v;
	size_t n;
};

struct port_use {
	unsigned long published;
	int ingress;
	const char *proto;
	const char *service;
	size_t service_index, seq;
	size_t index; /* in the service's ports */
	const struct node *node;
};

struct rctx {
	struct run *run;
	int deploy;
	int failed;
	const struct rules_gaps *gaps; /* NULL when there are none */
	struct path_steps steps; /* where we are; spelled out into path for a message */
	struct sbuf path;
	struct names networks, volumes, secrets, configs;
	struct port_use *ports;
	size_t nports, ports_alloc;
};

/* ---- gaps (values taken out before the rules) ---- */

void rules_gaps_add(struct rules_gaps *g, const struct path_steps *at)
{
	size_t n = 0;
	while (n < at->n && at->v[n].key)
		n++;
	ALLOC_GROW(g->v, g->n + 1, g->alloc);
	struct rules_gap *gap = &g->v[g->n++];
	gap->keys = xmalloc((n ? n : 1) * sizeof(*gap->keys));
	for (size_t i = 0; i < n; i++)
		gap->keys[i] = at->v[i].key;
	gap->n = n;
}

void rules_gaps_release(struct rules_gaps *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->v[i].keys);
	free(g->v);
	memset(g, 0, sizeof(*g));
}

/*
 * A gap at or above the path steps[0..n), or with below, also one under
 * it. Gaps are few (each has an error of its own): a scan will do, and it
 * only runs where a rule is about to conclude something.
 */
static int gap_at(const struct rctx *c, const struct path_step *steps, size_t n, int below)
{
	for (size_t i = 0; c->gaps && i < c->gaps->n; i++) {
		const struct rules_gap *gap = &c->gaps->v[i];
		if (gap->n > n && !below)
			continue;
		size_t m = gap->n < n ? gap->n : n, k = 0;
		while (k < m && steps[k].key && !strcmp(steps[k].key, gap->keys[k]))
			k++;
		if (k == m)
			return 1;
	}
	return 0;
}

/* A gap at or above the walk's path plus key (key NULL: the path itself). */
static int gap_here(struct rctx *c, const char *key)
{
	if (!c->gaps)
		return 0;
	size_t mark = c->steps.n;
	if (key)
		path_steps_key(&c->steps, key);
	int r = gap_at(c, c->steps.v, c->steps.n, 0);
	path_steps_pop(&c->steps, mark);
	return r;
}

/* A gap at or above a top-level declaration (below too: any part of it). */
static int gap_declared(const struct rctx *c, const char *section, const char *name, int below)
{
	const struct path_step at[2] = { { section, 0 }, { name, 0 } };
	return c->gaps && gap_at(c, at, 2, below);
}

__attribute__((format(printf, 5, 6)))
static void report(struct rctx *c, enum diag_severity sev, const char *rule, struct pos pos,
		   const char *fmt, ...)
{
	if (gap_here(c, NULL))
		return; /* the value here depends on one taken out */
	char *msg;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		die("out of memory");
	va_end(ap);
	diag_add(&c->run->diag, sev, rule, pos, path_steps_spell(&c->path, &c->steps), "%s", msg);
	free(msg);
	if (sev == DIAG_ERROR)
		c->failed = 1;
}

/* A user value for a message, in the run's arena. */
static const char *repr(struct rctx *c, const char *s)
{
	return diag_repr(&c->run->diag, s, strlen(s));
}

/* A path for a message: quoted like repr(), but never cut. */
static const char *repr_path(struct rctx *c, const char *s)
{
	return diag_repr_all(&c->run->diag, s, strlen(s));
}

/* The walk's path: push a step (returning the mark to pop back to). */
static size_t push(struct rctx *c, const char *key)
{
	return path_steps_key(&c->steps, key);
}

static size_t push_index(struct rctx *c, size_t i)
{
	return path_steps_index(&c->steps, i);
}

static void pop(struct rctx *c, size_t mark)
{
	path_steps_pop(&c->steps, mark);
}

static const struct node *get(const struct node *map, const char *key)
{
	return map && map->kind == NODE_MAP ? node_map_get(map, key) : NULL;
}

/*
 * The values of several keys of map (NULL when absent or map is not a
 * mapping) in one pass over it, instead of one pass per key.
 */
static void get_keys(const struct node **out, const struct node *map, const char *const *keys,
		     size_t n)
{
	uint32_t firsts = 0; /* the wanted keys' first bytes, mod 32: most keys are skipped at once */
	for (size_t k = 0; k < n; k++) {
		out[k] = NULL;
		firsts |= 1u << (keys[k][0] & 31);
	}
	if (!map || map->kind != NODE_MAP)
		return;
	for (size_t i = 0; i < map->map.n; i++) {
		const char *key = map->map.v[i].key;
		if (!(firsts >> (key[0] & 31) & 1))
			continue;
		for (size_t k = 0; k < n; k++)
			if (key[0] == keys[k][0] && !out[k] && !strcmp(key, keys[k])) {
				out[k] = map->map.v[i].val;
				break;
			}
	}
}

/* external: true, or the old external: {name: x} */
static int is_external(const struct node *obj)
{
	const struct node *e = get(obj, "external");
	return e && ((e->kind == NODE_BOOL && e->s.v.b) || e->kind == NODE_MAP);
}

/* ---- top-level names ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void names_init(struct names *n, const struct node *map)
{
	n->n = 0;
	n->v = NULL;
	if (!map || map->kind != NODE_MAP || !map->map.n)
		return;
	n->v = xmalloc(map->map.n * sizeof(*n->v));
	for (size_t i = 0; i < map->map.n; i++)
		n->v[n->n++] = map->map.v[i].key;
	qsort(n->v, n->n, sizeof(*n->v), cmp_str);
}

static int names_has(const struct names *n, const char *name)
{
	return n->n && bsearch(&name, n->v, n->n, sizeof(*n->v), cmp_str) != NULL;
}

static void undefined(struct rctx *c, const struct node *ref, const char *what, const char *rule,
		      const struct names *defined, const char *section)
{
	const char *name = node_str(ref);
	if (!name || names_has(defined, name) || gap_declared(c, section, name, 0))
		return;
	report(c, DIAG_ERROR, rule, ref->pos, "undefined %s %s (declare it under the top-level %ss)",
	       what, repr(c, name), what);
}

/* ---- deploy ---- */

static int is_global(const char *mode)
{
	return mode && (!strcmp(mode, "global") || !strcmp(mode, "global-job"));
}

static void check_mode(struct rctx *c, const struct node *mode, const struct node *replicas,
		       const struct node *placement)
{
	const char *m = node_str(mode);
	static const char *const modes[] = { "replicated", "global", "replicated-job", "global-job" };
	if (m) {
		size_t i = 0;
		while (i < ARRAY_SIZE(modes) && strcmp(m, modes[i]))
			i++;
		if (i == ARRAY_SIZE(modes)) {
			size_t mark = push(c, "mode");
			report(c, DIAG_ERROR, "swarm.deploy-mode", mode->pos,
			       "unknown mode %s (expected replicated, global, replicated-job or global-job)",
			       repr(c, m));
			pop(c, mark);
		}
	}
	if (!is_global(m) || gap_here(c, "mode"))
		return;
	if (replicas) {
		size_t mark = push(c, "replicas");
		report(c, DIAG_ERROR, "swarm.replicas-global", replicas->pos,
		       "replicas cannot be used with mode %s (a global service runs one task per node)", m);
		pop(c, mark);
	}
	const struct node *max = get(placement, "max_replicas_per_node");
	if (max) {
		size_t mark = push(c, "placement");
		push(c, "max_replicas_per_node");
		report(c, DIAG_ERROR, "swarm.max-replicas-global", max->pos,
		       "max_replicas_per_node cannot be used with mode %s (only with replicated modes)", m);
		pop(c, mark);
	}
}

static int key_char(char ch, int first)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' ||
	       (!first && ((ch >= '0' && ch <= '9') || ch == '-' || ch == '.'));
}

static int value_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       strchr(":-_ \t\n\v\f\r.*()?+[]\\^$|/", ch) != NULL;
}

/* Go's unicode.IsSpace for ASCII (strings.TrimSpace) */
static int is_space(char ch)
{
	return ch == ' ' || (ch >= '\t' && ch <= '\r');
}

static int has_prefix_ci(const char *s, size_t n, const char *prefix)
{
	size_t l = strlen(prefix);
	return n > l && !strncasecmp(s, prefix, l);
}

static int is_ip_or_cidr(const char *v)
{
	char buf[64];
	unsigned char addr[16];
	const char *slash = strchr(v, '/');
	size_t n = slash ? (size_t)(slash - v) : strlen(v);
	if (n >= sizeof(buf))
		return 0;
	memcpy(buf, v, n);
	buf[n] = '\0';
	int v4 = inet_pton(AF_INET, buf, addr) == 1, v6 = !v4 && inet_pton(AF_INET6, buf, addr) == 1;
	if (!v4 && !v6)
		return 0;
	if (!slash)
		return 1;
	char *end;
	long bits = strtol(slash + 1, &end, 10);
	return slash[1] >= '0' && slash[1] <= '9' && !*end && bits <= (v4 ? 32 : 128);
}

/* swarmkit's constraint.Parse plus the keys its node filter knows. */
static void check_constraint(struct rctx *c, const struct node *n)
{
	const char *s = node_str(n);
	if (!s)
		return;
	const char *op = strstr(s, "==");
	if (!op)
		op = strstr(s, "!=");
	if (!op) {
		report(c, DIAG_ERROR, "swarm.constraint", n->pos,
		       "constraint %s has no operator (expected key==value or key!=value)", repr(c, s));
		return;
	}
	const char *k = s, *ke = op, *v = op + 2, *ve = s + strlen(s);
	while (k < ke && is_space(*k))
		k++;
	while (ke > k && is_space(ke[-1]))
		ke--;
	while (v < ve && is_space(*v))
		v++;
	while (ve > v && is_space(ve[-1]))
		ve--;
	size_t kl = (size_t)(ke - k), vl = (size_t)(ve - v);
	int ok = kl >= 2;
	for (size_t i = 0; ok && i < kl; i++)
		ok = key_char(k[i], i == 0);
	if (!ok) {
		report(c, DIAG_ERROR, "swarm.constraint", n->pos,
		       "invalid constraint key %s (letters, digits, \".\", \"-\" and \"_\")",
		       diag_repr(&c->run->diag, k, kl));
		return;
	}
	ok = vl > 0;
	for (size_t i = 0; ok && i < vl; i++)
		ok = value_char(v[i]);
	if (!ok) {
		report(c, DIAG_ERROR, "swarm.constraint", n->pos,
		       "invalid constraint value %s (letters, digits, spaces and :-_.*()?+[]\\^$|/ only)",
		       diag_repr(&c->run->diag, v, vl));
		return;
	}
	static const char *const keys[] = { "node.id", "node.hostname", "node.ip", "node.role",
					    "node.platform.os", "node.platform.arch" };
	const char *known = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (strlen(keys[i]) == kl && !strncasecmp(k, keys[i], kl))
			known = keys[i];
	if (!known && !has_prefix_ci(k, kl, "node.labels.") && !has_prefix_ci(k, kl, "engine.labels.")) {
		report(c, DIAG_ERROR, "swarm.constraint", n->pos,
		       "unknown constraint key %s (expected node.id, node.hostname, node.ip, node.role, "
		       "node.platform.os, node.platform.arch, node.labels.<label> or engine.labels.<label>); "
		       "no node would ever match",
		       diag_repr(&c->run->diag, k, kl));
		return;
	}
	if (!known || (strcmp(known, "node.role") && strcmp(known, "node.ip")))
		return;
	char *val = xstrndup(v, vl);
	if (!strcmp(known, "node.role") && strcasecmp(val, "manager") && strcasecmp(val, "worker"))
		report(c, DIAG_ERROR, "swarm.constraint", n->pos,
		       "node.role is manager or worker, not %s", repr(c, val));
	if (!strcmp(known, "node.ip") && !is_ip_or_cidr(val))
		report(c, DIAG_ERROR, "swarm.constraint", n->pos,
		       "node.ip needs an IP address or a CIDR network, not %s", repr(c, val));
	free(val);
}

static void check_placement(struct rctx *c, const struct node *placement)
{
	const struct node *cons = get(placement, "constraints");
	if (!cons || cons->kind != NODE_SEQ)
		return;
	size_t mark = push(c, "placement");
	push(c, "constraints");
	for (size_t i = 0; i < cons->seq.n; i++) {
		size_t m2 = push_index(c, i);
		check_constraint(c, cons->seq.v[i]);
		pop(c, m2);
	}
	pop(c, mark);
}

/*
 * A byte count in plain digits, as normalize writes memory: what
 * units_ram_in_bytes gives for it, without its float parse. Short enough
 * that the float it parses through is exact. Returns -1 for anything else.
 */
static void check_resources(struct rctx *c, const struct node *resources)
{
	static const char *const kinds[] = { "limits", "reservations" };
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		const struct node *r = get(resources, kinds[k]);
		if (!r)
			continue;
		size_t mark = push(c, "resources");
		push(c, kinds[k]);
		const struct node *cpus = get(r, "cpus"), *mem = get(r, "memory");
		struct sbuf why = SBUF_INIT;
		int64_t v;
		if (node_str(cpus)) {
			size_t m2 = push(c, "cpus");
			if (format_cpus(&v, cpus->s.text, cpus->len, &why))
				report(c, DIAG_ERROR, "swarm.cpus", cpus->pos, "invalid cpus %s: %s",
				       repr(c, cpus->s.text), why.buf);
			else if (v <= 0)
				report(c, DIAG_ERROR, "swarm.cpus", cpus->pos,
				       "cpus must be greater than 0, got %s", repr(c, cpus->s.text));
			pop(c, m2);
		}
		sbuf_reset(&why);
		if (node_str(mem)) {
			size_t m2 = push(c, "memory");
			int bad = units_ram_in_bytes(mem->s.text, &v, &why) || v < 0;
			if (bad)
				report(c, DIAG_ERROR, "swarm.memory", mem->pos,
				       "invalid memory %s: %s (expected a byte count with an optional "
				       "unit b, k, m, g, t or p, such as 512M)",
				       repr(c, mem->s.text), why.len ? why.buf : "negative size");
			else if (k == 0 && v > 0 && v < MIN_MEMORY_LIMIT)
				report(c, DIAG_ERROR, "swarm.memory", mem->pos,
				       "memory limit %s is below the Engine's minimum of 6MiB (6291456 bytes)",
				       repr(c, mem->s.text));
			pop(c, m2);
		}
		sbuf_release(&why);
		pop(c, mark);
	}
}

static void check_update_config(struct rctx *c, const struct node *uc, const char *key)
{
	if (!uc || uc->kind != NODE_MAP)
		return;
	int rollback = !strcmp(key, "rollback_config");
	size_t mark = push(c, key), m2;
	const struct node *fa = get(uc, "failure_action"), *order = get(uc, "order");
	const struct node *ratio = get(uc, "max_failure_ratio");
	const char *s;
	if ((s = node_str(fa)) && strcmp(s, "pause") && strcmp(s, "continue") &&
	    (rollback || strcmp(s, "rollback"))) {
		m2 = push(c, "failure_action");
		report(c, DIAG_ERROR, "swarm.update-config", fa->pos,
		       "unknown failure_action %s (expected %s)", repr(c, s),
		       rollback ? "pause or continue" : "pause, continue or rollback");
		pop(c, m2);
	}
	if ((s = node_str(order)) && strcmp(s, "start-first") && strcmp(s, "stop-first")) {
		m2 = push(c, "order");
		report(c, DIAG_ERROR, "swarm.update-config", order->pos,
		       "unknown order %s (expected start-first or stop-first)", repr(c, s));
		pop(c, m2);
	}
	if (ratio && (ratio->kind == NODE_INT || ratio->kind == NODE_FLOAT)) {
		double r = ratio->kind == NODE_INT ? (double)ratio->s.v.i : ratio->s.v.f;
		if (!(r >= 0 && r <= 1)) {
			m2 = push(c, "max_failure_ratio");
			report(c, DIAG_ERROR, "swarm.update-config", ratio->pos,
			       "max_failure_ratio must be between 0 and 1, got %s", ratio->s.text);
			pop(c, m2);
		}
	}
	static const char *const durations[] = { "delay", "monitor" };
	for (size_t i = 0; i < ARRAY_SIZE(durations); i++) {
		const struct node *d = get(uc, durations[i]);
		int64_t ns;
		/* only a leading '-' makes a duration negative: the rest need no parse */
		if (node_str(d) && d->s.text[0] == '-' && !units_parse_duration(d->s.text, &ns) &&
		    ns < 0) {
			m2 = push(c, durations[i]);
			report(c, DIAG_ERROR, "swarm.update-config", d->pos,
			       "%s must not be negative, got %s", durations[i], repr(c, d->s.text));
			pop(c, m2);
		}
	}
	pop(c, mark);
}

static void check_restart(struct rctx *c, const struct node *rp)
{
	const struct node *cond = get(rp, "condition");
	const char *s = node_str(cond);
	if (!s || !strcmp(s, "none") || !strcmp(s, "on-failure") || !strcmp(s, "any"))
		return;
	size_t mark = push(c, "restart_policy");
	push(c, "condition");
	report(c, DIAG_ERROR, "swarm.restart-condition", cond->pos,
	       "unknown restart condition %s (expected none, on-failure or any)", repr(c, s));
	pop(c, mark);
}

/* ---- ports ---- */


static void check_ports(struct rctx *c, const char *svc, size_t svc_index, const struct node *ports,
			int dnsrr, const struct node *endpoint_mode)
{
	if (!ports || ports->kind != NODE_SEQ || gap_here(c, "ports"))
		return;
	size_t mark = push(c, "ports");
	for (size_t i = 0; i < ports->seq.n; i++) {
		const struct node *p = ports->seq.v[i];
		if (p->kind != NODE_MAP)
			continue;
		size_t m2 = push_index(c, i);
		static const char *const keys[] = { "mode", "protocol", "published" };
		const struct node *v[3];
		get_keys(v, p, keys, 3);
		const struct node *mode = v[0], *proto = v[1], *published = v[2];
		int ingress = !node_str(mode) || !strcmp(node_str(mode), "ingress");
		const char *s;
		if ((s = node_str(mode)) && strcmp(s, "ingress") && strcmp(s, "host"))
			report(c, DIAG_ERROR, "swarm.port-spec", mode->pos,
			       "unknown port mode %s (expected ingress or host)", repr(c, s));
		if ((s = node_str(proto)) && strcmp(s, "tcp") && strcmp(s, "udp") && strcmp(s, "sctp"))
			report(c, DIAG_ERROR, "swarm.port-spec", proto->pos,
			       "unknown protocol %s (expected tcp, udp or sctp)", repr(c, s));
		if (published && published->kind == NODE_INT && published->s.v.i > 0) {
			if (dnsrr && ingress) {
				report(c, DIAG_ERROR, "swarm.dnsrr-ingress", published->pos,
				       "a port published in ingress mode cannot be used with endpoint_mode "
				       "dnsrr (publish it with mode: host, or use endpoint_mode vip)");
				diag_note(&c->run->diag, endpoint_mode->pos, "endpoint_mode set here");
			}
			ALLOC_GROW(c->ports, c->nports + 1, c->ports_alloc);
			struct port_use *u = &c->ports[c->nports];
			u->published = (unsigned long)published->s.v.i;
			u->ingress = ingress;
			u->proto = node_str(proto) ? node_str(proto) : "tcp";
			u->service = svc;
			u->service_index = svc_index;
			u->seq = c->nports;
			u->index = i;
			u->node = published;
			c->nports++;
		}
		pop(c, m2);
	}
	pop(c, mark);
}

/* by port, then source position: the first use in the files is the one kept */
static int cmp_port(const void *pa, const void *pb)
{
	const struct port_use *a = pa, *b = pb;
	if (a->published != b->published)
		return a->published < b->published ? -1 : 1;
	int r = strcmp(a->proto, b->proto);
	if (r)
		return r;
	const struct pos *x = &a->node->pos, *y = &b->node->pos;
	if (x->src != y->src)
		return x->src < y->src ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Ingress ports are published on every node: one per port cluster-wide. Two
 * host-mode uses collide only within one service (its tasks may share a node). */
static void check_port_conflicts(struct rctx *c)
{
	if (!c->nports)
		return;
	qsort(c->ports, c->nports, sizeof(*c->ports), cmp_port);
	for (size_t start = 0; start < c->nports;) {
		size_t end = start + 1;
		while (end < c->nports && c->ports[end].published == c->ports[start].published &&
		       !strcmp(c->ports[end].proto, c->ports[start].proto))
			end++;
		for (size_t i = start + 1; i < end; i++) {
			const struct port_use *u = &c->ports[i], *other = NULL;
			for (size_t j = start; j < i && !other; j++)
				if (u->ingress || c->ports[j].ingress ||
				    u->service_index == c->ports[j].service_index)
					other = &c->ports[j];
			if (!other)
				continue;
			/* reported after the walk: the path is the port's, spelled out here */
			c->steps.n = 0;
			push(c, "services");
			push(c, u->service);
			push(c, "ports");
			push_index(c, u->index);
			path_steps_spell(&c->path, &c->steps);
			c->steps.n = 0;
			diag_add(&c->run->diag, DIAG_ERROR, "swarm.port-conflict", u->node->pos, c->path.buf,
				 "port %lu/%s is already published by %s%s", u->published, u->proto,
				 other->service_index == u->service_index ? "this service" : "service ",
				 other->service_index == u->service_index ? "" : repr(c, other->service));
			diag_note(&c->run->diag, other->node->pos, "published here");
			c->failed = 1;
		}
		start = end;
	}
}

/* ---- references ---- */

enum { S_IMAGE, S_DEPLOY, S_PORTS, S_NETWORKS, S_SECRETS, S_CONFIGS, S_VOLUMES, S_N };

/* v: the service's values by S_* */
static void check_refs(struct rctx *c, const struct node *const *v)
{
	const struct node *nets = v[S_NETWORKS];
	size_t mark;
	if (nets && nets->kind == NODE_MAP) {
		mark = push(c, "networks");
		for (size_t i = 0; i < nets->map.n; i++) {
			const struct node_entry *e = &nets->map.v[i];
			if (strcmp(e->key, "default") && !names_has(&c->networks, e->key) &&
			    !gap_declared(c, "networks", e->key, 0)) {
				size_t m2 = push(c, e->key);
				report(c, DIAG_ERROR, "swarm.undefined-network", e->keypos,
				       "undefined network %s (declare it under the top-level networks)",
				       repr(c, e->key));
				pop(c, m2);
			}
		}
		pop(c, mark);
	}
	static const struct {
		const char *key, *what, *rule;
	} lists[] = {
		{ "secrets", "secret", "swarm.undefined-secret" },
		{ "configs", "config", "swarm.undefined-config" },
	};
	const struct names *defined_lists[] = { &c->secrets, &c->configs };
	const struct node *values[] = { v[S_SECRETS], v[S_CONFIGS] };
	for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
		const struct node *refs = values[l];
		const struct names *defined = defined_lists[l];
		if (!refs || refs->kind != NODE_SEQ)
			continue;
		mark = push(c, lists[l].key);
		for (size_t i = 0; i < refs->seq.n; i++) {
			const struct node *r = refs->seq.v[i];
			size_t m2 = push_index(c, i);
			if (r->kind == NODE_MAP) {
				push(c, "source");
				r = get(r, "source");
			}
			if (r)
				undefined(c, r, lists[l].what, lists[l].rule, defined, lists[l].key);
			pop(c, m2);
		}
		pop(c, mark);
	}
	const struct node *vols = v[S_VOLUMES];
	if (vols && vols->kind == NODE_SEQ) {
		mark = push(c, "volumes");
		for (size_t i = 0; i < vols->seq.n; i++) {
			static const char *const keys[] = { "type", "source" };
			const struct node *vol[2];
			get_keys(vol, vols->seq.v[i], keys, 2);
			const char *type = node_str(vol[0]);
			const struct node *src = vol[1];
			if (!type || strcmp(type, "volume") || !node_str(src) || !src->len)
				continue;
			size_t m2 = push_index(c, i);
			push(c, "source");
			undefined(c, src, "volume", "swarm.undefined-volume", &c->volumes, "volumes");
			pop(c, m2);
		}
		pop(c, mark);
	}
}

/*
 * docker's image reference grammar (distribution/reference, as
 * ParseNormalizedNamed applies it): the repository must be lower case, then
 * [domain[:port]/]path[:tag][@digest].
 */
#define REF_ALNUM "[a-z0-9]+"
#define REF_SEP "(?:[._]|__|[-]+)"
#define REF_PATH REF_ALNUM "(?:" REF_SEP REF_ALNUM ")*"
#define REF_DOMAIN_PART "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
#define REF_HOST "(?:" REF_DOMAIN_PART "(?:\\." REF_DOMAIN_PART ")*|\\[[a-fA-F0-9:]+\\])"
#define REF_NAME "(?:" REF_HOST "(?::[0-9]+)?/)?" REF_PATH "(?:/" REF_PATH ")*"
#define REF_TAG "[\\w][\\w.-]{0,127}"
#define REF_DIGEST "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
static const char ref_pattern[] = "^" REF_NAME "(?::" REF_TAG ")?(?:@" REF_DIGEST ")?$";

/*
 * The same language as ref_pattern, decided by hand (pcre2 costs thousands
 * of instructions per reference); swarm_image_ref_selftest() compares them.
 * Each function checks that [p, e) is one production.
 */
static int ref_lower_alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

static int ref_alnum(char ch)
{
	return ref_lower_alnum(ch) || (ch >= 'A' && ch <= 'Z');
}

static int ref_word(char ch)
{
	return ref_alnum(ch) || ch == '_';
}

static int ref_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/* REF_PATH: lower-case alnum runs joined by ".", "_", "__" or any run of "-" */
static int ref_path_component(const char *p, const char *e)
{
	if (p == e || !ref_lower_alnum(*p) || !ref_lower_alnum(e[-1]))
		return 0;
	while (p < e) {
		while (p < e && ref_lower_alnum(*p))
			p++;
		if (p == e)
			break;
		const char *sep = p;
		while (p < e && !ref_lower_alnum(*p))
			p++;
		size_t n = (size_t)(p - sep);
		int ok = (n == 1 && (*sep == '.' || *sep == '_')) ||
			 (n == 2 && sep[0] == '_' && sep[1] == '_');
		for (size_t i = 0; !ok && i < n && sep[i] == '-'; i++)
			ok = i + 1 == n;
		if (!ok)
			return 0;
	}
	return 1;
}

/* REF_HOST, then an optional ":port" */
static int ref_host(const char *p, const char *e)
{
	const char *colon = NULL;
	if (p < e && *p == '[') {
		const char *q = p + 1;
		while (q < e && (ref_hex(*q) || *q == ':'))
			q++;
		if (q == p + 1 || q == e || *q != ']')
			return 0;
		colon = q + 1;
		if (colon != e && *colon != ':')
			return 0;
	} else {
		const char *q = p;
		while (q < e && *q != ':')
			q++;
		colon = q;
		/* dot-separated labels: alnum at both ends, "-" inside */
		for (const char *l = p; l <= colon; l++) {
			const char *le = l;
			while (le < colon && *le != '.')
				le++;
			if (le == l || !ref_alnum(*l) || !ref_alnum(le[-1]))
				return 0;
			for (const char *x = l; x < le; x++)
				if (!ref_alnum(*x) && *x != '-')
					return 0;
			l = le;
		}
	}
	if (colon == e)
		return 1;
	if (colon + 1 == e)
		return 0;
	for (const char *q = colon + 1; q < e; q++)
		if (!(*q >= '0' && *q <= '9'))
			return 0;
	return 1;
}

/* REF_TAG: a word character, then up to 127 of [\w.-] */
static int ref_tag(const char *p, const char *e)
{
	if (p == e || e - p > 128 || !ref_word(*p))
		return 0;
	for (p++; p < e; p++)
		if (!ref_word(*p) && *p != '.' && *p != '-')
			return 0;
	return 1;
}

/* REF_DIGEST: algorithm components joined by [-_+.], ':', 32 or more hex digits */
static int ref_digest(const char *p, const char *e)
{
	const char *colon = memchr(p, ':', (size_t)(e - p));
	if (!colon || e - colon - 1 < 32)
		return 0;
	for (const char *q = colon + 1; q < e; q++)
		if (!ref_hex(*q))
			return 0;
	for (const char *q = p; q < colon;) {
		if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')))
			return 0;
		for (q++; q < colon && ref_alnum(*q); q++)
			;
		if (q < colon && !strchr("-_+.", *q))
			return 0;
		if (q < colon)
			q++;
		if (q == colon && strchr("-_+.", q[-1]))
			return 0;
	}
	return colon > p;
}

static int image_ref_valid(const char *s)
{
	const char *end = s + strlen(s);
	const char *at = memchr(s, '@', (size_t)(end - s));
	if (at && !ref_digest(at + 1, end))
		return 0;
	const char *name_end = at ? at : end;
	/* a ':' after the last '/' starts the tag: path components have none */
	const char *colon = NULL;
	for (const char *q = s; q < name_end; q++) {
		if (*q == '/')
			colon = NULL;
		else if (*q == ':' && !colon)
			colon = q;
	}
	if (colon) {
		if (!ref_tag(colon + 1, name_end))
			return 0;
		name_end = colon;
	}
	/* the first component of several may be a registry host instead of a path */
	const char *first_end = memchr(s, '/', (size_t)(name_end - s));
	if (first_end && !ref_path_component(s, first_end) && !ref_host(s, first_end))
		return 0;
	for (const char *p = first_end ? first_end + 1 : s;;) {
		const char *q = memchr(p, '/', (size_t)(name_end - p));
		if (!ref_path_component(p, q ? q : name_end))
			return 0;
		if (!q)
			return 1;
		p = q + 1;
	}
}

int swarm_image_ref_selftest(const char *s)
{
	int hand = image_ref_valid(s), pcre = schema_regex_match(ref_pattern, s);
	return hand == pcre ? hand : -1;
}

static void check_image(struct rctx *c, const struct node *img)
{
	const char *s = node_str(img);
	/* with --no-interpolate the reference is not final yet */
	if (!s || !*s || strchr(s, '$'))
		return;
	/* the first component is a registry when it has '.' or ':', is localhost, or has capitals */
	const char *slash = strchr(s, '/');
	const char *remote = s;
	if (slash) {
		size_t n = (size_t)(slash - s);
		int lower = 1;
		for (size_t i = 0; i < n; i++)
			lower &= !(s[i] >= 'A' && s[i] <= 'Z');
		if (memchr(s, '.', n) || memchr(s, ':', n) || (n == 9 && !strncmp(s, "localhost", 9)) ||
		    !lower)
			remote = slash + 1;
	}
	size_t rlen = strcspn(remote, ":@");
	for (size_t i = 0; i < rlen; i++) {
		if (remote[i] >= 'A' && remote[i] <= 'Z') {
			report(c, c->deploy ? DIAG_ERROR : DIAG_WARNING, "swarm.image-ref", img->pos,
			       "invalid image reference %s: the repository name must be lower case",
			       repr(c, s));
			return;
		}
	}
	if (strlen(s) > 255 + 128 || !image_ref_valid(s))
		report(c, c->deploy ? DIAG_ERROR : DIAG_WARNING, "swarm.image-ref", img->pos,
		       "invalid image reference %s (expected [registry/]name[:tag][@digest], "
		       "name in lower case)", repr(c, s));
}

static void check_service(struct rctx *c, const struct node_entry *e, size_t index)
{
	static const char *const service_keys[] = { "image", "deploy", "ports", "networks",
						    "secrets", "configs", "volumes" };
	enum { D_MODE, D_REPLICAS, D_PLACEMENT, D_RESOURCES, D_UPDATE, D_ROLLBACK, D_RESTART,
	       D_ENDPOINT, D_N };
	static const char *const deploy_keys[] = { "mode", "replicas", "placement", "resources",
						   "update_config", "rollback_config",
						   "restart_policy", "endpoint_mode" };
	const struct node *svc = e->val, *v[S_N], *d[D_N];
	if (svc->kind != NODE_MAP)
		return;
	get_keys(v, svc, service_keys, S_N);
	size_t mark = push(c, e->key);
	if (!node_str(v[S_IMAGE])) {
		if (!gap_here(c, "image"))
			report(c, c->deploy ? DIAG_ERROR : DIAG_WARNING, "swarm.missing-image", e->keypos,
			       "service %s has no image (swarm cannot build; set image)", repr(c, e->key));
	} else {
		size_t m1 = push(c, "image");
		check_image(c, v[S_IMAGE]);
		pop(c, m1);
	}
	const struct node *deploy = v[S_DEPLOY];
	get_keys(d, deploy, deploy_keys, D_N);
	const struct node *em = d[D_ENDPOINT];
	int dnsrr = 0;
	if (deploy && deploy->kind == NODE_MAP) {
		size_t m2 = push(c, "deploy");
		check_mode(c, d[D_MODE], d[D_REPLICAS], d[D_PLACEMENT]);
		check_placement(c, d[D_PLACEMENT]);
		check_resources(c, d[D_RESOURCES]);
		check_update_config(c, d[D_UPDATE], "update_config");
		check_update_config(c, d[D_ROLLBACK], "rollback_config");
		check_restart(c, d[D_RESTART]);
		const char *s = node_str(em);
		if (s && strcasecmp(s, "vip") && strcasecmp(s, "dnsrr")) {
			push(c, "endpoint_mode");
			report(c, DIAG_ERROR, "swarm.endpoint-mode", em->pos,
			       "unknown endpoint_mode %s (expected vip or dnsrr)", repr(c, s));
		}
		dnsrr = s && !strcasecmp(s, "dnsrr") && !gap_here(c, "endpoint_mode");
		pop(c, m2);
	}
	check_ports(c, e->key, index, v[S_PORTS], dnsrr, em);
	check_refs(c, v);
	pop(c, mark);
}

/* ---- top-level objects ---- */

static void check_external(struct rctx *c, const struct node *objs, const char *kind,
			   const char *const *keys, enum diag_severity sev)
{
	if (!objs || objs->kind != NODE_MAP)
		return;
	size_t mark = push(c, kind);
	for (size_t i = 0; i < objs->map.n; i++) {
		const struct node *o = objs->map.v[i].val;
		if (!is_external(o) || gap_declared(c, kind, objs->map.v[i].key, 1))
			continue;
		size_t m2 = push(c, objs->map.v[i].key);
		for (size_t k = 0; keys[k]; k++) {
			const struct node_entry *e = node_map_find(o, keys[k]);
			if (e)
				report(c, sev, "swarm.external-conflict", e->keypos,
				       "%s cannot be set on an external %.*s: it is created outside this stack%s",
				       keys[k], (int)strlen(kind) - 1, kind,
				       sev == DIAG_WARNING ? ", so this is ignored" : "");
		}
		pop(c, m2);
	}
	pop(c, mark);
}

static void check_files(struct rctx *c, const struct node *objs, const char *kind, const char *rule)
{
	if (!objs || objs->kind != NODE_MAP)
		return;
	enum diag_severity sev = c->deploy ? DIAG_ERROR : DIAG_WARNING;
	size_t mark = push(c, kind);
	for (size_t i = 0; i < objs->map.n; i++) {
		const struct node *o = objs->map.v[i].val;
		const struct node *file = get(o, "file");
		const char *path = node_str(file);
		if (!path || is_external(o) || get(o, "driver") ||
		    gap_declared(c, kind, objs->map.v[i].key, 1))
			continue;
		struct stat st;
		size_t m2 = push(c, objs->map.v[i].key);
		push(c, "file");
		if (stat(path, &st))
			report(c, sev, rule, file->pos, "file %s does not exist", repr_path(c, path));
		else if (!S_ISREG(st.st_mode))
			report(c, sev, rule, file->pos, "%s is not a regular file%s", repr_path(c, path),
			       S_ISDIR(st.st_mode) ? " (with no file:, it defaults to the project directory)" : "");
		pop(c, m2);
	}
	pop(c, mark);
}

int swarm_rules_check(struct run *run, const struct node *root, int deploy,
		      const struct rules_gaps *gaps)
{
	static const char *const volume_keys[] = { "driver", "driver_opts", "labels", "x-cluster-spec", NULL };
	static const char *const network_keys[] = { "driver", "driver_opts", "ipam", "internal",
						    "attachable", "labels", NULL };
	static const char *const secret_keys[] = { "file", "labels", "driver", "driver_opts",
						   "template_driver", NULL };
	struct rctx c = { .run = run, .deploy = deploy, .steps = PATH_STEPS_INIT, .path = SBUF_INIT,
			  .gaps = gaps && gaps->n ? gaps : NULL };
	if (!root || root->kind != NODE_MAP)
		return 0;
	names_init(&c.networks, get(root, "networks"));
	names_init(&c.volumes, get(root, "volumes"));
	names_init(&c.secrets, get(root, "secrets"));
	names_init(&c.configs, get(root, "configs"));

	const struct node *services = get(root, "services");
	if (services && services->kind == NODE_MAP) {
		size_t mark = push(&c, "services");
		for (size_t i = 0; i < services->map.n; i++)
			check_service(&c, &services->map.v[i], i);
		pop(&c, mark);
	}
	check_port_conflicts(&c);
	check_external(&c, get(root, "volumes"), "volumes", volume_keys, DIAG_ERROR);
	check_external(&c, get(root, "networks"), "networks", network_keys, DIAG_WARNING);
	check_external(&c, get(root, "secrets"), "secrets", secret_keys, DIAG_WARNING);
	check_external(&c, get(root, "configs"), "configs", secret_keys, DIAG_WARNING);
	check_files(&c, get(root, "secrets"), "secrets", "swarm.secret-file");
	check_files(&c, get(root, "configs"), "configs", "swarm.config-file");

	free(c.ports);
	free(c.networks.v);
	free(c.volumes.v);
	free(c.secrets.v);
	free(c.configs.v);
	sbuf_release(&c.path);
	path_steps_release(&c.steps);
	return c.failed ? -1 : 0;
}
