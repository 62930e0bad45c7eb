/* Replay fuzz seeds through the validator's target: its own and the loader's. */
#include "tests/unit/harness.h"

int fuzz_validate_one(const uint8_t *data, size_t size);

void test_schema_fuzz__replay_seeds(void)
{
	CHECK(test_replay_seeds("validate", fuzz_validate_one) >= 5);
}

/* Loader seeds (anchors, merge keys, deep nesting, bad UTF-8) reach the validator too. */
void test_schema_fuzz__replay_loader_seeds(void)
{
	CHECK(test_replay_seeds("load", fuzz_validate_one) >= 10);
}
