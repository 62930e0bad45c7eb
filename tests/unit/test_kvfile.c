/* env-file parsing (docker pkg/kvfile rules), and the fuzz seeds. */
#include "compose/kvfile.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "tests/unit/harness.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fuzz_kvfile_one(const uint8_t *data, size_t size);

static const char *lookup(void *ctx, const char *name)
{
	(void)ctx;
	return !strcmp(name, "SET") ? "shell" : !strcmp(name, "EMPTY") ? "" : NULL;
}

/* Parsed entries as "K=V;" text (values with NULs shown as \0). */
static const char *parse(const char *text, size_t len)
{
	static char out[512];
	struct kvfile kv;
	struct sbuf err = SBUF_INIT;
	size_t line;
	if (kvfile_parse(&kv, &test_run()->arena, text, len, lookup, NULL, &err, &line)) {
		snprintf(out, sizeof(out), "error line %zu: %s", line, err.buf);
		sbuf_release(&err);
		return out;
	}
	out[0] = '\0';
	for (size_t i = 0; i < kv.n; i++) {
		size_t o = strlen(out);
		snprintf(out + o, sizeof(out) - o, "%s=", kv.v[i].key);
		for (size_t j = 0; j < kv.v[i].value_len; j++) {
			o = strlen(out);
			char ch = kv.v[i].value[j];
			snprintf(out + o, sizeof(out) - o, ch ? "%c" : "\\0", ch);
		}
		o = strlen(out);
		snprintf(out + o, sizeof(out) - o, "@%zu;", kv.v[i].line);
	}
	return out;
}
#define P(s) parse((s), sizeof(s) - 1)

void test_kvfile__values_verbatim(void)
{
	CHECK_STR_EQ(P("A=1\nQUOTED=\"q\"\nTRAIL=x  \nINTERP=$HOME\nEQ=a=b\n"),
		     "A=1@1;QUOTED=\"q\"@2;TRAIL=x  @3;INTERP=$HOME@4;EQ=a=b@5;");
	CHECK_STR_EQ(P("EMPTYV=\nDUP=1\nDUP=2"), "EMPTYV=@1;DUP=1@2;DUP=2@3;");
	CHECK_STR_EQ(P("K=a\0b\n"), "K=a\\0b@1;");
}

void test_kvfile__skipped_lines_and_trimming(void)
{
	CHECK_STR_EQ(P("\xef\xbb\xbf# comment\n\n   \n  LEAD=1\r\n\tTAB=2\n"), "LEAD=1@4;TAB=2@5;");
	/* Unicode spaces (NBSP, ideographic space) lead; a BOM only counts on line 1 */
	CHECK_STR_EQ(P("\xc2\xa0\xe3\x80\x80K=v\n"), "K=v@1;");
	CHECK_STR_EQ(P("A=1\n\xef\xbb\xbf" "B=2\n"), "A=1@1;\xef\xbb\xbf" "B=2@2;");
	CHECK_STR_EQ(P("X=1\r\r\n"), "X=1\r@1;");
	CHECK_STR_EQ(P(""), "");
	CHECK_STR_EQ(P("\n\n#x"), "");
}

void test_kvfile__key_alone_looks_up(void)
{
	CHECK_STR_EQ(P("SET\nNOTSET\nEMPTY\n"), "SET=shell@1;EMPTY=@3;");
}

void test_kvfile__errors(void)
{
	CHECK_STR_EQ(P("A B=1\n"), "error line 1: variable \"A B\" contains whitespaces");
	CHECK_STR_EQ(P("OK=1\nA\tB\n"), "error line 2: variable \"A\\tB\" contains whitespaces");
	CHECK_STR_EQ(P("OK=1\n=secret\n"), "error line 2: no variable name on line 2");
	CHECK_STR_EQ(P("OK=1\nBAD=\xff\n"), "error line 2: invalid UTF-8 on line 2");
	CHECK_STR_EQ(P("BAD=\xed\xa0\x80\n"), "error line 1: invalid UTF-8 on line 1");
	CHECK_STR_EQ(P("K\0=1\n"), "error line 1: variable name on line 1 contains a NUL byte");
	/* the error stops parsing: nothing after it counts */
	CHECK(!strstr(P("A B=1\nC=2\n"), "C=2"));

	/* bufio.Scanner's limit: a 65535-byte line is fine, one more byte is not */
	size_t n = KVFILE_MAX_LINE;
	char *big = xmalloc(n + 2);
	memset(big, 'x', n + 1);
	memcpy(big, "L=", 2);
	big[n] = '\n';
	CHECK_INT_EQ(strncmp(parse(big, n + 1), "L=xxx", 5), 0);
	big[n] = 'x';
	big[n + 1] = '\n';
	CHECK_STR_EQ(parse(big, n + 2), "error line 1: line 1 is too long (more than 65535 bytes)");
	free(big);
}

void test_kvfile__fuzz_seeds(void)
{
	CHECK(test_replay_seeds("kvfile", fuzz_kvfile_one) >= 10);
}
