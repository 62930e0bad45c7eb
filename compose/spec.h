/*
 * Compose Specification (and 2.x) files, lowered to the 3.x model that
 * docker stack and swarm read.
 *
 * Which files: without --compat=docker, a file whose `version` is 1.x or
 * 2.x, or a file without `version` that uses something only the
 * specification has (a top-level name/include/models, a service key the
 * 3.x format lacks or docker stack refuses, a long-form depends_on or
 * env_file, a network's enable_ipv4/6): spec_file_detect(). A file without
 * `version` that uses only 3.x keys is a 3.x file, read exactly as before
 * (docker stack reads it: its output must not change).
 *
 * How it is validated: by lowering first, then the 3.13 schema. There is no
 * compose-spec schema in the project (nor in the reference schemas), and
 * what counts is that the result is a 3.x file docker stack accepts: every
 * key the specification adds is either moved to its swarm equivalent or
 * dropped here, so the 3.x schema then checks everything that is printed,
 * at its source line. Consequence, on purpose: the value of a key that is
 * dropped is not type-checked (it goes nowhere).
 *
 * Lowering (spec_lower(), on one interpolated file, before type casts and
 * the schema), each with its rule id and a diagnostic at the key:
 *   moved (warning, says where to):  lower.mem-limit, lower.mem-reservation,
 *     lower.cpus, lower.pids-limit, lower.scale, lower.restart;
 *     a target already set wins and the key is dropped (lower.dropped);
 *   rewritten: long-form depends_on → its list of names (a condition other
 *     than service_started, or restart: true, is dropped with a warning,
 *     lower.depends-on-condition); long-form env_file → its paths (an
 *     optional file that does not exist is left out);
 *   dropped with a warning saying why (an error with strict):
 *     lower.dropped (build, container_name, develop, pull_policy, ...);
 *   honoured, then dropped: `version` (a warning: the specification
 *     ignores it), top-level `name` (the project name, spec_project_name()),
 *     `profiles` (spec_apply_profiles()).
 *   configs (content:, environment:) and secrets (environment:): the
 *     data is recorded (the text, or the variable's value) and the key
 *     taken out, so the 3.x checks see a definition without a file;
 *     spec_objects_apply() puts it back on the merged project as `content`
 *     (see there). Two sources, or an unset variable, are errors
 *     (lower.object-source, lower.object-environment); a message never
 *     shows the data.
 * What it does not lower is left for the 3.x checks, which say why
 * docker stack cannot read it.
 */
#ifndef STACKC_COMPOSE_SPEC_H
#define STACKC_COMPOSE_SPEC_H

#include "base/source.h"

#include <stddef.h>

struct env;
struct node;
struct run;
struct spec_object;

/* What the files' lowering records for the whole project. */
struct spec_state {
	const char *name;       /* last non-empty top-level name, as written */
	struct pos name_pos;
	struct spec_profiled *profiled; /* services with profiles */
	size_t nprofiled, profiled_alloc;
	struct spec_dep *deps;  /* depends_on entries, for the profile check */
	size_t ndeps, deps_alloc;
	struct spec_object *objects; /* configs/secrets from content: or environment: */
	size_t nobjects, objects_alloc;
	size_t file_no;         /* the file being lowered: which definitions a later file replaces */
	int seen;               /* some file was lowered */
};

struct spec_opts {
	const char *workdir; /* where relative env_file paths resolve */
	int strict;          /* a dropped key is an error */
	const struct env *env; /* the project's variables: environment: sources */
};

/*
 * 1 when key is a service key lowering moves, rewrites or drops: the
 * specification's service keys that the 3.x format lacks or docker stack
 * refuses, and build, container_name, depends_on, env_file, restart.
 */
int spec_service_key(const char *key);

/* 1 when root (a loaded, raw file) is read as a Compose Specification file. */
int spec_file_detect(const struct node *root);

/*
 * Lower one spec file in place (interpolated, not cast). Records its name,
 * profiles and dependencies in st. Returns -1 when an error was reported
 * (with strict, a dropped key), else 0.
 */
int spec_lower(struct run *run, struct node *root, struct spec_state *st,
	       const struct spec_opts *o);

/*
 * The profiles: the active ones are profiles (--profile, when any), else
 * COMPOSE_PROFILES's comma-separated items; "*" enables all. Services whose
 * profiles are all inactive are removed from merged (the merged project);
 * a depends_on on one of them (not required: false) is an error
 * (profiles.disabled-dependency). Returns -1 on an error.
 */
int spec_apply_profiles(struct run *run, struct node *merged, const struct spec_state *st,
			const char *const *profiles, size_t nprofiles, const char *compose_profiles);

/*
 * The project name from top-level `name`, normalized as compose does
 * (lower case, only [a-z0-9_-], leading '_'/'-' trimmed): *out is NULL when
 * no file has one; an empty result is an error (spec.name). Allocated in
 * the run's arena.
 */
int spec_project_name(const char **out, struct run *run, const struct spec_state *st);

/*
 * After file number st->file_no (tree, lowered or not) was read: an inline
 * source recorded by an earlier file is replaced when this file defines the
 * same object with a file, external or driver (a later file's source wins).
 */
void spec_objects_overridden(struct spec_state *st, const struct node *tree);

/*
 * The recorded sources, on the merged, normalized project: each live
 * object's definition loses the `file` normalization defaulted and gets
 * `content: <data>` (the last record of an object wins). The tree then is
 * not a 3.x file: swarm/convert reads `content` as the object's data, and
 * `stackc config` writes it to a file (cli/config.c) and prints `file:`.
 * Returns how many definitions got content.
 */
size_t spec_objects_apply(struct run *run, struct node *merged, const struct spec_state *st);

/*
 * Every profile a service of the files names (also of services left out),
 * sorted and unique, as `docker compose config --profiles` lists them.
 * *out is in the run's arena.
 */
void spec_profiles_defined(const char ***out, size_t *n, struct run *run,
			   const struct spec_state *st);

void spec_state_release(struct spec_state *st);

#endif
