/*
 * Short port specs as docker parses them (go-connections nat.ParsePortSpec):
 * "[ip:][host[-host]:]port[-port][/proto]", IPv6 addresses in brackets.
 * One parser for the schema's `ports` format and for normalization.
 */
#ifndef STACKC_COMPOSE_PORTS_H
#define STACKC_COMPOSE_PORTS_H

#include <stddef.h>

struct sbuf;

struct port_spec {
	char ip[64];          /* brackets removed; "" when none */
	int ip_specific;      /* an address other than 0.0.0.0 / :: (docker ignores it, warning) */
	unsigned cs, ce;      /* container range */
	unsigned hs, he;      /* published range, when has_host */
	int has_host;
	char proto[8];        /* "tcp", "udp" or "sctp" */
};

/*
 * Parse s (len bytes). Returns 0, or -1 with a short lower-case reason
 * appended to why (when not NULL); out may be NULL to only check.
 */
int port_spec_parse(struct port_spec *out, const char *s, size_t len, struct sbuf *why);

#endif
