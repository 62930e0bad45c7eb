/* The Engine client through the replay transport, and endpoint resolution. */
#include "compose/sbuf.h"
#include "compose/xalloc.h"
#include "swarm/engine.h"
#include "tests/unit/harness.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[64];

static void remove_tmpdir(void)
{
	char *cmd = xstrfmt("rm -rf '%s'", tmpdir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	free(cmd);
}

static const char *tmp_path(const char *name)
{
	static char path[4][256];
	static int k;
	if (!tmpdir[0]) {
		strcpy(tmpdir, "/tmp/stackc-test-engine-XXXXXX");
		if (!mkdtemp(tmpdir))
			test_fail(__FILE__, __LINE__, "mkdtemp failed");
		atexit(remove_tmpdir);
	}
	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/%s", tmpdir, name);
	return path[k];
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f))
		test_fail(__FILE__, __LINE__, "cannot write %s", path);
}

static char *read_file(const char *path)
{
	struct sbuf sb = SBUF_INIT;
	FILE *f = fopen(path, "r");
	if (!f)
		return xstrdup("");
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_put(&sb, buf, n);
	fclose(f);
	return sbuf_detach(&sb, NULL);
}

/* An engine answering with `replies`; requests recorded to a fresh file. */
static struct engine *replay(const char *replies, const char **record)
{
	const char *rp = tmp_path("replies");
	*record = tmp_path("record");
	write_file(rp, replies);
	unlink(*record);
	struct engine *e = NULL;
	struct sbuf err = SBUF_INIT;
	if (engine_open_replay(&e, rp, *record, &err))
		test_fail(__FILE__, __LINE__, "engine_open_replay: %s", err.buf);
	sbuf_release(&err);
	return e;
}

#define PING(v) "<<< 200\nApi-Version: " v "\n\nOK\n"

static void check_record(const char *record, const char *expect)
{
	char *got = read_file(record);
	CHECK_STR_EQ(got, expect);
	free(got);
}

void test_engine__ping_caps_version_case(void)
{
	char *dir = xstrfmt("%s/engine/ping-negotiate", test_data_dir());
	char *rp = xstrfmt("%s/replies", dir), *ep = xstrfmt("%s/expect", dir);
	const char *record = tmp_path("record");
	unlink(record);
	struct engine *e = NULL;
	struct sbuf err = SBUF_INIT;
	CHECK_INT_EQ(engine_open_replay(&e, rp, record, &err), 0);
	CHECK_STR_EQ(engine_api_version(e), ENGINE_API_MAX);
	int status;
	json_t *resp;
	CHECK_INT_EQ(engine_request(e, "GET", "/services", NULL, NULL, &status, &resp, &err), 0);
	CHECK_INT_EQ(status, 200);
	CHECK(json_is_array(resp) && json_array_size(resp) == 0);
	json_decref(resp);
	engine_free(e);
	char *want = read_file(ep);
	check_record(record, want);
	free(want);
	free(rp);
	free(ep);
	free(dir);
	sbuf_release(&err);
}

void test_engine__ping_older_daemon_wins(void)
{
	const char *record;
	struct engine *e = replay(PING("1.41") "<<< 200\n\n{}\n", &record);
	CHECK_STR_EQ(engine_api_version(e), "1.41");
	int status;
	json_t *resp;
	struct sbuf err = SBUF_INIT;
	CHECK_INT_EQ(engine_request(e, "GET", "/info", NULL, NULL, &status, &resp, &err), 0);
	json_decref(resp);
	engine_free(e);
	check_record(record, "GET /_ping\nGET /v1.41/info\n");
	sbuf_release(&err);
}

void test_engine__ping_without_header_means_1_24(void)
{
	const char *record;
	struct engine *e = replay("<<< 200\n\nOK\n", &record);
	CHECK_STR_EQ(engine_api_version(e), "1.24");
	engine_free(e);
}

void test_engine__api_version_env_pins_and_skips_ping(void)
{
	const char *record;
	setenv("DOCKER_API_VERSION", "1.30", 1);
	struct engine *e = replay("<<< 200\n\n[]\n", &record);
	unsetenv("DOCKER_API_VERSION");
	CHECK_STR_EQ(engine_api_version(e), "1.30");
	int status;
	json_t *resp;
	struct sbuf err = SBUF_INIT;
	CHECK_INT_EQ(engine_request(e, "GET", "/services", NULL, NULL, &status, &resp, &err), 0);
	json_decref(resp);
	engine_free(e);
	check_record(record, "GET /v1.30/services\n");
	sbuf_release(&err);
}

