/*
 * Per-file normalization: each rule on small inputs, then the recorded
 * docker cases (../shared/reference) compared as trees with docker's output.
 */
#include "base/diag.h"
#include "base/path.h"
#include "compose/load.h"
#include "base/node.h"
#include "compose/normalize.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "tests/unit/harness.h"

#include <dirent.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- tree comparison ---- */

static int scalar_eq(const struct node *a, const struct node *b)
{
	switch (a->kind) {
	case NODE_NULL:
		return 1;
	case NODE_BOOL:
		return a->s.v.b == b->s.v.b;
	case NODE_INT:
		return (a->flags & NODE_UNSIGNED) == (b->flags & NODE_UNSIGNED) &&
		       a->s.v.i == b->s.v.i;
	case NODE_FLOAT:
		return a->s.v.f == b->s.v.f || (isnan(a->s.v.f) && isnan(b->s.v.f));
	case NODE_STR:
		return a->len == b->len && !memcmp(a->s.text, b->s.text, a->len);
	default:
		return 0;
	}
}

/* 0 when equal (maps ignore order); otherwise the first difference is described in why. */
static int tree_diff(const struct node *got, const struct node *want, struct sbuf *path,
		     struct sbuf *why)
{
	/* a float docker prints without a fraction reads back as an int */
	int num_text_eq = got->kind == NODE_FLOAT && want->kind == NODE_INT &&
			  !strcmp(got->s.text, want->s.text);
	if (got->kind != want->kind && !num_text_eq) {
		sb_printf(why, "%s: %s, expected %s", path->buf, node_kind_name(got->kind),
			  node_kind_name(want->kind));
		return -1;
	}
	size_t mark = path->len;
	if (got->kind == NODE_SEQ) {
		if (got->seq.n != want->seq.n) {
			sb_printf(why, "%s: %zu items, expected %zu", path->buf, (size_t)got->seq.n,
				  (size_t)want->seq.n);
			return -1;
		}
		for (size_t i = 0; i < got->seq.n; i++) {
			path_push_index(path, i);
			int r = tree_diff(got->seq.v[i], want->seq.v[i], path, why);
			sbuf_setlen(path, mark);
			if (r)
				return r;
		}
		return 0;
	}
	if (got->kind == NODE_MAP) {
		for (size_t i = 0; i < got->map.n; i++)
			if (!node_map_find(want, got->map.v[i].key)) {
				sb_printf(why, "%s: unexpected key %s", path->buf, got->map.v[i].key);
				return -1;
			}
		for (size_t i = 0; i < want->map.n; i++) {
			const struct node_entry *w = &want->map.v[i];
			struct node *g = node_map_get(got, w->key);
			if (!g) {
				sb_printf(why, "%s: missing key %s", path->buf, w->key);
				return -1;
			}
			path_push_key(path, w->key);
			int r = tree_diff(g, w->val, path, why);
			sbuf_setlen(path, mark);
			if (r)
				return r;
		}
		return 0;
	}
	if (!num_text_eq && !scalar_eq(got, want)) {
		sb_printf(why, "%s: %s %s, expected %s", path->buf, node_kind_name(got->kind),
			  got->s.text, want->s.text);
		return -1;
	}
	return 0;
}

static void check_tree(const char *file, int line, const struct node *got, const char *yaml)
{
	struct node *want = test_load(yaml);
	struct sbuf path = SBUF_INIT, why = SBUF_INIT;
	int r = tree_diff(got, want, &path, &why);
	if (r) {
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s", why.buf);
		sbuf_release(&path);
		sbuf_release(&why);
		test_fail(file, line, "tree differs: %s", msg);
	}
	sbuf_release(&path);
	sbuf_release(&why);
}
#define CHECK_TREE(got, yaml) check_tree(__FILE__, __LINE__, (got), (yaml))

/* ---- running normalize on YAML text ---- */

struct env {
	const char *const *kv; /* name, value, ..., NULL */
};

static const char *env_get(void *ctx, const char *name)
{
	const struct env *e = ctx;
	for (const char *const *p = e->kv; p && *p; p += 2)
		if (!strcmp(p[0], name))
			return p[1];
	return NULL;
}

static const char *const no_env[] = { NULL };

/* normalize yaml with workdir /w and HOME=/home/user; rc is normalize_file's result */
static struct node *norm_env(const char *yaml, const char *const *kv, int *rc)
{
	struct node *root = test_load(yaml);
	struct env e = { kv };
	struct normalize_opts o = { "/w", "/home/user", env_get, &e, NULL, NULL };
	struct node *out = NULL;
	*rc = normalize_file(&out, test_run(), root, &o);
	CHECK(out != NULL);
	return out;
}

static struct node *norm(const char *yaml)
{
	int rc;
	struct node *out = norm_env(yaml, no_env, &rc);
	if (rc)
		test_fail(__FILE__, __LINE__, "normalize failed: %s", test_diags());
	return out;
}

/* normalize must fail with a diagnostic containing msg */
static void check_error(const char *file, int line, const char *yaml, const char *msg)
{
	int rc;
	norm_env(yaml, no_env, &rc);
	const char *d = test_diags();
	if (rc != -1 || !strstr(d, msg))
		test_fail(file, line, "expected an error with \"%s\", got rc %d and: %s", msg, rc, d);
}
#define CHECK_ERROR(yaml, msg) check_error(__FILE__, __LINE__, (yaml), (msg))

