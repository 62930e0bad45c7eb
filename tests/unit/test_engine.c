/* The Engine client through the replay transport, and endpoint resolution. */
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "swarm/engine.h"
#include "tests/unit/harness.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *tmpdir;

static void remove_tmpdir(void)
{
	test_remove_dir(tmpdir);
}

static const char *tmp_path(const char *name)
{
	static char path[4][256];
	static int k;
	if (!tmpdir) {
		tmpdir = test_tmp_dir("test-engine");
		atexit(remove_tmpdir);
	}
	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/%s", tmpdir, name);
	return path[k];
}

/* An engine answering with `replies`; requests recorded to a fresh file. */
static struct engine *replay(const char *replies, const char **record)
{
	const char *rp = tmp_path("replies");
	*record = tmp_path("record");
	test_write_file(NULL, rp, replies);
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
	char *got = test_read_file(NULL, record);
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
	char *want = test_read_file(NULL, ep);
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
	test_write_file(NULL, rp, "# no blank line after the status\n<<< 200\n[1]\n");
	CHECK_INT_EQ(engine_open_replay(&e, rp, NULL, &err), -1);
	CHECK(strstr(err.buf, ":3: expected a header line or an empty line") != NULL);
	sbuf_reset(&err);
	test_write_file(NULL, rp, "<<< abc\n\n");
	CHECK_INT_EQ(engine_open_replay(&e, rp, NULL, &err), -1);
	CHECK(strstr(err.buf, ":1: expected `<<< STATUS`") != NULL);
	CHECK(e == NULL);
	sbuf_release(&err);
}

void test_engine__keyed_replies_and_siblings(void)
{
	const char *record;
	/* keyed replies answer their request whatever the order; a sibling shares them */
	struct engine *e = replay(PING("1.41")
				  "<<< 201 POST /v1.41/services/create \"Name\":\"b\"\n\n{\"ID\":\"idb\"}\n"
				  "<<< 201 POST /v1.41/services/create \"Name\":\"a\"\n\n{\"ID\":\"ida\"}\n"
				  "<<< 200 GET /v1.41/info\n\n{}\n",
				  &record);
	struct engine *s = NULL;
	struct sbuf err = SBUF_INIT;
	CHECK_INT_EQ(engine_open_sibling(&s, e, &err), 0);
	int status;
	json_t *resp, *body = json_pack("{s:s}", "Name", "a");
	CHECK_INT_EQ(engine_request(s, "POST", "/services/create", body, NULL, &status, &resp, &err), 0);
	CHECK_INT_EQ(status, 201);
	CHECK_STR_EQ(json_string_value(json_object_get(resp, "ID")), "ida");
	json_decref(resp);
	CHECK_INT_EQ(engine_request(e, "GET", "/info", NULL, NULL, &status, &resp, &err), 0);
	json_decref(resp);
	CHECK_INT_EQ(engine_request(s, "POST", "/services/create", body, NULL, &status, &resp, &err), -1);
	CHECK_STR_EQ(err.buf, "replay: no reply left for POST /v1.41/services/create");
	json_decref(body);
	engine_free(s);
	CHECK_INT_EQ(engine_write_count(e), 1);
	engine_free(e);
	check_record(record, "GET /_ping\nPOST /v1.41/services/create\n{\"Name\":\"a\"}\nGET /v1.41/info\n"
			     "POST /v1.41/services/create\n{\"Name\":\"a\"}\n");
	/* an unkeyed conversation is answered in order, from one connection only */
	e = replay(PING("1.41"), &record);
	sbuf_reset(&err);
	CHECK_INT_EQ(engine_open_sibling(&s, e, &err), -1);
	CHECK(strstr(err.buf, "without keyed replies") != NULL);
	engine_free(e);
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
	/* Go's json.Marshal escapes <, > and & (and U+2028) with lower-case \u escapes,
	 * as it writes control characters; nested keys are sorted too */
	f = json_pack("{s:{s:b,s:b}}", "label", "a&b=<c>\xe2\x80\xa8", 1, "t\x1f", 1);
	sbuf_reset(&path);
	engine_put_filters(&path, f);
	CHECK_STR_EQ(path.buf, "%7B%22label%22%3A%7B%22a%5Cu0026b%3D%5Cu003cc%5Cu003e%5Cu2028%22%3Atrue%2C"
			       "%22t%5Cu001f%22%3Atrue%7D%7D");
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

	CHECK_STR_EQ(open_error("fd://3"), "unsupported Docker host fd://3: stackc speaks unix://, tcp:// and ssh://");
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
	test_write_file(NULL, meta, ctx_sock);
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
	test_write_file(NULL, cj, "{\"currentContext\": \"lab\"}");
	CHECK(strstr(open_error(NULL), "docker-config/ctx.sock: ") != NULL);
	test_write_file(NULL, cj, "{\"currentContext\": \"default\"}");
	CHECK(strstr(open_error(NULL), "at unix:///var/run/docker.sock: ") != NULL ||
	      !strcmp(open_error(NULL), "(opened)"));
	test_write_file(NULL, cj, "{\"currentContext\": ");
	CHECK(!strncmp(open_error(NULL), "cannot read ", 12));

	free(cj);
	free(ctx_sock);
	free(meta);
	free(cmd);
	free(meta_dir);
	restore_env(saved, env_names, ARRAY_SIZE(env_names));
	free(host);
}

