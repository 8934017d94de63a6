/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Allocation failure injection: the host may make any allocation of the
 * core's heaps or page pools fail, as if its pool were exhausted, so that
 * the error paths run (fuzz targets decide which, from their input). A
 * real build has no such host: the answer is always "no".
 */
#ifndef ARCH_ALLOC_FAIL_H
#define ARCH_ALLOC_FAIL_H

#include <stdbool.h>

enum arch_alloc_site {
	ARCH_ALLOC_HEAP,	/* malloc_ctx_alloc and all built on it */
	ARCH_ALLOC_PAGES,	/* page_pool_alloc (TA RAM) */
};

/* Should this allocation (valid, about to search its pool) fail? */
bool arch_alloc_fails(enum arch_alloc_site site);

#endif /* ARCH_ALLOC_FAIL_H */
