/*
 * YAML timestamps as docker reads and prints them. yaml.v3 types a plain
 * scalar as a time.Time when Go's time.Parse accepts it with one of the
 * layouts "2006-1-2T15:4:5.999999999Z07:00" (also with a lower-case 't'),
 * "2006-1-2 15:4:5.999999999" or "2006-1-2": so `2002-1-1` and
 * `2001-12-14t21:59:43,5Z` are times, `2001-12-14 21:59:43.10 -5`,
 * `2001-13-45` and `2001-02-29` are strings.
 *
 * A time keeps what Go keeps: the wall clock, nanoseconds (the first nine
 * fraction digits) and the zone offset. Without a zone, and with `Z`, the
 * zone is UTC; a numeric offset is Go's Local zone (TZ, else
 * /etc/localtime) when that has the same offset at that instant, else an
 * unnamed zone. Nothing here allocates.
 */
#ifndef STACKC_COMPOSE_YTIME_H
#define STACKC_COMPOSE_YTIME_H

#include <stddef.h>
#include <stdint.h>

struct ytime {
	int year, month, day, hour, min, sec;
	int32_t nsec;
	int32_t offset; /* seconds east of UTC */
	int numeric_zone; /* the text had +hh:mm / -hh:mm (not Z, not none) */
};

#define YTIME_BUF 96 /* room for any text written by the formatters below */

/* 0 and *t (t may be NULL) when the len bytes at s are a timestamp; else -1. */
int ytime_parse(struct ytime *t, const char *s, size_t len);

/* The time of a text the loader typed as a timestamp (BUG() when it is not one). */
struct ytime ytime_of(const char *s, size_t len);

/* time.Time.String(): "2001-12-14 00:00:00 +0000 UTC", "2001-12-14 21:59:43.1 -0500 -0500". Returns the length. */
size_t ytime_format_go(char buf[static YTIME_BUF], const struct ytime *t);

/* RFC 3339 with nanoseconds, as yaml.v3 and encoding/json print a time: "2001-12-14T21:59:43.1-05:00". Returns the length. */
size_t ytime_format_rfc3339(char buf[static YTIME_BUF], const struct ytime *t);

/* Can encoding/json write it? Not with a zone offset of 24 hours or more. */
int ytime_json_ok(const struct ytime *t);

#endif
