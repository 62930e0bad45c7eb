/* Schema validator: keywords, messages, positions, versions. */
#include "base/diag.h"
#include "base/node.h"
#include "base/run.h"
#include "compose/units.h"
#include "check/rules.h"
#include "check/validate.h"
#include "tests/unit/harness.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Validate yaml against version; check the return code; give the diagnostics. */
/* Forget the diagnostics so far: each check in a test sees only its own. */
static void reset_diags(void)
{
	struct run *r = test_run();
	diag_release(&r->diag);
	diag_init(&r->diag, &r->arena, &r->sources);
}

static const char *validate_text(const char *yaml, const char *version, int rc)
{
	reset_diags();
	struct node *root = test_load(yaml);
	int got = schema_validate(test_run(), root, version, NULL);
	if (got != rc)
		test_fail(__FILE__, __LINE__, "schema_validate returned %d, expected %d; diagnostics:\n%s",
			  got, rc, test_diags());
	return test_diags();
}

void test_schema__valid_file_passes(void)
{
	validate_text("version: \"3.8\"\n"
		      "x-top: {a: 1}\n"
		      "services:\n"
		      "  web:\n"
		      "    x-svc: hello\n"
		      "    image: nginx:1.25\n"
		      "    command: nginx -g 'daemon off;'\n"
		      "    entrypoint: [\"/bin/sh\", \"-c\"]\n"
		      "    environment: [FOO=bar, EMPTY=]\n"
		      "    labels: {a: 1, b: null, c: x}\n"
		      "    ports: [\"80:80\", \"127.0.0.1:8443:443/udp\", 3000, {target: 5000, published: 5001}]\n"
		      "    volumes: [./data:/data:ro, {type: bind, source: ./rel, target: /rel}]\n"
		      "    secrets: [s1, {source: s2, target: /run/s2, mode: 0440}]\n"
		      "    healthcheck: {test: curl -f http://localhost, interval: 90s, timeout: 1m, retries: 3}\n"
		      "    stop_grace_period: 1h\n"
		      "    ulimits: {nproc: 65535, nofile: {soft: 20000, hard: 40000}}\n"
		      "    networks: [front, back]\n"
		      "    deploy:\n"
		      "      mode: replicated\n"
		      "      replicas: 2\n"
		      "      resources: {limits: {cpus: \"0.5\", memory: 50M}}\n"
		      "      update_config: {parallelism: 2, delay: 10s, order: start-first}\n"
		      "      restart_policy: {condition: on-failure, delay: 5s, max_attempts: 3}\n"
		      "      placement: {constraints: [node.role == manager], max_replicas_per_node: 1}\n"
		      "networks:\n  front:\n  back: {driver: overlay, attachable: true, x-net: 1}\n"
		      "volumes:\n  named:\n"
		      "secrets:\n  s1: {file: ./s1.txt}\n  s2: {external: true}\n",
		      "3.8", 0);
	CHECK_STR_EQ(test_diags(), "");
}

void test_schema__type_error_names_both_types(void)
{
	const char *d = validate_text("services:\n  web:\n    image: x\n    deploy:\n      replicas: \"3\"\n",
				      NULL, -1);
	CHECK_STR_EQ(d, "test.yml:5:17: error: services.web.deploy.replicas: expected integer, got string \"3\"\n");
}

void test_schema__integer_accepts_whole_floats(void)
{
	validate_text("services:\n  web:\n    image: x\n    deploy: {replicas: 1.0}\n", NULL, 0);
	const char *d = validate_text("services:\n  web:\n    image: x\n    deploy: {replicas: 1.5}\n",
				      NULL, -1);
	CHECK_STR_EQ(d, "test.yml:4:24: error: services.web.deploy.replicas: expected integer, got number 1.5\n");
}

void test_schema__one_of_reports_the_branch_that_fits(void)
{
	/* an object port: the object branch's error, not "must be string or number" */
	const char *d = validate_text("services:\n  web:\n    image: x\n    ports: [{target: \"80\"}]\n",
				      NULL, -1);
	CHECK_STR_EQ(d, "test.yml:4:22: error: services.web.ports[0].target: expected integer, got string \"80\"\n");
	/* no branch fits: every accepted type is listed */
	d = validate_text("services:\n  web:\n    image: x\n    command: 5\n", NULL, -1);
	CHECK_STR_EQ(d, "test.yml:4:14: error: services.web.command: expected string or list, got integer 5\n");
	d = validate_text("services:\n  web:\n    image: x\n    labels: {a: true}\n", NULL, -1);
	CHECK(strstr(d, "services.web.labels.a: expected string, number or null, got boolean true\n"));
}

