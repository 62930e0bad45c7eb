/*
 * Allocation that cannot fail: on out-of-memory these print
 * "stackc: fatal: out of memory" and exit(3). Return codes elsewhere are
 * therefore only for user, I/O and Engine failures.
 *
 * Also: die() for fatal system errors, BUG() for impossible states.
 */
#ifndef STACKC_BASE_XALLOC_H
#define STACKC_BASE_XALLOC_H

#include <stddef.h>

#define UNUSED __attribute__((unused))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a fresh heap string; the caller frees it. */
char *xstrfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

__attribute__((noreturn, format(printf, 1, 2)))
void die(const char *fmt, ...);

__attribute__((noreturn, format(printf, 3, 4)))
void bug_fl(const char *file, int line, const char *fmt, ...);
#define BUG(...) bug_fl(__FILE__, __LINE__, __VA_ARGS__)

/* Grow an array so that index nr-1 fits; `alloc` is updated. */
#define ALLOC_GROW(x, nr, alloc)                                             \
	do {                                                                 \
		if ((nr) > (alloc)) {                                        \
			(alloc) = (alloc) < 8 ? 8 : (alloc) * 2;             \
			if ((alloc) < (nr))                                  \
				(alloc) = (nr);                              \
			(x) = xrealloc((x), (alloc) * sizeof(*(x)));         \
		}                                                            \
	} while (0)

#endif
