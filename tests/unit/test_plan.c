/*
 * plan: live state as the daemon returns it (captured replies of a docker
 * stack deploy, and hand-made ones) against converted specs.
 */
#include "base/node.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "swarm/convert.h"
#include "swarm/plan.h"
#include "swarm/regauth.h"
#include "tests/unit/harness.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEMO "../shared/reference/engine-api/demo"

/* The demo stack in its normalized form, files from the capture's input. */
static const char demo_yaml[] =
	"version: \"3.8\"\n"
	"services:\n"
	"  agent:\n"
	"    command: [sleep, \"1000000\"]\n"
	"    deploy: {mode: global}\n"
	"    image: localbox:1\n"
	"    networks: {backend: null}\n"
	"  web:\n"
	"    command: [sh, -c, sleep 1000000]\n"
	"    configs: [{source: app_conf, target: /etc/app.conf}]\n"
	"    deploy:\n"
	"      replicas: 2\n"
	"      update_config: {parallelism: 1, delay: 10s, failure_action: rollback, monitor: 5s, order: start-first}\n"
	"      resources:\n"
	"        limits: {cpus: \"0.50\", memory: \"67108864\"}\n"
	"        reservations: {cpus: \"0.25\", memory: \"33554432\"}\n"
	"      placement:\n"
	"        constraints: [node.role == manager]\n"
	"        preferences: [{spread: node.id}]\n"
	"    environment: {APP_MODE: production}\n"
	"    image: localbox:1\n"
	"    networks: {backend: null}\n"
	"    ports: [{mode: ingress, target: 80, published: 8080, protocol: tcp}]\n"
	"    secrets: [{source: db_password}]\n"
	"networks:\n"
	"  backend: {driver: overlay, attachable: true}\n"
	"secrets:\n"
	"  db_password: {file: " DEMO "/input/db_password.txt}\n"
	"configs:\n"
	"  app_conf: {file: " DEMO "/input/app.conf}\n";

/* The reply body of the first request of a capture whose path starts with prefix. */
static json_t *captured_reply(json_t *seq, const char *prefix)
{
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(seq, "requests"), i, r) {
		const char *path = json_string_value(json_object_get(r, "path"));
		if (path && !strncmp(path, prefix, strlen(prefix)) && !strcmp(json_string_value(json_object_get(r, "method")), "GET"))
			return json_incref(json_object_get(r, "response_body"));
	}
	test_fail(__FILE__, __LINE__, "no reply for %s", prefix);
}

/* Live state after `docker stack deploy` of demo; 0 when the capture is absent. */
static int demo_live(struct live_state *live)
{
	if (access(DEMO "/stack-deploy-2-redeploy-unchanged/00-sequence.json", R_OK)) {
		printf("  skipped: " DEMO " is absent\n");
		return 0;
	}
	json_t *seq = json_load_file(DEMO "/stack-deploy-2-redeploy-unchanged/00-sequence.json", 0, NULL);
	CHECK(seq != NULL);
	memset(live, 0, sizeof(*live));
	live->networks = captured_reply(seq, "/v1.41/networks");
	live->services = captured_reply(seq, "/v1.41/services");
	/* the list replies (8, 9) come after the by-name ones (4, 6) */
	json_t *s = captured_reply(seq, "/v1.41/secrets/");
	live->secrets = json_array();
	json_array_append_new(live->secrets, s);
	json_t *c = captured_reply(seq, "/v1.41/configs/");
	live->configs = json_array();
	json_array_append_new(live->configs, c);
	live->digests = json_object();
	json_decref(seq);
	return 1;
}

static void convert_yaml(struct stack_spec *s, const char *yaml, const char *stack)
{
	struct node *root = test_load(yaml);
	if (convert_stack(s, test_run(), root, stack))
		test_fail(__FILE__, __LINE__, "convert failed: %s", test_diags());
}

static char *text_of(const struct plan *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	plan_print_text(p, f);
	fclose(f);
	return buf;
}

static json_t *live_service(struct live_state *live, const char *name)
{
	size_t i;
	json_t *v;
	json_array_foreach(live->services, i, v)
		if (!strcmp(json_string_value(json_object_get(json_object_get(v, "Spec"), "Name")), name))
			return v;
	test_fail(__FILE__, __LINE__, "no live service %s", name);
}

