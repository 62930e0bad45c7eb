/* dlib_open: which library it opens, what it binds, what it says when it cannot. */
#include "harness.h"

#include "base/sbuf.h"
#include "base/xalloc.h"
#include "base/dlib.h"

#include <string.h>

static size_t (*my_strlen)(const char *);

void test_dlib__binds_from_the_first_name_that_loads(void)
{
	static const char *const names[] = { "libstackc-missing.so", "libc.so.6" };
	const struct dlib_sym syms[] = { { (void **)&my_strlen, "strlen" } };
	struct sbuf err = SBUF_INIT;
	void *h = NULL;
	CHECK_INT_EQ(dlib_open(&h, names, ARRAY_SIZE(names), NULL, syms, 1, "libc", "libc6", &err), 0);
	CHECK(h != NULL);
	CHECK_INT_EQ(my_strlen("four"), 4);
	CHECK_INT_EQ(err.len, 0);
	sbuf_release(&err);
}

void test_dlib__override_replaces_the_names(void)
{
	static const char *const names[] = { "libc.so.6" };
	const struct dlib_sym syms[] = { { (void **)&my_strlen, "strlen" } };
	struct sbuf err = SBUF_INIT;
	void *h = NULL;
	CHECK_INT_EQ(dlib_open(&h, names, 1, "libstackc-missing.so", syms, 1, "libc", "libc6", &err), -1);
	CHECK(h == NULL);
	CHECK(!strncmp(err.buf, "cannot load libc (install libc6): libstackc-missing.so: ", 56));
	sbuf_release(&err);
}

void test_dlib__a_missing_symbol_fails_the_whole_load(void)
{
	static const char *const names[] = { "libc.so.6" };
	void *other = NULL;
	const struct dlib_sym syms[] = { { (void **)&my_strlen, "strlen" },
					 { &other, "stackc_no_such_function" } };
	struct sbuf err = SBUF_INIT;
	void *h = NULL;
	CHECK_INT_EQ(dlib_open(&h, names, 1, NULL, syms, 2, "libc", "libc6", &err), -1);
	CHECK(h == NULL);
	CHECK_STR_EQ(err.buf, "cannot load libc: it has no stackc_no_such_function");
	sbuf_release(&err);
}
