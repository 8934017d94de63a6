// SPDX-License-Identifier: BSD-2-Clause
/*
 * Banking at link level: every ordinary global of the core has one copy
 * per guest at the same address, nexus globals are shared, toolchain data
 * is never banked, and the default partition sees no guest state.
 */

#include <string.h>

#include <tests/core_probe.h>
#include <tests/harness.h>

#define OK 0u

static bool in_range(const void *p, uintptr_t start, uintptr_t end)
{
	return (uintptr_t)p >= start && (uintptr_t)p < end;
}

static void test_every_kind_of_core_global_is_in_the_bank(void **state)
{
	struct shim_sections s;

	(void)state;
	shim_get_sections(&s);
	assert_true(s.bank_start < s.bank_used_end);
	assert_true(in_range(&probe_data, s.bank_start, s.bank_data_end));
	assert_true(in_range(&probe_ptr, s.bank_start, s.bank_data_end));
	assert_true(in_range(&probe_bss, s.bank_data_end, s.bank_used_end));
	assert_true(in_range(probe_array, s.bank_data_end, s.bank_used_end));
	assert_true(in_range(probe_array + PROBE_ARRAY_SIZE - 1,
			     s.bank_data_end, s.bank_used_end));
	/* The core's own banked state is there too, found by name. */
	assert_true(s.bank_symbols >= 8);
}

static void test_nexus_and_const_globals_are_not_banked(void **state)
{
	struct shim_sections s;

	(void)state;
	shim_get_sections(&s);
	assert_true(in_range(&probe_nexus, s.nexus_start, s.nexus_data_end));
	assert_true(in_range(&probe_nexus_bss, s.nexus_data_end,
			     s.nexus_used_end));
	assert_false(in_range(&probe_const_ptr, s.bank_start, s.bank_end));
	assert_false(in_range(&probe_const_ptr, s.nexus_start, s.nexus_end));
	assert_int_equal(probe_nexus, PROBE_NEXUS_INIT);
}

static void test_no_toolchain_object_is_banked(void **state)
{
	(void)state;
	assert_null(shim_bank_toolchain_symbol());
}

static void test_sections_are_page_aligned(void **state)
{
	struct shim_sections s;

	(void)state;
	shim_get_sections(&s);
	assert_int_equal(s.bank_start % 4096, 0);
	assert_int_equal(s.bank_end % 4096, 0);
	assert_int_equal(s.nexus_start % 4096, 0);
	assert_int_equal(s.nexus_end % 4096, 0);
}

static void read_probe_data(void *arg)
{
	*(uint32_t *)arg = probe_read_data();
}

static void test_default_partition_cannot_read_the_bank(void **state)
{
	struct shim_violation v;
	uint32_t value = 0;

	(void)state;
	assert_true(shim_try(read_probe_data, &value, &v));
	assert_int_equal(v.owner, SHIM_OWNER_BANK);
	assert_string_equal(v.symbol, "probe_data");
	assert_int_equal(v.active_guest, -1);
}

static void test_new_guest_starts_from_the_pristine_image(void **state)
{
	uint32_t n = 0;

	(void)state;
	assert_int_equal(sim_vm_created(1), OK);
	assert_int_equal(shim_enter_guest(1), 0);
	assert_int_equal(probe_data, PROBE_DATA_INIT);
	assert_int_equal(probe_bss, 0);
	assert_int_equal(probe_static_get(), PROBE_STATIC_INIT);
	assert_ptr_equal(probe_ptr, &probe_data);
	assert_int_equal(*probe_ptr, PROBE_DATA_INIT);
	assert_int_equal(probe_counter_next(), PROBE_COUNTER_INIT);
	for (n = 0; n < PROBE_ARRAY_SIZE; n++)
		assert_int_equal(probe_array[n], 0);
	shim_leave_guest();
	assert_int_equal(sim_vm_destroyed(1), OK);
}

static void write_all(uint32_t v)
{
	probe_data = v;
	probe_bss = v + 1;
	probe_static_set(v + 2);
	probe_array[PROBE_ARRAY_SIZE - 1] = (uint8_t)v;
	probe_counter_next();
}

static void check_all(uint32_t v, uint32_t counter)
{
	assert_int_equal(probe_data, v);
	assert_int_equal(probe_bss, v + 1);
	assert_int_equal(probe_static_get(), v + 2);
	assert_int_equal(probe_array[PROBE_ARRAY_SIZE - 1], (uint8_t)v);
	assert_int_equal(probe_counter_next(), counter);
}

