/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The canary: a well-behaved VM of its own, made by the fuzz target, which
 * the input cannot name. Its calls interleave with what the input does
 * (between operations, or as a vCPU of its own under the scheduler), and
 * each must give exactly the result a quiet machine gives: the hello
 * world TA's counter goes up by one, and the storage TA's persistent
 * count of its own object goes 1, 2, 3... Anything else means the input
 * reached into another guest, and fails the input. NEXSIM_FUZZ_CANARY=0
 * in the environment leaves it out (every call below does nothing).
 */
#ifndef FUZZ_CANARY_H
#define FUZZ_CANARY_H

#include <stdbool.h>
#include <stdint.h>

#include <sim/hyp.h>
#include <tee_client_api.h>

struct fuzz_canary {
	struct vm *vm;
	TEEC_Context ctx;
	TEEC_Session hello;
	TEEC_Session storage;
	uint32_t value;		/* the hello world counter, as expected */
	uint32_t count;		/* the storage count, as expected */
	bool storage_open;	/* opened at the first count */
	unsigned int steps;
	/*
	 * Its steps run as a vCPU among the input's (fuzz_sched): the
	 * coverage they see is partly the input's (canary.c keeps it).
	 */
	bool interleaved;
};

/*
 * Is the canary on (NEXSIM_FUZZ_CANARY is not "0")? An input found with it
 * off must be replayed with it off: it takes a guest slot and, in
 * fuzz_sched, a vCPU.
 */
bool fuzz_canary_wanted(void);

/*
 * Make the canary's VM and open its sessions (the hypervisor is up). Its
 * steps run between the input's operations, or @interleaved with them as
 * a vCPU of its own (fuzz_sched). Between operations the storage session
 * opens at the first COUNT instead.
 */
void fuzz_canary_start(struct fuzz_canary *c, bool interleaved);
/* One call, checked: INC_VALUE three times, then COUNT, in turn. */
void fuzz_canary_step(struct fuzz_canary *c);
/* Destroy its VM, sessions open, as a VM that dies leaves them. */
void fuzz_canary_end(struct fuzz_canary *c);

/*
 * The canary of fuzz_smc_raw, where the hypervisor itself is the input:
 * a guest (FUZZ_CANARY_ID) the fuzz target creates and calls with raw
 * messages at a page of non-secure DRAM of its own. The input's SMCs
 * never carry its ID (fuzz_raw_canary_spare()), so only what the input
 * does to other guests and the nexus could change its results.
 */
#define FUZZ_CANARY_ID	0x4242u

struct fuzz_raw_canary {
	bool on;		/* NEXSIM_FUZZ_CANARY=0: off */
	uint64_t pa;		/* its message page */
	uint32_t session;
	uint32_t value;
	unsigned int steps;
};

void fuzz_raw_canary_start(struct fuzz_raw_canary *c, uint64_t pa);
void fuzz_raw_canary_step(struct fuzz_raw_canary *c);
void fuzz_raw_canary_end(struct fuzz_raw_canary *c);
/* Take the canary's ID out of an SMC's a7 and VM_CREATED/DESTROYED's a1. */
void fuzz_raw_canary_spare(uint32_t r[8]);

#endif /* FUZZ_CANARY_H */