static const struct plan_opts never = { 0, RESOLVE_NEVER, 0 };

void test_plan__docker_deployed_stack_is_unchanged(void)
{
	struct live_state live;
	if (!demo_live(&live))
		return;
	struct stack_spec s;
	convert_yaml(&s, demo_yaml, "demo");
	struct plan p;
	if (plan_compute(&p, test_run(), &s, &live, &never))
		test_fail(__FILE__, __LINE__, "plan failed: %s", test_diags());
	char *t = text_of(&p);
	CHECK_STR_EQ(t, "Plan: 0 to create, 0 to update, 0 to remove, 5 unchanged.\n");
	CHECK(!plan_has_changes(&p));
	free(t);
	plan_release(&p);
	convert_release(&s);
	live_release(&live);
}

void test_plan__one_env_change_is_one_update(void)
{
	struct live_state live;
	if (!demo_live(&live))
		return;
	json_t *env = json_object_get(json_object_get(json_object_get(json_object_get(live_service(&live, "demo_web"), "Spec"),
									"TaskTemplate"), "ContainerSpec"), "Env");
	json_array_set_new(env, 0, json_string("APP_MODE=staging"));
	struct stack_spec s;
	convert_yaml(&s, demo_yaml, "demo");
	struct plan p;
	CHECK_INT_EQ(plan_compute(&p, test_run(), &s, &live, &never), 0);
	char *t = text_of(&p);
	CHECK_STR_EQ(t, "~ service demo_web\n"
			"  TaskTemplate.ContainerSpec.Env[0]: \"APP_MODE=staging\" -> \"APP_MODE=production\"\n"
			"Plan: 0 to create, 1 to update, 0 to remove, 4 unchanged.\n");
	free(t);
	/* the update keeps the live version index and sends the live ForceUpdate */
	for (size_t i = 0; i < p.n; i++)
		if (p.items[i].action == PLAN_UPDATE) {
			CHECK_STR_EQ(p.items[i].id, "0262hfssp19vddn7snvt3qgr3");
			CHECK_INT_EQ(p.items[i].version, 234);
			json_t *refs = json_object_get(json_object_get(json_object_get(p.items[i].body, "TaskTemplate"),
								       "ContainerSpec"), "Secrets");
			CHECK_STR_EQ(json_string_value(json_object_get(json_array_get(refs, 0), "SecretID")),
				     "zttnp3dvwr1x7vujcp06y60hx");
		}
	plan_release(&p);
	convert_release(&s);
	live_release(&live);
}

void test_plan__changed_config_content_stops_the_deploy(void)
{
	struct live_state live;
	if (!demo_live(&live))
		return;
	json_object_set_new(json_object_get(json_array_get(live.configs, 0), "Spec"), "Data", json_string("b2xkCg=="));
	struct stack_spec s;
	convert_yaml(&s, demo_yaml, "demo");
	struct plan p;
	CHECK_INT_EQ(plan_compute(&p, test_run(), &s, &live, &never), -1);
	CHECK(strstr(test_diags(), "config demo_app_conf: its content changed, but configs cannot be updated"));
	char *t = text_of(&p);
	CHECK(strstr(t, "  data changed\n"));
	CHECK(!strstr(t, "b2xkCg"));
	free(t);
	plan_release(&p);
	convert_release(&s);
	live_release(&live);
}

void test_plan__pinned_digest_and_force_update_are_kept(void)
{
	struct live_state live;
	if (!demo_live(&live))
		return;
	json_t *tt = json_object_get(json_object_get(live_service(&live, "demo_agent"), "Spec"), "TaskTemplate");
	json_object_set_new(json_object_get(tt, "ContainerSpec"), "Image", json_string("localbox:1@sha256:0123"));
	json_object_set_new(tt, "ForceUpdate", json_integer(3));
	struct stack_spec s;
	convert_yaml(&s, demo_yaml, "demo");
	struct plan p;
	CHECK_INT_EQ(plan_compute(&p, test_run(), &s, &live, &never), 0);
	CHECK_INT_EQ(p.count[PLAN_UPDATE], 0);
	for (size_t i = 0; i < p.n; i++)
		if (!strcmp(p.items[i].name, "demo_agent")) {
			json_t *btt = json_object_get(p.items[i].body, "TaskTemplate");
			CHECK_STR_EQ(json_string_value(json_object_get(json_object_get(btt, "ContainerSpec"), "Image")),
				     "localbox:1@sha256:0123");
			CHECK_INT_EQ(json_integer_value(json_object_get(btt, "ForceUpdate")), 3);
		}
	plan_release(&p);
	convert_release(&s);
	live_release(&live);
}

