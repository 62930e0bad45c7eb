/* Go library behaviour docker's output depends on; see gocompat.h. */
#include "compose/gocompat.h"
#include "base/xalloc.h"
#include "compose/ytime.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* strconv's lower(): ASCII letters only */
static char lower(char c)
{
	return (char)(c | ('x' - 'X'));
}

static int ci_equal(const char *s, size_t n, const char *word)
{
	size_t i = 0;
	for (; i < n && word[i]; i++)
		if (lower(s[i]) != word[i])
			return 0;
	return i == n && !word[i];
}

/*
 * A copy of s without its '_' (and a NUL), in small when it fits. The
 * caller frees it when it is not small.
 */
static char *without_underscores(char *small, size_t room, const char *s, size_t n, size_t *len)
{
	char *out = n < room ? small : xmalloc(n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '_')
			out[k++] = s[i];
	out[k] = '\0';
	*len = k;
	return out;
}

/* ==== strconv ==== */

/* underscoreOK: each '_' between digits, a base prefix counting as a digit. */
static int underscore_ok(const char *s, size_t n)
{
	char saw = '^'; /* ^ start, 0 digit or prefix, _ underscore, ! anything else */
	size_t i = 0;
	int hex = 0;
	if (n && (s[0] == '-' || s[0] == '+'))
		s++, n--;
	if (n >= 2 && s[0] == '0' &&
	    (lower(s[1]) == 'b' || lower(s[1]) == 'o' || lower(s[1]) == 'x')) {
		i = 2;
		saw = '0';
		hex = lower(s[1]) == 'x';
	}
	for (; i < n; i++) {
		if (is_digit(s[i]) || (hex && lower(s[i]) >= 'a' && lower(s[i]) <= 'f')) {
			saw = '0';
		} else if (s[i] == '_') {
			if (saw != '0')
				return 0;
			saw = '_';
		} else {
			if (saw == '_')
				return 0;
			saw = '!';
		}
	}
	return saw != '_';
}

int go_parse_uint(uint64_t *out, const char *s, size_t n, int base)
{
	const char *s0 = s;
	size_t n0 = n;
	int base0 = base == 0, underscores = 0;
	*out = 0;
	if (!n)
		return GO_ESYNTAX;
	if (base0) {
		base = 10;
		if (s[0] == '0') {
			char prefix = n >= 3 ? lower(s[1]) : 0;
			if (prefix == 'b' || prefix == 'o' || prefix == 'x') {
				base = prefix == 'b' ? 2 : prefix == 'o' ? 8 : 16;
				s += 2, n -= 2;
			} else {
				base = 8;
				s++, n--;
			}
		}
	} else if (base < 2 || base > 36) {
		BUG("strconv base %d", base);
	}
	/* Go's order: a bad byte before the overflow is a syntax error, after it a range error */
	uint64_t cutoff = UINT64_MAX / (uint64_t)base + 1, v = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned d;
		if (s[i] == '_' && base0) {
			underscores = 1;
			continue;
		} else if (is_digit(s[i])) {
			d = (unsigned)(s[i] - '0');
		} else if (lower(s[i]) >= 'a' && lower(s[i]) <= 'z') {
			d = (unsigned)(lower(s[i]) - 'a') + 10;
		} else {
			return GO_ESYNTAX;
		}
		if (d >= (unsigned)base)
			return GO_ESYNTAX;
		if (v >= cutoff || v * (uint64_t)base > UINT64_MAX - d) {
			*out = UINT64_MAX;
			return GO_ERANGE;
		}
		v = v * (uint64_t)base + d;
	}
	if (underscores && !underscore_ok(s0, n0))
		return GO_ESYNTAX;
	*out = v;
	return GO_OK;
}

int go_parse_int(int64_t *out, const char *s, size_t n, int base)
{
	const uint64_t cutoff = (uint64_t)1 << 63;
	int neg = 0;
	uint64_t u;
	*out = 0;
	if (!n)
		return GO_ESYNTAX;
	if (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-';
		s++, n--;
	}
	/* out of range as unsigned is out of range here too (u is then UINT64_MAX) */
	if (go_parse_uint(&u, s, n, base) == GO_ESYNTAX)
		return GO_ESYNTAX;
	if (!neg && u >= cutoff) {
		*out = INT64_MAX;
		return GO_ERANGE;
	}
	if (neg && u > cutoff) {
		*out = INT64_MIN;
		return GO_ERANGE;
	}
	*out = !neg ? (int64_t)u : u == cutoff ? INT64_MIN : -(int64_t)u;
	return GO_OK;
}

/* special(): [+-]?inf, [+-]?infinity, nan, any case, as the whole text. */
static int float_special(double *out, const char *s, size_t n)
{
	size_t sign = n && (s[0] == '+' || s[0] == '-');
	if (ci_equal(s + sign, n - sign, "inf") || ci_equal(s + sign, n - sign, "infinity")) {
		*out = sign && s[0] == '-' ? -INFINITY : INFINITY;
		return 1;
	}
	if (!sign && ci_equal(s, n, "nan")) {
		*out = NAN;
		return 1;
	}
	return 0;
}

