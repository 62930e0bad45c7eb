/*
 * The Go-compat functions against tables of Go's answers (strconv,
 * path/filepath, yaml.v3's resolver and stringv), written from the
 * behaviour the Go documentation and sources describe.
 */
#include "base/xalloc.h"
#include "compose/gocompat.h"
#include "tests/unit/harness.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A test string: its text (may hold NUL) and its length. */
#define T(s) s, sizeof(s) - 1

void test_gocompat__parse_int(void)
{
	static const struct {
		const char *s;
		size_t n;
		int base;
		int64_t want;
		int err;
	} cases[] = {
		{ T("0"), 10, 0, GO_OK },
		{ T("-0"), 10, 0, GO_OK },
		{ T("+5"), 10, 5, GO_OK },
		{ T("-123"), 10, -123, GO_OK },
		{ T("1_000"), 0, 1000, GO_OK },
		{ T("1_000"), 10, 0, GO_ESYNTAX }, /* '_' only with base 0 */
		{ T("_1000"), 0, 0, GO_ESYNTAX },
		{ T("1000_"), 0, 0, GO_ESYNTAX },
		{ T("1__000"), 0, 0, GO_ESYNTAX },
		{ T("0x_1F"), 0, 31, GO_OK }, /* a base prefix counts as a digit */
		{ T("0X1f"), 0, 31, GO_OK },
		{ T("0b101"), 0, 5, GO_OK },
		{ T("0o17"), 0, 15, GO_OK },
		{ T("017"), 0, 15, GO_OK },
		{ T("0_17"), 0, 15, GO_OK },
		{ T("08"), 0, 0, GO_ESYNTAX },
		{ T("0"), 0, 0, GO_OK },
		{ T("0x"), 0, 0, GO_ESYNTAX },
		{ T("-0x10"), 0, -16, GO_OK },
		{ T("z"), 36, 35, GO_OK },
		{ T("12"), 2, 0, GO_ESYNTAX },
		{ T(""), 10, 0, GO_ESYNTAX },
		{ T("-"), 10, 0, GO_ESYNTAX },
		{ T("+-1"), 10, 0, GO_ESYNTAX },
		{ T(" 1"), 10, 0, GO_ESYNTAX },
		{ T("1 "), 10, 0, GO_ESYNTAX },
		{ T("1\0"), 10, 0, GO_ESYNTAX },
		{ T("9223372036854775807"), 10, INT64_MAX, GO_OK },
		{ T("9223372036854775808"), 10, INT64_MAX, GO_ERANGE },
		{ T("-9223372036854775808"), 10, INT64_MIN, GO_OK },
		{ T("-9223372036854775809"), 10, INT64_MIN, GO_ERANGE },
		/* the overflow comes before the bad byte: a range error */
		{ T("99999999999999999999x"), 10, INT64_MAX, GO_ERANGE },
		{ T("x99999999999999999999"), 10, 0, GO_ESYNTAX },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int64_t got = 42;
		int err = go_parse_int(&got, cases[i].s, cases[i].n, cases[i].base);
		if (err != cases[i].err || got != cases[i].want)
			test_fail(__FILE__, __LINE__, "ParseInt(\"%s\", %d): %lld, %d; want %lld, %d",
				  cases[i].s, cases[i].base, (long long)got, err,
				  (long long)cases[i].want, cases[i].err);
	}
}

void test_gocompat__parse_uint(void)
{
	static const struct {
		const char *s;
		size_t n;
		int base;
		uint64_t want;
		int err;
	} cases[] = {
		{ T("18446744073709551615"), 10, UINT64_MAX, GO_OK },
		{ T("18446744073709551616"), 10, UINT64_MAX, GO_ERANGE },
		{ T("0xFFFF_FFFF_FFFF_FFFF"), 0, UINT64_MAX, GO_OK },
		{ T("0x1_0000_0000_0000_0000"), 0, UINT64_MAX, GO_ERANGE },
		{ T("+1"), 10, 0, GO_ESYNTAX },
		{ T("-1"), 10, 0, GO_ESYNTAX },
		{ T("0b_1_1"), 0, 3, GO_OK },
		{ T("0b1__1"), 0, 0, GO_ESYNTAX },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t got = 42;
		int err = go_parse_uint(&got, cases[i].s, cases[i].n, cases[i].base);
		if (err != cases[i].err || got != cases[i].want)
			test_fail(__FILE__, __LINE__, "ParseUint(\"%s\", %d): %llu, %d; want %llu, %d",
				  cases[i].s, cases[i].base, (unsigned long long)got, err,
				  (unsigned long long)cases[i].want, cases[i].err);
	}
}

