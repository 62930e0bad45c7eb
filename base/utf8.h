/*
 * UTF-8 decoding with Go's rules (what docker's yaml.v3 and its env-file
 * reader accept): no overlong forms, no surrogates, nothing above U+10FFFF.
 */
#ifndef STACKC_BASE_UTF8_H
#define STACKC_BASE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length of the valid sequence at s (n bytes available), or 0; *rune gets its value (rune may be NULL). */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *rune);

#endif
