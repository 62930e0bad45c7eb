/* The variable table, the .env parser and the project environment's precedence. */
#include "compose/dotenv.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "tests/unit/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int fuzz_dotenv_one(const uint8_t *data, size_t size);

/* Parse text as ".env" with the process variables HOME and SHELLV. */
static struct env *parse(const char *text, int expect_rc)
{
	struct run *run = test_run();
	struct env *env = env_new(run);
	env_set(env, "HOME", "/home/u", POS_NONE);
	env_set(env, "SHELLV", "fromshell", POS_NONE);
	uint32_t src = source_add(&run->sources, ".env", NULL, text, strlen(text));
	int rc = dotenv_parse(env, run, src);
	if (rc != expect_rc)
		test_fail(__FILE__, __LINE__, "dotenv_parse gave %d: %s", rc, test_diags());
	return env;
}

struct kv {
	const char *name, *value; /* value NULL: not defined */
};

static void check_vars(const struct env *env, const struct kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *v = env_get(env, kv[i].name);
		if (kv[i].value ? !v || strcmp(v, kv[i].value) : v != NULL)
			test_fail(__FILE__, __LINE__, "%s = %s%s%s, expected %s", kv[i].name,
				  v ? "\"" : "", v ? v : "(unset)", v ? "\"" : "",
				  kv[i].value ? kv[i].value : "(unset)");
	}
}

#define CHECK_VARS(env, ...)                                                 \
	do {                                                                 \
		static const struct kv kv_[] = { __VA_ARGS__ };              \
		check_vars(env, kv_, sizeof(kv_) / sizeof(kv_[0]));          \
	} while (0)

/* ==== the table ==== */

void test_dotenv__table(void)
{
	struct env *env = env_new(test_run());
	CHECK(!env_get(env, "A"));
	char name[16];
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "V%d", i);
		env_set(env, name, name + 1, POS_NONE);
	}
	env_set(env, "V7", "seven", (struct pos){ 1, 2, 3 });
	CHECK_INT_EQ(env_count(env), 1000);
	CHECK_STR_EQ(env_get(env, "V999"), "999");
	CHECK_STR_EQ(env_get(env, "V7"), "seven");
	CHECK_INT_EQ(env_origin(env, "V7").line, 2);
	CHECK_STR_EQ(env_at(env, 7)->name, "V7");
	CHECK(env_findn(env, "V7x", 2) == env_find(env, "V7"));
	CHECK(!env_get(env, "V1000"));
	char *envp[] = { name, NULL };
	snprintf(name, sizeof(name), "E=a=b");
	env_load_process(env, envp);
	CHECK_STR_EQ(env_get(env, "E"), "a=b");
	snprintf(name, sizeof(name), "=C:");
	env_load_process(env, envp);
	CHECK_INT_EQ(env_count(env), 1001);
}

/* ==== the format ==== */

void test_dotenv__basic_forms(void)
{
	struct env *env = parse("# comment\n  LEAD=1\n\t\tTAB=1\nSP = 1\nTR=1  \n"
				"C1=1 # c\nC2=1# c\nC3=1\t# c\nC4=#notcomment\nC5= #c\n"
				"C6=a #b #c\nIN=  x  y  \n"
				"export EX=1\nexport  \tEX2=2\nexport=3\nexportA=4\n"
				"Y1: 1\nY2:2\nA:B=1\nEQ==1\nABC=a=b=c\n"
				"E1=\nE2=\"\"\nE3=''\nQ= \"x\"\nAQ=a\"b\"\n"
				"K.b-c[0]=1\n1A=x\n\xc3\x84=1\nT\tAB=1\nDUP=1\nDUP=2\n",
				0);
	CHECK_VARS(env, { "LEAD", "1" }, { "TAB", "1" }, { "SP", "1" }, { "TR", "1" },
		   { "C1", "1" }, { "C2", "1# c" }, { "C3", "1\t# c" }, { "C4", "#notcomment" },
		   { "C5", "#c" }, { "C6", "a" }, { "IN", "x  y" }, { "EX", "1" }, { "EX2", "2" },
		   { "export", "3" }, { "exportA", "4" }, { "Y1", "1" }, { "Y2", "2" },
		   { "A", "B=1" }, { "EQ", "=1" }, { "ABC", "a=b=c" }, { "E1", "" }, { "E2", "" },
		   { "E3", "" }, { "Q", "x" }, { "AQ", "a\"b\"" }, { "K.b-c[0]", "1" },
		   { "1A", "x" }, { "\xc3\x84", "1" }, { "T\tAB", "1" }, { "DUP", "2" });
	CHECK_STR_EQ(test_diags(), "");
}

