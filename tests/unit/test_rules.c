/*
 * Swarm rules, one test (at least) per rule. Inputs are written in the
 * normalized shape `docker stack config` prints, as the rules see it.
 */
#include "base/diag.h"
#include "base/node.h"
#include "base/path.h"
#include "base/run.h"
#include "check/rules.h"
#include "tests/unit/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char *rules(const char *yaml, int deploy, int rc)
{
	struct node *root = test_load(yaml);
	int got = swarm_rules_check(test_run(), root, deploy, NULL);
	if (got != rc)
		test_fail(__FILE__, __LINE__, "swarm_rules_check returned %d, expected %d:\n%s", got, rc,
			  test_diags());
	return test_diags();
}

/* One service "web" with image x and the given extra lines (indented 4). */
#define WEB(extra) "version: \"3.13\"\nservices:\n  web:\n    image: x\n" extra

void test_rules__clean_project_passes(void)
{
	const char *d = rules("version: \"3.13\"\n"
			      "services:\n"
			      "  web:\n"
			      "    image: nginx\n"
			      "    deploy:\n"
			      "      mode: replicated\n"
			      "      replicas: 2\n"
			      "      endpoint_mode: vip\n"
			      "      update_config: {failure_action: rollback, order: start-first, delay: 10s}\n"
			      "      rollback_config: {failure_action: pause}\n"
			      "      resources:\n"
			      "        limits: {cpus: \"0.5\", memory: \"52428800\"}\n"
			      "        reservations: {cpus: \"0.25\", memory: \"1024\"}\n"
			      "      restart_policy: {condition: on-failure}\n"
			      "      placement:\n"
			      "        constraints: [node.role == manager, node.labels.zone!=a, \"engine.labels.os == linux\"]\n"
			      "    networks: {front: null, default: null}\n"
			      "    ports:\n"
			      "      - {mode: ingress, target: 80, published: 80, protocol: tcp}\n"
			      "      - {mode: ingress, target: 53, published: 80, protocol: udp}\n"
			      "      - {mode: host, target: 81, published: 81, protocol: tcp}\n"
			      "    secrets: [{source: s}]\n"
			      "    configs: [{source: c, target: /c}]\n"
			      "    volumes:\n"
			      "      - {type: volume, source: data, target: /data}\n"
			      "      - {type: volume, target: /anon}\n"
			      "      - {type: bind, source: /tmp, target: /tmp}\n"
			      "  worker:\n"
			      "    image: nginx\n"
			      "    deploy: {mode: global}\n"
			      "    ports: [{mode: host, target: 81, published: 81, protocol: tcp}]\n"
			      "networks: {front: {}}\n"
			      "volumes: {data: {}}\n"
			      "secrets: {s: {name: s, external: true}}\n"
			      "configs: {c: {name: c, external: true}}\n",
			      1, 0);
	CHECK_STR_EQ(d, "");
}

void test_rules__deploy_mode(void)
{
	const char *d = rules(WEB("    deploy: {mode: bogus}\n"), 0, -1);
	CHECK_STR_EQ(d, "test.yml:5:20: error: services.web.deploy.mode: unknown mode \"bogus\" "
			"(expected replicated, global, replicated-job or global-job)\n");
	rules(WEB("    deploy: {mode: replicated-job}\n"), 0, 0);
}

void test_rules__replicas_with_global(void)
{
	const char *d = rules(WEB("    deploy: {mode: global, replicas: 2}\n"), 0, -1);
	CHECK_STR_EQ(d, "test.yml:5:38: error: services.web.deploy.replicas: replicas cannot be used "
			"with mode global (a global service runs one task per node)\n");
	rules(WEB("    deploy: {mode: replicated-job, replicas: 2}\n"), 0, 0);
}

void test_rules__max_replicas_with_global(void)
{
	const char *d = rules(WEB("    deploy:\n      mode: global-job\n"
				  "      placement: {max_replicas_per_node: 1}\n"), 0, -1);
	CHECK_STR_EQ(d, "test.yml:7:42: error: services.web.deploy.placement.max_replicas_per_node: "
			"max_replicas_per_node cannot be used with mode global-job (only with replicated modes)\n");
}

