/*
 * Schema validation of one compose file, per version, against the project's
 * own JSON schemas (schemas/v3.0.json ... v3.13.json, embedded at build
 * time; see schemas/README.md). They mean what docker's schemas mean.
 *
 * The dialect is the part of draft-04 those files use, with docker's
 * formats: `duration` (Go time.ParseDuration), `ports` (nat.ParsePortSpec)
 * and `expose` (never checked). `integer` accepts any number without a
 * fractional part (1.0), as gojsonschema does after docker's JSON round trip.
 *
 * Unlike docker, which prints one error, every problem is reported, each at
 * the offending node (an unknown key at the key, a missing key at the
 * mapping), in document order, with a dotted path and a rule id:
 *   schema.type  schema.additional-property  schema.required  schema.enum
 *   schema.format  schema.unique  schema.minimum  schema.one-of
 *   schema.key-type (non-string mapping key)  schema.version
 * For oneOf the branch whose type fits the value is the one reported; when
 * no branch fits, one type error lists every accepted type.
 *
 * Schemas are compiled at build time (scripts/schemac.c); patterns the
 * schemas use are matched by hand, others are compiled (pcre2) once per
 * distinct pattern on first use; schema_cache_release() frees them
 * (optional, for leak checkers).
 */
#ifndef STACKC_CHECK_VALIDATE_H
#define STACKC_CHECK_VALIDATE_H

struct node;
struct rules_gaps;
struct run;

/* Supported versions, oldest first ("3.0" ... "3.13"), NULL-terminated. */
extern const char *const schema_versions[];
#define SCHEMA_DEFAULT_VERSION "3.13"

/*
 * The version a raw file (before interpolation) declares, normalized:
 * missing, "" and "3" give "3.13". A non-string version or one without a
 * schema is an error (rule schema.version) at the value; *out is then NULL.
 * root may be NULL (empty file) or a non-mapping (*out = default).
 * *out points to static storage.
 */
int schema_version_check(const char **out, struct run *run, const struct node *root);

/*
 * Validate root (interpolated and type-cast, not normalized) against the
 * schema for version (as returned by schema_version_check; NULL = default).
 * Returns -1 if any error was reported, else 0.
 *
 * Each value that fails is marked NODE_FAILED, for the pipeline to take out:
 * the value of an unknown key or of a non-string key, a mapping that lacks
 * a required key, a duplicate item, else the value the error is at. Values
 * marked already (an earlier check failed them) are not looked at, nothing
 * below them either, and a required key whose value is marked counts as
 * present: no error follows from another.
 *
 * An unknown key taken for a misspelling (did you mean "volumes"?) of a key
 * its mapping lacks is, for the swarm rules, the key meant having failed:
 * its path goes to gaps (may be NULL), so that a top-level `volume:` does
 * not also make every volume "undefined", nor `imgae:` the service "without
 * image".
 */
int schema_validate(struct run *run, struct node *root, const char *version,
		    struct rules_gaps *gaps);

/*
 * The same without diagnostics: only the marks. After marked values were
 * taken out, what fails now follows from that (a mapping that lost a
 * required key): the pipeline takes it out too, unreported.
 */
int schema_mark_invalid(struct node *root, const char *version);

void schema_cache_release(void);

/* s matches the pcre2 pattern (compiled once, cached with the schemas'). */
int schema_regex_match(const char *pattern, const char *s);

/*
 * For tests: whether pattern (as written in a schema) matches s, checking
 * that the hand-written matcher used for the schemas' common patterns and
 * pcre2 agree. Returns 1 or 0, or -1 when they disagree.
 */
int schema_pattern_selftest(const char *pattern, const char *s);

#endif
