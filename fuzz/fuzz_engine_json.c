/*
 * Fuzz target: an Engine reply body, parsed as engine_request() parses it, then
 * read as every list the stack commands read (services, tasks, nodes) and as an
 * error reply. Nothing may crash or leak, whatever the shape.
 */
#include "base/xalloc.h"
#include "swarm/engine.h"
#include "swarm/stack.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

int fuzz_engine_json_one(const uint8_t *data, size_t size);

int fuzz_engine_json_one(const uint8_t *data, size_t size)
{
	static FILE *sink;
	if (!sink && !(sink = fopen("/dev/null", "w")))
		die("cannot open /dev/null");
	json_error_t jerr;
	json_t *v = json_loadb((const char *)data, size, JSON_DECODE_ANY, &jerr);
	if (!v)
		return 0;
	struct stack_table t;
	stack_table_init(&t, 3);
	stack_ls_rows(&t, v);
	stack_table_print(&t, sink);
	stack_table_release(&t);
	for (int quiet = 0; quiet <= 1; quiet++) {
		stack_table_init(&t, quiet ? 1 : 6);
		stack_services_rows(&t, v, quiet);
		stack_table_print(&t, sink);
		stack_table_release(&t);
	}
	for (int flags = 0; flags <= STACK_PS_NO_TRUNC; flags++) {
		stack_table_init(&t, 8);
		/* the same value as tasks, services and nodes: every lookup path runs */
		stack_ps_rows(&t, v, v, v, flags, 1.8e9);
		stack_table_print(&t, sink);
		stack_table_release(&t);
	}
	fputs(engine_error_message(v), sink);
	json_decref(v);
	return 0;
}

#ifdef STACKC_FUZZ_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_engine_json_one(data, size);
}
#endif
