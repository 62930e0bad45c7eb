/* YAML timestamps; see ytime.h. The parser follows Go's time.Parse step by step. */
#include "compose/ytime.h"
#include "base/xalloc.h"

#include <string.h>
#include <time.h>

static int is_digit(const char *p, const char *end)
{
	return p < end && *p >= '0' && *p <= '9';
}

/* Go's getnum: one or two digits (exactly two when fixed). */
static int getnum(const char **p, const char *end, int fixed, int *out)
{
	const char *s = *p;
	if (!is_digit(s, end))
		return -1;
	if (!is_digit(s + 1, end)) {
		if (fixed)
			return -1;
		*out = s[0] - '0';
		*p = s + 1;
		return 0;
	}
	*out = (s[0] - '0') * 10 + (s[1] - '0');
	*p = s + 2;
	return 0;
}

static int days_in(int month, int year)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (month == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
		return 29;
	return days[month - 1];
}

/*
 * time.Parse with "2006-1-2" and then, by sep: nothing (0),
 * "T15:4:5.999999999Z07:00" ('T' or 't'), or " 15:4:5.999999999" (' ').
 */
static int parse_layout(struct ytime *t, const char *s, const char *end, char sep)
{
	const char *p = s + 4;
	memset(t, 0, sizeof(*t));
	t->year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	if (p >= end || *p++ != '-' || getnum(&p, end, 0, &t->month) || t->month < 1 ||
	    t->month > 12)
		return -1;
	if (p >= end || *p++ != '-' || getnum(&p, end, 0, &t->day))
		return -1;
	if (sep == ' ') {
		/* a space in a layout matches any number of spaces (at least one) */
		if (p >= end || *p != ' ')
			return -1;
		while (p < end && *p == ' ')
			p++;
	} else if (sep && (p >= end || *p++ != sep)) {
		return -1;
	}
	if (sep) {
		if (getnum(&p, end, 0, &t->hour) || t->hour >= 24)
			return -1;
		if (p >= end || *p++ != ':' || getnum(&p, end, 0, &t->min) || t->min >= 60)
			return -1;
		if (p >= end || *p++ != ':' || getnum(&p, end, 0, &t->sec) || t->sec >= 60)
			return -1;
		if (end - p >= 2 && (*p == '.' || *p == ',') && is_digit(p + 1, end)) {
			/* any number of digits; the first nine count */
			int n = 0;
			for (p++; is_digit(p, end); p++, n++)
				if (n < 9)
					t->nsec = t->nsec * 10 + (*p - '0');
			for (; n < 9; n++)
				t->nsec *= 10;
		}
		if (sep != ' ') {
			if (p < end && *p == 'Z') {
				p++;
			} else {
				int hh, mm;
				const char *q = p + 1;
				if (end - p < 6 || p[3] != ':' || getnum(&q, end, 1, &hh) || hh > 24)
					return -1;
				q = p + 4;
				if (getnum(&q, end, 1, &mm) || mm > 60 || (*p != '+' && *p != '-'))
					return -1;
				t->offset = (*p == '-' ? -1 : 1) * (hh * 60 + mm) * 60;
				t->numeric_zone = 1;
				p += 6;
			}
		}
	}
	if (p != end)
		return -1;
	return t->day >= 1 && t->day <= days_in(t->month, t->year) ? 0 : -1;
}

int ytime_parse(struct ytime *t, const char *s, size_t len)
{
	static const char seps[] = { 'T', 't', ' ', 0 };
	struct ytime scratch;
	const char *end = s + len;
	/* all the layouts start with four digits and '-' */
	for (size_t i = 0; i < 4; i++)
		if (!is_digit(s + i, end))
			return -1;
	if (len < 5 || s[4] != '-')
		return -1;
	for (size_t k = 0; k < sizeof(seps); k++)
		if (!parse_layout(t ? t : &scratch, s, end, seps[k]))
			return 0;
	return -1;
}

struct ytime ytime_of(const char *s, size_t len)
{
	struct ytime t;
	if (ytime_parse(&t, s, len))
		BUG("timestamp %.*s does not parse", (int)len, s);
	return t;
}

static char *put2(char *p, int v)
{
	*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

/* "2001-12-14" sep "21:59:43" and the fraction without trailing zeros */
static char *put_wall(char *p, const struct ytime *t, char sep)
{
	p = put2(p, t->year / 100);
	p = put2(p, t->year % 100);
	*p++ = '-';
	p = put2(p, t->month);
	*p++ = '-';
	p = put2(p, t->day);
	*p++ = sep;
	p = put2(p, t->hour);
	*p++ = ':';
	p = put2(p, t->min);
	*p++ = ':';
	p = put2(p, t->sec);
	if (t->nsec) {
		int32_t ns = t->nsec;
		int digits = 9;
		while (ns % 10 == 0)
			ns /= 10, digits--;
		*p++ = '.';
		for (int i = digits; i-- > 0; ns /= 10)
			p[i] = (char)('0' + ns % 10);
		p += digits;
	}
	return p;
}

/* the offset as Go's -0700 (colon 0) or -07:00 (colon ':') */
static char *put_offset(char *p, int32_t offset, char colon)
{
	int32_t zone = offset / 60;
	*p++ = zone < 0 ? '-' : '+';
	if (zone < 0)
		zone = -zone;
	p = put2(p, zone / 60);
	if (colon)
		*p++ = colon;
	return put2(p, zone % 60);
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* The local zone's name when it has t's offset at t, as Go's time.Parse checks; else NULL. */
static const char *local_zone_name(const struct ytime *t)
{
	time_t at = (time_t)(days_from_civil(t->year, t->month, t->day) * 86400 +
			     t->hour * 3600 + t->min * 60 + t->sec - t->offset);
	struct tm tm;
	if (!localtime_r(&at, &tm) || tm.tm_gmtoff != t->offset || !tm.tm_zone)
		return NULL;
	return tm.tm_zone;
}

size_t ytime_format_go(char buf[static YTIME_BUF], const struct ytime *t)
{
	char *p = put_wall(buf, t, ' ');
	*p++ = ' ';
	p = put_offset(p, t->offset, 0);
	*p++ = ' ';
	const char *name = t->numeric_zone ? local_zone_name(t) : "UTC";
	if (name) {
		size_t n = strnlen(name, YTIME_BUF - (size_t)(p - buf) - 1);
		memcpy(p, name, n);
		p += n;
	} else {
		p = put_offset(p, t->offset, 0);
	}
	*p = '\0';
	return (size_t)(p - buf);
}

size_t ytime_format_rfc3339(char buf[static YTIME_BUF], const struct ytime *t)
{
	char *p = put_wall(buf, t, 'T');
	if (t->offset)
		p = put_offset(p, t->offset, ':');
	else
		*p++ = 'Z';
	*p = '\0';
	return (size_t)(p - buf);
}

int ytime_json_ok(const struct ytime *t)
{
	return t->offset / 3600 < 24 && t->offset / 3600 > -24;
}