void test_engine__request_body_auth_and_write_count(void)
{
	const char *record;
	struct engine *e = replay(PING("1.41") "<<< 201\n\n{\"ID\":\"abc\"}\n<<< 200\n\n"
					       "<<< 200\n\n[]\n",
				  &record);
	json_t *body = json_pack("{s:s,s:{s:s}}", "Name", "st_web", "Labels",
				 "com.docker.stack.namespace", "st");
	int status;
	json_t *resp;
	struct sbuf err = SBUF_INIT;
	CHECK_INT_EQ(engine_write_count(e), 0);
	CHECK_INT_EQ(engine_request(e, "POST", "/services/create", body, "e30=", &status, &resp, &err),
		     0);
	CHECK_INT_EQ(status, 201);
	CHECK_STR_EQ(json_string_value(json_object_get(resp, "ID")), "abc");
	json_decref(resp);
	CHECK_INT_EQ(engine_request(e, "DELETE", "/services/abc", NULL, NULL, &status, &resp, &err), 0);
	CHECK(resp == NULL);
	CHECK_INT_EQ(engine_request(e, "GET", "/services", NULL, NULL, &status, &resp, &err), 0);
	json_decref(resp);
	CHECK_INT_EQ(engine_write_count(e), 2);
	engine_free(e);
	json_decref(body);
	check_record(record, "GET /_ping\n"
			     "POST /v1.41/services/create\n"
			     "X-Registry-Auth: e30=\n"
			     "{\"Name\":\"st_web\",\"Labels\":{\"com.docker.stack.namespace\":\"st\"}}\n"
			     "DELETE /v1.41/services/abc\n"
			     "GET /v1.41/services\n");
	sbuf_release(&err);
}

void test_engine__daemon_error_messages(void)
{
	const char *record;
	struct engine *e = replay(PING("1.41")
				  "<<< 404\n\n{\"message\":\"service nosuch not found\"}\n"
				  "<<< 404\n\n404 page not found\n"
				  "<<< 500\n\n{}\n",
				  &record);
	int status;
	json_t *resp;
	struct sbuf err = SBUF_INIT;
	CHECK_INT_EQ(engine_request(e, "GET", "/services/nosuch", NULL, NULL, &status, &resp, &err), 0);
	CHECK_INT_EQ(status, 404);
	CHECK_STR_EQ(engine_error_message(resp), "service nosuch not found");
	json_decref(resp);
	CHECK_INT_EQ(engine_request(e, "GET", "/bogus", NULL, NULL, &status, &resp, &err), 0);
	CHECK_STR_EQ(engine_error_message(resp), "404 page not found");
	json_decref(resp);
	CHECK_INT_EQ(engine_request(e, "GET", "/x", NULL, NULL, &status, &resp, &err), 0);
	CHECK_INT_EQ(status, 500);
	CHECK_STR_EQ(engine_error_message(resp), "the Engine gave no error message");
	json_decref(resp);
	CHECK_STR_EQ(engine_error_message(NULL), "the Engine gave no error message");
	CHECK_INT_EQ(err.len, 0);
	engine_free(e);
	sbuf_release(&err);
}

void test_engine__bad_json_success_is_transport_error(void)
{
	const char *record;
	struct engine *e = replay(PING("1.41") "<<< 200\n\n[{\"ID\":\n", &record);
	int status;
	json_t *resp = (json_t *)1;
	struct sbuf err = SBUF_INIT;
	CHECK_INT_EQ(engine_request(e, "GET", "/services", NULL, NULL, &status, &resp, &err), -1);
	CHECK(resp == NULL);
	CHECK(!strncmp(err.buf, "GET /v1.41/services: the Engine's reply is not JSON: ", 53));
	engine_free(e);
	sbuf_release(&err);
}

