/* stackc ls: the stacks on the swarm, as `docker stack ls` prints them. */
#include "cli/cli.h"
#include "cli/listfmt.h"
#include "swarm/stack.h"

#include <jansson.h>
#include "base/xalloc.h"

#include <stdio.h>

static const struct command_help help = {
	"ls", "[options]",
	"List the stacks on the swarm: every namespace label on a service, with its\n"
	"number of services (like docker stack ls).\n",
	NULL,
};

/* the columns of stack_ls_rows(); docker's json has no Orchestrator since it dropped Kubernetes */
static const struct list_field fields[] = {
	{ "Name", 1 }, { "Services", 1 }, { "Orchestrator", 0 },
};

int cmd_ls(int argc, char **argv)
{
	struct engine_cmd c = ENGINE_CMD_INIT;
	const char *stack;
	int ret;
	const char *format = NULL;
	const struct opt opts[] = {
		OPT_LIST_FORMAT(&format, "table {{.Name}}\\t{{.Services}}"),
		OPTS_ENGINE(&c.engine),
		OPT_END(),
	};
	json_t *services = NULL;
	struct stack_table t;
	struct list_format lf;
	if (list_cmd_parse(&ret, &stack, &lf, &t, fields, ARRAY_SIZE(fields), &format, NULL, &c,
			   &help, opts, STACK_ARGS_NONE, argc, argv))
		goto done;
	if (engine_cmd_open(&c) ||
	    stack_list(&services, c.e, KIND_SERVICE, NULL, NULL, NULL, &c.err)) {
		ret = engine_cmd_fail(&c);
		goto done;
	}
	stack_ls_rows(&t, services);
	list_format_print(&lf, &t, stdout);
done:
	list_format_release(&lf);
	stack_table_release(&t);
	json_decref(services);
	engine_cmd_release(&c);
	return ret;
}
