/* The options shared by the commands that talk to the Engine (ls, ps, services, rm). */
#include "cli/cli.h"
#include "swarm/engine.h"

#include <getopt.h>
#include <stdio.h>

int engine_cli_option(int c, struct engine_opts *eo, const char *cmd, const char *usage,
		      char **argv, int *ret)
{
	switch (c) {
	case 'H':
		eo->host = optarg;
		return 0;
	case 'D':
		eo->debug = 1;
		return 0;
	case 'h':
		fputs(usage, stdout);
		*ret = 0;
		return 1;
	case ':':
		*ret = usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
		return 1;
	default:
		*ret = usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
		return 1;
	}
}
