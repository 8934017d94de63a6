// SPDX-License-Identifier: BSD-2-Clause
/* The page allocator, and TA RAM shares under exhaustion. */

#include <stdlib.h>
#include <string.h>

#include <kernel/virtualization.h>
#include <mm/page_pool.h>
#include <tests/harness.h>
#include <tests/smc_ids.h>

#define PAGES 200u
#define PAGE 4096u

static struct page_pool pool;
static uint8_t *base;
static uint64_t *bitmaps;

static int pool_setup(void **state)
{
	(void)state;
	base = aligned_alloc(PAGE, PAGES * PAGE);
	bitmaps = calloc(page_pool_bitmap_words(PAGES * PAGE), 8);
	if (!base || !bitmaps)
		return -1;
	page_pool_init(&pool, base, PAGES * PAGE, bitmaps);
	return 0;
}

static int pool_teardown(void **state)
{
	(void)state;
	free(base);
	free(bitmaps);
	return 0;
}

static void test_allocations_are_contiguous_pages_first_fit(void **state)
{
	struct page_pool_stats st;
	uint8_t *a = page_pool_alloc(&pool, 1);
	uint8_t *b = page_pool_alloc(&pool, 3 * PAGE);
	uint8_t *c = page_pool_alloc(&pool, PAGE + 1);

	(void)state;
	assert_ptr_equal(a, base);
	assert_ptr_equal(b, base + PAGE);
	assert_ptr_equal(c, base + 4 * PAGE);
	assert_int_equal(page_pool_alloc_size(&pool, b), 3 * PAGE);
	assert_int_equal(page_pool_alloc_size(&pool, c), 2 * PAGE);
	page_pool_get_stats(&pool, &st);
	assert_int_equal(st.used, 6 * PAGE);
	/* The hole left by b is reused for what fits. */
	page_pool_free(&pool, b);
	assert_ptr_equal(page_pool_alloc(&pool, 2 * PAGE), base + PAGE);
	assert_ptr_equal(page_pool_alloc(&pool, 2 * PAGE), base + 6 * PAGE);
	page_pool_get_stats(&pool, &st);
	/* a(1) + c(2) + two runs of 2: the 1-page hole at 3 is too small. */
	assert_int_equal(st.used, 7 * PAGE);
	assert_int_equal(st.max_used, 7 * PAGE);
}

static void test_adjacent_allocations_free_independently(void **state)
{
	uint8_t *a = page_pool_alloc(&pool, 2 * PAGE);
	uint8_t *b = page_pool_alloc(&pool, 2 * PAGE);
	struct page_pool_stats st;

	(void)state;
	page_pool_free(&pool, a);
	assert_int_equal(page_pool_alloc_size(&pool, b), 2 * PAGE);
	assert_int_equal(page_pool_alloc_size(&pool, a), 0);
	page_pool_free(&pool, b);
	page_pool_get_stats(&pool, &st);
	assert_int_equal(st.used, 0);
}

static void test_exhaustion_and_bad_sizes_fail(void **state)
{
	struct page_pool_stats st;
	uint8_t *all = page_pool_alloc(&pool, PAGES * PAGE);

	(void)state;
	assert_non_null(all);
	assert_null(page_pool_alloc(&pool, 1));
	page_pool_free(&pool, all);
	assert_null(page_pool_alloc(&pool, 0));
	assert_null(page_pool_alloc(&pool, PAGES * PAGE + 1));
	assert_null(page_pool_alloc(&pool, SIZE_MAX));
	page_pool_get_stats(&pool, &st);
	assert_int_equal(st.failures, 4);
	assert_int_equal(st.used, 0);
}

static void test_fragmented_pool_finds_the_only_fitting_run(void **state)
{
	uint8_t *p[PAGES];
	uint8_t *run = NULL;
	size_t n = 0;

	(void)state;
	for (n = 0; n < PAGES; n++)
		assert_non_null(p[n] = page_pool_alloc(&pool, PAGE));
	for (n = 0; n < PAGES; n += 2)
		page_pool_free(&pool, p[n]);
	assert_null(page_pool_alloc(&pool, 2 * PAGE));
	page_pool_free(&pool, p[151]);
	run = page_pool_alloc(&pool, 3 * PAGE);
	assert_ptr_equal(run, p[150]);
}

