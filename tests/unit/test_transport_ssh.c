/*
 * The ssh transport (swarm/transport_ssh.c) against its contract, with a fake
 * `ssh` first on PATH: a shell script that logs its arguments, reads HTTP
 * requests from its stdin (saving each) and answers each with the next canned
 * reply file, on one connection until its stdin ends.
 */
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "swarm/transport.h"
#include "tests/unit/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char fake_ssh[] =
	"#!/bin/sh\n"
	"dir=$(dirname \"$0\")\n"
	"echo \"$*\" >>\"$dir/argv\"\n"
	"if [ -f \"$dir/stderr\" ]; then cat \"$dir/stderr\" >&2; exit 255; fi\n"
	"cr=$(printf '\\r')\n"
	"n=$(cat \"$dir/count\" 2>/dev/null || echo 0)\n"
	"while IFS= read -r line; do\n"
	"  printf '%s\\n' \"${line%\"$cr\"}\" >\"$dir/request.$n\"\n"
	"  len=0\n"
	"  while IFS= read -r h; do\n"
	"    h=${h%\"$cr\"}\n"
	"    [ -z \"$h\" ] && break\n"
	"    printf '%s\\n' \"$h\" >>\"$dir/request.$n\"\n"
	"    case $h in Content-Length:*) len=${h#*: } ;; esac\n"
	"  done\n"
	"  [ \"$len\" -gt 0 ] && dd bs=1 count=\"$len\" 2>/dev/null >>\"$dir/request.$n\"\n"
	"  [ -f \"$dir/sleep.$n\" ] && sleep 2\n"
	"  [ -f \"$dir/reply.$n\" ] || exit 1\n"
	"  m=$n; n=$((n + 1)); echo $n >\"$dir/count\"\n"
	"  cat \"$dir/reply.$m\"\n"
	"  [ -f \"$dir/hangup.$n\" ] && exit 0\n"
	"done\n"
	"exit 0\n";

struct fake {
	char *dir;
	char *old_path;
};

