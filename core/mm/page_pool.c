// SPDX-License-Identifier: BSD-2-Clause

#include <arch/alloc_fail.h>
#include <kernel/panic.h>
#include <kernel/spinlock.h>
#include <lib/string.h>
#include <mm/page_pool.h>
#include <util.h>

#define WORD_BITS	64u

static inline bool bit_get(const uint64_t *map, size_t n)
{
	return map[n / WORD_BITS] & (1ull << (n % WORD_BITS));
}

static inline void bit_set(uint64_t *map, size_t n)
{
	map[n / WORD_BITS] |= 1ull << (n % WORD_BITS);
}

static inline void bit_clear(uint64_t *map, size_t n)
{
	map[n / WORD_BITS] &= ~(1ull << (n % WORD_BITS));
}

size_t page_pool_bitmap_words(size_t size)
{
	size_t pages = size / SMALL_PAGE_SIZE;

	return 2 * ((pages + WORD_BITS - 1) / WORD_BITS);
}

void page_pool_init(struct page_pool *pool, void *base, size_t size,
		    uint64_t *bitmaps)
{
	size_t words = page_pool_bitmap_words(size) / 2;

	CHECK(IS_ALIGNED((uintptr_t)base, (uintptr_t)SMALL_PAGE_SIZE));
	memset(pool, 0, sizeof(*pool));
	pool->base = base;
	pool->page_count = size / SMALL_PAGE_SIZE;
	pool->used = bitmaps;
	pool->start = bitmaps + words;
}

/* First run of @pages free pages; returns its index or page_count. */
static size_t find_run(struct page_pool *pool, size_t pages)
{
	size_t n = 0;

	while (n + pages <= pool->page_count) {
		size_t len = 0;

		/* Skip whole used words quickly. */
		if (n % WORD_BITS == 0 && pool->used[n / WORD_BITS] == ~0ull) {
			n += WORD_BITS;
			continue;
		}
		while (len < pages && !bit_get(pool->used, n + len))
			len++;
		if (len == pages)
			return n;
		n += len + 1;
	}
	return pool->page_count;
}

void *page_pool_alloc(struct page_pool *pool, size_t size)
{
	size_t pages = 0;
	size_t first = 0;
	size_t n = 0;
	void *p = NULL;

	cpu_spin_lock(&pool->lock);
	if (!size || size > pool->page_count * SMALL_PAGE_SIZE)
		goto fail;
	pages = ROUNDUP(size, (size_t)SMALL_PAGE_SIZE) / SMALL_PAGE_SIZE;
	if (arch_alloc_fails(ARCH_ALLOC_PAGES))
		goto fail;
	first = find_run(pool, pages);
	if (first == pool->page_count)
		goto fail;
	for (n = first; n < first + pages; n++)
		bit_set(pool->used, n);
	bit_set(pool->start, first);
	pool->pages_used += pages;
	pool->max_pages_used = MAX(pool->max_pages_used, pool->pages_used);
	p = pool->base + first * SMALL_PAGE_SIZE;
	cpu_spin_unlock(&pool->lock);
	return p;
fail:
	pool->failures++;
	cpu_spin_unlock(&pool->lock);
	return NULL;
}

/* Index of the first page of the allocation at @ptr, or page_count. */
static size_t alloc_index(struct page_pool *pool, const void *ptr)
{
	const uint8_t *p = ptr;
	size_t idx = 0;

	if (p < pool->base || !pool->page_count ||
	    p >= pool->base + pool->page_count * SMALL_PAGE_SIZE ||
	    !IS_ALIGNED((uintptr_t)p, (uintptr_t)SMALL_PAGE_SIZE))
		return pool->page_count;
	idx = (size_t)(p - pool->base) / SMALL_PAGE_SIZE;
	if (!bit_get(pool->start, idx))
		return pool->page_count;
	return idx;
}

static size_t run_length(struct page_pool *pool, size_t first)
{
	size_t n = first + 1;

	while (n < pool->page_count && bit_get(pool->used, n) &&
	       !bit_get(pool->start, n))
		n++;
	return n - first;
}

void page_pool_free(struct page_pool *pool, void *ptr)
{
	size_t first = 0;
	size_t len = 0;
	size_t n = 0;

	if (!ptr)
		return;
	cpu_spin_lock(&pool->lock);
	first = alloc_index(pool, ptr);
	if (first == pool->page_count)
		panic("page pool: free of an address it never returned");
	len = run_length(pool, first);
	for (n = first; n < first + len; n++)
		bit_clear(pool->used, n);
	bit_clear(pool->start, first);
	pool->pages_used -= len;
	cpu_spin_unlock(&pool->lock);
}

size_t page_pool_alloc_size(struct page_pool *pool, const void *ptr)
{
	size_t first = 0;
	size_t size = 0;

	cpu_spin_lock(&pool->lock);
	first = alloc_index(pool, ptr);
	if (first != pool->page_count)
		size = run_length(pool, first) * SMALL_PAGE_SIZE;
	cpu_spin_unlock(&pool->lock);
	return size;
}

void page_pool_get_stats(struct page_pool *pool, struct page_pool_stats *st)
{
	cpu_spin_lock(&pool->lock);
	st->size = pool->page_count * SMALL_PAGE_SIZE;
	st->used = pool->pages_used * SMALL_PAGE_SIZE;
	st->max_used = pool->max_pages_used * SMALL_PAGE_SIZE;
	st->failures = pool->failures;
	cpu_spin_unlock(&pool->lock);
}
