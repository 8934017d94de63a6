// SPDX-License-Identifier: BSD-2-Clause
/*
 * Many guests at once: 1000 guests are created, each one is entered and
 * writes its own banked state and heap, then every guest is checked to
 * still hold exactly what it wrote (no other guest touched it), then all
 * are destroyed and no pool, share or page is left behind.
 */

#include <stdlib.h>
#include <string.h>

#include <arch/mmu.h>
#include <kernel/virtualization.h>
#include <mm/malloc.h>
#include <tests/core_probe.h>
#include <tests/harness.h>
#include <tests/smc_ids.h>

#define GUESTS		1000u
#define TA_RAM_EACH	(256u * 1024u)

/* Guest IDs spread over the 16-bit space, as domain IDs + 1 would be. */
static uint16_t guest_id(uint32_t n)
{
	return (uint16_t)(1 + n * 65);
}

static void **heap_ptrs;

static int setup(void **state)
{
	struct nexsim_config cfg;
	struct core_nexus_info info;
	uint64_t share = 0;

	(void)state;
	harness_config(&cfg, "default");
	cfg.platform.guest_count = GUESTS;
	/* One share: bank + heap + stacks + table + TA_RAM_EACH. */
	share = 3 * 4096 + cfg.platform.heap_size +
		cfg.platform.thread_count * cfg.platform.thread_stack_size +
		4096 + TA_RAM_EACH;
	cfg.platform.tzdram_size = cfg.platform.tee_ram_size +
				   (uint64_t)GUESTS * share;
	harness_start(&cfg);
	core_get_nexus_info(&info);
	assert_true(info.ta_ram_share >= TA_RAM_EACH - 3 * 4096);
	heap_ptrs = calloc(GUESTS, sizeof(void *));
	return heap_ptrs ? 0 : -1;
}

static int teardown(void **state)
{
	free(heap_ptrs);
	return harness_teardown(state);
}

static void test_thousand_guests_keep_their_state_apart(void **state)
{
	struct core_nexus_info before;
	struct core_nexus_info info;
	struct malloc_stats nex_before;
	struct malloc_stats nex_after;
	struct shim_stats st;
	uint64_t resident_boot = 0;
	uint64_t resident_busy = 0;
	uint32_t ns = (uint32_t)pa_addr(harness_machine.cfg.platform.nsec_ddr_base);
	uint32_t n = 0;

	(void)state;
	core_get_nexus_info(&before);
	nex_malloc_get_stats(&nex_before);
	resident_boot = sim_machine_resident(&harness_machine, SIM_REGION_TZDRAM);

	for (n = 0; n < GUESTS; n++)
		assert_int_equal(sim_vm_created(guest_id(n)), T_OK);
	assert_int_equal(sim_vm_created(65000), T_ENOTAVAIL);

	/* Each guest writes its own banked globals and heap. */
	for (n = 0; n < GUESTS; n++) {
		uint16_t id = guest_id(n);

		assert_int_equal(harness_smc(0, T_CALL_WITH_ARG, 0, ns, 0, id,
					     NULL), T_OK);
		assert_int_equal(virt_set_guest(id), TEE_SUCCESS);
		assert_int_equal(probe_data, PROBE_DATA_INIT);
		assert_int_equal(probe_bss, 0);
		probe_data = id;
		probe_bss = ~(uint32_t)id;
		probe_static_set(id * 3u);
		probe_array[id % PROBE_ARRAY_SIZE] = (uint8_t)id;
		heap_ptrs[n] = guest_malloc(256);
		assert_non_null(heap_ptrs[n]);
		memset(heap_ptrs[n], (uint8_t)id, 256);
		virt_unset_guest();
	}
	resident_busy = sim_machine_resident(&harness_machine, SIM_REGION_TZDRAM);

	/* Every guest finds exactly its own writes. */
	for (n = 0; n < GUESTS; n++) {
		uint16_t id = guest_id(n);
		uint8_t *h = heap_ptrs[n];
		size_t k = 0;

		assert_int_equal(virt_set_guest(id), TEE_SUCCESS);
		assert_int_equal(probe_data, id);
		assert_int_equal(probe_bss, ~(uint32_t)id);
		assert_int_equal(probe_static_get(), id * 3u);
		for (k = 0; k < PROBE_ARRAY_SIZE; k++)
			assert_int_equal(probe_array[k],
					 k == id % PROBE_ARRAY_SIZE ? (uint8_t)id : 0);
		for (k = 0; k < 256; k++)
			assert_int_equal(h[k], (uint8_t)id);
		guest_free(h);
		virt_unset_guest();
	}
	shim_get_stats(&st);
	if (shim_guard_in_use() == SHIM_GUARD_PKEYS)
		assert_true(st.key_evictions > 0);	/* more guests than keys */
	assert_int_equal(st.partitions_live, GUESTS);

	for (n = 0; n < GUESTS; n++)
		assert_int_equal(sim_vm_destroyed(guest_id(n)), T_OK);

	/* Nothing is left: shares, slots, nexus heap, partitions, memory. */
	core_get_nexus_info(&info);
	assert_int_equal(info.guests_live, 0);
	assert_int_equal(info.guests_dying, 0);
	assert_int_equal(info.slots_free, before.slots_free);
	nex_malloc_get_stats(&nex_after);
	assert_int_equal(nex_after.allocated, nex_before.allocated);
	shim_get_stats(&st);
	assert_int_equal(st.partitions_live, 0);
	assert_int_equal(st.partitions_destroyed, GUESTS);
	/*
	 * Only the guests' tables (nexus memory) and index pages stay
	 * touched, and with pkeys their bank copies (zeroed in place).
	 */
	assert_true(resident_busy > resident_boot + GUESTS * 4096ull * 3);
	assert_true(sim_machine_resident(&harness_machine, SIM_REGION_TZDRAM) <=
		    resident_boot + GUESTS * (uint64_t)info.table_size +
		    ((info.guest_index_used + 4095) & ~(size_t)4095) +
		    GUESTS * (uint64_t)arch_bank_size());
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thousand_guests_keep_their_state_apart),
	};

	harness_init(argc, argv);
	return HARNESS_RUN("scenario-1000-guests", tests, setup, teardown);
}
