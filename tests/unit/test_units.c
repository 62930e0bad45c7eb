/* Go-compatible conversions: durations, byte sizes, float text, shlex. */
#include "base/arena.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "compose/units.h"
#include "tests/unit/harness.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

static int64_t dur(const char *s)
{
	int64_t ns = 12345;
	if (units_parse_duration(s, &ns))
		test_fail(__FILE__, __LINE__, "duration %s rejected", s);
	return ns;
}

static const char *fmt_dur(int64_t ns)
{
	static char buf[UNITS_BUF];
	return units_format_duration(ns, buf);
}

void test_units__parse_duration(void)
{
	CHECK_INT_EQ(dur("0"), 0);
	CHECK_INT_EQ(dur("-0"), 0);
	CHECK_INT_EQ(dur("90s"), 90000000000LL);
	CHECK_INT_EQ(dur("1.5h"), 5400000000000LL);
	CHECK_INT_EQ(dur("100us"), 100000);
	CHECK_INT_EQ(dur("100\xc2\xb5s"), 100000); /* micro sign */
	CHECK_INT_EQ(dur("100\xce\xbcs"), 100000); /* Greek mu */
	CHECK_INT_EQ(dur("1h1s"), 3601000000000LL);
	CHECK_INT_EQ(dur(".5s"), 500000000);
	CHECK_INT_EQ(dur("1.s"), 1000000000);
	CHECK_INT_EQ(dur("-1m"), -60000000000LL);
	CHECK_INT_EQ(dur("+2ms"), 2000000);
	CHECK_INT_EQ(dur("0.5ns"), 0);
	CHECK_INT_EQ(dur("9223372036854775807ns"), INT64_MAX);
	CHECK_INT_EQ(dur("-9223372036854775808ns"), INT64_MIN);
	CHECK_INT_EQ(dur("1.0000000001s"), 1000000000);
	int64_t ns;
	static const char *const bad[] = { "", "1", "s", "1x", "1.2.3s", "-", ".s", "1ss",
					   "9223372036854775808ns", "3000000h", "1 s", "0x" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!units_parse_duration(bad[i], &ns))
			test_fail(__FILE__, __LINE__, "duration \"%s\" accepted", bad[i]);
}

void test_units__format_duration(void)
{
	CHECK_STR_EQ(fmt_dur(0), "0s");
	CHECK_STR_EQ(fmt_dur(90000000000LL), "1m30s");
	CHECK_STR_EQ(fmt_dur(60000000000LL), "1m0s");
	CHECK_STR_EQ(fmt_dur(3600000000000LL), "1h0m0s");
	CHECK_STR_EQ(fmt_dur(5400000000000LL), "1h30m0s");
	CHECK_STR_EQ(fmt_dur(100000), "100\xc2\xb5s");
	CHECK_STR_EQ(fmt_dur(1500000000), "1.5s");
	CHECK_STR_EQ(fmt_dur(1500), "1.5\xc2\xb5s");
	CHECK_STR_EQ(fmt_dur(1), "1ns");
	CHECK_STR_EQ(fmt_dur(2000000), "2ms");
	CHECK_STR_EQ(fmt_dur(-1000000000), "-1s");
	CHECK_STR_EQ(fmt_dur(3723500000000LL), "1h2m3.5s");
	CHECK_STR_EQ(fmt_dur(INT64_MAX), "2562047h47m16.854775807s");
	CHECK_STR_EQ(fmt_dur(INT64_MIN), "-2562047h47m16.854775808s");
	CHECK_STR_EQ(fmt_dur(dur("1h0m1s")), "1h0m1s");
	/* whole units print without a fraction */
	CHECK_STR_EQ(fmt_dur(1000), "1\xc2\xb5s");
	CHECK_STR_EQ(fmt_dur(1000000), "1ms");
	CHECK_STR_EQ(fmt_dur(1000000001), "1.000000001s");
	CHECK_STR_EQ(fmt_dur(dur("2m")), "2m0s");
	CHECK_STR_EQ(fmt_dur(dur("1.5h")), "1h30m0s");
}

static int64_t ram(const char *s)
{
	struct sbuf err = SBUF_INIT;
	int64_t v = -7;
	int rc = units_ram_in_bytes(s, &v, &err);
	sbuf_release(&err);
	if (rc)
		test_fail(__FILE__, __LINE__, "size %s rejected", s);
	return v;
}

