/*
 * Fuzz target: the .env parser (with interpolation of its values).
 * The entry point is fuzz_dotenv_one(); LLVMFuzzerTestOneInput is defined
 * only with -DSTACKC_FUZZ_MAIN (see fuzz_interp.c).
 */
#include "compose/dotenv.h"
#include "base/run.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int fuzz_dotenv_one(const uint8_t *data, size_t size);

int fuzz_dotenv_one(const uint8_t *data, size_t size)
{
	struct run run;
	run_init(&run);
	struct env *env = env_new(&run);
	env_set(env, "HOME", "/home/u", POS_NONE);
	env_set(env, "SHELLV", "fromshell", POS_NONE);
	env_set(env, "EMPTY", "", POS_NONE);
	uint32_t src = source_add(&run.sources, ".env", NULL, (const char *)data, size);
	dotenv_parse(env, &run, src);
	/* the process environment always wins */
	if (strcmp(env_get(env, "SHELLV"), "fromshell") || env_origin(env, "HOME").src)
		abort();
	for (size_t i = 0; i < env_count(env); i++) {
		const struct env_var *e = env_at(env, i);
		if (!*e->name || env_find(env, e->name) != e)
			abort();
	}
	run_release(&run);
	return 0;
}

#ifdef STACKC_FUZZ_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_dotenv_one(data, size);
}
#endif
