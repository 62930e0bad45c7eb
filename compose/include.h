/*
 * `include` of Compose Specification files (compose-go loader/include.go,
 * spec 14-include.md), resolved on one interpolated file before its
 * extends (compose/extends.h) and its lowering (compose/spec.h):
 *
 *  - entries are a path, or {path: one or a list, project_directory,
 *    env_file: one or a list}; paths, env_file and project_directory are
 *    relative to the including project's directory; project_directory
 *    defaults to the first path's directory, and relative paths inside the
 *    included files resolve against it (they are rebased so that they still
 *    do from the project directory);
 *  - each entry is loaded as its own project: its variables are the
 *    including project's, plus its env_file files (each must exist) or else
 *    its project directory's .env, never replacing one already set; its own
 *    includes and extends are resolved; several paths are merged as -f files;
 *  - its services, networks, volumes, configs and secrets join the including
 *    file's; its name, version and x-* do not;
 *  - a cycle is an error (include.cycle) naming the chain of files.
 *
 * Differs from compose on purpose: a resource defined both by the including
 * file (or an earlier include) and by an included file is an error
 * (include.conflict), as compose did before v2.10 (which let two identical
 * definitions pass); compose v2.10 and later merge them, the including file winning,
 * which silently changes an included service. Remote (git, OCI) includes
 * are refused (include.path).
 */
#ifndef STACKC_COMPOSE_INCLUDE_H
#define STACKC_COMPOSE_INCLUDE_H

struct env;
struct node;
struct run;
struct interp_opts;

struct include_opts {
	const char *workdir;              /* the project directory (absolute) */
	const char *file;                 /* the including file (absolute; "" for stdin) */
	const struct env *env;            /* the including project's variables */
	const struct interp_opts *interp; /* how files are interpolated; NULL: they are not */
};

/*
 * Resolve root's include (a file of the project directory, interpolated) in
 * place: the included resources are added to root and include is removed.
 * Returns -1 when an error was reported.
 */
int include_resolve(struct run *run, struct node *root, const struct include_opts *o);

#endif