void test_engine__size_cap(void)
{
	const char *record;
	struct engine *e = replay(PING("1.41") "<<< 200\n\n[\"0123456789\",\"0123456789\"]\n"
					       "<<< 200\n\n[\"0123456789\"]\n",
				  &record);
	engine_set_max_response(e, 20);
	int status;
	json_t *resp;
	struct sbuf err = SBUF_INIT;
	CHECK_INT_EQ(engine_request(e, "GET", "/services", NULL, NULL, &status, &resp, &err), -1);
	CHECK_STR_EQ(err.buf, "the Engine's reply to GET /v1.41/services is larger than 20 bytes");
	sbuf_reset(&err);
	/* the cap is per reply: a smaller one still passes */
	CHECK_INT_EQ(engine_request(e, "GET", "/services", NULL, NULL, &status, &resp, &err), 0);
	CHECK_INT_EQ(json_array_size(resp), 1);
	json_decref(resp);
	engine_free(e);
	sbuf_release(&err);
}

void test_engine__replay_runs_out(void)
{
	const char *record;
	struct engine *e = replay(PING("1.41"), &record);
	int status;
	json_t *resp;
	struct sbuf err = SBUF_INIT;
	CHECK_INT_EQ(engine_request(e, "GET", "/info", NULL, NULL, &status, &resp, &err), -1);
	CHECK_STR_EQ(err.buf, "replay: no reply left for GET /v1.41/info");
	engine_free(e);
	sbuf_release(&err);
}

void test_engine__replies_file_errors(void)
{
	const char *rp = tmp_path("bad-replies");
	struct engine *e = NULL;
	struct sbuf err = SBUF_INIT;
	write_file(rp, "# no blank line after the status\n<<< 200\n[1]\n");
	CHECK_INT_EQ(engine_open_replay(&e, rp, NULL, &err), -1);
	CHECK(strstr(err.buf, ":3: expected a header line or an empty line") != NULL);
	sbuf_reset(&err);
	write_file(rp, "<<< abc\n\n");
	CHECK_INT_EQ(engine_open_replay(&e, rp, NULL, &err), -1);
	CHECK(strstr(err.buf, ":1: expected `<<< STATUS`") != NULL);
	CHECK(e == NULL);
	sbuf_release(&err);
}

void test_engine__require_manager(void)
{
	const char *record;
	struct engine *e = replay(PING("1.41")
				  "<<< 200\n\n{\"Swarm\":{\"LocalNodeState\":\"inactive\","
				  "\"ControlAvailable\":false}}\n"
				  "<<< 200\n\n{\"Swarm\":{\"ControlAvailable\":true}}\n"
				  "<<< 500\n\n{\"message\":\"boom\"}\n",
				  &record);
	struct sbuf err = SBUF_INIT;
	CHECK_INT_EQ(engine_require_manager(e, &err), -1);
	CHECK(!strncmp(err.buf, "this node is not a swarm manager. Use \"docker swarm init\"", 57));
	sbuf_reset(&err);
	CHECK_INT_EQ(engine_require_manager(e, &err), 0);
	CHECK_INT_EQ(engine_require_manager(e, &err), -1);
	CHECK_STR_EQ(err.buf, "Error response from daemon: boom");
	engine_free(e);
	check_record(record, "GET /_ping\nGET /v1.41/info\nGET /v1.41/info\nGET /v1.41/info\n");
	sbuf_release(&err);
}

void test_engine__filters_encoding_matches_the_cli(void)
{
	/* the raw path docker 28.2.2 sent for `docker stack services demo` */
	json_t *f = json_pack("{s:{s:b}}", "label", "com.docker.stack.namespace=demo", 1);
	struct sbuf path = SBUF_INIT;
	sb_puts(&path, "/services?filters=");
	engine_put_filters(&path, f);
	CHECK_STR_EQ(path.buf, "/services?filters=%7B%22label%22%3A%7B%22com.docker.stack."
			       "namespace%3Ddemo%22%3Atrue%7D%7D");
	json_decref(f);
	/* keys sorted like Go's map encoding; space as '+' */
	f = json_pack("{s:{s:b},s:{s:b}}", "name", "a b", 1, "label", "x", 1);
	sbuf_reset(&path);
	engine_put_filters(&path, f);
	CHECK_STR_EQ(path.buf, "%7B%22label%22%3A%7B%22x%22%3Atrue%7D%2C%22name%22%3A%7B%22a+b%22%3Atrue%7D%7D");
	json_decref(f);
	sbuf_release(&path);
}

/* engine_open against an endpoint that cannot answer: the message names it. */
static const char *open_error(const char *host)
{
	static struct sbuf err = SBUF_INIT;
	struct engine *e = NULL;
	struct engine_opts opts = { .host = host, .connect_timeout_ms = 2000, .timeout_ms = 2000 };
	sbuf_reset(&err);
	if (!engine_open(&e, &opts, &err)) {
		engine_free(e);
		return "(opened)";
	}
	return err.buf;
}

