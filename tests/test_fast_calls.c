// SPDX-License-Identifier: BSD-2-Clause
/* Fast calls, per ABI.md §1 and §3, from the hypervisor and from guests. */

#include <tests/harness.h>
#include <tests/smc_ids.h>

#define HYP 0u

static int setup(void **state)
{
	harness_setup_default(state);
	assert_int_equal(sim_vm_created(1), T_OK);
	return 0;
}

static void test_calls_count_is_14_with_virtualization(void **state)
{
	(void)state;
	assert_int_equal(harness_smc(0, T_CALLS_COUNT, 0, 0, 0, HYP, NULL), 14);
	assert_int_equal(harness_smc(0, T_CALLS_COUNT, 0, 0, 0, 1, NULL), 14);
}

static void test_calls_uid_is_the_optee_message_uid(void **state)
{
	struct shim_regs r;

	(void)state;
	harness_smc(0, T_CALLS_UID, 0, 0, 0, HYP, &r);
	assert_int_equal(r.x[0], 0x384fb3e0u);
	assert_int_equal(r.x[1], 0xe7f811e3u);
	assert_int_equal(r.x[2], 0xaf630002u);
	assert_int_equal(r.x[3], 0xa5d5c51bu);
}

static void test_calls_revision_is_2_0(void **state)
{
	struct shim_regs r;

	(void)state;
	harness_smc(0, T_CALLS_REVISION, 0, 0, 0, HYP, &r);
	assert_int_equal(r.x[0], 2);
	assert_int_equal(r.x[1], 0);
}

static void test_os_uuid_is_optee(void **state)
{
	struct shim_regs r;

	(void)state;
	harness_smc(0, T_GET_OS_UUID, 0, 0, 0, 1, &r);
	assert_int_equal(r.x[0], 0x486178e0u);
	assert_int_equal(r.x[1], 0xe7f811e3u);
	assert_int_equal(r.x[2], 0xbc5e0002u);
	assert_int_equal(r.x[3], 0xa5d5c51bu);
}

static void test_os_revision_comes_from_the_platform(void **state)
{
	struct shim_regs r;

	(void)state;
	harness_smc(0, T_GET_OS_REVISION, 0, 0, 0, HYP, &r);
	assert_int_equal(r.x[0], 4);
	assert_int_equal(r.x[1], 10);
	assert_int_equal(r.x[2], harness_machine.cfg.platform.os_build_id);
}

static void test_exchange_capabilities_announces_what_exists(void **state)
{
	struct shim_regs r;

	(void)state;
	assert_int_equal(harness_smc(0, T_EXCHANGE_CAPS, 0, 0, 0, HYP, &r),
			 T_OK);
	assert_int_equal(r.x[1], T_CAP_DYNAMIC_SHM | T_CAP_VIRTUALIZATION |
				 T_CAP_MEMREF_NULL);
	assert_int_equal(r.x[3], 4);
	/* UNIPROCESSOR is the one known normal-world capability. */
	assert_int_equal(harness_smc(0, T_EXCHANGE_CAPS, 1, 0, 0, 1, NULL),
			 T_OK);
}

static void test_exchange_capabilities_unknown_bit_is_enotavail(void **state)
{
	struct shim_regs r;

	(void)state;
	assert_int_equal(harness_smc(0, T_EXCHANGE_CAPS, 2, 0, 0, HYP, &r),
			 T_ENOTAVAIL);
	assert_int_equal(r.x[1], 2);	/* unchanged */
	assert_int_equal(harness_smc(0, T_EXCHANGE_CAPS, 0x80000001u, 0, 0,
				     1, NULL), T_ENOTAVAIL);
}

static void test_thread_count_is_cfg_num_threads(void **state)
{
	struct shim_regs r;

	(void)state;
	assert_int_equal(harness_smc(0, T_GET_THREAD_COUNT, 0, 0, 0, 1, &r),
			 T_OK);
	assert_int_equal(r.x[1], harness_machine.cfg.platform.thread_count);
}

static void test_functions_not_built_in_are_unknown(void **state)
{
	static const uint32_t ids[] = {
		T_GET_SHM_CONFIG, T_L2CC_MUTEX, T_ENABLE_ASYNC_NOTIF,
		T_GET_ASYNC_NOTIF_VALUE, 0xb2000002u, 0xb2000099u,
		0xbf00ff02u, 0x84000000u /* PSCI_VERSION */,
		0xf2000000u /* an SMC64 fast call */,
	};
	size_t n = 0;

	(void)state;
	for (n = 0; n < sizeof(ids) / sizeof(ids[0]); n++) {
		assert_int_equal(harness_smc(0, ids[n], 0, 0, 0, HYP, NULL),
				 T_UNKNOWN_FUNCTION);
		assert_int_equal(harness_smc(0, ids[n], 0, 0, 0, 1, NULL),
				 T_UNKNOWN_FUNCTION);
	}
}

