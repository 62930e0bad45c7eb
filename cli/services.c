/* stackc services — not implemented yet. */
#include "cli/cli.h"

#include <stdio.h>

int cmd_services(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("stackc services: not implemented yet\n", stderr);
	return EXIT_SYSTEM;
}
