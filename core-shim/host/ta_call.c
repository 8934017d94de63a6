// SPDX-License-Identifier: BSD-2-Clause
/*
 * TA calls and their panics, the simulated clock, the random seed.
 *
 * A TA runs on the stack of the core thread that calls it; TEE_Panic()
 * returns to the innermost arch_ta_call() of that thread with longjmp
 * (which the sanitizers know how to unwind through). The frames belong to
 * the thread, which may be suspended and resumed on another core.
 */

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

#include <arch/platform.h>
#include <arch/ta.h>

#include "shim_internal.h"

static uint64_t sim_time_ns;

/* One SMC lasts this long in simulated time. */
#define SMC_QUANTUM_NS	1000u

bool arch_ta_call(void (*fn)(void *arg), void *arg)
{
	struct ta_frames *f = ta_frames_of(machine_current_core());
	unsigned int level = f->depth;

	if (level == MAX_TA_DEPTH) {
		fputs("nexsim: TA calls nested too deep\n", stderr);
		abort();
	}
	if (setjmp(f->env[level])) {
		/* The thread may have been resumed on another core. */
		f = ta_frames_of(machine_current_core());
		f->depth = level;
		return false;
	}
	f->depth = level + 1;
	fn(arg);
	f = ta_frames_of(machine_current_core());
	f->depth = level;
	return true;
}

void ta_call_unwind(unsigned int core)
{
	struct ta_frames *f = ta_frames_of(core);

	if (!f->depth) {
		fputs("nexsim: TA panic outside a TA call\n", stderr);
		abort();
	}
	longjmp(f->env[f->depth - 1], 1);
}

void arch_ta_panic(void)
{
	ta_call_unwind(machine_current_core());
}

unsigned int ta_call_depth(unsigned int core)
{
	return ta_frames_of(core)->depth;
}

void ta_call_reset(void)
{
	thread_ctx_reset();
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
