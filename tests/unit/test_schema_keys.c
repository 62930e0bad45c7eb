/* Forbidden and swarm-ignored service keys. */
#include "base/node.h"
#include "base/diag.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "check/keys.h"
#include "tests/unit/harness.h"

void test_schema_keys__forbidden_is_an_error_at_the_key(void)
{
	struct node *root = test_load("services:\n"
				      "  web:\n"
				      "    image: x\n"
				      "    extends: foo\n"
				      "    cpu_shares: 5\n");
	CHECK_INT_EQ(schema_check_keys(test_run(), root), -1);
	CHECK_STR_EQ(test_diags(),
		     "test.yml:4:5: error: services.web: extends is not supported by docker stack: "
		     "docker stack does not implement extends; use several -f files or YAML anchors\n"
		     "test.yml:5:5: error: services.web: cpu_shares is not supported by docker stack: "
		     "set resource limits under deploy.resources instead\n");
}

void test_schema_keys__ignored_keys_warn(void)
{
	struct node *root = test_load("services:\n"
				      "  web:\n"
				      "    image: x\n"
				      "    build: .\n"
				      "    depends_on: [db]\n"
				      "    restart: always\n"
				      "    x-build: 1\n"
				      "  db:\n"
				      "    image: y\n"
				      "    restart: always\n"
				      "    deploy: {restart_policy: {condition: any}}\n"
				      "    tmpfs: /run\n");
	CHECK_INT_EQ(schema_check_keys(test_run(), root), 0);
	CHECK_STR_EQ(test_diags(),
		     "test.yml:4:5: warning: services.web: build is ignored by docker stack: swarm does not "
		     "build images; build and push the image, then set image\n"
		     "test.yml:5:5: warning: services.web: depends_on is ignored by docker stack: swarm "
		     "starts services in any order and restarts them until they work\n"
		     "test.yml:6:5: warning: services.web: restart: docker stack converts it to "
		     "deploy.restart_policy (condition: any); write that instead\n"
		     "test.yml:10:5: warning: services.db: restart is ignored by docker stack: "
		     "deploy.restart_policy takes precedence\n"
		     "test.yml:12:5: warning: services.db: tmpfs is ignored by docker stack: docker stack "
		     "drops it without a warning; use a volumes entry with type: tmpfs\n");
}

void test_schema_keys__odd_shapes_are_left_to_the_schema(void)
{
	CHECK_INT_EQ(schema_check_keys(test_run(), test_load("services:\n")), 0);
	CHECK_INT_EQ(schema_check_keys(test_run(), test_load("services: [a]\n")), 0);
	CHECK_INT_EQ(schema_check_keys(test_run(), test_load("services: {web: }\n")), 0);
	CHECK_INT_EQ(schema_check_keys(test_run(), test_load("[1]\n")), 0);
	CHECK_INT_EQ(schema_check_keys(test_run(), NULL), 0);
	CHECK_STR_EQ(test_diags(), "");
}

void test_schema_keys__every_listed_key_is_found(void)
{
	static const char *const keys[] = {
		"cpu_quota", "cpu_shares", "cpuset", "extends", "mem_limit", "memswap_limit",
		"volume_driver", "volumes_from",
		"build", "cgroup_parent", "cgroupns_mode", "container_name", "depends_on", "devices",
		"domainname", "expose", "external_links", "ipc", "links", "mac_address", "network_mode",
		"oom_score_adj", "pid", "privileged", "restart", "security_opt", "shm_size", "tmpfs",
		"userns_mode",
	};
	struct sbuf y = SBUF_INIT;
	sb_puts(&y, "services:\n  web:\n    image: x\n    x-extends: 1\n    volumes: []\n");
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		sb_printf(&y, "    %s: 1\n", keys[i]);
	struct node *root = test_load(y.buf);
	sbuf_release(&y);
	CHECK_INT_EQ(schema_check_keys(test_run(), root), -1);
	CHECK_INT_EQ(test_run()->diag.nerrors, 8);
	CHECK_INT_EQ(test_run()->diag.nwarnings, 21);
}

void test_schema_keys__forbidden_values_are_marked(void)
{
	struct node *root = test_load("services:\n  web:\n    image: x\n    extends: foo\n"
				      "    build: .\n");
	CHECK_INT_EQ(schema_check_keys(test_run(), root), -1);
	struct node *web = node_map_get(node_map_get(root, "services"), "web");
	CHECK(node_map_get(web, "extends")->flags & NODE_FAILED);
	CHECK(!(node_map_get(web, "build")->flags & NODE_FAILED));
	CHECK(!(node_map_get(web, "image")->flags & NODE_FAILED));
}

void test_schema_keys__misplaced_keys_say_what_they_are(void)
{
	struct sbuf m = SBUF_INIT;
	CHECK_INT_EQ(schema_misplaced_key(&m, "service", "develop"), 1);
	CHECK_STR_EQ(m.buf, ": a Compose Specification key that docker stack does not read");
	sbuf_reset(&m);
	CHECK_INT_EQ(schema_misplaced_key(&m, "service", "scale"), 1);
	CHECK_STR_EQ(m.buf, ": a Compose Specification key that docker stack does not read; "
			    "use deploy.replicas");
	sbuf_reset(&m);
	CHECK_INT_EQ(schema_misplaced_key(&m, "service", "replicas"), 1);
	CHECK_STR_EQ(m.buf, " (did you mean deploy.replicas?)");
	sbuf_reset(&m);
	CHECK_INT_EQ(schema_misplaced_key(&m, "", "name"), 1);
	sbuf_reset(&m);
	/* where matters: a top-level replicas or a service name is no known mistake */
	CHECK_INT_EQ(schema_misplaced_key(&m, "", "replicas"), 0);
	CHECK_INT_EQ(schema_misplaced_key(&m, "service", "name"), 0);
	CHECK_INT_EQ(schema_misplaced_key(&m, "service", "imgae"), 0);
	CHECK_INT_EQ((int)m.len, 0);
	sbuf_release(&m);
}
