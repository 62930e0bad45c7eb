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
	{ "history", cmd_history, "list the revisions of a stack recorded in the swarm" },
	{ "rollback", cmd_rollback, "deploy an earlier revision of a stack" },
	{ "rm", cmd_rm, "remove a stack" },
	{ "ls", cmd_ls, "list stacks" },
	{ "ps", cmd_ps, "list the tasks of a stack" },
	{ "services", cmd_services, "list the services of a stack" },
};

/* `stackc help TOPIC`: what is not one command's option. Keep in step with stackc.1. */
struct topic {
	const char *name;
	const char *summary;
	const char *text;
};

static const struct topic topics[] = {
	{ "files", "which compose files and .env a command reads",
	  "With -f/-c, those files, merged left to right ('-' is stdin). Without, the files of\n"
	  "COMPOSE_FILE (split on COMPOSE_PATH_SEPARATOR, default ':'), else the first of\n"
	  "compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml in the current\n"
	  "directory or a parent, with its *.override.* file.\n"
	  "\n"
	  "The project directory (--project-directory, else the first file's directory) is\n"
	  "where relative paths resolve and where .env is read; --env-file replaces .env.\n"
	  "The shell's variables win over both. --compat=docker reads no .env, as docker stack.\n" },
	{ "environment", "the environment variables stackc reads",
	  "COMPOSE_FILE, COMPOSE_PATH_SEPARATOR  the compose files when none is given\n"
	  "COMPOSE_PROFILES                      the enabled profiles (--profile replaces it)\n"
	  "DOCKER_HOST, DOCKER_CONTEXT           where the Engine is (else the docker context)\n"
	  "DOCKER_CONFIG                         the docker configuration directory (~/.docker)\n"
	  "DOCKER_TLS_VERIFY, DOCKER_CERT_PATH   TLS to the Engine\n"
	  "DOCKER_API_VERSION                    pin the Engine API version\n"
	  "STACKC_TRACE                          log every Engine request (as --debug)\n"
	  "NO_COLOR, STACKC_COLOR                colour (see --color)\n" },
	{ "exit-status", "what each exit status means",
	  "0    success\n"
	  "1    invalid input (the diagnostics are printed), or a refused plan\n"
	  "2    usage error; for diff --detailed-exitcode: there are changes\n"
	  "3    Engine, network or system failure\n"
	  "4    deploy: applied, but the services did not converge (or swarm rolled them back)\n"
	  "130  interrupted (SIGINT/SIGTERM): what was and was not applied is printed\n" },
};

static void print_help(FILE *out)
{
	fputs("usage: stackc <command> [options]\n\ncommands:\n", out);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\noptions:\n"
	      "  -h, --help     show this help\n"
	      "      --version  print the version\n"
	      "\ntopics:\n",
	      out);
	for (size_t i = 0; i < ARRAY_SIZE(topics); i++)
		fprintf(out, "  %-12s %s\n", topics[i].name, topics[i].summary);
	fputs("\n'stackc help <command>' or 'stackc <command> --help' shows a command's options;\n"
	      "'stackc help <topic>' a topic. Exit status: 0 ok, 1 invalid input, 2 usage,\n"
	      "3 Engine or system failure, 4 not converged, 130 interrupted.\n",
	      out);
}

/* stackc __complete WORD...: see cli/complete.h. Always exits 0. */
static int complete_main(int n, char **words)
{
	const char *word = n ? words[n - 1] : "";
	if (n <= 1 || (n == 2 && !strcmp(words[0], "help"))) {
		for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
			complete_word(word, commands[i].name, commands[i].summary);
		for (size_t i = 0; n == 2 && i < ARRAY_SIZE(topics); i++)
			complete_word(word, topics[i].name, topics[i].summary);
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
			for (size_t i = 0; i < ARRAY_SIZE(topics); i++)
				if (!strcmp(topics[i].name, argv[2])) {
					fputs(topics[i].text, stdout);
					return 0;
				}
			fprintf(stderr, "stackc: unknown command or topic '%s'\n", argv[2]);
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