void test_gocompat__parse_float(void)
{
	static const struct {
		const char *s;
		size_t n;
		double want; /* NAN: NaN */
		int err;
	} cases[] = {
		{ T("1.5"), 1.5, GO_OK },
		{ T("-1.5e3"), -1500, GO_OK },
		{ T(".5"), 0.5, GO_OK },
		{ T("5."), 5, GO_OK },
		{ T("0x1p-2"), 0.25, GO_OK },
		{ T("0X1P-2"), 0.25, GO_OK },
		{ T("0x1.8p1"), 3, GO_OK },
		{ T("0x_1p1"), 2, GO_OK }, /* a base prefix counts as a digit */
		{ T("0x1"), 0, GO_ESYNTAX }, /* a hex mantissa needs its exponent */
		{ T("1_000.5"), 1000.5, GO_OK },
		{ T("1_0.2_5e1_0"), 10.25e10, GO_OK },
		{ T("inf"), INFINITY, GO_OK },
		{ T("+Inf"), INFINITY, GO_OK },
		{ T("-Infinity"), -INFINITY, GO_OK },
		{ T("NaN"), NAN, GO_OK },
		{ T("1e400"), INFINITY, GO_ERANGE },
		{ T("-1e400"), -INFINITY, GO_ERANGE },
		{ T("1e-400"), 0, GO_OK }, /* underflow is no error */
		{ T(""), 0, GO_ESYNTAX },
		{ T("+"), 0, GO_ESYNTAX },
		{ T("."), 0, GO_ESYNTAX },
		{ T("1e"), 0, GO_ESYNTAX },
		{ T("1e+"), 0, GO_ESYNTAX },
		{ T("+nan"), 0, GO_ESYNTAX },
		{ T("infin"), 0, GO_ESYNTAX },
		{ T("nan "), 0, GO_ESYNTAX },
		{ T("1__0"), 0, GO_ESYNTAX },
		{ T("1._5"), 0, GO_ESYNTAX },
		{ T("_1"), 0, GO_ESYNTAX },
		{ T("1_"), 0, GO_ESYNTAX },
		{ T("1.5.5"), 0, GO_ESYNTAX },
		{ T(" 1"), 0, GO_ESYNTAX },
		{ T("1 "), 0, GO_ESYNTAX },
		{ T("1\0"), 0, GO_ESYNTAX },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		double got = 42;
		int err = go_parse_float(&got, cases[i].s, cases[i].n);
		int same = isnan(cases[i].want) ? isnan(got) : got == cases[i].want;
		if (err != cases[i].err || !same)
			test_fail(__FILE__, __LINE__, "ParseFloat(\"%s\"): %g, %d; want %g, %d",
				  cases[i].s, got, err, cases[i].want, cases[i].err);
	}
}

