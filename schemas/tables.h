/*
 * The compiled schemas: what scripts/schemac.c writes (build/schemas_data.c)
 * from schemas/v3.*.json at build time and schemas/validate.c reads. Nothing
 * else uses it.
 *
 * Everything is an index, never a pointer, so the tables are plain read-only
 * data: no relocations at start-up, and only the pages a validation touches
 * are ever read. Nodes are shared between versions when they are equal.
 * Index 0 of stab_nodes is no node; offset 0 of stab_pool is "".
 */
#ifndef STACKC_SCHEMAS_TABLES_H
#define STACKC_SCHEMAS_TABLES_H

#include <stddef.h>
#include <stdint.h>

/* value types; bit order = the order types are listed in messages */
enum {
	T_STRING = 1 << 0,
	T_INTEGER = 1 << 1,
	T_NUMBER = 1 << 2,
	T_BOOLEAN = 1 << 3,
	T_NULL = 1 << 4,
	T_OBJECT = 1 << 5,
	T_ARRAY = 1 << 6,
	T_ANY = (1 << 7) - 1,
};

/* stab_node.flags */
enum {
	SN_EMPTY = 1 << 0,   /* no keyword at all: anything passes */
	SN_CLOSED = 1 << 1,  /* additionalProperties: false */
	SN_UNIQUE = 1 << 2,  /* uniqueItems */
	SN_ONE_OF = 1 << 3,  /* the choice is a oneOf (else anyOf) */
	SN_MINIMUM = 1 << 4, /* minimum is set */
	SN_TYPE_ONLY = 1 << 5, /* a scalar that has the type passes: no enum, format, minimum, choice */
};

enum sformat { F_NONE, F_DURATION, F_PORTS, F_EXPOSE };

struct stab_node {
	uint8_t types;     /* T_*; 0: any */
	uint8_t flags;     /* SN_* */
	uint8_t format;    /* enum sformat */
	uint16_t defname;  /* pool offset of its name under definitions, 0: none */
	uint16_t props, nprops;       /* stab_props[props ...], sorted by name (strcmp) */
	uint16_t hash;                /* stab_hash[hash ...]: 2^hbits slots, prop index + 1 */
	uint8_t hbits;                /* or 0 = free, by stab_key_hash(), linear probing */
	uint16_t pats, npats;         /* stab_pats[pats ...], in schema order */
	uint16_t required, nrequired; /* stab_strs[required ...]: key names */
	uint16_t enums, nenums;       /* stab_strs[enums ...]: pairs (value, value as JSON) */
	uint16_t choice, nchoice;     /* stab_refs[choice ...]: oneOf/anyOf branches */
	uint16_t items;               /* node, 0: none */
	double minimum;
};

struct stab_prop {
	uint16_t name; /* pool offset */
	uint16_t node;
};

/*
 * The hash of a property name of len bytes, for stab_hash: from its length
 * and first and last bytes, which tell most names of one object apart
 * without reading the rest.
 */
static inline uint32_t stab_key_hash(const char *key, size_t len)
{
	const unsigned char *p = (const unsigned char *)key;
	return len ? ((uint32_t)p[0] * 31u + p[len - 1]) * 31u + (uint32_t)len : 0;
}

struct stab_pat {
	uint16_t pattern; /* index in stab_patterns (distinct pattern texts) */
	uint16_t node;
};

struct stab_version {
	uint16_t name; /* pool offset of the file's base name, e.g. "v3.13" */
	uint16_t root;
};

extern const char stab_pool[];
extern const struct stab_node stab_nodes[];
extern const struct stab_prop stab_props[];
extern const struct stab_pat stab_pats[];
extern const uint16_t stab_strs[];
extern const uint16_t stab_refs[];
extern const uint16_t stab_hash[];
extern const uint16_t stab_patterns[]; /* pool offsets */
extern const uint16_t stab_npatterns;
extern const struct stab_version stab_versions[]; /* ends with {0, 0} */

#endif
