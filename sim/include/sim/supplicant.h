/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The normal-world side of a guest's RPC commands, as Linux's OP-TEE
 * driver and tee-supplicant answer them: time, sleeping, payload memory,
 * notifications (the wait queues of the TEE's mutexes) and the REE file
 * system that backs GP persistent objects. One per guest: a guest's files
 * are its own, invisible to every other guest.
 */
#ifndef SIM_SUPPLICANT_H
#define SIM_SUPPLICANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sim/optee_abi.h>

struct vm;
struct supp;

struct supp *supp_new(void);
void supp_free(struct vm *vm, struct supp *s);

/* Answer the RPC command in @arg (the guest's RPC argument). */
void supp_handle(struct vm *vm, struct supp *s, struct msg_arg *arg);

/*
 * Blocking a vCPU until a notification arrives needs the scheduler
 * (sched.h): it installs these. Without one, a WAIT for a key not yet
 * sent is answered BAD_STATE (no other call could ever send it).
 */
struct supp_waiter {
	/*
	 * Block the calling vCPU until @done(@arg) holds (checked again at
	 * each scheduling decision); false if none can.
	 */
	bool (*block_until)(bool (*done)(void *arg), void *arg);
};
void supp_set_waiter(const struct supp_waiter *w);

/* What the supplicant holds, for tests. */
struct supp_stats {
	uint32_t files;
	size_t bytes;
	uint32_t open_fds;
	uint32_t payloads;	/* SHM_ALLOC buffers not freed */
	uint64_t payloads_allocated;	/* SHM_ALLOCs answered with a buffer */
	uint64_t payload_bytes;		/* and the bytes they asked for */
	uint64_t commands;
};
void supp_get_stats(const struct supp *s, struct supp_stats *st);
/* The names of its files, one per call, NULL after the last. */
const char *supp_file_name(const struct supp *s, uint32_t index);
/*
 * The bytes of file @name, for tests that play a hostile normal world
 * rewriting what the TEE stored. False if there is no such file.
 */
bool supp_file_bytes(struct supp *s, const char *name, uint8_t **data,
		     size_t *size);

#endif /* SIM_SUPPLICANT_H */
