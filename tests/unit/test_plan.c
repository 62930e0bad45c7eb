/*
 * plan: live state as the daemon returns it (captured replies of a docker
 * stack deploy, and hand-made ones) against converted specs.
 */
#include "base/node.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "swarm/convert.h"
#include "swarm/fingerprint.h"
#include "swarm/plan.h"
#include "swarm/preflight.h"
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

static const struct plan_opts never = { .resolve = RESOLVE_NEVER };

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

void test_plan__changed_config_content_is_a_new_generation(void)
{
	struct live_state live;
	if (!demo_live(&live))
		return;
	json_object_set_new(json_object_get(json_array_get(live.configs, 0), "Spec"), "Data", json_string("b2xkCg=="));
	struct stack_spec s;
	convert_yaml(&s, demo_yaml, "demo");
	struct plan p;
	CHECK_INT_EQ(plan_compute(&p, test_run(), &s, &live, &never), 0);
	char *t = text_of(&p);
	CHECK_STR_EQ(t, "~ config demo_app_conf: rotated (content changed)\n"
			"  new generation 2: demo_app_conf-v2\n"
			"  services: demo_web\n"
			"~ service demo_web\n"
			"  TaskTemplate.ContainerSpec.Configs[0].ConfigID: \"ekvrn8fzcbcb6zx1y4e7nn5zr\" -> \"(known after apply)\"\n"
			"  TaskTemplate.ContainerSpec.Configs[0].ConfigName: \"demo_app_conf\" -> \"demo_app_conf-v2\"\n"
			"Plan: 0 to create, 2 to update, 0 to remove, 3 unchanged.\n");
	CHECK(!strstr(t, "b2xkCg"));
	free(t);
	for (size_t i = 0; i < p.n; i++)
		if (!strcmp(p.items[i].name, "demo_web")) {
			/* the same path in the container, the new generation's name, its ID bound at apply */
			json_t *ref = json_array_get(json_object_get(json_object_get(json_object_get(p.items[i].body,
				"TaskTemplate"), "ContainerSpec"), "Configs"), 0);
			CHECK_STR_EQ(json_string_value(json_object_get(ref, "ConfigName")), "demo_app_conf-v2");
			CHECK_STR_EQ(json_string_value(json_object_get(json_object_get(ref, "File"), "Name")), "/etc/app.conf");
			CHECK(!json_object_get(ref, "ConfigID"));
		}
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

static char *temp_file(const char *content)
{
	char path[] = "/tmp/stackc-plan-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK(write(fd, content, strlen(content)) == (ssize_t)strlen(content));
	close(fd);
	return xstrdup(path);
}

static const struct plan_item *item(const struct plan *p, enum stack_kind kind, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->items[i].kind == kind && !strcmp(p->items[i].name, name))
			return &p->items[i];
	test_fail(__FILE__, __LINE__, "no %s %s in the plan", stack_kind_name(kind), name);
}

static const char *label_of(const json_t *spec, const char *key)
{
	return json_string_value(json_object_get(json_object_get(spec, "Labels"), key));
}

void test_plan__new_secret_fingerprint_and_missing_external(void)
{
	char *path = temp_file("v1");
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
	/* a new secret carries its fingerprint; its data is in the body only */
	const struct plan_item *it = item(&p, KIND_SECRET, "st_pw");
	CHECK_INT_EQ(it->action, PLAN_CREATE);
	const char *fp = label_of(it->body, LABEL_FINGERPRINT);
	CHECK(fp && !strncmp(fp, "scrypt:", 7));
	CHECK_INT_EQ(fingerprint_matches(fp, "djE="), 1);
	/* generation 1 has docker's name and no generation labels */
	CHECK(!label_of(it->body, LABEL_GENERATION));
	char *t = text_of(&p);
	CHECK(!strstr(t, "djE="));
	free(t);
	plan_release(&p);
	unlink(path);
	free(path);
	free(yaml);
	convert_release(&s);
	live_release(&live);
}

/* A live secret of stack st: name, ID, labels (JSON members after the namespace, or ""). */
static json_t *live_secret(const char *id, const char *name, const char *labels)
{
	char *j = xstrfmt("{\"ID\":\"%s\",\"Version\":{\"Index\":3},\"Spec\":{\"Name\":\"%s\",\"Labels\":"
			  "{\"com.docker.stack.namespace\":\"st\"%s}}}",
			  id, name, labels);
	json_t *v = json_loads(j, 0, NULL);
	CHECK(v != NULL);
	free(j);
	return v;
}

