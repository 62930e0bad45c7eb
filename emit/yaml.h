/*
 * Print a tree in docker's output shape as `docker stack config` does:
 * gopkg.in/yaml.v3's encoder with indent 2, byte for byte.
 *
 *  - key order: struct fields in docker's declaration order, chosen from the
 *    path (root → services.* → deploy → ...; see emit/shape.c), then other
 *    keys (x-*) sorted; maps sorted with yaml.v3's natural order;
 *  - block style, sequences indented under their key, {} and [] when empty,
 *    a null top-level object or service prints {};
 *  - scalars: ints in decimal, floats like Go (max_failure_ratio as float32),
 *    strings plain, 'single' or "double" quoted, or |- literal exactly as
 *    yaml.v3 picks (never folded); invalid UTF-8 prints as !!binary.
 *
 * The tree is not modified. A NULL root prints "null".
 */
#ifndef STACKC_EMIT_YAML_H
#define STACKC_EMIT_YAML_H

#include <stdio.h>

struct node;
struct sbuf;

void emit_yaml(struct sbuf *out, const struct node *root);

/*
 * The same text written to f as it is produced, 64 KiB at a time, so a
 * large file is never held whole: f is flushed first, then the text goes
 * straight to its file descriptor (through f only when it has none).
 * Returns 0, or -1 with errno set when a write failed (what was written
 * stays written).
 */
int emit_yaml_file(FILE *f, const struct node *root);

#endif
