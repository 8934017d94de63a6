/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef UTIL_H
#define UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)		((a) < (b) ? (a) : (b))
#define MAX(a, b)		((a) > (b) ? (a) : (b))

/* @align must be a power of two. */
#define ROUNDUP(v, align)	(((v) + ((align) - 1)) & ~((__typeof__(v))(align) - 1))
#define ROUNDDOWN(v, align)	((v) & ~((__typeof__(v))(align) - 1))
#define IS_ALIGNED(v, align)	(((v) & ((__typeof__(v))(align) - 1)) == 0)
#define IS_POWER_OF_TWO(x)	((x) != 0 && ((x) & ((x) - 1)) == 0)

#define ADD_OVERFLOW(a, b, res)	__builtin_add_overflow((a), (b), (res))
#define MUL_OVERFLOW(a, b, res)	__builtin_mul_overflow((a), (b), (res))

#define SMALL_PAGE_SIZE		4096u
#define SMALL_PAGE_MASK		(SMALL_PAGE_SIZE - 1)

#define KiB(x)			((size_t)(x) * 1024u)

#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

static inline uint64_t reg_pair_to_64(uint32_t high, uint32_t low)
{
	return ((uint64_t)high << 32) | low;
}

static inline void reg_pair_from_64(uint64_t value, uint32_t *high,
				    uint32_t *low)
{
	*high = (uint32_t)(value >> 32);
	*low = (uint32_t)value;
}

#endif /* UTIL_H */
