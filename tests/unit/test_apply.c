/*
 * apply and wait against the replay transport: which requests, in which
 * order, with which bodies; retries of stale versions; convergence.
 */
#include "base/node.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "swarm/apply.h"
#include "swarm/convert.h"
#include "swarm/engine.h"
#include "swarm/fingerprint.h"
#include "swarm/plan.h"
#include "swarm/plan_file.h"
#include "swarm/wait.h"
#include "tests/unit/harness.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PING "<<< 200\nApi-Version: 1.41\n\nOK\n"

struct fixture {
	char dir[64];
	char *replies, *record;
	struct engine *e;
	struct stack_spec spec;
	struct live_state live;
	struct plan plan;
	char *out;
	size_t outlen;
	int (*stop)(void *fixture); /* given to apply as its stop callback */
	const char *more_networks;  /* ",{...}": live networks after st_default */
	int parallel;               /* apply_opts.parallel */
};

static void fx_engine(struct fixture *f, const char *replies)
{
	memset(f, 0, sizeof(*f));
	strcpy(f->dir, "/tmp/stackc-apply-XXXXXX");
	CHECK(mkdtemp(f->dir) != NULL);
	f->replies = xstrfmt("%s/replies", f->dir);
	f->record = xstrfmt("%s/record", f->dir);
	FILE *fp = fopen(f->replies, "w");
	CHECK(fp != NULL);
	fputs(replies, fp);
	fclose(fp);
	struct sbuf err = SBUF_INIT;
	if (engine_open_replay(&f->e, f->replies, f->record, &err))
		test_fail(__FILE__, __LINE__, "replay: %s", err.buf);
	sbuf_release(&err);
}

static void fx_plan_with(struct fixture *f, const char *yaml, const char *live_services, const char *live_secrets,
			 int prune)
{
	struct node *root = test_load(yaml);
	if (convert_stack(&f->spec, test_run(), root, "st"))
		test_fail(__FILE__, __LINE__, "convert: %s", test_diags());
	memset(&f->live, 0, sizeof(f->live));
	f->live.services = json_loads(live_services, 0, NULL);
	CHECK(f->live.services != NULL);
	char *nets = xstrfmt("[{\"Id\":\"netid\",\"Name\":\"st_default\",\"Scope\":\"swarm\","
			     "\"Driver\":\"overlay\",\"Labels\":{\"com.docker.stack.namespace\":\"st\"}}%s]",
			     f->more_networks ? f->more_networks : "");
	f->live.networks = json_loads(nets, 0, NULL);
	CHECK(f->live.networks != NULL);
	free(nets);
	f->live.secrets = json_loads(live_secrets, 0, NULL);
	CHECK(f->live.secrets != NULL);
	f->live.configs = json_array();
	f->live.digests = json_object();
	struct plan_opts o = { .prune = prune, .resolve = RESOLVE_NEVER };
	if (plan_compute(&f->plan, test_run(), &f->spec, &f->live, &o))
		test_fail(__FILE__, __LINE__, "plan: %s", test_diags());
}

static void fx_plan(struct fixture *f, const char *yaml, const char *live_services, int prune)
{
	fx_plan_with(f, yaml, live_services, "[]", prune);
}

static int fx_apply(struct fixture *f, struct apply_changed *changed, struct sbuf *err)
{
	FILE *out = open_memstream(&f->out, &f->outlen);
	struct plan_opts o = { .resolve = RESOLVE_NEVER };
	struct apply_opts ao = { .out = out, .stop = f->stop, .stop_ctx = f, .parallel = f->parallel };
	int rc = apply_plan(changed, &f->plan, f->e, &o, &ao, err);
	fclose(out);
	return rc;
}

/* A file's whole text ("" when it cannot be read). */
static char *file_text(const char *path)
{
	FILE *fp = fopen(path, "r");
	struct sbuf sb = SBUF_INIT;
	char buf[4096];
	size_t n;
	while (fp && (n = fread(buf, 1, sizeof(buf), fp)) > 0)
		sb_put(&sb, buf, n);
	if (fp)
		fclose(fp);
	return sbuf_detach(&sb, NULL);
}

static char *recorded(struct fixture *f)
{
	return file_text(f->record);
}

static void fx_release(struct fixture *f)
{
	engine_free(f->e);
	plan_release(&f->plan);
	live_release(&f->live);
	convert_release(&f->spec);
	unlink(f->replies);
	unlink(f->record);
	rmdir(f->dir);
	free(f->replies);
	free(f->record);
	free(f->out);
}

/* The request lines (method and path) of a record, without bodies. */
static char *request_lines(const char *rec)
{
	struct sbuf sb = SBUF_INIT;
	for (const char *p = rec; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (!strncmp(p, "GET ", 4) || !strncmp(p, "POST ", 5) || !strncmp(p, "DELETE ", 7)) {
			sb_put(&sb, p, len);
			sb_putc(&sb, '\n');
		}
		p += len + (nl ? 1 : 0);
	}
	return sbuf_detach(&sb, NULL);
}

/* A secret file holding content, in a new file at path (a mkstemp template). */
static void secret_file(char *path, const char *content)
{
	int fd = mkstemp(path);
	CHECK(fd >= 0 && write(fd, content, strlen(content)) == (ssize_t)strlen(content));
	close(fd);
}

void test_apply__fresh_stack_binds_new_secret_ids(void)
{
	char path[] = "/tmp/stackc-apply-secret-XXXXXX";
	secret_file(path, "pw");
	char *yaml = xstrfmt("services:\n  web: {image: busybox, secrets: [{source: pw}], networks: {back: null}}\n"
			     "networks:\n  back: {}\n"
			     "secrets:\n  pw: {file: %s}\n",
			     path);
	struct fixture f;
	fx_engine(&f, PING "<<< 201\n\n{\"Id\":\"n1\",\"Warning\":\"\"}\n"
			   "<<< 201\n\n{\"ID\":\"sec1\"}\n"
			   "<<< 201\n\n{\"ID\":\"svc1\"}\n");
	fx_plan(&f, yaml, "[]", 0);
	struct apply_changed ch;
	struct sbuf err = SBUF_INIT;
	CHECK_INT_EQ(fx_apply(&f, &ch, &err), 0);
	CHECK_STR_EQ(f.out, "Creating network st_back\nCreating secret st_pw\nCreating service st_web\n");
	char *rec = recorded(&f), *lines = request_lines(rec);
	CHECK_STR_EQ(lines, "GET /_ping\nPOST /v1.41/networks/create\nPOST /v1.41/secrets/create\n"
			    "POST /v1.41/services/create\n");
	CHECK(strstr(rec, "\"SecretID\":\"sec1\",\"SecretName\":\"st_pw\""));
	CHECK_INT_EQ(ch.n, 1);
	CHECK_STR_EQ(ch.ids[0], "svc1");
	CHECK_INT_EQ(engine_write_count(f.e), 3);
	free(rec);
	free(lines);
	apply_changed_release(&ch);
	sbuf_release(&err);
	fx_release(&f);
	unlink(path);
	free(yaml);
}

