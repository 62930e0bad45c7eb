/* stackc rm — not implemented yet. */
#include "cli/cli.h"

#include <stdio.h>

int cmd_rm(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("stackc rm: not implemented yet\n", stderr);
	return EXIT_SYSTEM;
}