/* the diagnostics so far must contain want */
static void check_diag(const char *file, int line, const char *want)
{
	const char *d = test_diags();
	if (!strstr(d, want))
		test_fail(file, line, "no diagnostic \"%s\" in:\n%s", want, d);
}
#define CHECK_DIAG(want) check_diag(__FILE__, __LINE__, (want))

static struct node *svc(struct node *root, const char *name)
{
	struct node *s = node_map_get(node_map_get(root, "services"), name);
	CHECK(s != NULL);
	return s;
}

/* ---- rules ---- */

void test_normalize__ports_short_syntax(void)
{
	struct node *r = norm("services:\n  web:\n    ports:\n"
			      "      - \"80\"\n      - 3000\n      - \"80/UDP\"\n"
			      "      - \"8080:80/tcp\"\n      - \"8000-8001:92\"\n"
			      "      - \"9998-10001:9998-10001\"\n      - \"0:93\"\n"
			      "      - {target: 5000, published: 5001}\n      - \"1:0\"\n");
	CHECK_TREE(svc(r, "web"),
		   "ports:\n"
		   "- {mode: ingress, target: 80, protocol: tcp}\n"
		   "- {mode: ingress, target: 3000, protocol: tcp}\n"
		   "- {mode: ingress, target: 80, protocol: udp}\n"
		   "- {mode: ingress, target: 80, published: 8080, protocol: tcp}\n"
		   "- {mode: ingress, target: 92, published: 8000, protocol: tcp}\n"
		   "- {mode: ingress, target: 92, published: 8001, protocol: tcp}\n"
		   "- {mode: ingress, target: 10000, published: 10000, protocol: tcp}\n"
		   "- {mode: ingress, target: 10001, published: 10001, protocol: tcp}\n"
		   "- {mode: ingress, target: 9998, published: 9998, protocol: tcp}\n"
		   "- {mode: ingress, target: 9999, published: 9999, protocol: tcp}\n"
		   "- {mode: ingress, target: 93, protocol: tcp}\n"
		   "- {target: 5000, published: 5001}\n"
		   "- {mode: ingress, published: 1, protocol: tcp}\n");
}

void test_normalize__ports_host_ip_dropped_with_warning(void)
{
	struct node *r = norm("services:\n  web:\n    ports: [\"127.0.0.1:8443:443/udp\", "
			      "\"[::1]:91:91\", \"0.0.0.0:92:92\", \"1.2.3.4:8200-8201:200-201\"]\n");
	CHECK_TREE(svc(r, "web"),
		   "ports:\n"
		   "- {mode: ingress, target: 443, published: 8443, protocol: udp}\n"
		   "- {mode: ingress, target: 91, published: 91, protocol: tcp}\n"
		   "- {mode: ingress, target: 92, published: 92, protocol: tcp}\n"
		   "- {mode: ingress, target: 200, published: 8200, protocol: tcp}\n"
		   "- {mode: ingress, target: 201, published: 8201, protocol: tcp}\n");
	CHECK_DIAG("test.yml:3:13: warning: services.web.ports[0]: ignoring IP-address "
			"(127.0.0.1:8443:443/udp) service will listen on '0.0.0.0'");
	CHECK_DIAG("ignoring IP-address ([::1]:91:91/tcp)");
	CHECK_DIAG("(1.2.3.4:8201:201/tcp)");
	CHECK(!strstr(test_diags(), "0.0.0.0:92"));
	CHECK_INT_EQ(test_run()->diag.nwarnings, 4);
}

void test_normalize__ports_errors(void)
{
	CHECK_ERROR("services:\n  web:\n    ports: [8080.5]\n", "services.web.ports[0]: must be");
	CHECK_ERROR("services:\n  web:\n    ports: [\"80/xyz\"]\n", "unknown protocol \"xyz\"");
	CHECK_ERROR("services:\n  web:\n    ports: [\"8000:80-81\"]\n", "differ in size");
	CHECK_ERROR("services:\n  web:\n    ports: [\"65536:80\"]\n", "invalid published port");
	CHECK_ERROR("services:\n  web:\n    ports: [{target: -1}]\n", "must not be negative");
}

void test_normalize__volumes_short_syntax(void)
{
	struct node *r = norm("services:\n  web:\n    volumes:\n"
			      "      - \".:/app\"\n      - \"/src:/dst:rw,z\"\n"
			      "      - \"/p:/q:ro,rshared\"\n      - \"vol:/x:ro,nocopy\"\n"
			      "      - \"C:\\\\data:/wdata\"\n      - \"~/c:/home\"\n"
			      "      - \"../up/./x/:/up\"\n      - \"ab\"\n      - /anon\n"
			      "      - {type: bind, source: ./rel, target: /rel, bind: {}}\n"
			      "      - {type: volume, source: ./notabind, target: /v}\n");
	CHECK_TREE(svc(r, "web"),
		   "volumes:\n"
		   "- {type: bind, source: /w, target: /app}\n"
		   "- {type: bind, source: /src, target: /dst}\n"
		   "- {type: bind, source: /p, target: /q, read_only: true, bind: {propagation: rshared}}\n"
		   "- {type: volume, source: vol, target: /x, read_only: true, volume: {nocopy: true}}\n"
		   "- {type: bind, source: 'C:\\data', target: /wdata}\n"
		   "- {type: bind, source: /home/user/c, target: /home}\n"
		   "- {type: bind, source: /up/x, target: /up}\n"
		   "- {type: volume, target: ab}\n"
		   "- {type: volume, target: /anon}\n"
		   "- {type: bind, source: /w/rel, target: /rel, bind: {}}\n"
		   "- {type: volume, source: ./notabind, target: /v}\n");
}

