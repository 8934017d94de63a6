// SPDX-License-Identifier: BSD-2-Clause
/*
 * VM_CREATED / VM_DESTROYED and the a7 rules of ABI.md §3: who may create
 * and destroy, which IDs, what "no memory left" means, and OP-TEE's
 * refcount semantics of destruction.
 */

#include <kernel/virtualization.h>
#include <tests/harness.h>
#include <tests/smc_ids.h>

#define HYP 0u

static uint32_t vm_created_by(uint32_t id, uint32_t caller)
{
	return harness_smc(0, T_VM_CREATED, id, 0, 0, caller, NULL);
}

static uint32_t vm_destroyed_by(uint32_t id, uint32_t caller)
{
	return harness_smc(0, T_VM_DESTROYED, id, 0, 0, caller, NULL);
}

static bool guest_exists(uint16_t id)
{
	return core_find_guest_slot(id) >= 0;
}

static void nexus(struct core_nexus_info *info)
{
	core_get_nexus_info(info);
}

static void test_vm_created_by_hypervisor_makes_a_guest(void **state)
{
	(void)state;
	assert_false(guest_exists(1));
	assert_int_equal(vm_created_by(1, HYP), T_OK);
	assert_true(guest_exists(1));
	assert_int_equal(harness_smc(0, T_CALLS_COUNT, 0, 0, 0, 1, NULL), 14);
	assert_int_equal(vm_destroyed_by(1, HYP), T_OK);
	assert_false(guest_exists(1));
}

static void test_vm_created_from_a_guest_is_enotavail(void **state)
{
	(void)state;
	assert_int_equal(vm_created_by(1, HYP), T_OK);
	assert_int_equal(vm_created_by(2, 1), T_ENOTAVAIL);
	assert_false(guest_exists(2));
	/* From a client that is not even a guest: the same answer. */
	assert_int_equal(vm_created_by(2, 9), T_ENOTAVAIL);
	assert_false(guest_exists(2));
	assert_int_equal(vm_destroyed_by(1, HYP), T_OK);
}

static void test_vm_created_with_guest_id_0_is_enotavail(void **state)
{
	struct core_nexus_info info;
	struct core_guest_info guest;

	(void)state;
	assert_int_equal(vm_created_by(0, HYP), T_ENOTAVAIL);
	nexus(&info);
	assert_int_equal(info.guests_live, 0);
	/* The debug port knows no guest 0, nor a slot past the last. */
	assert_int_equal(core_find_guest_slot(0), -1);
	assert_false(core_get_slot_info(0, &guest));
	assert_false(core_get_slot_info(info.guest_count, &guest));
}

static void test_vm_created_with_id_above_16_bits_is_enotavail(void **state)
{
	(void)state;
	assert_int_equal(vm_created_by(1, HYP), T_OK);
	/* Would alias guest 1 if truncated as OP-TEE does. */
	assert_int_equal(vm_created_by(0x10001u, HYP), T_ENOTAVAIL);
	assert_int_equal(vm_created_by(0x10000u, HYP), T_ENOTAVAIL);
	assert_int_equal(vm_destroyed_by(1, HYP), T_OK);
}

static void test_vm_created_twice_is_enotavail(void **state)
{
	struct core_nexus_info info;

	(void)state;
	assert_int_equal(vm_created_by(7, HYP), T_OK);
	assert_int_equal(vm_created_by(7, HYP), T_ENOTAVAIL);
	nexus(&info);
	assert_int_equal(info.guests_live, 1);
	assert_int_equal(info.slots_free, info.guest_count - 1);
	assert_int_equal(vm_destroyed_by(7, HYP), T_OK);
}

static void test_vm_created_without_a_free_share_is_enotavail(void **state)
{
	struct core_nexus_info info;

	(void)state;
	nexus(&info);
	assert_int_equal(info.guest_count, 2);	/* CFG_VIRT_GUEST_COUNT */
	assert_int_equal(vm_created_by(1, HYP), T_OK);
	assert_int_equal(vm_created_by(2, HYP), T_OK);
	assert_int_equal(vm_created_by(3, HYP), T_ENOTAVAIL);
	assert_false(guest_exists(3));
	assert_int_equal(vm_destroyed_by(2, HYP), T_OK);
	assert_int_equal(vm_created_by(3, HYP), T_OK);
	assert_int_equal(vm_destroyed_by(1, HYP), T_OK);
	assert_int_equal(vm_destroyed_by(3, HYP), T_OK);
}

static void test_vm_destroyed_from_a_guest_is_enotavail(void **state)
{
	(void)state;
	assert_int_equal(vm_created_by(1, HYP), T_OK);
	assert_int_equal(vm_created_by(2, HYP), T_OK);
	assert_int_equal(vm_destroyed_by(2, 1), T_ENOTAVAIL);
	assert_int_equal(vm_destroyed_by(1, 1), T_ENOTAVAIL);
	assert_true(guest_exists(1));
	assert_true(guest_exists(2));
	assert_int_equal(vm_destroyed_by(1, HYP), T_OK);
	assert_int_equal(vm_destroyed_by(2, HYP), T_OK);
}

static void test_vm_destroyed_of_unknown_guest_is_ok(void **state)
{
	(void)state;
	assert_int_equal(vm_destroyed_by(42, HYP), T_OK);
	assert_int_equal(vm_destroyed_by(0, HYP), T_OK);
	assert_int_equal(vm_destroyed_by(0x10001u, HYP), T_OK);
}

