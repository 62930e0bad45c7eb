/* Durations, port specs, byte sizes and CPU counts against docker's Go parsers. */
#include "compose/sbuf.h"
#include "schemas/format.h"
#include "tests/unit/harness.h"

#include <stdio.h>

static int64_t duration(const char *s, int rc, const char *why)
{
	struct sbuf w = SBUF_INIT;
	int64_t ns = -42;
	int got = format_duration(&ns, s, strlen(s), &w);
	if (got != rc || (why && strcmp(w.buf, why)))
		test_fail(__FILE__, __LINE__, "duration %s: rc %d (%s), expected %d (%s)", s, got,
			  w.buf, rc, why ? why : "");
	sbuf_release(&w);
	return ns;
}

void test_schema_format__durations(void)
{
	CHECK_INT_EQ(duration("0", 0, NULL), 0);
	CHECK_INT_EQ(duration("-0", 0, NULL), 0);
	CHECK_INT_EQ(duration("90s", 0, NULL), 90000000000LL);
	CHECK_INT_EQ(duration("1h30m", 0, NULL), 5400000000000LL);
	CHECK_INT_EQ(duration("1.5h", 0, NULL), 5400000000000LL);
	CHECK_INT_EQ(duration("1500ms", 0, NULL), 1500000000LL);
	CHECK_INT_EQ(duration("100us", 0, NULL), 100000);
	CHECK_INT_EQ(duration("100\xc2\xb5s", 0, NULL), 100000);
	CHECK_INT_EQ(duration("100\xce\xbcs", 0, NULL), 100000);
	CHECK_INT_EQ(duration("-2m", 0, NULL), -120000000000LL);
	CHECK_INT_EQ(duration("+5ns", 0, NULL), 5);
	CHECK_INT_EQ(duration(".5s", 0, NULL), 500000000);
	CHECK_INT_EQ(duration("5.s", 0, NULL), 5000000000LL);
	CHECK_INT_EQ(duration("1h2m3s4ms", 0, NULL), 3723004000000LL);
	CHECK_INT_EQ(duration("2562047h47m16.854775807s", 0, NULL), INT64_MAX);
	duration("2562047h47m16.854775808s", -1, "value out of range");
	duration("", -1, "expected a number and a unit");
	duration("-", -1, "expected a number and a unit");
	duration("10", -1, "missing unit after \"10\" (expected ns, us, ms, s, m or h)");
	duration("10x", -1, "unknown unit \"x\" (expected ns, us, ms, s, m or h)");
	duration("10S", -1, "unknown unit \"S\" (expected ns, us, ms, s, m or h)");
	duration("1h2", -1, "missing unit after \"2\" (expected ns, us, ms, s, m or h)");
	duration(".s", -1, "expected digits around \".\"");
	duration("s", -1, "unexpected \"s\" (expected a digit)");
	duration("1 s", -1, "unknown unit \" s\" (expected ns, us, ms, s, m or h)");
	duration("99999999999999999999s", -1, "value out of range");
}

static void port(const char *s, const char *why)
{
	struct sbuf w = SBUF_INIT;
	int got = format_port_spec(s, strlen(s), &w);
	if (got != (why ? -1 : 0) || (why && strcmp(w.buf, why)))
		test_fail(__FILE__, __LINE__, "port %s: rc %d (%s), expected %s", s, got, w.buf,
			  why ? why : "ok");
	sbuf_release(&w);
}

