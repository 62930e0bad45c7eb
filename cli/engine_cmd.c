/* The prologue shared by the commands that talk to the Engine; see cli/cli.h. */
#include "cli/cli.h"
#include "swarm/stack.h"

#include <stdio.h>

int engine_cmd_parse(struct engine_cmd *c, const struct command_help *help,
		     const struct opt *opts, enum stack_args want, int argc, char **argv)
{
	int r = options_parse(&c->nstacks, argv, argc, help, opts);
	c->name = help->name;
	c->stacks = argv;
	if (r)
		return r;
	if (want == STACK_ARGS_NONE && c->nstacks)
		usage_error(help->name, "unexpected argument '%s'", argv[0]);
	else if (want != STACK_ARGS_NONE && !c->nstacks)
		usage_error(help->name, "a stack name is required");
	else if (want == STACK_ARGS_ONE && c->nstacks > 1)
		usage_error(help->name, "one stack at a time, got '%s' and '%s'", argv[0], argv[1]);
	else
		return 0;
	return OPTIONS_USAGE;
}

int engine_cmd_open(struct engine_cmd *c)
{
	return engine_open(&c->e, &c->engine, &c->err);
}

int engine_cmd_fail(struct engine_cmd *c)
{
	fprintf(stderr, "stackc %s: %s\n", c->name, c->err.buf);
	return EXIT_SYSTEM;
}

void engine_cmd_release(struct engine_cmd *c)
{
	engine_free(c->e);
	c->e = NULL;
	sbuf_release(&c->err);
}

int engine_option_filter(void *filters, const char *value)
{
	struct sbuf why = SBUF_INIT;
	int ret = stack_add_filter(filters, value, &why);
	sbuf_release(&why);
	return ret;
}
