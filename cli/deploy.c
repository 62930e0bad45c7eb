/* stackc deploy — not implemented yet. */
#include "cli/cli.h"

#include <stdio.h>

int cmd_deploy(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("stackc deploy: not implemented yet\n", stderr);
	return EXIT_SYSTEM;
}
