/*
 * measure — run one command and print its wall time and peak RSS.
 *
 *   measure [-t SECONDS] [-o OUT] [-e ERR] -- COMMAND [ARG...]
 *
 * Prints one line on stdout: `<wall ms> <cpu ms> <peak RSS KiB> <status>`, where status is the
 * exit code, `sig<N>` or `timeout`. Wall time is CLOCK_MONOTONIC from fork to reaping; CPU time is
 * user + system time and peak RSS is ru_maxrss, both from wait4 (they include the descendants the
 * child reaped). CPU time is the figure to compare on a busy machine. The child's stdout and
 * stderr go to OUT and ERR (default /dev/null). On timeout the child's process group is killed.
 * measure exits 0 when it could run the command, 2 on usage or system errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
}

static int redirect(const char *path, int fd)
{
	int f = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (f < 0 || dup2(f, fd) < 0)
		return -1;
	close(f);
	return 0;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	const char *out = "/dev/null", *err = "/dev/null";
	unsigned timeout = 0;
	int opt;
	while ((opt = getopt(argc, argv, "+t:o:e:")) != -1) {
		switch (opt) {
		case 't': timeout = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'o': out = optarg; break;
		case 'e': err = optarg; break;
		default: goto usage;
		}
	}
	if (optind >= argc)
		goto usage;

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm; /* no SA_RESTART: wait4 returns EINTR on timeout */
	sigaction(SIGALRM, &sa, NULL);

	double t0 = now_ms();
	pid_t pid = fork();
	if (pid < 0) {
		perror("measure: fork");
		return 2;
	}
	if (pid == 0) {
		setpgid(0, 0);
		if (redirect(out, 1) < 0 || redirect(err, 2) < 0) {
			perror("measure: redirect");
			_exit(127);
		}
		execvp(argv[optind], argv + optind);
		perror("measure: exec");
		_exit(127);
	}
	setpgid(pid, pid);
	if (timeout)
		alarm(timeout);

	int status;
	struct rusage ru;
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("measure: wait4");
			return 2;
		}
		if (timed_out)
			kill(-pid, SIGKILL);
	}
	double ms = now_ms() - t0;
	alarm(0);

	char st[32];
	if (timed_out)
		snprintf(st, sizeof(st), "timeout");
	else if (WIFSIGNALED(status))
		snprintf(st, sizeof(st), "sig%d", WTERMSIG(status));
	else
		snprintf(st, sizeof(st), "%d", WEXITSTATUS(status));
	double cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3
	             + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
	printf("%.3f %.3f %ld %s\n", ms, cpu, ru.ru_maxrss, st);
	return 0;
usage:
	fputs("usage: measure [-t SECONDS] [-o OUT] [-e ERR] -- COMMAND [ARG...]\n", stderr);
	return 2;
}
