/* stackc config — wired in by the integration step. */
#include "cli/cli.h"

#include <stdio.h>

int cmd_config(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("stackc config: not implemented yet\n", stderr);
	return EXIT_SYSTEM;
}
