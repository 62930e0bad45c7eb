/* The diagnostic sink: counting, demoting, the error cap. */
#include "tests/unit/harness.h"
#include "base/diag.h"
#include "base/run.h"

void test_diag__demote_turns_later_errors_into_warnings(void)
{
	struct run *run = test_run();
	struct diag_sink *d = &run->diag;
	diag_error(d, POS_NONE, NULL, "kept error");
	size_t mark = d->n, errors = d->nerrors, warnings = d->nwarnings;
	diag_error(d, POS_NONE, NULL, "rule error");
	diag_warn(d, POS_NONE, NULL, "rule warning");
	diag_demote_since(d, mark);
	CHECK_INT_EQ(d->nerrors, errors);
	CHECK_INT_EQ(d->nwarnings, warnings + 2);
	CHECK_INT_EQ(d->v[mark].severity, DIAG_WARNING);
	CHECK_INT_EQ(d->v[mark - 1].severity, DIAG_ERROR);
}
