/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The core's heaps. Two families, as in OP-TEE:
 *  - nex_malloc & co.: the nexus heap, always mapped, shared by all guests;
 *  - malloc & co.: the heap of the guest whose partition is active. Its
 *    context is an ordinary (banked) global, so every guest has its own,
 *    and using it from the default partition is an isolation violation.
 * Both are served by the allocator contexts below.
 */
#ifndef MM_MALLOC_H
#define MM_MALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct malloc_stats {
	size_t pool_size;	/* bytes handed to the allocator */
	size_t allocated;	/* bytes currently allocated (as requested) */
	size_t max_allocated;	/* high-water mark of @allocated */
	size_t allocations;	/* live allocations */
	size_t failures;	/* requests that returned NULL */
};

struct malloc_block;

/* Number of segregated free lists: block sizes 2^5 .. 2^(5+N-1) and up. */
#define MALLOC_BIN_COUNT	40

struct malloc_ctx {
	uint8_t *pool_start;
	uint8_t *pool_end;
	struct malloc_block *bins[MALLOC_BIN_COUNT];
	uint64_t bin_map;		/* bit n: bins[n] is not empty */
	struct malloc_stats stats;
	unsigned int lock;
};

/* Payload alignment guaranteed by every allocation. */
#define MALLOC_ALIGN		16u

void malloc_ctx_init(struct malloc_ctx *ctx, void *pool, size_t size);
void *malloc_ctx_alloc(struct malloc_ctx *ctx, size_t size, size_t align);
void *malloc_ctx_calloc(struct malloc_ctx *ctx, size_t count, size_t size);
void *malloc_ctx_realloc(struct malloc_ctx *ctx, void *ptr, size_t size);
void malloc_ctx_free(struct malloc_ctx *ctx, void *ptr);
void malloc_ctx_get_stats(struct malloc_ctx *ctx, struct malloc_stats *stats);
/* Bytes requested for the live allocation @ptr (panics if it is not one). */
size_t malloc_ctx_size_of(struct malloc_ctx *ctx, void *ptr);
bool malloc_ctx_is_initialized(const struct malloc_ctx *ctx);
/* True if @ptr lies inside the pool of @ctx (allocated or not). */
bool malloc_ctx_owns(const struct malloc_ctx *ctx, const void *ptr);
/* Forget the pool; its shadow is made addressable again. */
void malloc_ctx_release(struct malloc_ctx *ctx);

/* Nexus heap */
void nex_malloc_init(void *pool, size_t size);
void *nex_malloc(size_t size);
void *nex_calloc(size_t count, size_t size);
void *nex_realloc(void *ptr, size_t size);
void *nex_memalign(size_t align, size_t size);
void nex_free(void *ptr);
void nex_malloc_get_stats(struct malloc_stats *stats);

/* Heap of the active guest */
void guest_malloc_init(void *pool, size_t size);
void guest_malloc_release(void);
bool guest_malloc_is_initialized(void);
void *guest_malloc(size_t size);
void *guest_calloc(size_t count, size_t size);
void *guest_realloc(void *ptr, size_t size);
void *guest_memalign(size_t align, size_t size);
void guest_free(void *ptr);
void guest_malloc_get_stats(struct malloc_stats *stats);

#if defined(NEXSIM_CORE)
/*
 * Inside the core, the standard names mean the active guest's heap, as in
 * OP-TEE. The core is freestanding: these are not the C library's.
 */
static inline void *malloc(size_t size)
{
	return guest_malloc(size);
}

static inline void *calloc(size_t count, size_t size)
{
	return guest_calloc(count, size);
}

static inline void *realloc(void *ptr, size_t size)
{
	return guest_realloc(ptr, size);
}

static inline void *memalign(size_t align, size_t size)
{
	return guest_memalign(align, size);
}

static inline void free(void *ptr)
{
	guest_free(ptr);
}
#endif

#endif /* MM_MALLOC_H */