/* readFloat's syntax, for the whole text. */
static int float_syntax(const char *s, size_t n)
{
	size_t i = n && (s[0] == '+' || s[0] == '-');
	int hex = i + 2 < n && s[i] == '0' && lower(s[i + 1]) == 'x';
	int dot = 0, digits = 0, underscores = 0;
	if (hex)
		i += 2;
	for (; i < n; i++) {
		if (s[i] == '_')
			underscores = 1;
		else if (s[i] == '.' && !dot)
			dot = 1;
		else if (is_digit(s[i]) || (hex && lower(s[i]) >= 'a' && lower(s[i]) <= 'f'))
			digits = 1;
		else
			break;
	}
	if (!digits)
		return 0;
	if (i < n && lower(s[i]) == (hex ? 'p' : 'e')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i == n || !is_digit(s[i]))
			return 0;
		for (; i < n && (is_digit(s[i]) || s[i] == '_'); i++)
			underscores |= s[i] == '_';
	} else if (hex) {
		return 0; /* a hex mantissa needs its exponent */
	}
	return i == n && (!underscores || underscore_ok(s, n));
}

int go_parse_float(double *out, const char *s, size_t n)
{
	if (float_special(out, s, n))
		return GO_OK;
	*out = 0;
	if (!float_syntax(s, n))
		return GO_ESYNTAX;
	/* the syntax is C's too, but for the '_' */
	char small[64];
	size_t len;
	char *text = without_underscores(small, sizeof(small), s, n, &len);
	*out = strtod(text, NULL);
	if (text != small)
		free(text);
	return isinf(*out) ? GO_ERANGE : GO_OK;
}

/* ==== path/filepath ==== */

char *go_filepath_clean(char *out, const char *path)
{
	size_t n = strlen(path), r = 0, w = 0, dotdot = 0; /* read, write, where ".." may stop */
	int rooted = path[0] == '/';
	if (rooted) {
		out[w++] = '/';
		r = dotdot = 1;
	}
	while (r < n) {
		if (path[r] == '/') {
			r++;
		} else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/')) {
			r++;
		} else if (path[r] == '.' && path[r + 1] == '.' && (r + 2 == n || path[r + 2] == '/')) {
			r += 2;
			if (w > dotdot) { /* drop the last element */
				w--;
				while (w > dotdot && out[w] != '/')
					w--;
			} else if (!rooted) { /* a leading ".." stays */
				if (w)
					out[w++] = '/';
				out[w++] = '.';
				out[w++] = '.';
				dotdot = w;
			}
		} else {
			if (w != (size_t)rooted)
				out[w++] = '/';
			for (; r < n && path[r] != '/'; r++)
				out[w++] = path[r];
		}
	}
	if (!w)
		out[w++] = '.';
	out[w] = '\0';
	return out;
}

/* ==== gopkg.in/yaml.v3 ==== */

/* resolve.go's resolveTable: the first bytes that may start something other than a string */
static char resolve_hint(const char *s, size_t n)
{
	if (!n)
		return 'N';
	switch (s[0]) {
	case '+': case '-':
		return 'S';
	case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		return 'D';
	case 'y': case 'Y': case 'n': case 'N': case 't': case 'T':
	case 'f': case 'F': case 'o': case 'O': case '~':
		return 'M';
	case '.':
		return '.';
	}
	return 0;
}

/* Is s[0..n) one of the words of list (NULL-terminated, none empty)? */
static int word_in(const char *s, size_t n, const char *const *list)
{
	for (; n && *list; list++) /* the first byte rules most out */
		if ((*list)[0] == s[0] && strlen(*list) == n && !memcmp(*list, s, n))
			return 1;
	return 0;
}

