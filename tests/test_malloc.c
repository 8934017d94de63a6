// SPDX-License-Identifier: BSD-2-Clause
/*
 * The core allocator: one context on a plain buffer for the mechanics,
 * then the two families on a live machine (nexus heap, guest heaps), and
 * in ASan builds the poisoning of redzones and freed blocks.
 */

#include <stdlib.h>
#include <string.h>

#include <kernel/virtualization.h>
#include <mm/malloc.h>
#include <tests/harness.h>
#include <tests/smc_ids.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif
#if !defined(TEST_ASAN) && defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#endif
#ifdef TEST_ASAN
#include <sanitizer/asan_interface.h>
#endif

#define POOL_SIZE (64 * 1024)

static struct malloc_ctx ctx;
static uint8_t *pool;

static int ctx_setup(void **state)
{
	(void)state;
	pool = aligned_alloc(64, POOL_SIZE);
	if (!pool)
		return -1;
	malloc_ctx_init(&ctx, pool, POOL_SIZE);
	return 0;
}

static int ctx_teardown(void **state)
{
	(void)state;
	malloc_ctx_release(&ctx);
	free(pool);
	return 0;
}

static void stats(struct malloc_stats *st)
{
	malloc_ctx_get_stats(&ctx, st);
}

static void test_alloc_is_aligned_inside_the_pool_and_counted(void **state)
{
	struct malloc_stats st;
	uint8_t *a = NULL;
	uint8_t *b = NULL;

	(void)state;
	a = malloc_ctx_alloc(&ctx, 10, 0);
	b = malloc_ctx_alloc(&ctx, 100, 0);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal((uintptr_t)a % MALLOC_ALIGN, 0);
	assert_int_equal((uintptr_t)b % MALLOC_ALIGN, 0);
	assert_true(malloc_ctx_owns(&ctx, a) && malloc_ctx_owns(&ctx, b));
	assert_true(b >= a + 10 || a >= b + 100);
	memset(a, 1, 10);
	memset(b, 2, 100);
	stats(&st);
	assert_int_equal(st.allocated, 110);
	assert_int_equal(st.allocations, 2);
	malloc_ctx_free(&ctx, a);
	malloc_ctx_free(&ctx, b);
	stats(&st);
	assert_int_equal(st.allocated, 0);
	assert_int_equal(st.allocations, 0);
	assert_int_equal(st.max_allocated, 110);
}

static void test_freed_neighbours_coalesce_back_to_one_block(void **state)
{
	void *p[64];
	void *big = NULL;
	size_t n = 0;

	(void)state;
	for (n = 0; n < 64; n++)
		assert_non_null(p[n] = malloc_ctx_alloc(&ctx, 700, 0));
	/* Free in an order that needs merges on both sides. */
	for (n = 0; n < 64; n += 2)
		malloc_ctx_free(&ctx, p[n]);
	for (n = 1; n < 64; n += 2)
		malloc_ctx_free(&ctx, p[n]);
	/* Only one free block spanning nearly all the pool can serve this. */
	big = malloc_ctx_alloc(&ctx, POOL_SIZE - 256, 0);
	assert_non_null(big);
	malloc_ctx_free(&ctx, big);
}

static void test_exhaustion_returns_null_and_counts(void **state)
{
	struct malloc_stats st;
	void *p[POOL_SIZE / 1024];
	size_t n = 0;
	size_t got = 0;

	(void)state;
	for (n = 0; n < POOL_SIZE / 1024; n++) {
		p[n] = malloc_ctx_alloc(&ctx, 1000, 0);
		if (!p[n])
			break;
		got++;
	}
	assert_true(got > 50 && got < POOL_SIZE / 1024);
	assert_null(malloc_ctx_alloc(&ctx, 1000, 0));
	stats(&st);
	assert_int_equal(st.failures, 2);
	for (n = 0; n < got; n++)
		malloc_ctx_free(&ctx, p[n]);
	assert_null(malloc_ctx_alloc(&ctx, POOL_SIZE, 0));
	assert_null(malloc_ctx_alloc(&ctx, SIZE_MAX, 0));
	assert_null(malloc_ctx_alloc(&ctx, SIZE_MAX - 8, 0));
}

static void test_calloc_zeroes_and_refuses_overflow(void **state)
{
	uint8_t *p = NULL;
	size_t n = 0;

	(void)state;
	p = malloc_ctx_alloc(&ctx, 256, 0);
	memset(p, 0xaa, 256);
	malloc_ctx_free(&ctx, p);
	p = malloc_ctx_calloc(&ctx, 16, 16);
	assert_non_null(p);
	for (n = 0; n < 256; n++)
		assert_int_equal(p[n], 0);
	malloc_ctx_free(&ctx, p);
	assert_null(malloc_ctx_calloc(&ctx, SIZE_MAX / 2, 4));
}

