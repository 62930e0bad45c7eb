/* SIGINT/SIGTERM: the first raises the flag, the second ends the process. */
#include "base/interrupt.h"
#include "tests/unit/harness.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

void test_interrupt__first_signal_flags_second_ends(void)
{
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (!pid) {
		interrupt_arm();
		if (interrupt_requested(NULL))
			_exit(1);
		raise(SIGTERM);
		if (!interrupt_requested(NULL) || strcmp(interrupt_received(), "SIGTERM"))
			_exit(2);
		raise(SIGINT); /* the second: the default action */
		_exit(3);
	}
	int status = 0;
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFSIGNALED(status));
	CHECK_INT_EQ(WTERMSIG(status), SIGINT);
}

void test_interrupt__disarm_restores(void)
{
	interrupt_arm();
	interrupt_disarm();
	struct sigaction sa;
	sigaction(SIGINT, NULL, &sa);
	CHECK(sa.sa_handler == SIG_DFL);
}
