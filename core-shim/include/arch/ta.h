/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What trusted applications need from the machine: a way to abandon a TA
 * that panicked, a clock, and a seed for randomness. Both the clock and the
 * randomness are simulated and deterministic: the same run gives the same
 * values.
 */
#ifndef ARCH_TA_H
#define ARCH_TA_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Run @fn(@arg) as TA code on this core. Returns true if it returned,
 * false if it called arch_ta_panic() (its frames are abandoned).
 */
bool arch_ta_call(void (*fn)(void *arg), void *arg);

/* Abandon the innermost arch_ta_call() of this core. */
void arch_ta_panic(void) __attribute__((noreturn));

/* Simulated time since power-on, in nanoseconds. */
uint64_t arch_time_ns(void);

/* Seed of the machine's deterministic randomness. */
uint64_t arch_random_seed(void);

#endif /* ARCH_TA_H */