static void check_ram_error(const char *file, int line, const char *s, const char *msg)
{
	struct sbuf err = SBUF_INIT;
	int64_t v;
	int rc = units_ram_in_bytes(s, &v, &err);
	int ok = rc == -1 && !strcmp(err.buf, msg);
	char got[200];
	snprintf(got, sizeof(got), "%s", err.buf);
	sbuf_release(&err);
	if (!ok)
		test_fail(file, line, "size \"%s\": rc %d \"%s\", expected \"%s\"", s, rc, got, msg);
}
#define CHECK_RAM_ERROR(s, msg) check_ram_error(__FILE__, __LINE__, (s), (msg))

void test_units__ram_in_bytes(void)
{
	CHECK_INT_EQ(ram("50M"), 52428800);
	CHECK_INT_EQ(ram("50m"), 52428800);
	CHECK_INT_EQ(ram("50MB"), 52428800);
	CHECK_INT_EQ(ram("50MiB"), 52428800);
	CHECK_INT_EQ(ram("1.5G"), 1610612736);
	CHECK_INT_EQ(ram("512"), 512);
	CHECK_INT_EQ(ram("1 G"), 1073741824);
	CHECK_INT_EQ(ram("100b"), 100);
	CHECK_INT_EQ(ram("1T"), 1099511627776LL);
	CHECK_INT_EQ(ram("1P"), 1125899906842624LL);
	CHECK_INT_EQ(ram("1_000"), 1000);
	CHECK_INT_EQ(ram("0x1p4"), 16);
	CHECK_INT_EQ(ram("0x1p4K"), 16384);
	CHECK_INT_EQ(ram("1e3k"), 1024000);
	CHECK_INT_EQ(ram("+1k"), 1024);
	CHECK_INT_EQ(ram(".5k"), 512);
	CHECK_INT_EQ(ram("5."), 5);
	CHECK_INT_EQ(ram("1e-3"), 0);
	CHECK_INT_EQ(ram("-0"), 0);
	CHECK_INT_EQ(ram("1e30"), INT64_MIN); /* Go's out-of-range conversion on amd64 */
	CHECK_INT_EQ(ram("9223372036854775807"), INT64_MIN);
	/* plain digits, up to and past the 15 read without ParseFloat */
	CHECK_INT_EQ(ram("007k"), 7168);
	CHECK_INT_EQ(ram("999999999999999"), 999999999999999LL);
	CHECK_INT_EQ(ram("9007199254740993"), 9007199254740992LL); /* rounded, as a float64 */
	CHECK_INT_EQ(ram("1024 KiB"), 1048576);
	CHECK_RAM_ERROR("50Mi", "invalid suffix: 'mi'");
	CHECK_RAM_ERROR("50X", "invalid suffix: 'x'");
	CHECK_RAM_ERROR("1E", "invalid suffix: 'e'");
	CHECK_RAM_ERROR("1kbb", "invalid suffix: 'kbb'");
	CHECK_RAM_ERROR("1KBBB", "invalid suffix: 'KBBB'");
	CHECK_RAM_ERROR("1bb", "invalid suffix: 'bb'");
	CHECK_RAM_ERROR("inf", "invalid size: 'inf'");
	CHECK_RAM_ERROR("-1G", "invalid size: '-1G'");
	CHECK_RAM_ERROR("0x10", "strconv.ParseFloat: parsing \"0x10\": invalid syntax");
	CHECK_RAM_ERROR(" 1k", "strconv.ParseFloat: parsing \" 1\": invalid syntax");
	CHECK_RAM_ERROR("1k ", "strconv.ParseFloat: parsing \"1k\": invalid syntax");
	CHECK_RAM_ERROR("1__0", "strconv.ParseFloat: parsing \"1__0\": invalid syntax");
	CHECK_RAM_ERROR("1e309", "strconv.ParseFloat: parsing \"1e309\": value out of range");
}

static const char *gf(double f, int bits)
{
	static char buf[UNITS_BUF];
	return units_format_go_float(f, bits, buf);
}

