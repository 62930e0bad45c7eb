/*
 * The transport interface (swarm/transport.h): the request layer through a
 * scripted transport, and each transport against its contract — replay from a
 * file, libcurl against a one-shot HTTP server on a unix socket, ssh against a
 * fake ssh program.
 */
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "swarm/engine.h"
#include "swarm/transport.h"
#include "tests/unit/harness.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- a scripted transport ---- */

struct step {
	int ret;              /* what roundtrip returns: 0, -1 or TRANSPORT_TOO_BIG */
	int status;
	const char *headers;  /* response header lines, each ending in "\r\n" */
	const char *body;
	const char *err;      /* the message when ret is -1 */
};

struct scripted {
	struct transport base;
	const struct step *steps;
	size_t n, next;
	struct sbuf log;      /* every request: "METHOD PATH|header|...|body\n" */
	int closed;
};

static int scripted_roundtrip(struct transport *t, const struct transport_request *req,
			      struct transport_reply *reply, struct sbuf *err)
{
	struct scripted *s = (struct scripted *)t;
	sb_printf(&s->log, "%s %s", req->method, req->path);
	for (size_t i = 0; req->headers && req->headers[i]; i++)
		sb_printf(&s->log, "|%s", req->headers[i]);
	sb_printf(&s->log, "|%s\n", req->body ? req->body : "(no body)");
	if (s->next >= s->n)
		test_fail(__FILE__, __LINE__, "no step left for %s %s", req->method, req->path);
	const struct step *st = &s->steps[s->next++];
	for (const char *p = st->headers; p && *p;) {
		const char *end = strstr(p, "\r\n");
		transport_reply_header(reply, p, (size_t)(end + 2 - p));
		p = end + 2;
	}
	if (st->ret == -1) {
		sb_puts(err, st->err);
		return -1;
	}
	if (st->body && sbuf_add(&reply->body, st->body, strlen(st->body)))
		return TRANSPORT_TOO_BIG;
	reply->status = st->status;
	return st->ret;
}

static void scripted_close(struct transport *t)
{
	((struct scripted *)t)->closed++;
}

static const struct transport_ops scripted_ops = { scripted_roundtrip, scripted_close, NULL };

static void scripted_init(struct scripted *s, const struct step *steps, size_t n)
{
	memset(s, 0, sizeof(*s));
	s->base.ops = &scripted_ops;
	s->steps = steps;
	s->n = n;
	sbuf_init(&s->log, 0);
}

void test_transport__request_layer_over_any_transport(void)
{
	static const struct step steps[] = {
		/* the header any case, blanks around the value */
		{ 0, 200, "HTTP/1.1 200 OK\r\nAPI-VERSION:  1.40 \r\nOstype: linux\r\n", "OK", NULL },
		{ 0, 201, NULL, "{\"ID\":\"x\"}", NULL },
		{ 0, 200, NULL, "[]", NULL },
		{ 0, 200, NULL, "[\"0123456789\"]", NULL },
		{ -1, 0, NULL, NULL, "cannot connect to the Docker Engine at fake:1: gone" },
	};
	struct scripted s;
	scripted_init(&s, steps, ARRAY_SIZE(steps));
	struct engine *e = NULL;
	struct sbuf err = SBUF_INIT;
	CHECK_INT_EQ(engine_open_transport(&e, &s.base, "fake:1", NULL, &err), 0);
	CHECK_STR_EQ(engine_api_version(e), "1.40");

	json_t *body = json_pack("{s:s}", "Name", "st_web"), *resp;
	int status;
	CHECK_INT_EQ(engine_request(e, "POST", "/services/create", body, "abc", &status, &resp, &err), 0);
	CHECK_INT_EQ(status, 201);
	CHECK_STR_EQ(json_string_value(json_object_get(resp, "ID")), "x");
	json_decref(resp);
	json_decref(body);
	CHECK_INT_EQ(engine_request(e, "GET", "/services?filters=%7B%7D", NULL, NULL, &status, &resp, &err), 0);
	json_decref(resp);
	CHECK_INT_EQ(engine_write_count(e), 1);

	/* the cap is the request layer's: the transport only stops */
	engine_set_max_response(e, 8);
	CHECK_INT_EQ(engine_request(e, "GET", "/x", NULL, NULL, &status, &resp, &err), -1);
	CHECK_STR_EQ(err.buf, "the Engine's reply to GET /v1.40/x is larger than 8 bytes");
	sbuf_reset(&err);
	/* a failure comes back in the transport's words */
	CHECK_INT_EQ(engine_request(e, "GET", "/info", NULL, NULL, &status, &resp, &err), -1);
	CHECK_STR_EQ(err.buf, "cannot connect to the Docker Engine at fake:1: gone");
	CHECK(resp == NULL);

	CHECK_STR_EQ(s.log.buf, "GET /_ping|(no body)\n"
				"POST /v1.40/services/create|X-Registry-Auth: abc|{\"Name\":\"st_web\"}\n"
				"GET /v1.40/services?filters=%7B%7D|(no body)\n"
				"GET /v1.40/x|(no body)\n"
				"GET /v1.40/info|(no body)\n");
	CHECK_INT_EQ(s.closed, 0);
	engine_free(e);
	CHECK_INT_EQ(s.closed, 1);
	sbuf_release(&s.log);
	sbuf_release(&err);
}

