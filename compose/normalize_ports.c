/*
 * Normalization of ports: the short syntax ("[ip:][host:]port[/proto]",
 * ranges) expanded into long-syntax items as docker's loader does
 * (go-connections nat.ParsePortSpec, then swarmopts). See
 * normalize_internal.h.
 */
#include "compose/normalize_internal.h"
#include "compose/ports.h"
#include "base/arena.h"
#include "base/node.h"
#include "base/xalloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct port_map {
	char key[24];      /* "80/tcp": docker orders a spec's ports by this text */
	unsigned port;
	unsigned hs, he;   /* published ports; 0-0 when none */
	size_t seq;
};

static int cmp_port_map(const void *pa, const void *pb)
{
	const struct port_map *a = pa, *b = pb;
	int r = strcmp(a->key, b->key);
	return r ? r : (a->seq > b->seq) - (a->seq < b->seq);
}

static struct node *port_entry(struct nctx *c, struct pos pos, unsigned target,
			       unsigned published, const char *proto)
{
	struct node *m = node_new_map(c->a, pos);
	node_map_reserve(c->a, m, 4);
	node_map_add_key(c->a, m, "mode", pos, norm_str_ref(c, pos, "ingress"));
	if (target) /* uint32 fields: 0 is not printed */
		node_map_add_key(c->a, m, "target", pos, node_new_int(c->a, pos, target));
	if (published)
		node_map_add_key(c->a, m, "published", pos, node_new_int(c->a, pos, published));
	node_map_add_key(c->a, m, "protocol", pos, norm_str_ref(c, pos, proto));
	return m;
}

/* The protocol as text that lasts: the usual ones are not copied. */
static const char *lasting_proto(struct nctx *c, const char *proto)
{
	static const char *const names[] = { "tcp", "udp", "sctp" };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(proto, names[i]))
			return names[i];
	return arena_strdup(c->a, proto);
}

/* Expand one short-syntax port into out (nat.ParsePortSpecs + ConvertPortToPortConfig). */
static void expand_port(struct nctx *c, struct node *out, struct node *it, const char *spec)
{
	struct port_spec ps;
	struct sbuf why = SBUF_INIT;
	if (port_spec_parse(&ps, spec, strlen(spec), &why)) {
		norm_fail(c, it->pos, "normalize.port", "invalid port %s: %s", norm_repr(c, spec), why.buf);
		sbuf_release(&why);
		return;
	}
	size_t nmaps = ps.ce - ps.cs + 1;
	/* the key orders a range's ports and names one in a warning: one port needs no order */
	int keyed = nmaps > 1 || ps.ip_specific;
	struct port_map one = { .port = 0 };
	struct port_map *maps = nmaps == 1 ? &one : xcalloc(nmaps, sizeof(*maps));
	for (size_t i = 0; i < nmaps; i++) {
		struct port_map *m = &maps[i];
		m->port = ps.cs + (unsigned)i;
		m->seq = i;
		if (keyed)
			snprintf(m->key, sizeof(m->key), "%u/%s", m->port, ps.proto);
		if (ps.has_host && ps.cs == ps.ce) {
			m->hs = ps.hs;
			m->he = ps.he;
		} else if (ps.has_host) {
			m->hs = m->he = ps.hs + (unsigned)i;
		}
	}
	if (nmaps > 1)
		qsort(maps, nmaps, sizeof(*maps), cmp_port_map);
	int v6 = strchr(ps.ip, ':') != NULL;
	const char *proto = lasting_proto(c, ps.proto);
	for (size_t i = 0; i < nmaps; i++) {
		struct port_map *m = &maps[i];
		if (ps.ip_specific) {
			char hostport[16] = "";
			if (ps.has_host && m->hs != m->he)
				snprintf(hostport, sizeof(hostport), "%u-%u", m->hs, m->he);
			else if (ps.has_host)
				snprintf(hostport, sizeof(hostport), "%u", m->hs);
			norm_warn(c, it->pos, "normalize.port-ip",
				  "ignoring IP-address (%s%s%s:%s:%s) service will listen on '0.0.0.0'",
				  v6 ? "[" : "", ps.ip, v6 ? "]" : "", hostport, m->key);
		}
		for (unsigned p = m->hs; p <= m->he; p++)
			node_seq_push(c->a, out, port_entry(c, it->pos, m->port, p, proto));
	}
	if (maps != &one)
		free(maps);
}

struct node *norm_decode_ports(struct nctx *c, struct node *n, const struct model_struct *st)
{
	if (n->kind != NODE_SEQ)
		return norm_type_error(c, n, "a list");
	struct node *out = node_new_seq(c->a, n->pos);
	for (size_t i = 0; i < n->seq.n; i++) {
		struct node *it = n->seq.v[i];
		size_t mark = path_steps_index(&c->steps, i);
		if (it->kind == NODE_STR) {
			expand_port(c, out, it, it->s.text);
		} else if (it->kind == NODE_INT && !(it->flags & NODE_UNSIGNED)) {
			expand_port(c, out, it, arena_fmt(c->a, "%" PRId64, it->s.v.i));
		} else if (it->kind == NODE_MAP) {
			struct node *v = norm_decode_struct(c, it, st, 1);
			if (v)
				node_seq_push(c->a, out, v);
		} else {
			norm_type_error(c, it, "a port string, an integer or a mapping");
		}
		path_steps_pop(&c->steps, mark);
	}
	return out->seq.n ? out : NULL;
}
