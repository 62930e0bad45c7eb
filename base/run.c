/* The per-run context. */
#include "base/run.h"

void run_init(struct run *r)
{
	arena_init(&r->arena);
	source_table_init(&r->sources, &r->arena);
	diag_init(&r->diag, &r->arena, &r->sources);
}

void run_release(struct run *r)
{
	diag_release(&r->diag);
	source_table_release(&r->sources);
	arena_release(&r->arena);
}
