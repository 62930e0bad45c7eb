/*
 * The ssh transport, as the docker CLI reaches ssh:// hosts (its connhelper):
 *
 *   ssh [-l USER] [-p PORT] -o ConnectTimeout=N -T -- HOST docker system dial-stdio
 *
 * (`docker --host=unix://PATH system dial-stdio` when the URL has a path),
 * the system's ssh found on PATH, so ~/.ssh/config, known_hosts and the agent
 * apply as they do for ssh itself. The child runs in a session of its own (a
 * password or passphrase prompt fails instead of reading the terminal, as in
 * docker) and dies with this process. HTTP/1.1 goes over its stdin and stdout:
 * one ssh process for the whole run, requests one after another on the kept-
 * alive connection; replies with Content-Length, chunked, or up to the end of
 * the stream (then the next request starts a new ssh). See transport.h for the
 * contract.
 *
 * Errors name the host and end with ssh's own last stderr line ("Permission
 * denied (publickey).", "Host key verification failed.", "sh: 1: docker: not
 * found"); what ssh prints on a working connection is never shown. The URL
 * must not carry a password (refused without echoing it), a query or a
 * fragment, as in docker.
 *
 * The docker CLI has no setting for extra ssh options (only its Go API takes
 * them): ~/.ssh/config is the place, for stackc as for docker.
 *
 * Differs from docker: ConnectTimeout is the Engine connect timeout (10 s by
 * default) instead of 30 s; a GET whose kept-alive connection turns out to be
 * closed is retried once on a new one.
 */
#include "swarm/transport.h"

#include "base/proc.h"
#include "base/sbuf.h"
#include "base/url.h"
#include "base/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_LINE (64 * 1024)
#define CLOSE_GRACE_MS 2000

struct ssh_transport {
	struct transport base;
	char *endpoint;          /* the URL as given, for messages */
	char **argv;             /* the ssh command line, NULL-terminated */
	long timeout_ms;
	int debug;
	struct proc proc;        /* running when proc.pid != 0 */
	size_t answered;         /* replies read on the current connection */
	int must_close;          /* the last reply ended the connection */
	int got_bytes;           /* the current request got any reply byte */
	struct sbuf stderr_tail; /* the last bytes ssh wrote to stderr */
	char rbuf[16384];
	size_t rpos, rlen;
};

/* Why a request failed, for the message. */
enum failure { FAIL_NONE, FAIL_EOF, FAIL_TIMEOUT, FAIL_IO, FAIL_PROTOCOL, FAIL_TOO_BIG };

/* ---- the command line ---- */

struct ssh_spec {
	char *user, *host, *port, *path;
};

static void spec_release(struct ssh_spec *sp)
{
	free(sp->user);
	free(sp->host);
	free(sp->port);
	free(sp->path);
}

/* A user or host name ssh gets as one argument: no blanks or control
 * characters, and no leading '-' (it would read as an option). */