static const char live_web[] =
	"[{\"ID\":\"w1\",\"Version\":{\"Index\":5},\"Spec\":{\"Name\":\"st_web\","
	"\"Labels\":{\"com.docker.stack.image\":\"busybox\",\"com.docker.stack.namespace\":\"st\"},"
	"\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox:latest\",\"Labels\":{\"com.docker.stack.namespace\":\"st\"},"
	"\"Env\":[\"A=1\"],\"Privileges\":{\"CredentialSpec\":null,\"SELinuxContext\":null},\"Isolation\":\"default\"},"
	"\"Resources\":{},\"Placement\":{},\"Networks\":[{\"Target\":\"netid\",\"Aliases\":[\"web\"]}],"
	"\"ForceUpdate\":%d,\"Runtime\":\"container\"},\"Mode\":{\"Replicated\":{\"Replicas\":1}},"
	"\"EndpointSpec\":{\"Mode\":\"vip\"}}}%s]";

void test_apply__unchanged_service_gets_no_request(void)
{
	char *live = xstrfmt(live_web, 0, "");
	struct fixture f;
	fx_engine(&f, PING);
	fx_plan(&f, "services:\n  web: {image: busybox, environment: {A: \"1\"}}\n", live, 0);
	struct apply_changed ch;
	struct sbuf err = SBUF_INIT;
	CHECK_INT_EQ(fx_apply(&f, &ch, &err), 0);
	CHECK_STR_EQ(f.out, "Service st_web unchanged\n");
	CHECK_INT_EQ(engine_write_count(f.e), 0);
	CHECK_INT_EQ(ch.n, 0);
	apply_changed_release(&ch);
	sbuf_release(&err);
	fx_release(&f);
	free(live);
}

void test_apply__stale_version_is_read_again_and_retried(void)
{
	char *live = xstrfmt(live_web, 0, "");
	char *fresh = xstrfmt(live_web, 2, "");
	/* the GET of one service answers an object, not the list */
	fresh[0] = ' ';
	fresh[strlen(fresh) - 1] = ' ';
	char *replies = xstrfmt(PING "<<< 500\n\n{\"message\":\"rpc error: code = Unknown desc = update out of sequence\"}\n"
				     "<<< 200\n\n%s\n"
				     "<<< 200\n\n{\"Warnings\":null}\n",
				fresh);
	char *p = strstr(replies, "\"Index\":5");
	CHECK(p != NULL);
	p[8] = '9';
	struct fixture f;
	fx_engine(&f, replies);
	fx_plan(&f, "services:\n  web: {image: busybox, environment: {A: \"2\"}}\n", live, 0);
	CHECK_INT_EQ(f.plan.count[PLAN_UPDATE], 1);
	struct apply_changed ch;
	struct sbuf err = SBUF_INIT;
	if (fx_apply(&f, &ch, &err))
		test_fail(__FILE__, __LINE__, "apply: %s", err.buf);
	CHECK_STR_EQ(f.out, "Updating service st_web (id: w1)\n");
	char *rec = recorded(&f), *lines = request_lines(rec);
	CHECK_STR_EQ(lines, "GET /_ping\nPOST /v1.41/services/w1/update?version=5\nGET /v1.41/services/w1\n"
			    "POST /v1.41/services/w1/update?version=9\n");
	/* the retry carries the ForceUpdate the service has now */
	const char *second = strstr(rec, "version=9");
	CHECK(second && strstr(second, "\"ForceUpdate\":2"));
	CHECK(strstr(second, "\"A=2\""));
	CHECK_INT_EQ(ch.n, 1);
	free(rec);
	free(lines);
	apply_changed_release(&ch);
	sbuf_release(&err);
	fx_release(&f);
	free(live);
	free(fresh);
	free(replies);
}

void test_apply__prune_removes_first_and_errors_stop(void)
{
	char *live = xstrfmt(live_web, 0,
			     ",{\"ID\":\"o1\",\"Version\":{\"Index\":3},\"Spec\":{\"Name\":\"st_old\","
			     "\"Labels\":{\"com.docker.stack.namespace\":\"st\"}}}");
	struct fixture f;
	fx_engine(&f, PING "<<< 200\n\n\n"
			   "<<< 400\n\n{\"message\":\"rpc error: code = InvalidArgument desc = bad\"}\n");
	fx_plan(&f, "services:\n  web: {image: busybox, environment: {A: \"3\"}}\n", live, 1);
	struct apply_changed ch;
	struct sbuf err = SBUF_INIT;
	CHECK_INT_EQ(fx_apply(&f, &ch, &err), -1);
	CHECK_STR_EQ(f.out, "Removing service st_old\nUpdating service st_web (id: w1)\n");
	CHECK_STR_EQ(err.buf, "failed to update service st_web: Error response from daemon: rpc error: code = "
			      "InvalidArgument desc = bad");
	char *rec = recorded(&f), *lines = request_lines(rec);
	CHECK_STR_EQ(lines, "GET /_ping\nDELETE /v1.41/services/o1\nPOST /v1.41/services/w1/update?version=5\n");
	free(rec);
	free(lines);
	apply_changed_release(&ch);
	sbuf_release(&err);
	fx_release(&f);
	free(live);
}