void test_dotenv__quotes_and_escapes(void)
{
	struct env *env = parse("A=\"a\\nb\"\nB='a\\nb'\nC=a\\nb\n"
				"D=\"a\\tb\\\\c\\$d\\\"e\"\nE=\"\\x41\\u0041\\q\"\n"
				"F=\"\\0101\\0\\01\\012\\0777\"\nG=\"\\0377\"\n"
				"H='it\\'s'\nI=\"it's\"\nJ='say \"hi\"'\nK='a\\\\b'\nL=\"a\\\\\"\n"
				"M=\"1 # x\" # c\nN='1 # x'\nO=\"x\"#c\nP=\"a\" # comment \"b\"\n"
				"R=\"x\" S=2\nT=\"line1\nline2\"\nU='l1\nl2'\nV=2\n"
				"W=1\r\nX=\"q\"\r\nZ='s'\r\n",
				0);
	CHECK_VARS(env, { "A", "a\nb" }, { "B", "a\\nb" }, { "C", "a\\nb" },
		   { "D", "a\tb\\c$d\"e" }, { "E", "\\x41\\u0041\\q" }, { "F", "A\\\\1\\12\\777" },
		   { "G", "\xc3\xbf" }, { "H", "it's" }, { "I", "it's" }, { "J", "say \"hi\"" },
		   { "K", "a\\\\b" }, { "L", "a\\" }, { "M", "1 # x" }, { "N", "1 # x" },
		   { "O", "x" }, { "P", "a" }, { "R", "x" }, { "S", "2" }, { "T", "line1\nline2" },
		   { "U", "l1\nl2" }, { "V", "2" }, { "W", "1" }, { "X", "q" }, { "Z", "s" });
}

void test_dotenv__bom(void)
{
	struct env *env = parse("\xEF\xBB\xBF" "A=1\n", 0);
	CHECK_VARS(env, { "A", "1" });
}

void test_dotenv__bare_keys(void)
{
	struct env *env = parse("SHELLV\nexport HOME\nMISSING\nexport\nA=1\nA2\nP=\"p\"q\nB=2\nLAST",
				0);
	CHECK_VARS(env, { "SHELLV", "fromshell" }, { "HOME", "/home/u" }, { "MISSING", NULL },
		   { "A2", NULL }, { "P", "p" }, { "q", NULL }, { "B", "2" }, { "LAST", NULL },
		   { "", NULL });
	/* a bare key takes a value defined earlier in the file */
	env = parse("X=1\nX\n", 0);
	CHECK_VARS(env, { "X", "1" });
}

void test_dotenv__interpolation(void)
{
	struct env *env = parse("A=${SHELLV}\nB=\"${HOME}/x\"\nC='${HOME}'\nD=$$SHELLV\n"
				"E=\"$$SHELLV\"\nF=\"\\$SHELLV\"\nG='$$x'\nH=\\$SHELLV\n"
				"I=${Z:-def}\nZ=later\nJ=${A}-${UNSET:-u}\nK=$HOME/x\nL=\"~/y\"\n"
				"SHELLV=local\nM=${SHELLV}\nN=${NOPE}\n",
				0);
	CHECK_VARS(env, { "A", "fromshell" }, { "B", "/home/u/x" }, { "C", "${HOME}" },
		   { "D", "$SHELLV" }, { "E", "$SHELLV" }, { "F", "$SHELLV" }, { "G", "$$x" },
		   { "H", "\\fromshell" }, { "I", "def" }, { "Z", "later" },
		   { "J", "fromshell-u" }, { "K", "/home/u/x" }, { "L", "~/y" },
		   /* the process environment shadows the file, in lookups too */
		   { "SHELLV", "fromshell" }, { "M", "fromshell" }, { "N", "" });
	CHECK_INT_EQ(env_origin(env, "SHELLV").src, 0);
	CHECK_INT_EQ(env_origin(env, "Z").line, 10);
	CHECK_STR_EQ(test_diags(),
		     ".env:16:3: warning: N: variable NOPE is not set, defaulting to a blank string\n");
}