static int safe_word(const char *s, size_t n)
{
	if (!n || s[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return 0;
	return 1;
}

/* ssh://[user@]host[:port][/path], as docker's connhelper reads it. */
static int parse_url(struct ssh_spec *sp, const char *url, struct sbuf *err)
{
	memset(sp, 0, sizeof(*sp));
	const char *rest = url + strlen("ssh://");
	const char *q = strpbrk(rest, "?#");
	if (q) {
		sb_printf(err, "invalid ssh host %.*s: %s are not allowed", (int)(q - url), url,
			  *q == '?' ? "query parameters" : "fragments");
		return -1;
	}
	size_t alen = strcspn(rest, "/");
	struct url_authority u;
	int bad = url_split_authority(&u, rest, alen);
	/* the user part is never echoed: it may hold a password */
	if (u.has_password) {
		sb_puts(err, "invalid ssh host: a password in the URL is not supported (use a key or the ssh agent)");
		return -1;
	}
	if (u.user && !safe_word(u.user, u.user_len)) {
		sb_puts(err, "invalid ssh host: the user name is empty or has blanks, control characters or a leading '-'");
		return -1;
	}
	if (!bad && !u.host_len) {
		sb_printf(err, "invalid ssh host %.*s: the host name is empty", (int)(rest + alen - url), url);
		return -1;
	}
	long port = 0;
	for (size_t i = 0; !bad && i < u.port_len; i++)
		bad = (port = port * 10 + (u.port[i] - '0')) > 65535;
	if (bad || !safe_word(u.host, u.host_len) || (u.port_len && !port)) {
		sb_printf(err, "invalid ssh host %.*s: expected ssh://[user@]host[:port][/socket-path]",
			  (int)(rest + alen - url), url);
		return -1;
	}
	if (u.user)
		sp->user = xstrndup(u.user, u.user_len);
	if (u.port_len)
		sp->port = xstrndup(u.port, u.port_len);
	sp->host = xstrndup(u.host, u.host_len);
	if (rest[alen])
		sp->path = xstrdup(rest + alen);
	return 0;
}

/* One word for the remote POSIX shell: as it is when it is plain, else single-quoted. */
static void put_shell_word(struct sbuf *sb, const char *s)
{
	if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./:=@%+-") ==
			  strlen(s)) {
		sb_puts(sb, s);
		return;
	}
	sb_putc(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			sb_puts(sb, "'\\''");
		else
			sb_putc(sb, *s);
	}
	sb_putc(sb, '\'');
}

static char **build_argv(const struct ssh_spec *sp, long connect_timeout_ms)
{
	char **argv = xcalloc(16, sizeof(*argv));
	size_t n = 0;
	argv[n++] = xstrdup("ssh");
	if (sp->user) {
		argv[n++] = xstrdup("-l");
		argv[n++] = xstrdup(sp->user);
	}
	if (sp->port) {
		argv[n++] = xstrdup("-p");
		argv[n++] = xstrdup(sp->port);
	}
	argv[n++] = xstrdup("-o");
	argv[n++] = xstrfmt("ConnectTimeout=%ld", connect_timeout_ms > 0 ? (connect_timeout_ms + 999) / 1000 : 30);
	argv[n++] = xstrdup("-T");
	argv[n++] = xstrdup("--");
	argv[n++] = xstrdup(sp->host);
	/* ssh hands the remote command to the user's shell as one string */
	struct sbuf cmd = SBUF_INIT;
	sb_puts(&cmd, "docker ");
	if (sp->path && sp->path[strspn(sp->path, "/")]) {
		char *opt = xstrfmt("--host=unix://%s", sp->path);
		put_shell_word(&cmd, opt);
		free(opt);
		sb_putc(&cmd, ' ');
	}
	sb_puts(&cmd, "system dial-stdio");
	argv[n++] = sbuf_detach(&cmd, NULL);
	return argv;
}

/* ---- the connection ---- */

static int start(struct ssh_transport *st, struct sbuf *err)
{
	sbuf_reset(&st->stderr_tail);
	st->answered = 0;
	st->must_close = 0;
	st->rpos = st->rlen = 0;
	if (proc_start(&st->proc, (const char *const *)st->argv, PROC_NEW_SESSION | PROC_DIE_WITH_PARENT, err)) {
		struct sbuf why = SBUF_INIT;
		sb_put(&why, err->buf, err->len);
		sbuf_reset(err);
		sb_printf(err, "cannot connect to the Docker Engine at %s: %s", st->endpoint, why.buf);
		sbuf_release(&why);
		return -1;
	}
	if (st->debug) {
		fputs("stackc: engine: started", stderr);
		for (char **a = st->argv; *a; a++)
			fprintf(stderr, " %s", *a);
		fprintf(stderr, " (pid %ld)\n", (long)st->proc.pid);
	}
	return 0;
}

/* grace: how long ssh may take to end on its own once its stdin is closed */
static void stop(struct ssh_transport *st, long grace_ms, int *status)
{
	if (st->proc.pid)
		proc_finish(&st->proc, grace_ms, &st->stderr_tail, status);
	st->rpos = st->rlen = 0;
}

/* ssh's last non-empty stderr line, control characters shown as '?'. */
static void put_stderr_line(struct sbuf *sb, const struct sbuf *tail)
{
	size_t end = tail->len;
	while (end && isspace((unsigned char)tail->buf[end - 1]))
		end--;
	size_t start = end;
	while (start && tail->buf[start - 1] != '\n')
		start--;
	if (end - start > 300)
		start = end - 300;
	for (size_t i = start; i < end; i++) {
		unsigned char c = (unsigned char)tail->buf[i];
		sb_putc(sb, c < ' ' || c == 0x7f ? '?' : c);
	}
}

/* ---- reading the reply ---- */

/* Make a byte available: 1, or 0 with *why set. */
static int fill(struct ssh_transport *st, long long deadline, enum failure *why)
{
	if (st->rpos < st->rlen)
		return 1;
	st->rpos = st->rlen = 0;
	for (;;) {
		int r = proc_wait_readable(&st->proc, &st->stderr_tail, deadline);
		if (r <= 0) {
			*why = r == 0 ? FAIL_TIMEOUT : FAIL_IO;
			return 0;
		}
		ssize_t n = read(st->proc.out, st->rbuf, sizeof(st->rbuf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			*why = n ? FAIL_IO : FAIL_EOF;
			return 0;
		}
		st->rlen = (size_t)n;
		st->got_bytes = 1;
		return 1;
	}
}

/* One line without its CR LF into line: 1, or 0 with *why set. */
static int read_line(struct ssh_transport *st, struct sbuf *line, long long deadline, enum failure *why)
{
	sbuf_reset(line);
	for (;;) {
		if (!fill(st, deadline, why))
			return 0;
		const char *p = st->rbuf + st->rpos;
		size_t avail = st->rlen - st->rpos;
		const char *nl = memchr(p, '\n', avail);
		size_t take = nl ? (size_t)(nl - p) + 1 : avail;
		if (line->len + take > MAX_LINE) {
			*why = FAIL_PROTOCOL;
			return 0;
		}
		sb_put(line, p, take);
		st->rpos += take;
		if (nl) {
			sbuf_setlen(line, line->len - 1);
			if (line->len && line->buf[line->len - 1] == '\r')
				sbuf_setlen(line, line->len - 1);
			return 1;
		}
	}
}

/* n body bytes into the reply (n == SIZE_MAX: up to the end of the stream). */
static int read_body(struct ssh_transport *st, struct transport_reply *reply, size_t n, long long deadline,
		     enum failure *why)
{
	while (n) {
		if (!fill(st, deadline, why)) {
			if (n == SIZE_MAX && *why == FAIL_EOF)
				return 1;
			return 0;
		}
		size_t avail = st->rlen - st->rpos;
		size_t take = avail < n ? avail : n;
		if (sbuf_add(&reply->body, st->rbuf + st->rpos, take)) {
			*why = FAIL_TOO_BIG;
			return 0;
		}
		st->rpos += take;
		if (n != SIZE_MAX)
			n -= take;
	}
	return 1;
}

static int parse_size(const char *s, int base, size_t *out)
{
	char *end;
	errno = 0;
	if (!isxdigit((unsigned char)*s))
		return -1;
	unsigned long long v = strtoull(s, &end, base);
	while (*end == ' ' || *end == '\t')
		end++;
	if (errno || (*end && *end != ';') || v >= SIZE_MAX)
		return -1;
	*out = (size_t)v;
	return 0;
}

static int read_chunked(struct ssh_transport *st, struct transport_reply *reply, struct sbuf *line,
			long long deadline, enum failure *why)
{
	for (;;) {
		size_t size;
		if (!read_line(st, line, deadline, why))
			return 0;
		if (parse_size(line->buf, 16, &size)) {
			*why = FAIL_PROTOCOL;
			return 0;
		}
		if (!size)
			break;
		if (!read_body(st, reply, size, deadline, why) || !read_line(st, line, deadline, why))
			return 0;
		if (line->len) {
			*why = FAIL_PROTOCOL;
			return 0;
		}
	}
	do /* trailers */
		if (!read_line(st, line, deadline, why))
			return 0;
	while (line->len);
	return 1;
}

static int header_is(const char *line, const char *name, const char **value)
{
	size_t n = strlen(name);
	if (strncasecmp(line, name, n) || line[n] != ':')
		return 0;
	for (*value = line + n + 1; **value == ' ' || **value == '\t'; (*value)++)
		;
	return 1;
}

static int read_reply(struct ssh_transport *st, const struct transport_request *req,
		      struct transport_reply *reply, long long deadline, enum failure *why)
{
	struct sbuf line = SBUF_INIT;
	int ok = 0, status = 0, chunked = 0, http10 = 0;
	size_t length = SIZE_MAX;
	for (;;) {
		if (!read_line(st, &line, deadline, why))
			goto done;
		if (strncmp(line.buf, "HTTP/1.", 7) || !isdigit((unsigned char)line.buf[7]) || line.buf[8] != ' ' ||
		    !isdigit((unsigned char)line.buf[9]) || !isdigit((unsigned char)line.buf[10]) ||
		    !isdigit((unsigned char)line.buf[11])) {
			*why = FAIL_PROTOCOL;
			goto done;
		}
		http10 = line.buf[7] == '0';
		status = atoi(line.buf + 9);
		chunked = 0;
		length = SIZE_MAX;
		st->must_close = http10;
		for (;;) {
			const char *v;
			if (!read_line(st, &line, deadline, why))
				goto done;
			if (!line.len)
				break;
			transport_reply_header(reply, line.buf, line.len);
			if (header_is(line.buf, "Content-Length", &v)) {
				if (parse_size(v, 10, &length) || strchr(v, ';')) {
					*why = FAIL_PROTOCOL;
					goto done;
				}
			} else if (header_is(line.buf, "Transfer-Encoding", &v)) {
				chunked = strcasestr(v, "chunked") != NULL;
			} else if (header_is(line.buf, "Connection", &v)) {
				if (strcasestr(v, "close"))
					st->must_close = 1;
				else if (strcasestr(v, "keep-alive"))
					st->must_close = 0;
			}
		}
		if (status >= 200 || status == 101)
			break; /* else an interim 1xx reply: the real one follows */
	}
	reply->status = status;
	if (!strcmp(req->method, "HEAD") || status == 204 || status == 304)
		ok = 1;
	else if (chunked)
		ok = read_chunked(st, reply, &line, deadline, why);
	else if (length != SIZE_MAX)
		ok = read_body(st, reply, length, deadline, why);
	else if ((ok = read_body(st, reply, SIZE_MAX, deadline, why)))
		st->must_close = 1;
done:
	sbuf_release(&line);
	return ok;
}

/* ---- the transport ---- */

static void put_request(struct sbuf *out, const struct transport_request *req)
{
	sb_printf(out, "%s %s HTTP/1.1\r\nHost: api.moby.localhost\r\nUser-Agent: stackc\r\n", req->method,
		  req->path);
	if (req->body)
		sb_printf(out, "Content-Type: application/json\r\nContent-Length: %zu\r\n", strlen(req->body));
	else if (!strcmp(req->method, "POST") || !strcmp(req->method, "PUT"))
		sb_puts(out, "Content-Length: 0\r\n");
	for (size_t i = 0; req->headers && req->headers[i]; i++)
		sb_printf(out, "%s\r\n", req->headers[i]);
	sb_puts(out, "\r\n");
	if (req->body)
		sb_puts(out, req->body);
}

static void describe(struct ssh_transport *st, const struct transport_request *req, enum failure why,
		     int status, int ever_answered, struct sbuf *err)
{
	if (why == FAIL_TIMEOUT) {
		sb_printf(err, "%s %s: the Docker Engine at %s did not answer in time (%ld s)", req->method, req->path,
			  st->endpoint, (st->timeout_ms + 999) / 1000);
		return;
	}
	if (why == FAIL_PROTOCOL) {
		sb_printf(err, "%s %s: the Docker Engine at %s sent a malformed HTTP reply", req->method, req->path,
			  st->endpoint);
		return;
	}
	if (ever_answered)
		sb_printf(err, "%s %s: the connection to the Docker Engine at %s was lost: ssh ", req->method, req->path,
			  st->endpoint);
	else
		sb_printf(err, "cannot connect to the Docker Engine at %s: ssh ", st->endpoint);
	proc_put_status(err, status);
	if (st->stderr_tail.len) {
		sb_puts(err, ": ");
		put_stderr_line(err, &st->stderr_tail);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		sb_puts(err, " (is docker 18.09 or later installed on the remote host?)");
}

static int ssh_roundtrip(struct transport *t, const struct transport_request *req,
			 struct transport_reply *reply, struct sbuf *err)
{
	struct ssh_transport *st = (struct ssh_transport *)t;
	struct sbuf text = SBUF_INIT;
	int ret = -1;
	put_request(&text, req);
	for (int attempt = 0;; attempt++) {
		if (!st->proc.pid && start(st, err))
			goto done;
		size_t answered = st->answered;
		long long deadline = proc_now_ms() + st->timeout_ms;
		enum failure why = FAIL_NONE;
		st->got_bytes = 0;
		if (proc_send(&st->proc, text.buf, text.len, &st->stderr_tail, deadline))
			why = errno == ETIMEDOUT ? FAIL_TIMEOUT : errno == EPIPE ? FAIL_EOF : FAIL_IO;
		else if (read_reply(st, req, reply, deadline, &why))
			why = FAIL_NONE;
		if (why == FAIL_NONE) {
			st->answered++;
			if (st->must_close)
				stop(st, CLOSE_GRACE_MS, NULL);
			ret = 0;
			goto done;
		}
		/* a connection in an unknown state, or one that is ending anyway */
		int status = 0;
		stop(st, why == FAIL_TIMEOUT || why == FAIL_TOO_BIG || why == FAIL_PROTOCOL ? 0 : CLOSE_GRACE_MS, &status);
		if (why == FAIL_TOO_BIG) {
			ret = TRANSPORT_TOO_BIG;
			goto done;
		}
		/* a kept-alive connection the daemon closed meanwhile: a GET may go again */
		if (why == FAIL_EOF && answered && !st->got_bytes && !attempt &&
		    (!strcmp(req->method, "GET") || !strcmp(req->method, "HEAD")))
			continue;
		describe(st, req, why, status, answered > 0, err);
		goto done;
	}
done:
	sbuf_release(&text);
	return ret;
}

static void ssh_close(struct transport *t)
{
	struct ssh_transport *st = (struct ssh_transport *)t;
	stop(st, CLOSE_GRACE_MS, NULL);
	for (char **a = st->argv; a && *a; a++)
		free(*a);
	free(st->argv);
	free(st->endpoint);
	sbuf_release(&st->stderr_tail);
	free(st);
}

static const struct transport_ops ssh_ops = { ssh_roundtrip, ssh_close, NULL };

int transport_ssh_open(struct transport **out, const struct transport_target *target, struct sbuf *err)
{
	struct ssh_spec sp;
	*out = NULL;
	if (strncmp(target->host, "ssh://", 6))
		BUG("not an ssh:// host: %s", target->host);
	if (parse_url(&sp, target->host, err))
		return -1;
	struct ssh_transport *st = xcalloc(1, sizeof(*st));
	st->base.ops = &ssh_ops;
	st->endpoint = xstrdup(target->host);
	st->argv = build_argv(&sp, target->connect_timeout_ms);
	st->timeout_ms = target->timeout_ms;
	st->debug = target->debug;
	st->proc = (struct proc)PROC_INIT;
	sbuf_init(&st->stderr_tail, 0);
	spec_release(&sp);
	*out = &st->base;
	return 0;
}
