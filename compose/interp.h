/*
 * Variable interpolation (`$VAR`, `${VAR:-default}`, ...) of string values.
 *
 * Two grammars:
 *
 * INTERP_SPEC — the compose specification as compose-go implements it:
 *   `$$` is a literal `$`; `$NAME` / `${NAME}` (NAME = [_A-Za-z][_A-Za-z0-9]*);
 *   `${NAME<op>arg}` with op one of `:-` `-` `:+` `+` `:?` `?`; arg may hold
 *   nested expressions and is expanded only when used; an unset variable
 *   without default becomes "" with a warning; a `$` followed by anything
 *   else stays literal; a malformed `${` is an error. An expression with an
 *   operator ends at its balancing `}` (or at the last `}` of the line); it
 *   may not span lines.
 *
 * INTERP_DOCKER — docker CLI 28.2.2 (`docker stack deploy`), bugs included:
 *   no nesting, no `:+`/`+`, an unbraced `$NAME` may take a modifier that
 *   runs to the next `}`, the separator is chosen by precedence `:-`, `-`,
 *   `:?`, `?` anywhere in the expression (`${SET:?x-y}` gives "y"), unset
 *   variables silently become "", any other `$` is an error, and an error is
 *   forgotten when a later variable in the same value substitutes cleanly.
 *
 * In both grammars names are case-sensitive; like Go's case-insensitive
 * regexp, U+017F and U+212A also count as name letters.
 *
 * Diagnostics go to run->diag, at the `$` when the value is a verbatim copy
 * of one source line, else at the value. Rule ids: interp.syntax,
 * interp.required, interp.unset (warning, spec mode only: docker is
 * silent), interp.docker-differs (warning), interp.limit. Unlike compose-go
 * (first error only), every error of a value is reported, up to 10 of each
 * kind per value plus a note with the count of the rest. Each evaluation may
 * produce at most INTERP_MAX_VALUE bytes and nest INTERP_MAX_DEPTH levels
 * (errors beyond).
 *
 * Messages echo values (the docker-differs warning shows both readings):
 * they are cut at 60 bytes by diag_repr() but are not masked.
 */
#ifndef STACKC_COMPOSE_INTERP_H
#define STACKC_COMPOSE_INTERP_H

#include <stddef.h>

#include "base/source.h"

struct env;
struct node;
struct run;

#define INTERP_MAX_VALUE (1u << 20)
#define INTERP_MAX_DEPTH 64

enum interp_mode { INTERP_SPEC, INTERP_DOCKER };

struct interp_opts {
	enum interp_mode mode;
	const struct env *env; /* variables; NULL = none defined */
	int report_all;        /* every docker difference, also .env-only ones (see interp_tree) */
	int required_warns;    /* a required variable that is missing (${VAR:?msg}) is a
				* warning and its expression reads as "" (validate
				* --required-as-warnings: structure without the secrets) */
};

/*
 * Interpolate every string value of the tree in place. Mapping keys are
 * never interpolated, nor the top-level `version` (docker checks it before
 * interpolating). A value whose text changes gets NODE_INTERPOLATED (the
 * type casts of typecast.h apply only to those). In INTERP_SPEC mode, every
 * value that docker's parser would read differently (another string, an
 * error, or success where the spec fails) also gets an interp.docker-differs
 * warning (or a note under the error): once per distinct text, and not when
 * docker differs only because docker stack reads no .env / --env-file (a
 * user deploying with stackc does not care). With report_all, every such
 * value is reported (for files that `docker stack deploy` will also read). Every error is reported; returns -1
 * if there was any (values in error keep their text and are marked
 * NODE_FAILED).
 */
int interp_tree(struct run *run, struct node *root, const struct interp_opts *opts);

/*
 * The same, but comparing every value with docker's reading, also those
 * that use only forms both grammars provably read alike (interp_tree
 * skips those). For tests: the outcome must be the same.
 */
int interp_tree_compare_all(struct run *run, struct node *root, const struct interp_opts *opts);

/* s is a verbatim copy of the source at pos, on one line: report at the `$` column. */
#define INTERP_F_VERBATIM 1u

/*
 * Interpolate one string (len bytes, may be unterminated). On success *out
 * is the result in the run's arena (NUL-terminated, length *out_len) and 0
 * is returned; on error -1 with diagnostics at pos under path (may be NULL).
 * No docker comparison is made here.
 */
int interp_string(struct run *run, const struct interp_opts *opts, struct pos pos,
		  unsigned flags, const char *path, const char *s, size_t len,
		  const char **out, size_t *out_len);

#endif