void test_schema__unknown_key_at_the_key(void)
{
	const char *d = validate_text("services:\n  web:\n    image: x\n    imgae: y\n", NULL, -1);
	CHECK_STR_EQ(d, "test.yml:4:5: error: services.web: unknown key \"imgae\" (did you mean \"image\"?)\n");
	d = validate_text("services:\n  web:\n    image: x\n    deploy: {foo: 1}\n", NULL, -1);
	CHECK_STR_EQ(d, "test.yml:4:14: error: services.web.deploy: unknown key \"foo\" (allowed: "
			"endpoint_mode, labels, mode, placement, replicas, resources, restart_policy, "
			"rollback_config, update_config)\n");
	d = validate_text("foo: 1\nservices: {}\n", NULL, -1);
	CHECK_STR_EQ(d, "test.yml:1:1: error: unknown key \"foo\" (allowed: configs, networks, secrets, "
			"services, version, volumes, x-*)\n");
}

void test_schema__unknown_key_from_a_newer_version(void)
{
	const char *d = validate_text("version: \"3.6\"\nservices:\n  web:\n    image: x\n"
				      "    deploy:\n      rollback_config: {parallelism: 2}\n",
				      "3.6", -1);
	CHECK_STR_EQ(d, "test.yml:6:7: error: services.web.deploy: unknown key \"rollback_config\": "
			"needs version 3.7 or later (the file says 3.6)\n");
	d = validate_text("version: \"3.3\"\nx-foo: 1\nservices: {}\n", "3.3", -1);
	CHECK(strstr(d, "test.yml:2:1: error: unknown key \"x-foo\": needs version 3.4 or later"));
	d = validate_text("version: \"3.0\"\nservices:\n  web:\n    image: x\n    ports: [{target: 80}]\n",
			  "3.0", -1);
	CHECK(strstr(d, "test.yml:5:13: error: services.web.ports[0]: expected string or number, got mapping\n"));
}

void test_schema__invalid_name(void)
{
	const char *d = validate_text("services:\n  \"my web\":\n    image: nginx\n", NULL, -1);
	CHECK_STR_EQ(d, "test.yml:2:3: error: services: invalid name \"my web\" (must match ^[a-zA-Z0-9._-]+$)\n");
}

void test_schema__required_at_the_mapping(void)
{
	const char *d = validate_text("services:\n  web:\n    image: x\n    ulimits:\n      nofile: {soft: 1}\n",
				      NULL, -1);
	CHECK_STR_EQ(d, "test.yml:5:15: error: services.web.ulimits.nofile: missing required key \"hard\"\n");
	d = validate_text("services:\n  web:\n    image: x\n    volumes:\n      - {source: a, target: /b}\n",
			  NULL, -1);
	CHECK_STR_EQ(d, "test.yml:5:9: error: services.web.volumes[0]: missing required key \"type\"\n");
}

void test_schema__enum(void)
{
	const char *d = validate_text("services:\n  web:\n    image: x\n    deploy:\n"
				      "      update_config: {order: random}\n", NULL, -1);
	CHECK_STR_EQ(d, "test.yml:5:30: error: services.web.deploy.update_config.order: invalid value "
			"\"random\" (expected \"start-first\" or \"stop-first\")\n");
}

void test_schema__duration_format(void)
{
	const char *d = validate_text("services:\n  web:\n    image: x\n    stop_grace_period: 10x\n"
				      "    healthcheck: {interval: \"1h2\", timeout: 1.5s, start_period: \"10\"}\n",
				      NULL, -1);
	CHECK_STR_EQ(d, "test.yml:4:24: error: services.web.stop_grace_period: invalid duration \"10x\": "
			"expected a number and a unit, such as 10s, 1m30s or 1.5h (units: ns, us, ms, s, m, h)\n"
			"test.yml:5:29: error: services.web.healthcheck.interval: invalid duration \"1h2\": "
			"expected a number and a unit, such as 10s, 1m30s or 1.5h (units: ns, us, ms, s, m, h)\n"
			"test.yml:5:65: error: services.web.healthcheck.start_period: invalid duration \"10\": "
			"expected a number and a unit, such as 10s, 1m30s or 1.5h (units: ns, us, ms, s, m, h)\n");
	validate_text("services:\n  web:\n    image: x\n    stop_grace_period: \"0\"\n"
		      "    healthcheck: {interval: 1h30m, timeout: .5s, start_period: -2us}\n", NULL, 0);
	/* before 3.4 healthcheck durations were plain strings */
	validate_text("version: \"3.3\"\nservices:\n  web:\n    image: x\n    healthcheck: {interval: 10x}\n",
		      "3.3", 0);
}