void test_apply__rotation_creates_a_generation_and_removes_old_ones_after(void)
{
	char path[] = "/tmp/stackc-apply-secret-XXXXXX";
	secret_file(path, "v1");
	char *yaml = xstrfmt("services:\n  web: {image: busybox, secrets: [{source: pw, target: /run/pw}]}\n"
			     "secrets:\n  pw: {file: %s}\n",
			     path);
	/* three generations, none holding "v1" */
	struct sbuf secrets = SBUF_INIT;
	sb_puts(&secrets, "[");
	for (int g = 1; g <= 3; g++) {
		char *fp = fingerprint_new(KIND_SECRET, "djA=");
		if (g == 1)
			sb_printf(&secrets, "{\"ID\":\"s1\",\"Spec\":{\"Name\":\"st_pw\",\"Labels\":{"
					    "\"com.docker.stack.namespace\":\"st\",\"" LABEL_FINGERPRINT "\":\"%s\"}}}", fp);
		else
			sb_printf(&secrets, ",{\"ID\":\"s%d\",\"Spec\":{\"Name\":\"st_pw-v%d\",\"Labels\":{"
					    "\"com.docker.stack.namespace\":\"st\",\"" LABEL_FINGERPRINT "\":\"%s\","
					    "\"" LABEL_GENERATION "\":\"%d\",\"" LABEL_GENERATION_OF "\":\"st_pw\"}}}",
				  g, g, fp, g);
		free(fp);
	}
	sb_puts(&secrets, "]");
	struct fixture f;
	fx_engine(&f, PING "<<< 201\n\n{\"ID\":\"s4\"}\n"
			   "<<< 201\n\n{\"ID\":\"svc1\"}\n"
			   "<<< 204\n\n\n"
			   "<<< 400\n\n{\"message\":\"rpc error: code = InvalidArgument desc = secret 'st_pw' is in use "
			   "by the following service: other_x\"}\n");
	fx_plan_with(&f, yaml, "[]", secrets.buf, 0);
	struct apply_changed ch;
	struct sbuf err = SBUF_INIT;
	CHECK_INT_EQ(fx_apply(&f, &ch, &err), 0);
	CHECK_STR_EQ(f.out, "Creating secret st_pw-v4 (generation 4 of st_pw: content changed)\n"
			    "Creating service st_web\n");
	char *rec = recorded(&f);
	/* the new generation's ID, the same target */
	CHECK(strstr(rec, "\"File\":{\"Name\":\"/run/pw\",\"UID\":\"0\",\"GID\":\"0\",\"Mode\":292},"
			  "\"SecretID\":\"s4\",\"SecretName\":\"st_pw-v4\""));
	free(rec);
	/* once converged: the two oldest go; one still in use elsewhere stays */
	free(f.out);
	FILE *out = open_memstream(&f.out, &f.outlen);
	struct apply_opts ao = { .out = out };
	CHECK_INT_EQ(apply_after_converge(&f.plan, f.e, &ao, &err), 0);
	fclose(out);
	CHECK_STR_EQ(f.out, "Removing secret st_pw-v2 (superseded generation)\n"
			    "Removing secret st_pw (superseded generation)\n");
	rec = recorded(&f);
	char *lines = request_lines(rec);
	CHECK_STR_EQ(lines, "GET /_ping\nPOST /v1.41/secrets/create\nPOST /v1.41/services/create\n"
			    "DELETE /v1.41/secrets/s2\nDELETE /v1.41/secrets/s1\n");
	free(rec);
	free(lines);
	apply_changed_release(&ch);
	sbuf_release(&err);
	sbuf_release(&secrets);
	fx_release(&f);
	unlink(path);
	free(yaml);
}

void test_apply__prune_removes_networks_secrets_configs_after_the_services(void)
{
	char *live = xstrfmt(live_web, 0,
			     ",{\"ID\":\"o1\",\"Version\":{\"Index\":3},\"Spec\":{\"Name\":\"st_old\","
			     "\"Labels\":{\"com.docker.stack.namespace\":\"st\"}}}");
	struct fixture f;
	fx_engine(&f, PING "<<< 200\n\n\n"
			   "<<< 200\n\n{\"Warnings\":null}\n"
			   "<<< 400\n\n{\"message\":\"rpc error: code = FailedPrecondition desc = network n2 is in use by task t1\"}\n"
			   "<<< 204\n\n\n"
			   "<<< 204\n\n\n");
	f.more_networks = ",{\"Id\":\"n2\",\"Name\":\"st_old\",\"Scope\":\"swarm\",\"Labels\":{\"com.docker.stack.namespace\":\"st\"}}";
	fx_plan_with(&f, "services:\n  web: {image: busybox, environment: {A: \"2\"}}\n", live,
		     "[{\"ID\":\"s1\",\"Spec\":{\"Name\":\"st_pw\",\"Labels\":{\"com.docker.stack.namespace\":\"st\"}}}]", 1);
	struct apply_changed ch;
	struct sbuf err = SBUF_INIT;
	if (fx_apply(&f, &ch, &err))
		test_fail(__FILE__, __LINE__, "apply: %s", err.buf);
	CHECK_STR_EQ(f.out, "Removing service st_old\nUpdating service st_web (id: w1)\n"
			    "Removing network st_old\nRemoving secret st_pw\n");
	char *rec = recorded(&f), *lines = request_lines(rec);
	/* the network held by the removed service's task is tried again */
	CHECK_STR_EQ(lines, "GET /_ping\nDELETE /v1.41/services/o1\nPOST /v1.41/services/w1/update?version=5\n"
			    "DELETE /v1.41/networks/n2\nDELETE /v1.41/networks/n2\nDELETE /v1.41/secrets/s1\n");
	free(rec);
	free(lines);
	apply_changed_release(&ch);
	sbuf_release(&err);
	fx_release(&f);
	free(live);
}

static const char task_fmt[] = "{\"ServiceID\":\"%s\",\"DesiredState\":\"%s\",\"Status\":{\"State\":\"%s\"%s}}";

/* A wait against canned replies; its output and summary, and the requests made. */
struct wait_case {
	struct fixture f;
	char *out;
	size_t outlen;
	struct sbuf err;
	char *requests;
	int rc;
	int (*stop)(void *wait_case);
};

static void wait_case_stop(struct wait_case *c, const char *replies, long long timeout_ms, int quiet,
			   int (*stop)(void *wait_case))
{
	memset(c, 0, sizeof(*c));
	c->stop = stop;
	c->err = (struct sbuf)SBUF_INIT;
	fx_engine(&c->f, replies);
	FILE *out = open_memstream(&c->out, &c->outlen);
	struct wait_opts w = { timeout_ms, quiet, 0, out, 100, c->stop, c };
	char *ids[] = { (char *)"a" };
	const char *names[] = { "st_a" };
	c->rc = wait_services(c->f.e, ids, names, 1, &w, &c->err);
	fclose(out);
	char *rec = recorded(&c->f);
	c->requests = request_lines(rec);
	free(rec);
}

static void wait_case(struct wait_case *c, const char *replies, long long timeout_ms, int quiet)
{
	wait_case_stop(c, replies, timeout_ms, quiet, NULL);
}

static void wait_case_release(struct wait_case *c)
{
	engine_free(c->f.e);
	unlink(c->f.replies);
	unlink(c->f.record);
	rmdir(c->f.dir);
	free(c->f.replies);
	free(c->f.record);
	free(c->out);
	free(c->requests);
	sbuf_release(&c->err);
}

