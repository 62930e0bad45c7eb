/* Interpolation: docker's grammar, the compose grammar, the tree walk, diagnostics. */
#include "compose/dotenv.h"
#include "compose/interp.h"
#include "compose/load.h"
#include "base/node.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "compose/typecast.h"
#include "tests/unit/harness.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

int fuzz_interp_one(const uint8_t *data, size_t size);

/* env: SET=val EMPTY= _UNDER=u B=bee C=cee */
static struct env *std_env(void)
{
	static const char *const vars[][2] = {
		{ "SET", "val" }, { "EMPTY", "" }, { "_UNDER", "u" }, { "B", "bee" }, { "C", "cee" },
	};
	struct env *env = env_new(test_run());
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		env_set(env, vars[i][0], vars[i][1], POS_NONE);
	return env;
}

/* The result of s, or NULL when it is an error. */
static const char *expand(enum interp_mode mode, const char *s)
{
	struct interp_opts opts = { mode, std_env(), 0, 0 };
	const char *out;
	size_t len;
	if (interp_string(test_run(), &opts, POS_NONE, 0, NULL, s, strlen(s), &out, &len))
		return NULL;
	return out;
}

struct pair {
	const char *in, *out; /* out NULL: an error */
};

static void check_pairs(enum interp_mode mode, const struct pair *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *r = expand(mode, p[i].in);
		if (p[i].out ? !r || strcmp(r, p[i].out) : r != NULL)
			test_fail(__FILE__, __LINE__, "%s gave %s%s%s, expected %s%s%s", p[i].in,
				  r ? "\"" : "", r ? r : "an error", r ? "\"" : "",
				  p[i].out ? "\"" : "", p[i].out ? p[i].out : "an error",
				  p[i].out ? "\"" : "");
	}
}

static struct node *at(struct node *n, const char *dotted)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", dotted);
	for (char *k = strtok(buf, "."); k; k = strtok(NULL, "."))
		if (!(n = node_map_get(n, k)))
			test_fail(__FILE__, __LINE__, "no %s in %s", k, dotted);
	return n;
}

static int tree(enum interp_mode mode, struct node *root)
{
	struct interp_opts opts = { mode, std_env(), 0, 0 };
	return interp_tree(test_run(), root, &opts);
}

/* ==== docker's grammar ==== */

void test_interp__docker_table(void)
{
	/* docker-cli-loader.md §3.3, checked against docker 28.2.2 */
	static const struct pair p[] = {
		{ "$SET", "val" }, { "${SET}", "val" }, { "${SET}${SET}", "valval" },
		{ "${UNSET}", "" }, { "${set}", "" },
		{ "${UNSET-def}", "def" }, { "${EMPTY-def}", "" },
		{ "${UNSET:-def}", "def" }, { "${EMPTY:-def}", "def" }, { "${UNSET:-}", "" },
		{ "$$SET", "$SET" }, { "$${SET}", "${SET}" }, { "a$$b", "a$b" },
		{ "${UNSET:-${SET}}", "${SET}" }, { "${A:-$SET}", "$SET" },
		{ "$SET-x", "val" }, { "$UNSET-x y z", "x y z" },
		{ "$SET.suffix", "val.suffix" }, { "$SET:8080", "val:8080" }, { "$_UNDER", "u" },
		{ "${UNSET:-a:b}", "a:b" }, { "${UNSET-a}b}", "ab}" },
		{ "${SET?must}", "val" }, { "${EMPTY?must}", "" }, { "${SET:?must}", "val" },
		{ "${UNSET:?must-be-set}", "be-set" }, { "${SET:?x-y}", "y" },
		{ "${UNSET-a:-b}", "b" },
	};
	check_pairs(INTERP_DOCKER, p, sizeof(p) / sizeof(p[0]));
}