/* The validator accepts exactly the durations Go's parser does. */
void test_schema__duration_short_cut_agrees_with_the_parser(void)
{
	static const char *const durations[] = {
		"10s", "1m30s", "500ms", "1h", "2h45m", "1ns", "3us", "12345678h", "99999999",
		"1m", "1ms5s", "1mss", "1hs", "1n", "1u", "s", "10", "1s1", "1.5s", "+1s", "-1s",
		"1h1m1s1", "1S", "0", "1m1m1m", "7ns7us", "1ss", "",
	};
	for (size_t i = 0; i < sizeof(durations) / sizeof(durations[0]); i++) {
		char yaml[128];
		int64_t ns;
		snprintf(yaml, sizeof(yaml), "services:\n  web:\n    image: x\n    stop_grace_period: \"%s\"\n",
			 durations[i]);
		validate_text(yaml, NULL, units_parse_duration(durations[i], &ns) ? -1 : 0);
	}
}

void test_schema__ports_format(void)
{
	const char *d = validate_text("services:\n  web:\n    image: x\n"
				      "    ports: [\"80:80:80:80\", \"65536:80\", \"8000:80-81\", \"80/xyz\", 8080.5, 70000]\n",
				      NULL, -1);
	CHECK_STR_EQ(d,
		     "test.yml:4:13: error: services.web.ports[0]: invalid port \"80:80:80:80\": \"80:80\" is not an IP address\n"
		     "test.yml:4:28: error: services.web.ports[1]: invalid port \"65536:80\": invalid published port \"65536\" (expected a number 0-65535 or a range like 8000-8010)\n"
		     "test.yml:4:40: error: services.web.ports[2]: invalid port \"8000:80-81\": published range \"8000\" and container range \"80-81\" differ in size\n"
		     "test.yml:4:54: error: services.web.ports[3]: invalid port \"80/xyz\": unknown protocol \"xyz\" (expected tcp, udp or sctp)\n"
		     "test.yml:4:64: error: services.web.ports[4]: invalid port 8080.5: a port must be a whole number\n"
		     "test.yml:4:72: error: services.web.ports[5]: invalid port 70000: invalid container port \"70000\" (expected a number 0-65535 or a range like 8000-8010)\n");
}

void test_schema__expose_is_not_checked(void)
{
	validate_text("services:\n  web:\n    image: x\n    expose: [\"abc\", 80]\n", NULL, 0);
}

void test_schema__unique_items_with_note(void)
{
	const char *d = validate_text("services:\n  web:\n    image: x\n    cap_add: [A, B, A]\n"
				      "    ports: [80, \"80\", 80.0]\n", NULL, -1);
	CHECK_STR_EQ(d, "test.yml:4:21: error: services.web.cap_add[2]: duplicate item \"A\" (same as item 0; items must be unique)\n"
			"test.yml:4:15: note: first occurrence here\n"
			"test.yml:5:23: error: services.web.ports[2]: duplicate item 80.0 (same as item 0; items must be unique)\n"
			"test.yml:5:13: note: first occurrence here\n");
}

void test_schema__minimum(void)
{
	const char *d = validate_text("services:\n  web:\n    image: x\n    volumes:\n"
				      "      - {type: tmpfs, target: /t, tmpfs: {size: -1}}\n", NULL, -1);
	CHECK_STR_EQ(d, "test.yml:5:49: error: services.web.volumes[0].tmpfs.size: must be at least 0, got -1\n");
}

