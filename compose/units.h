/*
 * Small pure conversions that must match the Go libraries docker uses, byte
 * for byte: durations (time.ParseDuration / Duration.String), byte sizes
 * (go-units RAMInBytes), Go's float text (fmt %v, strconv 'g' shortest) and
 * command splitting (google/shlex); strconv's parsers are in
 * compose/gocompat.h. Nothing here allocates except units_shlex_split (arena).
 *
 * Error texts are the Go libraries' own wording (static strings, or written
 * into the caller's sbuf), without any "error decoding" wrapper.
 */
#ifndef STACKC_COMPOSE_UNITS_H
#define STACKC_COMPOSE_UNITS_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct sbuf;

#define UNITS_BUF 40 /* room for any text written by the formatters below */

/*
 * time.ParseDuration: [-+]?([0-9]*(\.[0-9]*)?(ns|us|µs|μs|ms|s|m|h))+ or "0",
 * range of int64 nanoseconds. Returns 0, or -1 (syntax or overflow).
 */
int units_parse_duration(const char *s, int64_t *ns);

/* time.Duration.String(): "1h30m0s", "1.5s", "100µs", "0s", "-2m0s". Returns buf. */
char *units_format_duration(int64_t ns, char buf[static UNITS_BUF]);

/*
 * go-units RAMInBytes: a float followed by an optional case-insensitive
 * suffix b, k, m, g, t, p (powers of 1024) optionally followed by b or ib;
 * truncated to int64 (values past the int64 range give INT64_MIN, as Go does
 * on amd64). Returns 0, or -1 with the Go message appended to err:
 * "invalid size: '<s>'", "invalid suffix: '<sfx>'",
 * "strconv.ParseFloat: parsing \"<num>\": invalid syntax" / "value out of range".
 */
int units_ram_in_bytes(const char *s, int64_t *out, struct sbuf *err);

/*
 * Go's shortest float text (fmt %v, strconv.FormatFloat(f, 'g', -1, bits)):
 * shortest digits that read back as the same float of that size, exponent
 * form when the decimal exponent is < -4 or >= 6 (Go uses precision 6 for
 * that decision when printing shortest): "1e+06", "123456", "1e-05",
 * "0.0001", "1e+20", "-0"; "+Inf", "-Inf", "NaN". bits is 64 (float64) or 32 (the value is first rounded to float32).
 * Returns buf.
 */
char *units_format_go_float(double f, int bits, char buf[static UNITS_BUF]);

/* A word of units_shlex_split: arena copy, NUL-terminated. */
struct units_word {
	const char *s;
	size_t len;
};

/*
 * google/shlex Split: words separated by space, tab, CR, LF; '...' literal;
 * "..." with backslash escapes; backslash escapes outside quotes; '#' at the
 * start of a word comments out the rest of the line. Returns 0, or -1 with
 * *err = "EOF found when expecting closing quote" or
 * "EOF found after escape character".
 */
int units_shlex_split(struct arena *a, const char *s, size_t len,
		      struct units_word **out, size_t *n, const char **err);

#endif
