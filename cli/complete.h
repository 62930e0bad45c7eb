/*
 * Shell completion: `stackc __complete WORD...` prints the candidates for the
 * last WORD (the one under the cursor, "" when it is empty), one per line as
 * "candidate<TAB>description" (the description may be empty). The completion
 * scripts in contrib/completion (bash, zsh) only call it, so they cannot drift
 * from the commands: the candidates come from each command's option table,
 * which is the one that parses and prints --help.
 *
 * Two lines stand for a kind of candidate the shell makes itself:
 *   :file   file names (an option whose value is FILE, validate's FILE...)
 *   :dir    directory names (DIR)
 * Stack names (the STACK arguments) are asked of the Engine (-H from the
 * words, else the usual defaults) with a short timeout; when it does not
 * answer there are none, quietly. The values of `ps --filter service=` and
 * `services --filter name=` are <stack>_<service> for the services of the
 * compose files (the -f/-c files given, else the discovered ones).
 *
 * How: main() sets the request and runs the command with no arguments; the
 * command's first options_parse() sees the request, prints the candidates
 * with the command's own table and returns OPTIONS_HELP, so the command stops
 * there and exits 0. Nothing is ever printed to stderr.
 */
#ifndef STACKC_CLI_COMPLETE_H
#define STACKC_CLI_COMPLETE_H

struct command_help;
struct opt;

/* The words after the command's name, the last one being completed; NULL: no request. */
struct complete_request {
	char **words;
	int n;
};

extern const struct complete_request *complete_request;

/* Candidates for request->words within the command of this table; OPTIONS_HELP. */
int complete_command(const struct command_help *help, const struct opt *opts);

/* Print name<TAB>about when name begins with prefix. */
void complete_word(const char *prefix, const char *name, const char *about);

#endif