/* resolve.go's resolveMap (but "<<", which no hint leads to), by first byte */
static int resolve_word(struct goyaml_value *out, const char *s, size_t n)
{
	static const char *const nulls[] = { "~", "null", "Null", "NULL", NULL };
	static const char *const trues[] = { "true", "True", "TRUE", NULL };
	static const char *const falses[] = { "false", "False", "FALSE", NULL };
	static const char *const nans[] = { ".nan", ".NaN", ".NAN", NULL };
	static const char *const infs[] = { ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", NULL };
	static const char *const ninfs[] = { "-.inf", "-.Inf", "-.INF", NULL };
	switch (s[0]) {
	case '~': case 'n': case 'N':
		if (!word_in(s, n, nulls))
			return 0;
		out->tag = GOYAML_NULL;
		return 1;
	case 't': case 'T': case 'f': case 'F':
		if (!word_in(s, n, trues) && !word_in(s, n, falses))
			return 0;
		out->tag = GOYAML_BOOL;
		out->v.b = s[0] == 't' || s[0] == 'T';
		return 1;
	case '.': case '+': case '-':
		if (word_in(s, n, nans))
			out->v.f = NAN;
		else if (word_in(s, n, infs))
			out->v.f = INFINITY;
		else if (word_in(s, n, ninfs))
			out->v.f = -INFINITY;
		else
			return 0;
		out->tag = GOYAML_FLOAT;
		return 1;
	}
	return 0;
}

/* yamlStyleFloat: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ */
static int yaml_style_float(const char *s, size_t n)
{
	size_t i = n && (s[0] == '-' || s[0] == '+'), start;
	if (i < n && s[i] == '.') {
		for (start = ++i; i < n && is_digit(s[i]); i++)
			;
		if (i == start)
			return 0;
	} else {
		for (start = i; i < n && is_digit(s[i]); i++)
			;
		if (i == start)
			return 0;
		if (i < n && s[i] == '.')
			for (i++; i < n && is_digit(s[i]); i++)
				;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		for (start = i; i < n && is_digit(s[i]); i++)
			;
		if (i == start)
			return 0;
	}
	return i == n;
}

/* ParseInt(s, base), else ParseUint(s, base) when unsigned_too: an !!int */
static int resolve_int(struct goyaml_value *out, const char *s, size_t n, int base,
		       int unsigned_too)
{
	if (go_parse_int(&out->v.i, s, n, base) == GO_OK) {
		out->tag = GOYAML_INT;
		return 1;
	}
	if (unsigned_too && go_parse_uint(&out->v.u, s, n, base) == GO_OK) {
		out->tag = GOYAML_UINT;
		return 1;
	}
	return 0;
}

/* resolve()'s 'D' and 'S' cases: a timestamp, an int or a float */
static void resolve_number(struct goyaml_value *out, const char *s, size_t n)
{
	/* parseTimestamp's quick check first: every layout starts YYYY- */
	if (n > 4 && s[4] == '-' && !ytime_parse(NULL, s, n)) {
		out->tag = GOYAML_TIMESTAMP;
		return;
	}
	char small[64];
	size_t pn;
	char *plain = without_underscores(small, sizeof(small), s, n, &pn);
	if (resolve_int(out, plain, pn, 0, 1))
		goto done;
	if (yaml_style_float(plain, pn) && go_parse_float(&out->v.f, plain, pn) == GO_OK) {
		out->tag = GOYAML_FLOAT;
		goto done;
	}
	/* the 0b and 0o forms again, with a sign of their own after the prefix (0b-1) */
	for (const char *p = "bo"; *p; p++) {
		int base = *p == 'b' ? 2 : 8;
		if (pn >= 2 && plain[0] == '0' && plain[1] == *p) {
			if (resolve_int(out, plain + 2, pn - 2, base, 1))
				goto done;
		} else if (pn >= 3 && plain[0] == '-' && plain[1] == '0' && plain[2] == *p) {
			plain[2] = '-'; /* ParseInt("-" + plain[3:]) */
			if (resolve_int(out, plain + 2, pn - 2, base, 0))
				goto done;
		}
	}
	out->tag = GOYAML_STR;
done:
	if (plain != small)
		free(plain);
}

void goyaml_resolve(struct goyaml_value *out, const char *s, size_t n)
{
	char hint = resolve_hint(s, n);
	out->tag = GOYAML_STR;
	if (!n) {
		out->tag = GOYAML_NULL;
		return;
	}
	if (!hint || resolve_word(out, s, n))
		return;
	if (hint == '.' && go_parse_float(&out->v.f, s, n) == GO_OK)
		out->tag = GOYAML_FLOAT;
	else if (hint == 'D' || hint == 'S')
		resolve_number(out, s, n);
}

/* isOldBool */
static int is_old_bool(const char *s, size_t n)
{
	static const char *const words[] = { "y", "Y", "yes", "Yes", "YES", "on", "On", "ON",
					     "n", "N", "no", "No", "NO", "off", "Off", "OFF", NULL };
	return n <= 3 && word_in(s, n, words);
}

/* isBase60Float: ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$ */
static int is_base60_float(const char *s, size_t n)
{
	size_t i = n && (s[0] == '-' || s[0] == '+');
	if (i == n || !is_digit(s[i]))
		return 0;
	for (i++; i < n && (is_digit(s[i]) || s[i] == '_'); i++)
		;
	int groups = 0;
	while (i < n && s[i] == ':') {
		i++;
		/* [0-5]?[0-9]: taking two digits when they fit is never wrong, a
		 * digit cannot follow the group */
		if (i + 1 < n && s[i] >= '0' && s[i] <= '5' && is_digit(s[i + 1]))
			i += 2;
		else if (i < n && is_digit(s[i]))
			i++;
		else
			return 0;
		groups++;
	}
	if (!groups)
		return 0;
	if (i < n && s[i] == '.')
		for (i++; i < n && (is_digit(s[i]) || s[i] == '_'); i++)
			;
	return i == n;
}

int goyaml_plain_keeps_string(const char *s, size_t n)
{
	struct goyaml_value v;
	goyaml_resolve(&v, s, n);
	return v.tag == GOYAML_STR && !is_base60_float(s, n) && !is_old_bool(s, n);
}