void test_normalize__volumes_errors_and_home(void)
{
	CHECK_ERROR("services:\n  web:\n    volumes: [\"\"]\n", "invalid empty volume spec");
	CHECK_ERROR("services:\n  web:\n    volumes: [\"/a:/b:ro:x\"]\n", "too many colons");
	CHECK_ERROR("services:\n  web:\n    volumes: [\"/a::/b\"]\n", "empty section between colons");
	CHECK_ERROR("services:\n  web:\n    volumes: [{type: bind, target: /x}]\n",
		    "services.web.volumes[0]: a bind mount needs a source");

	struct node *root = test_load("services:\n  web:\n    volumes: [\"~/c:/c\"]\n");
	struct normalize_opts o = { "/w", NULL, NULL, NULL, NULL, NULL };
	struct node *out;
	CHECK_INT_EQ(normalize_file(&out, test_run(), root, &o), 0);
	CHECK_TREE(svc(out, "web"), "volumes: [{type: bind, source: /w/~/c, target: /c}]\n");
	CHECK_DIAG("warning: services.web.volumes[0]: cannot expand '~'");
}

void test_normalize__environment_and_labels(void)
{
	static const char *const kv[] = { "SHELL_SET", "from-shell", "EMPTY_SET", "filled", NULL };
	int rc;
	struct node *r = norm_env("services:\n  web:\n"
				  "    environment: [FOO=bar, EMPTY=, NOVAL, SHELL_SET, EMPTY_SET=, A=b=c,"
				  " DUP=1, DUP=2, LATE=x, LATE]\n"
				  "    labels: [com.example=1, flag, twice=1, twice]\n"
				  "    sysctls: {net.core.somaxconn: 1024, b: null, c: 1.50, d: 1e6}\n"
				  "    deploy: {labels: {n: 0440, big: 18446744073709551615}}\n"
				  "  db:\n    environment: {A: 1, B: null, C: 0.00001, D: \"\", E: -0.0}\n",
				  kv, &rc);
	CHECK_INT_EQ(rc, 0);
	CHECK_TREE(svc(r, "web"),
		   "environment: {FOO: bar, EMPTY: \"\", NOVAL: null, SHELL_SET: from-shell,"
		   " EMPTY_SET: filled, A: b=c, DUP: \"2\", LATE: null}\n"
		   "labels: {com.example: \"1\", flag: \"\", twice: \"\"}\n"
		   "sysctls: {net.core.somaxconn: \"1024\", b: \"\", c: \"1.5\", d: \"1e+06\"}\n"
		   "deploy: {labels: {n: \"288\", big: \"18446744073709551615\"}}\n");
	CHECK_TREE(svc(r, "db"),
		   "environment: {A: \"1\", B: null, C: \"1e-05\", D: \"\", E: \"-0\"}\n");
}

/* List forms end up sorted by key with the last value of a key, short or long. */
static void check_list_map(const char *file, int line, size_t n)
{
	struct sbuf in = SBUF_INIT;
	sb_puts(&in, "services:\n  web:\n    labels: [");
	for (size_t i = n; i-- > 0;) /* K<i>=<i>, backwards, then K0 again */
		sb_printf(&in, "K%02zu=%zu, ", i, i);
	sb_puts(&in, "K00=last]\n");
	struct node *r = norm(in.buf);
	sbuf_release(&in);
	struct node_entry *e = node_map_find(svc(r, "web"), "labels");
	struct node *l = e ? e->val : NULL;
	int ok = l && l->kind == NODE_MAP && l->map.n == n;
	for (size_t i = 0; ok && i < n; i++) {
		char key[24], val[24];
		snprintf(key, sizeof(key), "K%02zu", i);
		snprintf(val, sizeof(val), "%zu", i);
		ok = !strcmp(l->map.v[i].key, key) &&
		     !strcmp(l->map.v[i].val->s.text, i ? val : "last");
	}
	if (!ok)
		test_fail(file, line, "labels from a list of %zu items: wrong keys, order or values", n);
}

void test_normalize__list_maps_sorted_last_wins(void)
{
	check_list_map(__FILE__, __LINE__, 5);  /* sorted in place */
	check_list_map(__FILE__, __LINE__, 60); /* sorted through qsort */
}