/* Whether s is prefix, a time ("0.1s"), then suffix. */
static int timed(const char *s, const char *prefix, const char *suffix)
{
	size_t p = strlen(prefix), q = strlen(suffix), n = s ? strlen(s) : 0;
	if (n < p + q + 2 || strncmp(s, prefix, p) || strcmp(s + n - q, suffix))
		return 0;
	return strspn(s + p, "0123456789.") == n - p - q - 1 && s[n - q - 1] == 's';
}

void test_apply__wait_converges_and_says_how_long(void)
{
	char *t1 = xstrfmt(task_fmt, "a", "running", "running", "");
	char *t2 = xstrfmt(task_fmt, "a", "running", "starting", "");
	char *replies = xstrfmt(PING
				"<<< 200\n\n[{\"ID\":\"a\",\"Spec\":{\"Mode\":{\"Replicated\":{\"Replicas\":2}}}}]\n"
				"<<< 200\n\n[%s,%s]\n"
				"<<< 200\n\n[{\"ID\":\"a\",\"Spec\":{\"Mode\":{\"Replicated\":{\"Replicas\":2}}},"
				"\"UpdateStatus\":{\"State\":\"completed\"}}]\n"
				"<<< 200\n\n[%s,%s]\n",
				t1, t2, t1, t1);
	struct wait_case c;
	wait_case(&c, replies, 10000, 0);
	CHECK_INT_EQ(c.rc, 0);
	CHECK(!strncmp(c.out, "st_a: 1/2 running\n", 18));
	CHECK(timed(c.out + 18, "st_a: 2/2 running, converged after ", "\n"));
	char *rec = recorded(&c.f);
	/* keys sorted, as the docker CLI sends them */
	CHECK(strstr(rec, "GET /v1.41/services?status=true&filters=%7B%22id%22%3A%7B%22a%22%3Atrue%7D%7D\n"));
	CHECK(strstr(rec, "GET /v1.41/tasks?filters=%7B%22_up-to-date%22%3A%7B%22true%22%3Atrue%7D%2C"
			  "%22service%22%3A%7B%22a%22%3Atrue%7D%7D\n"));
	free(rec);
	wait_case_release(&c);
	free(replies);
	free(t1);
	free(t2);
}

void test_apply__wait_fails_fast_when_swarm_pauses_or_rolls_back(void)
{
	static const char *const states[][2] = {
		{ "paused", "st_a: failed after " },
		{ "rollback_started", "st_a: failed after " },
		{ "rollback_completed", "st_a: failed after " },
	};
	static const char *const says[] = { "swarm paused the update", "swarm is rolling the update back",
					    "swarm rolled the update back" };
	for (size_t i = 0; i < ARRAY_SIZE(states); i++) {
		char *t = xstrfmt(task_fmt, "a", "shutdown", "failed",
				  ",\"Err\":\"task: non-zero exit (1)\"},\"NodeID\":\"n1\",\"Version\":{\"Index\":4");
		char *replies = xstrfmt(PING "<<< 200\n\n[{\"ID\":\"a\",\"Spec\":{\"Mode\":{\"Global\":{}}},"
					     "\"ServiceStatus\":{\"DesiredTasks\":1},"
					     "\"UpdateStatus\":{\"State\":\"%s\",\"Message\":\"update paused due to failure\"}}]\n"
					     "<<< 200\n\n[%s]\n"
					     "<<< 200\n\n[{\"ID\":\"n1\",\"Description\":{\"Hostname\":\"lab1\"}}]\n",
					states[i][0], t);
		struct wait_case c;
		wait_case(&c, replies, 10000, 1);
		CHECK_INT_EQ(c.rc, WAIT_NOT_CONVERGED);
		CHECK_STR_EQ(c.out, "");
		char *tail = xstrfmt(": %s: update paused due to failure; last task error on node lab1: "
				     "task: non-zero exit (1)",
				     says[i]);
		CHECK(timed(c.err.buf, "1 of 1 services did not converge:\n  st_a: failed after ", tail));
		CHECK_STR_EQ(c.requests, "GET /_ping\nGET /v1.41/services?status=true&filters=%7B%22id%22%3A%7B%22a%22%3Atrue%7D%7D\n"
					 "GET /v1.41/tasks?filters=%7B%22_up-to-date%22%3A%7B%22true%22%3Atrue%7D%2C"
					 "%22service%22%3A%7B%22a%22%3Atrue%7D%7D\nGET /v1.41/nodes\n");
		free(tail);
		wait_case_release(&c);
		free(replies);
		free(t);
	}
}

static const char replicated_a[] =
	"<<< 200\n\n[{\"ID\":\"a\",\"Spec\":{\"Mode\":{\"Replicated\":{\"Replicas\":1}},"
	"\"TaskTemplate\":{\"RestartPolicy\":{\"Condition\":\"%s\",\"MaxAttempts\":%d}}}}]\n";

void test_apply__wait_fails_fast_on_a_rejected_task(void)
{
	char *svc = xstrfmt(replicated_a, "any", 0);
	char *t1 = xstrfmt(task_fmt, "a", "running", "rejected",
			   ",\"Err\":\"No such image: app:1\"},\"NodeID\":\"n1\",\"Slot\":1,\"Version\":{\"Index\":9");
	char *replies = xstrfmt(PING "%s<<< 200\n\n[%s]\n<<< 200\n\n[{\"ID\":\"n1\",\"Description\":{\"Hostname\":\"lab1\"}}]\n",
				svc, t1);
	struct wait_case c;
	wait_case(&c, replies, 60000, 0);
	CHECK_INT_EQ(c.rc, WAIT_NOT_CONVERGED);
	CHECK(timed(c.out, "st_a: failed after ", ": task rejected on node lab1: No such image: app:1\n"));
	CHECK(strstr(c.err.buf, "st_a: failed after "));
	wait_case_release(&c);
	free(replies);
	free(svc);
	free(t1);
}

