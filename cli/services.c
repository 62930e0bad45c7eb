/* stackc services: the services of a stack, as `docker stack services` prints them. */
#include "cli/cli.h"
#include "cli/listfmt.h"
#include "base/xalloc.h"
#include "swarm/stack.h"

#include <jansson.h>
#include <stdio.h>

static const struct command_help help = {
	"services", "[options] STACK",
	"List the services of a stack, with their running/desired tasks\n"
	"(like docker stack services).\n",
	NULL,
};

/* the columns of stack_services_rows() */
static const struct list_field fields[] = {
	{ "ID", 1 }, { "Name", 1 }, { "Mode", 1 }, { "Replicas", 1 }, { "Image", 1 }, { "Ports", 1 },
};

int cmd_services(int argc, char **argv)
{
	struct engine_cmd c = ENGINE_CMD_INIT;
	const char *stack;
	int ret;
	json_t *filters = json_object(), *services = NULL;
	struct stack_table t;
	const char *format = NULL;
	struct list_format lf;
	int quiet = 0;
	const struct opt opts[] = {
		OPT_FLAG('q', "quiet", "only the service IDs (unless --format gives a template)",
			 &quiet),
		OPT_LIST_FORMAT(&format, "table {{.Name}}\\t{{.Replicas}}\\t{{.Image}}"),
		OPT_CALLBACK_WORDS('f', "filter", "KEY=VALUE",
				   "an Engine filter (id, label, mode, name); repeatable", filters,
				   engine_option_filter, "KEY=VALUE", "id= label= mode= name="),
		OPTS_ENGINE(&c.engine),
		OPT_END(),
	};
	if (list_cmd_parse(&ret, &stack, &lf, &t, fields, ARRAY_SIZE(fields), &format, &quiet, &c,
			   &help, opts, STACK_ARGS_ONE, argc, argv))
		goto done;

	if (engine_cmd_open(&c) ||
	    stack_list(&services, c.e, KIND_SERVICE, stack, filters, quiet ? NULL : "status=true",
		       &c.err)) {
		ret = engine_cmd_fail(&c);
		goto done;
	}
	if (!json_array_size(services)) {
		fprintf(stderr, "Nothing found in stack: %s\n", stack);
		goto done;
	}
	if (quiet)
		stack_table_init(&t, 1);
	stack_services_rows(&t, services, quiet);
	list_format_print(&lf, &t, stdout);
done:
	list_format_release(&lf);
	stack_table_release(&t);
	json_decref(services);
	json_decref(filters);
	engine_cmd_release(&c);
	return ret;
}
