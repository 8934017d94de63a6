// SPDX-License-Identifier: BSD-2-Clause
/*
 * TA calls and their panics, the simulated clock, the random seed.
 *
 * A TA runs on the calling core's stack; TEE_Panic() returns to the
 * innermost arch_ta_call() of that core with longjmp (which the sanitizers
 * know how to unwind through).
 */

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

#include <arch/platform.h>
#include <arch/ta.h>

#include "shim_internal.h"

#define MAX_TA_DEPTH	4

static struct {
	jmp_buf env[MAX_TA_DEPTH];
	unsigned int depth;
} ta_frames[ARCH_MAX_CORES];

static uint64_t sim_time_ns;

/* One SMC lasts this long in simulated time. */
#define SMC_QUANTUM_NS	1000u

bool arch_ta_call(void (*fn)(void *arg), void *arg)
{
	unsigned int core = machine_current_core();
	unsigned int level = ta_frames[core].depth;

	if (level == MAX_TA_DEPTH) {
		fputs("nexsim: TA calls nested too deep\n", stderr);
		abort();
	}
	if (setjmp(ta_frames[core].env[level])) {
		ta_frames[core].depth = level;
		return false;
	}
	ta_frames[core].depth = level + 1;
	fn(arg);
	ta_frames[core].depth = level;
	return true;
}

void ta_call_unwind(unsigned int core)
{
	if (!ta_frames[core].depth) {
		fputs("nexsim: TA panic outside a TA call\n", stderr);
		abort();
	}
	longjmp(ta_frames[core].env[ta_frames[core].depth - 1], 1);
}

void arch_ta_panic(void)
{
	ta_call_unwind(machine_current_core());
}

unsigned int ta_call_depth(unsigned int core)
{
	return ta_frames[core].depth;
}

void ta_call_reset(void)
{
	unsigned int n = 0;

	for (n = 0; n < ARCH_MAX_CORES; n++)
		ta_frames[n].depth = 0;
	sim_time_ns = 0;
}

void ta_call_tick(void)
{
	sim_time_ns += SMC_QUANTUM_NS;
}

uint64_t arch_time_ns(void)
{
	return sim_time_ns;
}

void shim_advance_time(uint64_t ns)
{
	sim_time_ns += ns;
}

uint64_t shim_time_ns(void)
{
	return sim_time_ns;
}

uint64_t arch_random_seed(void)
{
	return machine_params()->platform.random_seed;
}
