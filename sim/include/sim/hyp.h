/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hypervisor: it owns all non-secure DRAM, gives each VM its RAM as a
 * stage-2 map of scattered pages (never the identity), announces VMs to
 * the TEE, and traps their SMCs into its OP-TEE mediator (mediator.h).
 *
 * A VM's client ID is its domain ID + 1 (0 is the hypervisor's own).
 */
#ifndef SIM_HYP_H
#define SIM_HYP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sim/ipa.h>
#include <sim/machine.h>
#include <sim/mediator.h>

/* Where a VM's RAM starts in its own (intermediate) physical space. */
#define HYP_VM_IPA_BASE		0x40000000ull
#define HYP_PAGE		4096u
#define HYP_MAX_VMS		4096u

struct vm {
	uint16_t domid;
	uint32_t client_id;		/* domid + 1: a7 of its SMCs */
	uint64_t generation;		/* unique to this VM, ever */
	bool running;			/* vCPUs may issue SMCs */
	bool stopping;			/* being destroyed: no new calls */
	uint32_t in_call;		/* driver calls in progress (vCPUs) */
	uint32_t in_smc;		/* SMCs in the secure world now */
	size_t ram_pages;
	uint64_t *p2m;			/* stage 2: IPA page -> PA */
	unsigned int vcpu_core;		/* core its vCPU runs SMCs on */
	struct med_vm med;
	struct guest_drv *drv;		/* its OP-TEE driver, once probed */
	uint64_t smcs;
};

struct hyp_stats {
	uint64_t pages_total;
	uint64_t pages_free;
	uint64_t pages_spare;	/* the hypervisor's own, kept for its next use */
	uint64_t pages_pinned;
	uint32_t vms;
	uint64_t undrained;	/* destroys whose drain gave up */
	uint64_t pages_zeroed;	/* pages zeroed as they were handed out */
};

/* Take over the machine's non-secure DRAM. -1 with a reason in @err. */
int hyp_init(struct sim_machine *m, char *err, size_t err_size);
void hyp_fini(void);
bool hyp_ready(void);
/*
 * After a power-on reset of the machine: every VM destroyed, DRAM handed
 * out again in the order hyp_init made, as if just initialised, but with
 * no new mapping of it. -1 if there is no hypervisor.
 */
int hyp_reset(void);
/*
 * Pages are zeroed when handed out only if they may hold data (sim/hyp.c
 * tracks it). On: also check that every page taken as clean is zero, and
 * abort if not. Off by default; the tests turn it on. Kept across
 * hyp_init().
 */
void hyp_set_check_clean(bool on);

/*
 * Create a VM with @ram_bytes of RAM and announce it (VM_CREATED): if the
 * TEE refuses, the VM is not created. NULL with a reason in @err.
 */
struct vm *hyp_vm_create(size_t ram_bytes, char *err, size_t err_size);

/*
 * Destroy a VM as Xen does: stop its vCPUs, release everything the
 * mediator holds for it (calls, pinned pages), tell the TEE
 * (VM_DESTROYED), then take its RAM back.
 */
void hyp_vm_destroy(struct vm *vm);
/*
 * Stop a VM's vCPUs (the first step of a destroy): no call starts any
 * more, and this returns once every call in progress got back to the
 * guest (under the scheduler, the caller sleeps until then).
 */
void hyp_vm_stop(struct vm *vm);
/*
 * Destroy a VM as a careless hypervisor would: its calls suspended in RPCs
 * are not drained before VM_DESTROYED (the TEE reports it).
 */
void hyp_vm_destroy_undrained(struct vm *vm);

struct vm *hyp_vm_by_client_id(uint32_t client_id);

/* Guest memory by IPA, for the guest's own code (driver, applications). */
bool hyp_ipa_to_pa(const struct vm *vm, ipaddr_t ipa, uint64_t *pa);
void *hyp_ipa_ptr(const struct vm *vm, ipaddr_t ipa);
int hyp_vm_write(const struct vm *vm, ipaddr_t ipa, const void *buf,
		 size_t len);
int hyp_vm_read(const struct vm *vm, ipaddr_t ipa, void *buf, size_t len);

/* The hypervisor's own pages (mediator shadows), and page pinning. */
uint64_t hyp_page_alloc(void);
/* A page of the hypervisor's holding a copy of the page at @src_pa. */
uint64_t hyp_page_alloc_copy(uint64_t src_pa);
void hyp_page_free(uint64_t pa);
void *hyp_pa_ptr(uint64_t pa);
void hyp_pin(uint64_t pa);
void hyp_unpin(uint64_t pa);
uint32_t hyp_pin_count(uint64_t pa);

/*
 * The guest gives a page of its RAM back (ballooning). Refused while the
 * page is pinned for the TEE: a pinned page never changes owner.
 * Returns 0, or -1 if the page is pinned or not the VM's.
 */
int hyp_vm_release_page(struct vm *vm, ipaddr_t ipa);

/* An SMC from the guest's vCPU: trapped, mediated, forwarded. */
void hyp_vm_smc(struct vm *vm, uint64_t regs[8]);
/* The core an SMC of @vm's running vCPU goes to. */
unsigned int hyp_smc_core(const struct vm *vm);

void hyp_get_stats(struct hyp_stats *st);

#endif /* SIM_HYP_H */