void test_rules__constraints(void)
{
	const char *d = rules(WEB("    deploy:\n      placement:\n        constraints:\n"
				  "          - node.role = manager\n"
				  "          - node.rol == manager\n"
				  "          - node.role == boss\n"
				  "          - node.labels.a == x,y\n"
				  "          - \"== x\"\n"
				  "          - node.ip != 10.0.0.0/33\n"
				  "          - NODE.HOSTNAME != a\n"
				  "          - node.ip == 10.1.0.0/16\n"
				  "          - node.labels.== x\n"),
			      0, -1);
	CHECK_STR_EQ(d,
		     "test.yml:8:13: error: services.web.deploy.placement.constraints[0]: constraint \"node.role = manager\" has no operator (expected key==value or key!=value)\n"
		     "test.yml:9:13: error: services.web.deploy.placement.constraints[1]: unknown constraint key \"node.rol\" (expected node.id, node.hostname, node.ip, node.role, node.platform.os, node.platform.arch, node.labels.<label> or engine.labels.<label>); no node would ever match\n"
		     "test.yml:10:13: error: services.web.deploy.placement.constraints[2]: node.role is manager or worker, not \"boss\"\n"
		     "test.yml:11:13: error: services.web.deploy.placement.constraints[3]: invalid constraint value \"x,y\" (letters, digits, spaces and :-_.*()?+[]\\^$|/ only)\n"
		     "test.yml:12:13: error: services.web.deploy.placement.constraints[4]: invalid constraint key \"\" (letters, digits, \".\", \"-\" and \"_\")\n"
		     "test.yml:13:13: error: services.web.deploy.placement.constraints[5]: node.ip needs an IP address or a CIDR network, not \"10.0.0.0/33\"\n"
		     "test.yml:16:13: error: services.web.deploy.placement.constraints[8]: unknown constraint key \"node.labels.\" (expected node.id, node.hostname, node.ip, node.role, node.platform.os, node.platform.arch, node.labels.<label> or engine.labels.<label>); no node would ever match\n");
}

void test_rules__cpus(void)
{
	const char *d = rules(WEB("    deploy:\n      resources:\n"
				  "        limits: {cpus: \"0\"}\n"
				  "        reservations: {cpus: \"half\"}\n"), 0, -1);
	CHECK_STR_EQ(d, "test.yml:7:24: error: services.web.deploy.resources.limits.cpus: cpus must be greater than 0, got \"0\"\n"
			"test.yml:8:30: error: services.web.deploy.resources.reservations.cpus: invalid cpus \"half\": \"half\" is not a number\n");
	d = rules(WEB("    deploy: {resources: {limits: {cpus: \"0.0000000001\"}}}\n"), 0, -1);
	CHECK(strstr(d, "invalid cpus \"0.0000000001\": too precise (at most 9 decimal places)\n"));
}

void test_rules__memory(void)
{
	const char *d = rules(WEB("    deploy:\n      resources:\n"
				  "        limits: {memory: \"1048576\"}\n"
				  "        reservations: {memory: 5X}\n"), 0, -1);
	CHECK_STR_EQ(d, "test.yml:7:26: error: services.web.deploy.resources.limits.memory: memory limit \"1048576\" is below the Engine's minimum of 6MiB (6291456 bytes)\n"
			"test.yml:8:32: error: services.web.deploy.resources.reservations.memory: invalid memory \"5X\": invalid suffix: 'x' (expected a byte count with an optional unit b, k, m, g, t or p, such as 512M)\n");
	/* reservations may be small; units are still understood */
	rules(WEB("    deploy: {resources: {limits: {memory: 6M}, reservations: {memory: 1k}}}\n"), 0, 0);
	/* plain byte counts (as normalize writes them) at the limit, and past the short-cut's digits */
	rules(WEB("    deploy: {resources: {limits: {memory: \"6291456\"}}}\n"), 0, 0);
	CHECK(strstr(rules(WEB("    deploy: {resources: {limits: {memory: \"06291455\"}}}\n"), 0, -1),
		     "memory limit \"06291455\" is below") != NULL);
	rules(WEB("    deploy: {resources: {limits: {memory: \"1000000000000000\"}}}\n"), 0, 0);
}