static void save_env(char **saved, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *v = getenv(names[i]);
		saved[i] = v ? xstrdup(v) : NULL;
		unsetenv(names[i]);
	}
}

static void restore_env(char **saved, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (saved[i])
			setenv(names[i], saved[i], 1);
		else
			unsetenv(names[i]);
		free(saved[i]);
	}
}

static const char *const env_names[] = { "DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_CONFIG",
					 "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH",
					 "DOCKER_API_VERSION", "STACKC_ENGINE_REPLAY" };

void test_engine__endpoints(void)
{
	char *saved[ARRAY_SIZE(env_names)];
	save_env(saved, env_names, ARRAY_SIZE(env_names));

	const char *sock = tmp_path("no.sock");
	char *host = xstrfmt("unix://%s", sock);
	const char *m = open_error(host);
	CHECK(!strncmp(m, "cannot connect to the Docker Engine at unix://", 46));
	CHECK(strstr(m, "no.sock") && strstr(m, "(is the daemon running?)"));

	CHECK_STR_EQ(open_error("ssh://user@host"),
		     "unsupported Docker host ssh://user@host: stackc speaks unix:// and tcp://");
	CHECK_STR_EQ(open_error("tcp://"), "bad Docker host tcp://: no address");

	/* DOCKER_HOST when there is no -H */
	setenv("DOCKER_HOST", host, 1);
	CHECK(strstr(open_error(NULL), "no.sock") != NULL);
	unsetenv("DOCKER_HOST");

	/* contexts: meta.json under contexts/meta/<sha256 of the name> */
	const char *conf = tmp_path("docker-config");
	char *meta_dir = xstrfmt("%s/contexts/meta/"
				 "a51146d38077ff992eba84cf1d5e9b249073503eb74868699016153b031a38f7",
				 conf); /* sha256("lab") */
	char *cmd = xstrfmt("mkdir -p '%s'", meta_dir);
	CHECK_INT_EQ(system(cmd), 0);
	char *meta = xstrfmt("%s/meta.json", meta_dir);
	char *ctx_sock = xstrfmt("{\"Name\":\"lab\",\"Endpoints\":{\"docker\":"
				 "{\"Host\":\"unix://%s/ctx.sock\"}}}", conf);
	write_file(meta, ctx_sock);
	setenv("DOCKER_CONFIG", conf, 1);

	setenv("DOCKER_CONTEXT", "lab", 1);
	CHECK(strstr(open_error(NULL), "docker-config/ctx.sock: ") != NULL);
	/* DOCKER_HOST wins over DOCKER_CONTEXT, -H over both */
	setenv("DOCKER_HOST", host, 1);
	CHECK(strstr(open_error(NULL), "no.sock: ") != NULL);
	CHECK(strstr(open_error("unix:///nonexistent/h.sock"), "/nonexistent/h.sock: ") != NULL);
	unsetenv("DOCKER_HOST");

	setenv("DOCKER_CONTEXT", "nosuch", 1);
	m = open_error(NULL);
	CHECK(!strncmp(m, "context \"nosuch\" not found (no ", 31));
	CHECK(strstr(m, "/contexts/meta/"
			"9e62f93eb7d2499903ac66232f187c56fc050eb74c765f90eb214360b21f0e96/meta.json)"));
	unsetenv("DOCKER_CONTEXT");

	/* currentContext in config.json */
	char *cj = xstrfmt("%s/config.json", conf);
	write_file(cj, "{\"currentContext\": \"lab\"}");
	CHECK(strstr(open_error(NULL), "docker-config/ctx.sock: ") != NULL);
	write_file(cj, "{\"currentContext\": \"default\"}");
	CHECK(strstr(open_error(NULL), "at unix:///var/run/docker.sock: ") != NULL ||
	      !strcmp(open_error(NULL), "(opened)"));
	write_file(cj, "{\"currentContext\": ");
	CHECK(!strncmp(open_error(NULL), "cannot read ", 12));

	free(cj);
	free(ctx_sock);
	free(meta);
	free(cmd);
	free(meta_dir);
	restore_env(saved, env_names, ARRAY_SIZE(env_names));
	free(host);
}