void test_apply__wait_fails_fast_when_swarm_stops_restarting(void)
{
	/* max_attempts used up: every task of the slot failed and none is wanted any more */
	char *svc = xstrfmt(replicated_a, "on-failure", 2);
	char *f[3];
	for (int i = 0; i < 3; i++)
		f[i] = xstrfmt(task_fmt, "a", "shutdown", "failed",
			       i == 2 ? ",\"Err\":\"task: non-zero exit (1)\"},\"NodeID\":\"n1\",\"Slot\":1,\"Version\":{\"Index\":30"
				      : ",\"Err\":\"task: non-zero exit (2)\"},\"NodeID\":\"n1\",\"Slot\":1,\"Version\":{\"Index\":20");
	char *replies = xstrfmt(PING "%s<<< 200\n\n[%s,%s,%s]\n<<< 200\n\n[]\n", svc, f[0], f[1], f[2]);
	struct wait_case c;
	wait_case(&c, replies, 60000, 0);
	CHECK_INT_EQ(c.rc, WAIT_NOT_CONVERGED);
	/* the node list answered nothing: the node's ID */
	CHECK(timed(c.out, "st_a: failed after ",
		    ": task failed on node n1: task: non-zero exit (1); swarm will not restart it "
		    "(restart_policy.max_attempts: 2)\n"));
	wait_case_release(&c);
	free(replies);
	/* a failed task swarm replaces (a new one is ready in its slot) is not the end */
	char *again = xstrfmt(task_fmt, "a", "ready", "pending", ",\"Message\":\"restarting\"},\"Slot\":1,\"Version\":{\"Index\":31");
	char *svc_ok = xstrfmt(replicated_a, "on-failure", 2);
	char *t_run = xstrfmt(task_fmt, "a", "running", "running", "},\"Slot\":1,\"Version\":{\"Index\":40");
	replies = xstrfmt(PING "%s<<< 200\n\n[%s,%s]\n<<< 200\n\n[]\n%s<<< 200\n\n[%s,%s]\n", svc, f[2], again, svc_ok,
			  f[2], t_run);
	wait_case(&c, replies, 60000, 1);
	CHECK_INT_EQ(c.rc, 0);
	wait_case_release(&c);
	free(replies);
	free(again);
	free(svc_ok);
	free(t_run);
	for (int i = 0; i < 3; i++)
		free(f[i]);
	free(svc);
}

void test_apply__wait_timeout_names_the_pending_reason(void)
{
	char *svc = xstrfmt(replicated_a, "any", 0);
	char *t = xstrfmt(task_fmt, "a", "running", "pending",
			  ",\"Err\":\"no suitable node (insufficient resources on 1 node)\"},\"Slot\":1,\"Version\":{\"Index\":5");
	struct sbuf replies = SBUF_INIT;
	sb_puts(&replies, PING);
	for (int i = 0; i < 12; i++)
		sb_printf(&replies, "%s<<< 200\n\n[%s]\n", svc, t);
	struct wait_case c;
	wait_case(&c, replies.buf, 300, 1);
	CHECK_INT_EQ(c.rc, WAIT_NOT_CONVERGED);
	CHECK_STR_EQ(c.err.buf, "timed out after 0s; 1 of 1 services did not converge:\n"
				"  st_a: 0/1 running; pending: no suitable node (insufficient resources on 1 node)");
	wait_case_release(&c);
	sbuf_release(&replies);
	free(svc);
	free(t);
}

/* A SIGINT once the first write is done. */
static int stop_after_one_write(void *fixture)
{
	struct fixture *f = fixture;
	return engine_write_count(f->e) >= 1;
}

void test_apply__interrupted_apply_sends_no_more_writes(void)
{
	struct fixture f;
	fx_engine(&f, PING "<<< 201\n\n{\"ID\":\"svc1\"}\n<<< 201\n\n{\"ID\":\"svc2\"}\n<<< 201\n\n{\"ID\":\"svc3\"}\n");
	f.stop = stop_after_one_write;
	fx_plan(&f, "services:\n  a: {image: busybox}\n  b: {image: busybox}\n  c: {image: busybox}\n", "[]", 0);
	struct apply_changed ch;
	struct sbuf err = SBUF_INIT;
	CHECK_INT_EQ(fx_apply(&f, &ch, &err), APPLY_INTERRUPTED);
	CHECK_STR_EQ(f.out, "Creating service st_a\n");
	char *rec = recorded(&f), *lines = request_lines(rec);
	CHECK_STR_EQ(lines, "GET /_ping\nPOST /v1.41/services/create\n");
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	apply_print_progress(&f.plan, out);
	fclose(out);
	CHECK_STR_EQ(buf, "applied (1 of 3):\n  + service st_a\nnot applied (2):\n  + service st_b\n  + service st_c\n");
	/* what was created is still waited for */
	CHECK_INT_EQ(ch.n, 1);
	free(buf);
	free(rec);
	free(lines);
	apply_changed_release(&ch);
	sbuf_release(&err);
	fx_release(&f);
}

static int stop_now(void *ctx)
{
	(void)ctx;
	return 1;
}

void test_apply__interrupted_wait_says_what_had_not_converged(void)
{
	char *svc = xstrfmt(replicated_a, "any", 0);
	char *replies = xstrfmt(PING "%s<<< 200\n\n[]\n", svc);
	struct wait_case c;
	wait_case_stop(&c, replies, 60000, 1, stop_now);
	CHECK_INT_EQ(c.rc, WAIT_INTERRUPTED);
	CHECK_STR_EQ(c.err.buf, "1 of 1 services did not converge:\n"
				"  st_a: 0/1 running (still converging when the wait stopped)");
	wait_case_release(&c);
	free(replies);
	free(svc);
}

/* ---- saved plans (plan_file.h) ---- */

/* A plan creating secret pw (from a file holding "pw") and updating st_web, saved and read back. */
static char *saved_plan(struct fixture *f, char *secret_path, const char *replies)
{
	secret_file(secret_path, "pw");
	char *yaml = xstrfmt("services:\n  web: {image: busybox, environment: {A: \"2\"}, secrets: [pw]}\n"
			     "secrets:\n  pw: {file: %s}\n",
			     secret_path);
	char *live = xstrfmt(live_web, 0, "");
	fx_engine(f, replies);
	fx_plan(f, yaml, live, 0);
	CHECK_INT_EQ(f->plan.count[PLAN_CREATE], 1);
	CHECK_INT_EQ(f->plan.count[PLAN_UPDATE], 1);
	char *file = xstrfmt("%s/plan.json", f->dir);
	struct sbuf err = SBUF_INIT;
	if (plan_file_write(&f->plan, file, &err))
		test_fail(__FILE__, __LINE__, "write: %s", err.buf);
	sbuf_release(&err);
	free(yaml);
	free(live);
	return file;
}

/* the manager check, then network st_default (kept by the plan) is still there */
#define LIVE_CHECK_START PING "<<< 200\n\n{\"Swarm\":{\"ControlAvailable\":true}}\n<<< 200\n\n{\"Id\":\"netid\"}\n"
#define LIVE_WEB_AT(v) "<<< 200\n\n{\"ID\":\"w1\",\"Version\":{\"Index\":" #v "}}\n"