void test_transport__failed_negotiation_closes_the_transport(void)
{
	static const struct step fail[] = { { -1, 0, NULL, NULL, "no daemon" } };
	static const struct step bad[] = { { 0, 200, "Api-Version: one\r\n", "OK", NULL } };
	struct scripted s;
	struct engine *e = (struct engine *)1;
	struct sbuf err = SBUF_INIT;
	scripted_init(&s, fail, 1);
	CHECK_INT_EQ(engine_open_transport(&e, &s.base, "fake:1", NULL, &err), -1);
	CHECK(e == NULL);
	CHECK_STR_EQ(err.buf, "no daemon");
	CHECK_INT_EQ(s.closed, 1);
	sbuf_release(&s.log);
	sbuf_reset(&err);
	scripted_init(&s, bad, 1);
	CHECK_INT_EQ(engine_open_transport(&e, &s.base, "fake:2", NULL, &err), -1);
	CHECK_STR_EQ(err.buf, "the Docker Engine at fake:2 announced a bad API version \"one\"");
	CHECK_INT_EQ(s.closed, 1);
	sbuf_release(&s.log);
	sbuf_release(&err);
}

/* ---- files for the real transports ---- */

/* One round trip straight through a transport, into reply (capped at cap). */
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

void test_transport__replay_keeps_its_contract(void)
{
	char *dir = test_tmp_dir("transport");
	char *replies = xstrfmt("%s/replies", dir), *rec = xstrfmt("%s/record", dir);
	test_write_file(NULL, replies, "# a comment\n<<< 201\nApi-Version: 1.43\nX-Other: y\n\n{\"ID\":\"a\"}\n\n"
		      "<<< 200\n\n0123456789\n");
	struct transport *t;
	struct sbuf err = SBUF_INIT;
	CHECK_INT_EQ(transport_replay_open(&t, replies, rec, &err), 0);
	struct transport_reply reply = { 0 };
	sbuf_init(&reply.body, 0);
	const char *const headers[] = { "X-Registry-Auth: abc", "X-Two: 2", NULL };
	CHECK_INT_EQ(trip(t, &reply, 100, "POST", "/v1.43/services/create", headers, "{}", &err), 0);
	CHECK_INT_EQ(reply.status, 201);
	CHECK_STR_EQ(reply.api_version, "1.43");
	CHECK_STR_EQ(reply.body.buf, "{\"ID\":\"a\"}");
	CHECK_INT_EQ(trip(t, &reply, 4, "GET", "/v1.43/big", NULL, NULL, &err), TRANSPORT_TOO_BIG);
	CHECK_INT_EQ(trip(t, &reply, 100, "GET", "/v1.43/more", NULL, NULL, &err), -1);
	CHECK_STR_EQ(err.buf, "replay: no reply left for GET /v1.43/more");
	t->ops->close(t);
	char *got = test_read_file(NULL, rec);
	CHECK_STR_EQ(got, "POST /v1.43/services/create\nX-Registry-Auth: abc\nX-Two: 2\n{}\n"
			  "GET /v1.43/big\nGET /v1.43/more\n");
	free(got);
	sbuf_release(&reply.body);
	sbuf_release(&err);
	free(replies);
	free(rec);
	test_remove_dir(dir);
}

