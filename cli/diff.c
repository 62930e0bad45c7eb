/* stackc diff: what a deploy would change; see cli/deploy.h. */
#include "cli/cli.h"
#include "cli/deploy.h"

int cmd_diff(int argc, char **argv)
{
	return stack_cmd_main(STACK_CMD_DIFF, argc, argv);
}
