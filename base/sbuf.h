/*
 * Growable strings (git's strbuf).
 *
 * Invariants:
 *  - buf is never NULL: SBUF_INIT points it at a shared empty string, so a
 *    fresh sbuf can be printed without allocation;
 *  - buf[len] == '\0' always; the contents may hold NUL bytes of their own;
 *  - alloc == 0 means buf is the shared empty string and must not be freed.
 *  - cap, when non-zero, is a hard size limit: the sbuf_add* calls that would
 *    grow len past it return -1 and leave the buffer as it was (curl's dynbuf
 *    "toobig"). Use it for data from the network or from expansion.
 *
 * Growth dies on OOM. sbuf_release() frees and re-initialises; sbuf_detach()
 * hands the heap buffer to the caller.
 */
#ifndef STACKC_BASE_SBUF_H
#define STACKC_BASE_SBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

extern char sbuf_empty[];

struct sbuf {
	char *buf;
	size_t len, alloc, cap;
};

#define SBUF_INIT { sbuf_empty, 0, 0, 0 }

void sbuf_init(struct sbuf *sb, size_t cap);
void sbuf_release(struct sbuf *sb);
char *sbuf_detach(struct sbuf *sb, size_t *len);
void sbuf_reset(struct sbuf *sb);
void sbuf_setlen(struct sbuf *sb, size_t len);

/* These return 0, or -1 when the cap would be passed. */
__attribute__((warn_unused_result)) int sbuf_add(struct sbuf *sb, const void *p, size_t n);
__attribute__((warn_unused_result)) int sbuf_addstr(struct sbuf *sb, const char *s);
__attribute__((warn_unused_result)) int sbuf_addch(struct sbuf *sb, int c);
__attribute__((warn_unused_result, format(printf, 2, 3)))
int sbuf_addf(struct sbuf *sb, const char *fmt, ...);
__attribute__((warn_unused_result, format(printf, 2, 0)))
int sbuf_vaddf(struct sbuf *sb, const char *fmt, va_list ap);

/*
 * Append the rest of f: 0, or an errno value (EFBIG when the cap would be
 * passed; what was read before stays).
 */
int sbuf_read_stream(struct sbuf *sb, FILE *f);

/*
 * For uncapped buffers, where failure is impossible: same as above, but
 * BUG() if a cap is set and reached.
 */
void sb_put(struct sbuf *sb, const void *p, size_t n);
void sb_puts(struct sbuf *sb, const char *s);
void sb_putc(struct sbuf *sb, int c);
void sb_printf(struct sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * For parsers that explain a failure in an optional `why` buffer: append the
 * reason when why is not NULL, and return -1 either way. sb_reason_repr puts
 * the user text s (n bytes) quoted and cut at 40 bytes between before and after.
 */
int sb_reason(struct sbuf *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sb_reason_repr(struct sbuf *why, const char *before, const char *s, size_t n,
		   const char *after);

/*
 * Append a user value for a message: double-quoted, control characters and
 * quotes escaped, cut after max bytes with "..." (max 0 = no cut).
 */
void sb_repr(struct sbuf *sb, const char *s, size_t n, size_t max);

#endif
