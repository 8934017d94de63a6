/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the core offers to the machine under it: the cold boot, the SMC
 * handler the monitor jumps to, and a debug port that the simulator uses to
 * draw layouts and check invariants (like a JTAG probe, it changes nothing).
 */
#ifndef ARCH_ENTRY_H
#define ARCH_ENTRY_H

#include <arch/addr.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* SMC32 argument and result registers as the core sees them. */
struct arch_smc_args {
	uint32_t a0;
	uint32_t a1;
	uint32_t a2;
	uint32_t a3;
	uint32_t a4;
	uint32_t a5;
	uint32_t a6;
	uint32_t a7;
};

/* Reasons core_boot() can refuse the platform. */
enum core_boot_status {
	CORE_BOOT_OK = 0,
	CORE_BOOT_BAD_REGIONS,		/* TZDRAM or DRAM outside the PA space */
	CORE_BOOT_BAD_SIZES,		/* a heap or stack size out of range */
	CORE_BOOT_BAD_COUNTS,		/* core, guest or thread count */
	CORE_BOOT_BAD_TEE_RAM,		/* TEE RAM unaligned or not < TZDRAM */
	CORE_BOOT_HEAP_TOO_SMALL,	/* for the TA RAM bookkeeping */
	CORE_BOOT_NO_TEE_RAM,		/* nexus heap and tables do not fit */
	CORE_BOOT_NO_TA_RAM,		/* no TA RAM left per guest */
	CORE_BOOT_MAP_FAILED,		/* the host could not map nexus RAM */
};

/* Cold boot of the nexus: the machine is fresh or was just reset. */
enum core_boot_status core_boot(void);

/* Secure-world entry for one SMC on the current core; results in @args. */
void core_handle_smc(struct arch_smc_args *args);

/*
 * The current call on this core was abandoned by the machine (an isolation
 * violation was recovered): release what the call held, back to the
 * default partition. Returns true if the SMC goes on with @args (the
 * wake-ups the abandoned call owed its guest's sleepers are sent from a
 * fresh thread, by RPC, before the call ends with ENOTAVAIL); false if it
 * simply ends with ENOTAVAIL.
 */
bool core_abort_call(struct arch_smc_args *args);

/* Debug port: a snapshot of the nexus. */
struct core_nexus_info {
	paddr_t tee_ram_pa;
	uint64_t tee_ram_size;
	paddr_t nex_heap_pa;
	size_t nex_heap_size;
	size_t nex_heap_used;
	size_t nex_heap_max_used;
	paddr_t guest_index_pa;
	size_t guest_index_size;	/* bytes reserved for the ID index */
	size_t guest_index_used;	/* bytes of it in use */
	paddr_t ta_pool_pa;
	uint64_t ta_pool_size;
	paddr_t tables_pa;		/* per-guest tables, one after another */
	size_t table_size;
	paddr_t shares_pa;		/* per-guest TEE + TA RAM shares */
	size_t tee_ram_share;		/* bank + heap + stacks, per guest */
	size_t ta_ram_share;		/* per guest: the equal-split formula */
	size_t bank_size;
	uint32_t guest_count;		/* configured slots */
	uint32_t guests_live;		/* created and not shutting down */
	uint32_t guests_dying;		/* shutting down, references held */
	uint32_t slots_free;
	/* VM_DESTROYED of a guest with calls still suspended in RPC. */
	uint64_t undrained_destroys;
};

void core_get_nexus_info(struct core_nexus_info *info);

/* Debug port: one guest. */
struct core_guest_info {
	uint16_t id;
	uint32_t slot;
	bool shutting_down;
	bool runtime_initialized;
	uint32_t refcount;
	paddr_t table_pa;
	paddr_t bank_pa;
	paddr_t private_pa;
	void *private_va;
	size_t heap_size;
	size_t heap_used;		/* valid once the runtime is initialised */
	size_t heap_max_used;
	size_t stacks_size;
	size_t ta_ram_size;
	size_t ta_ram_used;
	uint32_t sessions;		/* open TA sessions */
	uint32_t shm_registered;	/* registered shared buffers */
	uint32_t threads_busy;		/* running or suspended */
	uint32_t threads_suspended;	/* in an RPC */
	uint64_t mutex_contentions;	/* waits on a taken mutex */
	uint32_t storage_handles;	/* persistent objects open */
	uint64_t std_calls;
	uint64_t fast_calls;
};

/*
 * Fill @info for the guest in slot @slot (live or shutting down). Reading
 * the heap and TA RAM figures enters the guest's partition for a moment,
 * as the nexus does when it creates a guest. Returns false if the slot is
 * free or out of range.
 */
bool core_get_slot_info(uint32_t slot, struct core_guest_info *info);
/*
 * The same without entering the guest's partition: only what the nexus
 * holds (up to the call counts); the figures from inside stay zero.
 */
bool core_get_slot_brief(uint32_t slot, struct core_guest_info *info);

/* Slot of the live guest @id, or -1 if there is none. */
int32_t core_find_guest_slot(uint16_t id);

#endif /* ARCH_ENTRY_H */
