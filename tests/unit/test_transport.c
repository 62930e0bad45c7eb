/*
 * The transport interface (swarm/transport.h): the request layer through a
 * scripted transport, and each transport against its contract — replay from a
 * file, libcurl against a one-shot HTTP server on a unix socket.
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

static const struct transport_ops scripted_ops = { scripted_roundtrip, scripted_close };

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

static char *tmp_dir(void)
{
	char *dir = xstrdup("/tmp/stackc-transport-XXXXXX");
	if (!mkdtemp(dir))
		test_fail(__FILE__, __LINE__, "mkdtemp failed");
	return dir;
}

static void remove_dir(char *dir)
{
	char *cmd = xstrfmt("rm -rf '%s'", dir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", dir);
	free(cmd);
	free(dir);
}

static char *slurp(const char *path)
{
	struct sbuf sb = SBUF_INIT;
	FILE *f = fopen(path, "rb");
	if (f) {
		char buf[4096];
		size_t n;
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			sb_put(&sb, buf, n);
		fclose(f);
	}
	return sbuf_detach(&sb, NULL);
}

static void spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	if (!f || fputs(text, f) < 0 || fclose(f))
		test_fail(__FILE__, __LINE__, "cannot write %s", path);
}

/* One round trip straight through a transport, into reply (capped at cap). */
static int trip(struct transport *t, struct transport_reply *reply, size_t cap, const char *method,
		const char *path, const char *const *headers, const char *body, struct sbuf *err)
{
	struct transport_request req = { method, path, headers, body };
	sbuf_release(&reply->body);
	sbuf_init(&reply->body, cap);
	reply->status = 0;
	reply->api_version[0] = '\0';
	return t->ops->roundtrip(t, &req, reply, err);
}

void test_transport__replay_keeps_its_contract(void)
{
	char *dir = tmp_dir();
	char *replies = xstrfmt("%s/replies", dir), *rec = xstrfmt("%s/record", dir);
	spit(replies, "# a comment\n<<< 201\nApi-Version: 1.43\nX-Other: y\n\n{\"ID\":\"a\"}\n\n"
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
	char *got = slurp(rec);
	CHECK_STR_EQ(got, "POST /v1.43/services/create\nX-Registry-Auth: abc\nX-Two: 2\n{}\n"
			  "GET /v1.43/big\nGET /v1.43/more\n");
	free(got);
	sbuf_release(&reply.body);
	sbuf_release(&err);
	free(replies);
	free(rec);
	remove_dir(dir);
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
	char *dir = tmp_dir();
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
	char *r0 = slurp(p0), *r1 = slurp(p1);
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
	remove_dir(dir);
}