/* ---- swarm/stack.c: listing and docker's tables ---- */

#include "swarm/stack.h"

#include <glob.h>

int fuzz_engine_json_one(const uint8_t *data, size_t size);

void test_engine__stack_list_filters_and_query(void)
{
	const char *record;
	struct engine *e = replay(PING("1.41") "<<< 200\n\n[]\n<<< 200\n\n[]\n"
					       "<<< 503\n\n{\"message\":\"not a manager\"}\n"
					       "<<< 200\n\n{}\n",
				  &record);
	json_t *list, *extra = json_object();
	struct sbuf err = SBUF_INIT;
	CHECK_INT_EQ(stack_add_filter(extra, " Label = tier=web ", &err), 0);
	CHECK_INT_EQ(stack_add_filter(extra, "name=st_", &err), 0);
	CHECK_INT_EQ(stack_add_filter(extra, "nope", &err), -1);
	CHECK_STR_EQ(err.buf, "bad format of filter (expected name=value): \"nope\"");
	sbuf_reset(&err);
	/* user label filters join the namespace label */
	CHECK_INT_EQ(stack_list(&list, e, KIND_SERVICE, "st", extra, "status=true", &err), 0);
	CHECK_INT_EQ(json_array_size(list), 0);
	json_decref(list);
	CHECK_INT_EQ(stack_list(&list, e, KIND_NETWORK, NULL, NULL, NULL, &err), 0);
	json_decref(list);
	CHECK_INT_EQ(stack_list(&list, e, KIND_TASK, "st", NULL, NULL, &err), -1);
	CHECK_STR_EQ(err.buf, "Error response from daemon: not a manager");
	CHECK(list == NULL);
	sbuf_reset(&err);
	CHECK_INT_EQ(stack_list(&list, e, KIND_CONFIG, "st", NULL, NULL, &err), -1);
	CHECK_STR_EQ(err.buf, "GET /configs: expected a list from the Engine");
	engine_free(e);
	json_decref(extra);
	check_record(record,
		     "GET /_ping\n"
		     "GET /v1.41/services?filters=%7B%22label%22%3A%7B%22com.docker.stack.namespace%3Dst"
		     "%22%3Atrue%2C%22tier%3Dweb%22%3Atrue%7D%2C%22name%22%3A%7B%22st_%22%3Atrue%7D%7D"
		     "&status=true\n"
		     "GET /v1.41/networks?filters=%7B%22label%22%3A%7B%22com.docker.stack.namespace%22"
		     "%3Atrue%7D%7D\n"
		     "GET /v1.41/tasks?filters=%7B%22label%22%3A%7B%22com.docker.stack.namespace%3Dst%22"
		     "%3Atrue%7D%7D\n"
		     "GET /v1.41/configs?filters=%7B%22label%22%3A%7B%22com.docker.stack.namespace%3Dst%22"
		     "%3Atrue%7D%7D\n");
	sbuf_release(&err);
}

