// SPDX-License-Identifier: BSD-2-Clause
/*
 * The libFuzzer entry point of one target, picked at build time
 * (-DFUZZ_TARGET_RUN=fuzz_guest_run): the decoder itself is the target's
 * run function, which `nexsim replay` links too.
 */

#include "fuzz_targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FUZZ_TARGET_RUN(data, size);
	return 0;
}
