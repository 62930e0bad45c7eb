/*
 * The shared driver of `stackc diff` and `stackc deploy`: load the files
 * like `config`, convert, read the live stack, plan; then diff prints the
 * plan, deploy applies it and waits. Returns the process exit status.
 */
#ifndef STACKC_CLI_DEPLOY_H
#define STACKC_CLI_DEPLOY_H

enum stack_cmd { STACK_CMD_DIFF, STACK_CMD_DEPLOY };

int stack_cmd_main(enum stack_cmd which, int argc, char **argv);

#endif
