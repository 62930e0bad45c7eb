/*
 * Print a tree in docker's output shape as JSON: the same keys in the same
 * order as emit_yaml(), two-space indent, a final newline. Ints are numbers,
 * floats use Go's encoding/json text, strings are escaped (invalid UTF-8
 * becomes U+FFFD); NaN and infinities, which JSON cannot hold, print null.
 *
 * The tree is not modified. A NULL root prints "null".
 */
#ifndef STACKC_EMIT_JSON_H
#define STACKC_EMIT_JSON_H

struct node;
struct sbuf;

void emit_json(struct sbuf *out, const struct node *root);

#endif