/* Labels of a generation holding data_b64 (gen > 1: with the generation labels of st_pw). */
static char *gen_labels(const char *data_b64, int gen)
{
	char *fp = fingerprint_new(KIND_SECRET, data_b64);
	char *l = gen > 1 ? xstrfmt(",\"" LABEL_FINGERPRINT "\":\"%s\",\"" LABEL_GENERATION "\":\"%d\","
				      "\"" LABEL_GENERATION_OF "\":\"st_pw\"",
				      fp, gen)
			  : xstrfmt(",\"" LABEL_FINGERPRINT "\":\"%s\"", fp);
	free(fp);
	return l;
}

struct secret_case {
	char *path, *yaml;
	struct stack_spec s;
	struct live_state live;
	struct plan p;
	char *text;
};

/* Service a uses secret pw whose file holds "v1" (djE=); live secrets (and services, or NULL) as given. */
static int secret_case_with(struct secret_case *c, const struct plan_opts *o, json_t *secrets, json_t *services)
{
	memset(c, 0, sizeof(*c));
	c->path = temp_file("v1");
	c->yaml = xstrfmt("services:\n  a: {image: busybox, secrets: [pw]}\nsecrets:\n  pw: {file: %s}\n", c->path);
	convert_yaml(&c->s, c->yaml, "st");
	empty_live(&c->live);
	json_decref(c->live.secrets);
	c->live.secrets = secrets;
	if (services) {
		json_decref(c->live.services);
		c->live.services = services;
	}
	int rc = plan_compute(&c->p, test_run(), &c->s, &c->live, o);
	c->text = text_of(&c->p);
	return rc;
}

static int secret_case(struct secret_case *c, const struct plan_opts *o, json_t *secrets)
{
	return secret_case_with(c, o, secrets, NULL);
}

static void secret_case_release(struct secret_case *c)
{
	plan_release(&c->p);
	convert_release(&c->s);
	live_release(&c->live);
	unlink(c->path);
	free(c->path);
	free(c->yaml);
	free(c->text);
}

static const char *service_secret_name(const struct plan *p)
{
	const struct plan_item *a = item(p, KIND_SERVICE, "st_a");
	json_t *ref = json_array_get(json_object_get(json_object_get(json_object_get(a->body, "TaskTemplate"),
								     "ContainerSpec"), "Secrets"), 0);
	/* the target in the container never changes */
	CHECK_STR_EQ(json_string_value(json_object_get(json_object_get(ref, "File"), "Name")), "pw");
	return json_string_value(json_object_get(ref, "SecretName"));
}

void test_plan__changed_secret_is_rotated(void)
{
	char *l = gen_labels("djA=", 1);
	json_t *secrets = json_array();
	json_array_append_new(secrets, live_secret("s1", "st_pw", l));
	struct secret_case c;
	CHECK_INT_EQ(secret_case(&c, &never, secrets), 0);
	CHECK_STR_EQ(c.text, "+ network st_default\n"
			     "~ secret st_pw: rotated (content changed)\n"
			     "  new generation 2: st_pw-v2\n"
			     "  services: st_a\n"
			     "+ service st_a\n"
			     "Plan: 2 to create, 1 to update, 0 to remove, 0 unchanged.\n");
	const struct plan_item *it = item(&c.p, KIND_SECRET, "st_pw");
	CHECK(it->rotate && it->generation == 2 && !it->id);
	CHECK_STR_EQ(json_string_value(json_object_get(it->body, "Name")), "st_pw-v2");
	CHECK_STR_EQ(label_of(it->body, LABEL_GENERATION), "2");
	CHECK_STR_EQ(label_of(it->body, LABEL_GENERATION_OF), "st_pw");
	CHECK_INT_EQ(fingerprint_matches(label_of(it->body, LABEL_FINGERPRINT), "djE="), 1);
	CHECK_STR_EQ(service_secret_name(&c.p), "st_pw-v2");
	/* JSON: the rotation, its services, never the content */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	plan_print_json(&c.p, f);
	fclose(f);
	CHECK(!strstr(buf, "djE="));
	json_t *j = json_loads(buf, 0, NULL);
	json_t *rot = json_object_get(json_array_get(json_object_get(j, "changes"), 1), "rotation");
	CHECK_STR_EQ(json_string_value(json_object_get(rot, "name")), "st_pw-v2");
	CHECK_STR_EQ(json_string_value(json_object_get(rot, "reason")), "content changed");
	CHECK_STR_EQ(json_string_value(json_array_get(json_object_get(rot, "services"), 0)), "st_a");
	json_decref(j);
	free(buf);
	secret_case_release(&c);
	free(l);
}

