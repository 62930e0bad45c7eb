/* stackc validate — not implemented yet. */
#include "cli/cli.h"

#include <stdio.h>

int cmd_validate(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("stackc validate: not implemented yet\n", stderr);
	return EXIT_SYSTEM;
}
