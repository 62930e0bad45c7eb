/*
 * The printers: natural key order, Go float text, yaml.v3 string quoting and
 * layout, struct key orders, JSON; and the round trip over docker's recorded
 * `stack config` outputs (../shared, skipped when absent).
 */
#include "compose/load.h"
#include "base/node.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "emit/json.h"
#include "emit/shape.h"
#include "emit/yaml.h"
#include "tests/unit/harness.h"

#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *yaml_of(const struct node *root)
{
	static struct sbuf out = SBUF_INIT;
	sbuf_reset(&out);
	emit_yaml(&out, root);
	return out.buf;
}

static int less(const char *a, const char *b)
{
	return shape_key_less(a, strlen(a), b, strlen(b));
}

void test_emit__natural_order(void)
{
	/* docker's observed order (research §1.3), pairwise and transitively */
	static const char *const order[] = {
		"_x", "1a", "9", "10", "Apple", "B", "Z9", "a", "a b", "a-b", "a.b", "a_b",
		"a0", "a1", "a01", "a001", "a2", "a10", "ab", "apple", "z", "\xc3\xa9",
	};
	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		for (size_t j = 0; j < ARRAY_SIZE(order); j++) {
			if (less(order[i], order[j]) != (i < j))
				test_fail(__FILE__, __LINE__, "less(%s, %s) != %d", order[i], order[j],
					  i < j);
		}
	/* more keys as docker 28.2.2 sorted them (labels of one service) */
	static const char *const more[] = {
		"Za", "a", "a-", "a.", "a1b", "a9", "a12", "a\xd9\xa3", "a\xd9\xa4", "a\xce\xb1", "b",
		"x1", "x01", "x001", "x10", "x010", "x0010", "x99999999999999999999", "z-", "z_",
		"z0", "\xc3\x89" "a", "\xc3\xa4" "1", "\xc3\xa9" "a", "\xe6\x97\xa5", "\xe6\x9c\xac",
	};
	for (size_t i = 0; i < ARRAY_SIZE(more); i++)
		for (size_t j = 0; j < ARRAY_SIZE(more); j++)
			if (less(more[i], more[j]) != (i < j))
				test_fail(__FILE__, __LINE__, "less(%s, %s) != %d", more[i], more[j], i < j);
	CHECK(less("svc2", "svc10"));
	/* prefixes of eight bytes and more */
	CHECK(less("service-00009", "service-00010"));
	CHECK(less("abcdefg1b", "abcdefg12"));
	CHECK(less("abcdefgh2", "abcdefgh10"));
	CHECK(less("abcdefghz", "abcdefgh\xc3\xa9"));
	CHECK(!less("abcdefghijklmnop", "abcdefghijklmnop"));
	CHECK(less("Apple", "svc2"));
	CHECK(!less("web", "web"));
	CHECK(less("web", "web1"));
	/* a letter after a digit run sorts before the longer number */
	CHECK(less("a1b", "a12"));
	/* non-Latin letters are letters: after every non-letter */
	CHECK(less("a-", "a\xce\xb1"));
	CHECK(less("\xd9\xa3", "\xd9\xa4"));
}

static const char *gfmt(double f, int bits32, char fmt)
{
	static struct sbuf sb = SBUF_INIT;
	sbuf_reset(&sb);
	shape_format_float(&sb, f, bits32, fmt);
	return sb.buf;
}

