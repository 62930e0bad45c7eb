/* stackc diff: what a deploy would change; see cli/deploy.h. */
#include "cli/cli.h"
#include "cli/deploy.h"

static const struct command_help help = {
	"diff", "[options] [STACK]",
	"Show what `stackc deploy` would change on the live swarm, object by object:\n"
	"  + create, ~ update (with each changed field: old -> new), - remove (--prune,\n"
	"  superseded secret/config generations); a rotated secret or config as\n"
	"  \"~ secret NAME: rotated (content changed)\".\n"
	"Only GET requests are made. --out FILE saves the plan for `stackc deploy --plan FILE`\n"
	"(the request bodies and each object's version; a secret as its file's path and a\n"
	"salted fingerprint, never its content).\n",
	"Exit status: 0 ok, 1 invalid input or plan refused, 2 usage, 3 Engine failure\n"
	"(2: changes, with --detailed-exitcode).\n",
};

static const struct opt_choice formats[] = { { "text", 0 }, { "json", 1 }, { NULL, 0 } };

int cmd_diff(int argc, char **argv)
{
	struct stack_cmd s;
	stack_cmd_init(&s);
	const struct opt opts[] = {
		OPTS_STACK_CMD(&s),
		OPT_FLAG(0, "detailed-exitcode",
			 "exit 0: no changes, 2: changes, 1: errors",
			 &s.detailed_exitcode),
		OPT_ENUM(0, "format", NULL, "output format (default text)", &s.json, formats),
		OPT_STRING(0, "out", "FILE", "also save the plan to FILE, for `stackc deploy --plan`", &s.plan_file),
		OPT_END(),
	};
	return stack_cmd_main(&s, STACK_CMD_DIFF, &help, opts, argc, argv);
}