void test_schema__every_error_in_document_order(void)
{
	const char *d = validate_text("services:\n"
				      "  web:\n"
				      "    image: 5\n"
				      "    read_only: yes\n"
				      "    deploy: {replicas: x, foo: 1}\n"
				      "  db:\n"
				      "    image: [a]\n"
				      "    environment: 5\n",
				      NULL, -1);
	CHECK_STR_EQ(d, "test.yml:3:12: error: services.web.image: expected string, got integer 5\n"
			"test.yml:4:16: error: services.web.read_only: expected boolean, got string \"yes\"\n"
			"test.yml:5:24: error: services.web.deploy.replicas: expected integer, got string \"x\"\n"
			"test.yml:5:27: error: services.web.deploy: unknown key \"foo\" (allowed: endpoint_mode, labels, mode, placement, replicas, resources, restart_policy, rollback_config, update_config)\n"
			"test.yml:7:12: error: services.db.image: expected string, got list\n"
			"test.yml:8:18: error: services.db.environment: expected mapping or list, got integer 5\n");
}

void test_schema__null_service_and_services(void)
{
	const char *d = validate_text("services:\n  web:\n", NULL, -1);
	CHECK(strstr(d, "services.web: expected mapping, got null\n"));
	d = validate_text("services:\n", NULL, -1);
	CHECK(strstr(d, "services: expected mapping, got null\n"));
	/* networks and volumes may be null */
	validate_text("services: {}\nnetworks: {n: }\nvolumes: {v: }\n", NULL, 0);
}

void test_schema__non_string_keys(void)
{
	const char *d = validate_text("services:\n  web:\n    image: x\n    environment: {1: a}\n"
				      "x-any: {a: {2: b}}\n", NULL, -1);
	CHECK_STR_EQ(d, "test.yml:4:19: error: services.web.environment: mapping key 1 must be a string (quote it: \"1\")\n"
			"test.yml:5:13: error: x-any.a: mapping key 2 must be a string (quote it: \"2\")\n");
}

void test_schema__version_specific_keys(void)
{
	const char *v311 = "version: \"3.11\"\nservices:\n  web:\n    image: x\n    build: {context: ., foo: bar}\n";
	validate_text(v311, "3.11", 0);
	const char *d = validate_text(v311, "3.10", -1);
	CHECK(strstr(d, "missing required key") == NULL);
	CHECK(strstr(d, "services.web.build: unknown key \"foo\""));
	validate_text("services:\n  web:\n    image: x\n    oom_score_adj: 5\n", "3.13", 0);
	d = validate_text("services:\n  web:\n    image: x\n    oom_score_adj: 5\n", "3.12", -1);
	CHECK(strstr(d, "needs version 3.13 or later (the file says 3.12)"));
	d = validate_text("version: \"3.8\"\nservices:\n  web:\n    image: x\n"
			  "    deploy: {resources: {limits: {pids: 2}}}\n", "3.8", -1);
	CHECK(strstr(d, "services.web.deploy.resources.limits: unknown key \"pids\": needs version 3.9"));
	/* 3.0 and 3.1 reject duplicate volume strings; later versions do not */
	d = validate_text("version: \"3.1\"\nservices:\n  web:\n    image: x\n    volumes: [/a, /a]\n",
			  "3.1", -1);
	CHECK(strstr(d, "duplicate item \"/a\""));
	validate_text("version: \"3.2\"\nservices:\n  web:\n    image: x\n    volumes: [/a, /a]\n",
		      "3.2", 0);
	/* 3.0-3.9 require version */
	d = validate_text("services: {}\n", "3.9", -1);
	CHECK_STR_EQ(d, "test.yml:1:1: error: missing required key \"version\"\n");
}

static const char *version_of(const char *yaml, int rc)
{
	const char *v = NULL;
	struct node *root = test_load(yaml);
	CHECK_INT_EQ(schema_version_check(&v, test_run(), root), rc);
	return v;
}

void test_schema__version_check(void)
{
	CHECK_STR_EQ(version_of("services: {}\n", 0), "3.13");
	CHECK_STR_EQ(version_of("version: \"3\"\n", 0), "3.13");
	CHECK_STR_EQ(version_of("version: \"\"\n", 0), "3.13");
	CHECK_STR_EQ(version_of("version: \"3.0\"\n", 0), "3.0");
	CHECK_STR_EQ(version_of("version: '3.10'\n", 0), "3.10");
	CHECK(version_of("version: 3.8\n", -1) == NULL);
	CHECK(version_of("version: \"2\"\n", -1) == NULL);
	CHECK(version_of("version: \"3.14\"\n", -1) == NULL);
	CHECK(version_of("version: \"${V}\"\n", -1) == NULL);
	CHECK_STR_EQ(test_diags(),
		     "test.yml:1:10: error: version: expected string, got number 3.8 (write version: \"3.8\")\n"
		     "test.yml:1:10: error: version: unsupported compose file version \"2\" (supported: 3.0 to 3.13, or 3 for the latest)\n"
		     "test.yml:1:10: error: version: unsupported compose file version \"3.14\" (supported: 3.0 to 3.13, or 3 for the latest)\n"
		     "test.yml:1:10: error: version: unsupported compose file version \"${V}\" (supported: 3.0 to 3.13, or 3 for the latest); the version is read before interpolation\n");
	CHECK_STR_EQ(version_of("[1]\n", 0), "3.13");
}

