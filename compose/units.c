/* Go-compatible durations, byte sizes and float text; see units.h. */
#include "compose/units.h"
#include "base/arena.h"
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "compose/gocompat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- durations (time.ParseDuration, Duration.String) ---- */

#define NS_US 1000ull
#define NS_MS 1000000ull
#define NS_S 1000000000ull
#define NS_MIN (60 * NS_S)
#define NS_H (60 * NS_MIN)
#define MAX_ABS (1ull << 63) /* |INT64_MIN| */

static uint64_t duration_unit(const char *u, size_t n)
{
	static const struct {
		const char *name;
		uint64_t ns;
	} units[] = {
		{ "ns", 1 }, { "us", NS_US }, { "\xc2\xb5s", NS_US }, { "\xce\xbcs", NS_US },
		{ "ms", NS_MS }, { "s", NS_S }, { "m", NS_MIN }, { "h", NS_H },
	};
	if (n == 1) /* the usual case: s, m or h */
		return *u == 's' ? NS_S : *u == 'm' ? NS_MIN : *u == 'h' ? NS_H : 0;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strlen(units[i].name) == n && !memcmp(units[i].name, u, n))
			return units[i].ns;
	return 0;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int units_parse_duration(const char *s, int64_t *ns)
{
	uint64_t d = 0;
	int neg = 0;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (!strcmp(s, "0")) {
		*ns = 0;
		return 0;
	}
	if (!*s)
		return -1;
	while (*s) {
		uint64_t v = 0, f = 0;
		double scale = 1;
		if (!(*s == '.' || is_digit(*s)))
			return -1;
		const char *start = s;
		for (; is_digit(*s); s++) {
			if (v > MAX_ABS / 10)
				return -1;
			v = v * 10 + (uint64_t)(*s - '0');
			if (v > MAX_ABS)
				return -1;
		}
		int pre = s != start, post = 0;
		if (*s == '.') {
			s++;
			start = s;
			int overflow = 0;
			for (; is_digit(*s); s++) {
				if (overflow)
					continue;
				if (f > (MAX_ABS - 1) / 10) {
					overflow = 1;
					continue;
				}
				uint64_t y = f * 10 + (uint64_t)(*s - '0');
				if (y > MAX_ABS) {
					overflow = 1;
					continue;
				}
				f = y;
				scale *= 10;
			}
			post = s != start;
		}
		if (!pre && !post)
			return -1;
		start = s;
		while (*s && *s != '.' && !is_digit(*s))
			s++;
		uint64_t unit = duration_unit(start, (size_t)(s - start));
		if (!unit)
			return -1;
		if (v > MAX_ABS / unit)
			return -1;
		v *= unit;
		if (f > 0) {
			v += (uint64_t)((double)f * ((double)unit / scale));
			if (v > MAX_ABS)
				return -1;
		}
		d += v;
		if (d > MAX_ABS)
			return -1;
	}
	if (neg) {
		*ns = d == MAX_ABS ? INT64_MIN : -(int64_t)d;
		return 0;
	}
	if (d > MAX_ABS - 1)
		return -1;
	*ns = (int64_t)d;
	return 0;
}

/* Write v's fraction of prec digits before w (trailing zeros dropped). */
static char *fmt_frac(char *w, uint64_t *v, int prec)
{
	static const uint64_t pow1000[] = { 1, 1000, 1000000, 1000000000 };
	uint64_t p = pow1000[prec / 3]; /* prec is 0, 3, 6 or 9 */
	if (*v % p == 0) { /* no fraction: nothing printed */
		*v /= p;
		return w;
	}
	int print = 0;
	for (int i = 0; i < prec; i++) {
		unsigned digit = (unsigned)(*v % 10);
		print = print || digit;
		if (print)
			*--w = (char)('0' + digit);
		*v /= 10;
	}
	if (print)
		*--w = '.';
	return w;
}

