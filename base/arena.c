/*
 * Bump allocator over 64 KiB chunks; large requests get a chunk of their own.
 * In debug mode each request is its own chunk, which gives ASan exact bounds.
 */
#include "base/arena.h"
#include "base/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE (64 * 1024)
/* enough for what lives here (pointers, sizes, int64_t, double), and no more */
#define ARENA_ALIGN 8

struct arena_chunk {
	struct arena_chunk *next;
	size_t size, used;
	max_align_t data[]; /* aligned storage */
};

void arena_init(struct arena *a)
{
	a->chunks = NULL;
	a->used_total = 0;
}

void arena_release(struct arena *a)
{
	struct arena_chunk *c = a->chunks;
	while (c) {
		struct arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->chunks = NULL;
	a->used_total = 0;
}

static struct arena_chunk *new_chunk(struct arena *a, size_t size)
{
	struct arena_chunk *c = xmalloc(sizeof(*c) + size);
	c->size = size;
	c->used = 0;
	c->next = a->chunks;
	a->chunks = c;
	return c;
}

#ifndef STACKC_ARENA_DEBUG
/* bump() when the current chunk has no room */
static void *bump_slow(struct arena *a, size_t n)
{
	if (n > CHUNK_SIZE / 4) {
		/* big block: own chunk, linked behind the current one */
		struct arena_chunk *c = a->chunks;
		struct arena_chunk *big = xmalloc(sizeof(*big) + n);
		big->size = big->used = n;
		if (c) {
			big->next = c->next;
			c->next = big;
		} else {
			big->next = NULL;
			a->chunks = big;
		}
		return big->data;
	}
	struct arena_chunk *c = new_chunk(a, CHUNK_SIZE);
	c->used = n;
	return c->data;
}
#endif

/* n bytes aligned to align (a power of two), not zeroed */
static inline void *bump(struct arena *a, size_t n, size_t align)
{
	a->used_total += n;
#ifdef STACKC_ARENA_DEBUG
	(void)align;
	struct arena_chunk *d = new_chunk(a, n ? n : 1);
	d->used = d->size;
	return d->data;
#else
	struct arena_chunk *c = a->chunks;
	if (c && n <= CHUNK_SIZE / 4) {
		size_t at = (c->used + align - 1) & ~(align - 1);
		if (at <= c->size && c->size - at >= n) {
			c->used = at + n;
			return (char *)c->data + at;
		}
	}
	return bump_slow(a, n);
#endif
}

void *arena_alloc(struct arena *a, size_t n)
{
	size_t align = ARENA_ALIGN;
	n = (n + align - 1) & ~(align - 1);
	if (!n)
		n = align;
	void *p = bump(a, n, align);
	memset(p, 0, n);
	return p;
}

/* Text needs no alignment and is written over at once. */
char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = bump(a, n + 1, 1);
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_vfmt(struct arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	if (n < 0)
		BUG("bad format %s", fmt);
	char *p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return p;
}

char *arena_fmt(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vfmt(a, fmt, ap);
	va_end(ap);
	return p;
}

void *arena_grow(struct arena *a, void *old, size_t n, size_t newcap, size_t sz)
{
	void *p = arena_alloc(a, newcap * sz);
	if (n)
		memcpy(p, old, n * sz);
	return p;
}
