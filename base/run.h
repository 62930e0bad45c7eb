/*
 * The per-run context: one arena for all document data, the table of loaded
 * sources, and the diagnostic sink that every phase reports into.
 */
#ifndef STACKC_BASE_RUN_H
#define STACKC_BASE_RUN_H

#include "base/arena.h"
#include "base/diag.h"
#include "base/source.h"

struct run {
	struct arena arena;
	struct source_table sources;
	struct diag_sink diag;
};

void run_init(struct run *r);
void run_release(struct run *r);

#endif