void test_schema_format__ports(void)
{
	/* every short form of the ports-short-syntax case is accepted */
	static const char *const ok[] = {
		"80", "80/udp", "80/UDP", "80-81", "8080:80/tcp", "127.0.0.1::90", "[::1]:91:91",
		"8000-8001:92", "0:93", "94/sctp", "8100-8101:100-101/udp",
		"1.2.3.4:8200-8201:200-201", "9998-10001:9998-10001", "65535:65535", "80/",
		"80/tcp/extra", "80-81-junk", "::1:80:80", "[1.2.3.4]:80:80",
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		port(ok[i], NULL);
	port("80:80:80:80", "\"80:80\" is not an IP address");
	port("65536:80", "invalid published port \"65536\" (expected a number 0-65535 or a range like 8000-8010)");
	port("80:65536", "invalid container port \"65536\" (expected a number 0-65535 or a range like 8000-8010)");
	port("8000:80-81", "published range \"8000\" and container range \"80-81\" differ in size");
	port("8000-8002:80-81", "published range \"8000-8002\" and container range \"80-81\" differ in size");
	port("80/xyz", "unknown protocol \"xyz\" (expected tcp, udp or sctp)");
	port("", "no container port");
	port("80:", "no container port");
	port("/udp", "no container port");
	port("81-80", "\"81-80\" is a decreasing range");
	port("-80", "invalid container port \"-80\" (expected a number 0-65535 or a range like 8000-8010)");
	port("+80", "invalid container port \"+80\" (expected a number 0-65535 or a range like 8000-8010)");
	port("a:80", "invalid published port \"a\" (expected a number 0-65535 or a range like 8000-8010)");
	port("[::1:80:80", "invalid IP address \"[::1\"");
	port("[fe80::1%eth0]:80:80", "\"fe80::1%eth0\" is not an IP address");
	port("01.2.3.4:80:80", "\"01.2.3.4\" is not an IP address");
}

static int64_t ram(const char *s, const char *why)
{
	struct sbuf w = SBUF_INIT;
	int64_t b = -42;
	int got = format_ram_bytes(&b, s, strlen(s), &w);
	if (got != (why ? -1 : 0) || (why && strcmp(w.buf, why)))
		test_fail(__FILE__, __LINE__, "size %s: rc %d (%s), expected %s", s, got, w.buf,
			  why ? why : "ok");
	sbuf_release(&w);
	return b;
}

void test_schema_format__ram_bytes(void)
{
	/* the memory-units case */
	CHECK_INT_EQ(ram("50M", NULL), 52428800);
	CHECK_INT_EQ(ram("50m", NULL), 52428800);
	CHECK_INT_EQ(ram("50MB", NULL), 52428800);
	CHECK_INT_EQ(ram("50MiB", NULL), 52428800);
	CHECK_INT_EQ(ram("1 G", NULL), 1073741824);
	CHECK_INT_EQ(ram("1gb", NULL), 1073741824);
	CHECK_INT_EQ(ram("1.5G", NULL), 1610612736);
	CHECK_INT_EQ(ram("1k", NULL), 1024);
	CHECK_INT_EQ(ram("100b", NULL), 100);
	CHECK_INT_EQ(ram("1T", NULL), 1099511627776LL);
	CHECK_INT_EQ(ram("1P", NULL), 1125899906842624LL);
	CHECK_INT_EQ(ram("512", NULL), 512);
	CHECK_INT_EQ(ram("0.5k", NULL), 512);
	CHECK_INT_EQ(ram("1e3", NULL), 1000);
	ram("50Mi", "unknown unit \"Mi\" (expected b, k, m, g, t or p, optionally followed by b or ib)");
	ram("50X", "unknown unit \"X\" (expected b, k, m, g, t or p, optionally followed by b or ib)");
	ram("1E", "unknown unit \"E\" (expected b, k, m, g, t or p, optionally followed by b or ib)");
	ram("1bb", "unknown unit \"bb\" (expected b, k, m, g, t or p, optionally followed by b or ib)");
	ram("1kibb", "unknown unit \"kibb\" (expected b, k, m, g, t or p, optionally followed by b or ib)");
	ram("M", "expected a number with an optional unit (b, k, m, g, t, p)");
	ram("-1M", "size must not be negative");
	ram("1..2M", "\"1..2\" is not a number");
}

static int64_t cpus(const char *s, const char *why)
{
	struct sbuf w = SBUF_INIT;
	int64_t n = -42;
	int got = format_cpus(&n, s, strlen(s), &w);
	if (got != (why ? -1 : 0) || (why && strcmp(w.buf, why)))
		test_fail(__FILE__, __LINE__, "cpus %s: rc %d (%s), expected %s", s, got, w.buf,
			  why ? why : "ok");
	sbuf_release(&w);
	return n;
}

void test_schema_format__cpus(void)
{
	CHECK_INT_EQ(cpus("0.5", NULL), 500000000);
	CHECK_INT_EQ(cpus("2", NULL), 2000000000);
	CHECK_INT_EQ(cpus("0.000000001", NULL), 1);
	CHECK_INT_EQ(cpus("1.50000000000", NULL), 1500000000);
	CHECK_INT_EQ(cpus("1e-1", NULL), 100000000);
	CHECK_INT_EQ(cpus("1/4", NULL), 250000000);
	CHECK_INT_EQ(cpus("-1", NULL), -1000000000);
	CHECK_INT_EQ(cpus("0", NULL), 0);
	cpus("0.0000000001", "too precise (at most 9 decimal places)");
	cpus("1/3", "too precise (at most 9 decimal places)");
	cpus("1/0", "division by zero");
	cpus("abc", "\"abc\" is not a number");
	cpus("", "\"\" is not a number");
	cpus("1e30", "too large");
}
