/* stackc ls — not implemented yet. */
#include "cli/cli.h"

#include <stdio.h>

int cmd_ls(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("stackc ls: not implemented yet\n", stderr);
	return EXIT_SYSTEM;
}