void test_gocompat__filepath_clean(void)
{
	static const char *const cases[][2] = {
		{ "", "." },
		{ ".", "." },
		{ "./", "." },
		{ "..", ".." },
		{ "../", ".." },
		{ "/", "/" },
		{ "//", "/" },
		{ "/..", "/" },
		{ "/../a", "/a" },
		{ "abc/", "abc" },
		{ "a//b///c", "a/b/c" },
		{ "//a//", "/a" },
		{ "a/./b/.", "a/b" },
		{ "a/../../b", "../b" },
		{ "a/b/../..", "." },
		{ "/a/b/../../..", "/" },
		{ "a/b/../../../c/d/../../../e", "../../e" },
		{ "a/../../././../b", "../../b" },
		{ "../../a", "../../a" },
		{ ".../a", ".../a" },
		{ "a/..b", "a/..b" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *out = xmalloc(GO_CLEAN_ROOM(strlen(cases[i][0])));
		go_filepath_clean(out, cases[i][0]);
		if (strcmp(out, cases[i][1]))
			test_fail(__FILE__, __LINE__, "Clean(\"%s\") == \"%s\", want \"%s\"",
				  cases[i][0], out, cases[i][1]);
		free(out);
	}
}

void test_gocompat__yaml_resolve(void)
{
	static const struct {
		const char *s;
		size_t n;
		enum goyaml_tag tag;
		double want; /* the int, uint, float or bool as a double; NAN: NaN */
	} cases[] = {
		{ T(""), GOYAML_NULL, 0 },
		{ T("~"), GOYAML_NULL, 0 },
		{ T("Null"), GOYAML_NULL, 0 },
		{ T("nULL"), GOYAML_STR, 0 },
		{ T("TRUE"), GOYAML_BOOL, 1 },
		{ T("False"), GOYAML_BOOL, 0 },
		{ T("yes"), GOYAML_STR, 0 }, /* YAML 1.1 booleans are strings to yaml.v3 */
		{ T("on"), GOYAML_STR, 0 },
		{ T("<<"), GOYAML_STR, 0 },
		{ T("nginx"), GOYAML_STR, 0 },
		{ T("1"), GOYAML_INT, 1 },
		{ T("+1"), GOYAML_INT, 1 },
		{ T("-1"), GOYAML_INT, -1 },
		{ T("1_000"), GOYAML_INT, 1000 },
		{ T("1_"), GOYAML_INT, 1 }, /* every '_' goes before the numbers are tried */
		{ T("0x1F"), GOYAML_INT, 31 },
		{ T("0o17"), GOYAML_INT, 15 },
		{ T("017"), GOYAML_INT, 15 },
		{ T("0b101"), GOYAML_INT, 5 },
		{ T("0b-1"), GOYAML_INT, -1 },
		{ T("0b+1"), GOYAML_INT, 1 },
		{ T("0o-10"), GOYAML_INT, -8 },
		{ T("-0b1"), GOYAML_INT, -1 },
		{ T("0B-1"), GOYAML_STR, 0 },
		{ T("08"), GOYAML_FLOAT, 8 }, /* not octal: the float form takes it */
		{ T("9223372036854775808"), GOYAML_UINT, 9223372036854775808.0 },
		{ T("18446744073709551616"), GOYAML_FLOAT, 18446744073709551616.0 },
		{ T("-9223372036854775809"), GOYAML_FLOAT, -9223372036854775809.0 },
		{ T("1.5"), GOYAML_FLOAT, 1.5 },
		{ T("1e3"), GOYAML_FLOAT, 1000 },
		{ T("1."), GOYAML_FLOAT, 1 },
		{ T(".5"), GOYAML_FLOAT, 0.5 },
		{ T(".5_5"), GOYAML_FLOAT, 0.55 }, /* '.' first: ParseFloat as it is */
		{ T("._5"), GOYAML_STR, 0 },
		{ T("1e400"), GOYAML_STR, 0 },
		{ T("0x1p-2"), GOYAML_STR, 0 },
		{ T(".inf"), GOYAML_FLOAT, INFINITY },
		{ T("-.Inf"), GOYAML_FLOAT, -INFINITY },
		{ T("+.INF"), GOYAML_FLOAT, INFINITY },
		{ T(".NaN"), GOYAML_FLOAT, NAN },
		{ T(".nAn"), GOYAML_STR, 0 },
		{ T("2001-12-14"), GOYAML_TIMESTAMP, 0 },
		{ T("2001-13-45"), GOYAML_STR, 0 },
		{ T("1:30"), GOYAML_STR, 0 },
		{ T("-"), GOYAML_STR, 0 },
		{ T("1\0"), GOYAML_STR, 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct goyaml_value v;
		double got = 0;
		goyaml_resolve(&v, cases[i].s, cases[i].n);
		switch (v.tag) {
		case GOYAML_BOOL: got = v.v.b; break;
		case GOYAML_INT: got = (double)v.v.i; break;
		case GOYAML_UINT: got = (double)v.v.u; break;
		case GOYAML_FLOAT: got = v.v.f; break;
		default: break;
		}
		int same = isnan(cases[i].want) ? isnan(got) : got == cases[i].want;
		if (v.tag != cases[i].tag || !same)
			test_fail(__FILE__, __LINE__, "resolve(\"%s\"): tag %d, %g; want %d, %g",
				  cases[i].s, (int)v.tag, got, (int)cases[i].tag, cases[i].want);
	}
}

void test_gocompat__yaml_plain_keeps_string(void)
{
	static const struct {
		const char *s;
		size_t n;
		int plain;
	} cases[] = {
		{ T("abc"), 1 },
		{ T("._5"), 1 },
		{ T("1e400"), 1 },
		{ T("yES"), 1 },
		{ T("1:60"), 1 }, /* not base 60 */
		{ T(""), 0 },
		{ T("true"), 0 },
		{ T("1"), 0 },
		{ T("1.5"), 0 },
		{ T("0b-1"), 0 },
		{ T("2001-12-14"), 0 },
		{ T("y"), 0 }, /* YAML 1.1 booleans, quoted for older readers */
		{ T("OFF"), 0 },
		{ T("1:30"), 0 }, /* YAML 1.1 base 60 floats, likewise */
		{ T("-1:30:00.5"), 0 },
		{ T("1_0:59"), 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		if (goyaml_plain_keeps_string(cases[i].s, cases[i].n) != cases[i].plain)
			test_fail(__FILE__, __LINE__, "plain \"%s\" reads back: want %d", cases[i].s,
				  cases[i].plain);
}