void test_interp__docker_errors(void)
{
	static const struct pair p[] = {
		{ "a$", NULL }, { "bad$", NULL }, { "${}", NULL }, { "$1", NULL }, { "${SET", NULL },
		{ "${SET:+x}", NULL }, { "${SET+x}", NULL }, { "${UNSET?}", NULL },
		{ "${UNSET:?please set it}", NULL }, { "${EMPTY:?empty!}", NULL },
		{ "${ SET}", NULL }, { "$ {X}", NULL }, { "$-", NULL }, { "${VAR/a/b}", NULL },
		{ "${SET:x}", NULL }, { "${SET} a$", NULL }, { "a$ $$", NULL },
		/* docker forgets an error when a later variable substitutes cleanly */
		{ "a$ $SET", "a val" }, { "${UNSET:?x} $SET", " val" },
		{ "${UNSET:?x} ${SET:-q}", " val" }, { "${UNSET:?x} $$", NULL },
		/* Go's case folding makes U+017F and U+212A name letters */
		{ "$\xc5\xbf", "" }, { "${\xe2\x84\xaa}", "" },
		/* [^}] spans lines; a '?' before ':?' makes the name "UNSET?x" */
		{ "$UNSET-a\nb", "a\nb" }, { "${UNSET?x:?y}", NULL },
	};
	check_pairs(INTERP_DOCKER, p, sizeof(p) / sizeof(p[0]));
}

void test_interp__docker_error_messages(void)
{
	struct node *r = test_load("services:\n  web:\n    labels:\n"
				   "      a: 'x a$'\n"
				   "      b: '${UNSET:?please set it}'\n"
				   "      c: '${UNSET?}'\n"
				   "      d: \"${SET:+x}\"\n"
				   "    command: [ok, 'bad$']\n");
	CHECK_INT_EQ(tree(INTERP_DOCKER, r), -1);
	CHECK_STR_EQ(test_diags(),
		     "test.yml:4:14: error: services.web.labels.a: invalid interpolation format: "
		     "\"x a$\"; escape a literal $ as $$\n"
		     "test.yml:5:11: error: services.web.labels.b: required variable UNSET is missing "
		     "a value: \"please set it\"\n"
		     "test.yml:6:11: error: services.web.labels.c: required variable UNSET is missing "
		     "a value\n"
		     "test.yml:7:11: error: services.web.labels.d: invalid interpolation format: "
		     "\"${SET:+x}\"; escape a literal $ as $$\n"
		     "test.yml:8:23: error: services.web.command[1]: invalid interpolation format: "
		     "\"bad$\"; escape a literal $ as $$\n");
	/* values in error keep their text */
	CHECK_STR_EQ(node_str(at(r, "services.web.labels.a")), "x a$");
}

/* ==== the compose grammar ==== */

