/* stackc ls: the stacks on the swarm, as `docker stack ls` prints them. */
#include "cli/cli.h"
#include "base/sbuf.h"
#include "swarm/engine.h"
#include "swarm/stack.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>

static const char usage[] =
	"usage: stackc ls [options]\n"
	"\n"
	"List the stacks on the swarm: every namespace label on a service, with its\n"
	"number of services (like docker stack ls).\n"
	"\n"
	"  -H, --host HOST   the Docker Engine (default: DOCKER_HOST, the docker context,\n"
	"                    or unix:///var/run/docker.sock)\n"
	"      --debug       log every Engine request to stderr\n"
	"  -h, --help        show this help\n";

int cmd_ls(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "debug", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct engine_opts eo = { 0 };
	int stop;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":H:h", opts, NULL)) != -1) {
		switch (c) {
		default:
			if (engine_cli_option(c, &eo, "ls", usage, argv, &stop))
				return stop;
		}
	}
	if (optind < argc)
		return usage_error("ls", "unexpected argument '%s'", argv[optind]);

	struct sbuf err = SBUF_INIT;
	struct engine *e = NULL;
	json_t *services = NULL;
	struct stack_table t;
	int ret = EXIT_SYSTEM;
	stack_table_init(&t, 3);
	if (engine_open(&e, &eo, &err) ||
	    stack_list(&services, e, KIND_SERVICE, NULL, NULL, NULL, &err)) {
		fprintf(stderr, "stackc ls: %s\n", err.buf);
		goto done;
	}
	stack_ls_rows(&t, services);
	stack_table_print(&t, stdout);
	ret = 0;
done:
	stack_table_release(&t);
	json_decref(services);
	engine_free(e);
	sbuf_release(&err);
	return ret;
}
