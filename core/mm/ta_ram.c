// SPDX-License-Identifier: BSD-2-Clause
/*
 * TA RAM of the active guest. The pool descriptor is an ordinary global,
 * hence banked: each guest allocates from its own share only, and running
 * one guest out of TA RAM cannot take a page from another.
 */

#include <lib/string.h>
#include <mm/malloc.h>
#include <mm/page_pool.h>

static struct page_pool ta_ram_pool;

bool ta_ram_init(void *base, size_t size)
{
	uint64_t *bitmaps = guest_calloc(page_pool_bitmap_words(size),
					 sizeof(uint64_t));

	if (!bitmaps)
		return false;
	page_pool_init(&ta_ram_pool, base, size, bitmaps);
	return true;
}

void ta_ram_release(void)
{
	guest_free(ta_ram_pool.used);
	memset(&ta_ram_pool, 0, sizeof(ta_ram_pool));
}

void *ta_ram_alloc(size_t size)
{
	return page_pool_alloc(&ta_ram_pool, size);
}

void ta_ram_free(void *ptr)
{
	page_pool_free(&ta_ram_pool, ptr);
}

void ta_ram_get_stats(struct page_pool_stats *st)
{
	page_pool_get_stats(&ta_ram_pool, st);
}
