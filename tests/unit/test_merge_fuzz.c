/*
 * Replays the fuzz seeds (every file in testdata/fuzz/load and testdata/fuzz/merge)
 * through the fuzz targets: a seed fails when its target reports a broken
 * property (or crashes, under `make asan`).
 */
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "tests/unit/harness.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fuzz_load_one(const uint8_t *data, size_t size);
int fuzz_merge_one(const uint8_t *data, size_t size);



void test_fuzz__load_seeds(void)
{
	CHECK(test_replay_seeds("load", fuzz_load_one) >= 10);
}

void test_fuzz__merge_seeds(void)
{
	CHECK(test_replay_seeds("merge", fuzz_merge_one) >= 10);
}

void test_fuzz__targets_accept_odd_input(void)
{
	static const char empty[] = "";
	CHECK_INT_EQ(fuzz_load_one((const uint8_t *)empty, 0), 0);
	CHECK_INT_EQ(fuzz_merge_one((const uint8_t *)empty, 0), 0);
	static const char two[] = "services: {a: {image: x}}\0services: {a: {image: y}}\0trailing";
	CHECK_INT_EQ(fuzz_merge_one((const uint8_t *)two, sizeof(two) - 1), 0);
	static const char nul_only[] = "\0";
	CHECK_INT_EQ(fuzz_merge_one((const uint8_t *)nul_only, 1), 0);
}
