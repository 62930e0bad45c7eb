/* Short port specs (nat.ParsePortSpec); see ports.h. */
#include "compose/ports.h"
#include "base/sbuf.h"
#include "compose/gocompat.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- ports (nat.ParsePortSpec) ---- */

/* strconv.ParseUint(s, 10, 16) */
static int parse_u16(unsigned *out, const char *s, size_t n)
{
	uint64_t v;
	if (go_parse_uint(&v, s, n, 10) || v > 65535)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* nat.ParsePortRange: "80" or "80-90"; text after a second '-' is ignored, as in Go. */
static int port_range(unsigned *start, unsigned *end, const char *s, size_t n,
		      const char *what, struct sbuf *why)
{
	const char *dash = memchr(s, '-', n);
	if (!dash) {
		if (parse_u16(start, s, n))
			goto bad;
		*end = *start;
		return 0;
	}
	const char *p2 = dash + 1, *stop = s + n;
	const char *dash2 = memchr(p2, '-', (size_t)(stop - p2));
	if (parse_u16(start, s, (size_t)(dash - s)) ||
	    parse_u16(end, p2, (size_t)((dash2 ? dash2 : stop) - p2)))
		goto bad;
	if (*end < *start)
		return sb_reason_repr(why, "", s, n, " is a decreasing range");
	return 0;
bad:
	if (why)
		sb_printf(why, "invalid %s ", what);
	return sb_reason_repr(why, "", s, n, " (expected a number 0-65535 or a range like 8000-8010)");
}

/* net.ParseIP into out (NUL-terminated copy); *specific: not 0.0.0.0, :: or ::ffff:0.0.0.0 */
static int parse_ip(char out[64], int *specific, const char *s, size_t n)
{
	static const unsigned char zero[16], v4zero[16] = { [10] = 0xff, [11] = 0xff };
	unsigned char addr[16];
	if (n >= 64)
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	if (inet_pton(AF_INET, out, addr) == 1) {
		*specific = memcmp(addr, zero, 4) != 0;
		return 0;
	}
	if (inet_pton(AF_INET6, out, addr) == 1) {
		*specific = memcmp(addr, zero, 16) && memcmp(addr, v4zero, 16);
		return 0;
	}
	return -1;
}

int port_spec_parse(struct port_spec *out, const char *s, size_t len, struct sbuf *why)
{
	struct port_spec tmp;
	if (!out)
		out = &tmp;
	memset(out, 0, sizeof(*out));
	/* split at ':' — the last part is the container port, the one before
	 * it the host port, everything before that the IP */
	const char *end = s + len, *last = NULL, *prev = NULL;
	size_t ncolon = 0;
	for (const char *p = s; p < end; p++)
		if (*p == ':') {
			prev = last;
			last = p;
			ncolon++;
		}
	const char *ip = s, *host = s, *cport = s;
	size_t iplen = 0, hostlen = 0, cportlen = len;
	if (ncolon >= 1) {
		cport = last + 1;
		cportlen = (size_t)(end - cport);
		host = ncolon == 1 ? s : prev + 1;
		hostlen = (size_t)(last - host);
		if (ncolon >= 2) {
			ip = s;
			iplen = (size_t)(prev - s);
		}
	}

	/* protocol: "80/udp"; more '/' parts are ignored, as in Go */
	const char *proto = "tcp";
	size_t protolen = 3;
	const char *slash = memchr(cport, '/', cportlen);
	if (slash) {
		const char *p2 = slash + 1;
		const char *slash2 = memchr(p2, '/', (size_t)(cport + cportlen - p2));
		size_t l2 = (size_t)((slash2 ? slash2 : cport + cportlen) - p2);
		if (l2) {
			proto = p2;
			protolen = l2;
		}
		cportlen = (size_t)(slash - cport);
	}

	if (iplen && ip[0] == '[') {
		/* [v6addr]: the brackets must enclose the whole address */
		if (iplen < 2 || ip[iplen - 1] != ']' || memchr(ip + 1, '[', iplen - 2) ||
		    memchr(ip + 1, ']', iplen - 2))
			return sb_reason_repr(why, "invalid IP address ", ip, iplen, "");
		ip++;
		iplen -= 2;
	}
	if (iplen && parse_ip(out->ip, &out->ip_specific, ip, iplen))
		return sb_reason_repr(why, "", ip, iplen, " is not an IP address");
	if (!cportlen)
		return sb_reason(why, "no container port");

	unsigned cs, ce, hs = 0, he = 0;
	if (port_range(&cs, &ce, cport, cportlen, "container port", why))
		return -1;
	if (hostlen && port_range(&hs, &he, host, hostlen, "published port", why))
		return -1;
	if (hostlen && ce - cs != he - hs && ce != cs) {
		if (why) {
			sb_puts(why, "published range ");
			sb_repr(why, host, hostlen, 40);
			sb_puts(why, " and container range ");
			sb_repr(why, cport, cportlen, 40);
			sb_puts(why, " differ in size");
		}
		return -1;
	}
	char lower[8];
	size_t k;
	for (k = 0; k < protolen && k < sizeof(lower) - 1; k++)
		lower[k] = (char)(proto[k] >= 'A' && proto[k] <= 'Z' ? proto[k] + 32 : proto[k]);
	lower[k] = '\0';
	if (k != protolen || (strcmp(lower, "tcp") && strcmp(lower, "udp") && strcmp(lower, "sctp")))
		return sb_reason_repr(why, "unknown protocol ", proto, protolen,
				 " (expected tcp, udp or sctp)");
	memcpy(out->proto, lower, k + 1);
	out->cs = cs;
	out->ce = ce;
	out->hs = hs;
	out->he = he;
	out->has_host = hostlen > 0;
	return 0;
}

