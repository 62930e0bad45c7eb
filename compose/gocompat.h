/*
 * The Go library behaviour docker's output depends on, written once: every
 * part of stackc that must read or write text as a Go function does calls
 * the function here that mirrors it. Each says which Go function (package
 * and name) it mirrors and where it differs on purpose; the unit tests
 * (tests/unit/test_gocompat.c) hold a table of inputs with Go's answers.
 *
 * Texts are (pointer, length): they may hold NUL bytes, which Go's parsers
 * refuse like any other stray byte. Nothing here allocates beyond a copy
 * freed before returning, nor keeps state between calls.
 *
 * Other Go behaviour lives with its subject: durations, byte sizes, float
 * text and shlex in compose/units.h, timestamps in compose/ytime.h.
 */
#ifndef STACKC_COMPOSE_GOCOMPAT_H
#define STACKC_COMPOSE_GOCOMPAT_H

#include <stddef.h>
#include <stdint.h>

#include "base/node.h" /* union scalar_value */

/* ==== strconv ==== */

/* What the parsers return: Go's nil, ErrSyntax and ErrRange. */
#define GO_OK 0
#define GO_ESYNTAX (-1)
#define GO_ERANGE (-2)

/*
 * strconv.ParseUint(s, base, 64). base is 0 or 2 to 36; 0 reads the
 * prefixes 0b, 0o, 0x (either case) and a leading 0 as octal, and allows
 * '_' between digits (strconv's underscoreOK). No sign. On GO_ERANGE *out
 * is UINT64_MAX, on GO_ESYNTAX 0, as in Go. Another base is a BUG().
 */
int go_parse_uint(uint64_t *out, const char *s, size_t n, int base);

/*
 * strconv.ParseInt(s, base, 64): an optional sign, then ParseUint's
 * syntax. On GO_ERANGE *out is INT64_MAX or INT64_MIN, as in Go.
 * strconv.Atoi is go_parse_int(..., 10) (int is 64 bits where docker runs).
 */
int go_parse_int(int64_t *out, const char *s, size_t n, int base);

/*
 * strconv.ParseFloat(s, 64): decimal or hex (0x1.8p1, which needs its p
 * exponent) mantissas with an optional exponent, '_' between digits
 * (underscoreOK), and inf, infinity (signed) and nan (unsigned) in any
 * case. On GO_ERANGE *out is ±Inf, as in Go; a value too small to
 * represent is 0 or a denormal without error, as in Go. The rounding is
 * the C library's strtod, which rounds correctly like Go's.
 */
int go_parse_float(double *out, const char *s, size_t n);

/* ==== path/filepath ==== */

/* The bytes go_filepath_clean() may write for a path of len bytes. */
#define GO_CLEAN_ROOM(len) ((len) + 2)

/*
 * filepath.Clean(path) on Unix: the shortest path naming the same file by
 * purely lexical processing ("a/../../b" is "../b", "/.." is "/", "" is
 * "."). out has room for GO_CLEAN_ROOM(strlen(path)) bytes and gets a
 * NUL; it may not overlap path. Returns out.
 */
char *go_filepath_clean(char *out, const char *path);

/* ==== gopkg.in/yaml.v3 ==== */

/* The tags yaml.v3's resolver gives a plain scalar (and its Go value's type). */
enum goyaml_tag {
	GOYAML_STR,
	GOYAML_NULL,
	GOYAML_BOOL,
	GOYAML_INT,  /* an int (int64) */
	GOYAML_UINT, /* an !!int past the int64 range: a uint64 */
	GOYAML_FLOAT,
	GOYAML_TIMESTAMP, /* the text is kept; compose/ytime.h reads it */
};

struct goyaml_value {
	enum goyaml_tag tag;
	union scalar_value v;
};

/*
 * resolve.go resolve("", s): what a plain (untagged, unquoted) scalar
 * means. Words first (~ null true false .inf .nan in their three cases),
 * then for text starting with a digit or a sign a timestamp (ytime_parse),
 * then, with every '_' dropped, ParseInt / ParseUint (base 0), a float of
 * the YAML 1.2 form [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
 * through ParseFloat, and the 0b / 0o forms yaml.v3 retries with a sign
 * after the prefix (0b-1 is -1); text starting with '.' goes to ParseFloat
 * as it is. Anything else is a string.
 */
void goyaml_resolve(struct goyaml_value *out, const char *s, size_t n);

/*
 * encode.go stringv's canUsePlain for valid UTF-8: s written plain reads
 * back as this same string, and is not a YAML 1.1 boolean (y, yes, on, off,
 * n, no in three cases) or base 60 float (1:30), which yaml.v3 quotes for
 * older readers.
 */
int goyaml_plain_keeps_string(const char *s, size_t n);

#endif
