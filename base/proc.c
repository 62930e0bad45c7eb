/* Child processes; see proc.h for the contract. */
#include "base/proc.h"

#include "base/sbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ERR_KEEP 4096

long long proc_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Milliseconds left until deadline for poll(): -1 for none, at least 0. */
static int left_ms(long long deadline)
{
	if (!deadline)
		return -1;
	long long left = deadline - proc_now_ms();
	return left < 0 ? 0 : left > 1000000 ? 1000000 : (int)left;
}

/* Read what the child's stderr has now into errbuf, keeping its last ERR_KEEP bytes. */
static void drain_err(struct proc *p, struct sbuf *errbuf)
{
	char buf[4096];
	for (;;) {
		ssize_t n = read(p->err, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0 || errno != EAGAIN)
				close_fd(&p->err);
			return;
		}
		if (!errbuf)
			continue;
		sb_put(errbuf, buf, (size_t)n);
		if (errbuf->len > 2 * ERR_KEEP) {
			memmove(errbuf->buf, errbuf->buf + errbuf->len - ERR_KEEP, ERR_KEEP);
			sbuf_setlen(errbuf, ERR_KEEP);
		}
	}
}

int proc_start(struct proc *p, const char *const argv[], unsigned flags, struct sbuf *err)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, errp[2] = { -1, -1 }, execp[2] = { -1, -1 };
	*p = (struct proc)PROC_INIT;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, out) || pipe2(errp, O_CLOEXEC) ||
	    pipe2(execp, O_CLOEXEC))
		goto fail;
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0)
		goto fail;
	if (!pid) {
		/* the child: only async-signal-safe calls until exec */
		if (flags & PROC_NEW_SESSION)
			setsid();
		if (flags & PROC_DIE_WITH_PARENT) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != parent)
				_exit(127);
		}
		signal(SIGPIPE, SIG_DFL);
		if (dup2(in[1], 0) < 0 || dup2(out[1], 1) < 0 || dup2(errp[1], 2) < 0)
			goto child_fail;
		execvp(argv[0], (char *const *)argv);
child_fail:;
		int e = errno;
		ssize_t w = write(execp[1], &e, sizeof(e));
		(void)w;
		_exit(127);
	}
	close_fd(&in[1]);
	close_fd(&out[1]);
	close_fd(&errp[1]);
	close_fd(&execp[1]);
	int child_errno = 0;
	ssize_t n;
	do
		n = read(execp[0], &child_errno, sizeof(child_errno));
	while (n < 0 && errno == EINTR);
	close_fd(&execp[0]);
	p->pid = pid;
	p->in = in[0];
	p->out = out[0];
	p->err = errp[0];
	fcntl(p->err, F_SETFL, fcntl(p->err, F_GETFL) | O_NONBLOCK);
	if (n == (ssize_t)sizeof(child_errno)) {
		proc_finish(p, 0, NULL, NULL);
		sb_printf(err, "cannot run %s: %s", argv[0], strerror(child_errno));
		return -1;
	}
	return 0;
fail:
	sb_printf(err, "cannot run %s: %s", argv[0], strerror(errno));
	int *fds[] = { &in[0], &in[1], &out[0], &out[1], &errp[0], &errp[1], &execp[0], &execp[1] };
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		close_fd(fds[i]);
	return -1;
}