void test_plan__unchanged_secret_keeps_its_generation(void)
{
	/* the same content: by fingerprint, and by the label of earlier versions */
	char *fp = gen_labels("djE=", 1);
	const char *legacy = ",\"com.stackc.sha256\":\"29b6ebe42f48157e07d8089c7c2eef4cec2cff28e0b427f6aac5e5aff189d038\"";
	const char *labels[] = { fp, legacy };
	for (size_t i = 0; i < ARRAY_SIZE(labels); i++) {
		json_t *secrets = json_array();
		json_array_append_new(secrets, live_secret("s1", "st_pw", labels[i]));
		struct secret_case c;
		CHECK_INT_EQ(secret_case(&c, &never, secrets), 0);
		CHECK_STR_EQ(c.text, "+ network st_default\n+ service st_a\n"
				     "Plan: 2 to create, 0 to update, 0 to remove, 1 unchanged.\n");
		CHECK_STR_EQ(service_secret_name(&c.p), "st_pw");
		const struct plan_item *a = item(&c.p, KIND_SERVICE, "st_a");
		json_t *ref = json_array_get(json_object_get(json_object_get(json_object_get(a->body, "TaskTemplate"),
									     "ContainerSpec"), "Secrets"), 0);
		CHECK_STR_EQ(json_string_value(json_object_get(ref, "SecretID")), "s1");
		secret_case_release(&c);
	}
	free(fp);
}

void test_plan__docker_secret_is_unknown_until_rotate_secrets(void)
{
	json_t *secrets = json_array();
	json_array_append_new(secrets, live_secret("s1", "st_pw", ""));
	struct secret_case c;
	struct run *run = test_run();
	size_t warnings = run->diag.nwarnings;
	CHECK_INT_EQ(secret_case(&c, &never, json_incref(secrets)), 0);
	CHECK_INT_EQ(run->diag.nwarnings, warnings + 1);
	CHECK(strstr(test_diags(), "secret st_pw has no content fingerprint"));
	CHECK_INT_EQ(c.p.count[PLAN_UPDATE], 0);
	CHECK_STR_EQ(service_secret_name(&c.p), "st_pw");
	secret_case_release(&c);
	struct plan_opts rotate = never;
	rotate.rotate_secrets = 1;
	CHECK_INT_EQ(secret_case(&c, &rotate, secrets), 0);
	CHECK(strstr(c.text, "~ secret st_pw: rotated (content unknown, --rotate-secrets)\n"));
	CHECK_STR_EQ(service_secret_name(&c.p), "st_pw-v2");
	secret_case_release(&c);
}

void test_plan__old_content_uses_its_generation_again(void)
{
	/* generation 1 holds "v1" again, generation 2 (current) "v0" */
	char *l1 = gen_labels("djE=", 1), *l2 = gen_labels("djA=", 2);
	json_t *secrets = json_array();
	json_array_append_new(secrets, live_secret("s1", "st_pw", l1));
	json_array_append_new(secrets, live_secret("s2", "st_pw-v2", l2));
	struct secret_case c;
	CHECK_INT_EQ(secret_case(&c, &never, secrets), 0);
	CHECK_STR_EQ(c.text, "+ network st_default\n+ service st_a\n"
			     "Plan: 2 to create, 0 to update, 0 to remove, 1 unchanged.\n");
	CHECK_STR_EQ(service_secret_name(&c.p), "st_pw");
	secret_case_release(&c);
	free(l1);
	free(l2);
}

