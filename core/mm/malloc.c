// SPDX-License-Identifier: BSD-2-Clause
/*
 * A boundary-tag allocator with segregated free lists.
 *
 * Every block starts with a 32-byte header; its payload follows, aligned to
 * MALLOC_ALIGN. Free blocks keep their list links in the payload and are
 * coalesced with free neighbours at once, so two free blocks are never
 * adjacent. In ASan builds, everything but the requested bytes of live
 * allocations is poisoned: headers, alignment slack, free blocks.
 *
 * Misuse by core code (freeing a pointer twice or one that was never
 * allocated) breaks an internal invariant: it panics.
 */

#include <arch/alloc_fail.h>
#include <arch/asan.h>
#include <compiler.h>
#include <kernel/panic.h>
#include <kernel/spinlock.h>
#include <lib/string.h>
#include <mm/malloc.h>
#include <util.h>

#define BLOCK_MAGIC	0x6e657873u	/* "nexs" */
#define FLAG_USED	0x1u

struct malloc_block {
	size_t size_flags;	/* block size incl. header | FLAG_USED */
	size_t prev_size;	/* size of the block just below, 0 if first */
	uint32_t requested;	/* payload bytes asked for (used blocks) */
	uint32_t magic;		/* BLOCK_MAGIC ^ address bits */
	uint32_t pad[2];
	/* Free blocks only, inside what would be the payload: */
	struct malloc_block *next;
	struct malloc_block *prev;
};

#define HDR_SIZE	32u
#define MIN_BLOCK	(HDR_SIZE + 16u)	/* room for the free-list links */

_Static_assert(offsetof(struct malloc_block, next) == HDR_SIZE,
	       "free-list links must follow the header");

static inline __no_asan size_t blk_size(const struct malloc_block *b)
{
	return b->size_flags & ~(size_t)FLAG_USED;
}

static inline __no_asan bool blk_used(const struct malloc_block *b)
{
	return b->size_flags & FLAG_USED;
}

static inline __no_asan uint32_t blk_magic(const struct malloc_block *b)
{
	return BLOCK_MAGIC ^ (uint32_t)((uintptr_t)b >> 4);
}

static inline __no_asan uint8_t *blk_payload(struct malloc_block *b)
{
	return (uint8_t *)b + HDR_SIZE;
}

static inline __no_asan struct malloc_block *blk_next(struct malloc_ctx *ctx,
					    struct malloc_block *b)
{
	uint8_t *n = (uint8_t *)b + blk_size(b);

	return n < ctx->pool_end ? (struct malloc_block *)n : NULL;
}

static inline __no_asan struct malloc_block *blk_prev(struct malloc_block *b)
{
	if (!b->prev_size)
		return NULL;
	return (struct malloc_block *)((uint8_t *)b - b->prev_size);
}

_Static_assert(MALLOC_BIN_COUNT <= 64, "one bit per bin in bin_map");

static unsigned int bin_of(size_t size)
{
	/* size >= MIN_BLOCK >= 32: bin 0 holds 32..63, bin 1 64..127, ... */
	unsigned int bin = 63u - (unsigned int)__builtin_clzll(
					(unsigned long long)(size >> 5));

	return bin < MALLOC_BIN_COUNT ? bin : MALLOC_BIN_COUNT - 1;
}

static __no_asan void bin_insert(struct malloc_ctx *ctx, struct malloc_block *b)
{
	unsigned int bin = bin_of(blk_size(b));

	b->prev = NULL;
	b->next = ctx->bins[bin];
	if (b->next)
		b->next->prev = b;
	ctx->bins[bin] = b;
	ctx->bin_map |= 1ull << bin;
}

static __no_asan void bin_remove(struct malloc_ctx *ctx, struct malloc_block *b)
{
	unsigned int bin = 0;

	if (b->prev) {
		b->prev->next = b->next;
	} else {
		bin = bin_of(blk_size(b));
		ctx->bins[bin] = b->next;
		if (!b->next)
			ctx->bin_map &= ~(1ull << bin);
	}
	if (b->next)
		b->next->prev = b->prev;
}

/* Set the size of @b and keep the boundary tag of its successor right. */
static __no_asan void blk_set(struct malloc_ctx *ctx, struct malloc_block *b,
			      size_t size, bool used)
{
	struct malloc_block *n = NULL;

	b->size_flags = size | (used ? FLAG_USED : 0);
	b->magic = blk_magic(b);
	n = blk_next(ctx, b);
	if (n)
		n->prev_size = size;
}