void test_apply__saved_plan_applies_exactly_what_was_planned(void)
{
	char path[] = "/tmp/stackc-apply-secret-XXXXXX";
	struct fixture f;
	char *file = saved_plan(&f, path,
				LIVE_CHECK_START "<<< 404\n\n{\"message\":\"secret st_pw not found\"}\n" LIVE_WEB_AT(5)
				"<<< 201\n\n{\"ID\":\"sec1\"}\n<<< 200\n\n{\"Warnings\":null}\n");
	/* the secret by reference: its file and a salted fingerprint, never the content */
	char *text = file_text(file);
	CHECK(!strstr(text, "cHc="));
	CHECK(strstr(text, "\"DataFrom\"") && strstr(text, "\"fingerprint\": \"scrypt:"));
	CHECK(strstr(text, "\"format\": \"" PLAN_FILE_FORMAT "\""));
	CHECK_INT_EQ(f.plan.items[2].kind, KIND_SERVICE);
	char *want_body = json_dumps(f.plan.items[2].body, JSON_COMPACT | JSON_SORT_KEYS);
	plan_release(&f.plan);
	struct sbuf err = SBUF_INIT;
	if (plan_file_read(&f.plan, file, "st", &err))
		test_fail(__FILE__, __LINE__, "read: %s", err.buf);
	CHECK_INT_EQ(f.plan.n, 3);
	char *got_body = json_dumps(f.plan.items[2].body, JSON_COMPACT | JSON_SORT_KEYS);
	CHECK_STR_EQ(got_body, want_body);
	CHECK_INT_EQ(plan_file_check_live(&f.plan, f.e, &err), 0);
	struct apply_changed ch;
	CHECK_INT_EQ(fx_apply(&f, &ch, &err), 0);
	char *rec = recorded(&f), *lines = request_lines(rec);
	CHECK_STR_EQ(lines, "GET /_ping\nGET /v1.41/info\nGET /v1.41/networks/netid\nGET /v1.41/secrets/st_pw\nGET /v1.41/services/w1\n"
			    "POST /v1.41/secrets/create\nPOST /v1.41/services/w1/update?version=5\n");
	CHECK(strstr(rec, "\"Data\":\"cHc=\""));
	CHECK(strstr(rec, "\"SecretID\":\"sec1\""));
	CHECK_INT_EQ(engine_write_count(f.e), 2);
	free(rec);
	free(lines);
	free(text);
	free(want_body);
	free(got_body);
	apply_changed_release(&ch);
	sbuf_release(&err);
	unlink(file);
	free(file);
	fx_release(&f);
	unlink(path);
}

void test_apply__saved_plan_refused_when_the_swarm_moved(void)
{
	char path[] = "/tmp/stackc-apply-secret-XXXXXX";
	struct fixture f;
	char *file = saved_plan(&f, path, LIVE_CHECK_START "<<< 200\n\n{\"ID\":\"s9\"}\n" LIVE_WEB_AT(7));
	plan_release(&f.plan);
	struct sbuf err = SBUF_INIT;
	CHECK_INT_EQ(plan_file_read(&f.plan, file, "st", &err), 0);
	CHECK_INT_EQ(plan_file_check_live(&f.plan, f.e, &err), PLAN_FILE_DRIFT);
	CHECK_STR_EQ(err.buf, "secret st_pw: created since the plan\n"
			      "service st_web: changed since the plan (version 5, now 7)");
	CHECK_INT_EQ(engine_write_count(f.e), 0);
	sbuf_release(&err);
	unlink(file);
	free(file);
	fx_release(&f);
	unlink(path);
}

void test_apply__saved_plan_refused_when_a_secret_file_changed(void)
{
	char path[] = "/tmp/stackc-apply-secret-XXXXXX";
	struct fixture f;
	char *file = saved_plan(&f, path, PING);
	plan_release(&f.plan);
	FILE *fp = fopen(path, "w");
	CHECK(fp != NULL);
	fputs("pw2", fp);
	fclose(fp);
	struct sbuf err = SBUF_INIT;
	CHECK_INT_EQ(plan_file_read(&f.plan, file, "st", &err), PLAN_FILE_DRIFT);
	char *want = xstrfmt("secret st_pw: its file %s changed since the plan", path);
	CHECK_STR_EQ(err.buf, want);
	plan_release(&f.plan);
	sbuf_reset(&err);
	CHECK_INT_EQ(plan_file_read(&f.plan, file, "other", &err), -1);
	CHECK(strstr(err.buf, "is a plan for stack st, not other"));
	free(want);
	sbuf_release(&err);
	unlink(file);
	free(file);
	fx_release(&f);
	unlink(path);
}

/* ---- parallel apply: keyed replies answer whichever connection asks ---- */

static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

#define NPAR 8

void test_apply__parallel_writes_keep_the_order_that_matters(void)
{
	char path[] = "/tmp/stackc-apply-secret-XXXXXX";
	secret_file(path, "pw");
	struct sbuf yaml = SBUF_INIT, replies = SBUF_INIT, expect = SBUF_INIT;
	sb_puts(&yaml, "services:\n");
	sb_puts(&replies, PING "<<< 201 POST /v1.41/networks/create\n\n{\"Id\":\"n1\"}\n"
			       "<<< 201 POST /v1.41/secrets/create\n\n{\"ID\":\"sec1\"}\n");
	sb_puts(&expect, "Creating network st_back\nCreating secret st_pw\n");
	for (int i = 1; i <= NPAR; i++) {
		sb_printf(&yaml, "  s%d: {image: busybox, secrets: [pw], networks: [back]}\n", i);
		sb_printf(&replies, "<<< 201 POST /v1.41/services/create \"Name\":\"st_s%d\"\n\n{\"ID\":\"svc%d\"}\n", i, i);
		sb_printf(&expect, "Creating service st_s%d\n", i);
	}
	sb_printf(&yaml, "networks:\n  back: {}\nsecrets:\n  pw: {file: %s}\n", path);
	struct fixture f;
	fx_engine(&f, replies.buf);
	f.parallel = 4;
	fx_plan(&f, yaml.buf, "[]", 0);
	struct apply_changed ch;
	struct sbuf err = SBUF_INIT;
	if (fx_apply(&f, &ch, &err))
		test_fail(__FILE__, __LINE__, "apply: %s", err.buf);
	/* printed in plan order, whatever order the writes completed in */
	CHECK_STR_EQ(f.out, expect.buf);
	char *rec = recorded(&f);
	/* the secret exists before any service that uses it is sent; each service once */
	const char *secret = strstr(rec, "POST /v1.41/secrets/create"), *svc = strstr(rec, "POST /v1.41/services/create");
	CHECK(secret && svc && secret < svc);
	CHECK(strstr(rec, "POST /v1.41/networks/create") < svc);
	CHECK_INT_EQ(count_of(rec, "POST /v1.41/services/create"), NPAR);
	CHECK_INT_EQ(count_of(rec, "\"SecretID\":\"sec1\""), NPAR);
	for (int i = 1; i <= NPAR; i++) {
		char name[32];
		snprintf(name, sizeof(name), "\"Name\":\"st_s%d\"", i);
		CHECK_INT_EQ(count_of(rec, name), 1);
	}
	/* the services to wait for, in plan order, with their IDs */
	CHECK_INT_EQ(ch.n, NPAR);
	for (size_t i = 0; i < ch.n; i++) {
		char id[32];
		snprintf(id, sizeof(id), "svc%d", (int)i + 1);
		CHECK_STR_EQ(ch.ids[i], id);
	}
	/* the siblings' writes are counted on the caller's engine */
	CHECK_INT_EQ(engine_write_count(f.e), NPAR + 2);
	free(rec);
	apply_changed_release(&ch);
	sbuf_release(&err);
	sbuf_release(&yaml);
	sbuf_release(&replies);
	sbuf_release(&expect);
	fx_release(&f);
	unlink(path);
}

