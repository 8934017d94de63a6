/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef TEE_ENTRY_H
#define TEE_ENTRY_H

#include <arch/entry.h>
#include <stdint.h>

/* Fast calls, in the caller's partition (none for the hypervisor). */
void tee_entry_fast(struct arch_smc_args *args);

/* Number of fast calls this core implements (CALLS_COUNT). */
uint32_t tee_entry_fast_call_count(void);

/* A yielding call on a claimed thread; returns the SMC result for a0. */
uint32_t tee_entry_std_smc(uint32_t a0, uint32_t a1, uint32_t a2,
			   uint32_t a3);

#endif /* TEE_ENTRY_H */
