/*
 * The shared driver of `stackc diff` and `stackc deploy`: load the files
 * like `config`, convert, read the live stack, plan; then diff prints the
 * plan, deploy applies it and waits (or, with --plan, applies the plan `diff
 * --out` saved, without loading the files). Each command has its own option table:
 * OPTS_STACK_CMD(&s) (loading, Engine and plan options) plus its own.
 */
#ifndef STACKC_CLI_DEPLOY_H
#define STACKC_CLI_DEPLOY_H

#include "cli/cli.h"
#include "project/project.h"
#include "swarm/plan.h"

struct json_t;
struct node;
struct run;

enum stack_cmd_kind { STACK_CMD_DIFF, STACK_CMD_DEPLOY, STACK_CMD_ROLLBACK };

struct stack_cmd {
	struct engine_cmd cmd;       /* -H, --debug; the stack name */
	struct project_opts project; /* the loading options */
	struct plan_opts plan;
	int resolve;                 /* --resolve-image: an enum resolve_image */
	int detailed_exitcode, json; /* diff */
	int detach, quiet;           /* deploy */
	long long timeout_ms;        /* deploy */
	long parallel;               /* deploy --parallel: writes in flight at once */
	const char *locked_path;     /* --locked: the digests to use (swarm/imagepin.h) */
	const char *lock_path;       /* deploy --lock: where to write the digests deployed */
	const char *plan_file;       /* diff --out, deploy --plan (swarm/plan_file.h) */
	long keep_revisions;         /* deploy, rollback: revisions kept (swarm/revision.h) */
	long rollback_to;            /* rollback --to: the revision (0: the previous one) */
	long rolled_back_to;         /* rollback: the revision loaded, for the summary */
};

extern const struct opt_choice stack_cmd_resolve_choices[];

#define OPTS_STACK_CMD(s)                                                                     \
	OPTS_PROJECT(&(s)->project), OPT_COLOR, OPTS_ENGINE(&(s)->cmd.engine),                \
	OPT_FLAG(0, "prune",                                                                  \
		 "remove the stack's services, networks, secrets and\n"                       \
		 "configs the files no longer define",                                        \
		 &(s)->plan.prune),                                                           \
	OPT_FLAG(0, "rotate-secrets",                                                         \
		 "replace secrets without a content fingerprint (created\n"                   \
		 "by docker) with a new generation",                                          \
		 &(s)->plan.rotate_secrets),                                                  \
	OPT_INT(0, "keep-generations", "N",                                                   \
		 "superseded secret/config generations kept after a\n"                        \
		 "rotation, the newest first (default 2)",                                    \
		 &(s)->plan.keep_generations),                                                \
	OPT_ENUM(0, "resolve-image", "MODE",                                                  \
		 "always, changed or never: ask the registry for image\n"                     \
		 "digests (default always)",                                                  \
		 &(s)->resolve, stack_cmd_resolve_choices),                                   \
	OPT_FLAG(0, "with-registry-auth",                                                     \
		 "pass the registry credentials of the docker config to\n"                    \
		 "the swarm (credHelpers, credsStore, auths)",                                \
		 &(s)->plan.with_registry_auth),                                              \
	OPT_STRING(0, "locked", "FILE",                                                       \
		   "pin every image to its digest in FILE (written by\n"                       \
		   "deploy --lock), asking no registry; refuse images it lacks",              \
		   &(s)->locked_path)

/* --timeout: seconds, or a Go duration ("90s", "5m"); an OPT_CALLBACK parser. */
int stack_cmd_parse_timeout(void *timeout_ms, const char *s);

/* -d/--detach, --timeout and -q/--quiet of deploy and rollback. */
#define OPTS_STACK_WAIT(s)                                                                    \
	OPT_FLAG('d', "detach", "do not wait for the services to converge", &(s)->detach),   \
	OPT_CALLBACK(0, "timeout", "DURATION",                                                \
		     "how long to wait (default 5m; Go duration or seconds)", &(s)->timeout_ms, \
		     stack_cmd_parse_timeout, "a duration like 90s or 5m"),                   \
	OPT_FLAG('q', "quiet", "print only errors", &(s)->quiet)

/*
 * rollback (cli/rollback.c): the revision's stack file as the project, its
 * secrets and configs pinned to the generations it used (refused, naming
 * them, when one is gone), *images its image digests (a lock, imagepin.h).
 * 0, or the exit status.
 */
int rollback_load(struct stack_cmd *s, struct run *run, struct project *proj, struct json_t **images);

/* After a deploy or rollback that changed something converged: record a revision. */
void stack_cmd_record_revision(struct stack_cmd *s, const struct node *root, const struct plan *plan,
			       enum stack_cmd_kind which);

/* Defaults: resolve always, wait 5 minutes. */
void stack_cmd_init(struct stack_cmd *s);

/* Parse argv against opts (holding OPTS_STACK_CMD(s)), run; the exit status. */
int stack_cmd_main(struct stack_cmd *s, enum stack_cmd_kind which, const struct command_help *help,
		   const struct opt *opts, int argc, char **argv);

#endif
