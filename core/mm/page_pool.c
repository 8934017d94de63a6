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

/* Set (or clear) bits [@first, @first + @len) of @map, a word at a time. */
static void bits_update(uint64_t *map, size_t first, size_t len, bool set)
{
	while (len) {
		size_t bit = first % WORD_BITS;
		size_t take = MIN(len, (size_t)WORD_BITS - bit);
		uint64_t mask = (take == WORD_BITS ? ~0ull :
				 (1ull << take) - 1) << bit;

		if (set)
			map[first / WORD_BITS] |= mask;
		else
			map[first / WORD_BITS] &= ~mask;
		first += take;
		len -= take;
	}
}

/*
 * The first page n >= @from whose bit is set in (@a ^ @flip) | @b (@b may
 * be NULL), or page_count if none is: a word at a time.
 */
static size_t next_page(const struct page_pool *pool, const uint64_t *a,
			uint64_t flip, const uint64_t *b, size_t from)
{
	size_t w = from / WORD_BITS;
	uint64_t word = 0;

	if (from >= pool->page_count)
		return pool->page_count;
	word = ((a[w] ^ flip) | (b ? b[w] : 0)) &
	       (~0ull << (from % WORD_BITS));
	while (!word) {
		if (++w * WORD_BITS >= pool->page_count)
			return pool->page_count;
		word = (a[w] ^ flip) | (b ? b[w] : 0);
	}
	return MIN(w * WORD_BITS + (size_t)__builtin_ctzll(word),
		   pool->page_count);
}

static size_t next_free(const struct page_pool *pool, size_t from)
{
	return next_page(pool, pool->used, ~0ull, NULL, from);
}

static size_t next_used(const struct page_pool *pool, size_t from)
{
	return next_page(pool, pool->used, 0, NULL, from);
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
	size_t n = next_free(pool, 0);

	while (n + pages <= pool->page_count) {
		size_t end = next_used(pool, n);

		if (end - n >= pages)
			return n;
		n = next_free(pool, end);
	}
	return pool->page_count;
}

void *page_pool_alloc(struct page_pool *pool, size_t size)
{
	size_t pages = 0;
	size_t first = 0;
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
	bits_update(pool->used, first, pages, true);
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

/* An allocation ends at a free page or at the start of the next one. */
static size_t run_length(struct page_pool *pool, size_t first)
{
	return next_page(pool, pool->used, ~0ull, pool->start, first + 1) -
	       first;
}

void page_pool_free(struct page_pool *pool, void *ptr)
{
	size_t first = 0;
	size_t len = 0;

	if (!ptr)
		return;
	cpu_spin_lock(&pool->lock);
	first = alloc_index(pool, ptr);
	if (first == pool->page_count)
		panic("page pool: free of an address it never returned");
	len = run_length(pool, first);
	bits_update(pool->used, first, len, false);
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