void test_rules__update_config(void)
{
	const char *d = rules(WEB("    deploy:\n"
				  "      update_config: {failure_action: stop, order: first, max_failure_ratio: 1.5}\n"
				  "      rollback_config: {failure_action: rollback, delay: -1s}\n"), 0, -1);
	CHECK_STR_EQ(d,
		     "test.yml:6:39: error: services.web.deploy.update_config.failure_action: unknown failure_action \"stop\" (expected pause, continue or rollback)\n"
		     "test.yml:6:52: error: services.web.deploy.update_config.order: unknown order \"first\" (expected start-first or stop-first)\n"
		     "test.yml:6:78: error: services.web.deploy.update_config.max_failure_ratio: max_failure_ratio must be between 0 and 1, got 1.5\n"
		     "test.yml:7:41: error: services.web.deploy.rollback_config.failure_action: unknown failure_action \"rollback\" (expected pause or continue)\n"
		     "test.yml:7:58: error: services.web.deploy.rollback_config.delay: delay must not be negative, got \"-1s\"\n");
}

void test_rules__restart_condition(void)
{
	const char *d = rules(WEB("    deploy: {restart_policy: {condition: always}}\n"), 0, -1);
	CHECK_STR_EQ(d, "test.yml:5:42: error: services.web.deploy.restart_policy.condition: unknown "
			"restart condition \"always\" (expected none, on-failure or any)\n");
}

void test_rules__endpoint_mode(void)
{
	const char *d = rules(WEB("    deploy: {endpoint_mode: rr}\n"), 0, -1);
	CHECK_STR_EQ(d, "test.yml:5:29: error: services.web.deploy.endpoint_mode: unknown "
			"endpoint_mode \"rr\" (expected vip or dnsrr)\n");
	rules(WEB("    deploy: {endpoint_mode: DNSRR}\n"), 0, 0);
}

void test_rules__dnsrr_with_ingress_ports(void)
{
	const char *d = rules(WEB("    deploy: {endpoint_mode: dnsrr}\n"
				  "    ports:\n"
				  "      - {mode: ingress, target: 80, published: 8080, protocol: tcp}\n"
				  "      - {mode: host, target: 81, published: 8081, protocol: tcp}\n"
				  "      - {mode: ingress, target: 82, protocol: tcp}\n"), 0, -1);
	CHECK_STR_EQ(d, "test.yml:7:48: error: services.web.ports[0]: a port published in ingress mode "
			"cannot be used with endpoint_mode dnsrr (publish it with mode: host, or use endpoint_mode vip)\n"
			"test.yml:5:29: note: endpoint_mode set here\n");
}

void test_rules__port_spec(void)
{
	const char *d = rules(WEB("    ports: [{mode: global, target: 80, protocol: icmp}]\n"), 0, -1);
	CHECK_STR_EQ(d, "test.yml:5:20: error: services.web.ports[0]: unknown port mode \"global\" (expected ingress or host)\n"
			"test.yml:5:50: error: services.web.ports[0]: unknown protocol \"icmp\" (expected tcp, udp or sctp)\n");
}

void test_rules__port_conflicts(void)
{
	const char *d = rules("version: \"3.13\"\n"
			      "services:\n"
			      "  a:\n"
			      "    image: x\n"
			      "    ports:\n"
			      "      - {mode: ingress, target: 80, published: 80, protocol: tcp}\n"
			      "      - {mode: ingress, target: 81, published: 80, protocol: udp}\n"
			      "      - {mode: host, target: 82, published: 82, protocol: tcp}\n"
			      "      - {mode: host, target: 83, published: 82, protocol: tcp}\n"
			      "  b:\n"
			      "    image: x\n"
			      "    ports:\n"
			      "      - {target: 8080, published: 80}\n"
			      "      - {mode: host, target: 82, published: 82, protocol: tcp}\n",
			      0, -1);
	CHECK_STR_EQ(d, "test.yml:9:45: error: services.a.ports[3]: port 82/tcp is already published by this service\n"
			"test.yml:8:45: note: published here\n"
			"test.yml:13:35: error: services.b.ports[0]: port 80/tcp is already published by service \"a\"\n"
			"test.yml:6:48: note: published here\n");
}

