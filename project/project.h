/*
 * Loading a project the way every command does (config, validate, diff,
 * deploy): which files (-f/-c, COMPOSE_FILE, discovery: project/discover.h),
 * which variables (environment, .env, --env-file), then the pipeline
 *   load → forbidden keys → interpolate → typecast → schema → normalize
 *   (each file) → merge → swarm rules
 * Every phase runs on all that could be read, the values that failed an
 * earlier one taken out, so one run reports every problem (a YAML error or
 * a bad version stops that file, and then nothing is merged; --compat=docker
 * stops at the first failing phase, as docker does).
 * A Compose Specification or 2.x file (compose/spec.h) is interpolated
 * first, as compose does, then lowered to the 3.x model, then goes on as a
 * 3.x file; profiles are applied to the merged project.
 * Every diagnostic goes to run->diag; project_load() returns -1 when any
 * error was reported (the tree may then be partial and must not be used).
 */
#ifndef STACKC_PROJECT_PROJECT_H
#define STACKC_PROJECT_PROJECT_H

#include <stddef.h>

struct node;
struct run;

struct project_opts {
	const char **files;       /* -f/-c in order ("-" = stdin) */
	size_t nfiles, files_alloc;
	const char **env_files;   /* --env-file in order */
	size_t nenv_files, env_files_alloc;
	const char *project_dir;  /* --project-directory */
	int compat_docker;        /* --compat=docker */
	int no_interpolate;       /* --no-interpolate */
	int compat_report;        /* --docker-compat-report: every value docker stack reads differently */
	int deploy;               /* deploy/diff: stricter checks (missing secret files...) */
	int rules_warn;           /* config: swarm rules beyond docker's loader only warn */
	int required_warns;       /* validate --required-as-warnings: a missing ${VAR:?} warns */
	int strict;               /* a key dropped by lowering is an error (compose/spec.h) */
	const char **profiles;    /* --profile in order (not copied); none: COMPOSE_PROFILES */
	size_t nprofiles, profiles_alloc;
};

void project_opts_init(struct project_opts *o);
void project_opts_release(struct project_opts *o);

/* Append a compose file (len bytes of name, copied) or an --env-file (not copied). */
void project_opts_add_file(struct project_opts *o, const char *name, size_t len);
void project_opts_add_env_file(struct project_opts *o, const char *path);
void project_opts_add_profile(struct project_opts *o, const char *profile);

struct project {
	struct node *root;     /* merged, normalized; print with emit_* */
	const char *version;   /* normalized: "3.13" when missing or "3" */
	const char *name;      /* top-level name, normalized (compose/spec.h); NULL: none */
	int lowered;           /* some file was a Compose Specification file */
	size_t inline_objects; /* configs/secrets with `content` (compose/spec.h): not a 3.x file */
	const char **profiles; /* every profile the services name, sorted, unique */
	size_t nprofiles;
	const char *workdir;   /* absolute: relative paths resolve against it */
	const char *const *file_names; /* as shown in diagnostics */
	size_t nfiles;
};

int project_load(struct project *out, struct run *run, const struct project_opts *o);

/*
 * For printing a lowered project as a file docker reads again: every '$'
 * of a string value written "$$" (docker interpolates what it reads; compose
 * config does the same). In place: the tree is then only for printing.
 */
void project_escape_dollars(struct run *run, struct node *root);

#endif
