/*
 * The per-run context: one arena for all document data, the table of loaded
 * sources, and the diagnostic sink that every phase reports into.
 */
#ifndef STACKC_COMPOSE_RUN_H
#define STACKC_COMPOSE_RUN_H

#include "compose/arena.h"
#include "compose/diag.h"
#include "compose/source.h"

struct run {
	struct arena arena;
	struct source_table sources;
	struct diag_sink diag;
};

void run_init(struct run *r);
void run_release(struct run *r);

#endif