void test_normalize__env_file(void)
{
	char dir[] = "/tmp/stackc-envXXXXXX";
	CHECK(mkdtemp(dir));
	char *p1 = xstrfmt("%s/e1.env", dir), *p2 = xstrfmt("%s/e2.env", dir);
	FILE *f = fopen(p1, "w");
	fputs("\xef\xbb\xbf# comment\n  LEAD=1\nQUOTED=\"q\"\nTRAIL=x  \r\nFROMSHELL\nNOTSET\n"
	      "EMPTYV=\nOVER=file\nDUP=1\n", f);
	fclose(f);
	f = fopen(p2, "w");
	fputs("DUP=2\nBAD KEY=1\n", f);
	fclose(f);
	static const char *const kv[] = { "FROMSHELL", "s", "EMPTYV", "shellfill", NULL };
	struct env e = { kv };
	struct normalize_opts o = { dir, "/home/user", env_get, &e, NULL, NULL };
	struct node *out;
	struct node *root = test_load("services:\n  web:\n    env_file: e1.env\n"
				      "    environment: {OVER: compose, NULLC: null}\n");
	CHECK_INT_EQ(normalize_file(&out, test_run(), root, &o), 0);
	CHECK_TREE(svc(out, "web"),
		   "env_file: [e1.env]\n"
		   "environment: {LEAD: \"1\", QUOTED: '\"q\"', TRAIL: 'x  ', FROMSHELL: s,"
		   " EMPTYV: shellfill, OVER: compose, DUP: \"1\", NULLC: null}\n");

	/* the error points into the env file, never shows a value, and names the reference */
	root = test_load("services:\n  web:\n    env_file: [e1.env, e2.env, nope.env]\n");
	CHECK_INT_EQ(normalize_file(&out, test_run(), root, &o), -1);
	char *want = xstrfmt("%s:2:1: error: services.web.env_file[1]: invalid env file: "
			     "variable \"BAD KEY\" contains whitespaces", p2);
	CHECK_DIAG(want);
	CHECK_DIAG("note: env file referenced here");
	CHECK_DIAG("services.web.env_file[2]: cannot read env file");
	CHECK_DIAG("No such file or directory");
	free(want);
	unlink(p1);
	unlink(p2);
	rmdir(dir);
	free(p1);
	free(p2);
}

void test_normalize__lists_and_commands(void)
{
	struct node *r = norm("services:\n  web:\n"
			      "    command: nginx -g 'daemon off;'\n"
			      "    entrypoint: \"echo a #b c\"\n"
			      "    dns: 8.8.8.8\n    dns_search: []\n    tmpfs: /run\n"
			      "    expose: [80, \"90\", 1.5]\n"
			      "    healthcheck: {test: curl -f http://x, interval: 90s, timeout: 100us,"
			      " start_period: 0s, retries: 0, disable: false}\n"
			      "    extra_hosts: {somehost: 162.242.195.82, v6host: \"[::1]\", a: null, n: 1,"
			      " f: 1.5}\n"
			      "    stop_grace_period: 1.5h\n"
			      "  list:\n    command: \"\"\n"
			      "    extra_hosts: [\"h=1.2.3.4\", \"v6:[::1]\", justhost, \"b:[1]\"]\n");
	CHECK_TREE(svc(r, "web"),
		   "command: [nginx, -g, daemon off;]\n"
		   "entrypoint: [echo, a]\n"
		   "dns: [8.8.8.8]\ntmpfs: [/run]\nexpose: [\"80\", \"90\", \"1.5\"]\n"
		   "healthcheck: {test: [CMD-SHELL, curl -f http://x], interval: 1m30s,"
		   " timeout: \"100\xc2\xb5s\", start_period: 0s, retries: 0}\n"
		   "extra_hosts: [f:%!s(float64=1.5), n:%!s(int=1), somehost:162.242.195.82,"
		   " v6host:::1]\n"
		   "stop_grace_period: 1h30m0s\n");
	CHECK_TREE(svc(r, "list"), "extra_hosts: [h:1.2.3.4, v6:::1, b:1]\n");
	CHECK_ERROR("services:\n  a:\n    command: \"echo 'oops\"\n",
		    "services.a.command: cannot split \"echo 'oops\" into words: "
		    "EOF found when expecting closing quote");
}

void test_normalize__zero_values_and_pointers(void)
{
	struct node *r = norm("services:\n  web:\n    image: x\n    stop_grace_period: 0s\n"
			      "    healthcheck: {interval: 0s, retries: 0, disable: false}\n"
			      "    deploy:\n      replicas: 0\n"
			      "      update_config: {delay: 0s, parallelism: 0, max_failure_ratio: 0}\n"
			      "      restart_policy: {delay: 0s, max_attempts: 0}\n"
			      "      placement: {max_replicas_per_node: 0}\n"
			      "      resources: {limits: {}}\n"
			      "    ports: [{target: 0, published: 0}]\n    read_only: false\n"
			      "    init: false\n    ulimits: {nofile: 0, nproc: {soft: 0, hard: 5}}\n"
			      "    secrets: [{source: a, mode: 0}]\n    credential_spec: {}\n"
			      "    build: {shm_size: 1}\n    oom_score_adj: 500\n    user: \"\"\n"
			      "    x-keep: {a: 1}\n");
	CHECK_TREE(svc(r, "web"),
		   "image: x\nstop_grace_period: 0s\nhealthcheck: {interval: 0s, retries: 0}\n"
		   "deploy:\n  replicas: 0\n  update_config: {parallelism: 0}\n"
		   "  restart_policy: {delay: 0s, max_attempts: 0}\n  resources: {limits: {}}\n"
		   "ports: [{}]\ninit: false\nulimits: {nofile: {}, nproc: {hard: 5}}\n"
		   "secrets: [{source: a, mode: 0}]\nx-keep: {a: 1}\n");
}

