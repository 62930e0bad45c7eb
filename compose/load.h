/*
 * YAML → positioned tree, with libyaml's event API.
 *
 * Only the first document of a stream is read (as docker does). Anchors and
 * aliases are expanded by copying; `<<` merge keys are applied (explicit keys
 * win; with a list of maps, earlier maps win). Duplicate keys are an error
 * with a note at the first definition. Limits, each with its own error:
 * file size, nesting depth, nodes created by alias expansion (billion laughs).
 *
 * Errors go to run->diag with the file's position; functions return -1.
 * Syntax errors carry DIAG_F_EXCERPT so the source line and caret show.
 */
#ifndef STACKC_COMPOSE_LOAD_H
#define STACKC_COMPOSE_LOAD_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct node;
struct run;

#define LOAD_MAX_BYTES (64u << 20)    /* per file */
#define LOAD_MAX_DEPTH 200
#define LOAD_MAX_ALIAS_NODES 2000000u /* per document, created by aliases/merges */

/*
 * Read a file into the source table. name is what messages show; "-" reads
 * stdin (shown as "<stdin>"). abspath may be NULL (stdin).
 */
int load_read_file(uint32_t *out_src, struct run *run, const char *name, const char *abspath);

/*
 * Parse source src. *out is the document's root, or NULL for an empty
 * stream / empty document.
 */
int load_yaml(struct node **out, struct run *run, uint32_t src);

/* Type a plain (unquoted, untagged) scalar's text as yaml.v3 does; in place. */
void load_resolve_plain(struct arena *a, struct node *n);

#endif