void test_rules__undefined_references(void)
{
	const char *d = rules(WEB("    networks: {front: null, back: null, default: null}\n"
				  "    secrets: [{source: s1}, {source: s2}]\n"
				  "    configs: [{source: c1}]\n"
				  "    volumes:\n"
				  "      - {type: volume, source: data, target: /d}\n"
				  "      - {type: volume, source: logs, target: /l}\n"
				  "networks: {front: {}}\nvolumes: {data: {}}\nsecrets: {s1: {file: /etc/hostname}}\n"),
			      0, -1);
	CHECK_STR_EQ(d, "test.yml:5:29: error: services.web.networks.back: undefined network \"back\" (declare it under the top-level networks)\n"
			"test.yml:6:38: error: services.web.secrets[1].source: undefined secret \"s2\" (declare it under the top-level secrets)\n"
			"test.yml:7:24: error: services.web.configs[0].source: undefined config \"c1\" (declare it under the top-level configs)\n"
			"test.yml:10:32: error: services.web.volumes[1].source: undefined volume \"logs\" (declare it under the top-level volumes)\n");
}

void test_rules__external_conflicts(void)
{
	const char *d = rules("version: \"3.13\"\nservices: {}\n"
			      "volumes:\n  v: {name: v, external: true, driver: local}\n"
			      "networks:\n  n: {name: n, external: true, attachable: true}\n"
			      "secrets:\n  s: {name: s, external: true, file: ./x}\n"
			      "configs:\n  c: {name: c, labels: {a: b}}\n",
			      0, -1);
	CHECK_STR_EQ(d, "test.yml:4:32: error: volumes.v: driver cannot be set on an external volume: it is created outside this stack\n"
			"test.yml:6:32: warning: networks.n: attachable cannot be set on an external network: it is created outside this stack, so this is ignored\n"
			"test.yml:8:32: warning: secrets.s: file cannot be set on an external secret: it is created outside this stack, so this is ignored\n");
}

void test_rules__missing_image(void)
{
	const char *y = "version: \"3.13\"\nservices:\n  web:\n    deploy: {replicas: 1}\n";
	CHECK_STR_EQ(rules(y, 0, 0), "test.yml:3:3: warning: services.web: service \"web\" has no image (swarm cannot build; set image)\n");
}

void test_rules__missing_image_is_an_error_when_deploying(void)
{
	const char *y = "version: \"3.13\"\nservices:\n  web:\n    deploy: {replicas: 1}\n";
	CHECK_STR_EQ(rules(y, 1, -1), "test.yml:3:3: error: services.web: service \"web\" has no image (swarm cannot build; set image)\n");
}

void test_rules__secret_and_config_files(void)
{
	char dir[] = "/tmp/stackc-rules-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char file[64], yaml[512];
	snprintf(file, sizeof(file), "%s/s.txt", dir);
	FILE *f = fopen(file, "w");
	CHECK(f != NULL);
	fputs("x", f);
	fclose(f);
	snprintf(yaml, sizeof(yaml),
		 "version: \"3.13\"\nservices: {}\n"
		 "secrets:\n"
		 "  ok: {file: %s}\n"
		 "  gone: {file: %s/nope}\n"
		 "  dir: {file: %s}\n"
		 "  ext: {name: ext, external: true, file: ./nope}\n"
		 "  drv: {driver: vault, file: ./nope}\n"
		 "configs:\n"
		 "  c: {file: %s/nope}\n",
		 file, dir, dir, dir);
	struct node *root = test_load(yaml);
	CHECK_INT_EQ(swarm_rules_check(test_run(), root, 0, NULL), 0);
	/* three files, and file: on the external secret */
	CHECK_INT_EQ(test_run()->diag.nwarnings, 4);
	CHECK_INT_EQ(swarm_rules_check(test_run(), root, 1, NULL), -1);
	CHECK_INT_EQ(test_run()->diag.nerrors, 3);
	const char *d = test_diags();
	CHECK(strstr(d, "test.yml:5:16: error: secrets.gone.file: file \"") != NULL);
	CHECK(strstr(d, "/nope\" does not exist\n") != NULL);
	CHECK(strstr(d, "test.yml:6:15: error: secrets.dir.file: \"") != NULL);
	CHECK(strstr(d, "is not a regular file (with no file:, it defaults to the project directory)\n") != NULL);
	CHECK(strstr(d, "test.yml:10:13: error: configs.c.file: file \"") != NULL);
	CHECK(strstr(d, "secrets.ok") == NULL && strstr(d, "secrets.ext.file") == NULL &&
	      strstr(d, "secrets.drv") == NULL);
	unlink(file);
	rmdir(dir);
}