void test_normalize__numbers_in_typed_fields(void)
{
	struct node *r = norm("services:\n  web:\n"
			      "    deploy:\n      replicas: 1.0\n"
			      "      update_config: {max_failure_ratio: 0.3333333333}\n"
			      "      resources:\n"
			      "        limits: {memory: 50M, pids: 100}\n"
			      "        reservations: {memory: 1.5G, generic_resources:"
			      " [{discrete_resource_spec: {}}, {}]}\n"
			      "    secrets: [{source: s, mode: 0440}, {source: t, mode: 4294967297}]\n"
			      "    configs: [c1]\n");
	CHECK_TREE(svc(r, "web"),
		   "deploy:\n  replicas: 1\n  update_config: {max_failure_ratio: 0.33333334}\n"
		   "  resources:\n    limits: {memory: \"52428800\", pids: 100}\n"
		   "    reservations: {memory: \"1610612736\", generic_resources:"
		   " [{discrete_resource_spec: {kind: \"\", value: 0}}, {}]}\n"
		   "secrets: [{source: s, mode: 288}, {source: t, mode: 1}]\n"
		   "configs: [{source: c1}]\n");
	CHECK_ERROR("services:\n  web:\n    deploy: {replicas: -1}\n",
		    "services.web.deploy.replicas: must not be negative, got \"-1\"");
	CHECK_ERROR("services:\n  web:\n    deploy: {resources: {limits: {memory: 50Mi}}}\n",
		    "services.web.deploy.resources.limits.memory: invalid byte size \"50Mi\": "
		    "invalid suffix: 'mi'");
}

void test_normalize__build_networks_case_insensitive(void)
{
	struct node *r = norm("services:\n  web:\n    build: .\n    networks: [front, back]\n"
			      "  b:\n    build: {context: ., Dockerfile: D, foo: 1,"
			      " args: [A=1, B], labels: [x]}\n"
			      "    networks: {n: {aliases: [a]}, m: null, o: {}}\n"
			      "    secrets: [{Source: a}]\n");
	CHECK_TREE(svc(r, "web"), "build: {context: .}\nnetworks: {front: null, back: null}\n");
	CHECK_TREE(svc(r, "b"),
		   "build: {context: ., dockerfile: D, args: {A: \"1\", B: null}, labels: {x: \"\"}}\n"
		   "networks: {n: {aliases: [a]}, m: null, o: {}}\nsecrets: [{source: a}]\n");
}

void test_normalize__toplevel_objects(void)
{
	int rc;
	struct node *r = norm_env(
		"version: \"3.8\"\nservices: {}\n"
		"networks:\n  front:\n  ext: {external: true, x-keep: 1}\n"
		"  old: {external: {name: real}}\n  back: {driver: overlay, x-drop: 1,"
		" driver_opts: {a: 1}, external: false}\n"
		"volumes:\n  named:\n  v: {external: {name: rv}}\n"
		"  c: {driver: csi, x-cluster-spec: {capacity_range: {required_bytes: 1G},"
		" access_mode: {block_volume: {}}}}\n"
		"secrets:\n  s1: {file: ./s1.txt, x-sec: 1}\n  s2: {external: true}\n"
		"  d: {driver: vault}\n"
		"configs:\n  c1: {}\n  e: {external: true, file: ./ignored}\n"
		"x-top: {b: 2}\n",
		no_env, &rc);
	CHECK_INT_EQ(rc, 0);
	CHECK_TREE(r,
		   "version: \"3.8\"\nservices: {}\n"
		   "networks:\n  front: {}\n  ext: {name: ext, external: true, x-keep: 1}\n"
		   "  old: {name: real, external: true}\n"
		   "  back: {driver: overlay, driver_opts: {a: \"1\"}}\n"
		   "volumes:\n  named: {}\n  v: {name: rv, external: true}\n"
		   "  c: {driver: csi, x-cluster-spec: {capacity_range: {required_bytes: \"1073741824\"},"
		   " access_mode: {block_volume: {}}}}\n"
		   "secrets:\n  s1: {file: /w/s1.txt, x-sec: 1}\n  s2: {name: s2, external: true}\n"
		   "  d: {driver: vault}\n"
		   "configs:\n  c1: {file: /w}\n  e: {name: e, file: ./ignored, external: true}\n"
		   "x-top: {b: 2}\n");
	CHECK_DIAG("warning: networks.old: network old: network.external.name is "
			"deprecated in favor of network.name");
	CHECK_DIAG("volume v: volume.external.name is deprecated");

	/* below 3.5 a network's external.name is not deprecated yet; 3.4 volumes are */
	r = norm("version: \"3.4\"\nnetworks:\n  n: {external: {name: x}}\n");
	CHECK_TREE(r, "version: \"3.4\"\nservices: {}\nnetworks:\n  n: {name: x, external: true}\n");
	CHECK_INT_EQ(test_run()->diag.nwarnings, 2);
}