/*
 * Thousands of random allocations and frees, each checked against a plain
 * model (one byte per page): first fit, sizes, and the used count agree,
 * runs crossing bitmap words and the pool's last page included.
 */
static void test_random_allocations_match_a_first_fit_model(void **state)
{
	uint8_t model[PAGES] = { 0 };	/* 0 free, else the owner's slot + 1 */
	uint8_t *live[32] = { NULL };
	size_t live_pages[32] = { 0 };
	uint64_t seed = 12345;
	size_t used = 0;
	int step = 0;

	(void)state;
	for (step = 0; step < 20000; step++) {
		size_t slot = 0;
		size_t pages = 0;
		size_t first = 0;
		size_t n = 0;
		struct page_pool_stats st;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		slot = (seed >> 33) % 32;
		if (live[slot]) {
			assert_int_equal(page_pool_alloc_size(&pool, live[slot]),
					 live_pages[slot] * PAGE);
			first = (size_t)(live[slot] - base) / PAGE;
			for (n = first; n < first + live_pages[slot]; n++)
				model[n] = 0;
			page_pool_free(&pool, live[slot]);
			used -= live_pages[slot];
			live[slot] = NULL;
			continue;
		}
		/* Mostly small, sometimes up to a third of the pool. */
		pages = (seed >> 20) % 8 ? 1 + (seed >> 40) % 9 :
					   1 + (seed >> 40) % (PAGES / 3);
		/* The model's first fit. */
		for (first = 0; first + pages <= PAGES; first++) {
			for (n = 0; n < pages && !model[first + n]; n++)
				;
			if (n == pages)
				break;
		}
		live[slot] = page_pool_alloc(&pool, pages * PAGE - (seed & 7));
		if (first + pages > PAGES) {
			assert_null(live[slot]);
			continue;
		}
		assert_ptr_equal(live[slot], base + first * PAGE);
		for (n = first; n < first + pages; n++)
			model[n] = (uint8_t)(slot + 1);
		live_pages[slot] = pages;
		used += pages;
		page_pool_get_stats(&pool, &st);
		assert_int_equal(st.used, used * PAGE);
	}
}

/* ---- TA RAM shares ---- */

static void test_guest_filling_its_ta_ram_leaves_others_theirs(void **state)
{
	struct page_pool_stats st1;
	struct page_pool_stats st2;
	uint8_t *all = NULL;
	uint8_t *other = NULL;

	(void)state;
	assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
	ta_ram_get_stats(&st1);
	all = ta_ram_alloc(st1.size);
	assert_non_null(all);
	all[0] = 1;
	all[st1.size - 1] = 1;	/* the whole share is usable */
	assert_null(ta_ram_alloc(PAGE));
	virt_unset_guest();

	assert_int_equal(virt_set_guest(2), TEE_SUCCESS);
	ta_ram_get_stats(&st2);
	assert_int_equal(st2.size, st1.size);	/* equal split */
	assert_int_equal(st2.used, 0);
	other = ta_ram_alloc(st2.size);
	assert_non_null(other);
	assert_int_equal(other[0], 0);
	ta_ram_free(other);
	virt_unset_guest();

	assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
	ta_ram_free(all);
	ta_ram_get_stats(&st1);
	assert_int_equal(st1.used, 0);
	assert_int_equal(st1.failures, 1);
	virt_unset_guest();
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_allocations_are_contiguous_pages_first_fit, pool_setup, pool_teardown),
		cmocka_unit_test_setup_teardown(test_adjacent_allocations_free_independently, pool_setup, pool_teardown),
		cmocka_unit_test_setup_teardown(test_exhaustion_and_bad_sizes_fail, pool_setup, pool_teardown),
		cmocka_unit_test_setup_teardown(test_fragmented_pool_finds_the_only_fitting_run, pool_setup, pool_teardown),
		cmocka_unit_test_setup_teardown(test_random_allocations_match_a_first_fit_model, pool_setup, pool_teardown),
		cmocka_unit_test(test_guest_filling_its_ta_ram_leaves_others_theirs),
	};

	harness_init(argc, argv);
	return HARNESS_RUN("page-pool", tests, harness_setup_two_running_guests,
			   harness_teardown);
}