void test_dotenv__errors(void)
{
	struct env *env = parse("A B=1\nOK=1\n  A$=1\n=1\nX=${MISSING:?must set}\n"
				"Y=\"${\"\nZ=after\nQ=\"unterminated\nmore\n",
				-1);
	CHECK_VARS(env, { "OK", "1" }, { "X", NULL }, { "Y", NULL }, { "Z", "after" },
		   { "Q", NULL }, { "", NULL });
	CHECK_STR_EQ(test_diags(),
		     ".env:1:1: error: variable name \"A B\" cannot contain a space\n"
		     ".env:3:4: error: unexpected character \"$\" in variable name \"A$=1\"\n"
		     ".env:4:1: warning: line has no variable name; ignored\n"
		     ".env:5:3: error: X: required variable MISSING is missing a value: \"must "
		     "set\"\n"
		     ".env:6:4: error: Y: invalid interpolation format: \"${\"; escape a literal $ as "
		     "$$\n"
		     ".env:8:3: error: unterminated quoted value \"\\\"unterminated\"\n");
}

void test_dotenv__error_recovery(void)
{
	struct env *env = parse("A B\nC=1\nD E=\"x\nF=2\nG$\nH=3", -1);
	CHECK_VARS(env, { "C", "1" }, { "F", "2" }, { "H", "3" });
	CHECK_INT_EQ(test_run()->diag.nerrors, 3);
}

void test_dotenv__unterminated_single_quote(void)
{
	struct env *env = parse("A='x\\'\nB=1\n", -1);
	CHECK_VARS(env, { "A", NULL }, { "B", NULL });
}

/* ==== files and precedence ==== */

struct tmpdir {
	char path[64];
	char *files[8];
	size_t n;
};

static const char *tmp_file(struct tmpdir *t, const char *name, const char *text)
{
	if (!t->path[0]) {
		snprintf(t->path, sizeof(t->path), "/tmp/stackc-dotenv-XXXXXX");
		if (!mkdtemp(t->path))
			test_fail(__FILE__, __LINE__, "mkdtemp failed");
	}
	char *f = t->files[t->n++] = xstrfmt("%s/%s", t->path, name);
	FILE *fp = fopen(f, "w");
	if (!fp)
		test_fail(__FILE__, __LINE__, "cannot write %s", f);
	fputs(text, fp);
	fclose(fp);
	return f;
}

static void tmp_remove(struct tmpdir *t)
{
	for (size_t i = 0; i < t->n; i++) {
		unlink(t->files[i]);
		free(t->files[i]);
	}
	if (t->path[0])
		rmdir(t->path);
}

void test_dotenv__project_precedence(void)
{
	struct run *run = test_run();
	struct tmpdir t = { 0 };
	tmp_file(&t, ".env", "V=dotenv\nD=only-in-dotenv\n");
	const char *files[] = { tmp_file(&t, "e1", "A=e1\nB=e1\nV=e1\n"),
				tmp_file(&t, "e2", "B=e2-${A}\nC=e2\n") };
	char *envp[] = { NULL, NULL };
	char shell[] = "A=shell";

	struct env *env = env_new(run);
	CHECK_INT_EQ(env_load_project(env, run, envp, t.path, NULL, 0, 0), 0);
	CHECK_VARS(env, { "V", "dotenv" }, { "D", "only-in-dotenv" });
	CHECK_INT_EQ(env_origin(env, "V").line, 1);

	env = env_new(run);
	CHECK_INT_EQ(env_load_project(env, run, envp, t.path, files, 2, 0), 0);
	CHECK_VARS(env, { "A", "e1" }, { "B", "e2-e1" }, { "C", "e2" }, { "V", "e1" },
		   { "D", NULL });

	envp[0] = shell;
	env = env_new(run);
	CHECK_INT_EQ(env_load_project(env, run, envp, t.path, files, 2, 0), 0);
	CHECK_VARS(env, { "A", "shell" }, { "B", "e2-shell" });

	/* docker stack deploy: the process environment only */
	env = env_new(run);
	CHECK_INT_EQ(env_load_project(env, run, envp, t.path, NULL, 0, 1), 0);
	CHECK_VARS(env, { "A", "shell" }, { "V", NULL });
	CHECK_STR_EQ(test_diags(), "");
	tmp_remove(&t);
}

