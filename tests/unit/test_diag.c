/* The diagnostic sink: taking back an attempt's diagnostics. */
#include "tests/unit/harness.h"
#include "base/diag.h"
#include "base/run.h"

void test_diag__rewind_forgets_and_recounts(void)
{
	struct run *run = test_run();
	struct diag_sink *d = &run->diag;
	diag_error(d, POS_NONE, NULL, "kept error");
	size_t mark = d->n, errors = d->nerrors, warnings = d->nwarnings;
	diag_warn(d, POS_NONE, NULL, "attempt warning");
	diag_error(d, POS_NONE, NULL, "attempt error");
	diag_note(d, POS_NONE, "attempt note");
	CHECK_INT_EQ(d->nerrors, errors + 1);
	diag_rewind(d, mark);
	CHECK_INT_EQ(d->n, mark);
	CHECK_INT_EQ(d->nerrors, errors);
	CHECK_INT_EQ(d->nwarnings, warnings);
	CHECK_STR_EQ(d->v[d->n - 1].message, "kept error");
}