static void empty_live(struct live_state *live)
{
	memset(live, 0, sizeof(*live));
	live->services = json_array();
	live->networks = json_array();
	live->secrets = json_array();
	live->configs = json_array();
	live->digests = json_object();
}

void test_plan__fresh_stack_and_prune(void)
{
	struct live_state live;
	empty_live(&live);
	/* a service of this stack the files no longer define, one of another stack */
	json_array_append_new(live.services,
			      json_loads("{\"ID\":\"old1\",\"Version\":{\"Index\":7},\"Spec\":{\"Name\":\"st_old\","
					 "\"Labels\":{\"com.docker.stack.namespace\":\"st\"}}}",
					 0, NULL));
	json_array_append_new(live.services,
			      json_loads("{\"ID\":\"x\",\"Spec\":{\"Name\":\"st2_web\",\"Labels\":{\"com.docker.stack.namespace\":\"st2\"}}}",
					 0, NULL));
	struct stack_spec s;
	convert_yaml(&s, "services:\n  web: {image: busybox, command: [sleep, \"60\"]}\n", "st");
	struct plan_opts prune = never;
	prune.prune = 1;
	struct plan p;
	CHECK_INT_EQ(plan_compute(&p, test_run(), &s, &live, &prune), 0);
	char *t = text_of(&p);
	CHECK_STR_EQ(t, "+ network st_default\n"
			"+ service st_web\n"
			"- service st_old\n"
			"Plan: 2 to create, 0 to update, 1 to remove, 0 unchanged.\n");
	free(t);
	plan_release(&p);
	/* without --prune nothing is removed */
	CHECK_INT_EQ(plan_compute(&p, test_run(), &s, &live, &never), 0);
	CHECK_INT_EQ(p.count[PLAN_REMOVE], 0);
	plan_release(&p);
	convert_release(&s);
	live_release(&live);
}

