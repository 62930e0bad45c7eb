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
 * What it does not lower is left for the 3.x checks, which say why
 * docker stack cannot read it (extends, include, content: configs).
 */
#ifndef STACKC_COMPOSE_SPEC_H
#define STACKC_COMPOSE_SPEC_H

#include "base/source.h"

#include <stddef.h>

struct node;
struct run;

/* What the files' lowering records for the whole project. */
struct spec_state {
	const char *name;       /* last non-empty top-level name, as written */
	struct pos name_pos;
	struct spec_profiled *profiled; /* services with profiles */
	size_t nprofiled, profiled_alloc;
	struct spec_dep *deps;  /* depends_on entries, for the profile check */
	size_t ndeps, deps_alloc;
	int seen;               /* some file was lowered */
};

struct spec_opts {
	const char *workdir; /* where relative env_file paths resolve */
	int strict;          /* a dropped key is an error */
};

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

void spec_state_release(struct spec_state *st);

#endif
