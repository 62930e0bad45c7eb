/*
 * `extends` of Compose Specification files, resolved as compose-go does
 * (loader/extends.go), on one interpolated file before it is lowered
 * (compose/spec.h) and merged with the others:
 *
 *  - `extends: svc` or `extends: {service: svc, file: path}`; without file,
 *    the base is a service of the same file (never of another -f file);
 *  - file is resolved against the project directory for a top-level file,
 *    against its own directory for a file reached by extends; the file is
 *    read and interpolated with the same variables, its includes are not
 *    processed; relative paths in what is taken from it (bind mount
 *    sources, env_file, a nested extends.file) are rebased so that they
 *    still name the same file from the project directory;
 *  - chains are resolved recursively, each base once; a cycle is an error
 *    naming the chain (extends.cycle: "a -> b -> a");
 *  - the local definition is merged over a copy of the base with compose's
 *    merge rules (spec_merge_service()); `extends` leaves the result.
 *
 * Differences from compose, on purpose: a !reset/!override tag is honoured
 * on scalars only (the loader records tags on scalars: `user: !reset null`,
 * `image: !override x`); compose also takes them on lists and mappings.
 * Errors (rule extends.*) are reported at the extends key; a service whose
 * extends failed is left as written, without extends.
 */
#ifndef STACKC_COMPOSE_EXTENDS_H
#define STACKC_COMPOSE_EXTENDS_H

struct node;
struct run;
struct interp_opts;

struct extends_opts {
	const char *workdir;             /* the project directory (absolute) */
	const struct interp_opts *interp; /* for files reached by extends; NULL: not interpolated */
};

/*
 * Resolve every extends of root's services in place; root's relative paths
 * are written from the project directory (an included file's are rebased
 * first). Returns -1 when an error was reported.
 */
int extends_resolve(struct run *run, struct node *root, const struct extends_opts *o);

/*
 * Rewrite the relative paths of a service (bind mount sources, env_file,
 * extends.file) written from directory prefix (relative to the project
 * directory, or absolute) so that they resolve from the project directory.
 */
void extends_rebase_service(struct run *run, struct node *svc, const char *prefix);

/* prefix joined with a relative path, cleaned as filepath.Clean does ("a/../b" → "b"), "./" in
 * front when relative and not above the project directory. */
const char *extends_join(struct run *run, const char *prefix, const char *path);

/*
 * compose-go's merge of one service definition over another (base and over
 * are raw, interpolated mappings; override/merge.go): mappings deep-merged,
 * lists appended, a null never deletes; environment, labels, dns... as
 * key=value lists deduplicated by key; command/entrypoint/healthcheck.test
 * replaced; depends_on and networks as mappings; logging by driver;
 * volumes, ports, secrets, configs... deduplicated by target. base is
 * consumed. *out is the result. Returns -1 on a value that cannot be merged
 * (a mapping over a list...), reported at over.
 */
int spec_merge_service(struct node **out, struct run *run, struct node *base, struct node *over,
		       const char *service);

#endif
