/*
 * The unit-test harness. A test is `void test_<module>__<name>(void)` in any
 * file under tests/unit; the Makefile registers it. A failed CHECK prints
 * file:line and ends the test. test_run() gives the test a fresh run context
 * (arena + sources + diagnostics), released after the test.
 */
#ifndef STACKC_TESTS_UNIT_HARNESS_H
#define STACKC_TESTS_UNIT_HARNESS_H

#include <stdint.h>
#include <string.h>

struct run;
struct node;

struct run *test_run(void);
void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
/* Path of the repository's testdata/ directory. */
const char *test_data_dir(void);
/* Load YAML text as source "test.yml"; NULL (and a failed test) on error. */
struct node *test_load(const char *yaml);
/*
 * Feed every file of testdata/fuzz/<sub> to a fuzz entry point; a seed whose
 * run returns non-zero (a broken property) fails the test. Returns the count.
 */
size_t test_replay_seeds(const char *sub, int (*one)(const uint8_t *data, size_t size));
/* All diagnostics of test_run() as human text (no excerpts). Valid until the next call. */
const char *test_diags(void);

/*
 * Scratch files: test_tmp_dir() makes a fresh directory /tmp/stackc-<prefix>-XXXXXX
 * (heap path); test_remove_dir() removes it with its contents and frees the path.
 * test_write_file() writes dir/name (just name when dir is NULL) or fails the test;
 * test_read_file() returns its contents (heap; "" when it cannot be read).
 */
char *test_tmp_dir(const char *prefix);
void test_remove_dir(char *dir);
void test_write_file(const char *dir, const char *name, const char *text);
char *test_read_file(const char *dir, const char *name);

#define CHECK(e)                                                             \
	do {                                                                 \
		if (!(e))                                                    \
			test_fail(__FILE__, __LINE__, "check failed: %s", #e); \
	} while (0)
#define CHECK_INT_EQ(a, b)                                                   \
	do {                                                                 \
		long long a_ = (long long)(a), b_ = (long long)(b);          \
		if (a_ != b_)                                                \
			test_fail(__FILE__, __LINE__, "%s == %lld, expected %lld", #a, a_, b_); \
	} while (0)
#define CHECK_STR_EQ(a, b)                                                   \
	do {                                                                 \
		const char *a_ = (a), *b_ = (b);                             \
		if (!a_ || !b_ || strcmp(a_, b_))                            \
			test_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", #a, \
				  a_ ? a_ : "(null)", b_ ? b_ : "(null)");     \
	} while (0)

#endif
