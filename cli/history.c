/* stackc history: the revisions of a stack recorded in the swarm (swarm/revision.h). */
#include "cli/cli.h"
#include "cli/listfmt.h"
#include "base/xalloc.h"
#include "swarm/revision.h"
#include "swarm/stack.h"

#include <stdio.h>

static const struct command_help help = {
	"history", "[options] STACK",
	"List the revisions of a stack, newest first: each deploy (or rollback) that\n"
	"changed something and converged, with when, from which host and user, and\n"
	"what it changed. They are config objects in the swarm, so every manager and\n"
	"every machine sees the same history; `stackc rollback --to N` deploys one.\n",
	NULL,
};

static const struct list_field fields[] = {
	{ "Revision", 1 }, { "Created", 1 }, { "Host", 1 }, { "User", 1 }, { "Summary", 1 },
};

int cmd_history(int argc, char **argv)
{
	struct engine_cmd c = ENGINE_CMD_INIT;
	const char *stack;
	int ret;
	struct revision_list l = { 0 };
	struct stack_table t;
	const char *format = NULL;
	struct list_format lf;
	int quiet = 0;
	const struct opt opts[] = {
		OPT_FLAG('q', "quiet", "only the revision numbers (unless --format gives a template)", &quiet),
		OPT_LIST_FORMAT(&format, "table {{.Revision}}\\t{{.Summary}}"),
		OPTS_ENGINE(&c.engine),
		OPT_END(),
	};
	if (list_cmd_parse(&ret, &stack, &lf, &t, fields, ARRAY_SIZE(fields), &format, &quiet, &c,
			   &help, opts, STACK_ARGS_ONE, argc, argv))
		goto done;
	if (engine_cmd_open(&c) || revision_list(&l, c.e, stack, &c.err)) {
		ret = engine_cmd_fail(&c);
		goto done;
	}
	if (!l.n) {
		fprintf(stderr, "No revisions of stack: %s\n", stack);
		goto done;
	}
	if (quiet) {
		stack_table_release(&t);
		stack_table_init(&t, 1);
	} else {
		static const char *const head[] = { "REVISION", "CREATED", "HOST", "USER", "SUMMARY" };
		for (size_t i = 0; i < ARRAY_SIZE(head); i++)
			stack_table_add(&t, head[i]);
	}
	for (size_t i = 0; i < l.n; i++) {
		char num[32];
		snprintf(num, sizeof(num), "%ld", l.v[i].number);
		stack_table_add(&t, num);
		if (quiet)
			continue;
		stack_table_add(&t, l.v[i].time ? l.v[i].time : "");
		stack_table_add(&t, l.v[i].host ? l.v[i].host : "");
		stack_table_add(&t, l.v[i].user ? l.v[i].user : "");
		stack_table_add(&t, l.v[i].summary ? l.v[i].summary : "");
	}
	list_format_print(&lf, &t, stdout);
done:
	list_format_release(&lf);
	stack_table_release(&t);
	revision_list_release(&l);
	engine_cmd_release(&c);
	return ret;
}