static void test_boot_secondary_is_not_available(void **state)
{
	(void)state;
	assert_int_equal(harness_smc(0, T_BOOT_SECONDARY, 1, 0, 0, HYP, NULL),
			 T_ENOTAVAIL);
}

static void test_shm_cache_calls_need_a_guest(void **state)
{
	(void)state;
	assert_int_equal(harness_smc(0, T_ENABLE_SHM_CACHE, 0, 0, 0, HYP, NULL),
			 T_ENOTAVAIL);
	assert_int_equal(harness_smc(0, T_DISABLE_SHM_CACHE, 0, 0, 0, HYP, NULL),
			 T_ENOTAVAIL);
}

static void test_shm_cache_of_a_guest_enables_and_drains(void **state)
{
	(void)state;
	assert_int_equal(harness_smc(0, T_ENABLE_SHM_CACHE, 0, 0, 0, 1, NULL),
			 T_OK);
	/* Nothing cached: the first disable has no cookie to hand back. */
	assert_int_equal(harness_smc(0, T_DISABLE_SHM_CACHE, 0, 0, 0, 1, NULL),
			 T_ENOTAVAIL);
}

static void test_fast_call_from_unknown_guest_is_enotavail(void **state)
{
	(void)state;
	assert_int_equal(harness_smc(0, T_CALLS_COUNT, 0, 0, 0, 5, NULL),
			 T_ENOTAVAIL);
	/* A 32-bit a7 is never truncated onto an existing guest. */
	assert_int_equal(harness_smc(0, T_CALLS_COUNT, 0, 0, 0, 0x10001u, NULL),
			 T_ENOTAVAIL);
}

static void test_upper_register_halves_are_ignored(void **state)
{
	struct shim_regs r = { .x = { 0xdeadbeef00000000ull | T_CALLS_COUNT,
				      0xffffffff00000011ull, 0, 0, 0, 0, 0,
				      0x1234567800000000ull } };

	(void)state;
	shim_smc(0, &r);
	assert_int_equal(r.x[0], 14);
	/* Registers a call does not return keep their (32-bit) value. */
	assert_int_equal(r.x[1], 0x11);
	assert_int_equal(r.x[7], 0);
}

static void test_guest_fast_calls_are_counted(void **state)
{
	struct core_guest_info info;
	uint64_t before = 0;

	(void)state;
	assert_true(core_get_slot_info((uint32_t)core_find_guest_slot(1), &info));
	before = info.fast_calls;
	harness_smc(0, T_CALLS_COUNT, 0, 0, 0, 1, NULL);
	harness_smc(0, T_CALLS_COUNT, 0, 0, 0, HYP, NULL);
	assert_true(core_get_slot_info((uint32_t)core_find_guest_slot(1), &info));
	assert_int_equal(info.fast_calls, before + 1);
	assert_int_equal(info.std_calls, 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calls_count_is_14_with_virtualization),
		cmocka_unit_test(test_calls_uid_is_the_optee_message_uid),
		cmocka_unit_test(test_calls_revision_is_2_0),
		cmocka_unit_test(test_os_uuid_is_optee),
		cmocka_unit_test(test_os_revision_comes_from_the_platform),
		cmocka_unit_test(test_exchange_capabilities_announces_what_exists),
		cmocka_unit_test(test_exchange_capabilities_unknown_bit_is_enotavail),
		cmocka_unit_test(test_thread_count_is_cfg_num_threads),
		cmocka_unit_test(test_functions_not_built_in_are_unknown),
		cmocka_unit_test(test_boot_secondary_is_not_available),
		cmocka_unit_test(test_shm_cache_calls_need_a_guest),
		cmocka_unit_test(test_shm_cache_of_a_guest_enables_and_drains),
		cmocka_unit_test(test_fast_call_from_unknown_guest_is_enotavail),
		cmocka_unit_test(test_upper_register_halves_are_ignored),
		cmocka_unit_test(test_guest_fast_calls_are_counted),
	};

	harness_init(argc, argv);
	return HARNESS_RUN("fast-calls", tests, setup, harness_teardown);
}
