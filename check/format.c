/* Port specs and CPU counts, as docker's Go code parses them. */
#include "check/format.h"
#include "compose/ports.h"
#include "base/sbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int format_port_spec(const char *s, size_t len, struct sbuf *why)
{
	return port_spec_parse(NULL, s, len, why);
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
			return sb_reason_repr(why, "", s, len, " is not a number");
		if (!bv)
			return sb_reason(why, "division by zero");
		unsigned __int128 scaled = (unsigned __int128)av * 1000000000u;
		if (scaled % bv)
			return sb_reason(why, "too precise (at most 9 decimal places)");
		unsigned __int128 q = scaled / bv;
		if (q > INT64_MAX)
			return sb_reason(why, "too large");
		if (nano)
			*nano = a.neg ? -(int64_t)q : (int64_t)q;
		return 0;
	}
	struct decimal d;
	uint64_t v;
	if (parse_decimal(&d, s, len))
		return sb_reason_repr(why, "", s, len, " is not a number");
	int r = decimal_scaled(&v, &d, 9);
	if (r == -1)
		return sb_reason(why, "too precise (at most 9 decimal places)");
	if (r == -2 || v > INT64_MAX)
		return sb_reason(why, "too large");
	if (nano)
		*nano = d.neg ? -(int64_t)v : (int64_t)v;
	return 0;
}
