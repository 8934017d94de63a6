/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hypervisor's OP-TEE mediator, with the behaviour of Xen's (ABI.md
 * §4): a guest's message argument is copied into a shadow page the guest
 * cannot touch; every address in it is translated from the guest's IPA to
 * a PA; the pages handed to the TEE are checked to be the guest's and
 * pinned; only the output fields are copied back. Per-VM limits bound what
 * a guest can pin.
 */
#ifndef SIM_MEDIATOR_H
#define SIM_MEDIATOR_H

#include <stdbool.h>
#include <stdint.h>

#define MED_MAX_SHM_BUFFERS	16	/* registered buffers per VM */
#define MED_MAX_BUFFER_PAGES	129	/* pages per buffer */
#define MED_MAX_PINNED_PAGES	16384	/* pages pinned per VM, in all */
#define MED_MAX_CALLS		64	/* calls in flight per VM (threads) */
/*
 * A guest's CALLS_COUNT, which the mediator answers itself: the SMCs it
 * takes (Xen's OPTEE_MEDIATOR_SMC_COUNT), not the TEE's count.
 */
#define MED_CALLS_COUNT		11u

struct vm;

struct med_shm {
	uint64_t cookie;
	uint64_t *pages;	/* PAs, pinned */
	uint32_t count;
};

struct med_call;
struct med_rpc;

struct med_vm {
	uint32_t calls;			/* std calls in flight */
	struct med_call *call_list;	/* ... running or suspended in an RPC */
	struct med_rpc *rpc_list;	/* RPC_ALLOC and SHM_ALLOC buffers */
	uint64_t eresumes;		/* RETURN_FROM_RPC naming no call */
	uint64_t rpcs;			/* RPCs passed to the guest */
	uint32_t thread_limit;		/* the TEE's CFG_NUM_THREADS */
	uint32_t pinned;		/* pages pinned for the TEE */
	uint32_t shm_count;
	uint32_t shm_reserved;		/* registrations in flight */
	struct med_shm shm[MED_MAX_SHM_BUFFERS];
	uint64_t translated_pages;	/* statistics */
	uint64_t refused;
};

void med_vm_init(struct vm *vm, uint32_t thread_limit);
/*
 * Before VM_DESTROYED, with the VM's vCPUs stopped: finish every call the
 * VM left suspended in an RPC by answering its RPCs with failures (as a
 * guest that is gone would), then forget every call and buffer of @vm and
 * unpin their pages. Returns the calls that could not be drained.
 */
uint32_t med_vm_release(struct vm *vm);
/* Only forget and unpin: a hypervisor that does not drain. */
void med_vm_forget(struct vm *vm);
/* Calls of @vm suspended in an RPC now. */
uint32_t med_vm_suspended(const struct vm *vm);
/* Handle one SMC of @vm; registers in and out in @regs (x0..x7). */
void med_smc(struct vm *vm, uint64_t regs[8]);

#endif /* SIM_MEDIATOR_H */