static void put_file(const char *dir, const char *name, const char *text)
{
	char *path = xstrfmt("%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fputs(text, f) < 0 || fclose(f))
		test_fail(__FILE__, __LINE__, "cannot write %s", path);
	free(path);
}

static char *get_file(const char *dir, const char *name)
{
	char *path = xstrfmt("%s/%s", dir, name);
	struct sbuf sb = SBUF_INIT;
	FILE *f = fopen(path, "rb");
	if (f) {
		char buf[4096];
		size_t n;
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			sb_put(&sb, buf, n);
		fclose(f);
	}
	free(path);
	return sbuf_detach(&sb, NULL);
}

static void fake_start(struct fake *f)
{
	f->dir = xstrdup("/tmp/stackc-ssh-XXXXXX");
	if (!mkdtemp(f->dir))
		test_fail(__FILE__, __LINE__, "mkdtemp failed");
	put_file(f->dir, "ssh", fake_ssh);
	char *ssh = xstrfmt("%s/ssh", f->dir);
	chmod(ssh, 0755);
	free(ssh);
	const char *path = getenv("PATH");
	f->old_path = xstrdup(path ? path : "/usr/bin:/bin");
	char *np = xstrfmt("%s:%s", f->dir, f->old_path);
	setenv("PATH", np, 1);
	free(np);
}

static void fake_stop(struct fake *f)
{
	setenv("PATH", f->old_path, 1);
	char *cmd = xstrfmt("rm -rf '%s'", f->dir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", f->dir);
	free(cmd);
	free(f->dir);
	free(f->old_path);
}

static int open_ssh(struct transport **t, const char *host, long timeout_ms, struct sbuf *err)
{
	struct transport_target target = { .host = host, .connect_timeout_ms = 5000, .timeout_ms = timeout_ms };
	return transport_ssh_open(t, &target, err);
}

static int trip(struct transport *t, struct transport_reply *reply, size_t cap, const char *method,
		const char *path, const char *const *headers, const char *body, struct sbuf *err)
{
	struct transport_request req = { method, path, headers, body };
	sbuf_release(&reply->body);
	sbuf_init(&reply->body, cap);
	reply->status = 0;
	reply->api_version[0] = '\0';
	sbuf_reset(err);
	return t->ops->roundtrip(t, &req, reply, err);
}

static size_t count_lines(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

void test_transport_ssh__one_process_keeps_the_connection(void)
{
	struct fake f;
	fake_start(&f);
	put_file(f.dir, "reply.0",
		 "HTTP/1.1 201 Created\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\n"
		 "Content-Length: 10\r\n\r\n{\"ID\":\"a\"}");
	put_file(f.dir, "reply.1",
		 "HTTP/1.1 100 Continue\r\n\r\n"
		 "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		 "4\r\n[1,2\r\n3;x=y\r\n,3]\r\n0\r\nX-Trailer: t\r\n\r\n");
	put_file(f.dir, "reply.2", "HTTP/1.1 404 Not Found\r\nContent-Length: 19\r\n\r\n404 page not found\n");
	put_file(f.dir, "reply.3", "HTTP/1.1 204 No Content\r\n\r\n");
	struct transport *t;
	struct sbuf err = SBUF_INIT;
	CHECK_INT_EQ(open_ssh(&t, "ssh://deploy@manager.example:2222", 5000, &err), 0);
	struct transport_reply reply = { 0 };
	sbuf_init(&reply.body, 0);
	const char *const headers[] = { "X-Registry-Auth: abc", NULL };
	CHECK_INT_EQ(trip(t, &reply, 100, "POST", "/v1.41/services/create", headers, "{\"Name\":\"w\"}", &err), 0);
	CHECK_INT_EQ(reply.status, 201);
	CHECK_STR_EQ(reply.api_version, "1.41");
	CHECK_STR_EQ(reply.body.buf, "{\"ID\":\"a\"}");
	CHECK_INT_EQ(trip(t, &reply, 100, "GET", "/v1.41/services", NULL, NULL, &err), 0);
	CHECK_INT_EQ(reply.status, 200);
	CHECK_STR_EQ(reply.body.buf, "[1,2,3]");
	CHECK_INT_EQ(trip(t, &reply, 100, "DELETE", "/v1.41/services/x", NULL, NULL, &err), 0);
	CHECK_INT_EQ(reply.status, 404);
	CHECK_STR_EQ(reply.body.buf, "404 page not found\n");
	CHECK_INT_EQ(trip(t, &reply, 100, "POST", "/v1.41/x/update", NULL, NULL, &err), 0);
	CHECK_INT_EQ(reply.status, 204);
	CHECK_STR_EQ(reply.body.buf, "");
	t->ops->close(t);

	/* docker's command line, and one ssh for all four requests */
	char *argv = get_file(f.dir, "argv");
	CHECK_STR_EQ(argv, "-l deploy -p 2222 -o ConnectTimeout=5 -T -- manager.example docker system dial-stdio\n");
	free(argv);
	char *r0 = get_file(f.dir, "request.0"), *r3 = get_file(f.dir, "request.3");
	CHECK_STR_EQ(r0, "POST /v1.41/services/create HTTP/1.1\nHost: api.moby.localhost\nUser-Agent: stackc\n"
			 "Content-Type: application/json\nContent-Length: 12\nX-Registry-Auth: abc\n{\"Name\":\"w\"}");
	CHECK_STR_EQ(r3, "POST /v1.41/x/update HTTP/1.1\nHost: api.moby.localhost\nUser-Agent: stackc\n"
			 "Content-Length: 0\n");
	free(r0);
	free(r3);
	sbuf_release(&reply.body);
	sbuf_release(&err);
	fake_stop(&f);
}

void test_transport_ssh__cap_close_and_reconnect(void)
{
	struct fake f;
	fake_start(&f);
	put_file(f.dir, "reply.0", "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n[1,2,3,4,5]\n");
	/* a reply that ends the connection: read to the end of the stream */
	put_file(f.dir, "reply.1", "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{\"a\":1}");
	put_file(f.dir, "hangup.2", "");
	put_file(f.dir, "hangup.3", "");
	put_file(f.dir, "reply.2", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK");
	put_file(f.dir, "reply.3", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]");
	struct transport *t;
	struct sbuf err = SBUF_INIT;
	CHECK_INT_EQ(open_ssh(&t, "ssh://host/run/my docker.sock", 5000, &err), 0);
	struct transport_reply reply = { 0 };
	sbuf_init(&reply.body, 0);
	CHECK_INT_EQ(trip(t, &reply, 5, "GET", "/v1.41/services", NULL, NULL, &err), TRANSPORT_TOO_BIG);
	CHECK_INT_EQ(trip(t, &reply, 100, "GET", "/v1.41/info", NULL, NULL, &err), 0);
	CHECK_STR_EQ(reply.body.buf, "{\"a\":1}");
	CHECK_INT_EQ(trip(t, &reply, 100, "GET", "/_ping", NULL, NULL, &err), 0);
	CHECK_STR_EQ(reply.body.buf, "OK");
	/* the fake hung up after its reply: a GET goes again on a new connection */
	CHECK_INT_EQ(trip(t, &reply, 100, "GET", "/v1.41/nodes", NULL, NULL, &err), 0);
	CHECK_STR_EQ(reply.body.buf, "[]");
	t->ops->close(t);
	char *argv = get_file(f.dir, "argv");
	/* after the cap, after Connection: close, after the hang-up */
	CHECK_INT_EQ(count_lines(argv), 4);
	CHECK(!strncmp(argv, "-o ConnectTimeout=5 -T -- host docker '--host=unix:///run/my docker.sock' "
			     "system dial-stdio\n", 79));
	free(argv);
	sbuf_release(&reply.body);
	sbuf_release(&err);
	fake_stop(&f);
}

void test_transport_ssh__errors_name_the_host_and_show_ssh(void)
{
	struct fake f;
	fake_start(&f);
	struct transport *t;
	struct sbuf err = SBUF_INIT;
	struct transport_reply reply = { 0 };
	sbuf_init(&reply.body, 0);

	put_file(f.dir, "stderr", "Warning: Permanently added 'host' (ED25519) to the list of known hosts.\r\n"
				  "deploy@host: Permission denied (publickey).\r\n");
	CHECK_INT_EQ(open_ssh(&t, "ssh://deploy@host", 5000, &err), 0);
	CHECK_INT_EQ(trip(t, &reply, 100, "GET", "/_ping", NULL, NULL, &err), -1);
	CHECK_STR_EQ(err.buf, "cannot connect to the Docker Engine at ssh://deploy@host: ssh exited with status 255: "
			      "deploy@host: Permission denied (publickey).");
	t->ops->close(t);

	/* the remote side has no docker */
	put_file(f.dir, "stderr", "sh: 1: docker: not found\n");
	char *script = xstrfmt("%s/ssh", f.dir);
	char *text = xstrfmt("%s", fake_ssh);
	char *p = strstr(text, "exit 255");
	memcpy(p, "exit 127", 8);
	put_file(f.dir, "ssh", text);
	free(text);
	free(script);
	CHECK_INT_EQ(open_ssh(&t, "ssh://host", 5000, &err), 0);
	CHECK_INT_EQ(trip(t, &reply, 100, "GET", "/_ping", NULL, NULL, &err), -1);
	CHECK_STR_EQ(err.buf, "cannot connect to the Docker Engine at ssh://host: ssh exited with status 127: "
			      "sh: 1: docker: not found (is docker 18.09 or later installed on the remote host?)");
	t->ops->close(t);
	put_file(f.dir, "ssh", fake_ssh);
	char *stderr_path = xstrfmt("%s/stderr", f.dir);
	unlink(stderr_path);
	free(stderr_path);

	/* lost after a reply; a write is not sent again */
	put_file(f.dir, "reply.0", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK");
	put_file(f.dir, "hangup.1", "");
	CHECK_INT_EQ(open_ssh(&t, "ssh://host", 5000, &err), 0);
	CHECK_INT_EQ(trip(t, &reply, 100, "GET", "/_ping", NULL, NULL, &err), 0);
	CHECK_INT_EQ(trip(t, &reply, 100, "POST", "/v1.41/services/create", NULL, "{}", &err), -1);
	CHECK_STR_EQ(err.buf, "POST /v1.41/services/create: the connection to the Docker Engine at ssh://host was lost: "
			      "ssh exited with status 0");
	t->ops->close(t);

	/* no answer in time */
	put_file(f.dir, "count", "0");
	put_file(f.dir, "sleep.0", "");
	CHECK_INT_EQ(open_ssh(&t, "ssh://host", 300, &err), 0);
	CHECK_INT_EQ(trip(t, &reply, 100, "GET", "/_ping", NULL, NULL, &err), -1);
	CHECK_STR_EQ(err.buf, "GET /_ping: the Docker Engine at ssh://host did not answer in time (1 s)");
	t->ops->close(t);

	/* a reply that is not HTTP */
	put_file(f.dir, "count", "0");
	char *sleep_path = xstrfmt("%s/sleep.0", f.dir);
	unlink(sleep_path);
	free(sleep_path);
	put_file(f.dir, "reply.0", "SSH-2.0-OpenSSH\r\n");
	CHECK_INT_EQ(open_ssh(&t, "ssh://host", 5000, &err), 0);
	CHECK_INT_EQ(trip(t, &reply, 100, "GET", "/_ping", NULL, NULL, &err), -1);
	CHECK_STR_EQ(err.buf, "GET /_ping: the Docker Engine at ssh://host sent a malformed HTTP reply");
	t->ops->close(t);

	sbuf_release(&reply.body);
	sbuf_release(&err);
	fake_stop(&f);
}

void test_transport_ssh__urls_as_docker_reads_them(void)
{
	static const struct {
		const char *url, *message;
	} bad[] = {
		{ "ssh://user:s3cret@host", "invalid ssh host: a password in the URL is not supported (use a key or the ssh agent)" },
		{ "ssh://host?x=1", "invalid ssh host ssh://host: query parameters are not allowed" },
		{ "ssh://host#frag", "invalid ssh host ssh://host: fragments are not allowed" },
		{ "ssh://", "invalid ssh host ssh://: the host name is empty" },
		{ "ssh://user@:22", "invalid ssh host ssh://user@:22: the host name is empty" },
		{ "ssh://-oProxyCommand=x", "invalid ssh host ssh://-oProxyCommand=x: expected ssh://[user@]host[:port][/socket-path]" },
		{ "ssh://host:99999", "invalid ssh host ssh://host:99999: expected ssh://[user@]host[:port][/socket-path]" },
		{ "ssh://host:22x", "invalid ssh host ssh://host:22x: expected ssh://[user@]host[:port][/socket-path]" },
		{ "ssh://-l@host", "invalid ssh host: the user name is empty or has blanks, control characters or a leading '-'" },
	};
	struct sbuf err = SBUF_INIT;
	struct transport *t;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		sbuf_reset(&err);
		CHECK_INT_EQ(open_ssh(&t, bad[i].url, 5000, &err), -1);
		CHECK_STR_EQ(err.buf, bad[i].message);
		CHECK(!strstr(err.buf, "s3cret"));
	}
	/* IPv6 in brackets, a user with a dot, a port */
	struct fake f;
	fake_start(&f);
	put_file(f.dir, "reply.0", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK");
	CHECK_INT_EQ(open_ssh(&t, "ssh://john.doe@[::1]:2200", 5000, &err), 0);
	struct transport_reply reply = { 0 };
	sbuf_init(&reply.body, 0);
	CHECK_INT_EQ(trip(t, &reply, 100, "GET", "/_ping", NULL, NULL, &err), 0);
	t->ops->close(t);
	char *argv = get_file(f.dir, "argv");
	CHECK_STR_EQ(argv, "-l john.doe -p 2200 -o ConnectTimeout=5 -T -- ::1 docker system dial-stdio\n");
	free(argv);
	sbuf_release(&reply.body);
	sbuf_release(&err);
	fake_stop(&f);
}
