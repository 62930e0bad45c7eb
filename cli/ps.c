/* stackc ps: the tasks of a stack, as `docker stack ps` prints them. */
#include "cli/cli.h"
#include "cli/listfmt.h"
#include "base/xalloc.h"
#include "base/sbuf.h"
#include "swarm/stack.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static const struct command_help help = {
	"ps", "[options] STACK",
	"List the tasks of a stack, older tasks of a slot indented under the current one\n"
	"(like docker stack ps).\n",
	NULL,
};

/* Service and node names for the NAME and NODE columns. */
static int resolve_lists(json_t **services, json_t **nodes, struct engine *e, const char *stack,
			 struct sbuf *err)
{
	if (stack_list(services, e, KIND_SERVICE, stack, NULL, NULL, err) ||
	    engine_get(e, "/nodes", NULL, nodes, err))
		return -1;
	return 0;
}

/* the columns of stack_ps_rows() */
static const struct list_field fields[] = {
	{ "ID", 1 },	       { "Name", 1 },	      { "Image", 1 }, { "Node", 1 },
	{ "DesiredState", 1 }, { "CurrentState", 1 }, { "Error", 1 }, { "Ports", 1 },
};

int cmd_ps(int argc, char **argv)
{
	struct engine_cmd c = ENGINE_CMD_INIT;
	const char *stack;
	int ret;
	json_t *filters = json_object(), *tasks = NULL, *services = NULL, *nodes = NULL;
	struct stack_table t;
	struct list_format lf;
	const char *format = NULL;
	int quiet = 0, no_trunc = 0, no_resolve = 0;
	const struct opt opts[] = {
		OPT_FLAG('q', "quiet", "only the task IDs (unless --format gives a template)", &quiet),
		OPT_LIST_FORMAT(&format, "table {{.Name}}\\t{{.Node}}\\t{{.CurrentState}}"),
		OPT_FLAG(0, "no-trunc", "full IDs, images with digests, whole error messages", &no_trunc),
		OPT_FLAG(0, "no-resolve", "service and node IDs instead of names", &no_resolve),
		OPT_CALLBACK_WORDS('f', "filter", "KEY=VALUE",
				   "an Engine filter (desired-state, id, label, name, node,\n"
				   "service); repeatable",
				   filters, engine_option_filter, "KEY=VALUE",
				   "desired-state= id= label= name= node= service="),
		OPTS_ENGINE(&c.engine),
		OPT_END(),
	};
	if (list_cmd_parse(&ret, &stack, &lf, &t, fields, ARRAY_SIZE(fields), &format, &quiet, &c,
			   &help, opts, STACK_ARGS_ONE, argc, argv))
		goto done;
	int flags = (quiet ? STACK_PS_QUIET : 0) | (no_trunc ? STACK_PS_NO_TRUNC : 0) |
		    (no_resolve ? STACK_PS_NO_RESOLVE : 0);

	if (engine_cmd_open(&c) ||
	    stack_list(&tasks, c.e, KIND_TASK, stack, filters, NULL, &c.err)) {
		ret = engine_cmd_fail(&c);
		goto done;
	}
	if (!json_array_size(tasks)) {
		fprintf(stderr, "nothing found in stack: %s\n", stack);
		ret = EXIT_INVALID;
		goto done;
	}
	/* names also order the quiet list */
	int need_names = !(flags & STACK_PS_NO_RESOLVE);
	if (need_names && resolve_lists(&services, &nodes, c.e, stack, &c.err)) {
		ret = engine_cmd_fail(&c);
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
	list_format_print(&lf, &t, stdout);
	ret = 0;
done:
	list_format_release(&lf);
	stack_table_release(&t);
	json_decref(tasks);
	json_decref(services);
	json_decref(nodes);
	json_decref(filters);
	engine_cmd_release(&c);
	return ret;
}