void test_schema__all_versions_compile(void)
{
	for (size_t i = 0; schema_versions[i]; i++)
		validate_text("version: \"3.0\"\nservices: {}\n", schema_versions[i], 0);
}

void test_schema__pattern_fast_paths_agree_with_pcre2(void)
{
	static const char *const patterns[] = { "^x-", "^.+$", ".+", "^[a-zA-Z0-9._-]+$", "^[a-z]+$" };
	static const char *const keys[] = { "", "x", "x-", "x-foo", "X-foo", "ax-", "web", "my web",
					    "a\n", "\n", "\na", "a.b_c-D9", "nofile", "noFile",
					    "\xc3\xa9", "a\xff", "-", "\t" };
	for (size_t p = 0; p < sizeof(patterns) / sizeof(patterns[0]); p++)
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (schema_pattern_selftest(patterns[p], keys[k]) < 0)
				test_fail(__FILE__, __LINE__, "%s disagrees on key %zu", patterns[p], k);
	CHECK_INT_EQ(schema_pattern_selftest("^x-", "x-a"), 1);
	CHECK_INT_EQ(schema_pattern_selftest("^[a-z]+$", "noFile"), 0);
	CHECK_INT_EQ(schema_pattern_selftest("^.+$", "a\n"), 0);
	CHECK_INT_EQ(schema_pattern_selftest(".+", "\na"), 1);
}

/* ---- the schemas mean what docker's mean ---- */

/* Inline every $ref and drop annotations, so layouts and definition names do not matter. */
static json_t *expand(json_t *x, json_t *defs, int depth)
{
	if (depth > 64)
		return NULL;
	if (json_is_array(x)) {
		json_t *r = json_array();
		size_t i;
		json_t *v;
		json_array_foreach(x, i, v)
			json_array_append_new(r, expand(v, defs, depth + 1));
		return r;
	}
	if (!json_is_object(x))
		return json_incref(x);
	const char *ref = json_string_value(json_object_get(x, "$ref"));
	if (ref) {
		const char *slash = strrchr(ref, '/');
		return expand(json_object_get(defs, slash ? slash + 1 : ref), defs, depth + 1);
	}
	json_t *r = json_object();
	const char *k;
	json_t *v;
	json_object_foreach(x, k, v) {
		if (!strcmp(k, "id") || !strcmp(k, "$schema") || !strcmp(k, "default") ||
		    !strcmp(k, "description") || !strcmp(k, "definitions"))
			continue;
		json_object_set_new(r, k, expand(v, defs, depth + 1));
	}
	return r;
}

static json_t *load_expanded(const char *path)
{
	json_error_t err;
	json_t *j = json_load_file(path, 0, &err);
	if (!j)
		test_fail(__FILE__, __LINE__, "%s: %s", path, err.text);
	json_t *r = expand(j, json_object_get(j, "definitions"), 0);
	json_decref(j);
	return r;
}

void test_schema__same_meaning_as_docker(void)
{
	const char *ref = "../shared/reference/compose-schemas";
	if (access(ref, R_OK)) {
		printf("  skipped: %s is absent\n", ref);
		return;
	}
	for (int i = 0; i <= 13; i++) {
		char mine[64], theirs[128];
		snprintf(mine, sizeof(mine), "schemas/v3.%d.json", i);
		snprintf(theirs, sizeof(theirs), "%s/config_schema_v3.%d.json", ref, i);
		json_t *a = load_expanded(mine), *b = load_expanded(theirs);
		int same = json_equal(a, b);
		json_decref(a);
		json_decref(b);
		if (!same)
			test_fail(__FILE__, __LINE__, "%s does not mean what %s means", mine, theirs);
	}
}