void test_emit__go_floats(void)
{
	CHECK_STR_EQ(gfmt(1e6, 0, 'g'), "1e+06");
	CHECK_STR_EQ(gfmt(1234567.0, 0, 'g'), "1.234567e+06");
	CHECK_STR_EQ(gfmt(0.00001, 0, 'g'), "1e-05");
	CHECK_STR_EQ(gfmt(123456.0, 0, 'g'), "123456");
	CHECK_STR_EQ(gfmt(0.0001, 0, 'g'), "0.0001");
	CHECK_STR_EQ(gfmt(1e20, 0, 'g'), "1e+20");
	CHECK_STR_EQ(gfmt(-0.0, 0, 'g'), "-0");
	CHECK_STR_EQ(gfmt(1.5, 0, 'g'), "1.5");
	CHECK_STR_EQ(gfmt(0.1, 0, 'g'), "0.1");
	CHECK_STR_EQ(gfmt(1.0 / 3, 0, 'g'), "0.3333333333333333");
	CHECK_STR_EQ(gfmt((float)0.3, 1, 'g'), "0.3");
	CHECK_STR_EQ(gfmt((float)0.3, 0, 'g'), "0.30000001192092896");
	CHECK_STR_EQ(gfmt(1e21, 0, 'e'), "1e+21");
	CHECK_STR_EQ(gfmt(1e20, 0, 'f'), "100000000000000000000");
	CHECK_STR_EQ(gfmt(0.000123, 0, 'f'), "0.000123");
	CHECK_STR_EQ(gfmt(0, 0, 'f'), "0");
}

/* docker's output for one label value (checked with docker 28.2.2) */
static void check_label(const char *value, const char *printed)
{
	struct run *run = test_run();
	struct node *root = node_new_map(&run->arena, POS_NONE);
	node_map_add(&run->arena, root, "k", POS_NONE, node_new_str(&run->arena, POS_NONE, value));
	struct sbuf want = SBUF_INIT;
	sb_printf(&want, "k: %s\n", printed);
	const char *got = yaml_of(root);
	if (strcmp(got, want.buf))
		test_fail(__FILE__, __LINE__, "value \"%s\" printed \"%s\", expected \"%s\"", value, got,
			  want.buf);
	sbuf_release(&want);
}

