/* stackc ls: the stacks on the swarm, as `docker stack ls` prints them. */
#include "cli/cli.h"
#include "swarm/stack.h"

#include <jansson.h>
#include <stdio.h>

static const struct command_help help = {
	"ls", "[options]",
	"List the stacks on the swarm: every namespace label on a service, with its\n"
	"number of services (like docker stack ls).\n",
	NULL,
};

int cmd_ls(int argc, char **argv)
{
	struct engine_cmd c = ENGINE_CMD_INIT;
	const struct opt opts[] = { OPTS_ENGINE(&c.engine), OPT_END() };
	json_t *services = NULL;
	struct stack_table t;
	int ret = engine_cmd_parse(&c, &help, opts, STACK_ARGS_NONE, argc, argv);
	if (ret)
		return options_exit_status(ret);

	stack_table_init(&t, 3);
	if (engine_cmd_open(&c) ||
	    stack_list(&services, c.e, KIND_SERVICE, NULL, NULL, NULL, &c.err)) {
		ret = engine_cmd_fail(&c);
		goto done;
	}
	stack_ls_rows(&t, services);
	stack_table_print(&t, stdout);
done:
	stack_table_release(&t);
	json_decref(services);
	engine_cmd_release(&c);
	return ret;
}