/* live_web for service st_s<i>, ID w<i>. */
static void live_service(struct sbuf *out, int i)
{
	char *one = xstrfmt(live_web, 0, "");
	one[strlen(one) - 1] = '\0'; /* the closing ] */
	char name[16], id[16];
	snprintf(name, sizeof(name), "st_s%d", i);
	snprintf(id, sizeof(id), "w%d", i);
	char *p = strstr(one, "st_web"), *q = strstr(one, "\"w1\"");
	CHECK(p && q);
	sb_put(out, one + 1, (size_t)(q + 1 - one - 1));
	sb_puts(out, id);
	sb_put(out, q + 3, (size_t)(p - q - 3));
	sb_puts(out, name);
	sb_puts(out, p + 6);
	free(one);
}

/* NPAR live services st_s1..; the files change every one (A=2). */
static void updates_fixture(struct fixture *f, const char *replies, struct sbuf *yaml)
{
	struct sbuf live = SBUF_INIT;
	sb_puts(yaml, "services:\n");
	sb_putc(&live, '[');
	for (int i = 1; i <= NPAR; i++) {
		if (i > 1)
			sb_putc(&live, ',');
		live_service(&live, i);
		sb_printf(yaml, "  s%d: {image: busybox, environment: {A: \"2\"}}\n", i);
	}
	sb_putc(&live, ']');
	fx_engine(f, replies);
	f->parallel = 4;
	fx_plan(f, yaml->buf, live.buf, 0);
	CHECK_INT_EQ(f->plan.count[PLAN_UPDATE], NPAR);
	sbuf_release(&live);
}

void test_apply__parallel_conflict_is_retried_without_touching_others(void)
{
	struct sbuf replies = SBUF_INIT, yaml = SBUF_INIT, expect = SBUF_INIT, fresh = SBUF_INIT;
	live_service(&fresh, 3);
	char *v = strstr(fresh.buf, "\"Index\":5");
	CHECK(v != NULL);
	v[8] = '9';
	sb_puts(&replies, PING);
	for (int i = 1; i <= NPAR; i++) {
		if (i == 3)
			sb_printf(&replies, "<<< 500 POST /v1.41/services/w3/update?version=5\n\n"
					    "{\"message\":\"rpc error: code = Unknown desc = update out of sequence\"}\n"
					    "<<< 200 GET /v1.41/services/w3\n\n%s\n"
					    "<<< 200 POST /v1.41/services/w3/update?version=9\n\n{\"Warnings\":[\"w3 warned\"]}\n",
				  fresh.buf);
		else
			sb_printf(&replies, "<<< 200 POST /v1.41/services/w%d/update?version=5\n\n{\"Warnings\":null}\n", i);
		sb_printf(&expect, "Updating service st_s%d (id: w%d)\n", i, i);
	}
	struct fixture f;
	updates_fixture(&f, replies.buf, &yaml);
	struct apply_changed ch;
	struct sbuf err = SBUF_INIT;
	if (fx_apply(&f, &ch, &err))
		test_fail(__FILE__, __LINE__, "apply: %s", err.buf);
	CHECK_STR_EQ(f.out, expect.buf);
	char *rec = recorded(&f);
	for (int i = 1; i <= NPAR; i++) {
		char path[64];
		snprintf(path, sizeof(path), "POST /v1.41/services/w%d/update?version=5\n", i);
		CHECK_INT_EQ(count_of(rec, path), 1);
	}
	CHECK_INT_EQ(count_of(rec, "GET /v1.41/services/w3\n"), 1);
	CHECK_INT_EQ(count_of(rec, "POST /v1.41/services/w3/update?version=9\n"), 1);
	CHECK_INT_EQ(count_of(rec, "POST "), NPAR + 1);
	CHECK_INT_EQ(ch.n, NPAR);
	CHECK_STR_EQ(ch.ids[2], "w3");
	for (size_t i = 0; i < f.plan.n; i++)
		CHECK_INT_EQ(f.plan.items[i].applied, f.plan.items[i].kind == KIND_SERVICE);
	free(rec);
	apply_changed_release(&ch);
	sbuf_release(&err);
	sbuf_release(&replies);
	sbuf_release(&yaml);
	sbuf_release(&expect);
	sbuf_release(&fresh);
	fx_release(&f);
}

