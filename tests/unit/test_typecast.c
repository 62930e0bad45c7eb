/* docker's casts after interpolation: paths, Go's parsers, literals left alone. */
#include "compose/dotenv.h"
#include "compose/interp.h"
#include "base/node.h"
#include "base/run.h"
#include "compose/typecast.h"
#include "tests/unit/harness.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static struct node *at(struct node *n, const char *dotted)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", dotted);
	for (char *k = strtok(buf, "."); k; k = strtok(NULL, ".")) {
		struct node *next = n->kind == NODE_SEQ ? n->seq.v[atoi(k)] : node_map_get(n, k);
		if (!next)
			test_fail(__FILE__, __LINE__, "no %s in %s", k, dotted);
		n = next;
	}
	return n;
}

/* Load yaml, interpolate it (docker grammar) with NAME=VALUE pairs, cast it. */
static struct node *load_cast(const char *yaml, const char *const *vars, int expect_rc)
{
	struct run *run = test_run();
	struct env *env = env_new(run);
	for (; vars && *vars; vars += 2)
		env_set(env, vars[0], vars[1], POS_NONE);
	struct interp_opts opts = { INTERP_DOCKER, env, 0, 0 };
	struct node *root = test_load(yaml);
	CHECK_INT_EQ(interp_tree(run, root, &opts), 0);
	int rc = typecast_tree(run, root);
	if (rc != expect_rc)
		test_fail(__FILE__, __LINE__, "typecast_tree gave %d: %s", rc, test_diags());
	return root;
}

void test_typecast__case_type_casts(void)
{
	/* stack-config-cases/interp-type-casts */
	static const char *const vars[] = { "RO", "TRUE", "YES", "yes", "OFF", "off", "NO", "n",
					    "Y", "y", "ON", "On", "PORT", "8080", "T", "80",
					    "P", "81", "N", "1024", "MODE", "0440", "R", "3",
					    "F", "0.25", NULL };
	struct node *r = load_cast(
		"services:\n  web:\n    image: nginx\n"
		"    read_only: \"${RO}\"\n    tty: \"${YES}\"\n    stdin_open: \"${OFF}\"\n"
		"    privileged: \"${Y}\"\n    oom_score_adj: \"-${T}\"\n"
		"    ports:\n      - \"${PORT}:80\"\n      - target: \"${T}\"\n        published: \"${P}\"\n"
		"    ulimits:\n      nofile: \"${N}\"\n      nproc: {soft: \"${N}\", hard: \"${N}\"}\n"
		"    secrets:\n      - source: s\n        mode: \"${MODE}\"\n"
		"      - source: t\n        mode: 0440\n"
		"    configs: [{source: c, mode: \"${MODE}\"}]\n"
		"    healthcheck:\n      retries: \"${R}\"\n      disable: \"${NO}\"\n"
		"    volumes:\n      - type: volume\n        source: v\n        target: /v\n"
		"        read_only: \"${RO}\"\n        volume: {nocopy: \"${YES}\"}\n"
		"    deploy:\n      replicas: \"${R}\"\n"
		"      update_config: {parallelism: \"${R}\", max_failure_ratio: \"${F}\"}\n"
		"      rollback_config: {parallelism: \"${R}\", max_failure_ratio: \"${F}\"}\n"
		"      restart_policy: {max_attempts: \"${R}\"}\n"
		"      placement: {max_replicas_per_node: \"${R}\"}\n"
		"networks:\n  n: {external: \"${YES}\"}\n  m: {internal: \"${YES}\", attachable: \"${ON}\"}\n"
		"volumes:\n  v: {external: \"${NO}\"}\n"
		"secrets:\n  s: {external: \"${YES}\"}\n"
		"configs:\n  c: {external: \"${Y}\"}\n",
		vars, 0);
	static const struct {
		const char *path;
		enum node_kind kind;
		long long v;
	} want[] = {
		{ "services.web.read_only", NODE_BOOL, 1 },
		{ "services.web.tty", NODE_BOOL, 1 },
		{ "services.web.stdin_open", NODE_BOOL, 0 },
		{ "services.web.privileged", NODE_BOOL, 1 },
		{ "services.web.oom_score_adj", NODE_INT, -80 },
		{ "services.web.ports.1.target", NODE_INT, 80 },
		{ "services.web.ports.1.published", NODE_INT, 81 },
		{ "services.web.ulimits.nofile", NODE_INT, 1024 },
		{ "services.web.ulimits.nproc.soft", NODE_INT, 1024 },
		{ "services.web.ulimits.nproc.hard", NODE_INT, 1024 },
		{ "services.web.secrets.0.mode", NODE_INT, 440 },
		{ "services.web.secrets.1.mode", NODE_INT, 288 },
		{ "services.web.configs.0.mode", NODE_INT, 440 },
		{ "services.web.healthcheck.retries", NODE_INT, 3 },
		{ "services.web.healthcheck.disable", NODE_BOOL, 0 },
		{ "services.web.volumes.0.read_only", NODE_BOOL, 1 },
		{ "services.web.volumes.0.volume.nocopy", NODE_BOOL, 1 },
		{ "services.web.deploy.replicas", NODE_INT, 3 },
		{ "services.web.deploy.update_config.parallelism", NODE_INT, 3 },
		{ "services.web.deploy.rollback_config.parallelism", NODE_INT, 3 },
		{ "services.web.deploy.restart_policy.max_attempts", NODE_INT, 3 },
		{ "services.web.deploy.placement.max_replicas_per_node", NODE_INT, 3 },
		{ "networks.n.external", NODE_BOOL, 1 },
		{ "networks.m.internal", NODE_BOOL, 1 },
		{ "networks.m.attachable", NODE_BOOL, 1 },
		{ "volumes.v.external", NODE_BOOL, 0 },
		{ "secrets.s.external", NODE_BOOL, 1 },
		{ "configs.c.external", NODE_BOOL, 1 },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct node *n = at(r, want[i].path);
		long long v = n->kind == NODE_BOOL ? n->s.v.b : (long long)n->s.v.i;
		if (n->kind != want[i].kind || v != want[i].v)
			test_fail(__FILE__, __LINE__, "%s: %s %lld, expected %s %lld", want[i].path,
				  node_kind_name(n->kind), v, node_kind_name(want[i].kind),
				  want[i].v);
	}
	struct node *f = at(r, "services.web.deploy.update_config.max_failure_ratio");
	CHECK_INT_EQ(f->kind, NODE_FLOAT);
	CHECK(f->s.v.f == 0.25);
	/* the text stays what interpolation produced; unlisted paths stay strings */
	CHECK_STR_EQ(at(r, "services.web.secrets.0.mode")->s.text, "0440");
	CHECK_INT_EQ(at(r, "services.web.ports.0")->kind, NODE_STR);
	CHECK_STR_EQ(test_diags(), "");
}

