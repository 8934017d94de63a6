// SPDX-License-Identifier: BSD-2-Clause
/*
 * The std-call entry: the a7 rules, implicit guest creation, lazy runtime
 * initialisation, RETURN_FROM_RPC without a suspended thread, and the
 * address checks of CALL_WITH_ARG. (The message layer behind it has its
 * own tests: test_messages.c.)
 */

#include <tests/harness.h>
#include <tests/smc_ids.h>

#define HYP 0u

static uint32_t ns_base(void)
{
	return (uint32_t)harness_nsec_page();
}

static uint32_t call_with_arg(uint64_t pa, uint32_t guest)
{
	return harness_smc(0, T_CALL_WITH_ARG, (uint32_t)(pa >> 32),
			   (uint32_t)pa, 0, guest, NULL);
}

static int setup(void **state)
{
	harness_setup_default(state);
	assert_int_equal(sim_vm_created(1), T_OK);
	return 0;
}

static void test_std_call_from_hypervisor_is_enotavail(void **state)
{
	(void)state;
	assert_int_equal(call_with_arg(ns_base(), HYP), T_ENOTAVAIL);
}

static void test_std_call_from_unknown_guest_is_enotavail(void **state)
{
	(void)state;
	assert_int_equal(call_with_arg(ns_base(), 3), T_ENOTAVAIL);
	assert_int_equal(call_with_arg(ns_base(), 0x10001u), T_ENOTAVAIL);
	/* Implicit creation is off by default: no guest appeared. */
	assert_true(core_find_guest_slot(3) < 0);
}

static void test_runtime_starts_on_the_first_std_call(void **state)
{
	struct core_guest_info info;

	(void)state;
	assert_int_equal(sim_vm_created(2), T_OK);
	assert_true(core_get_slot_info((uint32_t)core_find_guest_slot(2), &info));
	assert_false(info.runtime_initialized);
	assert_int_equal(info.std_calls, 0);
	/* A fast call does not start it. */
	harness_smc(0, T_CALLS_COUNT, 0, 0, 0, 2, NULL);
	assert_true(core_get_slot_info((uint32_t)core_find_guest_slot(2), &info));
	assert_false(info.runtime_initialized);

	call_with_arg(ns_base(), 2);
	assert_true(core_get_slot_info((uint32_t)core_find_guest_slot(2), &info));
	assert_true(info.runtime_initialized);
	assert_int_equal(info.std_calls, 1);
	assert_int_equal(info.heap_size, harness_machine.cfg.platform.heap_size);
	/* The runtime keeps its TA RAM bookkeeping in the guest heap. */
	assert_true(info.heap_used > 0);
	assert_int_equal(info.ta_ram_used, 0);
	assert_int_equal(sim_vm_destroyed(2), T_OK);
}

static void test_return_from_rpc_without_suspended_thread_is_eresume(void **state)
{
	uint32_t thread = 0;

	(void)state;
	for (thread = 0; thread < 3; thread++)
		assert_int_equal(harness_smc(0, T_RETURN_FROM_RPC, 0, 0, thread,
					     1, NULL), T_ERESUME);
	assert_int_equal(harness_smc(0, T_RETURN_FROM_RPC, 0, 0, 0xffffffffu,
				     1, NULL), T_ERESUME);
}

static void test_arg_not_page_aligned_is_ebadaddr(void **state)
{
	(void)state;
	assert_int_equal(call_with_arg(ns_base() + 8, 1), T_EBADADDR);
	assert_int_equal(call_with_arg(ns_base() + 0xfff, 1), T_EBADADDR);
}

static void test_arg_outside_nonsecure_ram_is_ebadaddr(void **state)
{
	const struct arch_platform *p = &harness_machine.cfg.platform;
	uint64_t ns_end = pa_addr(p->nsec_ddr_base) + p->nsec_ddr_size;

	(void)state;
	/* Secure memory is never a message argument. */
	assert_int_equal(call_with_arg(pa_addr(p->tzdram_base), 1), T_EBADADDR);
	assert_int_equal(call_with_arg(ns_end, 1), T_EBADADDR);
	assert_int_equal(call_with_arg(pa_addr(p->nsec_ddr_base) - 0x1000, 1),
			 T_EBADADDR);
	assert_int_equal(call_with_arg(0x100000000ull | ns_base(), 1),
			 T_EBADADDR);
	assert_int_equal(call_with_arg(0xfffffffffffff000ull, 1), T_EBADADDR);
}