void test_engine__stack_wait_tasks_stopped(void)
{
	const char *record;
	struct engine *e = replay(PING("1.41")
				  "<<< 200\n\n[{\"Status\":{\"State\":\"running\"}},{\"Status\":{\"State\":\"complete\"}}]\n"
				  "<<< 200\n\n[{\"Status\":{\"State\":\"shutdown\"}},{\"Status\":{\"State\":\"complete\"}}]\n"
				  "<<< 200\n\n[{\"Status\":{\"State\":\"preparing\"}}]\n",
				  &record);
	struct sbuf err = SBUF_INIT;
	CHECK_INT_EQ(stack_wait_tasks_stopped(e, "st", 5000, &err), 0);
	/* a task that keeps running: the timeout ends the wait */
	CHECK_INT_EQ(stack_wait_tasks_stopped(e, "st", 0, &err), -1);
	CHECK_STR_EQ(err.buf, "1 task of stack st still running after 0s");
	CHECK(stack_task_state_stopped("orphaned") && !stack_task_state_stopped("running") &&
	      !stack_task_state_stopped(""));
	engine_free(e);
	sbuf_release(&err);
}

void test_engine__stack_natural_order(void)
{
	CHECK(stack_natural_cmp("n9", "n10") < 0);
	CHECK(stack_natural_cmp("n10", "n9") > 0);
	CHECK(stack_natural_cmp("a1", "a01") < 0); /* fewer leading zeros first */
	CHECK(stack_natural_cmp("1x", "ax") < 0);  /* digits before other characters */
	CHECK(stack_natural_cmp("web", "web.1") < 0);
	CHECK(stack_natural_cmp("web_2.10", "web_2.9") > 0);
	CHECK_INT_EQ(stack_natural_cmp("same7", "same7"), 0);
}

static char *table_text(const struct stack_table *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	stack_table_print(t, f);
	fclose(f);
	return buf;
}

void test_engine__stack_table_like_tabwriter(void)
{
	struct stack_table t;
	stack_table_init(&t, 3);
	static const char *const cells[] = { "NAME", "SERVICES", "LAST", "d\xc3\xa9j\xc3\xa0-vu-stack", "1",
					     "", "x", "", "end" };
	for (size_t i = 0; i < ARRAY_SIZE(cells); i++)
		stack_table_add(&t, cells[i]);
	char *s = table_text(&t);
	/* minimum width 10, padding 3, widths in runes, last column unpadded */
	CHECK_STR_EQ(s, "NAME            SERVICES   LAST\n"
			"d\xc3\xa9j\xc3\xa0-vu-stack   1          \n"
			"x                          end\n");
	free(s);
	stack_table_release(&t);
}

static char *services_table(const char *json, int quiet)
{
	json_error_t jerr;
	json_t *v = json_loads(json, 0, &jerr);
	if (!v)
		test_fail(__FILE__, __LINE__, "bad test JSON: %s", jerr.text);
	struct stack_table t;
	stack_table_init(&t, quiet ? 1 : 6);
	stack_services_rows(&t, v, quiet);
	char *s = table_text(&t);
	stack_table_release(&t);
	json_decref(v);
	return s;
}

