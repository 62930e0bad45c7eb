/*
 * One arena per run for document data: source text, nodes, keys, scalar text
 * and diagnostic messages. Everything is freed at once by arena_release().
 *
 * With -DSTACKC_ARENA_DEBUG every allocation is its own malloc() (tracked in a
 * list) so ASan and valgrind see each object and catch overflows between them.
 *
 * Allocation never fails (xalloc dies on OOM). arena_alloc() memory is zeroed
 * and 8-byte aligned (enough for pointers, sizes, int64_t and double; not for
 * long double or 16-byte vectors); text from arena_strndup() is not aligned.
 */
#ifndef STACKC_BASE_ARENA_H
#define STACKC_BASE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *chunks;
	size_t used_total; /* bytes handed out, for statistics */
};

#define ARENA_INIT { NULL, 0 }

void arena_init(struct arena *a);
void arena_release(struct arena *a);

void *arena_alloc(struct arena *a, size_t n);
/* Copy n bytes and add a NUL. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_fmt(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vfmt(struct arena *a, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Grow an arena array: returns a copy of old (n elements of size sz) with room for newcap. */
void *arena_grow(struct arena *a, void *old, size_t n, size_t newcap, size_t sz);

#endif
