/* stackc ps — not implemented yet. */
#include "cli/cli.h"

#include <stdio.h>

int cmd_ps(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("stackc ps: not implemented yet\n", stderr);
	return EXIT_SYSTEM;
}
