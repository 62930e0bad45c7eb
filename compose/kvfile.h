/*
 * env-file parsing with docker's pkg/kvfile rules (used by `env_file`):
 *  - the text must be valid UTF-8; a UTF-8 BOM at the start is dropped;
 *  - lines end at LF (a CR before it is dropped); a line may be at most
 *    KVFILE_MAX_LINE bytes (bufio.Scanner's limit);
 *  - leading white space (Unicode) is stripped; blank lines and lines
 *    starting with '#' are skipped;
 *  - KEY=VALUE is taken verbatim: no quotes removed, no interpolation,
 *    trailing spaces kept;
 *  - KEY alone takes the value of lookup(KEY) when it returns non-NULL,
 *    otherwise the line is dropped;
 *  - an empty KEY, or a KEY holding a space or tab, is an error.
 *
 * Parsing stops at the first error. Entries and their text live in the given
 * arena. Error messages never include values (env files hold secrets).
 */
#ifndef STACKC_COMPOSE_KVFILE_H
#define STACKC_COMPOSE_KVFILE_H

#include <stddef.h>

struct arena;
struct sbuf;

#define KVFILE_MAX_LINE 65535

struct kvfile_entry {
	const char *key;   /* NUL-terminated, non-empty */
	const char *value; /* NUL-terminated (may hold NULs: use value_len) */
	size_t value_len;
	size_t line;       /* 1-based */
};

struct kvfile {
	struct kvfile_entry *v; /* in file order; a key may repeat (last wins) */
	size_t n, alloc;
};

/* Returns the value of an environment variable, or NULL when unset. */
typedef const char *(*kvfile_lookup_fn)(void *ctx, const char *name);

/*
 * Parse text (len bytes, NULs allowed). Returns 0; or -1 with a message
 * appended to err ("variable 'A B' contains whitespaces", "no variable name
 * on line 3", "invalid UTF-8 on line 2", "line 4 is too long") and
 * *err_line set to the 1-based line (when err_line is not NULL).
 */
int kvfile_parse(struct kvfile *out, struct arena *a, const char *text, size_t len,
		 kvfile_lookup_fn lookup, void *ctx, struct sbuf *err, size_t *err_line);

#endif
