/* main(): the command table. Each command parses its own options. */
#include "cli/cli.h"
#include "cli/complete.h"
#include "base/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define STACKC_VERSION "0.1.0"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "config", cmd_config, "print the merged, interpolated, validated stack file" },
	{ "validate", cmd_validate, "report every problem in the stack files, at file:line:col" },
	{ "diff", cmd_diff, "show what a deploy would change on the live swarm" },
	{ "deploy", cmd_deploy, "apply the stack to the swarm: exactly what changed" },
	{ "rm", cmd_rm, "remove a stack" },
	{ "ls", cmd_ls, "list stacks" },
	{ "ps", cmd_ps, "list the tasks of a stack" },
	{ "services", cmd_services, "list the services of a stack" },
};

static void print_help(FILE *out)
{
	fputs("usage: stackc <command> [options]\n\ncommands:\n", out);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\noptions:\n"
	      "  -h, --help     show this help\n"
	      "      --version  print the version\n"
	      "\n'stackc help <command>' or 'stackc <command> --help' shows a command's options.\n"
	      "Exit status: 0 ok, 1 invalid input, 2 usage, 3 Engine or system failure.\n",
	      out);
}

/* stackc __complete WORD...: see cli/complete.h. Always exits 0. */
static int complete_main(int n, char **words)
{
	const char *word = n ? words[n - 1] : "";
	if (n <= 1 || (n == 2 && !strcmp(words[0], "help"))) {
		for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
			complete_word(word, commands[i].name, commands[i].summary);
		if (n <= 1) {
			complete_word(word, "help", "show the commands, or a command's options");
			if (word[0] == '-') {
				complete_word(word, "--help", "show this help");
				complete_word(word, "--version", "print the version");
			}
		}
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(commands[i].name, words[0]))
			continue;
		struct complete_request req = { words + 1, n - 1 };
		char *argv[] = { words[0], NULL };
		complete_request = &req;
		commands[i].fn(1, argv);
		complete_request = NULL;
	}
	return 0;
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "stackc %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\nSee 'stackc %s --help'.\n", cmd);
	va_end(ap);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		print_help(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "help") || !strcmp(name, "--help") || !strcmp(name, "-h")) {
		if (argc > 2) {
			for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
				if (!strcmp(commands[i].name, argv[2])) {
					char *sub[] = { argv[2], (char *)"--help", NULL };
					return commands[i].fn(2, sub);
				}
			fprintf(stderr, "stackc: unknown command '%s'\n", argv[2]);
			return EXIT_USAGE;
		}
		print_help(stdout);
		return 0;
	}
	if (!strcmp(name, "__complete"))
		return complete_main(argc - 2, argv + 2);
	if (!strcmp(name, "version") || !strcmp(name, "--version")) {
		printf("stackc %s\n", STACKC_VERSION);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "stackc: unknown command '%s'\n", name);
	print_help(stderr);
	return EXIT_USAGE;
}