/* The value of path a.b.c (keys only), or NULL. */
static struct node *at(struct node *n, const char *const *keys, size_t nkeys)
{
	for (size_t i = 0; n && i < nkeys; i++)
		n = n->kind == NODE_MAP ? node_map_get(n, keys[i]) : NULL;
	return n;
}
#define AT(root, ...) at((root), (const char *const[]){ __VA_ARGS__ }, \
			 sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

void test_schema__failed_values_are_marked(void)
{
	reset_diags();
	struct node *root = test_load("services:\n"
				      "  web:\n"
				      "    image: 5\n"
				      "    bogus: {a: 1}\n"
				      "    ulimits: {nofile: {soft: 1}}\n"
				      "    dns: [a, b, c, d, e, f, g, h, a]\n"
				      "    hostname: ok\n");
	CHECK_INT_EQ(schema_validate(test_run(), root, NULL, NULL), -1);
	struct node *web = AT(root, "services", "web");
	/* the wrong value, an unknown key's value, the mapping lacking a key, the later duplicate */
	CHECK(AT(web, "image")->flags & NODE_FAILED);
	CHECK(AT(web, "bogus")->flags & NODE_FAILED);
	CHECK(AT(web, "ulimits", "nofile")->flags & NODE_FAILED);
	struct node *dns = AT(web, "dns");
	CHECK(dns->seq.v[8]->flags & NODE_FAILED);
	CHECK(!(dns->seq.v[0]->flags & NODE_FAILED));
	CHECK(!(dns->flags & NODE_FAILED));
	CHECK(!(AT(web, "hostname")->flags & NODE_FAILED));
	CHECK(!(web->flags & NODE_FAILED));
}

void test_schema__marked_values_are_not_looked_at(void)
{
	reset_diags();
	struct node *root = test_load("services:\n"
				      "  web:\n"
				      "    image: 5\n"
				      "    extends: base\n"
				      "    ulimits: {nofile: {soft: 1, hard: \"${H:?}\"}}\n"
				      "    cap_add: [\"${X:?}\", \"${X:?}\"]\n");
	struct node *web = AT(root, "services", "web");
	AT(web, "image")->flags |= NODE_FAILED;
	AT(web, "extends")->flags |= NODE_FAILED;
	AT(web, "ulimits", "nofile", "hard")->flags |= NODE_FAILED;
	AT(web, "cap_add")->seq.v[0]->flags |= NODE_FAILED;
	AT(web, "cap_add")->seq.v[1]->flags |= NODE_FAILED;
	/* no type error, no unknown key, hard counts as there, no duplicate */
	CHECK_INT_EQ(schema_validate(test_run(), root, NULL, NULL), 0);
	CHECK_STR_EQ(test_diags(), "");
}

void test_schema__mark_invalid_only_marks(void)
{
	reset_diags();
	struct node *root = test_load("services:\n  web:\n    ulimits: {nofile: {soft: 1}}\n");
	CHECK_INT_EQ(schema_mark_invalid(root, "3.8"), -1);
	CHECK_STR_EQ(test_diags(), "");
	CHECK(AT(root, "services", "web", "ulimits", "nofile")->flags & NODE_FAILED);
	CHECK_INT_EQ(schema_mark_invalid(root, "3.8"), 0);
}

void test_schema__a_misspelt_key_is_a_gap_at_the_key_meant(void)
{
	reset_diags();
	struct node *root = test_load("services:\n"
				      "  web:\n"
				      "    imgae: x\n"    /* image meant, and missing */
				      "    imagex: y\n"   /* image meant, and missing */
				      "  db:\n"
				      "    image: z\n"
				      "    imgae: x\n"    /* image meant, but there */
				      "volume: {}\n");
	struct rules_gaps gaps = RULES_GAPS_INIT;
	CHECK_INT_EQ(schema_validate(test_run(), root, NULL, &gaps), -1);
	CHECK_INT_EQ(gaps.n, 3);
	CHECK_INT_EQ(gaps.v[0].n, 3);
	CHECK_STR_EQ(gaps.v[0].keys[1], "web");
	CHECK_STR_EQ(gaps.v[0].keys[2], "image");
	CHECK_INT_EQ(gaps.v[2].n, 1);
	CHECK_STR_EQ(gaps.v[2].keys[0], "volumes");
	rules_gaps_release(&gaps);
}
