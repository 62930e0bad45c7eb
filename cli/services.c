/* stackc services: the services of a stack, as `docker stack services` prints them. */
#include "cli/cli.h"
#include "base/sbuf.h"
#include "swarm/engine.h"
#include "swarm/stack.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>

static const char usage[] =
	"usage: stackc services [options] STACK\n"
	"\n"
	"List the services of a stack, with their running/desired tasks\n"
	"(like docker stack services).\n"
	"\n"
	"  -q, --quiet           only the service IDs\n"
	"  -f, --filter KEY=VAL  an Engine filter (id, label, mode, name); repeatable\n"
	"  -H, --host HOST       the Docker Engine (default: DOCKER_HOST, the docker context,\n"
	"                        or unix:///var/run/docker.sock)\n"
	"      --debug           log every Engine request to stderr\n"
	"  -h, --help            show this help\n";

int cmd_services(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "filter", required_argument, NULL, 'f' },
		{ "host", required_argument, NULL, 'H' },
		{ "debug", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct engine_opts eo = { 0 };
	struct sbuf err = SBUF_INIT;
	struct engine *e = NULL;
	json_t *filters = json_object(), *services = NULL;
	struct stack_table t;
	int c, quiet = 0, ret = EXIT_USAGE;
	stack_table_init(&t, 6);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":qf:H:h", opts, NULL)) != -1) {
		switch (c) {
		case 'q': quiet = 1; break;
		case 'f':
			if (stack_add_filter(filters, optarg, &err)) {
				ret = usage_error("services", "%s", err.buf);
				goto done;
			}
			break;
		default:
			if (engine_cli_option(c, &eo, "services", usage, argv, &ret))
				goto done;
		}
	}
	if (argc - optind != 1) {
		ret = usage_error("services", argc == optind ? "which stack?" : "one stack at a time");
		goto done;
	}
	const char *stack = argv[optind];

	ret = EXIT_SYSTEM;
	if (engine_open(&e, &eo, &err) ||
	    stack_list(&services, e, KIND_SERVICE, stack, filters, quiet ? NULL : "status=true",
		       &err)) {
		fprintf(stderr, "stackc services: %s\n", err.buf);
		goto done;
	}
	ret = 0;
	if (!json_array_size(services)) {
		fprintf(stderr, "Nothing found in stack: %s\n", stack);
		goto done;
	}
	if (quiet)
		stack_table_init(&t, 1);
	stack_services_rows(&t, services, quiet);
	stack_table_print(&t, stdout);
done:
	stack_table_release(&t);
	json_decref(services);
	json_decref(filters);
	engine_free(e);
	sbuf_release(&err);
	return ret;
}