/*
 * A server for one request per connection on a unix socket: it saves each
 * request (head and body) to <dir>/request.N and answers with response[N].
 */
static pid_t serve(const char *sock, const char *dir, const char *const *responses, size_t n)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", sock);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) || listen(fd, 4))
		test_fail(__FILE__, __LINE__, "cannot listen on %s", sock);
	pid_t pid = fork();
	if (pid < 0)
		test_fail(__FILE__, __LINE__, "fork failed");
	if (pid) {
		close(fd);
		return pid;
	}
	for (size_t i = 0; i < n; i++) {
		int c = accept(fd, NULL, NULL);
		if (c < 0)
			_exit(1);
		struct sbuf in = SBUF_INIT;
		char buf[4096];
		ssize_t got;
		size_t want = 0;
		while ((got = read(c, buf, sizeof(buf))) > 0) {
			sb_put(&in, buf, (size_t)got);
			const char *end = strstr(in.buf, "\r\n\r\n");
			if (!end)
				continue;
			const char *cl = strcasestr(in.buf, "\r\nContent-Length:");
			want = (size_t)(end + 4 - in.buf) + (cl && cl < end ? strtoul(cl + 17, NULL, 10) : 0);
			if (in.len >= want)
				break;
		}
		char *path = xstrfmt("%s/request.%zu", dir, i);
		FILE *f = fopen(path, "wb");
		if (f) {
			fwrite(in.buf, 1, in.len, f);
			fclose(f);
		}
		if (write(c, responses[i], strlen(responses[i])) < 0)
			_exit(1);
		close(c);
		free(path);
		sbuf_release(&in);
	}
	_exit(0);
}

void test_transport__curl_keeps_its_contract(void)
{
	char *dir = test_tmp_dir("transport");
	char *sock = xstrfmt("%s/engine.sock", dir);
	static const char *const responses[] = {
		"HTTP/1.1 201 Created\r\nApi-Version: 1.45\r\nContent-Type: application/json\r\n"
		"Connection: close\r\nContent-Length: 10\r\n\r\n{\"ID\":\"a\"}",
		"HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 19\r\n\r\n404 page not found\n",
		"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 12\r\n\r\n[1,2,3,4,5]\n",
	};
	pid_t pid = serve(sock, dir, responses, ARRAY_SIZE(responses));
	char *host = xstrfmt("unix://%s", sock);
	struct transport_target target = { .host = host, .connect_timeout_ms = 5000, .timeout_ms = 5000 };
	struct transport *t;
	struct sbuf err = SBUF_INIT;
	CHECK_INT_EQ(transport_curl_open(&t, &target, &err), 0);
	struct transport_reply reply = { 0 };
	sbuf_init(&reply.body, 0);
	const char *const headers[] = { "X-Registry-Auth: abc", NULL };
	CHECK_INT_EQ(trip(t, &reply, 100, "POST", "/v1.45/services/create", headers, "{\"Name\":\"w\"}",
			  &err), 0);
	CHECK_INT_EQ(reply.status, 201);
	CHECK_STR_EQ(reply.api_version, "1.45");
	CHECK_STR_EQ(reply.body.buf, "{\"ID\":\"a\"}");
	/* an error status is a reply like any other */
	CHECK_INT_EQ(trip(t, &reply, 100, "DELETE", "/v1.45/services/x", NULL, NULL, &err), 0);
	CHECK_INT_EQ(reply.status, 404);
	CHECK_STR_EQ(reply.api_version, "");
	CHECK_STR_EQ(reply.body.buf, "404 page not found\n");
	CHECK_INT_EQ(trip(t, &reply, 5, "GET", "/v1.45/services", NULL, NULL, &err), TRANSPORT_TOO_BIG);
	t->ops->close(t);
	int wstatus;
	CHECK(waitpid(pid, &wstatus, 0) == pid && WIFEXITED(wstatus) && !WEXITSTATUS(wstatus));

	char *p0 = xstrfmt("%s/request.0", dir), *p1 = xstrfmt("%s/request.1", dir);
	char *r0 = test_read_file(NULL, p0), *r1 = test_read_file(NULL, p1);
	CHECK(!strncmp(r0, "POST /v1.45/services/create HTTP/1.1\r\n", 38));
	CHECK(strstr(r0, "\r\nContent-Type: application/json\r\n") != NULL);
	CHECK(strstr(r0, "\r\nX-Registry-Auth: abc\r\n") != NULL);
	CHECK(strstr(r0, "\r\nExpect:") == NULL);
	CHECK(strstr(r0, "\r\n\r\n{\"Name\":\"w\"}") != NULL);
	CHECK(!strncmp(r1, "DELETE /v1.45/services/x HTTP/1.1\r\n", 35));
	CHECK(strstr(r1, "Content-Type") == NULL && strstr(r1, "X-Registry-Auth") == NULL);
	free(r0);
	free(r1);
	free(p0);
	free(p1);
	sbuf_release(&reply.body);
	sbuf_release(&err);
	free(host);
	free(sock);
	test_remove_dir(dir);
}