void test_engine__stack_services_columns(void)
{
	char *s = services_table(
		"[{\"ID\":\"bbbbbbbbbbbbbbbbbbbbbbbbb\",\"Spec\":{\"Name\":\"st_web\","
		"\"Mode\":{\"Replicated\":{\"Replicas\":3}},\"TaskTemplate\":{\"ContainerSpec\":"
		"{\"Image\":\"docker.io/library/nginx:1.25@sha256:0123\"}}},"
		"\"ServiceStatus\":{\"RunningTasks\":1,\"DesiredTasks\":3},"
		"\"Endpoint\":{\"Ports\":["
		"{\"Protocol\":\"tcp\",\"TargetPort\":81,\"PublishedPort\":8081,\"PublishMode\":\"ingress\"},"
		"{\"Protocol\":\"udp\",\"TargetPort\":9000,\"PublishedPort\":9000,\"PublishMode\":\"ingress\"},"
		"{\"Protocol\":\"udp\",\"TargetPort\":9001,\"PublishedPort\":9001,\"PublishMode\":\"ingress\"},"
		"{\"Protocol\":\"tcp\",\"TargetPort\":80,\"PublishedPort\":8080,\"PublishMode\":\"ingress\"},"
		"{\"Protocol\":\"tcp\",\"TargetPort\":5000,\"PublishedPort\":5000,\"PublishMode\":\"host\"}]}},"
		"{\"ID\":\"aaaaaaaaaaaaaaaaaaaaaaaaa\",\"Spec\":{\"Name\":\"st_job\","
		"\"Mode\":{\"GlobalJob\":{}},\"TaskTemplate\":{\"ContainerSpec\":"
		"{\"Image\":\"localhost:5000/app\"}}},"
		"\"ServiceStatus\":{\"RunningTasks\":0,\"DesiredTasks\":1,\"CompletedTasks\":2}},"
		"{\"ID\":\"ccc\",\"Spec\":{\"Name\":\"st_10\",\"Mode\":{\"Global\":{}},"
		"\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"docker.io/user/app:2\"}}}}]",
		0);
	/*
	 * docker's port sort calls ports of different protocols equal, so 8081/tcp
	 * stays before the udp range and 8080/tcp comes last, unmerged.
	 */
	CHECK_STR_EQ(s, "ID             NAME      MODE         REPLICAS              IMAGE                PORTS\n"
			"ccc            st_10     global       0/0                   user/app:2           \n"
			"aaaaaaaaaaaa   st_job    global job   0/1 (2/3 completed)   localhost:5000/app   \n"
			"bbbbbbbbbbbb   st_web    replicated   1/3                   nginx:1.25           "
			"*:8081->81/tcp, *:9000-9001->9000-9001/udp, *:8080->80/tcp\n");
	free(s);
	s = services_table("[{\"ID\":\"bbbbbbbbbbbbbbbbbbbbbbbbb\",\"Spec\":{\"Name\":\"b\"}},"
			   "{\"ID\":\"a\",\"Spec\":{\"Name\":\"a\"}}, 7, null]",
			   1);
	CHECK_STR_EQ(s, "\n\na\nbbbbbbbbbbbb\n");
	free(s);
}

static char *ps_table(const char *tasks, int flags, double now)
{
	json_error_t jerr;
	json_t *v = json_loads(tasks, 0, &jerr);
	json_t *svcs = json_loads("[{\"ID\":\"s1\",\"Spec\":{\"Name\":\"st_web\"}}]", 0, &jerr);
	json_t *nodes = json_loads("[{\"ID\":\"n1\",\"Description\":{\"Hostname\":\"box\"}},"
				   "{\"ID\":\"n2\",\"Spec\":{\"Name\":\"named\"},"
				   "\"Description\":{\"Hostname\":\"other\"}}]",
				   0, &jerr);
	if (!v || !svcs || !nodes)
		test_fail(__FILE__, __LINE__, "bad test JSON");
	struct stack_table t;
	stack_table_init(&t, flags & STACK_PS_QUIET ? 1 : 8);
	stack_ps_rows(&t, v, svcs, nodes, flags, now);
	char *s = table_text(&t);
	stack_table_release(&t);
	json_decref(v);
	json_decref(svcs);
	json_decref(nodes);
	return s;
}

#define TASK(id, slot, node, created, ts, state, err)                                            \
	"{\"ID\":\"" id "\",\"ServiceID\":\"s1\",\"Slot\":" slot ",\"NodeID\":\"" node "\","          \
	"\"CreatedAt\":\"" created "\",\"DesiredState\":\"running\",\"Spec\":{\"ContainerSpec\":"   \
	"{\"Image\":\"app:1@sha256:00\"}},\"Status\":{\"Timestamp\":\"" ts "\",\"State\":\"" state \
	"\",\"Err\":\"" err "\"}}"

