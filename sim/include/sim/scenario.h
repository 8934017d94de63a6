/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Scenarios: a small line-based language for `nexsim run` (the syntax is
 * in docs/scenarios.md). A script is parsed whole before anything runs,
 * so a mistake is reported as FILE:LINE: what was expected, and nothing
 * happened.
 */
#ifndef SIM_SCENARIO_H
#define SIM_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct scenario;

struct scenario_options {
	bool json;		/* a JSON report instead of the step log */
	FILE *trace;		/* timeline of SMCs and switches, or NULL */
	/* The scheduler (sched.h): 0 cores = the platform's. */
	unsigned int cores;
	uint64_t seed;
	uint32_t preempt_permille;
};

/* Parse @path. -1 with "FILE:LINE: ..." in @err. */
int scenario_load(const char *path, struct scenario **out, char *err,
		  size_t err_size);

/*
 * Run it. Returns 0 if every expectation held, 1 if one did not, -1 if
 * the simulation could not run (with a one-line reason in @err).
 */
int scenario_run(struct scenario *s, const struct scenario_options *opt,
		 FILE *out, char *err, size_t err_size);

void scenario_free(struct scenario *s);

#endif /* SIM_SCENARIO_H */