__no_asan void malloc_ctx_init(struct malloc_ctx *ctx, void *pool, size_t size)
{
	uint8_t *start = (uint8_t *)ROUNDUP((uintptr_t)pool, MALLOC_ALIGN);
	uint8_t *end = (uint8_t *)ROUNDDOWN((uintptr_t)pool + size,
					    MALLOC_ALIGN);
	struct malloc_block *b = (struct malloc_block *)start;

	memset(ctx, 0, sizeof(*ctx));
	if (end <= start || (size_t)(end - start) < MIN_BLOCK)
		panic("heap pool too small");
	ctx->pool_start = start;
	ctx->pool_end = end;
	ctx->stats.pool_size = (size_t)(end - start);

	b->prev_size = 0;
	blk_set(ctx, b, ctx->stats.pool_size, false);
	bin_insert(ctx, b);
	arch_asan_poison(start, ctx->stats.pool_size);
}

bool malloc_ctx_is_initialized(const struct malloc_ctx *ctx)
{
	return ctx->pool_start != NULL;
}

bool malloc_ctx_owns(const struct malloc_ctx *ctx, const void *ptr)
{
	const uint8_t *p = ptr;

	return p >= ctx->pool_start && p < ctx->pool_end;
}

void malloc_ctx_release(struct malloc_ctx *ctx)
{
	if (ctx->pool_start)
		arch_asan_unpoison(ctx->pool_start, ctx->stats.pool_size);
	memset(ctx, 0, sizeof(*ctx));
}

/*
 * Cut @b (free, already off its list) to @size bytes; the rest, if big
 * enough to be a block, goes back to the free lists.
 */
static __no_asan void blk_split(struct malloc_ctx *ctx, struct malloc_block *b,
				size_t size)
{
	size_t total = blk_size(b);
	struct malloc_block *rest = NULL;

	if (total - size < MIN_BLOCK)
		return;
	blk_set(ctx, b, size, blk_used(b));
	rest = (struct malloc_block *)((uint8_t *)b + size);
	rest->prev_size = size;
	blk_set(ctx, rest, total - size, false);
	bin_insert(ctx, rest);
}

/* Merge free @b with free neighbours; returns the merged block, off-list. */
static __no_asan struct malloc_block *blk_coalesce(struct malloc_ctx *ctx,
						   struct malloc_block *b)
{
	struct malloc_block *n = blk_next(ctx, b);
	struct malloc_block *p = blk_prev(b);

	if (n && !blk_used(n)) {
		bin_remove(ctx, n);
		blk_set(ctx, b, blk_size(b) + blk_size(n), false);
	}
	if (p && !blk_used(p)) {
		bin_remove(ctx, p);
		blk_set(ctx, p, blk_size(p) + blk_size(b), false);
		b = p;
	}
	return b;
}

static size_t block_size_for(size_t size)
{
	size_t need = 0;

	if (ADD_OVERFLOW(size, HDR_SIZE + MALLOC_ALIGN - 1, &need))
		return 0;
	need = ROUNDDOWN(need, (size_t)MALLOC_ALIGN);
	return MAX(need, (size_t)MIN_BLOCK);
}

/*
 * Find a free block that can hold @need bytes with the payload aligned to
 * @align; returns it off-list with *@front set to the bytes to cut off its
 * start (0, or at least MIN_BLOCK).
 */
static __no_asan struct malloc_block *find_fit(struct malloc_ctx *ctx,
					       size_t need, size_t align,
					       size_t *front)
{
	/* The bins that hold anything, from @need's up. */
	uint64_t bins = ctx->bin_map & ~((1ull << bin_of(need)) - 1u);

	while (bins) {
		unsigned int bin = (unsigned int)__builtin_ctzll(bins);
		struct malloc_block *b = NULL;

		bins &= bins - 1u;
		for (b = ctx->bins[bin]; b; b = b->next) {
			uintptr_t payload = (uintptr_t)blk_payload(b);
			uintptr_t aligned = ROUNDUP(payload, (uintptr_t)align);
			size_t cut = aligned - payload;

			while (cut && cut < MIN_BLOCK) {
				aligned += align;
				cut += align;
			}
			if (cut > blk_size(b) || blk_size(b) - cut < need)
				continue;
			bin_remove(ctx, b);
			*front = cut;
			return b;
		}
	}
	return NULL;
}

