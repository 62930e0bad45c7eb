/* stackc ps: the tasks of a stack, as `docker stack ps` prints them. */
#include "cli/cli.h"
#include "base/sbuf.h"
#include "swarm/engine.h"
#include "swarm/stack.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static const char usage[] =
	"usage: stackc ps [options] STACK\n"
	"\n"
	"List the tasks of a stack, older tasks of a slot indented under the current one\n"
	"(like docker stack ps).\n"
	"\n"
	"  -q, --quiet           only the task IDs\n"
	"      --no-trunc        full IDs, images with digests, whole error messages\n"
	"      --no-resolve      service and node IDs instead of names\n"
	"  -f, --filter KEY=VAL  an Engine filter (desired-state, id, label, name, node,\n"
	"                        service); repeatable\n"
	"  -H, --host HOST       the Docker Engine (default: DOCKER_HOST, the docker context,\n"
	"                        or unix:///var/run/docker.sock)\n"
	"      --debug           log every Engine request to stderr\n"
	"  -h, --help            show this help\n";

/* Service and node names for the NAME and NODE columns. */
static int resolve_lists(json_t **services, json_t **nodes, struct engine *e, const char *stack,
			 struct sbuf *err)
{
	if (stack_list(services, e, KIND_SERVICE, stack, NULL, NULL, err) ||
	    engine_get(e, "/nodes", NULL, nodes, err))
		return -1;
	return 0;
}

int cmd_ps(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-trunc", no_argument, NULL, 'T' },
		{ "no-resolve", no_argument, NULL, 'R' },
		{ "filter", required_argument, NULL, 'f' },
		{ "host", required_argument, NULL, 'H' },
		{ "debug", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct engine_opts eo = { 0 };
	struct sbuf err = SBUF_INIT;
	struct engine *e = NULL;
	json_t *filters = json_object(), *tasks = NULL, *services = NULL, *nodes = NULL;
	struct stack_table t;
	int c, flags = 0, ret = EXIT_USAGE;
	stack_table_init(&t, 8);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":qf:H:h", opts, NULL)) != -1) {
		switch (c) {
		case 'q': flags |= STACK_PS_QUIET; break;
		case 'T': flags |= STACK_PS_NO_TRUNC; break;
		case 'R': flags |= STACK_PS_NO_RESOLVE; break;
		case 'f':
			if (stack_add_filter(filters, optarg, &err)) {
				ret = usage_error("ps", "%s", err.buf);
				goto done;
			}
			break;
		default:
			if (engine_cli_option(c, &eo, "ps", usage, argv, &ret))
				goto done;
		}
	}
	if (argc - optind != 1) {
		ret = usage_error("ps", argc == optind ? "which stack?" : "one stack at a time");
		goto done;
	}
	const char *stack = argv[optind];

	ret = EXIT_SYSTEM;
	if (engine_open(&e, &eo, &err) ||
	    stack_list(&tasks, e, KIND_TASK, stack, filters, NULL, &err)) {
		fprintf(stderr, "stackc ps: %s\n", err.buf);
		goto done;
	}
	if (!json_array_size(tasks)) {
		fprintf(stderr, "nothing found in stack: %s\n", stack);
		ret = EXIT_INVALID;
		goto done;
	}
	/* names also order the quiet list */
	int need_names = !(flags & STACK_PS_NO_RESOLVE);
	if (need_names && resolve_lists(&services, &nodes, e, stack, &err)) {
		fprintf(stderr, "stackc ps: %s\n", err.buf);
		goto done;
	}
	/* STACKC_NOW fixes "now" (seconds since the epoch) for tests */
	const char *now_env = getenv("STACKC_NOW");
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	double now = now_env && *now_env ? strtod(now_env, NULL) : (double)ts.tv_sec + ts.tv_nsec / 1e9;
	if (flags & STACK_PS_QUIET)
		stack_table_init(&t, 1);
	stack_ps_rows(&t, tasks, services, nodes, flags, now);
	stack_table_print(&t, stdout);
	ret = 0;
done:
	stack_table_release(&t);
	json_decref(tasks);
	json_decref(services);
	json_decref(nodes);
	json_decref(filters);
	engine_free(e);
	sbuf_release(&err);
	return ret;
}
