/*
 * The command table's entry points. Each command lives in its own file
 * (cli/<name>.c) and returns the process exit status:
 *   0 success, 1 invalid input, 2 usage, 3 Engine/system failure,
 *   and for `diff --detailed-exitcode`: 2 when there are changes.
 */
#ifndef STACKC_CLI_CLI_H
#define STACKC_CLI_CLI_H

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

struct engine_opts;

/*
 * Inside a getopt_long loop of a command that talks to the Engine: handle the
 * shared cases -H/--host, --debug (stored in *eo), --help (prints usage),
 * a missing value and an unknown option. Returns 0 to go on parsing, 1 when
 * the command must stop and return *ret.
 */
int engine_cli_option(int c, struct engine_opts *eo, const char *cmd, const char *usage,
		      char **argv, int *ret);

/* Print "stackc <cmd>: <msg>" and the usage hint; returns EXIT_USAGE. */
int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