static void stats_alloc(struct malloc_ctx *ctx, size_t size)
{
	ctx->stats.allocated += size;
	ctx->stats.allocations++;
	if (ctx->stats.allocated > ctx->stats.max_allocated)
		ctx->stats.max_allocated = ctx->stats.allocated;
}

static __no_asan void *alloc_locked(struct malloc_ctx *ctx, size_t size,
				    size_t align)
{
	struct malloc_block *b = NULL;
	size_t need = block_size_for(size);
	size_t front = 0;

	/* Requests are recorded in 32 bits; a TEE heap is far smaller. */
	if (!ctx->pool_start || !need || size > UINT32_MAX)
		goto fail;
	if (align < MALLOC_ALIGN)
		align = MALLOC_ALIGN;
	if (!IS_POWER_OF_TWO(align) || align > ctx->stats.pool_size)
		goto fail;
	if (arch_alloc_fails(ARCH_ALLOC_HEAP))
		goto fail;

	b = find_fit(ctx, need, align, &front);
	if (!b)
		goto fail;
	if (front) {
		struct malloc_block *head = b;
		size_t total = blk_size(b);

		blk_set(ctx, head, front, false);
		bin_insert(ctx, head);
		b = (struct malloc_block *)((uint8_t *)head + front);
		b->prev_size = front;
		blk_set(ctx, b, total - front, false);
	}
	blk_split(ctx, b, need);
	blk_set(ctx, b, blk_size(b), true);
	b->requested = (uint32_t)size;
	stats_alloc(ctx, size);
	arch_asan_unpoison(blk_payload(b), size);
	return blk_payload(b);
fail:
	ctx->stats.failures++;
	return NULL;
}

/* The block of a pointer the core says it allocated from @ctx. */
static __no_asan struct malloc_block *block_of(struct malloc_ctx *ctx,
					       void *ptr)
{
	struct malloc_block *b = (struct malloc_block *)((uint8_t *)ptr -
							 HDR_SIZE);

	if (!malloc_ctx_owns(ctx, ptr) || (uint8_t *)b < ctx->pool_start ||
	    !IS_ALIGNED((uintptr_t)ptr, (uintptr_t)MALLOC_ALIGN) ||
	    b->magic != blk_magic(b))
		panic("free of a pointer this heap never returned");
	if (!blk_used(b))
		panic("double free");
	return b;
}

static __no_asan void free_locked(struct malloc_ctx *ctx, void *ptr)
{
	struct malloc_block *b = block_of(ctx, ptr);

	ctx->stats.allocated -= b->requested;
	ctx->stats.allocations--;
	arch_asan_poison(ptr, b->requested);
	blk_set(ctx, b, blk_size(b), false);
	b = blk_coalesce(ctx, b);
	bin_insert(ctx, b);
}

void *malloc_ctx_alloc(struct malloc_ctx *ctx, size_t size, size_t align)
{
	void *p = NULL;

	cpu_spin_lock(&ctx->lock);
	p = alloc_locked(ctx, size, align);
	cpu_spin_unlock(&ctx->lock);
	return p;
}

void *malloc_ctx_calloc(struct malloc_ctx *ctx, size_t count, size_t size)
{
	size_t total = 0;
	void *p = NULL;

	if (MUL_OVERFLOW(count, size, &total)) {
		cpu_spin_lock(&ctx->lock);
		ctx->stats.failures++;
		cpu_spin_unlock(&ctx->lock);
		return NULL;
	}
	p = malloc_ctx_alloc(ctx, total, MALLOC_ALIGN);
	if (p)
		memset(p, 0, total);
	return p;
}

void malloc_ctx_free(struct malloc_ctx *ctx, void *ptr)
{
	if (!ptr)
		return;
	cpu_spin_lock(&ctx->lock);
	free_locked(ctx, ptr);
	cpu_spin_unlock(&ctx->lock);
}

/* Grow or shrink @b in place to @need bytes; false if it cannot. */
static __no_asan bool resize_in_place(struct malloc_ctx *ctx,
				      struct malloc_block *b, size_t need)
{
	struct malloc_block *n = blk_next(ctx, b);
	size_t have = blk_size(b);

	if (need > have) {
		if (!n || blk_used(n) || have + blk_size(n) < need)
			return false;
		bin_remove(ctx, n);
		blk_set(ctx, b, have + blk_size(n), true);
	}
	/* Give back the tail; it may join a free successor. */
	if (blk_size(b) - need >= MIN_BLOCK) {
		struct malloc_block *rest = NULL;
		size_t total = blk_size(b);

		blk_set(ctx, b, need, true);
		rest = (struct malloc_block *)((uint8_t *)b + need);
		rest->prev_size = need;
		blk_set(ctx, rest, total - need, false);
		rest = blk_coalesce(ctx, rest);
		bin_insert(ctx, rest);
	}
	return true;
}

