/*
 * The command table's entry points. Each command lives in its own file
 * (cli/<name>.c) and returns the process exit status:
 *   0 success, 1 invalid input, 2 usage, 3 Engine/system failure,
 *   and for `diff --detailed-exitcode`: 2 when there are changes.
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

#define EXIT_INVALID 1
#define EXIT_USAGE 2
#define EXIT_SYSTEM 3

int cmd_config(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_deploy(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_services(int argc, char **argv);

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
	OPT_FLAG(0, "no-interpolate", "leave ${VAR} references as written", &(po)->no_interpolate), \
	OPT_FLAG(0, "skip-interpolation", "the same as --no-interpolate (docker compose's name)", \
		 &(po)->no_interpolate),                                                      \
	OPT_FLAG(0, "docker-compat-report",                                                   \
		 "warn at every value docker stack deploy would read\n"                      \
		 "differently, also those that differ only because it reads no .env",         \
		 &(po)->compat_report)

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
	STACK_ARGS_ONE,  /* ps, services, diff, deploy */
	STACK_ARGS_SOME, /* rm */
};

struct engine_cmd {
	struct engine_opts engine; /* give OPTS_ENGINE(&cmd.engine) in the table */
	const char *name;
	char **stacks;             /* the arguments: stack names */
	int nstacks;
	struct engine *e;          /* after engine_cmd_open() */
	struct sbuf err;           /* the failure engine_cmd_fail() prints */
};

#define ENGINE_CMD_INIT { { 0 }, NULL, NULL, 0, NULL, SBUF_INIT }

/*
 * Parse argv against opts and check the number of stack names.
 * Returns 0, OPTIONS_HELP or OPTIONS_USAGE (see options_exit_status()).
 */
int engine_cmd_parse(struct engine_cmd *c, const struct command_help *help,
		     const struct opt *opts, enum stack_args want, int argc, char **argv);

/* engine_open(): 0, or -1 with the message in c->err. */
int engine_cmd_open(struct engine_cmd *c);

/* Print c->err as the command's failure; returns EXIT_SYSTEM. */
int engine_cmd_fail(struct engine_cmd *c);

void engine_cmd_release(struct engine_cmd *c);

/* -f/--filter KEY=VALUE of ps and services: the store is a json_t object (stack_add_filter()). */
int engine_option_filter(void *filters, const char *value);

#endif
