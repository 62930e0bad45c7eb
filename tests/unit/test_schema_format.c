/* Port specs and CPU counts against docker's Go parsers. */
#include "base/sbuf.h"
#include "check/format.h"
#include "tests/unit/harness.h"

#include <stdio.h>

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