void test_normalize__toplevel_conflicts(void)
{
	CHECK_ERROR("networks:\n  n: {external: {name: a}, name: b}\n",
		    "network n: network.external.name and network.name conflict; only use network.name");
	CHECK_ERROR("secrets:\n  s: {external: {name: a}, name: b}\n",
		    "secret s: secret.external.name and secret.name conflict");
	CHECK_ERROR("volumes:\n  v: {external: true, driver: local}\n",
		    "conflicting parameters \"external\" and \"driver\" specified for volume \"v\"");
	CHECK_ERROR("volumes:\n  v: {external: true, labels: [a=b]}\n",
		    "conflicting parameters \"external\" and \"labels\"");
	CHECK_ERROR("secrets:\n  s: {driver: vault, file: ./x}\n",
		    "secret s: secret.driver and secret.file conflict; only use secret.driver");
}

void test_normalize__positions_follow_sources(void)
{
	struct node *r = norm("services:\n  web:\n    ports: [\"80-81\"]\n    labels: [a=b]\n");
	struct node *p = node_map_get(svc(r, "web"), "ports");
	CHECK_INT_EQ(p->seq.v[1]->pos.line, 3);
	CHECK_INT_EQ(p->seq.v[1]->pos.col, 13);
	CHECK_INT_EQ(node_map_get(p->seq.v[1], "target")->pos.col, 13);
	struct node_entry *l = node_map_find(node_map_get(svc(r, "web"), "labels"), "a");
	CHECK_INT_EQ(l->keypos.line, 4);
	CHECK_INT_EQ(l->val->pos.col, 14);
}

/* ---- recorded docker cases ---- */

static const char *shared_dir(void)
{
	static char buf[PATH_MAX];
	char *p = xstrfmt("%s/../../shared", test_data_dir());
	char *r = realpath(p, buf);
	free(p);
	return r;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct sbuf sb = SBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_put(&sb, buf, n);
	fclose(f);
	return sbuf_detach(&sb, len);
}

static char *replace_all(const char *s, const char *from, const char *to)
{
	struct sbuf sb = SBUF_INIT;
	size_t fl = strlen(from);
	for (const char *p; (p = strstr(s, from)); s = p + fl) {
		sb_put(&sb, s, (size_t)(p - s));
		sb_puts(&sb, to);
	}
	sb_puts(&sb, s);
	return sbuf_detach(&sb, NULL);
}

/* "msg=\"...\"" of each logrus warning line, unescaped enough for our texts */
static void expected_warnings(const char *stderr_text, struct sbuf *out)
{
	for (const char *p = stderr_text; (p = strstr(p, "level=warning msg=\"")); ) {
		p += strlen("level=warning msg=\"");
		const char *e = strstr(p, "\"\n");
		if (!e)
			break;
		sb_put(out, p, (size_t)(e - p));
		sb_putc(out, '\n');
		p = e;
	}
}

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The warnings as sorted lines (docker's order follows Go map iteration). */
static char *sorted_lines(const char *text)
{
	char *copy = xstrdup(text), **v = NULL;
	size_t n = 0, alloc = 0;
	for (char *l = strtok(copy, "\n"); l; l = strtok(NULL, "\n")) {
		ALLOC_GROW(v, n + 1, alloc);
		v[n++] = l;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_lines);
	struct sbuf sb = SBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		sb_puts(&sb, v[i]);
		sb_putc(&sb, '\n');
	}
	free(v);
	free(copy);
	return sbuf_detach(&sb, NULL);
}

struct case_env {
	const char *kv[64];
};

/*
 * Run one case: a.yml in dir (after the literal substitutions subst, pairs of
 * from/to for interpolation that is not ours), compared with expected (text).
 * Returns 0 on match; why gets the difference.
 */
static int run_case(const char *dir, const char *workdir, const char *file,
		    int expect_fail, const char *expected_out,
		    const char *expected_err, const char *home, const char *const *kv,
		    const char *const *subst, struct sbuf *why)
{
	struct run *run = test_run();
	char *path = xstrfmt("%s/%s", dir, file);
	size_t len;
	char *text = slurp(path, &len);
	int rc = -1;
	if (!text) {
		sb_printf(why, "cannot read %s", path);
		free(path);
		return -1;
	}
	for (const char *const *s = subst; s && *s; s += 2) {
		char *t = replace_all(text, s[0], s[1]);
		free(text);
		text = t;
	}
	size_t before = run->diag.n;
	uint32_t src = source_add(&run->sources, file, path, text, strlen(text));
	struct node *root = NULL, *got = NULL, *want = NULL;
	struct env e = { kv };
	struct normalize_opts o = { workdir, home, env_get, &e, NULL, NULL };
	if (load_yaml(&root, run, src) || !root) {
		sb_printf(why, "load failed");
		goto done;
	}
	if (normalize_file(&got, run, root, &o)) {
		if (expect_fail)
			rc = 0;
		else
			sb_printf(why, "normalize failed");
		goto done;
	}
	if (expect_fail) {
		sb_printf(why, "normalize succeeded where docker failed with: %s", expected_err);
		goto done;
	}
	uint32_t wsrc = source_add(&run->sources, "expected", NULL, expected_out,
				   strlen(expected_out));
	if (load_yaml(&want, run, wsrc) || !want) {
		sb_printf(why, "cannot load the expected output");
		goto done;
	}
	/* the version is the driver's business */
	node_map_remove(got, "version");
	node_map_remove(want, "version");
	struct sbuf p = SBUF_INIT;
	rc = tree_diff(got, want, &p, why);
	sbuf_release(&p);
	if (rc)
		goto done;
	struct sbuf ew = SBUF_INIT, gw = SBUF_INIT;
	expected_warnings(expected_err, &ew);
	for (size_t i = before; i < run->diag.n; i++)
		if (run->diag.v[i].severity == DIAG_WARNING)
			sb_printf(&gw, "%s\n", run->diag.v[i].message);
	char *a = sorted_lines(gw.buf), *b = sorted_lines(ew.buf);
	if (strcmp(a, b)) {
		sb_printf(why, "warnings differ:\n%s--- expected:\n%s", a, b);
		rc = -1;
	}
	free(a);
	free(b);
	sbuf_release(&ew);
	sbuf_release(&gw);
done:
	if (rc && !why->len)
		sb_puts(why, "failed");
	for (size_t i = before; rc && i < run->diag.n; i++)
		if (run->diag.v[i].severity == DIAG_ERROR)
			sb_printf(why, "; %s: %s", run->diag.v[i].path ? run->diag.v[i].path : "",
				  run->diag.v[i].message);
	free(text);
	free(path);
	return rc;
}

