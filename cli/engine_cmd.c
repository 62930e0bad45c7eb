/* The prologue shared by the commands that talk to the Engine; see cli/cli.h. */
#include "cli/cli.h"
#include "swarm/stack.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* <stack>_x, the shortest service name, fits the daemon's 63 */
#define STACK_NAME_MAX 61
#define NAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"

/* docker's check: a name of only spaces and quotes is no name. */
static int blank_name(const char *s)
{
	return !s[strspn(s, " \t\r\n\v\f\"'")];
}

/*
 * The daemon names each service <stack>_<service> and takes only DNS labels,
 * ^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$ of at most 63 characters: a stack name
 * that cannot begin one fails every service. 0, or a usage error.
 */
static int check_object_prefix(const char *cmd, const char *name)
{
	size_t len = strlen(name);
	if (!isalnum((unsigned char)name[0]) || strspn(name, NAME_CHARS) != len)
		return usage_error(cmd, "invalid stack name \"%s\": only letters, digits, '-' and '_', "
				   "starting with a letter or digit (services are named <stack>_<service>)",
				   name);
	if (len > STACK_NAME_MAX)
		return usage_error(cmd, "invalid stack name \"%s\": at most %d characters (services are "
				   "named <stack>_<service>, at most 63)", name, STACK_NAME_MAX);
	return 0;
}

int engine_cmd_check_name(struct engine_cmd *c, const char *name)
{
	if (blank_name(name)) {
		usage_error(c->name, "invalid stack name: \"%s\"", name);
		return OPTIONS_USAGE;
	}
	if (c->creates && check_object_prefix(c->name, name))
		return OPTIONS_USAGE;
	return 0;
}

static int check_stack_names(struct engine_cmd *c)
{
	for (int i = 0; i < c->nstacks; i++)
		if (engine_cmd_check_name(c, c->stacks[i]))
			return OPTIONS_USAGE;
	return 0;
}

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
	else if (want != STACK_ARGS_NONE && want != STACK_ARGS_PROJECT && !c->nstacks)
		usage_error(help->name, "a stack name is required");
	else if ((want == STACK_ARGS_ONE || want == STACK_ARGS_PROJECT) && c->nstacks > 1)
		usage_error(help->name, "one stack at a time, got '%s' and '%s'", argv[0], argv[1]);
	else
		return check_stack_names(c);
	return OPTIONS_USAGE;
}

int engine_cmd_open(struct engine_cmd *c)
{
	/* open once: rollback reads its revision before the shared driver goes on */
	return c->e ? 0 : engine_open(&c->e, &c->engine, &c->err);
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