void test_interp__spec_table(void)
{
	/* compose-spec-semantics.md §2.3 and §2.4 */
	static const struct pair p[] = {
		{ "$SET", "val" }, { "${SET}", "val" }, { "$EMPTY", "" }, { "$UNSET", "" },
		{ "$SETx", "" }, { "$SET.x", "val.x" },
		{ "${SET-d}", "val" }, { "${EMPTY-d}", "" }, { "${UNSET-d}", "d" },
		{ "${SET:-d}", "val" }, { "${EMPTY:-d}", "d" }, { "${UNSET:-d}", "d" },
		{ "${SET+alt}", "alt" }, { "${EMPTY+alt}", "alt" }, { "${UNSET+alt}", "" },
		{ "${SET:+alt}", "alt" }, { "${EMPTY:+alt}", "" }, { "${UNSET:+alt}", "" },
		{ "${SET?err}", "val" }, { "${EMPTY?err}", "" }, { "${UNSET?err}", NULL },
		{ "${SET:?err}", "val" }, { "${EMPTY:?err}", NULL }, { "${UNSET:?err}", NULL },
		{ "$$", "$" }, { "$$SET", "$SET" }, { "$$$SET", "$val" }, { "$$$$", "$$" },
		{ "$${B}", "${B}" }, { "$${UNSET:-x}", "${UNSET:-x}" },
		{ "${UNSET:-${B}}", "bee" }, { "${UNSET:-${X:-${C}}}", "cee" }, { "${UNSET:-$B}", "bee" },
		{ "${UNSET:-a}b}", "ab}" }, { "${UNSET:-{x}}", "{x}" },
		{ "${UNSET:-a:-b}", "a:-b" }, { "${UNSET-a:-b}", "a:-b" }, { "${UNSET?x:-y}", NULL },
		{ "${UNSET:-$$B}", "$B" }, { "${UNSET:-$}", "$" }, { "${UNSET:-a$}", "a$" },
		{ "${SET:+${B}${C}}", "beecee" }, { "${B:-x}}}", "bee}}" },
		{ "${UNSET:-x} and ${B}", "x and bee" }, { "${UNSET:-x}${B:-y}", "xbee" },
		{ "$1", "$1" }, { "a$", "a$" }, { "$ {X}", "$ {X}" },
		{ "${A-{}", "{" }, { "${A:-{}}", "{}" },
		{ "${SET:-${B}", "val" }, { "${UNSET:-${B}", NULL },
		{ "${SET:-${UNSET?boom}}", "val" }, { "${SET", NULL }, { "${A:-l1\nl2}", NULL },
		{ "${SET:?x-y}", "val" }, { "$SET-x", "val-x" },
	};
	check_pairs(INTERP_SPEC, p, sizeof(p) / sizeof(p[0]));
}

