/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_REFCOUNT_H
#define KERNEL_REFCOUNT_H

#include <stdbool.h>
#include <stdint.h>

struct refcount {
	uint32_t val;
};

static inline void refcount_set(struct refcount *r, uint32_t val)
{
	r->val = val;
}

static inline uint32_t refcount_val(const struct refcount *r)
{
	return r->val;
}

/* Take a reference; false if the count was zero (object already dying). */
bool refcount_inc(struct refcount *r);

/* Drop a reference; true if it was the last one. */
bool refcount_dec(struct refcount *r);

#endif /* KERNEL_REFCOUNT_H */
