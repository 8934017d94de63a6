/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Page-granular allocator over one contiguous range (OP-TEE's tee_mm, for
 * TA RAM): contiguous runs of 4 KiB pages, first fit, two bitmaps (page in
 * use, page starts an allocation) so a free needs only the address.
 */
#ifndef MM_PAGE_POOL_H
#define MM_PAGE_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct page_pool {
	uint8_t *base;
	size_t page_count;
	size_t pages_used;
	size_t max_pages_used;
	size_t failures;
	uint64_t *used;
	uint64_t *start;
	unsigned int lock;
};

struct page_pool_stats {
	size_t size;
	size_t used;
	size_t max_used;
	size_t failures;
};

/* 64-bit words of bitmap storage page_pool_init() needs for @size bytes. */
size_t page_pool_bitmap_words(size_t size);

/*
 * Manage @base..@base+@size (page aligned) with @bitmaps, an array of
 * page_pool_bitmap_words(@size) zeroed words owned by the caller.
 */
void page_pool_init(struct page_pool *pool, void *base, size_t size,
		    uint64_t *bitmaps);
void *page_pool_alloc(struct page_pool *pool, size_t size);
void page_pool_free(struct page_pool *pool, void *ptr);
/* Bytes of the allocation starting at @ptr, 0 if none starts there. */
size_t page_pool_alloc_size(struct page_pool *pool, const void *ptr);
void page_pool_get_stats(struct page_pool *pool, struct page_pool_stats *st);

/* TA RAM of the active guest (its share of the equal split). */
bool ta_ram_init(void *base, size_t size);
void ta_ram_release(void);
void *ta_ram_alloc(size_t size);
void ta_ram_free(void *ptr);
void ta_ram_get_stats(struct page_pool_stats *st);

#endif /* MM_PAGE_POOL_H */
