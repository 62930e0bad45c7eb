/* stackc diff — not implemented yet. */
#include "cli/cli.h"

#include <stdio.h>

int cmd_diff(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("stackc diff: not implemented yet\n", stderr);
	return EXIT_SYSTEM;
}