void test_plan__superseded_generations_are_removed_after_convergence(void)
{
	char *l1 = gen_labels("djA=", 1), *l2 = gen_labels("dkI=", 2), *l3 = gen_labels("dkM=", 3);
	json_t *secrets = json_array();
	json_array_append_new(secrets, live_secret("s1", "st_pw", l1));
	json_array_append_new(secrets, live_secret("s2", "st_pw-v2", l2));
	json_array_append_new(secrets, live_secret("s3", "st_pw-v3", l3));
	/* not a generation: another stack's, and one of this stack without the labels */
	json_array_append_new(secrets, json_loads("{\"ID\":\"x\",\"Spec\":{\"Name\":\"st_pw-v9\"}}", 0, NULL));
	struct secret_case c;
	CHECK_INT_EQ(secret_case(&c, &never, json_incref(secrets)), 0);
	CHECK_STR_EQ(c.text, "+ network st_default\n"
			     "~ secret st_pw: rotated (content changed)\n"
			     "  new generation 4: st_pw-v4\n"
			     "  services: st_a\n"
			     "+ service st_a\n"
			     "- secret st_pw-v2: superseded generation, removed once the services have converged\n"
			     "- secret st_pw: superseded generation, removed once the services have converged\n"
			     "Plan: 2 to create, 1 to update, 2 to remove, 0 unchanged.\n");
	CHECK(item(&c.p, KIND_SECRET, "st_pw-v2")->after_converge);
	for (size_t i = 0; i < c.p.n; i++)
		if (c.p.items[i].action == PLAN_REMOVE && !strcmp(c.p.items[i].name, "st_pw"))
			CHECK_STR_EQ(c.p.items[i].id, "s1");
	secret_case_release(&c);
	/* keep 3: only the oldest goes */
	struct plan_opts keep3 = never;
	keep3.keep_generations = 3;
	CHECK_INT_EQ(secret_case(&c, &keep3, json_incref(secrets)), 0);
	CHECK(strstr(c.text, "- secret st_pw: superseded"));
	CHECK(!strstr(c.text, "- secret st_pw-v2"));
	secret_case_release(&c);
	/* a live service of the stack the files no longer define keeps what it uses */
	json_t *services = json_loads("[{\"ID\":\"o1\",\"Spec\":{\"Name\":\"st_old\",\"Labels\":"
				      "{\"com.docker.stack.namespace\":\"st\"},\"TaskTemplate\":{\"ContainerSpec\":"
				      "{\"Secrets\":[{\"SecretName\":\"st_pw-v2\",\"SecretID\":\"s2\"}]}}}}]",
				      0, NULL);
	CHECK(services != NULL);
	CHECK_INT_EQ(secret_case_with(&c, &never, json_incref(secrets), services), 0);
	CHECK(strstr(c.text, "- secret st_pw: superseded"));
	CHECK(!strstr(c.text, "- secret st_pw-v2"));
	secret_case_release(&c);
	json_decref(secrets);
	free(l1);
	free(l2);
	free(l3);
}

void test_plan__prune_every_kind(void)
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
	json_array_append_new(live.networks,
			      json_loads("{\"Id\":\"n1\",\"Name\":\"st_old\",\"Scope\":\"swarm\","
					 "\"Labels\":{\"com.docker.stack.namespace\":\"st\"}}", 0, NULL));
	json_array_append_new(live.networks, json_loads("{\"Id\":\"n2\",\"Name\":\"ingress\",\"Scope\":\"swarm\"}", 0, NULL));
	json_array_append_new(live.secrets, live_secret("s1", "st_gone", ""));
	json_array_append_new(live.secrets, json_loads("{\"ID\":\"s9\",\"Spec\":{\"Name\":\"other_pw\","
						       "\"Labels\":{\"com.docker.stack.namespace\":\"other\"}}}", 0, NULL));
	json_array_append_new(live.configs, json_loads("{\"ID\":\"c1\",\"Spec\":{\"Name\":\"st_conf-v2\",\"Labels\":"
						       "{\"com.docker.stack.namespace\":\"st\",\"" LABEL_GENERATION "\":\"2\","
						       "\"" LABEL_GENERATION_OF "\":\"st_conf\"}}}", 0, NULL));
	struct stack_spec s;
	convert_yaml(&s, "services:\n  web: {image: busybox}\n", "st");
	struct plan_opts prune = never;
	prune.prune = 1;
	struct plan p;
	CHECK_INT_EQ(plan_compute(&p, test_run(), &s, &live, &prune), 0);
	char *t = text_of(&p);
	CHECK_STR_EQ(t, "+ network st_default\n"
			"+ service st_web\n"
			"- service st_old\n"
			"- network st_old\n"
			"- secret st_gone\n"
			"- config st_conf-v2\n"
			"Plan: 2 to create, 0 to update, 4 to remove, 0 unchanged.\n");
	CHECK(!item(&p, KIND_CONFIG, "st_conf-v2")->after_converge);
	free(t);
	plan_release(&p);
	/* without --prune nothing is removed */
	CHECK_INT_EQ(plan_compute(&p, test_run(), &s, &live, &never), 0);
	CHECK_INT_EQ(p.count[PLAN_REMOVE], 0);
	plan_release(&p);
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

/* ---- preflight (preflight.h) ---- */

static const char preflight_node[] =
	"{\"ID\":\"n1\",\"Spec\":{\"Role\":\"manager\",\"Labels\":{\"zone\":\"EU\"}},"
	"\"Description\":{\"Hostname\":\"lab1\",\"Platform\":{\"OS\":\"linux\",\"Architecture\":\"x86_64\"},"
	"\"Engine\":{\"Labels\":{\"disk\":\"ssd\"}}}}";

