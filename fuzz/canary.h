/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The canary: a well-behaved VM of its own, made by the fuzz target, which
 * the input cannot name. Its calls interleave with what the input does
 * (between operations, or as a vCPU of its own under the scheduler), and
 * each must give exactly the result a quiet machine gives: the hello
 * world TA's counter goes up by one, and the storage TA's persistent
 * count of its own object goes 1, 2, 3... Anything else means the input
 * reached into another guest, and fails the input.
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
	unsigned int steps;
};

/* Make the canary's VM and open its sessions (the hypervisor is up). */
void fuzz_canary_start(struct fuzz_canary *c);
/* One call, checked: INC_VALUE three times, then COUNT, in turn. */
void fuzz_canary_step(struct fuzz_canary *c);
/* Close its sessions and destroy its VM. */
void fuzz_canary_end(struct fuzz_canary *c);

#endif /* FUZZ_CANARY_H */
