/*
 * The option parser of every command: one table per command both parses the
 * command line and prints the command's --help, so the two cannot disagree
 * and the help columns line up.
 *
 * Accepted spellings, for every command alike:
 *   --name=VALUE, --name VALUE, -xVALUE, -x VALUE;
 *   bundled short flags (-dq), the last of a bundle may take a value (-qfFILE);
 *   a flag takes --name=true or --name=false too (docker's boolean flags);
 *   `--` ends the options: everything after it is an argument ("-x.yml" too);
 *   a lone `-` is an argument (stdin, for commands that read it);
 *   options and arguments may be mixed (deploy STACK -c FILE).
 * A value is taken whatever it looks like: `--max-errors -1` gives "-1" to
 * --max-errors (which then refuses it), as getopt does.
 * -h and --help print the help to stdout.
 *
 * Differences from getopt_long on purpose: a long option is never abbreviated
 * (--det is not --detach, as in docker); an unknown one names the long option
 * one typo away or that it begins, if there is one.
 *
 * Every error is a usage error printed to stderr as
 *   stackc <cmd>: <message>
 *   See 'stackc <cmd> --help'.
 * naming the option as it was written: unknown option, missing value, or a bad
 * value ("--format takes yaml or json, not 'xml'").
 */
#ifndef STACKC_CLI_OPTIONS_H
#define STACKC_CLI_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

enum opt_kind {
	OPT_END,      /* ends a table */
	OPT_FLAG,     /* int *store = value (=false: 0) */
	OPT_STRING,   /* const char **store = the value (the last one given wins) */
	OPT_INT,      /* long *store = a decimal number >= 0 */
	OPT_ENUM,     /* int *store = the value of the choice named */
	OPT_CALLBACK, /* fn(store, value): lists (each value appended), durations, filters */
};

/* An OPT_ENUM choice; a table of them ends with { NULL, 0 }. */
struct opt_choice {
	const char *name;
	int value;
};

struct opt {
	enum opt_kind kind;
	char short_name;        /* 0: none */
	const char *long_name;  /* without "--"; NULL: none */
	const char *value_name; /* in the help ("FILE"); NULL for flags, and for an enum: a|b|c */
	const char *help;       /* one line; '\n' starts a continuation line */
	void *store;
	int value;              /* OPT_FLAG: stored when the flag is given */
	const struct opt_choice *choices;         /* OPT_ENUM */
	int (*fn)(void *store, const char *value); /* OPT_CALLBACK: -1 refuses the value */
	const char *expects;    /* OPT_CALLBACK: what a good value is, for the error */
	const char *words;      /* shell completion of the value: space-separated words
				 * (an enum completes its choices, FILE and DIR file names) */
};

#define OPT_FLAG(s, l, h, p) { OPT_FLAG, s, l, NULL, h, p, 1, NULL, NULL, NULL, NULL }
#define OPT_SET_INT(s, l, h, p, v) { OPT_FLAG, s, l, NULL, h, p, v, NULL, NULL, NULL, NULL }
#define OPT_STRING(s, l, v, h, p) { OPT_STRING, s, l, v, h, p, 0, NULL, NULL, NULL, NULL }
#define OPT_INT(s, l, v, h, p) { OPT_INT, s, l, v, h, p, 0, NULL, NULL, NULL, NULL }
#define OPT_ENUM(s, l, v, h, p, c) { OPT_ENUM, s, l, v, h, p, 0, c, NULL, NULL, NULL }
#define OPT_CALLBACK(s, l, v, h, p, f, e) { OPT_CALLBACK, s, l, v, h, p, 0, NULL, f, e, NULL }
#define OPT_END() { OPT_END, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL }
/* The same, with the words shell completion offers for the value. */
#define OPT_STRING_WORDS(s, l, v, h, p, w) { OPT_STRING, s, l, v, h, p, 0, NULL, NULL, NULL, w }
#define OPT_CALLBACK_WORDS(s, l, v, h, p, f, e, w) { OPT_CALLBACK, s, l, v, h, p, 0, NULL, f, e, w }

/* What --help prints around the table. */
struct command_help {
	const char *name;   /* "deploy" */
	const char *args;   /* after the name in the usage line: "[options] STACK" */
	const char *about;  /* paragraph(s) under the usage line, ending with '\n' */
	const char *footer; /* printed after the options, or NULL */
};

/* options_parse()'s results besides 0 ("go on"). */
#define OPTIONS_HELP 1    /* --help was printed: exit 0 */
#define OPTIONS_USAGE (-1) /* a usage error was printed: exit 2 */

/*
 * Parse argv[1..argc) (argv[0] is the command's name) against the table opts,
 * storing each option where its entry says, in command-line order. The
 * arguments that are not options are moved, in order, to argv[0..*nargs).
 * Returns 0, OPTIONS_HELP or OPTIONS_USAGE.
 * During shell completion (cli/complete.h) it prints the candidates instead
 * and returns OPTIONS_HELP.
 */
int options_parse(int *nargs, char **argv, int argc, const struct command_help *help,
		  const struct opt *opts);

/* The entry of a long option (len bytes of name, without "--") or a short one; NULL: none. */
const struct opt *options_find_long(const struct opt *opts, const char *name, size_t len);
const struct opt *options_find_short(const struct opt *opts, char c);

/* The exit status for a non-zero options_parse() result. */
int options_exit_status(int parse_result);

/* Usage line, about text, the options in aligned columns, -h/--help, footer. */
void options_print_help(FILE *out, const struct command_help *help, const struct opt *opts);

#endif