int proc_send(struct proc *p, const void *buf, size_t n, struct sbuf *errbuf, long long deadline_ms)
{
	const char *s = buf;
	while (n) {
		ssize_t w = send(p->in, s, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w > 0) {
			s += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		/* full: wait, reading stderr meanwhile so the child cannot block on it */
		struct pollfd pf[2] = { { p->in, POLLOUT, 0 }, { p->err, POLLIN, 0 } };
		int r = poll(pf, p->err >= 0 ? 2 : 1, left_ms(deadline_ms));
		if (r < 0 && errno != EINTR)
			return -1;
		if (!r) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (p->err >= 0 && pf[1].revents)
			drain_err(p, errbuf);
	}
	return 0;
}

int proc_wait_readable(struct proc *p, struct sbuf *errbuf, long long deadline_ms)
{
	for (;;) {
		struct pollfd pf[2] = { { p->out, POLLIN, 0 }, { p->err, POLLIN, 0 } };
		int r = poll(pf, p->err >= 0 ? 2 : 1, left_ms(deadline_ms));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (!r) {
			errno = ETIMEDOUT;
			return 0;
		}
		if (p->err >= 0 && pf[1].revents)
			drain_err(p, errbuf);
		if (pf[0].revents)
			return 1;
	}
}

/* Wait up to ms for the child to exit, reading its stderr: 1 when it is gone. */
static int reap(struct proc *p, long ms, struct sbuf *errbuf, int *status)
{
	long long end = proc_now_ms() + ms;
	for (;;) {
		pid_t r = waitpid(p->pid, status, WNOHANG);
		if (r == p->pid || (r < 0 && errno != EINTR))
			return 1;
		long long left = end - proc_now_ms();
		if (left <= 0)
			return 0;
		/* its stderr closes when it exits: wake up then, else every few ms */
		struct pollfd pf = { p->err, POLLIN, 0 };
		int wait = left < 5 ? (int)left : 5;
		if (p->err >= 0 && poll(&pf, 1, wait) > 0)
			drain_err(p, errbuf);
		else if (p->err < 0)
			poll(NULL, 0, wait);
	}
}

void proc_finish(struct proc *p, long grace_ms, struct sbuf *errbuf, int *status)
{
	int st = 0;
	close_fd(&p->in);
	if (p->pid > 0) {
		if (!reap(p, grace_ms, errbuf, &st)) {
			kill(p->pid, SIGTERM);
			if (!reap(p, 1000, errbuf, &st)) {
				kill(p->pid, SIGKILL);
				while (waitpid(p->pid, &st, 0) < 0 && errno == EINTR)
					;
			}
		}
	}
	if (p->err >= 0)
		drain_err(p, errbuf);
	close_fd(&p->out);
	close_fd(&p->err);
	p->pid = 0;
	if (status)
		*status = st;
}

/* One read of what fd has into sb (NULL: dropped); fd is closed at its end. */
static void read_some(int *fd, struct sbuf *sb)
{
	char buf[4096];
	ssize_t n = read(*fd, buf, sizeof(buf));
	if (n > 0 && sb)
		sb_put(sb, buf, (size_t)n);
	if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
		close_fd(fd);
}

int proc_run(const char *const argv[], const char *input, size_t inlen, struct sbuf *out,
	     struct sbuf *errout, long timeout_ms, int *status, struct sbuf *err)
{
	struct proc p;
	if (proc_start(&p, argv, PROC_DIE_WITH_PARENT, err))
		return -1;
	long long deadline = proc_now_ms() + timeout_ms;
	size_t sent = 0;
	int timed_out = 0;
	if (!inlen)
		close_fd(&p.in);
	while (p.out >= 0 || p.err >= 0) {
		struct pollfd pf[3] = { { p.in, POLLOUT, 0 }, { p.out, POLLIN, 0 }, { p.err, POLLIN, 0 } };
		int r = poll(pf, 3, left_ms(deadline));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			timed_out = r == 0;
			break;
		}
		if (p.in >= 0 && pf[0].revents) {
			ssize_t w = send(p.in, input + sent, inlen - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (w > 0)
				sent += (size_t)w;
			/* the child may exit without reading everything: not an error here */
			if (sent == inlen || (w < 0 && errno != EAGAIN && errno != EINTR))
				close_fd(&p.in);
		}
		if (p.out >= 0 && pf[1].revents)
			read_some(&p.out, out);
		if (p.err >= 0 && pf[2].revents)
			read_some(&p.err, errout);
	}
	int st = 0;
	proc_finish(&p, timed_out ? 0 : 1000, NULL, &st);
	if (timed_out) {
		sb_printf(err, "%s did not finish in %ld s", argv[0], (timeout_ms + 999) / 1000);
		return -1;
	}
	*status = st;
	return 0;
}

void proc_put_status(struct sbuf *sb, int status)
{
	if (WIFEXITED(status))
		sb_printf(sb, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		sb_printf(sb, "was killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		sb_printf(sb, "ended with status %d", status);
}
