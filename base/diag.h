/*
 * The diagnostic sink: every error, warning and note of a run is collected
 * here (libgit2-style, one sink), then printed sorted by (file, line, col,
 * emission order) so the output is deterministic. Messages are copied into
 * the run's arena.
 *
 * diag_error() returns -1 so a function can `return diag_error(...)` (git's
 * error() idiom). A note attaches to the diagnostic before it.
 *
 * Human form:  file:line:col: error: path: message
 *   (no position: "stackc: error: ..."; no path: "file:line:col: error: message")
 * JSON form:   [{file, line, col, path, severity, rule, message}, ...]
 * GitHub form: ::error file=F,line=L,col=C,title=RULE::path: message
 *
 * User values echoed in messages must go through sb_repr() / diag_repr() so
 * control characters are escaped; secret values must never be passed in.
 */
#ifndef STACKC_BASE_DIAG_H
#define STACKC_BASE_DIAG_H

#include <stddef.h>
#include <stdio.h>

#include "base/source.h"

struct arena;
struct sbuf;

/*
 * A note belongs to the diagnostic reported just before it; an info stands
 * alone and is neither counted nor made an error by --strict (what stackc
 * did for the user, e.g. a Compose Specification key moved to its swarm place).
 */
enum diag_severity { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE, DIAG_INFO };
enum diag_format { DIAG_FORMAT_HUMAN, DIAG_FORMAT_JSON, DIAG_FORMAT_GITHUB };

#define DIAG_F_EXCERPT 1u /* always show the source line and caret (syntax errors) */

struct diag {
	enum diag_severity severity;
	unsigned flags;
	struct pos pos;
	const char *path;    /* dotted path, or NULL */
	const char *rule;    /* stable rule id, e.g. "schema.type", or NULL */
	const char *message;
	size_t seq, group;   /* emission order; group = seq of the owning error/warning */
};

struct diag_sink {
	struct arena *arena;
	const struct source_table *sources;
	struct diag *v;
	size_t n, alloc;
	size_t nerrors, nwarnings;
	int strict;          /* warnings count as errors */
	size_t max_errors;   /* 0 = unlimited; beyond it errors are counted, not kept */
	int color;           /* human form: paint error, warning, note (base/term.h) */
};

void diag_init(struct diag_sink *d, struct arena *arena, const struct source_table *sources);
void diag_release(struct diag_sink *d);

__attribute__((format(printf, 6, 7)))
int diag_add(struct diag_sink *d, enum diag_severity sev, const char *rule,
	     struct pos pos, const char *path, const char *fmt, ...);

/* The common cases of diag_add(): no rule name; a note has no path. Each returns -1. */
#define diag_error(d, pos, path, ...) diag_add((d), DIAG_ERROR, NULL, (pos), (path), __VA_ARGS__)
#define diag_warn(d, pos, path, ...) diag_add((d), DIAG_WARNING, NULL, (pos), (path), __VA_ARGS__)
#define diag_note(d, pos, ...) diag_add((d), DIAG_NOTE, NULL, (pos), NULL, __VA_ARGS__)

/* Flags on the most recent diagnostic (e.g. DIAG_F_EXCERPT). */
void diag_set_flags(struct diag_sink *d, unsigned flags);

/*
 * Turn the errors reported since diagnostic number `since` (d->n at the time)
 * into warnings: `config` prints what docker would print and only warns about
 * what would fail at deploy time.
 */
void diag_demote_since(struct diag_sink *d, size_t since);

/* Errors, plus warnings when strict. */
int diag_failed(const struct diag_sink *d);

/* Print everything sorted. excerpts: show source line + caret under errors. */
void diag_print(struct diag_sink *d, FILE *out, enum diag_format fmt, int excerpts);

/* Render a user value for a message (quoted, escaped, cut at 60 bytes); arena copy. */
const char *diag_repr(struct diag_sink *d, const char *s, size_t n);
/* The same, never cut: for file paths, which are useless half-shown. */
const char *diag_repr_all(struct diag_sink *d, const char *s, size_t n);

#endif