static void test_each_guest_has_its_own_copy(void **state)
{
	int round = 0;

	(void)state;
	assert_int_equal(sim_vm_created(1), OK);
	assert_int_equal(sim_vm_created(2), OK);

	assert_int_equal(shim_enter_guest(1), 0);
	write_all(1000);
	shim_leave_guest();
	assert_int_equal(shim_enter_guest(2), 0);
	/* Guest 2 sees none of guest 1's writes. */
	assert_int_equal(probe_data, PROBE_DATA_INIT);
	assert_int_equal(probe_bss, 0);
	write_all(2000);
	shim_leave_guest();

	/* Alternate: each swap must carry each guest's state intact. */
	for (round = 0; round < 5; round++) {
		assert_int_equal(shim_enter_guest(1), 0);
		check_all(1000, PROBE_COUNTER_INIT + 1 + (uint32_t)round);
		shim_leave_guest();
		assert_int_equal(shim_enter_guest(2), 0);
		check_all(2000, PROBE_COUNTER_INIT + 1 + (uint32_t)round);
		shim_leave_guest();
	}
	assert_int_equal(sim_vm_destroyed(1), OK);
	assert_int_equal(sim_vm_destroyed(2), OK);
}

static void test_nexus_globals_are_shared_by_all_partitions(void **state)
{
	(void)state;
	assert_int_equal(sim_vm_created(1), OK);
	assert_int_equal(sim_vm_created(2), OK);
	assert_int_equal(shim_enter_guest(1), 0);
	probe_nexus_bss = 77;
	shim_leave_guest();
	assert_int_equal(shim_enter_guest(2), 0);
	assert_int_equal(probe_nexus_bss, 77);
	probe_nexus_bss = 78;
	shim_leave_guest();
	assert_int_equal(probe_nexus_bss, 78);
	probe_nexus_bss = 0;
	assert_int_equal(sim_vm_destroyed(1), OK);
	assert_int_equal(sim_vm_destroyed(2), OK);
}

static void test_a_recreated_guest_starts_pristine_again(void **state)
{
	(void)state;
	assert_int_equal(sim_vm_created(5), OK);
	assert_int_equal(shim_enter_guest(5), 0);
	write_all(5000);
	shim_leave_guest();
	assert_int_equal(sim_vm_destroyed(5), OK);
	assert_int_equal(sim_vm_created(5), OK);
	assert_int_equal(shim_enter_guest(5), 0);
	assert_int_equal(probe_data, PROBE_DATA_INIT);
	assert_int_equal(probe_bss, 0);
	assert_int_equal(probe_static_get(), PROBE_STATIC_INIT);
	assert_int_equal(probe_counter_next(), PROBE_COUNTER_INIT);
	shim_leave_guest();
	assert_int_equal(sim_vm_destroyed(5), OK);
}

static void test_reset_restores_the_pristine_nexus(void **state)
{
	char err[128];

	(void)state;
	probe_nexus = 1;
	probe_nexus_bss = 2;
	assert_int_equal(sim_vm_created(9), OK);
	assert_int_equal(sim_machine_reset(&harness_machine, err, sizeof(err)),
			 0);
	assert_int_equal(probe_nexus, PROBE_NEXUS_INIT);
	assert_int_equal(probe_nexus_bss, 0);
	/* No guest survives a reset. */
	assert_int_equal(shim_enter_guest(9), -1);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kind_of_core_global_is_in_the_bank),
		cmocka_unit_test(test_nexus_and_const_globals_are_not_banked),
		cmocka_unit_test(test_no_toolchain_object_is_banked),
		cmocka_unit_test(test_sections_are_page_aligned),
		cmocka_unit_test(test_default_partition_cannot_read_the_bank),
		cmocka_unit_test(test_new_guest_starts_from_the_pristine_image),
		cmocka_unit_test(test_each_guest_has_its_own_copy),
		cmocka_unit_test(test_nexus_globals_are_shared_by_all_partitions),
		cmocka_unit_test(test_a_recreated_guest_starts_pristine_again),
		cmocka_unit_test(test_reset_restores_the_pristine_nexus),
	};

	harness_init(argc, argv);
	return HARNESS_RUN("banking", tests, harness_setup_default,
			   harness_teardown);
}
