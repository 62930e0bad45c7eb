/*
 * The command table's entry points. Each command lives in its own file
 * (cli/<name>.c) and returns the process exit status:
 *   0 success, 1 invalid input, 2 usage, 3 Engine/system failure,
 *   4 (deploy) applied but the services did not converge or swarm rolled
 *   them back, and for `diff --detailed-exitcode`: 2 when there are changes.
 *
 * Also what the commands share: the option table fragments for loading a
 * project and for reaching the Engine, and the prologue of the commands that
 * talk to the Engine.
 */
#ifndef STACKC_CLI_CLI_H
#define STACKC_CLI_CLI_H

#include "base/sbuf.h"
#include "cli/options.h"
#include "swarm/engine.h"

struct project_opts;

#define EXIT_INVALID 1
#define EXIT_USAGE 2
#define EXIT_SYSTEM 3
#define EXIT_NOT_CONVERGED 4

int cmd_config(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_deploy(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_services(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_rollback(int argc, char **argv);

/* Print "stackc <cmd>: <msg>" and the usage hint; returns EXIT_USAGE. */
int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * The loading options of config, validate, diff and deploy, filling a
 * struct project_opts (project/project.h): -f/--file, -c/--compose-file (split
 * at commas, as docker does), --env-file, --project-directory, --compat=docker,
 * --no-interpolate (and its docker compose name --skip-interpolation).
 * Use as entries of a table: OPTS_PROJECT(&opts).
 */
extern const struct opt_choice project_compat_choices[];
int project_option_file(void *project_opts, const char *value);
int project_option_compose_files(void *project_opts, const char *value);
int project_option_env_file(void *project_opts, const char *value);
int project_option_profile(void *project_opts, const char *value);

/* What the table cannot see, once parsed: '-' (stdin) twice. 0 or OPTIONS_USAGE. */
int project_opts_check(const char *cmd, const struct project_opts *o);

#define OPTS_PROJECT(po)                                                                      \
	OPT_CALLBACK('f', "file", "FILE", "compose file (repeatable; '-' reads stdin)", po,   \
		     project_option_file, NULL),                                              \
	OPT_CALLBACK('c', "compose-file", "FILE",                                             \
		     "same as -f; comma-separated lists are split (docker)", po,              \
		     project_option_compose_files, NULL),                                     \
	OPT_CALLBACK(0, "env-file", "FILE",                                                   \
		     "a variables file (repeatable), read instead of .env", po,               \
		     project_option_env_file, NULL),                                          \
	OPT_STRING(0, "project-directory", "DIR", "where relative paths and .env are resolved", \
		   &(po)->project_dir),                                                       \
	OPT_ENUM(0, "compat", "docker",                                                       \
		 "read the files as docker stack does: its interpolation\n"                   \
		 "parser, no .env, no interpolation warnings",                                \
		 &(po)->compat_docker, project_compat_choices),                               \
	OPT_CALLBACK(0, "profile", "NAME",                                                    \
		     "enable services of this profile (repeatable; replaces\n"               \
		     "COMPOSE_PROFILES; '*' enables all)", po, project_option_profile, NULL), \
	OPT_FLAG(0, "no-interpolate", "leave ${VAR} references as written", &(po)->no_interpolate), \
	OPT_FLAG(0, "skip-interpolation", "the same as --no-interpolate (docker compose's name)", \
		 &(po)->no_interpolate),                                                      \
	OPT_FLAG(0, "docker-compat-report",                                                   \
		 "warn at every value docker stack deploy would read\n"                      \
		 "differently, also those that differ only because it reads no .env",         \
		 &(po)->compat_report)

/* --color=auto|always|never (base/term.h) of the commands that paint: OPT_COLOR. */
int option_color(void *unused, const char *when);
#define OPT_COLOR                                                                             \
	OPT_CALLBACK_WORDS(0, "color", "WHEN",                                                \
			   "auto (a terminal, unless NO_COLOR), always or never:\n"          \
			   "colour errors, warnings and the plan's + ~ -",                    \
			   NULL, option_color, "auto, always or never", "auto always never")

/* -H/--host and --debug, filling a struct engine_opts: OPTS_ENGINE(&opts). */
#define OPTS_ENGINE(eo)                                                                        \
	OPT_STRING('H', "host", "HOST",                                                       \
		   "the Docker Engine: unix://, tcp:// or ssh://[user@]host\n"               \
		   "(default: DOCKER_HOST, the docker context, or\n"                          \
		   "unix:///var/run/docker.sock)",                                            \
		   &(eo)->host),                                                              \
	OPT_FLAG(0, "debug", "log each Engine request to stderr (or STACKC_TRACE=1)",         \
		 &(eo)->debug)

/*
 * The prologue of the commands that talk to the Engine (ls, ps, services, rm,
 * diff, deploy): parse the options, check the stack names, open the Engine,
 * and print a failure the same way everywhere ("stackc <cmd>: <message>").
 */
enum stack_args {
	STACK_ARGS_NONE, /* ls */
	STACK_ARGS_ONE,  /* ps, services */
	STACK_ARGS_SOME, /* rm */
	STACK_ARGS_PROJECT, /* diff, deploy: one, or none for the project's top-level name */
};

struct engine_cmd {
	struct engine_opts engine; /* give OPTS_ENGINE(&cmd.engine) in the table */
	const char *name;
	char **stacks;             /* the arguments: stack names */
	int nstacks;
	struct engine *e;          /* after engine_cmd_open() */
	struct sbuf err;           /* the failure engine_cmd_fail() prints */
	int creates;               /* diff, deploy: objects are named <stack>_<name> */
};

#define ENGINE_CMD_INIT { { 0 }, NULL, NULL, 0, NULL, SBUF_INIT, 0 }

/*
 * Parse argv against opts and check the stack names: their number, docker's
 * rule (not only spaces and quotes) and, when c->creates, the daemon's (the
 * name must make valid service names: letters, digits, '-' and '_', starting
 * with a letter or digit, at most 61 characters), so a bad name is one usage
 * error before anything is loaded. Returns 0, OPTIONS_HELP or OPTIONS_USAGE
 * (see options_exit_status()).
 */
int engine_cmd_parse(struct engine_cmd *c, const struct command_help *help,
		     const struct opt *opts, enum stack_args want, int argc, char **argv);

/*
 * The same checks on a stack name that did not come from argv (deploy's
 * default, the project's top-level name): 0, or OPTIONS_USAGE (reported).
 */
int engine_cmd_check_name(struct engine_cmd *c, const char *name);

/* engine_open(): 0, or -1 with the message in c->err. */
int engine_cmd_open(struct engine_cmd *c);

/* Print c->err as the command's failure; returns EXIT_SYSTEM. */
int engine_cmd_fail(struct engine_cmd *c);

void engine_cmd_release(struct engine_cmd *c);

/* -f/--filter KEY=VALUE of ps and services: the store is a json_t object (stack_add_filter()). */
int engine_option_filter(void *filters, const char *value);

#endif