void test_rules__odd_shapes_are_ignored(void)
{
	CHECK_INT_EQ(swarm_rules_check(test_run(), NULL, 1, NULL), 0);
	rules("[1]\n", 1, 0);
	rules("services: [a]\nnetworks: 5\n", 1, 0);
	rules("services:\n  web: 5\n", 1, 0);
}

/* The hand-written image reference matcher decides exactly what docker's grammar does. */
void test_rules__image_ref_matcher_agrees_with_the_grammar(void)
{
	static const char *const refs[] = {
		"nginx", "nginx:1.25", "library/nginx:latest", "registry.example.com/acme/web:1.4.2",
		"localhost:5000/a/b", "localhost/a", "[::1]:5000/a:t", "[::1]/a", "[]/a", "[::1]x/a",
		"[g]/a", "a:b:c", "a/b:c/d", "host:/a", "host:x/a", "host:5000", "Host.Example/a",
		"-host/a", "host-/a", "ho-st/a", "a..b/c", "a.b/c", "a_b", "a__b", "a___b", "a-b",
		"a--b", "a._b", "a.", ".a", "a_", "_a", "-a", "a-", "A", "a/B", "a/", "/a", "a//b",
		"", ":", ":t", "a:", "a:_t", "a:.t", "a:-t", "a:t.-_", "a:\xc3\xa9",
		"a:0123456789012345678901234567890123456789012345678901234567890123456789012345678"
		"901234567890123456789012345678901234567890123456789",
		"a:01234567890123456789012345678901234567890123456789012345678901234567890123456789"
		"01234567890123456789012345678901234567890123456789",
		"a@sha256:0123456789abcdef0123456789abcdef", "a@sha256:0123456789abcdef0123456789abcde",
		"a:t@sha256:0123456789ABCDEF0123456789abcdef01", "a@sha256+b.c:0123456789abcdef0123456789abcdef",
		"a@sha256+:0123456789abcdef0123456789abcdef", "a@+sha:0123456789abcdef0123456789abcdef",
		"a@1sha:0123456789abcdef0123456789abcdef", "a@:0123456789abcdef0123456789abcdef",
		"a@sha256:0123456789abcdef0123456789abcdeg", "a@b@sha256:0123456789abcdef0123456789abcdef",
		"a@sha256", "a@", "h.io:5000/x/y:z@s:0123456789abcdef0123456789abcdef", "x\n", "a b",
		"a-.b", "a.-b", "ex\xc3\xa4mple.com/a", "1.2.3.4/a", "a.b.c:1/d_e/f--g:v1.2-rc_3",
	};
	for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++)
		if (swarm_image_ref_selftest(refs[i]) < 0)
			test_fail(__FILE__, __LINE__, "matcher and grammar disagree on %s", refs[i]);
	/* and on random strings made of the grammar's pieces (a fixed generator: reproducible) */
	static const char *const pieces[] = { "a", "b9", "Z", ".", "_", "__", "-", "--", ":", "/",
					      "@", "[", "]", "5000", "sha256:", "0123456789abcdef",
					      "+", "localhost", "x.io" };
	uint32_t seed = 12345;
	for (int i = 0; i < 20000; i++) {
		char ref[96] = "";
		size_t len = 0;
		seed = seed * 1103515245u + 12345u;
		for (int n = 1 + (int)((seed >> 16) % 12); n > 0; n--) {
			seed = seed * 1103515245u + 12345u;
			const char *p = pieces[(seed >> 16) % (sizeof(pieces) / sizeof(pieces[0]))];
			for (int rep = p[0] == '0' ? 2 : 1; rep > 0 && len + strlen(p) < sizeof(ref); rep--) {
				memcpy(ref + len, p, strlen(p) + 1);
				len += strlen(p);
			}
		}
		if (swarm_image_ref_selftest(ref) < 0)
			test_fail(__FILE__, __LINE__, "matcher and grammar disagree on %s", ref);
	}
	CHECK_INT_EQ(swarm_image_ref_selftest("registry.example.com/acme/web:1.4.2"), 1);
	CHECK_INT_EQ(swarm_image_ref_selftest("a___b"), 0);
}

