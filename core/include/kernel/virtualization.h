/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Guest partitions: the nexus side of OP-TEE's virtualization. A guest is
 * announced by the hypervisor (VM_CREATED), gets an equal share of secure
 * memory and its own copy of the core's banked state, and is entered on
 * every call that carries its client ID in a7.
 */
#ifndef KERNEL_VIRTUALIZATION_H
#define KERNEL_VIRTUALIZATION_H

#include <arch/entry.h>
#include <arch/platform.h>
#include <stdbool.h>
#include <stdint.h>
#include <tee/tee_result.h>

/* Client IDs are 16 bits; 0 (HYP_CLNT_ID) is the hypervisor. */
#define VIRT_MAX_GUEST_ID	0xffffu

struct guest_partition;

/*
 * virt_init() - plan the secure memory and set up the nexus
 * @plat: the platform to boot
 *
 * Splits TZDRAM into the nexus TEE RAM and the TA pool, and the pool into
 * CFG_VIRT_GUEST_COUNT equal shares. Called at every cold boot.
 */
enum core_boot_status virt_init(const struct arch_platform *plat);

/*
 * virt_guest_created() - create the partition of a new guest
 * @guest_id: client ID given by the hypervisor
 *
 * Returns TEE_ERROR_BAD_PARAMETERS for ID 0 or an ID above 16 bits,
 * TEE_ERROR_ACCESS_CONFLICT if the ID is taken, TEE_ERROR_OUT_OF_MEMORY if
 * every share is in use. Nothing changes on error.
 */
TEE_Result virt_guest_created(uint32_t guest_id);

/*
 * virt_guest_destroyed() - start the destruction of a guest
 * @guest_id: client ID given by the hypervisor
 *
 * The guest is shutting down at once (new calls fail, its ID can be
 * reused); its memory is released when the last reference is dropped.
 * Returns TEE_ERROR_ITEM_NOT_FOUND if no live guest has that ID.
 */
TEE_Result virt_guest_destroyed(uint32_t guest_id);

/*
 * virt_set_guest() - enter the partition of the caller of an SMC
 * @guest_id: a7 of the call
 *
 * HYP_CLNT_ID succeeds and leaves the default partition. Returns
 * TEE_ERROR_ITEM_NOT_FOUND if no live guest has that ID.
 */
TEE_Result virt_set_guest(uint32_t guest_id);

/* Leave the current partition and drop its reference. */
void virt_unset_guest(void);

/*
 * Initialise the guest's TEE runtime on its first std call. False if its
 * heap had no room (the call fails with ENOMEM; the next one tries again).
 */
bool virt_on_stdcall(void);

/* A thread of the current guest suspends in an RPC (1) or resumes (-1). */
void virt_count_suspended(int delta);

/* Count a call of the current guest in its statistics. */
void virt_count_call(bool fast);

/* The partition active on this core (a reference is taken), or NULL. */
struct guest_partition *virt_get_current_guest(void);
/* The live guest with this ID (a reference is taken), or NULL. */
struct guest_partition *virt_get_guest(uint16_t guest_id);
void virt_put_guest(struct guest_partition *prtn);
uint16_t virt_get_guest_id(const struct guest_partition *prtn);
/* ID of the guest active on this core, 0 in the default partition. */
uint16_t virt_get_current_guest_id(void);

#endif /* KERNEL_VIRTUALIZATION_H */