/*
 * Cases whose a.yml holds '$': the text docker's interpolation (with the
 * case's environment) and type casts give, as from/to pairs. NULL for a
 * case that needs the real interpolation phase.
 */
static const char *const *case_subst(const char *name, const char *text)
{
	static const char *const none[] = { NULL };
	static const struct {
		const char *name;
		const char *const pairs[28];
	} known[] = {
		{ "env-file-precedence", { "${TAG:-none}", "none", NULL } },
		{ "toplevel-resources", { "${X}", "y", NULL } },
		{ "shlex-command", { "$$HOME", "$HOME", NULL } },
		{ "interp-skip-interpolation", { NULL } },
		{ "interp-type-casts",
		  { "\"${RO}\"", "true", "\"${YES}\"", "true", "\"${OFF}\"", "false",
		    "\"${PORT}:80\"", "\"8080:80\"", "\"${T}\"", "80", "\"${P}\"", "81",
		    "\"${N}\"", "1024", "\"${MODE}\"", "440", "\"${R}\"", "3",
		    "\"${NO}\"", "false", "\"${F}\"", "0.25", "\"${ON}\"", "true",
		    "\"${Y}\"", "true", NULL } },
	};
	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (!strcmp(name, known[i].name))
			return known[i].pairs;
	return strchr(text, '$') ? NULL : none;
}

/* Recorded cases where docker's loader (not the schema) rejects the file. */
static int loader_error_case(const char *name)
{
	static const char *const names[] = {
		"env-file-bad-key", "env-file-missing", "memory-bad-suffix",
		"network-external-name-conflict", "ports-error-float", "secret-driver-file-conflict",
		"secret-external-name-conflict", "shlex-unterminated-quote",
		"validate-replicas-negative", "volume-external-driver-conflict",
		"volumes-bind-without-source",
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i]))
			return 1;
	return 0;
}