void test_typecast__literals_not_cast(void)
{
	static const char *const vars[] = { "B", "true", NULL };
	struct node *r = load_cast("services:\n  web:\n    init: \"${B}\"\n"
				   "    deploy: {replicas: \"3\"}\n    read_only: 'yes'\n",
				   vars, 0);
	/* init is not in docker's table; literals are never cast */
	CHECK_INT_EQ(at(r, "services.web.init")->kind, NODE_STR);
	CHECK_INT_EQ(at(r, "services.web.deploy.replicas")->kind, NODE_STR);
	CHECK_INT_EQ(at(r, "services.web.read_only")->kind, NODE_STR);
}

void test_typecast__errors(void)
{
	static const char *const vars[] = { "R", "abc", "M", "maybe", "F", "x", "BIG",
					    "9223372036854775808", "HUGE", "1e400", NULL };
	load_cast("services:\n  web:\n"
		  "    read_only: \"${M}\"\n"
		  "    deploy:\n      replicas: \"${R}\"\n"
		  "      update_config: {max_failure_ratio: \"${F}\", parallelism: \"${BIG}\"}\n"
		  "      rollback_config: {max_failure_ratio: \"${HUGE}\"}\n",
		  vars, -1);
	CHECK_STR_EQ(test_diags(),
		     "test.yml:3:16: error: services.web.read_only: expected a boolean (true/false, "
		     "yes/no, on/off, y/n), got \"maybe\"\n"
		     "test.yml:5:17: error: services.web.deploy.replicas: expected an integer, got "
		     "\"abc\"\n"
		     "test.yml:6:42: error: services.web.deploy.update_config.max_failure_ratio: "
		     "expected a number, got \"x\"\n"
		     "test.yml:6:63: error: services.web.deploy.update_config.parallelism: integer "
		     "out of range: \"9223372036854775808\"\n"
		     "test.yml:7:44: error: services.web.deploy.rollback_config.max_failure_ratio: "
		     "number out of range: \"1e400\"\n");
}

