/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The MMU of the simulated secure world: the nexus mappings that are always
 * present, and one partition per guest (OP-TEE's struct mmu_partition).
 *
 * A partition maps two things that no other partition can see:
 *  - the guest's copy of the banked sections (every ordinary .data/.bss of
 *    the core), at their link-time address, backed by @bank_pa;
 *  - the guest's private range (heap, thread stacks, TA RAM), at a virtual
 *    address that is distinct from every other guest's.
 * The default partition (no guest) maps neither: a touch there is reported
 * as an isolation violation.
 */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H

#include <arch/addr.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arch_prtn;

/* Size of one copy of the banked sections, rounded up to whole pages. */
size_t arch_bank_size(void);

/*
 * Map nexus-owned secure memory. The mapping is permanent and visible in
 * every partition. Returns NULL if @pa..@pa+@size is not secure RAM.
 */
void *arch_map_nexus(paddr_t pa, size_t size);

/*
 * Build the partition of guest @guest_id: its bank copy at @bank_pa is
 * initialised from the pristine image (.data copied, .bss zeroed) and its
 * private range @private_pa..+@private_size is mapped at a fresh
 * guest-distinct address, returned in @private_va. Returns NULL if the host
 * cannot provide the mapping.
 */
struct arch_prtn *arch_prtn_create(uint16_t guest_id, paddr_t bank_pa,
				   paddr_t private_pa, size_t private_size,
				   void **private_va);

/*
 * Tear down a partition that no core has active: its memory is scrubbed
 * and released, its private range stays reserved and guarded.
 */
void arch_prtn_destroy(struct arch_prtn *prtn);

/*
 * Map @count non-secure pages (page-aligned PAs, in any order) at
 * contiguous addresses, for the guest partition active on this core: only
 * that partition can reach them, until arch_nsec_unmap(). The MMU may keep
 * a mapping once unmapped, out of every partition's reach, for the next
 * mapping of the same pages (by this guest, or by a later one once it is
 * gone). @per_call: the mapping lasts one call (an argument page, a
 * temporary buffer); a single such page may then ride a key that opens
 * only during the guest's calls, or with ns_map_cache stay reachable to
 * its guest between uses. Pass false for what outlives a call (registered
 * memory). Returns NULL if a page is not non-secure RAM.
 */
void *arch_nsec_map(const paddr_t *pages, size_t count, bool per_call);
void arch_nsec_unmap(void *va, bool per_call);

/*
 * Copy @len bytes of non-secure RAM at @pa into @buf, for the guest
 * partition active on this core: for what is read once (a page list),
 * with no mapping made or left. False if there is no guest partition or
 * the range is not all non-secure RAM.
 */
bool arch_nsec_read(paddr_t pa, void *buf, size_t len);

/* Switch the current core to @prtn (one TTBR write on real hardware). */
void arch_prtn_activate(struct arch_prtn *prtn);

/* Switch the current core back to the default partition. */
void arch_prtn_deactivate(void);

#endif /* ARCH_MMU_H */
