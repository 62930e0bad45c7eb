/* Port specs and CPU counts, as docker's Go code parses them. */
#include "schemas/format.h"
#include "compose/sbuf.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((format(printf, 2, 3)))
static int fail(struct sbuf *why, const char *fmt, ...)
{
	if (why) {
		char buf[160];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(buf, sizeof(buf), fmt, ap);
		va_end(ap);
		sb_puts(why, buf);
	}
	return -1;
}

/* Append a quoted user value to why (used inside reasons). */
static int fail_repr(struct sbuf *why, const char *before, const char *s, size_t n,
		     const char *after)
{
	if (why) {
		sb_puts(why, before);
		sb_repr(why, s, n, 40);
		sb_puts(why, after);
	}
	return -1;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* ---- ports (nat.ParsePortSpec) ---- */

/* strconv.ParseUint(s, 10, 16) */
static int parse_u16(unsigned *out, const char *s, size_t n)
{
	unsigned v = 0;
	if (!n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
		if (v > 65535)
			return -1;
	}
	*out = v;
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
		return fail_repr(why, "", s, n, " is a decreasing range");
	return 0;
bad:
	if (why)
		sb_printf(why, "invalid %s ", what);
	return fail_repr(why, "", s, n, " (expected a number 0-65535 or a range like 8000-8010)");
}

static int parse_ip(const char *s, size_t n)
{
	char buf[64];
	unsigned char addr[16];
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, addr) == 1 || inet_pton(AF_INET6, buf, addr) == 1)
		return 0;
	return -1;
}

int format_port_spec(const char *s, size_t len, struct sbuf *why)
{
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
			return fail_repr(why, "invalid IP address ", ip, iplen, "");
		ip++;
		iplen -= 2;
	}
	if (iplen && parse_ip(ip, iplen))
		return fail_repr(why, "", ip, iplen, " is not an IP address");
	if (!cportlen)
		return fail(why, "no container port");

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
		return fail_repr(why, "unknown protocol ", proto, protolen,
				 " (expected tcp, udp or sctp)");
	return 0;
}

/* ---- CPU counts (big.Rat, decimal forms only) ---- */

struct decimal {
	const char *digits; /* mantissa digits, '.' skipped when read */
	size_t n;
	int neg;
	long exp10;         /* value = digits * 10^exp10 */
};

/* [+-]? digits? (. digits?)? ([eE][+-]?digits)?, at least one mantissa digit */
static int parse_decimal(struct decimal *d, const char *s, size_t len)
{
	size_t i = 0, ndig = 0, nfrac = 0;
	memset(d, 0, sizeof(*d));
	if (i < len && (s[i] == '+' || s[i] == '-'))
		d->neg = s[i++] == '-';
	d->digits = s + i;
	for (; i < len && is_digit(s[i]); i++)
		ndig++;
	if (i < len && s[i] == '.')
		for (i++; i < len && is_digit(s[i]); i++)
			nfrac++;
	if (!ndig && !nfrac)
		return -1;
	d->n = (size_t)(s + i - d->digits);
	long e = 0;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		int eneg = 0;
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			eneg = s[i++] == '-';
		if (i == len)
			return -1;
		for (; i < len && is_digit(s[i]); i++)
			if (e < 100000)
				e = e * 10 + (s[i] - '0');
		if (eneg)
			e = -e;
	}
	if (i != len)
		return -1;
	d->exp10 = e - (long)nfrac;
	return 0;
}

/* digits * 10^(exp10 + shift) as an exact non-negative integer; -1 if not an integer, -2 if too large. */
static int decimal_scaled(uint64_t *out, const struct decimal *d, long shift)
{
	char buf[64];
	size_t n = 0;
	int seen = 0;
	for (size_t i = 0; i < d->n; i++) {
		char c = d->digits[i];
		if (c == '.')
			continue;
		if (c == '0' && !seen)
			continue;
		seen = 1;
		if (n == sizeof(buf))
			return -2;
		buf[n++] = c;
	}
	long k = d->exp10 + shift;
	while (k < 0 && n && buf[n - 1] == '0') {
		n--;
		k++;
	}
	if (!n) {
		*out = 0;
		return 0;
	}
	if (k < 0)
		return -1;
	if ((long)n + k > 19)
		return -2;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (uint64_t)(buf[i] - '0');
	for (long j = 0; j < k; j++) {
		if (v > UINT64_MAX / 10)
			return -2;
		v *= 10;
	}
	*out = v;
	return 0;
}

int format_cpus(int64_t *nano, const char *s, size_t len, struct sbuf *why)
{
	const char *slash = memchr(s, '/', len);
	if (slash) {
		/* a/b: integers only */
		struct decimal a, b;
		uint64_t av, bv;
		size_t alen = (size_t)(slash - s);
		if (parse_decimal(&a, s, alen) || parse_decimal(&b, slash + 1, len - alen - 1) ||
		    memchr(s, '.', len) || memchr(s, 'e', len) || memchr(s, 'E', len) || b.neg ||
		    decimal_scaled(&av, &a, 0) || decimal_scaled(&bv, &b, 0))
			return fail_repr(why, "", s, len, " is not a number");
		if (!bv)
			return fail(why, "division by zero");
		unsigned __int128 scaled = (unsigned __int128)av * 1000000000u;
		if (scaled % bv)
			return fail(why, "too precise (at most 9 decimal places)");
		unsigned __int128 q = scaled / bv;
		if (q > INT64_MAX)
			return fail(why, "too large");
		if (nano)
			*nano = a.neg ? -(int64_t)q : (int64_t)q;
		return 0;
	}
	struct decimal d;
	uint64_t v;
	if (parse_decimal(&d, s, len))
		return fail_repr(why, "", s, len, " is not a number");
	int r = decimal_scaled(&v, &d, 9);
	if (r == -1)
		return fail(why, "too precise (at most 9 decimal places)");
	if (r == -2 || v > INT64_MAX)
		return fail(why, "too large");
	if (nano)
		*nano = d.neg ? -(int64_t)v : (int64_t)v;
	return 0;
}
