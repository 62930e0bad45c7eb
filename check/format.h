/*
 * Value syntaxes that docker checks with Go code rather than with the
 * schema's types: short port specs and CPU counts (durations and byte sizes
 * are in compose/units.h). Each parser accepts exactly what the Go function
 * named below accepts.
 *
 * On failure every function returns -1 and, when why is not NULL, appends a
 * short lower-case reason to it (e.g. `unknown unit "x"`); user text in the
 * reason is quoted with sb_repr(). Nothing is allocated otherwise.
 */
#ifndef STACKC_CHECK_FORMAT_H
#define STACKC_CHECK_FORMAT_H

#include <stddef.h>
#include <stdint.h>

struct sbuf;

/*
 * docker's nat.ParsePortSpec ("[ip:][host[-host]:]port[-port][/proto]");
 * IPv6 host addresses in brackets.
 */
int format_port_spec(const char *s, size_t len, struct sbuf *why);

/*
 * docker opts.ParseCPUs: a rational number ("0.5", "2", "1e-1", "1/4") whose
 * value in nano-CPUs is an integer. *nano may be NULL.
 */
int format_cpus(int64_t *nano, const char *s, size_t len, struct sbuf *why);

#endif