static int case_has_env_files(const char *dir)
{
	DIR *d = opendir(dir);
	int found = 0;
	for (struct dirent *de; d && (de = readdir(d));) {
		size_t l = strlen(de->d_name);
		found |= l > 4 && !strcmp(de->d_name + l - 4, ".env");
	}
	if (d)
		closedir(d);
	return found;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Run every case directory under cases (the stack-config-cases layout) that
 * is a single-file `config` run with exit code 0; returns how many ran. A
 * difference fails the test after all cases ran.
 */
static size_t run_cases(const char *cases)
{
	DIR *d = opendir(cases);
	if (!d) {
		fprintf(stderr, "  skipped: %s is absent\n", cases);
		return 0;
	}
	char **names = NULL;
	size_t n = 0, alloc = 0;
	for (struct dirent *de; (de = readdir(d));) {
		if (de->d_name[0] == '.')
			continue;
		ALLOC_GROW(names, n + 1, alloc);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	struct sbuf failures = SBUF_INIT;
	size_t ran = 0, passed = 0;
	for (size_t i = 0; i < n; i++) {
		char *dir = xstrfmt("%s/%s", cases, names[i]);
		char *cj = xstrfmt("%s/case.json", dir);
		json_t *j = json_load_file(cj, 0, NULL);
		free(cj);
		json_t *argv = json_object_get(j, "argv");
		size_t argc = json_array_size(argv);
		int single = argc >= 5 &&
			     !strcmp(json_string_value(json_array_get(argv, 2)), "config") &&
			     !strcmp(json_string_value(json_array_get(argv, argc - 2)), "-c") &&
			     !strcmp(json_string_value(json_array_get(argv, argc - 1)), "a.yml") &&
			     (argc == 5 || !strcmp(json_string_value(json_array_get(argv, 3)),
						   "--skip-interpolation"));
		size_t alen;
		char *yml = xstrfmt("%s/a.yml", dir);
		char *a = slurp(yml, &alen);
		free(yml);
		/* interpolation is another phase's: only cases without '$' or with a known substitution */
		const char *const *subst = a ? case_subst(names[i], a) : NULL;
		int needs_interp = !subst;
		free(a);
		int expect_fail = loader_error_case(names[i]) ||
				  json_is_true(json_object_get(j, "stackc_normalize_error"));
		if (!j || (json_integer_value(json_object_get(j, "exit_code")) != 0 && !expect_fail) ||
		    !single || needs_interp) {
			json_decref(j);
			free(dir);
			continue;
		}
		struct case_env ce = { { "HOME", "/home/user" } };
		size_t k = 2;
		const char *key;
		json_t *val;
		json_object_foreach(json_object_get(j, "env"), key, val) {
			if (k + 3 >= ARRAY_SIZE(ce.kv))
				break;
			ce.kv[k++] = key;
			ce.kv[k++] = json_string_value(val);
		}
		char *outp = xstrfmt("%s/expected.stdout", dir), *errp = xstrfmt("%s/expected.stderr", dir);
		char *out = slurp(outp, NULL), *err = slurp(errp, NULL);
		/* docker ran in /stackc-case: keep that working directory unless the case
		   reads files from it (env_file), then substitute the real one */
		int reads_files = case_has_env_files(dir);
		char *want = reads_files ? replace_all(out ? out : "", "/stackc-case", dir)
					 : xstrdup(out ? out : "");
		struct sbuf why = SBUF_INIT;
		ran++;
		if (!run_case(dir, reads_files ? dir : "/stackc-case", "a.yml", expect_fail, want,
			      err ? err : "", "/home/user", ce.kv, subst, &why))
			passed++;
		else
			sb_printf(&failures, "    %s: %s\n", names[i], why.buf);
		sbuf_release(&why);
		free(want);
		free(out);
		free(err);
		free(outp);
		free(errp);
		json_decref(j);
		free(dir);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	fprintf(stderr, "  %s: %zu of %zu cases passed\n", cases, passed, ran);
	if (failures.len) {
		fputs(failures.buf, stderr);
		sbuf_release(&failures);
		test_fail(__FILE__, __LINE__, "some docker cases differ");
	}
	return ran;
}

void test_normalize__docker_stack_config_cases(void)
{
	const char *shared = shared_dir();
	if (!shared) {
		fprintf(stderr, "  skipped: ../shared/reference is absent\n");
		return;
	}
	char *cases = xstrfmt("%s/reference/stack-config-cases", shared);
	if (access(cases, R_OK)) {
		fprintf(stderr, "  skipped: %s is absent\n", cases);
	} else {
		size_t ran = run_cases(cases);
		CHECK(ran >= 36);
	}
	free(cases);
}

/* More recorded cases, same layout, from STACKC_NORMALIZE_CASES (a directory). */
void test_normalize__extra_cases(void)
{
	const char *dir = getenv("STACKC_NORMALIZE_CASES");
	if (dir)
		run_cases(dir);
}

void test_normalize__docker_full_example(void)
{
	const char *shared = shared_dir();
	if (!shared) {
		fprintf(stderr, "  skipped: ../shared/reference is absent\n");
		return;
	}
	char *dir = xstrfmt("%s/reference/compose-fixtures", shared);
	char *gp = xstrfmt("%s/full-example.yaml.golden", dir);
	char *golden = slurp(gp, NULL);
	free(gp);
	if (!golden) {
		fprintf(stderr, "  skipped: no full-example golden file\n");
		free(dir);
		return;
	}
	/* docker ran it in /foo with HOME=/bar and QUX set */
	char *want = replace_all(golden, "/foo", dir);
	static const char *const kv[] = { "HOME", "/bar", "QUX", "qux_from_environment", NULL };
	struct sbuf why = SBUF_INIT;
	static const char *const warnings =
		"level=warning msg=\"network other-external-network: network.external.name is "
		"deprecated in favor of network.name\"\n"
		"level=warning msg=\"volume other-external-volume: volume.external.name is deprecated "
		"in favor of volume.name\"\n"
		"level=warning msg=\"secret secret2: secret.external.name is deprecated in favor of "
		"secret.name\"\n"
		"level=warning msg=\"config config2: config.external.name is deprecated in favor of "
		"config.name\"\n";
	/* plus 12 port warnings (8001 and 5000-5010) */
	struct sbuf err = SBUF_INIT;
	sb_puts(&err, warnings);
	sb_puts(&err, "level=warning msg=\"ignoring IP-address (127.0.0.1:8001:8001/tcp) service "
		      "will listen on '0.0.0.0'\"\n");
	for (int p = 5000; p <= 5010; p++)
		sb_printf(&err, "level=warning msg=\"ignoring IP-address (127.0.0.1:%d:%d/tcp) "
				"service will listen on '0.0.0.0'\"\n", p, p);
	int rc = run_case(dir, dir, "full-example.yml", 0, want, err.buf, "/bar", kv, NULL, &why);
	if (rc)
		fprintf(stderr, "  full-example: %s\n", why.buf);
	sbuf_release(&why);
	sbuf_release(&err);
	free(want);
	free(golden);
	free(dir);
	CHECK_INT_EQ(rc, 0);
}
