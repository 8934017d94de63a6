/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The deterministic scheduler of simulated vCPUs and cores.
 *
 * Every vCPU runs its client program on a fiber of its own. One host
 * thread runs them one at a time; a seeded generator decides, at each
 * scheduling point, which runnable vCPU goes on:
 *  - before every SMC a vCPU issues (which vCPU issues the next SMC);
 *  - at the preemption points of core code (spinlock release, mutex
 *    operations, TA API calls), with the configured rate: there, another
 *    vCPU may run (the interrupted one stays inside the secure world, on
 *    its core), or a normal-world interrupt preempts the core thread
 *    (RPC FOREIGN_INTR).
 * A vCPU needs a free core for an SMC: N cores, each with its own current
 * partition, so at most N calls are inside the secure world at once.
 * A vCPU whose driver waits for a notification sleeps until it is sent.
 * The same seed gives the same interleaving, the same results, the same
 * trace.
 */
#ifndef SIM_SCHED_H
#define SIM_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sched_params {
	unsigned int cores;		/* simulated cores to use, >= 1 */
	uint64_t seed;
	uint32_t preempt_permille;	/* chance at a preemption point, /1000 */
	/* Preemptions only interleave vCPUs: no FOREIGN_INTR (tests). */
	bool no_interrupts;
	/*
	 * Where the choices come from, if set, instead of the seeded
	 * generator (fuzz_sched: the input decides each one).
	 */
	uint64_t (*choose)(void *arg);
	void *choose_arg;
};

struct sched_stats {
	uint64_t switches;		/* a different vCPU went on */
	uint64_t points;		/* preemption points reached */
	uint64_t preemptions;		/* ... where another vCPU ran */
	uint64_t interrupts;		/* ... where FOREIGN_INTR was raised */
	uint64_t blocks;		/* waits for a notification or a core */
};

/* Take over scheduling. -1 with a reason in @err. */
int sched_start(const struct sched_params *p, char *err, size_t err_size);
void sched_stop(void);
bool sched_active(void);

/* A vCPU running @fn(@arg), named @label ("a.0") in traces. */
int sched_spawn(const char *label, void (*fn)(void *arg), void *arg);

/*
 * Run the spawned vCPUs until each has finished. Returns 0, or -1 with a
 * reason in @err: every live vCPU blocked (a deadlock).
 */
int sched_run(char *err, size_t err_size);

/* From a vCPU: a scheduling point (before an SMC). */
void sched_point(void);

/*
 * The core for the SMCs of the running vCPU. The first get waits for a
 * free core and holds it; nested gets return it; the last put frees it.
 * Without the scheduler: core 0.
 */
unsigned int sched_core_get(void);
void sched_core_put(void);
/* The core the running vCPU holds (0 without the scheduler). */
unsigned int sched_core(void);

/* Sleep the running vCPU until @done(@arg) holds. False if none can. */
bool sched_block_until(bool (*done)(void *arg), void *arg);

/* "a.0 core 1" of the running vCPU, for traces; "" when inactive. */
const char *sched_where(void);

void sched_get_stats(struct sched_stats *st);

#endif /* SIM_SCHED_H */
