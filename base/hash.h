/*
 * FNV-1a, the hash of the open-addressed tables (map keys, variable names,
 * the model index, warned texts). Inline: it runs for every key loaded.
 */
#ifndef STACKC_BASE_HASH_H
#define STACKC_BASE_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_SEED 2166136261u

/* The hash of the C string s, continued from h (HASH_SEED to start). */
static inline uint32_t hash_str_from(uint32_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static inline uint32_t hash_str(const char *s)
{
	return hash_str_from(HASH_SEED, s);
}

/* The hash of n bytes at s. */
static inline uint32_t hash_mem(const char *s, size_t n)
{
	uint32_t h = HASH_SEED;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

#endif
