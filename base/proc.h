/*
 * Child processes: a program (found on PATH) run with its stdin and stdout
 * connected to this process and its stderr collected. Used for ssh (the Engine
 * over `docker system dial-stdio`) and for docker's credential helpers.
 *
 * stdin and stdout are socket pairs, not pipes: writing to a child that died
 * fails with EPIPE (proc_send() passes MSG_NOSIGNAL) instead of killing this
 * process with SIGPIPE. stderr is a pipe. Every descriptor of this process is
 * close-on-exec for the child, and the child's own ends are closed here.
 *
 * proc_start() returns 0, or -1 with "cannot run NAME: <strerror>" in *err
 * when the program cannot be executed (not found, not executable): the child
 * reports a failed exec through a close-on-exec pipe before it exits, so that
 * failure is told apart from the program failing.
 */
#ifndef STACKC_BASE_PROC_H
#define STACKC_BASE_PROC_H

#include <stddef.h>
#include <sys/types.h>

struct sbuf;

struct proc {
	pid_t pid;  /* 0: not running */
	int in;     /* the child's stdin; -1 once closed */
	int out;    /* the child's stdout; -1 once closed */
	int err;    /* the child's stderr; -1 once closed */
};

#define PROC_INIT { 0, -1, -1, -1 }

enum proc_flags {
	PROC_NEW_SESSION = 1,     /* setsid(): no controlling terminal, so a prompt fails instead of blocking */
	PROC_DIE_WITH_PARENT = 2, /* SIGKILL when this process dies (Linux PR_SET_PDEATHSIG) */
};

int proc_start(struct proc *p, const char *const argv[], unsigned flags, struct sbuf *err);

/*
 * Write n bytes to the child's stdin, waiting at most until deadline_ms
 * (proc_now_ms() based; 0: no limit) and reading its stderr into errbuf
 * meanwhile (as proc_wait_readable()). 0, or -1 with errno (EPIPE when the
 * child closed it, ETIMEDOUT).
 */
int proc_send(struct proc *p, const void *buf, size_t n, struct sbuf *errbuf, long long deadline_ms);

/*
 * Wait until the child's stdout is readable (1), until deadline_ms (0 and errno
 * ETIMEDOUT), or fail (-1). What the child writes to stderr meanwhile is
 * appended to errbuf (capped: the oldest bytes beyond 4 KiB are dropped).
 */
int proc_wait_readable(struct proc *p, struct sbuf *errbuf, long long deadline_ms);

/*
 * End the child: close its stdin (most programs then exit on their own), wait
 * up to grace_ms for that, then SIGTERM, then SIGKILL after a second. Reads the
 * rest of its stderr into errbuf (may be NULL). *status gets the waitpid()
 * status (may be NULL). Safe to call on a proc that is not running.
 */
void proc_finish(struct proc *p, long grace_ms, struct sbuf *errbuf, int *status);

/*
 * Run argv to completion: input on its stdin (then closed), its stdout into
 * out, its stderr into errout (either may be NULL: discarded), at most
 * timeout_ms (then it is killed and this fails with "NAME did not finish in N
 * s"). Returns 0 with the waitpid() status in *status, or -1 with the reason
 * in *err.
 */
int proc_run(const char *const argv[], const char *input, size_t inlen, struct sbuf *out,
	     struct sbuf *errout, long timeout_ms, int *status, struct sbuf *err);

/* "exited with status 1", "was killed by signal 9 (Killed)". */
void proc_put_status(struct sbuf *sb, int status);

/* A monotonic clock in milliseconds, for deadlines. */
long long proc_now_ms(void);

#endif