void test_plan__preflight_constraints_read_as_swarmkit(void)
{
	json_t *node = json_loads(preflight_node, 0, NULL);
	CHECK(node != NULL);
	CHECK_INT_EQ(preflight_constraint_matches(node, "node.role==manager"), 1);
	CHECK_INT_EQ(preflight_constraint_matches(node, "node.role == worker"), 0);
	CHECK_INT_EQ(preflight_constraint_matches(node, "node.role!=worker"), 1);
	CHECK_INT_EQ(preflight_constraint_matches(node, "Node.Hostname==LAB1"), 1);
	CHECK_INT_EQ(preflight_constraint_matches(node, "node.labels.zone==eu"), 1);
	CHECK_INT_EQ(preflight_constraint_matches(node, "node.labels.rack==1"), 0);
	CHECK_INT_EQ(preflight_constraint_matches(node, "node.labels.rack!=1"), 1);
	CHECK_INT_EQ(preflight_constraint_matches(node, "engine.labels.disk==ssd"), 1);
	CHECK_INT_EQ(preflight_constraint_matches(node, "node.platform.arch==aarch64"), 0);
	CHECK_INT_EQ(preflight_constraint_matches(node, "node.platform.os==linux"), 1);
	CHECK_INT_EQ(preflight_constraint_matches(node, "node.ip==10.0.0.1"), -1);
	CHECK_INT_EQ(preflight_constraint_matches(node, "nonsense"), -1);
	json_decref(node);
}

void test_plan__preflight_refuses_taken_ports_and_unmet_constraints(void)
{
	struct stack_spec s;
	convert_yaml(&s,
		     "services:\n"
		     "  web: {image: busybox, ports: [{target: 80, published: 8080}, {target: 90, published: 9090, protocol: udp}]}\n"
		     "  db: {image: busybox, deploy: {placement: {constraints: [node.role==manager, node.labels.zone==us]}}}\n"
		     "  ok: {image: busybox, deploy: {placement: {constraints: [node.labels.zone==eu, node.ip==1.2.3.4]}}}\n",
		     "st");
	struct live_state live;
	empty_live(&live);
	/* 8080/tcp is another stack's; 9090 is published by this stack's own service, and as tcp elsewhere */
	live.others = json_loads("[{\"Spec\":{\"Name\":\"other_web\",\"Labels\":{\"com.docker.stack.namespace\":\"other\"}},"
				 "\"Endpoint\":{\"Ports\":[{\"Protocol\":\"tcp\",\"PublishedPort\":8080,\"PublishMode\":\"ingress\"},"
				 "{\"Protocol\":\"tcp\",\"PublishedPort\":9090,\"PublishMode\":\"ingress\"}]}},"
				 "{\"Spec\":{\"Name\":\"st_web\",\"Labels\":{\"com.docker.stack.namespace\":\"st\"},"
				 "\"EndpointSpec\":{\"Ports\":[{\"Protocol\":\"udp\",\"PublishedPort\":9090}]}}}]",
				 0, NULL);
	char *nodes = xstrfmt("[%s]", preflight_node);
	live.nodes = json_loads(nodes, 0, NULL);
	CHECK(live.others && live.nodes);
	struct plan p;
	CHECK_INT_EQ(plan_compute(&p, test_run(), &s, &live, &never), -1);
	const char *d = test_diags();
	CHECK(strstr(d, "service web: published port 8080/tcp is already used by service other_web, outside stack st"));
	CHECK(!strstr(d, "9090"));
	CHECK(strstr(d, "service db: no node of the swarm (1) satisfies the placement constraint node.labels.zone==us"));
	CHECK(!strstr(d, "service ok"));
	plan_release(&p);
	free(nodes);
	convert_release(&s);
	live_release(&live);
}

void test_plan__services_no_longer_in_the_files_are_noted_without_prune(void)
{
	struct stack_spec s;
	convert_yaml(&s, "services:\n  web: {image: busybox}\n", "st");
	struct live_state live;
	empty_live(&live);
	json_array_append_new(live.services,
			      json_loads("{\"ID\":\"o1\",\"Version\":{\"Index\":3},\"Spec\":{\"Name\":\"st_old\","
					 "\"Labels\":{\"com.docker.stack.namespace\":\"st\"}}}",
					 0, NULL));
	struct plan p;
	CHECK_INT_EQ(plan_compute(&p, test_run(), &s, &live, &never), 0);
	CHECK(strstr(test_diags(), "service st_old of stack st is no longer defined in the files: it is kept (--prune removes it)"));
	CHECK_INT_EQ(p.count[PLAN_REMOVE], 0);
	plan_release(&p);
	convert_release(&s);
	live_release(&live);
}