static void test_realloc_keeps_contents_in_place_and_moved(void **state)
{
	struct malloc_stats st;
	uint8_t *p = malloc_ctx_alloc(&ctx, 32, 0);
	uint8_t *blocker = NULL;
	uint8_t *q = NULL;
	size_t n = 0;

	(void)state;
	for (n = 0; n < 32; n++)
		p[n] = (uint8_t)n;
	/* Grows in place into the free space after it. */
	q = malloc_ctx_realloc(&ctx, p, 200);
	assert_ptr_equal(q, p);
	blocker = malloc_ctx_alloc(&ctx, 16, 0);
	/* Cannot grow past the blocker: moves, keeps the bytes. */
	p = malloc_ctx_realloc(&ctx, q, 4000);
	assert_non_null(p);
	assert_ptr_not_equal(p, q);
	for (n = 0; n < 32; n++)
		assert_int_equal(p[n], n);
	/* Shrinks in place. */
	assert_ptr_equal(malloc_ctx_realloc(&ctx, p, 8), p);
	stats(&st);
	assert_int_equal(st.allocated, 8 + 16);
	/* Too big: NULL, the old block stays. */
	assert_null(malloc_ctx_realloc(&ctx, p, POOL_SIZE * 2));
	assert_int_equal(p[7], 7);
	assert_null(malloc_ctx_realloc(&ctx, p, 0));
	malloc_ctx_free(&ctx, blocker);
	assert_non_null(p = malloc_ctx_realloc(&ctx, NULL, 24));
	malloc_ctx_free(&ctx, p);
	stats(&st);
	assert_int_equal(st.allocated, 0);
}

static void test_aligned_allocations(void **state)
{
	size_t align = 0;
	void *p[8];
	size_t n = 0;

	(void)state;
	for (align = 32, n = 0; align <= 4096; align *= 2, n++) {
		p[n] = malloc_ctx_alloc(&ctx, 40, align);
		assert_non_null(p[n]);
		assert_int_equal((uintptr_t)p[n] % align, 0);
	}
	while (n--)
		malloc_ctx_free(&ctx, p[n]);
	/* Not a power of two. */
	assert_null(malloc_ctx_alloc(&ctx, 40, 48));
}

static void test_random_workload_keeps_the_books(void **state)
{
	struct malloc_stats st;
	void *slot[128] = { 0 };
	size_t size[128] = { 0 };
	size_t live = 0;
	uint32_t rng = 12345;
	int i = 0;

	(void)state;
	for (i = 0; i < 20000; i++) {
		size_t k = 0;

		rng = rng * 1103515245u + 12345u;
		k = (rng >> 8) % 128;
		if (slot[k]) {
			assert_int_equal(*(uint8_t *)slot[k], (uint8_t)k);
			malloc_ctx_free(&ctx, slot[k]);
			live -= size[k];
			slot[k] = NULL;
		} else {
			size[k] = 1 + (rng >> 16) % 900;
			slot[k] = malloc_ctx_alloc(&ctx, size[k], 0);
			if (slot[k]) {
				memset(slot[k], (int)k, size[k]);
				live += size[k];
			}
		}
		if (i % 1000 == 0) {
			stats(&st);
			assert_int_equal(st.allocated, live);
		}
	}
	for (i = 0; i < 128; i++)
		malloc_ctx_free(&ctx, slot[i]);
	stats(&st);
	assert_int_equal(st.allocated, 0);
	assert_non_null(slot[0] = malloc_ctx_alloc(&ctx, POOL_SIZE - 256, 0));
	malloc_ctx_free(&ctx, slot[0]);
}

#ifdef TEST_ASAN
static void test_asan_redzones_and_freed_blocks_are_poisoned(void **state)
{
	uint8_t *p = malloc_ctx_alloc(&ctx, 20, 0);

	(void)state;
	assert_false(__asan_address_is_poisoned(p));
	assert_false(__asan_address_is_poisoned(p + 19));
	assert_true(__asan_address_is_poisoned(p + 20));	/* redzone */
	assert_true(__asan_address_is_poisoned(p - 1));		/* header */
	malloc_ctx_free(&ctx, p);
	assert_true(__asan_address_is_poisoned(p));		/* freed */
}
#endif

/* ---- the two families on a live machine ---- */

