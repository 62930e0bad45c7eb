/*
 * SIGINT and SIGTERM while a command writes to the swarm: the first one
 * only raises a flag, so the request in flight completes and the command
 * stops before its next write and says what was done; a second one ends
 * the process at once (the signal's default action). Commands exit
 * EXIT_INTERRUPTED (130) after the first.
 *
 * interrupt_arm() installs the handlers (with SA_RESTART: reads and writes
 * in progress carry on; sleeps return early); interrupt_disarm() restores
 * what was there before.
 */
#ifndef STACKC_BASE_INTERRUPT_H
#define STACKC_BASE_INTERRUPT_H

/* The exit status of a command stopped this way (128 + SIGINT, as a shell reports it). */
#define EXIT_INTERRUPTED 130

void interrupt_arm(void);
void interrupt_disarm(void);

/* The signal received since interrupt_arm() ("SIGINT", "SIGTERM"), or NULL. */
const char *interrupt_received(void);

/* interrupt_received() != NULL, in the shape apply and wait take (ctx unused). */
int interrupt_requested(void *ctx);

#endif