/* Cast one value at replicas (int), max_failure_ratio (float) or tty (bool). */
static struct node *cast_one(const char *key, const char *text)
{
	struct run *run = test_run();
	struct node *root = node_new_map(&run->arena, POS_NONE);
	struct node *web = node_new_map(&run->arena, POS_NONE);
	struct node *svcs = node_new_map(&run->arena, POS_NONE);
	struct node *parent = web;
	node_map_add(&run->arena, root, "services", POS_NONE, svcs);
	node_map_add(&run->arena, svcs, "web", POS_NONE, web);
	if (strcmp(key, "tty")) {
		struct node *deploy = node_new_map(&run->arena, POS_NONE);
		node_map_add(&run->arena, web, "deploy", POS_NONE, deploy);
		parent = deploy;
		if (!strcmp(key, "max_failure_ratio")) {
			parent = node_new_map(&run->arena, POS_NONE);
			node_map_add(&run->arena, deploy, "update_config", POS_NONE, parent);
		}
	}
	struct node *v = node_new_str(&run->arena, POS_NONE, text);
	v->flags |= NODE_INTERPOLATED;
	node_map_add(&run->arena, parent, key, POS_NONE, v);
	typecast_tree(run, root);
	return v;
}

void test_typecast__go_atoi(void)
{
	static const struct {
		const char *in;
		int ok;
		long long v;
	} t[] = {
		{ "3", 1, 3 }, { "+5", 1, 5 }, { "-0", 1, 0 }, { "007", 1, 7 }, { "-12", 1, -12 },
		{ "9223372036854775807", 1, INT64_MAX }, { "-9223372036854775808", 1, INT64_MIN },
		{ "9223372036854775808", 0, 0 }, { "", 0, 0 }, { "+", 0, 0 }, { "1_0", 0, 0 },
		{ "0x1F", 0, 0 }, { " 5", 0, 0 }, { "5 ", 0, 0 }, { "1.0", 0, 0 }, { "--1", 0, 0 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct node *n = cast_one("replicas", t[i].in);
		if (t[i].ok ? n->kind != NODE_INT || n->s.v.i != t[i].v : n->kind != NODE_STR)
			test_fail(__FILE__, __LINE__, "Atoi(\"%s\"): %s %lld", t[i].in,
				  node_kind_name(n->kind), (long long)n->s.v.i);
	}
}

void test_typecast__go_parse_float(void)
{
	static const struct {
		const char *in;
		int ok;
		double v;
	} t[] = {
		{ "0.25", 1, 0.25 }, { "1e3", 1, 1000 }, { ".5", 1, 0.5 }, { "5.", 1, 5 },
		{ "-2.5E-1", 1, -0.25 }, { "0x1p-2", 1, 0.25 }, { "0X1.8P1", 1, 3 },
		{ "1_0.5", 1, 10.5 }, { "1e400", 0, 0 }, { "0x10", 0, 0 }, { "_1", 0, 0 },
		{ "1_", 0, 0 }, { "1__0", 0, 0 }, { "1.2.3", 0, 0 }, { "", 0, 0 }, { ".", 0, 0 },
		{ "1e", 0, 0 }, { "e1", 0, 0 }, { "+nan", 0, 0 }, { "infx", 0, 0 }, { "1 ", 0, 0 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct node *n = cast_one("max_failure_ratio", t[i].in);
		if (t[i].ok ? n->kind != NODE_FLOAT || n->s.v.f != t[i].v : n->kind != NODE_STR)
			test_fail(__FILE__, __LINE__, "ParseFloat(\"%s\"): %s %g", t[i].in,
				  node_kind_name(n->kind), n->s.v.f);
	}
	CHECK(isinf(cast_one("max_failure_ratio", "-Infinity")->s.v.f));
	CHECK(cast_one("max_failure_ratio", "-Infinity")->s.v.f < 0);
	CHECK(isinf(cast_one("max_failure_ratio", "+inF")->s.v.f));
	CHECK(isnan(cast_one("max_failure_ratio", "NaN")->s.v.f));
}

void test_typecast__bools(void)
{
	static const char *const yes[] = { "y", "Y", "yes", "YES", "true", "True", "on", "oN" };
	static const char *const no[] = { "n", "N", "no", "No", "false", "FALSE", "off", "Off" };
	static const char *const bad[] = { "", "1", "0", "t", "f", "yess", " on" };
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		struct node *a = cast_one("tty", yes[i]), *b = cast_one("tty", no[i]);
		CHECK(a->kind == NODE_BOOL && a->s.v.b == 1);
		CHECK(b->kind == NODE_BOOL && b->s.v.b == 0);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_INT_EQ(cast_one("tty", bad[i])->kind, NODE_STR);
}

void test_typecast__dotted_keys(void)
{
	/* docker splits the joined path at '.': nothing under "web.v2" is cast */
	static const char *const vars[] = { "R", "3", NULL };
	struct node *r = load_cast("services:\n  web.v2:\n    deploy: {replicas: \"${R}\"}\n"
				   "  web:\n    ulimits: [\"${R}\"]\n",
				   vars, 0);
	struct node *svcs = node_map_get(r, "services");
	CHECK_INT_EQ(node_map_get(node_map_get(node_map_get(svcs, "web.v2"), "deploy"),
				  "replicas")
			     ->kind,
		     NODE_STR);
	/* "*" matches a list item too, as in docker */
	CHECK_INT_EQ(at(r, "services.web.ulimits.0")->kind, NODE_INT);
	CHECK_STR_EQ(test_diags(),
		     "test.yml:3:24: warning: services[\"web.v2\"].deploy.replicas: not converted to a "
		     "number: docker joins keys with '.' to find the values to convert, so a '.' in "
		     "a key above hides this one\n");
}

void test_typecast__dotted_keys_that_cast(void)
{
	/* the joined path is what counts: these split into paths docker casts */
	static const char *const vars[] = { "R", "3", "T", "yes", NULL };
	struct node *r = load_cast("services.web:\n  tty: \"${T}\"\n"
				   "services:\n"
				   "  web:\n"
				   "    deploy.replicas: \"${R}\"\n"
				   "    deploy.update_config:\n      parallelism: \"${R}\"\n"
				   "    deploy:\n      update_config.parallelism: \"${R}\"\n"
				   "      labels.replicas: \"${R}\"\n"
				   "    ports: [{target.x: \"${R}\", published: \"${R}\"}]\n"
				   "    ulimits:\n      nofile.soft: \"${R}\"\n      nproc.x: \"${R}\"\n"
				   "    volumes: [{volume.nocopy: \"${T}\"}]\n"
				   "    a..b: \"${R}\"\n"
				   "  x.y:\n    tty: \"${T}\"\n"
				   "networks:\n  n.internal: \"${T}\"\n",
				   vars, 0);
	struct node *web = at(r, "services.web");
	CHECK_INT_EQ(node_map_get(node_map_get(r, "services.web"), "tty")->kind, NODE_BOOL);
	CHECK_INT_EQ(node_map_get(web, "deploy.replicas")->kind, NODE_INT);
	CHECK_INT_EQ(node_map_get(node_map_get(web, "deploy.update_config"), "parallelism")->kind,
		     NODE_INT);
	struct node *deploy = node_map_get(web, "deploy");
	CHECK_INT_EQ(node_map_get(deploy, "update_config.parallelism")->kind, NODE_INT);
	CHECK_INT_EQ(node_map_get(deploy, "labels.replicas")->kind, NODE_STR);
	CHECK_INT_EQ(node_map_get(at(r, "services.web.ports.0"), "target.x")->kind, NODE_STR);
	CHECK_INT_EQ(at(r, "services.web.ports.0.published")->kind, NODE_INT);
	CHECK_INT_EQ(node_map_get(node_map_get(web, "ulimits"), "nofile.soft")->kind, NODE_INT);
	CHECK_INT_EQ(node_map_get(node_map_get(web, "ulimits"), "nproc.x")->kind, NODE_STR);
	CHECK_INT_EQ(node_map_get(at(r, "services.web.volumes.0"), "volume.nocopy")->kind,
		     NODE_BOOL);
	CHECK_INT_EQ(node_map_get(web, "a..b")->kind, NODE_STR);
	/* services["x.y"].tty is services.x.y.tty to docker: not cast, and said so (nproc.x too) */
	CHECK_INT_EQ(node_map_get(node_map_get(node_map_get(r, "services"), "x.y"), "tty")->kind,
		     NODE_STR);
	CHECK_INT_EQ(node_map_get(node_map_get(r, "networks"), "n.internal")->kind, NODE_BOOL);
	CHECK_STR_EQ(test_diags(),
		     "test.yml:14:16: warning: services.web.ulimits[\"nproc.x\"]: not converted to a "
		     "number: docker joins keys with '.' to find the values to convert, so a '.' in "
		     "a key above hides this one\n"
		     "test.yml:18:10: warning: services[\"x.y\"].tty: not converted to a boolean: "
		     "docker joins keys with '.' to find the values to convert, so a '.' in a key "
		     "above hides this one\n");
}

void test_typecast__failed_casts_are_marked(void)
{
	static const char *const vars[] = { "R", "three", "N", "2", NULL };
	struct node *r = load_cast("services:\n  web:\n    deploy: {replicas: \"${R}\"}\n"
				   "    healthcheck: {retries: \"${N}\"}\n", vars, -1);
	CHECK(at(r, "services.web.deploy.replicas")->flags & NODE_FAILED);
	CHECK(!(at(r, "services.web.healthcheck.retries")->flags & NODE_FAILED));
}