void test_plan__secret_hash_and_missing_external(void)
{
	char path[] = "/tmp/stackc-plan-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK(write(fd, "v1", 2) == 2);
	close(fd);
	char *yaml = xstrfmt("services:\n  a:\n    image: busybox\n    secrets: [{source: pw}, {source: ext}]\n"
			     "    networks: {outside: null}\n"
			     "secrets:\n  pw: {file: %s}\n  ext: {external: true, name: ext}\n"
			     "networks:\n  outside: {external: true, name: outside}\n",
			     path);
	struct stack_spec s;
	convert_yaml(&s, yaml, "st");
	struct live_state live;
	empty_live(&live);
	struct plan p;
	CHECK_INT_EQ(plan_compute(&p, test_run(), &s, &live, &never), -1);
	const char *d = test_diags();
	CHECK(strstr(d, "network \"outside\" is declared as external, but could not be found"));
	CHECK(strstr(d, "service a: secret not found: ext"));
	/* a new secret carries the content hash label; its data is in the body only */
	const json_t *body = NULL;
	for (size_t i = 0; i < p.n; i++)
		if (p.items[i].kind == KIND_SECRET)
			body = p.items[i].body;
	CHECK(body != NULL);
	const char *h = json_string_value(json_object_get(json_object_get(body, "Labels"), LABEL_SECRET_HASH));
	CHECK(h && strlen(h) == 64);
	/* sha256("st_pw\0djE="): the labels of secrets already deployed keep matching */
	CHECK_STR_EQ(h, "29b6ebe42f48157e07d8089c7c2eef4cec2cff28e0b427f6aac5e5aff189d038");
	char *hash = xstrdup(h);
	char *t = text_of(&p);
	CHECK(!strstr(t, "djE="));
	free(t);
	plan_release(&p);

	/* live secret with another hash: content changed */
	char *live_json = xstrfmt("{\"ID\":\"s1\",\"Version\":{\"Index\":3},\"Spec\":{\"Name\":\"st_pw\",\"Labels\":"
				  "{\"com.docker.stack.namespace\":\"st\",\"" LABEL_SECRET_HASH "\":\"%s\"}}}",
				  "00");
	json_array_append_new(live.secrets, json_loads(live_json, 0, NULL));
	json_array_append_new(live.secrets, json_loads("{\"ID\":\"e1\",\"Spec\":{\"Name\":\"ext\"}}", 0, NULL));
	json_array_append_new(live.networks, json_loads("{\"Id\":\"n1\",\"Name\":\"outside\",\"Scope\":\"swarm\"}", 0, NULL));
	struct run *run = test_run();
	size_t before = run->diag.nerrors;
	CHECK_INT_EQ(plan_compute(&p, run, &s, &live, &never), -1);
	CHECK_INT_EQ(run->diag.nerrors - before, 1);
	CHECK(strstr(test_diags(), "secret st_pw: its content changed"));
	plan_release(&p);
	free(live_json);

	/* the same hash: unchanged */
	json_object_set_new(json_object_get(json_object_get(json_array_get(live.secrets, 0), "Spec"), "Labels"),
			    LABEL_SECRET_HASH, json_string(hash));
	before = run->diag.nerrors;
	CHECK_INT_EQ(plan_compute(&p, run, &s, &live, &never), 0);
	CHECK_INT_EQ(run->diag.nerrors, before);
	for (size_t i = 0; i < p.n; i++)
		if (p.items[i].kind == KIND_SECRET)
			CHECK_INT_EQ(p.items[i].action, PLAN_UNCHANGED);
	plan_release(&p);
	unlink(path);
	free(hash);
	free(yaml);
	convert_release(&s);
	live_release(&live);
}

void test_plan__json_output(void)
{
	struct live_state live;
	empty_live(&live);
	struct stack_spec s;
	convert_yaml(&s, "services:\n  web: {image: busybox}\n", "st");
	struct plan p;
	CHECK_INT_EQ(plan_compute(&p, test_run(), &s, &live, &never), 0);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	plan_print_json(&p, f);
	fclose(f);
	json_t *j = json_loads(buf, 0, NULL);
	CHECK(j != NULL);
	CHECK_INT_EQ(json_integer_value(json_object_get(json_object_get(j, "summary"), "create")), 2);
	json_t *c1 = json_array_get(json_object_get(j, "changes"), 1);
	CHECK_STR_EQ(json_string_value(json_object_get(c1, "action")), "create");
	CHECK_STR_EQ(json_string_value(json_object_get(c1, "kind")), "service");
	CHECK_STR_EQ(json_string_value(json_object_get(c1, "name")), "st_web");
	json_decref(j);
	free(buf);
	plan_release(&p);
	convert_release(&s);
	live_release(&live);
}

void test_plan__registry_auth(void)
{
	char dir[] = "/tmp/stackc-auth-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char *cfg = xstrfmt("%s/config.json", dir);
	FILE *f = fopen(cfg, "w");
	CHECK(f != NULL);
	fputs("{\"auths\":{\"127.0.0.1:5999\":{\"auth\":\"dXNlcjpwYXNz\"}}}", f);
	fclose(f);
	char *old = getenv("DOCKER_CONFIG") ? xstrdup(getenv("DOCKER_CONFIG")) : NULL;
	setenv("DOCKER_CONFIG", dir, 1);
	char *a = regauth_header("127.0.0.1:5999/app:1");
	CHECK_STR_EQ(a, "eyJ1c2VybmFtZSI6InVzZXIiLCJwYXNzd29yZCI6InBhc3MiLCJzZXJ2ZXJhZGRyZXNzIjoiMTI3LjAuMC4xOjU5OTkifQ==");
	free(a);
	a = regauth_header("busybox");
	CHECK_STR_EQ(a, "e30=");
	free(a);
	if (old)
		setenv("DOCKER_CONFIG", old, 1);
	else
		unsetenv("DOCKER_CONFIG");
	free(old);
	unlink(cfg);
	rmdir(dir);
	free(cfg);
}
