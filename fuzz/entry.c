// SPDX-License-Identifier: BSD-2-Clause
/*
 * The libFuzzer entry point of one target, picked at build time
 * (-DFUZZ_TARGET_RUN=fuzz_guest_run): the decoder itself is the target's
 * run function, which `nexsim replay` links too.
 */

#include <shim/shim.h>

#include "fuzz_targets.h"

#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_LEAK_SCANS	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(leak_sanitizer)
#define FUZZ_LEAK_SCANS	1
#endif
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FUZZ_TARGET_RUN(data, size);
#ifdef FUZZ_LEAK_SCANS
	/*
	 * libFuzzer may run LeakSanitizer's check now, which reads the
	 * bank from a thread of its own: the bank is guarded otherwise.
	 */
	shim_expose_bank_for_scan();
#endif
	return 0;
}