void test_emit__string_quoting(void)
{
	static const char *const cases[][2] = {
		/* read back as something else: double quotes */
		{ "1", "\"1\"" }, { "0777", "\"0777\"" }, { "1e3", "\"1e3\"" }, { "0x10", "\"0x10\"" },
		{ ".5", "\".5\"" }, { "+1", "\"+1\"" }, { "1_000", "\"1_000\"" }, { ".inf", "\".inf\"" },
		{ "true", "\"true\"" }, { "True", "\"True\"" }, { "yes", "\"yes\"" }, { "on", "\"on\"" },
		{ "off", "\"off\"" }, { "y", "\"y\"" }, { "n", "\"n\"" }, { "null", "\"null\"" },
		{ "NULL", "\"NULL\"" }, { "~", "\"~\"" }, { "", "\"\"" }, { "12:30", "\"12:30\"" },
		{ "1:2", "\"1:2\"" }, { "2001-12-14", "\"2001-12-14\"" }, { "tab\there", "\"tab\\there\"" },
		{ "-1", "\"-1\"" }, { "012", "\"012\"" }, { "0o17", "\"0o17\"" }, { "1.0", "\"1.0\"" },
		{ "2001-12-14T21:59:43.10-05:00", "\"2001-12-14T21:59:43.10-05:00\"" },
		{ "2001-12-14 21:59:43", "\"2001-12-14 21:59:43\"" }, { "0b101", "\"0b101\"" },
		{ "2001-12-14  21:59:43", "\"2001-12-14  21:59:43\"" }, { "2002-1-1", "\"2002-1-1\"" },
		{ "2001-12-14T21:59:43,5Z", "\"2001-12-14T21:59:43,5Z\"" },
		{ "0b-1", "\"0b-1\"" }, { "-.inf", "\"-.inf\"" }, { "1e999", "1e999" },
		{ "0.50", "\"0.50\"" }, { "10.25", "\"10.25\"" }, { "1.", "\"1.\"" },
		{ "1.5.", "1.5." }, { "1..5", "1..5" },
		/* plain is not allowed: single quotes */
		{ "a: b", "'a: b'" }, { "#x", "'#x'" }, { "- x", "'- x'" }, { "x #y", "'x #y'" },
		{ " lead", "' lead'" }, { "trail ", "'trail '" }, { "x:", "'x:'" }, { "*x", "'*x'" },
		{ "&x", "'&x'" }, { "!x", "'!x'" }, { "@x", "'@x'" }, { "`x", "'`x'" }, { "%x", "'%x'" },
		{ "|", "'|'" }, { "{a}", "'{a}'" }, { "[a]", "'[a]'" }, { "\"dq\"", "'\"dq\"'" },
		{ "'q'", "'''q'''" }, { "---", "'---'" }, { "...x", "'...x'" }, { ">", "'>'" },
		/* plain */
		{ "a,b", "a,b" }, { "=x", "=x" }, { "?x", "?x" }, { "\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac" },
		{ "$SET", "$SET" }, { "v6host:::1", "v6host:::1" }, { "a#b", "a#b" }, { "-x", "-x" },
		{ "2001-02-30", "2001-02-30" }, { "<<", "<<" }, { "1.2.3.4", "1.2.3.4" },
		{ "2001-13-45", "2001-13-45" }, { "2001-12-14 21:59:43.10 -5", "2001-12-14 21:59:43.10 -5" },
		{ "2001-12-14T21:59Z", "2001-12-14T21:59Z" },
		{ "8.8.8.8", "8.8.8.8" }, { "nginx:1.25", "nginx:1.25" }, { "yes please", "yes please" },
		/* escapes and multi-line */
		{ "multi\nline", "|-\n  multi\n  line" }, { "a\n", "|\n  a" },
		{ "a\n\n", "|+\n  a\n" }, { " a\nb", "|2-\n   a\n  b" },
		{ "x \ny", "\"x \\ny\"" }, { "bell\a", "\"bell\\a\"" },
		{ "\xf0\x9f\x98\x80", "\"\\U0001F600\"" }, { "nb\xc2\xa0sp", "nb\xc2\xa0sp" },
		{ "\xc2\x85", "\"\\N\"" }, { "a\tb\nc", "|-\n  a\tb\n  c" },
		{ "\r", "\"\\r\"" }, { "\xe2\x80\xa8", "'\xe2\x80\xa8'" },
		{ "a\xe2\x80\xa8" "b", "'a\xe2\x80\xa8  b'" },
		{ "\xef\xbb\xbfx", "\"\\uFEFF\\x78\"" }, { "y\xef\xbb\xbfx", "\"y\\uFEFFx\"" },
		/* timestamps, base 60 and the resolver's corners */
		{ "2001-1-1", "\"2001-1-1\"" }, { "2001-12-14t21:59:43Z", "\"2001-12-14t21:59:43Z\"" },
		{ "2001-12-14T21:59:43+0500", "2001-12-14T21:59:43+0500" },
		{ "2001-12-14 21:59:43,5", "\"2001-12-14 21:59:43,5\"" },
		{ "2001-12-14T21:59:43.1234567891234Z", "\"2001-12-14T21:59:43.1234567891234Z\"" },
		{ "2000-02-29", "\"2000-02-29\"" }, { "1900-02-29", "1900-02-29" },
		{ "1:2:3.5", "\"1:2:3.5\"" }, { "+12:30", "\"+12:30\"" }, { "-0b11", "\"-0b11\"" },
		{ "0o-7", "\"0o-7\"" }, { "._5", "._5" }, { ".5e3", "\".5e3\"" }, { "1__0", "\"1__0\"" },
		{ "0x_1F", "\"0x_1F\"" }, { "\t", "\"\\t\"" }, { "\xc3\xa9x", "\xc3\xa9x" },
		/* as docker prints them, though they do not read back the same: a
		 * leading tab is refused, a leading line break is lost */
		{ "\tb\nc", "|-\n  \tb\n  c" }, { "\n\tb", "|2-\n  \tb" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		check_label(cases[i][0], cases[i][1]);
}

void test_emit__quoted_keys(void)
{
	struct node *r = test_load("labels: {\"n\": a, \"Y\": b, \"yes\": c, \"1\": d, \"a: b\": e, \"\": f, "
				   "\"x\": g}\nversion: \"3.8\"\n");
	CHECK_STR_EQ(yaml_of(r), "version: \"3.8\"\n"
				 "labels:\n"
				 "  \"\": f\n"
				 "  \"1\": d\n"
				 "  \"Y\": b\n"
				 "  'a: b': e\n"
				 "  \"n\": a\n"
				 "  x: g\n"
				 "  \"yes\": c\n");
}

void test_emit__nul_and_invalid_utf8(void)
{
	struct run *run = test_run();
	struct node *root = node_new_map(&run->arena, POS_NONE);
	node_map_add(&run->arena, root, "k", POS_NONE, node_new_strn(&run->arena, POS_NONE, "x\0y", 3));
	CHECK_STR_EQ(yaml_of(root), "k: \"x\\0y\"\n");
	/* yaml.v3 cannot print invalid UTF-8 as text: base64, 70 columns a line */
	check_label("a\xff", "!!binary Yf8=");
	char long_bad[60];
	memset(long_bad, 'a', sizeof(long_bad) - 1);
	long_bad[0] = (char)0xff;
	long_bad[sizeof(long_bad) - 1] = '\0';
	check_label(long_bad, "!!binary |\n"
			      "  /2FhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYW\n"
			      "  FhYWFhYWE=");
}

void test_emit__layout_and_key_orders(void)
{
	struct node *r = test_load(
		"x-top: {b: 1, a: [1, [2, 3], {}, []]}\n"
		"configs: {c: {file: /f, name: cn}}\n"
		"services:\n"
		"  web:\n"
		"    x-z: 1\n"
		"    volumes: [{target: /t, type: bind, source: /s, bind: {propagation: rshared}}]\n"
		"    ports: [{protocol: tcp, published: 80, target: 8080, mode: ingress}]\n"
		"    image: nginx\n"
		"    ulimits: {nproc: 5, nofile: {hard: 2, soft: 1}}\n"
		"    networks: {front: null, back: {ipv4_address: 10.0.0.1, aliases: [a]}}\n"
		"    deploy: {update_config: {max_failure_ratio: 0.3, parallelism: 1}, replicas: 2,\n"
		"             mode: replicated, resources: {limits: {memory: '512', cpus: '0.5'}}}\n"
		"    \"N\": x\n"
		"  Apple: {}\n"
		"networks: {net: null}\n"
		"version: '3.13'\n");
	CHECK_STR_EQ(yaml_of(r),
		     "version: \"3.13\"\n"
		     "services:\n"
		     "  Apple: {}\n"
		     "  web:\n"
		     "    deploy:\n"
		     "      mode: replicated\n"
		     "      replicas: 2\n"
		     "      update_config:\n"
		     "        parallelism: 1\n"
		     "        max_failure_ratio: 0.3\n"
		     "      resources:\n"
		     "        limits:\n"
		     "          cpus: \"0.5\"\n"
		     "          memory: \"512\"\n"
		     "    image: nginx\n"
		     "    networks:\n"
		     "      back:\n"
		     "        aliases:\n"
		     "          - a\n"
		     "        ipv4_address: 10.0.0.1\n"
		     "      front: null\n"
		     "    ports:\n"
		     "      - mode: ingress\n"
		     "        target: 8080\n"
		     "        published: 80\n"
		     "        protocol: tcp\n"
		     "    ulimits:\n"
		     "      nofile:\n"
		     "        soft: 1\n"
		     "        hard: 2\n"
		     "      nproc: 5\n"
		     "    volumes:\n"
		     "      - type: bind\n"
		     "        source: /s\n"
		     "        target: /t\n"
		     "        bind:\n"
		     "          propagation: rshared\n"
		     "    \"N\": x\n"
		     "    x-z: 1\n"
		     "networks:\n"
		     "  net: {}\n"
		     "configs:\n"
		     "  c:\n"
		     "    name: cn\n"
		     "    file: /f\n"
		     "x-top:\n"
		     "  a:\n"
		     "    - 1\n"
		     "    - - 2\n"
		     "      - 3\n"
		     "    - {}\n"
		     "    - []\n"
		     "  b: 1\n");
}

void test_emit__long_and_multiline_keys(void)
{
	struct run *run = test_run();
	struct node *root = node_new_map(&run->arena, POS_NONE);
	char key[140];
	memset(key, 'k', 129);
	key[129] = '\0';
	node_map_add(&run->arena, root, key, POS_NONE, node_new_str(&run->arena, POS_NONE, "v"));
	node_map_add(&run->arena, root, "a\nb", POS_NONE, node_new_str(&run->arena, POS_NONE, "w"));
	/* "a\nb" sorts before "kkk..." */
	struct sbuf want = SBUF_INIT;
	sb_printf(&want, "? |-\n  a\n  b\n: w\n? %s\n: v\n", key);
	CHECK_STR_EQ(yaml_of(root), want.buf);
	sbuf_release(&want);
}

void test_emit__scalars(void)
{
	struct node *r = test_load("a: 0x1F\nb: 18446744073709551615\nc: 1.50\nd: -.inf\ne: .nan\n"
				   "f: true\ng: ~\nh: 1e20\ni: -0.0\n");
	CHECK_STR_EQ(yaml_of(r), "a: 31\nb: 18446744073709551615\nc: 1.5\nd: -.inf\ne: .nan\n"
				 "f: true\ng: null\nh: 1e+20\ni: -0\n");
}

void test_emit__timestamps(void)
{
	/* yaml.v3 writes a time.Time in RFC 3339 with nanoseconds, plain; encoding/json the same, quoted */
	struct node *r = test_load("a: 2001-12-14\nb: 2002-1-1 1:2:3.50\nc: 2001-12-14t21:59:43.10-05:00\n"
				   "d: [2001-12-14T21:59:43+00:00]\n");
	CHECK_STR_EQ(yaml_of(r), "a: 2001-12-14T00:00:00Z\nb: 2002-01-01T01:02:03.5Z\n"
				 "c: 2001-12-14T21:59:43.1-05:00\nd:\n  - 2001-12-14T21:59:43Z\n");
	struct sbuf out = SBUF_INIT;
	emit_json(&out, r);
	CHECK_STR_EQ(out.buf, "{\n"
			      "  \"a\": \"2001-12-14T00:00:00Z\",\n"
			      "  \"b\": \"2002-01-01T01:02:03.5Z\",\n"
			      "  \"c\": \"2001-12-14T21:59:43.1-05:00\",\n"
			      "  \"d\": [\n"
			      "    \"2001-12-14T21:59:43Z\"\n"
			      "  ]\n"
			      "}\n");
	sbuf_release(&out);
}

void test_emit__json(void)
{
	struct node *r = test_load("services:\n  web:\n    image: \"a\\\"b\\n\\u0001\"\n"
				   "    deploy: {replicas: 2, mode: global}\n    x-f: 1e-7\n"
				   "    x-e: {}\n    x-l: []\n    x-n: null\n"
				   "version: \"3.13\"\n");
	struct sbuf out = SBUF_INIT;
	emit_json(&out, r);
	CHECK_STR_EQ(out.buf, "{\n"
			      "  \"version\": \"3.13\",\n"
			      "  \"services\": {\n"
			      "    \"web\": {\n"
			      "      \"deploy\": {\n"
			      "        \"mode\": \"global\",\n"
			      "        \"replicas\": 2\n"
			      "      },\n"
			      "      \"image\": \"a\\\"b\\n\\u0001\",\n"
			      "      \"x-e\": {},\n"
			      "      \"x-f\": 1e-7,\n"
			      "      \"x-l\": [],\n"
			      "      \"x-n\": null\n"
			      "    }\n"
			      "  }\n"
			      "}\n");
	json_error_t err;
	json_t *j = json_loads(out.buf, 0, &err);
	CHECK(j != NULL);
	json_decref(j);
	sbuf_release(&out);
}

/* ==== round trip over docker's recorded outputs ==== */

/* ../shared next to the repository (testdata/ may not exist yet) */
static char *shared_dir(void)
{
	char *tries[] = { xstrfmt("%s/../../shared/reference", test_data_dir()),
			  xstrdup("../shared/reference") };
	char *found = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(tries); i++) {
		struct stat st;
		if (!found && !stat(tries[i], &st) && S_ISDIR(st.st_mode))
			found = tries[i];
		else
			free(tries[i]);
	}
	return found;
}

/*
 * Load path, print it; 1 when the text comes back byte for byte (and the
 * JSON form of the same tree parses).
 */
static int round_trips(const char *path)
{
	struct run *run = test_run();
	uint32_t src;
	struct node *root = NULL;
	if (load_read_file(&src, run, path, path) || load_yaml(&root, run, src)) {
		fprintf(stderr, "  %s: %s", path, test_diags());
		return 0;
	}
	const struct source *s = source_get(&run->sources, src);
	struct sbuf want = SBUF_INIT;
	sb_put(&want, s->text, s->len);
	const char *got = yaml_of(root);
	int ok = !strcmp(got, want.buf);
	struct sbuf json = SBUF_INIT;
	emit_json(&json, root);
	json_error_t err;
	json_t *j = json_loads(json.buf, 0, &err);
	if (!j) {
		fprintf(stderr, "  %s: JSON does not parse: %s\n", path, err.text);
		ok = 0;
	}
	json_decref(j);
	sbuf_release(&json);
	if (strcmp(got, want.buf)) {
		size_t i = 0;
		while (got[i] && got[i] == want.buf[i])
			i++;
		fprintf(stderr, "  %s differs at byte %zu: got \"%.40s\"\n", path, i, got + i);
	}
	sbuf_release(&want);
	return ok;
}

static int is_config_success(const char *casejson)
{
	json_error_t err;
	json_t *j = json_load_file(casejson, 0, &err);
	if (!j)
		return 0;
	json_t *argv = json_object_get(j, "argv");
	const char *cmd = json_string_value(json_array_get(argv, 2));
	int ok = json_integer_value(json_object_get(j, "exit_code")) == 0 && cmd &&
		 !strcmp(cmd, "config");
	json_decref(j);
	return ok;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void test_emit__round_trip_docker_outputs(void)
{
	char *ref = shared_dir();
	if (!ref) {
		fprintf(stderr, "  skipped: ../shared/reference not found\n");
		return;
	}
	char *cases = xstrfmt("%s/stack-config-cases", ref);
	DIR *d = opendir(cases);
	CHECK(d != NULL);
	char **names = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		ALLOC_GROW(names, n + 1, alloc);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	int total = 0, passed = 0;
	for (size_t i = 0; i < n; i++) {
		char *cj = xstrfmt("%s/%s/case.json", cases, names[i]);
		char *out = xstrfmt("%s/%s/expected.stdout", cases, names[i]);
		if (is_config_success(cj)) {
			total++;
			passed += round_trips(out);
		}
		free(cj);
		free(out);
		free(names[i]);
	}
	free(names);
	char *golden = xstrfmt("%s/compose-fixtures/full-example.yaml.golden", ref);
	total++;
	passed += round_trips(golden);
	free(golden);
	fprintf(stderr, "  round trip: %d of %d docker outputs\n", passed, total);
	free(cases);
	free(ref);
	CHECK(total > 1);
	CHECK_INT_EQ(passed, total);
}

static int cmp_natural(const void *pa, const void *pb)
{
	const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
	return less(a, b) ? -1 : less(b, a) ? 1 : 0;
}

/*
 * The printers sort small maps by insertion and larger ones by merging:
 * that both give one order relies on the natural order being a strict
 * total order of keys. Checked on every key of up to three atoms: letters,
 * digits and others. (Digits of other scripts are left out: sorter.go
 * reads them as rune - '0', which is not transitive; docker's own order of
 * such keys then depends on Go's random map order.)
 */
void test_emit__natural_order_is_total(void)
{
	static const char *const atoms[] = {
		"a", "Z", "0", "1", "9", " ", "_", ".", "\xc3\xa9", "\xe2\x80\xa8",
	};
	enum { NA = ARRAY_SIZE(atoms), NKEYS = 1 + NA + NA * NA + NA * NA * NA };
	char(*keys)[16] = xmalloc(NKEYS * sizeof(*keys));
	const char **v = xmalloc(NKEYS * sizeof(*v));
	size_t n = 0;
	for (size_t len = 0; len <= 3; len++) {
		size_t total = 1;
		for (size_t k = 0; k < len; k++)
			total *= NA;
		for (size_t c = 0; c < total; c++) {
			keys[n][0] = '\0';
			for (size_t k = 0, x = c; k < len; k++, x /= NA)
				strcat(keys[n], atoms[x % NA]);
			v[n] = keys[n];
			n++;
		}
	}
	qsort(v, n, sizeof(*v), cmp_natural);
	/* a total, asymmetric relation is transitive iff some order has every pair forward */
	size_t bad = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (!less(v[i], v[j]) || less(v[j], v[i]))
				bad++;
	CHECK_INT_EQ(bad, 0);
	free(v);
	free(keys);
}

/* Deep maps: indentation past what is written in one copy. */
void test_emit__deep_indentation(void)
{
	struct run *run = test_run();
	struct node *root = node_new_map(&run->arena, POS_NONE), *m = root;
	enum { DEPTH = 50 };
	for (int d = 0; d < DEPTH; d++) {
		struct node *inner = node_new_map(&run->arena, POS_NONE);
		node_map_add(&run->arena, m, "x-d", POS_NONE, inner);
		m = inner;
	}
	node_map_add(&run->arena, m, "k", POS_NONE, node_new_str(&run->arena, POS_NONE, "v"));
	node_map_add(&run->arena, m, "m", POS_NONE, node_new_int(&run->arena, POS_NONE, -7));
	struct sbuf want = SBUF_INIT;
	for (int d = 0; d < DEPTH; d++)
		sb_printf(&want, "%*sx-d:\n", 2 * d, "");
	sb_printf(&want, "%*sk: v\n%*sm: -7\n", 2 * DEPTH, "", 2 * DEPTH, "");
	CHECK_STR_EQ(yaml_of(root), want.buf);
	sbuf_release(&want);
}

void test_emit__to_a_file(void)
{
	/* more than one output block, after and before what the FILE holds */
	struct run *run = test_run();
	struct node *root = node_new_map(&run->arena, POS_NONE);
	struct node *big = node_new_map(&run->arena, POS_NONE);
	node_map_add(&run->arena, root, "x-big", POS_NONE, big);
	char key[32], val[64];
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "key-%05d", i);
		snprintf(val, sizeof(val), "value %d with some text", i * 7);
		node_map_add(&run->arena, big, key, POS_NONE, node_new_str(&run->arena, POS_NONE, val));
	}
	struct sbuf want = SBUF_INIT;
	sb_puts(&want, "# before\n");
	sb_puts(&want, yaml_of(root));
	sb_puts(&want, "# after\n");
	CHECK(want.len > 3 * 65536);
	FILE *f = tmpfile();
	CHECK(f != NULL);
	if (!f)
		return;
	fputs("# before\n", f);
	CHECK_INT_EQ(emit_yaml_file(f, root), 0);
	fputs("# after\n", f);
	rewind(f);
	struct sbuf got = SBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_put(&got, buf, n);
	fclose(f);
	CHECK_INT_EQ(got.len, want.len);
	CHECK(got.len == want.len && !memcmp(got.buf, want.buf, want.len));
	sbuf_release(&got);
	sbuf_release(&want);
}
