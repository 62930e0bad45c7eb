/*
 * convert: the request bodies equal what docker stack deploy sent for the
 * captured stacks (../shared/reference/engine-api), plus unit conversions
 * and conversion errors.
 */
#include "compose/load.h"
#include "project/project.h"
#include "base/node.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "swarm/convert.h"
#include "tests/unit/harness.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CAPTURES "../shared/reference/engine-api"

/* Drop daemon-assigned IDs from reference bodies. */
static void strip_ids(json_t *spec)
{
	json_t *cs = json_object_get(json_object_get(spec, "TaskTemplate"), "ContainerSpec");
	static const char *const lists[] = { "Secrets", "Configs" };
	for (int k = 0; k < 2; k++) {
		size_t i;
		json_t *r;
		json_array_foreach(json_object_get(cs, lists[k]), i, r) {
			json_object_del(r, "SecretID");
			json_object_del(r, "ConfigID");
		}
	}
}

/* `docker stack config` of the capture's input: the normalized tree. */
static struct node *normalized_input(const char *dir)
{
	char *cmd = xstrfmt("cd '%s' && docker stack config -c stack.yml 2>/dev/null", dir);
	FILE *p = popen(cmd, "r");
	free(cmd);
	if (!p)
		return NULL;
	struct sbuf out = SBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		sb_put(&out, buf, n);
	int rc = pclose(p);
	struct node *root = NULL;
	if (!rc && out.len)
		root = test_load(out.buf);
	sbuf_release(&out);
	return root;
}

static const char *kind_endpoint(enum stack_kind k)
{
	static const char *const e[] = { "networks", "secrets", "configs", "services" };
	return e[k];
}

/* Compare every NN-POST-<kind>-create-<name>.json of dir with our body. */
static void compare_capture(const char *name, const char *stack, const char *deploydir)
{
	char *input = xstrfmt(CAPTURES "/%s/input", name);
	if (access(input, R_OK) || system("docker --version >/dev/null 2>&1")) {
		printf("  skipped: %s or the docker CLI is absent\n", input);
		free(input);
		return;
	}
	struct node *root = normalized_input(input);
	CHECK(root != NULL);
	struct stack_spec spec;
	CHECK_INT_EQ(convert_stack(&spec, test_run(), root, stack), 0);

	char *dir = xstrfmt(CAPTURES "/%s/%s", name, deploydir);
	DIR *d = opendir(dir);
	CHECK(d != NULL);
	struct dirent *de;
	size_t compared[DEPLOYED_KINDS] = { 0 };
	while ((de = readdir(d))) {
		for (int k = 0; k < DEPLOYED_KINDS; k++) {
			char *mid = xstrfmt("-POST-%s-create-", kind_endpoint((enum stack_kind)k));
			char *at = strstr(de->d_name, mid);
			if (!at) {
				free(mid);
				continue;
			}
			char *objname = xstrndup(at + strlen(mid), strlen(at + strlen(mid)) - 5);
			char *path = xstrfmt("%s/%s", dir, de->d_name);
			json_t *want = json_load_file(path, 0, NULL);
			CHECK(want != NULL);
			strip_ids(want);
			struct stack_object *o = convert_find(&spec, (enum stack_kind)k, objname);
			if (!o || !o->spec)
				test_fail(__FILE__, __LINE__, "%s: no %s %s", name, kind_endpoint((enum stack_kind)k), objname);
			if (!json_equal(want, o->spec)) {
				char *a = json_dumps(o->spec, JSON_INDENT(1) | JSON_SORT_KEYS);
				char *b = json_dumps(want, JSON_INDENT(1) | JSON_SORT_KEYS);
				test_fail(__FILE__, __LINE__, "%s %s differs:\n--- ours\n%s\n--- docker\n%s", name, objname, a, b);
			}
			compared[k]++;
			json_decref(want);
			free(path);
			free(objname);
			free(mid);
		}
	}
	closedir(d);
	/* every object we would create was captured, and the reverse */
	for (int k = 0; k < DEPLOYED_KINDS; k++) {
		size_t ours = 0;
		for (size_t i = 0; i < spec.n[k]; i++)
			ours += !spec.v[k][i].external;
		CHECK_INT_EQ(compared[k], ours);
	}
	convert_release(&spec);
	free(dir);
	free(input);
}

