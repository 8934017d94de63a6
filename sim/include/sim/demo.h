/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef SIM_DEMO_H
#define SIM_DEMO_H

#include <stddef.h>
#include <stdio.h>

#include <stdint.h>

struct demo_options {
	unsigned int cores;		/* 0: the profile's */
	uint64_t seed;			/* of the scheduler */
	uint32_t preempt_permille;
};

/* The preemption rate of the demo's concurrent chapter by default. */
#define DEMO_PREEMPT_PERMILLE	150

/* Run the demo story to @out. -1 with a one-line reason in @err. */
int nexsim_demo(FILE *out, const struct demo_options *opt, char *err,
		size_t err_size);

#endif /* SIM_DEMO_H */