void test_dotenv__project_env_switches(void)
{
	struct run *run = test_run();
	struct tmpdir t = { 0 };
	tmp_file(&t, ".env", "V=dotenv\n");
	const char *e1 = tmp_file(&t, "e1", "V=e1\n");
	char listed[256], disabled[] = "COMPOSE_DISABLE_ENV_FILE=true",
			  bad[] = "COMPOSE_DISABLE_ENV_FILE=maybe";
	snprintf(listed, sizeof(listed), "COMPOSE_ENV_FILES=%s,", e1);
	char *envp[] = { listed, NULL };

	struct env *env = env_new(run);
	CHECK_INT_EQ(env_load_project(env, run, envp, t.path, NULL, 0, 0), 0);
	CHECK_VARS(env, { "V", "e1" });

	envp[0] = disabled;
	env = env_new(run);
	CHECK_INT_EQ(env_load_project(env, run, envp, t.path, NULL, 0, 0), 0);
	CHECK_VARS(env, { "V", NULL });

	envp[0] = bad;
	CHECK_INT_EQ(env_load_project(env_new(run), run, envp, t.path, NULL, 0, 0), -1);
	CHECK_STR_EQ(test_diags(),
		     "stackc: error: COMPOSE_DISABLE_ENV_FILE must be a boolean, got \"maybe\"\n");
	tmp_remove(&t);
}

void test_dotenv__missing_files(void)
{
	struct run *run = test_run();
	struct tmpdir t = { 0 };
	const char *e1 = tmp_file(&t, "e1", "V=e1\n");
	char *envp[] = { NULL };
	char missing[128];
	snprintf(missing, sizeof(missing), "%s/nope.env", t.path);
	const char *files[] = { missing, t.path, e1 };

	/* no .env in the project directory: fine */
	CHECK_INT_EQ(env_load_project(env_new(run), run, envp, t.path, NULL, 0, 0), 0);
	CHECK_INT_EQ(dotenv_load(env_new(run), run, t.path, 0), 0);
	struct env *env = env_new(run);
	CHECK_INT_EQ(env_load_project(env, run, envp, t.path, files, 3, 0), -1);
	CHECK_VARS(env, { "V", "e1" });
	char *want = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&want, &len);
	fprintf(f,
		"stackc: error: cannot read env file \"%s\": No such file or directory\n"
		"stackc: error: env file \"%s\" is a directory\n",
		missing, t.path);
	fclose(f);
	CHECK_STR_EQ(test_diags(), want);
	free(want);

	/* --compat=docker ignores env files, with a warning */
	env = env_new(run);
	CHECK_INT_EQ(env_load_project(env, run, envp, t.path, files + 2, 1, 1), 0);
	CHECK_VARS(env, { "V", NULL });
	CHECK(strstr(test_diags(), "warning: --env-file is ignored with --compat=docker"));
	tmp_remove(&t);
}

void test_dotenv__positions_in_files(void)
{
	struct run *run = test_run();
	struct tmpdir t = { 0 };
	const char *f = tmp_file(&t, "x.env", "# c\n\n  K=${U:?set K}\n");
	CHECK_INT_EQ(dotenv_load(env_new(run), run, f, 1), -1);
	char *want = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&want, &len);
	fprintf(m, "%s:3:5: error: K: required variable U is missing a value: \"set K\"\n", f);
	fclose(m);
	CHECK_STR_EQ(test_diags(), want);
	free(want);
	tmp_remove(&t);
}

void test_dotenv__fuzz_seeds(void)
{
	CHECK(test_replay_seeds("dotenv", fuzz_dotenv_one) >= 10);
}