void test_units__format_go_float(void)
{
	CHECK_STR_EQ(gf(1e6, 64), "1e+06");
	CHECK_STR_EQ(gf(1234567.0, 64), "1.234567e+06");
	CHECK_STR_EQ(gf(123456.0, 64), "123456");
	CHECK_STR_EQ(gf(0.00001, 64), "1e-05");
	CHECK_STR_EQ(gf(0.0001, 64), "0.0001");
	CHECK_STR_EQ(gf(1e20, 64), "1e+20");
	CHECK_STR_EQ(gf(1e21, 64), "1e+21");
	CHECK_STR_EQ(gf(-0.0, 64), "-0");
	CHECK_STR_EQ(gf(0, 64), "0");
	CHECK_STR_EQ(gf(1.5, 64), "1.5");
	CHECK_STR_EQ(gf(0.1, 64), "0.1");
	CHECK_STR_EQ(gf(-1.5e-5, 64), "-1.5e-05");
	CHECK_STR_EQ(gf(123456789.0, 64), "1.23456789e+08");
	CHECK_STR_EQ(gf(1e-7, 64), "1e-07");
	CHECK_STR_EQ(gf(5e-324, 64), "5e-324");
	CHECK_STR_EQ(gf(1.7976931348623157e308, 64), "1.7976931348623157e+308");
	CHECK_STR_EQ(gf(0.30000000000000004, 64), "0.30000000000000004");
	CHECK_STR_EQ(gf(100, 64), "100");
	CHECK_STR_EQ(gf(INFINITY, 64), "+Inf");
	CHECK_STR_EQ(gf(-INFINITY, 64), "-Inf");
	CHECK_STR_EQ(gf(NAN, 64), "NaN");
	/* float32 fields (max_failure_ratio) print float32's shortest digits */
	CHECK_STR_EQ(gf(0.1, 32), "0.1");
	CHECK_STR_EQ(gf(0.3333333333, 32), "0.33333334");
	CHECK_STR_EQ(gf(16777217.0, 32), "1.6777216e+07");
	CHECK_STR_EQ(gf(0.3333333333, 64), "0.3333333333");
}

static const char *split(const char *s, const char **err)
{
	static char out[512];
	struct units_word *w;
	size_t n;
	if (units_shlex_split(&test_run()->arena, s, strlen(s), &w, &n, err))
		return NULL;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s[%s]", i ? " " : "", w[i].s);
	return out;
}

void test_units__shlex_split(void)
{
	const char *err;
	CHECK_STR_EQ(split("nginx -g 'daemon off;'", &err), "[nginx] [-g] [daemon off;]");
	CHECK_STR_EQ(split("echo a #b c", &err), "[echo] [a]");
	CHECK_STR_EQ(split("a#b", &err), "[a#b]");
	CHECK_STR_EQ(split("#x\ny z", &err), "[y] [z]");
	CHECK_STR_EQ(split("sh -c 'echo $HOME'", &err), "[sh] [-c] [echo $HOME]");
	CHECK_STR_EQ(split("echo \"a b\" c\\ d", &err), "[echo] [a b] [c d]");
	CHECK_STR_EQ(split("\"a\\\"b\" 'c\\d'", &err), "[a\"b] [c\\d]");
	CHECK_STR_EQ(split("a'b'\"c\"d", &err), "[abcd]");
	CHECK_STR_EQ(split("'' \"\" x", &err), "[] [] [x]");
	CHECK_STR_EQ(split(" \t\r\n ", &err), "");
	CHECK_STR_EQ(split("", &err), "");
	CHECK_STR_EQ(split("\\#x y", &err), "[#x] [y]");
	CHECK_STR_EQ(split("caf\xc3\xa9 \xe6\x97\xa5", &err), "[caf\xc3\xa9] [\xe6\x97\xa5]");
	/* an input longer than the split's own buffer */
	char long_in[400], long_out[404];
	memset(long_in, 'w', 300);
	strcpy(long_in + 300, " 'x y'");
	snprintf(long_out, sizeof(long_out), "[%.300s] [x y]", long_in);
	CHECK_STR_EQ(split(long_in, &err), long_out);
	CHECK(split("echo 'oops", &err) == NULL);
	CHECK_STR_EQ(err, "EOF found when expecting closing quote");
	CHECK(split("echo \"oops", &err) == NULL);
	CHECK_STR_EQ(err, "EOF found when expecting closing quote");
	CHECK(split("echo oops\\", &err) == NULL);
	CHECK_STR_EQ(err, "EOF found after escape character");
	CHECK(split("\"oops\\", &err) == NULL);
	CHECK_STR_EQ(err, "EOF found after escape character");
}