/* A gap at the dotted path (keys only; "[]" for a list item). */
static void gap(struct rules_gaps *g, const char *dotted)
{
	struct path_steps p = PATH_STEPS_INIT;
	char *copy = strdup(dotted), *save = NULL;
	for (char *k = strtok_r(copy, ".", &save); k; k = strtok_r(NULL, ".", &save)) {
		if (!strcmp(k, "[]"))
			path_steps_index(&p, 0);
		else /* the keys must outlive the rules: the run's arena keeps them */
			path_steps_key(&p, node_new_str(&test_run()->arena, POS_NONE, k)->s.text);
	}
	rules_gaps_add(g, &p);
	path_steps_release(&p);
	free(copy);
}

void test_rules__gaps_are_paths_of_keys(void)
{
	struct rules_gaps g = RULES_GAPS_INIT;
	gap(&g, "services.web.ports.[].mode");
	gap(&g, "networks");
	CHECK_INT_EQ(g.n, 2);
	CHECK_INT_EQ(g.v[0].n, 3); /* cut before the item */
	CHECK_STR_EQ(g.v[0].keys[2], "ports");
	CHECK_INT_EQ(g.v[1].n, 1);
	rules_gaps_release(&g);
	CHECK_INT_EQ(g.n, 0);
}

void test_rules__nothing_is_concluded_from_a_gap(void)
{
	static const char yaml[] =
		"version: \"3.13\"\n"
		"services:\n"
		"  web:\n"                                        /* no image: it failed */
		"    networks: {front: null, back: null}\n"       /* front's declaration failed */
		"    secrets: [{source: s}]\n"                    /* the secrets section failed */
		"    ports: [{target: 80, published: 80}]\n"      /* a port's mode failed */
		"    deploy:\n"
		"      mode: global\n"                            /* overridden by a failed mode */
		"      replicas: 2\n"
		"      endpoint_mode: dnsrr\n"                    /* overridden by a failed one */
		"      resources: {limits: {cpus: \"0\"}}\n"    /* overridden by failed cpus */
		"      restart_policy: {condition: always}\n"     /* depends on nothing that failed */
		"  db:\n"
		"    image: x\n"
		"    ports: [{target: 80, published: 80}]\n"
		"volumes:\n"
		"  v: {external: true, driver: local}\n";          /* external's value failed */
	struct rules_gaps g = RULES_GAPS_INIT;
	gap(&g, "services.web.image");
	gap(&g, "networks.front");
	gap(&g, "secrets");
	gap(&g, "services.web.ports.[].mode");
	gap(&g, "services.web.deploy.mode");
	gap(&g, "services.web.deploy.endpoint_mode");
	gap(&g, "services.web.deploy.resources.limits.cpus");
	gap(&g, "volumes.v.external");
	struct node *root = test_load(yaml);
	/* without the gaps: all of it */
	CHECK_INT_EQ(swarm_rules_check(test_run(), root, 1, NULL), -1);
	CHECK_INT_EQ(test_run()->diag.nerrors, 10);
	diag_release(&test_run()->diag);
	diag_init(&test_run()->diag, &test_run()->arena, &test_run()->sources);
	CHECK_INT_EQ(swarm_rules_check(test_run(), root, 1, &g), -1);
	CHECK_STR_EQ(test_diags(),
		     "test.yml:4:29: error: services.web.networks.back: undefined network \"back\" "
		     "(declare it under the top-level networks)\n"
		     "test.yml:12:35: error: services.web.deploy.restart_policy.condition: unknown restart "
		     "condition \"always\" (expected none, on-failure or any)\n");
	rules_gaps_release(&g);
}
