/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Physical and virtual addresses as distinct types, so that a PA cannot be
 * used where a VA is expected (or the reverse) without saying so. The
 * hypervisor side adds its own ipaddr_t (sim/); the core never sees IPAs.
 */
#ifndef ARCH_ADDR_H
#define ARCH_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	uint64_t value;
} paddr_t;

static inline paddr_t pa_init(uint64_t value)
{
	return (paddr_t){ .value = value };
}

static inline uint64_t pa_addr(paddr_t pa)
{
	return pa.value;
}

static inline paddr_t pa_add(paddr_t pa, uint64_t offset)
{
	return pa_init(pa.value + offset);
}

static inline bool pa_eq(paddr_t a, paddr_t b)
{
	return a.value == b.value;
}

/* Bytes from @base to @pa; @pa must not lie below @base. */
static inline uint64_t pa_offset(paddr_t pa, paddr_t base)
{
	return pa.value - base.value;
}

typedef struct {
	uintptr_t value;
} vaddr_t;

static inline vaddr_t va_init(uintptr_t value)
{
	return (vaddr_t){ .value = value };
}

static inline vaddr_t va_from_ptr(const void *ptr)
{
	return va_init((uintptr_t)ptr);
}

static inline uintptr_t va_addr(vaddr_t va)
{
	return va.value;
}

static inline void *va_to_ptr(vaddr_t va)
{
	return (void *)va.value;
}

#endif /* ARCH_ADDR_H */