void test_interp__spec_invalid_templates(void)
{
	static const char *const bad[] = {
		"${}", "${1A}", "${ SET}", "${SET }", "${SET.x}", "${SET:x}", "${SET:=x}",
		"${VAR/a/b}", "${UNSET:-${}}", "pre ${U1:?e1} ${U2:?e2}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (expand(INTERP_SPEC, bad[i]))
			test_fail(__FILE__, __LINE__, "%s accepted", bad[i]);
}

void test_interp__spec_messages(void)
{
	struct node *r = test_load("a: '${U:?need $B}'\n"
				   "b: '${U?}'\n"
				   "c: 'pre ${U1:?e1} ${U2:?e2}'\n"
				   "d: 'x ${UNSET:-${}}'\n"
				   "e: '$NOPE and ${SET:-$ALSO}'\n");
	CHECK_INT_EQ(tree(INTERP_SPEC, r), -1);
	CHECK_STR_EQ(test_diags(),
		     "test.yml:1:5: error: a: required variable U is missing a value: \"need bee\"\n"
		     "test.yml:2:5: error: b: required variable U is missing a value\n"
		     "test.yml:3:9: error: c: required variable U1 is missing a value: \"e1\"\n"
		     "test.yml:3:19: error: c: required variable U2 is missing a value: \"e2\"\n"
		     "test.yml:4:16: error: d: invalid interpolation format: \"${}\"; escape a literal "
		     "$ as $$\n"
		     "test.yml:4:4: note: docker stack deploy would accept it and read \"x ${}\" "
		     "(docker does not expand variables inside a default)\n"
		     "test.yml:5:5: warning: e: variable NOPE is not set, defaulting to a blank "
		     "string\n");
	CHECK_STR_EQ(node_str(at(r, "e")), " and val");
}

void test_interp__required_as_warnings(void)
{
	struct node *r = test_load("a: '${U:?need $B}'\n"
				   "b: 'pre ${U1:?e1} ${SET} ${U2?}'\n"
				   "c: '${BAD'\n");
	struct interp_opts opts = { INTERP_SPEC, std_env(), 0, 1 };
	/* only the syntax error fails; the required variables warn and read as "" */
	CHECK_INT_EQ(interp_tree(test_run(), r, &opts), -1);
	CHECK_STR_EQ(test_diags(),
		     "test.yml:1:5: warning: a: required variable U is missing a value: \"need bee\"\n"
		     "test.yml:2:9: warning: b: required variable U1 is missing a value: \"e1\"\n"
		     "test.yml:2:26: warning: b: required variable U2 is missing a value\n"
		     "test.yml:3:5: error: c: invalid interpolation format: \"${BAD\"; escape a "
		     "literal $ as $$\n");
	CHECK_STR_EQ(node_str(at(r, "a")), "");
	CHECK_STR_EQ(node_str(at(r, "b")), "pre  val ");
}

/* ==== both grammars in spec mode ==== */

void test_interp__docker_differs_warnings(void)
{
	struct node *r = test_load("l26: \"${SET:?x-y}\"\n"
				   "l11: $SET-x\n"
				   "plus: ${SET:+on}\n"
				   "nest: ${UNSET:-${B}}\n"
				   "same: ${SET:-x}\n"
				   "lone: a $ b\n");
	CHECK_INT_EQ(tree(INTERP_SPEC, r), 0);
	CHECK_STR_EQ(test_diags(),
		     "test.yml:1:6: warning: l26: docker stack deploy reads this as \"y\" (docker "
		     "splits ${...} at the first of :-, -, :?, ? found anywhere in it); stackc uses "
		     "\"val\"\n"
		     "test.yml:2:6: warning: l11: docker stack deploy reads this as \"val\" (docker "
		     "reads the text after an unbraced $NAME-... or $NAME?... up to the next '}' as "
		     "its default); stackc uses \"val-x\"\n"
		     "test.yml:3:7: warning: plus: docker stack deploy rejects this value (invalid "
		     "interpolation format: \"${SET:+on}\"; escape a literal $ as $$) (docker does "
		     "not support ${VAR:+...} or ${VAR+...}); stackc uses \"on\"\n"
		     "test.yml:4:7: warning: nest: docker stack deploy reads this as \"${B}\" (docker "
		     "does not expand variables inside a default); stackc uses \"bee\"\n"
		     "test.yml:6:7: warning: lone: docker stack deploy rejects this value (invalid "
		     "interpolation format: \"a $ b\"; escape a literal $ as $$) (docker rejects a "
		     "'$' that does not start a variable; write $$); stackc uses \"a $ b\"\n");
}

void test_interp__docker_accepts_where_spec_fails(void)
{
	struct node *r = test_load("k: ${UNSET:?must-be-set}\n");
	CHECK_INT_EQ(tree(INTERP_SPEC, r), -1);
	CHECK_STR_EQ(test_diags(),
		     "test.yml:1:4: error: k: required variable UNSET is missing a value: "
		     "\"must-be-set\"\n"
		     "test.yml:1:4: note: docker stack deploy would accept it and read \"be-set\" "
		     "(docker splits ${...} at the first of :-, -, :?, ? found anywhere in it)\n");
	CHECK_INT_EQ(tree(INTERP_DOCKER, test_load("k: ${UNSET:?must-be-set}\n")), 0);
}

/* ==== the tree walk ==== */

void test_interp__tree_syntax_case(void)
{
	/* stack-config-cases/interp-syntax, in docker mode */
	struct node *r = test_load("version: \"${V}\"\n"
				   "services:\n  web:\n    image: \"nginx:${SET}\"\n"
				   "    labels:\n      l25: \"${UNSET:?must-be-set}\"\n"
				   "      l26: \"${SET:?x-y}\"\n      l10: \"${UNSET:-${SET}}\"\n"
				   "      plain: text\n      esc: a$$b\n"
				   "      num: 3\n"
				   "    x-$SET: \"$SET\"\n");
	CHECK_INT_EQ(tree(INTERP_DOCKER, r), 0);
	CHECK_STR_EQ(test_diags(), "");
	struct node *web = at(r, "services.web");
	CHECK_STR_EQ(node_str(at(web, "image")), "nginx:val");
	CHECK_STR_EQ(node_str(at(web, "labels.l25")), "be-set");
	CHECK_STR_EQ(node_str(at(web, "labels.l26")), "y");
	CHECK_STR_EQ(node_str(at(web, "labels.l10")), "${SET}");
	CHECK_STR_EQ(node_str(at(web, "labels.esc")), "a$b");
	CHECK(at(web, "labels.esc")->flags & NODE_INTERPOLATED);
	CHECK(at(web, "image")->flags & NODE_INTERPOLATED);
	CHECK(!(at(web, "labels.plain")->flags & NODE_INTERPOLATED));
	CHECK_INT_EQ(at(web, "labels.num")->kind, NODE_INT);
	/* keys and `version` stay as written */
	CHECK_STR_EQ(node_str(at(web, "x-$SET")), "val");
	CHECK_STR_EQ(node_str(at(r, "version")), "${V}");
	CHECK(!(at(r, "version")->flags & NODE_INTERPOLATED));
}

void test_interp__unchanged_value_not_flagged(void)
{
	/* docker casts only when the text changed: ${SELF} expanding to itself does not */
	struct env *env = std_env();
	env_set(env, "SELF", "${SELF}", POS_NONE);
	struct interp_opts opts = { INTERP_DOCKER, env, 0, 0 };
	struct node *r = test_load("a: ${SELF}\nb: '3'\n");
	CHECK_INT_EQ(interp_tree(test_run(), r, &opts), 0);
	CHECK(!(at(r, "a")->flags & NODE_INTERPOLATED));
	CHECK(!(at(r, "b")->flags & NODE_INTERPOLATED));
}

void test_interp__lookups_of_similar_names(void)
{
	/* names alike in length, first and last letter, and one name many times */
	struct env *env = std_env();
	env_set(env, "AXB", "x", POS_NONE);
	env_set(env, "AZB", "z", POS_NONE);
	struct interp_opts opts = { INTERP_SPEC, env, 0, 0 };
	struct node *r = test_load("a: ${AXB}$AYB${AZB}\nb: [$AZB, '${AXB:-d}', '${AYB-$AXB}']\n"
				   "c: ${AXB}${AXB}${B}\n");
	CHECK_INT_EQ(interp_tree(test_run(), r, &opts), 0);
	CHECK_STR_EQ(node_str(at(r, "a")), "xz");
	CHECK_STR_EQ(node_str(node_map_get(r, "b")->seq.v[0]), "z");
	CHECK_STR_EQ(node_str(node_map_get(r, "b")->seq.v[1]), "x");
	CHECK_STR_EQ(node_str(node_map_get(r, "b")->seq.v[2]), "x");
	CHECK_STR_EQ(node_str(at(r, "c")), "xxbee");
	CHECK_STR_EQ(test_diags(),
		     "test.yml:1:10: warning: a: variable AYB is not set, defaulting to a blank "
		     "string\n"
		     "test.yml:2:24: warning: b[2]: docker stack deploy reads this as \"$AXB\" "
		     "(docker does not expand variables inside a default); stackc uses \"x\"\n");
}

void test_interp__every_error_reported(void)
{
	struct node *r = test_load("a: [x$, y$]\nb: {c: '${U:?1}', d: '${V:?2}'}\n");
	CHECK_INT_EQ(tree(INTERP_DOCKER, r), -1);
	CHECK_INT_EQ(test_run()->diag.nerrors, 4);
}

void test_interp__reports_capped_per_value(void)
{
	struct sbuf sb = SBUF_INIT;
	sb_puts(&sb, "k: '");
	for (int i = 0; i < 12; i++)
		sb_puts(&sb, "$U ${");
	sb_puts(&sb, "'\n");
	CHECK_INT_EQ(tree(INTERP_SPEC, test_load(sb.buf)), -1);
	sbuf_release(&sb);
	struct diag_sink *d = &test_run()->diag;
	CHECK_INT_EQ(d->nerrors, 10);
	CHECK_INT_EQ(d->nwarnings, 10);
	CHECK(strstr(test_diags(), "test.yml:1:5: note: 2 more unset variables in this value\n"));
	CHECK(strstr(test_diags(), "test.yml:1:5: note: 2 more errors in this value\n"));
}

void test_interp__positions(void)
{
	/* plain, double-quoted, escaped and multi-line values */
	struct node *r = test_load("a: x $1\n"
				   "b: \"\\t a$\"\n"
				   "c: >-\n  line\n  two $\n"
				   "d: [\"é$\"]\n");
	CHECK_INT_EQ(tree(INTERP_DOCKER, r), -1);
	CHECK_STR_EQ(test_diags(),
		     "test.yml:1:6: error: a: invalid interpolation format: \"x $1\"; escape a "
		     "literal $ as $$\n"
		     "test.yml:2:4: error: b: invalid interpolation format: \"\\t a$\"; escape a "
		     "literal $ as $$\n"
		     "test.yml:3:4: error: c: invalid interpolation format: \"line two $\"; escape a "
		     "literal $ as $$\n"
		     "test.yml:6:7: error: d[0]: invalid interpolation format: \"é$\"; escape a "
		     "literal $ as $$\n");
}

void test_interp__limits(void)
{
	struct run *run = test_run();
	struct env *env = std_env();
	char *big = malloc(700000);
	memset(big, 'x', 699999);
	big[699999] = '\0';
	env_set(env, "BIG", big, POS_NONE);
	free(big);
	struct interp_opts opts = { INTERP_SPEC, env, 0, 0 };
	const char *out;
	size_t len;
	CHECK_INT_EQ(interp_string(run, &opts, POS_NONE, 0, "k", "${BIG}", 6, &out, &len), 0);
	CHECK_INT_EQ(len, 699999);
	CHECK_INT_EQ(interp_string(run, &opts, POS_NONE, 0, "k", "$BIG$BIG", 8, &out, &len), -1);
	opts.mode = INTERP_DOCKER;
	CHECK_INT_EQ(interp_string(run, &opts, POS_NONE, 0, "k", "$BIG$BIG", 8, &out, &len), -1);
	/* nesting deeper than INTERP_MAX_DEPTH */
	struct sbuf sb = SBUF_INIT;
	for (int i = 0; i <= INTERP_MAX_DEPTH; i++)
		sb_puts(&sb, "${U:-");
	sb_puts(&sb, "x");
	for (int i = 0; i <= INTERP_MAX_DEPTH; i++)
		sb_putc(&sb, '}');
	opts.mode = INTERP_SPEC;
	CHECK_INT_EQ(interp_string(run, &opts, POS_NONE, 0, "k", sb.buf, sb.len, &out, &len), -1);
	sbuf_setlen(&sb, 0);
	sb_puts(&sb, "${U:-${U:-${U:-x}}}");
	CHECK_INT_EQ(interp_string(run, &opts, POS_NONE, 0, "k", sb.buf, sb.len, &out, &len), 0);
	CHECK_STR_EQ(out, "x");
	sbuf_release(&sb);
	CHECK_STR_EQ(test_diags(),
		     "stackc: error: k: value longer than 1 MiB after interpolation\n"
		     "stackc: error: k: value longer than 1 MiB after interpolation\n"
		     "stackc: error: k: variables nested more than 64 levels deep\n");
}

void test_interp__many_expressions_on_one_line(void)
{
	/* no recursion per expression: 10000 defaults on one line are fine */
	struct sbuf sb = SBUF_INIT;
	for (int i = 0; i < 10000; i++)
		sb_puts(&sb, "${U:-a}");
	struct interp_opts opts = { INTERP_SPEC, std_env(), 0, 0 };
	const char *out;
	size_t len;
	CHECK_INT_EQ(interp_string(test_run(), &opts, POS_NONE, 0, NULL, sb.buf, sb.len, &out,
				   &len),
		     0);
	CHECK_INT_EQ(len, 10000);
	sbuf_release(&sb);
}

void test_interp__no_env(void)
{
	struct interp_opts opts = { INTERP_DOCKER, NULL, 0, 0 };
	const char *out;
	size_t len;
	CHECK_INT_EQ(interp_string(test_run(), &opts, POS_NONE, 0, NULL, "a${X:-d}", 8, &out, &len),
		     0);
	CHECK_STR_EQ(out, "ad");
}

/* ==== the recorded docker cases ==== */

#define CASES "../shared/reference/stack-config-cases"

/* Load CASES/name/file into the run; NULL when the case is absent. */
static struct node *case_file(const char *name, const char *file)
{
	char path[512];
	snprintf(path, sizeof(path), CASES "/%s/%s", name, file);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fclose(f);
	uint32_t src;
	struct node *root = NULL;
	if (load_read_file(&src, test_run(), path, path) || load_yaml(&root, test_run(), src))
		test_fail(__FILE__, __LINE__, "cannot load %s: %s", path, test_diags());
	return root;
}

/* The case's environment (case.json "env"). */
static struct env *case_env(const char *name)
{
	char path[512];
	snprintf(path, sizeof(path), CASES "/%s/case.json", name);
	json_t *j = json_load_file(path, 0, NULL);
	struct env *env = env_new(test_run());
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(j, "env"), k, v)
		env_set(env, k, json_string_value(v), POS_NONE);
	json_decref(j);
	return env;
}

