/*
 * What both printers share: the shapes of docker's compose model (each
 * struct's printed key order is its rows' order in compose/model.h),
 * yaml.v3's "natural" key sort, and Go's float formatting.
 *
 * A printer walks the tree with a shape: the root starts at shape_root and
 * every child's shape comes from shape_child(), from the row of the field
 * that holds it. Keys without a row (x-* extensions, anything unexpected)
 * print after the known ones, sorted naturally, as yaml.v3 prints an
 * inline map after the struct fields. A node whose kind does not fit its
 * shape (ulimits `nofile: 5`, `external: true`) simply prints as what it is.
 */
#ifndef STACKC_EMIT_SHAPE_H
#define STACKC_EMIT_SHAPE_H

#include <stddef.h>

struct model_struct;
struct node;
struct node_entry;
struct sbuf;

enum shape_kind {
	SHAPE_ANY,    /* generic value: maps sorted naturally */
	SHAPE_STRUCT, /* fixed key order */
	SHAPE_DICT,   /* keys sorted naturally, values of one shape */
	SHAPE_LIST,   /* items of one shape */
};

#define SHAPE_F_VALUE   0x1u /* a Go struct value, not a pointer: null prints as {} */
#define SHAPE_F_FLOAT32 0x2u /* a float32 scalar: fewer digits */

struct shape {
	enum shape_kind kind;
	unsigned flags;
	const struct model_struct *st; /* STRUCT: the struct, its rows in print order */
	const struct shape *elem;      /* DICT values, LIST items; NULL: any */
};

extern const struct shape shape_root;
extern const struct shape shape_any;

/* The shape of the value under key (maps) or of an item (key NULL, lists). */
const struct shape *shape_child(const struct shape *s, const char *key);

/* An entry of a map and the shape of its value. */
struct shape_item {
	const struct node_entry *e;
	const struct shape *child;
};

/*
 * The entries of map in print order for shape s, into out (room for
 * map->map.n items, which the caller provides: most maps are small
 * enough for a buffer on its stack).
 */
void shape_order(struct shape_item *out, const struct shape *s, const struct node *map);
#define SHAPE_SMALL_ORDER 32 /* a caller's stack buffer of this many fits most maps */

/*
 * yaml.v3's key order (sorter.go keyList.Less) for two string keys: rune by
 * rune; letters by code point, a letter after a non-letter (before it right
 * after a digit), digit runs by numeric value. Returns non-zero if a < b.
 */
int shape_key_less(const char *a, size_t alen, const char *b, size_t blen);

/*
 * Append f as Go's strconv.FormatFloat(f, fmt, -1, bits) does: fmt 'g'
 * (what yaml.v3 prints), 'e' or 'f'; shortest digits that read back as the
 * same float64 (or float32 when bits32). Finite values only.
 */
void shape_format_float(struct sbuf *out, double f, int bits32, char fmt);

/*
 * An integer node's decimal text, written at the end of digits: returns
 * where it starts; *len is its length.
 */
#define SHAPE_INT_DIGITS 24 /* room for an int64 or uint64 in decimal */
const char *shape_format_int(char digits[SHAPE_INT_DIGITS], const struct node *n, size_t *len);

#endif
