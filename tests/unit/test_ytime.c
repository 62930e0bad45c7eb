/* YAML timestamps: which texts are times, and how Go prints them (expected texts are docker 28.2.2's). */
#include "compose/ytime.h"
#include "tests/unit/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct ytime parsed(const char *s)
{
	struct ytime t;
	if (ytime_parse(&t, s, strlen(s)))
		test_fail(__FILE__, __LINE__, "%s is not a timestamp", s);
	return t;
}

void test_ytime__accepts_yaml_v3_layouts(void)
{
	static const char *const times[] = {
		"2001-12-14", "2002-1-1", "0000-01-01", "2000-02-29",
		"2001-12-14T21:59:43.10-05:00", "2001-12-14t21:59:43.10-05:00",
		"2001-12-14 21:59:43.10", "2001-12-14  21:59:43.10", "2001-12-14T21:59:43Z",
		"2001-12-14T21:59:43+00:00", "2001-12-14T21:59:43-00:00", "2001-12-14T21:59:43,5Z",
		"2001-12-14T21:59:43.123456789012Z", "2001-12-14T1:2:3Z", "2001-1-1T1:1:1.000000001Z",
		"2001-12-14T21:59:43+24:60",
	};
	for (size_t i = 0; i < sizeof(times) / sizeof(*times); i++)
		if (ytime_parse(NULL, times[i], strlen(times[i])))
			test_fail(__FILE__, __LINE__, "%s should be a timestamp", times[i]);
}

void test_ytime__rejects_look_alikes(void)
{
	static const char *const strings[] = {
		"2001-12-14 21:59:43.10 -5", "2001-12-14T21:59Z", "2001-12-14T21:59:43",
		"2001-12-14 21:59:43Z", "2001-13-45", "2001-02-29", "2001-2-30", "2001-12-0",
		"2001-12-14T24:00:00Z", "2001-12-14T23:60:00Z", "2001-12-14T23:59:60Z",
		"2001-12-14T21:59:43+2:00", "2001-12-14T21:59:43+0200", "2001-12-14T21:59:43z",
		"2001-12-14T21:59:43.Z", "2001-12-14T21:59:43+25:00", "2001-12-14T21:59:43+01:61",
		"2001-01-001", "20011-01-01", "201-01-01", "2001-12-14_1", "2001-12-14 ", "2001-",
		"2001", "", "+2001-12-14", "2001-12-14T", "2001-12-14T21:59:43.5 +01:00",
	};
	for (size_t i = 0; i < sizeof(strings) / sizeof(*strings); i++)
		if (!ytime_parse(NULL, strings[i], strlen(strings[i])))
			test_fail(__FILE__, __LINE__, "%s should not be a timestamp", strings[i]);
	/* the length counts, not a NUL */
	CHECK(ytime_parse(NULL, "2001-12-14T", 10) == 0);
	CHECK(ytime_parse(NULL, "2001-12-14\0", 11) != 0);
}

void test_ytime__fields(void)
{
	struct ytime t = parsed("2001-12-14t21:59:43.123456789999-05:30");
	CHECK_INT_EQ(t.year, 2001);
	CHECK_INT_EQ(t.month, 12);
	CHECK_INT_EQ(t.day, 14);
	CHECK_INT_EQ(t.hour, 21);
	CHECK_INT_EQ(t.min, 59);
	CHECK_INT_EQ(t.sec, 43);
	CHECK_INT_EQ(t.nsec, 123456789); /* digits past the ninth are dropped */
	CHECK_INT_EQ(t.offset, -(5 * 3600 + 30 * 60));
	CHECK(t.numeric_zone);
	t = parsed("2002-1-1 1:2:3,5");
	CHECK_INT_EQ(t.nsec, 500000000);
	CHECK_INT_EQ(t.offset, 0);
	CHECK(!t.numeric_zone);
	CHECK(!parsed("2001-12-14T21:59:43Z").numeric_zone);
}

static const char *go_text(const char *s)
{
	static char buf[YTIME_BUF];
	struct ytime t = parsed(s);
	size_t n = ytime_format_go(buf, &t);
	CHECK_INT_EQ(n, strlen(buf));
	return buf;
}

static const char *rfc_text(const char *s)
{
	static char buf[YTIME_BUF];
	struct ytime t = parsed(s);
	size_t n = ytime_format_rfc3339(buf, &t);
	CHECK_INT_EQ(n, strlen(buf));
	return buf;
}