void test_apply__parallel_error_stops_new_writes_and_duplicates_none(void)
{
	struct sbuf replies = SBUF_INIT, yaml = SBUF_INIT;
	sb_puts(&replies, PING);
	for (int i = 1; i <= NPAR; i++)
		if (i == 2)
			sb_puts(&replies, "<<< 400 POST /v1.41/services/w2/update?version=5\n\n"
					  "{\"message\":\"rpc error: code = InvalidArgument desc = bad\"}\n");
		else
			sb_printf(&replies, "<<< 200 POST /v1.41/services/w%d/update?version=5\n\n{\"Warnings\":null}\n", i);
	struct fixture f;
	updates_fixture(&f, replies.buf, &yaml);
	struct apply_changed ch;
	struct sbuf err = SBUF_INIT;
	CHECK_INT_EQ(fx_apply(&f, &ch, &err), -1);
	CHECK_STR_EQ(err.buf, "failed to update service st_s2: Error response from daemon: rpc error: code = "
			      "InvalidArgument desc = bad");
	char *rec = recorded(&f);
	size_t sent = count_of(rec, "POST ");
	/* s1 and s2 were sent; those taken before s2's failure was seen finished; none twice */
	CHECK(sent >= 2 && sent <= NPAR);
	size_t applied = 0;
	for (int i = 1; i <= NPAR; i++) {
		char path[64];
		snprintf(path, sizeof(path), "POST /v1.41/services/w%d/update", i);
		CHECK(count_of(rec, path) <= 1);
		char name[16];
		snprintf(name, sizeof(name), "st_s%d", i);
		for (size_t k = 0; k < f.plan.n; k++)
			if (!strcmp(f.plan.items[k].name, name)) {
				applied += f.plan.items[k].applied;
				CHECK_INT_EQ(f.plan.items[k].applied, i != 2 && count_of(rec, path) == 1);
			}
	}
	CHECK_INT_EQ(applied, sent - 1);
	CHECK_INT_EQ(ch.n, sent - 1);
	free(rec);
	apply_changed_release(&ch);
	sbuf_release(&err);
	sbuf_release(&replies);
	sbuf_release(&yaml);
	fx_release(&f);
}

/* A SIGINT once stop() was asked three times (it is asked under the applier's lock). */
static int stop_on_third_ask(void *fixture)
{
	static int asked;
	if (!fixture)
		return asked = 0;
	return ++asked >= 3;
}

void test_apply__parallel_interrupt_sends_no_new_writes(void)
{
	struct sbuf replies = SBUF_INIT, yaml = SBUF_INIT;
	sb_puts(&replies, PING);
	for (int i = 1; i <= NPAR; i++)
		sb_printf(&replies, "<<< 200 POST /v1.41/services/w%d/update?version=5\n\n{\"Warnings\":null}\n", i);
	struct fixture f;
	updates_fixture(&f, replies.buf, &yaml);
	stop_on_third_ask(NULL);
	f.stop = stop_on_third_ask;
	struct apply_changed ch;
	struct sbuf err = SBUF_INIT;
	CHECK_INT_EQ(fx_apply(&f, &ch, &err), APPLY_INTERRUPTED);
	char *rec = recorded(&f);
	size_t sent = count_of(rec, "POST "), applied = 0;
	/* every write is asked for twice (taking the item, sending it): at most one got through */
	CHECK(sent <= 1);
	for (size_t k = 0; k < f.plan.n; k++)
		applied += f.plan.items[k].applied;
	CHECK_INT_EQ(applied, sent);
	CHECK_INT_EQ(ch.n, sent);
	free(rec);
	apply_changed_release(&ch);
	sbuf_release(&err);
	sbuf_release(&replies);
	sbuf_release(&yaml);
	fx_release(&f);
}

/* ---- reads stay O(1) in the number of services ---- */

static size_t count_lines_starting(const char *rec, const char *prefix)
{
	size_t n = 0;
	for (const char *p = rec; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		n += !strncmp(p, prefix, strlen(prefix));
	return n;
}

#define NREAD 50

void test_apply__reads_for_50_services_are_a_fixed_number(void)
{
	char path[] = "/tmp/stackc-apply-secret-XXXXXX";
	secret_file(path, "pw");
	struct sbuf yaml = SBUF_INIT, replies = SBUF_INIT, svcs = SBUF_INIT;
	sb_puts(&yaml, "services:\n");
	for (int i = 1; i <= NREAD; i++) {
		sb_printf(&yaml, "  s%d: {image: busybox, secrets: [pw], configs: [app], deploy: {replicas: 0}}\n", i);
		sb_printf(&svcs, "%s{\"ID\":\"id%d\",\"Spec\":{\"Mode\":{\"Replicated\":{\"Replicas\":0}}}}", i > 1 ? "," : "", i);
	}
	sb_printf(&yaml, "secrets:\n  pw: {file: %s}\nconfigs:\n  app: {file: %s}\n", path, path);
	/* live_read with --prune: info, services, networks, secrets and configs by name and by label */
	sb_puts(&replies, PING "<<< 200\n\n{\"Swarm\":{\"ControlAvailable\":true}}\n");
	for (int i = 0; i < 6; i++)
		sb_puts(&replies, "<<< 200\n\n[]\n");
	/* one round of the wait: the services and all their tasks */
	sb_printf(&replies, "<<< 200\n\n[%s]\n<<< 200\n\n[]\n", svcs.buf);
	struct fixture f = { 0 };
	fx_engine(&f, replies.buf);
	struct node *root = test_load(yaml.buf);
	if (convert_stack(&f.spec, test_run(), root, "st"))
		test_fail(__FILE__, __LINE__, "convert: %s", test_diags());
	struct plan_opts o = { .prune = 1, .resolve = RESOLVE_NEVER };
	struct sbuf err = SBUF_INIT;
	if (live_read(&f.live, f.e, &f.spec, &o, &err))
		test_fail(__FILE__, __LINE__, "live_read: %s", err.buf);
	if (plan_compute(&f.plan, test_run(), &f.spec, &f.live, &o))
		test_fail(__FILE__, __LINE__, "plan: %s", test_diags());
	CHECK_INT_EQ(f.plan.count[PLAN_CREATE], NREAD + 3);
	char *rec = recorded(&f);
	CHECK_INT_EQ(count_lines_starting(rec, "GET "), 1 + 7);
	CHECK_INT_EQ(count_lines_starting(rec, "GET /v1.41/services"), 1);
	free(rec);
	/* the wait: one services list and one task list per round for all 50 */
	char *ids[NREAD];
	const char *names[NREAD];
	for (int i = 0; i < NREAD; i++) {
		ids[i] = xstrfmt("id%d", i + 1);
		names[i] = f.plan.items[0].name;
	}
	struct wait_opts w = { 10000, 1, 0, stdout, 100, NULL, NULL };
	CHECK_INT_EQ(wait_services(f.e, ids, names, NREAD, &w, &err), 0);
	rec = recorded(&f);
	CHECK_INT_EQ(count_lines_starting(rec, "GET "), 1 + 7 + 2);
	CHECK_INT_EQ(count_lines_starting(rec, "GET /v1.41/tasks"), 1);
	for (int i = 0; i < NREAD; i++)
		free(ids[i]);
	free(rec);
	sbuf_release(&err);
	sbuf_release(&yaml);
	sbuf_release(&replies);
	sbuf_release(&svcs);
	fx_release(&f);
	unlink(path);
}