static __no_asan void *realloc_locked(struct malloc_ctx *ctx, void *ptr,
				      size_t size)
{
	struct malloc_block *b = block_of(ctx, ptr);
	size_t need = block_size_for(size);
	size_t old = b->requested;
	void *p = NULL;

	if (need && size <= UINT32_MAX && resize_in_place(ctx, b, need)) {
		ctx->stats.allocated -= old;
		ctx->stats.allocations--;
		stats_alloc(ctx, size);
		b->requested = (uint32_t)size;
		if (size > old)
			arch_asan_unpoison((uint8_t *)ptr + old, size - old);
		else
			arch_asan_poison((uint8_t *)ptr + size, old - size);
		return ptr;
	}
	p = alloc_locked(ctx, size, MALLOC_ALIGN);
	if (!p)
		return NULL;	/* the old block stays valid */
	memcpy(p, ptr, MIN(old, size));
	free_locked(ctx, ptr);
	return p;
}

void *malloc_ctx_realloc(struct malloc_ctx *ctx, void *ptr, size_t size)
{
	void *p = NULL;

	if (!ptr)
		return malloc_ctx_alloc(ctx, size, MALLOC_ALIGN);
	if (!size) {
		malloc_ctx_free(ctx, ptr);
		return NULL;
	}
	cpu_spin_lock(&ctx->lock);
	p = realloc_locked(ctx, ptr, size);
	cpu_spin_unlock(&ctx->lock);
	return p;
}

__no_asan size_t malloc_ctx_size_of(struct malloc_ctx *ctx, void *ptr)
{
	size_t size = 0;

	cpu_spin_lock(&ctx->lock);
	size = block_of(ctx, ptr)->requested;
	cpu_spin_unlock(&ctx->lock);
	return size;
}

void malloc_ctx_get_stats(struct malloc_ctx *ctx, struct malloc_stats *stats)
{
	cpu_spin_lock(&ctx->lock);
	*stats = ctx->stats;
	cpu_spin_unlock(&ctx->lock);
}

/* The nexus heap context is nexus state; the guest one is banked. */
static struct malloc_ctx nex_heap __nex_bss;
static struct malloc_ctx guest_heap;

void nex_malloc_init(void *pool, size_t size)
{
	malloc_ctx_init(&nex_heap, pool, size);
}

void *nex_malloc(size_t size)
{
	return malloc_ctx_alloc(&nex_heap, size, MALLOC_ALIGN);
}

void *nex_calloc(size_t count, size_t size)
{
	return malloc_ctx_calloc(&nex_heap, count, size);
}

void *nex_realloc(void *ptr, size_t size)
{
	return malloc_ctx_realloc(&nex_heap, ptr, size);
}

void *nex_memalign(size_t align, size_t size)
{
	return malloc_ctx_alloc(&nex_heap, size, align);
}

void nex_free(void *ptr)
{
	malloc_ctx_free(&nex_heap, ptr);
}

void nex_malloc_get_stats(struct malloc_stats *stats)
{
	malloc_ctx_get_stats(&nex_heap, stats);
}

void guest_malloc_init(void *pool, size_t size)
{
	malloc_ctx_init(&guest_heap, pool, size);
}

void guest_malloc_release(void)
{
	malloc_ctx_release(&guest_heap);
}

bool guest_malloc_is_initialized(void)
{
	return malloc_ctx_is_initialized(&guest_heap);
}

void *guest_malloc(size_t size)
{
	return malloc_ctx_alloc(&guest_heap, size, MALLOC_ALIGN);
}

void *guest_calloc(size_t count, size_t size)
{
	return malloc_ctx_calloc(&guest_heap, count, size);
}

void *guest_realloc(void *ptr, size_t size)
{
	return malloc_ctx_realloc(&guest_heap, ptr, size);
}

void *guest_memalign(size_t align, size_t size)
{
	return malloc_ctx_alloc(&guest_heap, size, align);
}

void guest_free(void *ptr)
{
	malloc_ctx_free(&guest_heap, ptr);
}

void guest_malloc_get_stats(struct malloc_stats *stats)
{
	malloc_ctx_get_stats(&guest_heap, stats);
}