/* Run with the local zone tz (NULL: unset), then put the old one back. */
static void set_tz(const char *tz, char **saved)
{
	if (saved) {
		const char *old = getenv("TZ");
		*saved = old ? strdup(old) : NULL;
	}
	if (tz)
		setenv("TZ", tz, 1);
	else
		unsetenv("TZ");
	tzset();
}

void test_ytime__format_go(void)
{
	char *saved;
	set_tz("UTC", &saved);
	CHECK_STR_EQ(go_text("2001-12-14"), "2001-12-14 00:00:00 +0000 UTC");
	CHECK_STR_EQ(go_text("2002-1-1"), "2002-01-01 00:00:00 +0000 UTC");
	CHECK_STR_EQ(go_text("0000-01-01"), "0000-01-01 00:00:00 +0000 UTC");
	CHECK_STR_EQ(go_text("2001-12-14T21:59:43.10-05:00"), "2001-12-14 21:59:43.1 -0500 -0500");
	CHECK_STR_EQ(go_text("2001-12-14 21:59:43.10"), "2001-12-14 21:59:43.1 +0000 UTC");
	CHECK_STR_EQ(go_text("2001-12-14T21:59:43.000Z"), "2001-12-14 21:59:43 +0000 UTC");
	CHECK_STR_EQ(go_text("2001-1-1T1:1:1.000000001Z"), "2001-01-01 01:01:01.000000001 +0000 UTC");
	CHECK_STR_EQ(go_text("2001-12-14T21:59:43.5+05:30"), "2001-12-14 21:59:43.5 +0530 +0530");
	/* an offset equal to the local zone's is the local zone, with its name */
	CHECK_STR_EQ(go_text("2001-07-14T21:59:43-00:00"), "2001-07-14 21:59:43 +0000 UTC");
	CHECK_STR_EQ(go_text("2001-12-14T21:59:43+24:60"), "2001-12-14 21:59:43 +2500 +2500");
	if (access("/usr/share/zoneinfo/America/New_York", R_OK)) {
		printf("  ytime: no tzdata, named local zones not tested\n");
		goto done;
	}
	set_tz("America/New_York", NULL);
	CHECK_STR_EQ(go_text("2001-12-14T21:59:43.10-05:00"), "2001-12-14 21:59:43.1 -0500 EST");
	CHECK_STR_EQ(go_text("2001-07-14T21:59:43.10-04:00"), "2001-07-14 21:59:43.1 -0400 EDT");
	CHECK_STR_EQ(go_text("2001-07-14T21:59:43.10-05:00"), "2001-07-14 21:59:43.1 -0500 -0500");
	CHECK_STR_EQ(go_text("2001-07-14T21:59:43+00:00"), "2001-07-14 21:59:43 +0000 +0000");
	CHECK_STR_EQ(go_text("2001-07-14T21:59:43Z"), "2001-07-14 21:59:43 +0000 UTC");
	CHECK_STR_EQ(go_text("2001-07-14"), "2001-07-14 00:00:00 +0000 UTC");
done:
	set_tz(saved, NULL);
	free(saved);
}

void test_ytime__format_rfc3339(void)
{
	CHECK_STR_EQ(rfc_text("2001-12-14"), "2001-12-14T00:00:00Z");
	CHECK_STR_EQ(rfc_text("2002-1-1"), "2002-01-01T00:00:00Z");
	CHECK_STR_EQ(rfc_text("2001-12-14t21:59:43.10-05:00"), "2001-12-14T21:59:43.1-05:00");
	CHECK_STR_EQ(rfc_text("2001-12-14T21:59:43-00:00"), "2001-12-14T21:59:43Z");
	CHECK_STR_EQ(rfc_text("2001-12-14T21:59:43,5+01:00"), "2001-12-14T21:59:43.5+01:00");
	CHECK_STR_EQ(rfc_text("2001-12-14T21:59:43.123456789012Z"), "2001-12-14T21:59:43.123456789Z");
	CHECK_STR_EQ(rfc_text("2001-12-14  1:2:3.000000010"), "2001-12-14T01:02:03.00000001Z");
}

void test_ytime__json_limits(void)
{
	struct ytime t = parsed("2001-12-14T21:59:43+23:59");
	CHECK(ytime_json_ok(&t));
	t = parsed("2001-12-14T21:59:43-23:60");
	CHECK(!ytime_json_ok(&t));
	t = parsed("2001-12-14T21:59:43+24:00");
	CHECK(!ytime_json_ok(&t));
	t = parsed("9999-12-31T23:59:59.999999999Z");
	CHECK(ytime_json_ok(&t));
}