void test_engine__stack_ps_rows(void)
{
	/* now = 2026-01-01T00:00:00Z */
	double now = 1767225600;
	char *s = ps_table("[" TASK("t1xxxxxxxxxxxxxxxxxxxxxxx", "1", "n1", "2025-12-31T23:00:00Z",
				   "2025-12-31T23:59:59.5Z", "running", "") ","
			   TASK("t2xxxxxxxxxxxxxxxxxxxxxxx", "1", "n2", "2025-12-31T22:00:00.9Z",
				   "2025-12-31T22:30:00Z", "failed",
				   "task: non-zero exit (1): a long explanation") ","
			   TASK("t3", "0", "n3", "2025-12-31T22:00:00.95Z", "2025-12-30T20:00:00Z",
				   "shutdown", "") "]",
			   0, now);
	/* digits sort first (slot 1 before node n3); 1.5 h rounds to 2 hours */
	CHECK_STR_EQ(s, "ID             NAME           IMAGE     NODE      DESIRED STATE   CURRENT STATE                    ERROR                              PORTS\n"
			"t1xxxxxxxxxx   st_web.1       app:1     box       Running         Running less than a second ago                                      \n"
			"t2xxxxxxxxxx    \\_ st_web.1   app:1     named     Running         Failed 2 hours ago               \"task: non-zero exit (1): a lo\xe2\x80\xa6\"   \n"
			"t3             st_web.n3      app:1     n3        Running         Shutdown 28 hours ago                                               \n");
	free(s);
	s = ps_table("[" TASK("t1xxxxxxxxxxxxxxxxxxxxxxx", "1", "n1", "2025-12-31T23:00:00Z",
			      "2025-12-31T23:00:00Z", "running", "boom") "]",
		     STACK_PS_NO_TRUNC | STACK_PS_NO_RESOLVE, now);
	CHECK_STR_EQ(s, "ID                          NAME      IMAGE             NODE      DESIRED STATE   CURRENT STATE               ERROR     PORTS\n"
			"t1xxxxxxxxxxxxxxxxxxxxxxx   s1.1      app:1@sha256:00   n1        Running         Running about an hour ago   \"boom\"    \n");
	free(s);
	s = ps_table("[" TASK("t1xxxxxxxxxxxxxxxxxxxxxxx", "1", "n1", "x", "", "new", "") "]",
		     STACK_PS_QUIET, now);
	CHECK_STR_EQ(s, "t1xxxxxxxxxx\n");
	free(s);
}

void test_engine__stack_human_durations(void)
{
	static const struct {
		double ago;
		const char *text;
	} cases[] = {
		{ 0.5, "less than a second" }, { 1.5, "1 second" },	  { 59.9, "59 seconds" },
		{ 60, "about a minute" },      { 119, "about a minute" }, { 3599, "59 minutes" },
		{ 5400, "2 hours" },	       { 47.4 * 3600, "47 hours" }, { 48 * 3600, "2 days" },
		{ 14 * 86400, "2 weeks" },     { 60 * 86400, "2 months" }, { 800 * 86400, "2 years" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		double now = 1767225600 + cases[i].ago;
		char *s = ps_table("[" TASK("t", "1", "n1", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z",
					    "running", "") "]",
				   STACK_PS_NO_RESOLVE, now);
		char *want = xstrfmt("Running %s ago", cases[i].text);
		if (!strstr(s, want))
			test_fail(__FILE__, __LINE__, "%.1fs ago: expected \"%s\" in\n%s", cases[i].ago,
				  want, s);
		free(want);
		free(s);
	}
}

void test_engine__stack_ls_rows(void)
{
	json_error_t jerr;
	json_t *v = json_loads("[{\"Spec\":{\"Labels\":{\"com.docker.stack.namespace\":\"b10\"}}},"
			       "{\"Spec\":{\"Labels\":{\"com.docker.stack.namespace\":\"b9\"}}},"
			       "{\"Spec\":{\"Labels\":{\"com.docker.stack.namespace\":\"b10\"}}},"
			       "{\"Spec\":{\"Labels\":{\"other\":\"x\"}}}, 3]",
			       0, &jerr);
	struct stack_table t;
	stack_table_init(&t, 3);
	stack_ls_rows(&t, v);
	char *s = table_text(&t);
	CHECK_STR_EQ(s, "NAME      SERVICES   ORCHESTRATOR\n"
			"b9        1          Swarm\n"
			"b10       2          Swarm\n");
	free(s);
	stack_table_release(&t);
	json_decref(v);
}

/* Seed replay: every reply body of the replay cases through the fuzz target. */
void test_engine__fuzz_seeds(void)
{
	char *pattern = xstrfmt("%s/engine/*/replies", test_data_dir());
	glob_t g;
	CHECK_INT_EQ(glob(pattern, 0, NULL, &g), 0);
	CHECK(g.gl_pathc >= 5);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char *text = test_read_file(NULL, g.gl_pathv[i]);
		fuzz_engine_json_one((const uint8_t *)text, strlen(text));
		for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
			fuzz_engine_json_one((const uint8_t *)line, strlen(line));
		free(text);
	}
	globfree(&g);
	free(pattern);
}