static char *fmt_int(char *w, uint64_t v)
{
	do {
		*--w = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return w;
}

char *units_format_duration(int64_t ns, char buf[static UNITS_BUF])
{
	char tmp[UNITS_BUF];
	char *end = tmp + sizeof(tmp), *w = end;
	uint64_t u = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	*--w = 's';
	if (u < NS_S) {
		int prec;
		if (u == 0) {
			*--w = '0';
			goto done;
		} else if (u < NS_US) {
			prec = 0;
			*--w = 'n';
		} else if (u < NS_MS) {
			prec = 3;
			*--w = '\xb5';
			*--w = '\xc2';
		} else {
			prec = 6;
			*--w = 'm';
		}
		w = fmt_frac(w, &u, prec);
		w = fmt_int(w, u);
	} else {
		w = fmt_frac(w, &u, 9);
		w = fmt_int(w, u % 60);
		u /= 60;
		if (u > 0) {
			*--w = 'm';
			w = fmt_int(w, u % 60);
			u /= 60;
			if (u > 0) {
				*--w = 'h';
				w = fmt_int(w, u);
			}
		}
	}
	if (ns < 0)
		*--w = '-';
done:
	memcpy(buf, w, (size_t)(end - w));
	buf[end - w] = '\0';
	return buf;
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* ---- RAMInBytes ---- */

int units_ram_in_bytes(const char *s, int64_t *out, struct sbuf *err)
{
	const char *sep = NULL;
	for (const char *p = s; *p; p++)
		if (is_digit(*p) || *p == '.' || *p == ' ')
			sep = p;
	if (!sep) {
		sb_printf(err, "invalid size: '%s'", s);
		return -1;
	}
	size_t numlen = (size_t)(sep - s) + (*sep != ' ');
	const char *sfx = sep + 1;
	double size;
	uint64_t digits = 0;
	size_t nd = 0;
	/* up to 15 plain digits: exact in a double, as ParseFloat reads them */
	while (nd < numlen && nd < 15 && is_digit(s[nd]))
		digits = digits * 10 + (uint64_t)(s[nd++] - '0');
	if (nd && nd == numlen) {
		size = (double)digits;
	} else {
		int rc = go_parse_float(&size, s, numlen);
		if (rc) {
			sb_printf(err, "strconv.ParseFloat: parsing \"%.*s\": %s", (int)numlen, s,
				  rc == GO_ERANGE ? "value out of range" : "invalid syntax");
			return -1;
		}
	}
	if (size < 0) {
		sb_printf(err, "invalid size: '%s'", s);
		return -1;
	}
	size_t sl = strlen(sfx);
	if (sl > 3) {
		sb_printf(err, "invalid suffix: '%s'", sfx);
		return -1;
	}
	char low[4];
	for (size_t i = 0; i <= sl; i++)
		low[i] = lower(sfx[i]);
	if (sl) {
		static const char mult[] = "kmgtp";
		const char *m = low[0] == 'b' ? NULL : strchr(mult, low[0]);
		if (low[0] == 'b') {
			if (sl > 1)
				goto bad_suffix;
		} else if (m && *m) {
			size *= (double)(1ull << (10 * (m - mult + 1)));
			if ((sl == 2 && low[1] != 'b') || (sl == 3 && strcmp(low + 1, "ib")))
				goto bad_suffix;
		} else {
			goto bad_suffix;
		}
	}
	/* Go's float→int64 on amd64: out of range (and NaN) gives INT64_MIN. */
	*out = size < 9223372036854775808.0 ? (int64_t)size : INT64_MIN;
	return 0;
bad_suffix:
	sb_printf(err, "invalid suffix: '%s'", low);
	return -1;
}

/* ---- Go float text ---- */

char *units_format_go_float(double f, int bits, char buf[static UNITS_BUF])
{
	if (isnan(f))
		return strcpy(buf, "NaN");
	if (isinf(f))
		return strcpy(buf, f > 0 ? "+Inf" : "-Inf");
	if (bits == 32)
		f = (float)f;
	char e[UNITS_BUF];
	int maxp = bits == 32 ? 9 : 17;
	for (int p = 1; p <= maxp; p++) {
		snprintf(e, sizeof(e), "%.*e", p - 1, f);
		if (bits == 32 ? strtof(e, NULL) == (float)f : strtod(e, NULL) == f)
			break;
	}
	/* e is "-d.ddde+XX": collect the digits and the exponent */
	char digits[24];
	size_t nd = 0;
	const char *p = e;
	int neg = *p == '-';
	if (neg)
		p++;
	for (; *p && *p != 'e'; p++)
		if (is_digit(*p))
			digits[nd++] = *p;
	int exp = atoi(p + 1);
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	if (f == 0)
		exp = 0;
	char *w = buf;
	if (neg)
		*w++ = '-';
	if (exp < -4 || exp >= 6) {
		*w++ = digits[0];
		if (nd > 1) {
			*w++ = '.';
			memcpy(w, digits + 1, nd - 1);
			w += nd - 1;
		}
		sprintf(w, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
		return buf;
	}
	if (exp < 0) {
		*w++ = '0';
		*w++ = '.';
		for (int i = -1; i > exp; i--)
			*w++ = '0';
		memcpy(w, digits, nd);
		w += nd;
	} else {
		for (int i = 0; i <= exp || (size_t)i < nd; i++) {
			if (i == exp + 1)
				*w++ = '.';
			*w++ = (size_t)i < nd ? digits[i] : '0';
		}
	}
	*w = '\0';
	return buf;
}

/* ---- google/shlex ---- */

enum shlex_state { SH_START, SH_WORD, SH_ESC, SH_ESC_QUOTED, SH_DQUOTE, SH_SQUOTE, SH_COMMENT };

static int shlex_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int units_shlex_split(struct arena *a, const char *s, size_t len,
		      struct units_word **out, size_t *n, const char **err)
{
	/* a word is never longer than the input */
	char small[256], *word = len < sizeof(small) ? small : xmalloc(len + 1);
	size_t wl = 0;
	struct units_word *v = NULL;
	size_t nv = 0, alloc = 0;
	enum shlex_state st = SH_START;
	int rc = 0;
	*err = NULL;
	/* i == len is the end-of-input "rune" */
	for (size_t i = 0; i <= len; i++) {
		int eof = i == len;
		char c = eof ? 0 : s[i];
		int emit = 0;
		switch (st) {
		case SH_START:
		case SH_WORD:
			if (eof || shlex_space(c)) {
				emit = st == SH_WORD;
				break;
			}
			if (st == SH_START && c == '#') {
				st = SH_COMMENT;
				break;
			}
			st = c == '"' ? SH_DQUOTE : c == '\'' ? SH_SQUOTE : c == '\\' ? SH_ESC : SH_WORD;
			if (st == SH_WORD)
				word[wl++] = c;
			break;
		case SH_ESC:
		case SH_ESC_QUOTED:
			if (eof) {
				*err = "EOF found after escape character";
				rc = -1;
				goto done;
			}
			word[wl++] = c;
			st = st == SH_ESC ? SH_WORD : SH_DQUOTE;
			break;
		case SH_DQUOTE:
		case SH_SQUOTE:
			if (eof) {
				*err = "EOF found when expecting closing quote";
				rc = -1;
				goto done;
			}
			if (c == (st == SH_DQUOTE ? '"' : '\''))
				st = SH_WORD;
			else if (c == '\\' && st == SH_DQUOTE) /* '...' knows no escapes */
				st = SH_ESC_QUOTED;
			else
				word[wl++] = c;
			break;
		case SH_COMMENT:
			if (c == '\n' || eof)
				st = SH_START;
			break;
		}
		if (emit) {
			if (nv == alloc) {
				size_t cap = alloc ? alloc * 2 : 8;
				v = arena_grow(a, v, nv, cap, sizeof(*v));
				alloc = cap;
			}
			v[nv].s = arena_strndup(a, word, wl);
			v[nv].len = wl;
			nv++;
			wl = 0;
			st = SH_START;
		}
	}
done:
	if (word != small)
		free(word);
	*out = v;
	*n = nv;
	return rc;
}