static void test_destroyed_guest_calls_are_enotavail(void **state)
{
	(void)state;
	assert_int_equal(vm_created_by(4, HYP), T_OK);
	assert_int_equal(vm_destroyed_by(4, HYP), T_OK);
	assert_int_equal(harness_smc(0, T_CALLS_COUNT, 0, 0, 0, 4, NULL),
			 T_ENOTAVAIL);
	assert_int_equal(harness_smc(0, T_CALL_WITH_ARG, 0, 0x40000000u, 0, 4,
				     NULL), T_ENOTAVAIL);
}

static void test_destruction_waits_for_the_last_reference(void **state)
{
	struct guest_partition *held = NULL;
	struct core_nexus_info info;

	(void)state;
	assert_int_equal(vm_created_by(5, HYP), T_OK);
	held = virt_get_guest(5);	/* as an in-flight call would */
	assert_non_null(held);

	assert_int_equal(vm_destroyed_by(5, HYP), T_OK);
	/* Shutting down at once: no new calls, the ID is free again... */
	assert_false(guest_exists(5));
	assert_int_equal(harness_smc(0, T_CALLS_COUNT, 0, 0, 0, 5, NULL),
			 T_ENOTAVAIL);
	nexus(&info);
	assert_int_equal(info.guests_live, 0);
	assert_int_equal(info.guests_dying, 1);
	/* ...but its share is still held. */
	assert_int_equal(info.slots_free, info.guest_count - 1);
	assert_int_equal(vm_created_by(5, HYP), T_OK);
	assert_int_equal(vm_created_by(6, HYP), T_ENOTAVAIL);

	virt_put_guest(held);	/* the call ends */
	nexus(&info);
	assert_int_equal(info.guests_dying, 0);
	assert_int_equal(info.slots_free, info.guest_count - 1);
	assert_int_equal(vm_created_by(6, HYP), T_OK);
	assert_int_equal(vm_destroyed_by(5, HYP), T_OK);
	assert_int_equal(vm_destroyed_by(6, HYP), T_OK);
}

static void test_guest_ids_use_the_whole_16_bit_space(void **state)
{
	(void)state;
	assert_int_equal(vm_created_by(0xffffu, HYP), T_OK);
	assert_int_equal(vm_created_by(256, HYP), T_OK);
	assert_int_equal(harness_smc(0, T_CALLS_COUNT, 0, 0, 0, 0xffffu, NULL),
			 14);
	assert_int_equal(harness_smc(0, T_CALLS_COUNT, 0, 0, 0, 256, NULL), 14);
	assert_int_equal(harness_smc(0, T_CALLS_COUNT, 0, 0, 0, 255, NULL),
			 T_ENOTAVAIL);
	assert_int_equal(vm_destroyed_by(0xffffu, HYP), T_OK);
	assert_int_equal(vm_destroyed_by(256, HYP), T_OK);
}

static void create_and_use_two_guests(void)
{
	assert_int_equal(vm_created_by(1, HYP), T_OK);
	assert_int_equal(vm_created_by(2, HYP), T_OK);
	/* A std call each: their runtimes (heaps, TA RAM) come to life. */
	harness_first_std_call(0, 1);
	harness_first_std_call(0, 2);
}

static void test_destroy_gives_every_share_back(void **state)
{
	struct core_nexus_info info;
	uint64_t baseline = 0;
	uint64_t in_use = 0;

	(void)state;
	/* A first round touches the guests' tables (nexus memory). */
	create_and_use_two_guests();
	assert_int_equal(vm_destroyed_by(1, HYP), T_OK);
	assert_int_equal(vm_destroyed_by(2, HYP), T_OK);
	baseline = sim_machine_resident(&harness_machine, SIM_REGION_TZDRAM);

	create_and_use_two_guests();
	in_use = sim_machine_resident(&harness_machine, SIM_REGION_TZDRAM);
	assert_true(in_use > baseline);
	assert_int_equal(vm_destroyed_by(1, HYP), T_OK);
	assert_int_equal(vm_destroyed_by(2, HYP), T_OK);

	nexus(&info);
	assert_int_equal(info.guests_live, 0);
	assert_int_equal(info.guests_dying, 0);
	assert_int_equal(info.slots_free, info.guest_count);
	/* Scrubbed shares give their host memory back, to the page. */
	assert_int_equal(sim_machine_resident(&harness_machine,
					      SIM_REGION_TZDRAM), baseline);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vm_created_by_hypervisor_makes_a_guest),
		cmocka_unit_test(test_vm_created_from_a_guest_is_enotavail),
		cmocka_unit_test(test_vm_created_with_guest_id_0_is_enotavail),
		cmocka_unit_test(test_vm_created_with_id_above_16_bits_is_enotavail),
		cmocka_unit_test(test_vm_created_twice_is_enotavail),
		cmocka_unit_test(test_vm_created_without_a_free_share_is_enotavail),
		cmocka_unit_test(test_vm_destroyed_from_a_guest_is_enotavail),
		cmocka_unit_test(test_vm_destroyed_of_unknown_guest_is_ok),
		cmocka_unit_test(test_destroyed_guest_calls_are_enotavail),
		cmocka_unit_test(test_destruction_waits_for_the_last_reference),
		cmocka_unit_test(test_guest_ids_use_the_whole_16_bit_space),
		cmocka_unit_test(test_destroy_gives_every_share_back),
	};

	harness_init(argc, argv);
	return HARNESS_RUN("vm-lifecycle", tests, harness_setup_default,
			   harness_teardown);
}
