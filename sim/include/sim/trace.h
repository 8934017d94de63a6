/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The timeline of a run (`--trace`): every SMC, mediator translation and
 * partition switch, one line each, stamped with simulated time.
 */
#ifndef SIM_TRACE_H
#define SIM_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

void sim_trace_start(FILE *out);
void sim_trace_stop(void);
bool sim_trace_on(void);
void sim_trace_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * A line on the timeline. Its arguments are evaluated only when tracing:
 * off, a line costs one test, not the names and values it would print.
 */
#define sim_trace(...)                                                      \
	do {                                                                \
		if (sim_trace_on())                                         \
			sim_trace_line(__VA_ARGS__);                        \
	} while (0)
/*
 * The core-shim's events on the timeline too (or no longer): partition
 * switches, and core threads starting, suspending, resuming, ending calls.
 */
void sim_trace_shim_events(bool on);

/* Names for the timeline. */
const char *sim_smc_name(uint32_t fid);
const char *sim_msg_cmd_name(uint32_t cmd);

#endif /* SIM_TRACE_H */