static void test_nexus_heap_is_shared_and_always_mapped(void **state)
{
	struct malloc_stats before;
	struct malloc_stats st;
	uint8_t *p = NULL;

	(void)state;
	nex_malloc_get_stats(&before);
	assert_int_equal(before.pool_size,
			 harness_machine.cfg.platform.nex_heap_size);
	p = nex_malloc(100);
	assert_non_null(p);
	p[0] = 1;	/* default partition */
	assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
	assert_int_equal(p[0], 1);	/* seen from a guest */
	p[0] = 2;
	virt_unset_guest();
	assert_int_equal(p[0], 2);
	nex_malloc_get_stats(&st);
	assert_int_equal(st.allocated, before.allocated + 100);
	nex_free(p);
	nex_malloc_get_stats(&st);
	assert_int_equal(st.allocated, before.allocated);
}

static void test_each_guest_heap_is_its_own(void **state)
{
	struct malloc_stats st1;
	struct malloc_stats st2;
	void *p1 = NULL;
	void *p2 = NULL;

	(void)state;
	assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
	p1 = guest_malloc(1000);
	guest_malloc_get_stats(&st1);
	virt_unset_guest();
	assert_int_equal(virt_set_guest(2), TEE_SUCCESS);
	p2 = guest_malloc(3000);
	guest_malloc_get_stats(&st2);
	virt_unset_guest();
	assert_non_null(p1);
	assert_non_null(p2);
	/* Different guests, different addresses, separate books. */
	assert_ptr_not_equal(p1, p2);
	assert_int_equal(st1.pool_size, harness_machine.cfg.platform.heap_size);
	assert_int_equal(st2.allocated - st1.allocated, 2000);

	assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
	guest_free(p1);
	virt_unset_guest();
	assert_int_equal(virt_set_guest(2), TEE_SUCCESS);
	guest_free(p2);
	virt_unset_guest();
}

static void test_exhausted_guest_heap_leaves_other_guests_alone(void **state)
{
	struct core_guest_info info;
	void *blocks[256];
	size_t count = 0;
	size_t n = 0;
	void *p = NULL;

	(void)state;
	assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
	while (count < 256 && (blocks[count] = guest_malloc(1024)))
		count++;
	assert_true(count > 32 && count < 256);
	assert_null(guest_malloc(16 * 1024));
	virt_unset_guest();

	/* Guest 2 still has its whole heap. */
	assert_int_equal(virt_set_guest(2), TEE_SUCCESS);
	p = guest_malloc(32 * 1024);
	assert_non_null(p);
	guest_free(p);
	virt_unset_guest();
	assert_true(core_get_slot_info((uint32_t)core_find_guest_slot(2), &info));
	assert_true(info.heap_used < 4096);

	assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
	for (n = 0; n < count; n++)
		guest_free(blocks[n]);
	virt_unset_guest();
}

int main(int argc, char **argv)
{
	const struct CMUnitTest ctx_tests[] = {
		cmocka_unit_test_setup_teardown(test_alloc_is_aligned_inside_the_pool_and_counted, ctx_setup, ctx_teardown),
		cmocka_unit_test_setup_teardown(test_freed_neighbours_coalesce_back_to_one_block, ctx_setup, ctx_teardown),
		cmocka_unit_test_setup_teardown(test_exhaustion_returns_null_and_counts, ctx_setup, ctx_teardown),
		cmocka_unit_test_setup_teardown(test_calloc_zeroes_and_refuses_overflow, ctx_setup, ctx_teardown),
		cmocka_unit_test_setup_teardown(test_realloc_keeps_contents_in_place_and_moved, ctx_setup, ctx_teardown),
		cmocka_unit_test_setup_teardown(test_aligned_allocations, ctx_setup, ctx_teardown),
		cmocka_unit_test_setup_teardown(test_random_workload_keeps_the_books, ctx_setup, ctx_teardown),
#ifdef TEST_ASAN
		/* Only an ASan build has a shadow to check. */
		cmocka_unit_test_setup_teardown(test_asan_redzones_and_freed_blocks_are_poisoned, ctx_setup, ctx_teardown),
#endif
		cmocka_unit_test(test_nexus_heap_is_shared_and_always_mapped),
		cmocka_unit_test(test_each_guest_heap_is_its_own),
		cmocka_unit_test(test_exhausted_guest_heap_leaves_other_guests_alone),
	};

	harness_init(argc, argv);
	return HARNESS_RUN("malloc", ctx_tests, harness_setup_two_running_guests,
			   harness_teardown);
}