/*
 * ---- ssh ----
 * A fake `ssh` first on PATH: a shell script that logs its arguments, reads
 * HTTP requests from its stdin (saving each) and answers each with the next
 * canned reply file, on one connection until its stdin ends.
 */

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

static void fake_start(struct fake *f)
{
	f->dir = test_tmp_dir("ssh");
	test_write_file(f->dir, "ssh", fake_ssh);
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
	test_remove_dir(f->dir);
	free(f->old_path);
}

static int open_ssh(struct transport **t, const char *host, long timeout_ms, struct sbuf *err)
{
	struct transport_target target = { .host = host, .connect_timeout_ms = 5000, .timeout_ms = timeout_ms };
	return transport_ssh_open(t, &target, err);
}

static size_t count_lines(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

void test_transport__ssh_one_process_keeps_the_connection(void)
{
	struct fake f;
	fake_start(&f);
	test_write_file(f.dir, "reply.0",
		 "HTTP/1.1 201 Created\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\n"
		 "Content-Length: 10\r\n\r\n{\"ID\":\"a\"}");
	test_write_file(f.dir, "reply.1",
		 "HTTP/1.1 100 Continue\r\n\r\n"
		 "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		 "4\r\n[1,2\r\n3;x=y\r\n,3]\r\n0\r\nX-Trailer: t\r\n\r\n");
	test_write_file(f.dir, "reply.2", "HTTP/1.1 404 Not Found\r\nContent-Length: 19\r\n\r\n404 page not found\n");
	test_write_file(f.dir, "reply.3", "HTTP/1.1 204 No Content\r\n\r\n");
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
	char *argv = test_read_file(f.dir, "argv");
	CHECK_STR_EQ(argv, "-l deploy -p 2222 -o ConnectTimeout=5 -T -- manager.example docker system dial-stdio\n");
	free(argv);
	char *r0 = test_read_file(f.dir, "request.0"), *r3 = test_read_file(f.dir, "request.3");
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

void test_transport__ssh_cap_close_and_reconnect(void)
{
	struct fake f;
	fake_start(&f);
	test_write_file(f.dir, "reply.0", "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n[1,2,3,4,5]\n");
	/* a reply that ends the connection: read to the end of the stream */
	test_write_file(f.dir, "reply.1", "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{\"a\":1}");
	test_write_file(f.dir, "hangup.2", "");
	test_write_file(f.dir, "hangup.3", "");
	test_write_file(f.dir, "reply.2", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK");
	test_write_file(f.dir, "reply.3", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]");
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
	char *argv = test_read_file(f.dir, "argv");
	/* after the cap, after Connection: close, after the hang-up */
	CHECK_INT_EQ(count_lines(argv), 4);
	CHECK(!strncmp(argv, "-o ConnectTimeout=5 -T -- host docker '--host=unix:///run/my docker.sock' "
			     "system dial-stdio\n", 79));
	free(argv);
	sbuf_release(&reply.body);
	sbuf_release(&err);
	fake_stop(&f);
}

void test_transport__ssh_errors_name_the_host_and_show_ssh(void)
{
	struct fake f;
	fake_start(&f);
	struct transport *t;
	struct sbuf err = SBUF_INIT;
	struct transport_reply reply = { 0 };
	sbuf_init(&reply.body, 0);

	test_write_file(f.dir, "stderr", "Warning: Permanently added 'host' (ED25519) to the list of known hosts.\r\n"
				  "deploy@host: Permission denied (publickey).\r\n");
	CHECK_INT_EQ(open_ssh(&t, "ssh://deploy@host", 5000, &err), 0);
	CHECK_INT_EQ(trip(t, &reply, 100, "GET", "/_ping", NULL, NULL, &err), -1);
	CHECK_STR_EQ(err.buf, "cannot connect to the Docker Engine at ssh://deploy@host: ssh exited with status 255: "
			      "deploy@host: Permission denied (publickey).");
	t->ops->close(t);

	/* the remote side has no docker */
	test_write_file(f.dir, "stderr", "sh: 1: docker: not found\n");
	char *script = xstrfmt("%s/ssh", f.dir);
	char *text = xstrfmt("%s", fake_ssh);
	char *p = strstr(text, "exit 255");
	memcpy(p, "exit 127", 8);
	test_write_file(f.dir, "ssh", text);
	free(text);
	free(script);
	CHECK_INT_EQ(open_ssh(&t, "ssh://host", 5000, &err), 0);
	CHECK_INT_EQ(trip(t, &reply, 100, "GET", "/_ping", NULL, NULL, &err), -1);
	CHECK_STR_EQ(err.buf, "cannot connect to the Docker Engine at ssh://host: ssh exited with status 127: "
			      "sh: 1: docker: not found (is docker 18.09 or later installed on the remote host?)");
	t->ops->close(t);
	test_write_file(f.dir, "ssh", fake_ssh);
	char *stderr_path = xstrfmt("%s/stderr", f.dir);
	unlink(stderr_path);
	free(stderr_path);

	/* lost after a reply; a write is not sent again */
	test_write_file(f.dir, "reply.0", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK");
	test_write_file(f.dir, "hangup.1", "");
	CHECK_INT_EQ(open_ssh(&t, "ssh://host", 5000, &err), 0);
	CHECK_INT_EQ(trip(t, &reply, 100, "GET", "/_ping", NULL, NULL, &err), 0);
	CHECK_INT_EQ(trip(t, &reply, 100, "POST", "/v1.41/services/create", NULL, "{}", &err), -1);
	CHECK_STR_EQ(err.buf, "POST /v1.41/services/create: the connection to the Docker Engine at ssh://host was lost: "
			      "ssh exited with status 0");
	t->ops->close(t);

	/* no answer in time */
	test_write_file(f.dir, "count", "0");
	test_write_file(f.dir, "sleep.0", "");
	CHECK_INT_EQ(open_ssh(&t, "ssh://host", 300, &err), 0);
	CHECK_INT_EQ(trip(t, &reply, 100, "GET", "/_ping", NULL, NULL, &err), -1);
	CHECK_STR_EQ(err.buf, "GET /_ping: the Docker Engine at ssh://host did not answer in time (1 s)");
	t->ops->close(t);

	/* a reply that is not HTTP */
	test_write_file(f.dir, "count", "0");
	char *sleep_path = xstrfmt("%s/sleep.0", f.dir);
	unlink(sleep_path);
	free(sleep_path);
	test_write_file(f.dir, "reply.0", "SSH-2.0-OpenSSH\r\n");
	CHECK_INT_EQ(open_ssh(&t, "ssh://host", 5000, &err), 0);
	CHECK_INT_EQ(trip(t, &reply, 100, "GET", "/_ping", NULL, NULL, &err), -1);
	CHECK_STR_EQ(err.buf, "GET /_ping: the Docker Engine at ssh://host sent a malformed HTTP reply");
	t->ops->close(t);

	sbuf_release(&reply.body);
	sbuf_release(&err);
	fake_stop(&f);
}

void test_transport__ssh_urls_as_docker_reads_them(void)
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
	test_write_file(f.dir, "reply.0", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK");
	CHECK_INT_EQ(open_ssh(&t, "ssh://john.doe@[::1]:2200", 5000, &err), 0);
	struct transport_reply reply = { 0 };
	sbuf_init(&reply.body, 0);
	CHECK_INT_EQ(trip(t, &reply, 100, "GET", "/_ping", NULL, NULL, &err), 0);
	t->ops->close(t);
	char *argv = test_read_file(f.dir, "argv");
	CHECK_STR_EQ(argv, "-l john.doe -p 2200 -o ConnectTimeout=5 -T -- ::1 docker system dial-stdio\n");
	free(argv);
	sbuf_release(&reply.body);
	sbuf_release(&err);
	fake_stop(&f);
}
