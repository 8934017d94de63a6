/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The simulated platform's configuration: what OP-TEE fixes at compile time
 * with CFG_* is a runtime setting here. The host fills it in before boot;
 * the core reads it and never changes it.
 */
#ifndef ARCH_PLATFORM_H
#define ARCH_PLATFORM_H

#include <arch/addr.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits of the simulated hardware, independent of the profile. */
#define ARCH_MAX_CORES		16
#define ARCH_SMALL_PAGE_SIZE	4096u

struct arch_platform {
	const char *name;		/* profile name, for reports */
	uint32_t core_count;		/* CFG_TEE_CORE_NB_CORE */
	uint32_t guest_count;		/* CFG_VIRT_GUEST_COUNT */
	uint32_t thread_count;		/* CFG_NUM_THREADS, per guest */
	size_t nex_heap_size;		/* CFG_CORE_NEX_HEAP_SIZE */
	size_t heap_size;		/* CFG_CORE_HEAP_SIZE, per guest */
	size_t thread_stack_size;	/* per thread, per guest */
	size_t xlat_table_size;		/* translation tables, per guest */
	paddr_t tzdram_base;		/* secure DRAM: TEE RAM then TA pool */
	uint64_t tzdram_size;
	uint64_t tee_ram_size;		/* start of TZDRAM kept by the nexus */
	paddr_t nsec_ddr_base;		/* non-secure DRAM */
	uint64_t nsec_ddr_size;
	bool implicit_guest_create;	/* create a guest on its first std call */
	uint64_t random_seed;		/* all randomness derives from it */
	uint32_t os_revision_major;	/* GET_OS_REVISION */
	uint32_t os_revision_minor;
	uint32_t os_build_id;
};

/* The platform the machine was booted with. */
const struct arch_platform *arch_get_platform(void);

#endif /* ARCH_PLATFORM_H */