void test_interp__reference_cases(void)
{
	/* which cases fail in interpolation or in the casts (the others fail later, if at all) */
	static const struct {
		const char *name;
		int interp_rc, cast_rc;
	} cases[] = {
		{ "interp-cast-error-bool", 0, -1 },	   { "interp-cast-error-int", 0, -1 },
		{ "interp-cast-negative-replicas", 0, 0 }, { "interp-error-digit-name", -1, 0 },
		{ "interp-error-empty-braces", -1, 0 },	   { "interp-error-list-path", -1, 0 },
		{ "interp-error-required-empty", -1, 0 },  { "interp-error-required-no-message", -1, 0 },
		{ "interp-error-required-unset", -1, 0 },  { "interp-error-trailing-dollar", -1, 0 },
		{ "interp-error-unsupported-plus", -1, 0 }, { "interp-error-unterminated", -1, 0 },
		{ "interp-no-cast-for-init", 0, 0 },	   { "interp-no-cast-when-literal", 0, 0 },
		{ "interp-syntax", 0, 0 },		   { "interp-type-casts", 0, 0 },
		{ "interp-version-not-interpolated", 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct node *root = case_file(cases[i].name, "a.yml");
		if (!root) {
			fprintf(stderr, "  skipped: %s not found\n", CASES);
			return;
		}
		struct interp_opts opts = { INTERP_DOCKER, case_env(cases[i].name), 0, 0 };
		int rc = interp_tree(test_run(), root, &opts);
		int cast = rc ? 0 : typecast_tree(test_run(), root);
		if (rc != cases[i].interp_rc || cast != cases[i].cast_rc)
			test_fail(__FILE__, __LINE__, "%s: interp %d, cast %d", cases[i].name, rc, cast);
	}
	/* every label of interp-syntax as docker printed it */
	struct node *root = case_file("interp-syntax", "a.yml");
	struct interp_opts opts = { INTERP_DOCKER, case_env("interp-syntax"), 0, 0 };
	CHECK_INT_EQ(interp_tree(test_run(), root, &opts), 0);
	struct node *want = at(case_file("interp-syntax", "expected.stdout"), "services.web.labels");
	struct node *got = at(root, "services.web.labels");
	CHECK_INT_EQ(got->map.n, want->map.n);
	for (size_t i = 0; i < want->map.n; i++) {
		const char *w = want->map.v[i].val->s.text;
		const char *g = node_str(node_map_get(got, want->map.v[i].key));
		if (!g || strcmp(g, w))
			test_fail(__FILE__, __LINE__, "%s: \"%s\", docker printed \"%s\"",
				  want->map.v[i].key, g ? g : "(none)", w);
	}
}

/* ==== skipping docker's reading ==== */

void test_interp__fast_path_agrees_with_docker_reading(void)
{
	/*
	 * interp_tree skips docker's grammar for values that use only forms
	 * both read alike; each of these goes through both interp_tree and
	 * interp_tree_compare_all (fuzz_interp_one fails when they differ).
	 */
	static const char env[] = "SET=val\nEMPTY=\nB=bee\n.DOT=dot\n.DOTEMPTY=\n%%\n";
	static const char *const values[] = {
		"plain", "$$", "a$$b", "$$SET", "$${SET}", "$SET", "${SET}", "${SET}${B}",
		"$SET-x", "$SET?x", "$SET:-x", "$SET:?x", "$SET:x", "$SET:8080", "$SET.suffix",
		"$SET}", "${SET}}", "$UNSET-x y z", "$UNSET:-x}", "${UNSET}", "${UNSET:-d}",
		"${UNSET-d}", "${EMPTY-d}", "${EMPTY:-d}", "${UNSET:-}", "${UNSET-}",
		"${UNSET:-a:-b}", "${UNSET-a:-b}", "${UNSET-a:b}", "${UNSET-a-b}", "${UNSET:-a-b}",
		"${UNSET-a?b}", "${UNSET:-a?b}", "${UNSET-a:?b}", "${UNSET-:}", "${UNSET--}",
		"${UNSET-a:}-", "${UNSET:-${SET}}", "${UNSET:-$SET}", "${UNSET:-$$}", "${UNSET:-{x}",
		"${UNSET:-{x}}", "${UNSET:-a}b}", "${UNSET:-a} }", "${UNSET:-a}${SET}}",
		"${SET:?x-y}", "${UNSET:?must}", "${UNSET?must}", "${EMPTY:?}", "${SET:+x}",
		"${SET+x}", "${SET/a/b}", "${SET:1}", "$", "a$", "$1", "$-", "$ {X}", "${", "${SET",
		"${ SET}", "${}", "${UNSET:-a\nb}", "${UNSET:-a\n}", "a\n${UNSET:-x}\n}",
		"${UNSET:-x\n}\n}", "${DOT}", "$DOT", "${DOT:-d}", "${DOT-d}", "${DOTEMPTY:-d}",
		"${DOTEMPTY-d}", "${UNSET:-d}${BAD", "a $ b ${SET}", "${UNSET:?x}${SET}",
		"${UNSET:?x}${SET:-y}", "\xc5\xbf${\xc5\xbf}$\xe2\x84\xaa", "${S\xc5\xbfT:-x}",
		"${SET:-\xe2\x84\xaa}",
	};
	struct sbuf in = SBUF_INIT;
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		sbuf_reset(&in);
		sb_puts(&in, env);
		sb_puts(&in, values[i]);
		if (fuzz_interp_one((const uint8_t *)in.buf, in.len))
			test_fail(__FILE__, __LINE__, "%s: the outcome depends on the fast path",
				  values[i]);
	}
	sbuf_release(&in);
}

/* ==== fuzz seeds ==== */


void test_interp__fuzz_seeds(void)
{
	CHECK(test_replay_seeds("interp", fuzz_interp_one) >= 10);
}

void test_interp__failed_values_are_marked(void)
{
	struct node *root = test_load("services:\n  web:\n    image: \"${UNSET:?need it}\"\n"
				      "    hostname: \"${SET}\"\n");
	CHECK_INT_EQ(tree(INTERP_SPEC, root), -1);
	CHECK(at(root, "services.web.image")->flags & NODE_FAILED);
	CHECK(!(at(root, "services.web.hostname")->flags & NODE_FAILED));
}