static void test_wellformed_arg_reaches_the_message_layer(void **state)
{
	const struct arch_platform *p = &harness_machine.cfg.platform;
	uint64_t last = pa_addr(p->nsec_ddr_base) + p->nsec_ddr_size - 0x1000;
	static const uint8_t zero[4096];
	uint32_t ret[2] = { 0 };

	(void)state;
	/* A zeroed arg is an OPEN_SESSION without its META params. */
	assert_int_equal(sim_phys_write(&harness_machine, last, zero, 4096), 0);
	assert_int_equal(call_with_arg(ns_base(), 1), T_OK);
	assert_int_equal(call_with_arg(last, 1), T_OK);
	assert_int_equal(sim_phys_read(&harness_machine, last + 20, ret, 8), 0);
	assert_int_equal(ret[0], 0xffff0006u);	/* BAD_PARAMETERS */
	assert_int_equal(ret[1], 3);		/* origin TEE */
}

static void test_other_yielding_calls_are_ebadcmd(void **state)
{
	(void)state;
	/* Without the RPC_ARG capability these are not served. */
	assert_int_equal(harness_smc(0, T_CALL_WITH_RPC_ARG, 0, ns_base(), 0, 1,
				     NULL), T_EBADCMD);
	assert_int_equal(harness_smc(0, T_CALL_WITH_REGD_ARG, 0, 1, 0, 1, NULL),
			 T_EBADCMD);
	assert_int_equal(harness_smc(0, 0x32000099u, 0, 0, 0, 1, NULL),
			 T_EBADCMD);
	assert_int_equal(harness_smc(0, 0x72000004u /* SMC64 */, 0, 0, 0, 1,
				     NULL), T_EBADCMD);
}

static void test_std_calls_leave_no_thread_busy(void **state)
{
	struct shim_regs r;
	int n = 0;

	(void)state;
	/* More calls than threads: each one gives its thread back. */
	for (n = 0; n < 10; n++)
		assert_int_equal(call_with_arg(ns_base(), 1), T_OK);
	assert_int_equal(harness_smc(0, T_ENABLE_SHM_CACHE, 0, 0, 0, 1, &r),
			 T_OK);
}

static void test_implicit_creation_makes_the_guest_on_its_first_call(void **state)
{
	struct nexsim_config cfg;

	(void)state;
	harness_stop();
	harness_config(&cfg, "default");
	cfg.platform.implicit_guest_create = true;
	harness_start(&cfg);

	assert_true(core_find_guest_slot(9) < 0);
	assert_int_equal(call_with_arg(ns_base(), 9), T_OK);
	assert_true(core_find_guest_slot(9) >= 0);
	/* Fast calls do not create, and the hypervisor is never a guest. */
	assert_int_equal(harness_smc(0, T_CALLS_COUNT, 0, 0, 0, 8, NULL),
			 T_ENOTAVAIL);
	assert_int_equal(call_with_arg(ns_base(), HYP), T_ENOTAVAIL);
	assert_true(core_find_guest_slot(8) < 0);
	/* When the shares are all taken, a new caller is refused. */
	assert_int_equal(call_with_arg(ns_base(), 10), T_OK);
	assert_int_equal(call_with_arg(ns_base(), 11), T_ENOTAVAIL);
	assert_true(core_find_guest_slot(11) < 0);

	harness_stop();
	harness_setup_default(NULL);
	assert_int_equal(sim_vm_created(1), T_OK);
}

static void test_std_call_on_each_core(void **state)
{
	struct nexsim_config cfg;
	unsigned int core = 0;

	(void)state;
	harness_stop();
	harness_config(&cfg, "qemu_v8");
	harness_start(&cfg);
	assert_int_equal(sim_vm_created(1), T_OK);
	for (core = 0; core < cfg.platform.core_count; core++) {
		assert_int_equal(harness_smc(core, T_CALL_WITH_ARG, 0, ns_base(),
					     0, 1, NULL), T_OK);
		assert_int_equal(harness_smc(core, T_CALLS_COUNT, 0, 0, 0, 1,
					     NULL), 14);
	}
	harness_stop();
	harness_setup_default(NULL);
	assert_int_equal(sim_vm_created(1), T_OK);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_std_call_from_hypervisor_is_enotavail),
		cmocka_unit_test(test_std_call_from_unknown_guest_is_enotavail),
		cmocka_unit_test(test_runtime_starts_on_the_first_std_call),
		cmocka_unit_test(test_return_from_rpc_without_suspended_thread_is_eresume),
		cmocka_unit_test(test_arg_not_page_aligned_is_ebadaddr),
		cmocka_unit_test(test_arg_outside_nonsecure_ram_is_ebadaddr),
		cmocka_unit_test(test_wellformed_arg_reaches_the_message_layer),
		cmocka_unit_test(test_other_yielding_calls_are_ebadcmd),
		cmocka_unit_test(test_std_calls_leave_no_thread_busy),
		cmocka_unit_test(test_implicit_creation_makes_the_guest_on_its_first_call),
		cmocka_unit_test(test_std_call_on_each_core),
	};

	harness_init(argc, argv);
	return HARNESS_RUN("std-calls", tests, setup, harness_teardown);
}