void test_convert__capture_demo(void)
{
	compare_capture("demo", "demo", "stack-deploy-1-create");
}

void test_convert__capture_fields_a(void)
{
	compare_capture("fields-a", "t1", "stack-deploy-create");
}

void test_convert__capture_fields_b(void)
{
	compare_capture("fields-b", "t5", "stack-deploy-create");
}

void test_convert__redeploy_body_equals_create_body(void)
{
	/* docker sends the same spec on update: check ours against those too */
	char *dir = xstrfmt(CAPTURES "/demo/stack-deploy-2-redeploy-unchanged");
	if (access(dir, R_OK)) {
		printf("  skipped: %s is absent\n", dir);
		free(dir);
		return;
	}
	char *a = xstrfmt("%s/14-POST-services-update-demo_web.json", dir);
	char *b = xstrfmt(CAPTURES "/demo/stack-deploy-1-create/13-POST-services-create-demo_web.json");
	json_t *ja = json_load_file(a, 0, NULL), *jb = json_load_file(b, 0, NULL);
	CHECK(ja && jb);
	CHECK(json_equal(ja, jb));
	json_decref(ja);
	json_decref(jb);
	free(a);
	free(b);
	free(dir);
}

void test_convert__image_tagging(void)
{
	static const char *const cases[][2] = {
		{ "nginx", "nginx:latest" },
		{ "nginx:1.25", "nginx:1.25" },
		{ "docker.io/library/nginx", "nginx:latest" },
		{ "index.docker.io/foo/bar:2", "foo/bar:2" },
		{ "localhost:5000/app", "localhost:5000/app:latest" },
		{ "registry.example.com/team/app:1", "registry.example.com/team/app:1" },
		{ "nginx@sha256:abc", "nginx@sha256:abc" },
		{ "nginx:1@sha256:abc", "nginx:1@sha256:abc" },
		{ "Bad/Name", "Bad/Name" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = convert_image_tagged(cases[i][0]);
		CHECK_STR_EQ(got, cases[i][1]);
		free(got);
	}
}

static json_t *service(struct stack_spec *s, const char *name)
{
	struct stack_object *o = convert_find(s, KIND_SERVICE, name);
	CHECK(o != NULL);
	return o->spec;
}

void test_convert__units_and_defaults(void)
{
	struct node *root = test_load("services:\n"
				      "  a:\n"
				      "    image: busybox\n"
				      "    command: sh -c 'echo \"a b\"'\n"
				      "    environment: {B: \"2\", A: null, C: \"\"}\n"
				      "    cap_add: [net_admin, CAP_CHOWN, net_admin]\n"
				      "    cap_drop: [chown, mknod]\n"
				      "    restart: on-failure:3\n"
				      "    ports:\n"
				      "      - {target: 80, published: 9000}\n"
				      "      - {mode: host, target: 81, published: 8000, protocol: udp}\n"
				      "    deploy:\n"
				      "      endpoint_mode: DNSRR\n"
				      "      resources: {limits: {cpus: '1.5', memory: 64M}}\n"
				      "      update_config: {delay: 1m30s}\n");
	struct stack_spec s;
	CHECK_INT_EQ(convert_stack(&s, test_run(), root, "st"), 0);
	json_t *a = service(&s, "st_a");
	char *got = json_dumps(a, JSON_COMPACT);
	json_t *want = json_loads(
		"{\"Name\":\"st_a\",\"Labels\":{\"com.docker.stack.namespace\":\"st\",\"com.docker.stack.image\":\"busybox\"},"
		"\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox:latest\",\"Labels\":{\"com.docker.stack.namespace\":\"st\"},"
		"\"Args\":[\"sh\",\"-c\",\"echo \\\"a b\\\"\"],\"Env\":[\"A\",\"B=2\",\"C=\"],"
		"\"Privileges\":{\"CredentialSpec\":null,\"SELinuxContext\":null,\"NoNewPrivileges\":false},"
		"\"CapabilityAdd\":[\"CAP_CHOWN\",\"CAP_NET_ADMIN\"],\"CapabilityDrop\":[\"CAP_MKNOD\"]},"
		"\"Resources\":{\"Limits\":{\"NanoCPUs\":1500000000,\"MemoryBytes\":67108864}},"
		"\"RestartPolicy\":{\"Condition\":\"on-failure\",\"MaxAttempts\":3},\"Placement\":{},"
		"\"Networks\":[{\"Target\":\"st_default\",\"Aliases\":[\"a\"]}],\"ForceUpdate\":0},"
		"\"Mode\":{\"Replicated\":{}},"
		"\"UpdateConfig\":{\"Parallelism\":1,\"Delay\":90000000000,\"MaxFailureRatio\":0},"
		"\"EndpointSpec\":{\"Mode\":\"dnsrr\",\"Ports\":[{\"Protocol\":\"udp\",\"TargetPort\":81,\"PublishedPort\":8000,"
		"\"PublishMode\":\"host\"},{\"TargetPort\":80,\"PublishedPort\":9000}]}}",
		0, NULL);
	CHECK(want != NULL);
	if (!json_equal(a, want))
		test_fail(__FILE__, __LINE__, "got %s", got);
	free(got);
	json_decref(want);
	CHECK_INT_EQ(s.n[KIND_NETWORK], 1);
	CHECK_STR_EQ(s.v[KIND_NETWORK][0].name, "st_default");
	convert_release(&s);
}

void test_convert__errors_at_their_node(void)
{
	struct node *root = test_load("services:\n"
				      "  a:\n"
				      "    image: busybox\n"
				      "    networks: {nope: null}\n"
				      "    secrets: [{source: ghost}]\n"
				      "    volumes: [{type: volume, source: nov, target: /x}]\n"
				      "    deploy: {mode: global, replicas: 2, resources: {limits: {cpus: '0.0000000001'}}}\n"
				      "    stop_grace_period: forever\n");
	struct stack_spec s;
	CHECK_INT_EQ(convert_stack(&s, test_run(), root, "st"), -1);
	const char *d = test_diags();
	CHECK(strstr(d, "test.yml:4:16: error: services.a.networks.nope: undefined network \"nope\""));
	CHECK(strstr(d, "services.a.secrets[0]: undefined secret \"ghost\""));
	CHECK(strstr(d, "services.a.volumes[0].source: undefined volume \"nov\""));
	CHECK(strstr(d, "services.a.deploy.replicas: replicas can only be used with replicated or replicated-job mode"));
	CHECK(strstr(d, "test.yml:7:68: error: services.a.deploy.resources.limits.cpus: value is too precise"));
	CHECK(strstr(d, "services.a.stop_grace_period: invalid duration \"forever\""));
	/* the undefined network is not created */
	CHECK_INT_EQ(s.n[KIND_NETWORK], 0);
	convert_release(&s);
}

static const char *fake_id(void *ctx, enum stack_kind kind, const char *name)
{
	(void)ctx;
	if (!strcmp(name, "missing"))
		return NULL;
	return kind == KIND_SECRET ? "sid1" : "cid1";
}

void test_convert__secret_files_and_binding(void)
{
	char path[] = "/tmp/stackc-test-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK(write(fd, "s3cr3t\n", 7) == 7);
	close(fd);
	char *yaml = xstrfmt("services:\n  a:\n    image: busybox\n"
			     "    secrets: [{source: pw, target: /run/pw, mode: 256}, {source: ext}]\n"
			     "    configs: [{source: cf}]\n"
			     "secrets:\n  pw: {file: %s}\n  ext: {external: true, name: missing}\n"
			     "configs:\n  cf: {file: %s, name: cf_v2}\n",
			     path, path);
	struct node *root = test_load(yaml);
	struct stack_spec s;
	CHECK_INT_EQ(convert_stack(&s, test_run(), root, "st"), 0);
	unlink(path);
	struct stack_object *pw = convert_find(&s, KIND_SECRET, "st_pw");
	CHECK(pw && pw->spec);
	CHECK_STR_EQ(json_string_value(json_object_get(pw->spec, "Data")), "czNjcjN0Cg==");
	struct stack_object *ext = convert_find(&s, KIND_SECRET, "missing");
	CHECK(ext && ext->external && !ext->spec);
	CHECK(convert_find(&s, KIND_CONFIG, "cf_v2") != NULL);
	json_t *a = service(&s, "st_a");
	CHECK_INT_EQ(convert_bind_ids(a, fake_id, NULL), 1);
	json_t *refs = json_object_get(json_object_get(json_object_get(a, "TaskTemplate"), "ContainerSpec"), "Secrets");
	/* sorted by name: "missing" before "st_pw" */
	CHECK_STR_EQ(json_string_value(json_object_get(json_array_get(refs, 0), "SecretName")), "missing");
	CHECK(!json_object_get(json_array_get(refs, 0), "SecretID"));
	CHECK_STR_EQ(json_string_value(json_object_get(json_array_get(refs, 1), "SecretID")), "sid1");
	CHECK_INT_EQ(json_integer_value(json_object_get(json_object_get(json_array_get(refs, 1), "File"), "Mode")), 256);
	convert_release(&s);
	free(yaml);
}

void test_convert__names_the_daemon_would_refuse(void)
{
	struct node *root = test_load("services:\n  web_: {image: busybox}\n  ok: {image: busybox}\n"
				      "configs:\n  c: {name: \"bad name\", file: /dev/null}\n");
	struct stack_spec s;
	CHECK_INT_EQ(convert_stack(&s, test_run(), root, "st"), -1);
	const char *d = test_diags();
	CHECK(strstr(d, "test.yml:2:3: error: services.web_: service name \"st_web_\" is invalid"));
	CHECK(strstr(d, "test.yml:5:3: error: configs.c: config name \"bad name\" is invalid"));
	CHECK(!strstr(d, "st_ok"));
	convert_release(&s);
}

/*
 * Compose Specification content:/environment: sources, through the loading
 * pipeline: the create bodies carry the data (base64), no file is named.
 */
void test_convert__content_and_environment_sources(void)
{
	char dir[] = "/tmp/stackc-test-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char *file = xstrfmt("%s/compose.yaml", dir);
	FILE *f = fopen(file, "w");
	CHECK(f != NULL);
	fputs("name: demo\nservices:\n  a:\n    image: busybox\n    configs: [cf]\n    secrets: [pw]\n"
	      "configs:\n  cf:\n    content: |\n      port ${CF_PORT:-80}\n"
	      "secrets:\n  pw:\n    environment: STACKC_TEST_PW\n",
	      f);
	fclose(f);
	setenv("STACKC_TEST_PW", "hunter2", 1);
	struct project_opts o;
	project_opts_init(&o);
	project_opts_add_file(&o, file, strlen(file));
	o.deploy = 1;
	struct project p;
	CHECK_INT_EQ(project_load(&p, test_run(), &o), 0);
	unsetenv("STACKC_TEST_PW");
	CHECK_INT_EQ((int)p.inline_objects, 2);
	struct stack_spec s;
	CHECK_INT_EQ(convert_stack(&s, test_run(), p.root, "st"), 0);
	struct stack_object *cf = convert_find(&s, KIND_CONFIG, "st_cf");
	struct stack_object *pw = convert_find(&s, KIND_SECRET, "st_pw");
	CHECK(cf && cf->spec && !cf->file);
	CHECK(pw && pw->spec && !pw->file);
	CHECK_STR_EQ(json_string_value(json_object_get(cf->spec, "Data")), "cG9ydCA4MAo="); /* "port 80\n" */
	CHECK_STR_EQ(json_string_value(json_object_get(pw->spec, "Data")), "aHVudGVyMg=="); /* "hunter2" */
	convert_release(&s);
	project_opts_release(&o);
	unlink(file);
	rmdir(dir);
	free(file);
}
