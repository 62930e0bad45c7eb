/* The first SIGINT/SIGTERM raises a flag, the second ends the process; see interrupt.h. */
#include "base/interrupt.h"

#include <signal.h>
#include <stddef.h>
#include <string.h>

static volatile sig_atomic_t received; /* the signal number, 0: none */
static struct sigaction saved_int, saved_term;

static void on_signal(int sig)
{
	if (received) {
		/* the second one: stop now, as if nothing had caught the first */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	received = sig;
}

void interrupt_arm(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	received = 0;
	sigaction(SIGINT, &sa, &saved_int);
	sigaction(SIGTERM, &sa, &saved_term);
}

void interrupt_disarm(void)
{
	sigaction(SIGINT, &saved_int, NULL);
	sigaction(SIGTERM, &saved_term, NULL);
}

const char *interrupt_received(void)
{
	return received == SIGINT ? "SIGINT" : received == SIGTERM ? "SIGTERM" : received ? "a signal" : NULL;
}

int interrupt_requested(void *ctx)
{
	(void)ctx;
	return received != 0;
}
