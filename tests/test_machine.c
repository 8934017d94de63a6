// SPDX-License-Identifier: BSD-2-Clause
/*
 * The simulated platform: profiles and their OP-TEE defaults, settings the
 * core refuses at boot, the equal split of ABI.md §3, and power-on reset.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arch/mmu.h>
#include <kernel/virtualization.h>
#include <mm/malloc.h>
#include <sim/ipa.h>
#include <tests/harness.h>

/* PA, IPA and VA are three types: mixing them does not compile silently. */
_Static_assert(!__builtin_types_compatible_p(paddr_t, ipaddr_t),
	       "a PA is not an IPA");
_Static_assert(!__builtin_types_compatible_p(paddr_t, vaddr_t),
	       "a PA is not a VA");
_Static_assert(!__builtin_types_compatible_p(ipaddr_t, vaddr_t),
	       "an IPA is not a VA");
#include <tests/smc_ids.h>

static uint64_t expected_ta_ram(const struct arch_platform *p,
				const struct core_nexus_info *info)
{
	uint64_t pool = p->tzdram_size - p->tee_ram_size;
	uint64_t tee_share = info->bank_size + p->heap_size +
			     (uint64_t)p->thread_count * p->thread_stack_size;

	/* rounddown(ta_pool / N - bank size - table size, 4 KiB) */
	return (pool / p->guest_count - tee_share - info->table_size) &
	       ~(uint64_t)4095;
}

static void test_default_profile_has_optee_defaults(void **state)
{
	struct nexsim_config cfg;
	char err[128];

	(void)state;
	assert_int_equal(nexsim_config_profile("default", &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.platform.guest_count, 2);
	assert_int_equal(cfg.platform.nex_heap_size, 16 * 1024);
	assert_int_equal(cfg.platform.heap_size, 64 * 1024);
	assert_int_equal(cfg.platform.thread_count, 2);
	assert_false(cfg.platform.implicit_guest_create);
	assert_int_equal(cfg.on_violation, SHIM_VIOLATION_ABORT);
}

static void test_qemu_v8_profile_has_its_memory_map(void **state)
{
	struct nexsim_config cfg;
	char err[128];

	(void)state;
	assert_int_equal(nexsim_config_profile("qemu_v8", &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.platform.name, "qemu_v8");
	assert_int_equal(cfg.platform.core_count, 4);
	assert_int_equal(pa_addr(cfg.platform.tzdram_base), 0x0e100000);
	assert_int_equal(cfg.platform.tzdram_size, 0x00f00000);
	assert_int_equal(pa_addr(cfg.platform.nsec_ddr_base), 0x40000000);
	assert_int_equal(cfg.platform.guest_count, 2);
}

static void test_unknown_profile_is_refused(void **state)
{
	struct nexsim_config cfg;
	char err[128] = "";

	(void)state;
	assert_int_equal(nexsim_config_profile("juno", &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown profile 'juno'"));
}

static void test_sizes_parse_with_units_and_refuse_garbage(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(nexsim_parse_size("4096", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(nexsim_parse_size("64K", &v), 0);
	assert_int_equal(v, 65536);
	assert_int_equal(nexsim_parse_size("16KiB", &v), 0);
	assert_int_equal(v, 16384);
	assert_int_equal(nexsim_parse_size("2M", &v), 0);
	assert_int_equal(v, 2 * 1024 * 1024);
	assert_int_equal(nexsim_parse_size("0x1000", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(nexsim_parse_size("1G", &v), 0);
	assert_int_equal(v, 1024ull * 1024 * 1024);
	assert_int_equal(nexsim_parse_size("", &v), -1);
	assert_int_equal(nexsim_parse_size("-1", &v), -1);
	assert_int_equal(nexsim_parse_size("12Q", &v), -1);
	assert_int_equal(nexsim_parse_size("K", &v), -1);
	assert_int_equal(nexsim_parse_size("99999999999999999999", &v), -1);
	assert_int_equal(nexsim_parse_size("17179869184G", &v), -1);
	assert_int_equal(nexsim_parse_uint("4", 1, 8, &v), 0);
	assert_int_equal(nexsim_parse_uint("9", 1, 8, &v), -1);
	assert_int_equal(nexsim_parse_uint("4x", 1, 8, &v), -1);
}

static void expect_boot_failure(struct nexsim_config *cfg, const char *why)
{
	struct sim_machine m;
	char err[256] = "";

	assert_int_equal(sim_machine_start(&m, cfg, err, sizeof(err)), -1);
	if (!strstr(err, why))
		fail_msg("refused with \"%s\", expected \"%s\"", err, why);
	assert_false(shim_machine_exists());
}

static void test_platforms_the_core_cannot_run_are_refused(void **state)
{
	struct nexsim_config cfg;

	(void)state;
	harness_config(&cfg, "default");
	cfg.platform.guest_count = 4000;
	expect_boot_failure(&cfg, "no TA RAM left");

	harness_config(&cfg, "default");
	cfg.platform.guest_count = 0;
	expect_boot_failure(&cfg, "guest or thread count is out of range");

	harness_config(&cfg, "default");
	cfg.platform.thread_count = 1000;
	expect_boot_failure(&cfg, "guest or thread count is out of range");

	harness_config(&cfg, "default");
	cfg.platform.tee_ram_size = 64 * 1024;
	expect_boot_failure(&cfg, "TEE RAM is too small");

	harness_config(&cfg, "default");
	cfg.platform.heap_size = 1024;
	expect_boot_failure(&cfg, "below the core's minimum");

	harness_config(&cfg, "default");
	cfg.platform.core_count = 17;
	expect_boot_failure(&cfg, "core count");

	/* Sizes that would wrap the plan are refused, not rounded to nothing. */
	harness_config(&cfg, "default");
	cfg.platform.heap_size = 0xfffffffffffff000ull;
	expect_boot_failure(&cfg, "above TZDRAM");
	harness_config(&cfg, "default");
	cfg.platform.nex_heap_size = 0xffffffffffffff00ull;
	expect_boot_failure(&cfg, "above TZDRAM");
	harness_config(&cfg, "default");
	cfg.platform.thread_stack_size = 1ull << 62;
	expect_boot_failure(&cfg, "above TZDRAM");
	harness_config(&cfg, "default");
	cfg.platform.nsec_ddr_base = pa_init((1ull << 48) - 4096);
	expect_boot_failure(&cfg, "physical address space");
	harness_config(&cfg, "default");
	cfg.platform.xlat_table_size = cfg.platform.tzdram_size + 4096;
	expect_boot_failure(&cfg, "above TZDRAM");
	harness_config(&cfg, "default");
	cfg.platform.tzdram_base = pa_init(1ull << 48);
	expect_boot_failure(&cfg, "physical address space");
	harness_config(&cfg, "default");
	cfg.platform.tee_ram_size = cfg.platform.tzdram_size;
	expect_boot_failure(&cfg, "TEE RAM fills TZDRAM");
	harness_config(&cfg, "default");
	cfg.platform.tee_ram_size += 512;
	expect_boot_failure(&cfg, "TEE RAM is not page-aligned");
	/* (A TZDRAM that is not, the host's memory refuses before the core.) */
	harness_config(&cfg, "default");
	cfg.platform.tzdram_base = pa_add(cfg.platform.tzdram_base, 512);
	expect_boot_failure(&cfg, "not page aligned");
	/* Each minimum of the core holds on its own. */
	harness_config(&cfg, "default");
	cfg.platform.nex_heap_size = 2048;
	expect_boot_failure(&cfg, "below the core's minimum");
	harness_config(&cfg, "default");
	cfg.platform.thread_stack_size = 2048;
	expect_boot_failure(&cfg, "below the core's minimum");
	/* Guest IDs are 16 bits: so is the guest count. */
	harness_config(&cfg, "default");
	cfg.platform.guest_count = 65536;
	expect_boot_failure(&cfg, "guest or thread count is out of range");
	harness_config(&cfg, "default");
	cfg.platform.thread_count = 0;
	expect_boot_failure(&cfg, "guest or thread count is out of range");
	/* Many guests on a small heap: no room to track their TA RAM. */
	harness_config(&cfg, "default");
	cfg.platform.guest_count = 1;
	cfg.platform.tzdram_size = 1ull << 32;
	cfg.platform.heap_size = 8 * 1024;
	nexsim_config_place_nsec_ddr(&cfg);
	expect_boot_failure(&cfg, "too small to track its TA RAM");
	/* Many threads on a small heap: no room for their table. */
	harness_config(&cfg, "default");
	cfg.platform.thread_count = 32;
	cfg.platform.heap_size = 8 * 1024;
	expect_boot_failure(&cfg, "hold its thread table");
	cfg.platform.heap_size = 32 * 1024;
	harness_start(&cfg);
	harness_stop();
}

static void test_failed_boots_leave_the_host_mmu_as_it_was(void **state)
{
	struct nexsim_config cfg;
	int n = 0;

	(void)state;
	/* More failures than the host has protection keys. */
	for (n = 0; n < 20; n++) {
		harness_config(&cfg, "default");
		cfg.platform.guest_count = 4000;
		expect_boot_failure(&cfg, "no TA RAM left");
	}
	harness_config(&cfg, "default");
	harness_start(&cfg);
	if (shim_pkeys_supported() &&
	    harness_machine.cfg.guard != SHIM_GUARD_MPROTECT)
		assert_int_equal(shim_guard_in_use(), SHIM_GUARD_PKEYS);
	assert_int_equal(sim_vm_created(1), T_OK);
	harness_stop();
}

static void check_split(uint32_t guest_count, uint32_t created)
{
	struct nexsim_config cfg;
	struct core_nexus_info info;
	uint32_t n = 0;

	harness_config(&cfg, "qemu_v8");
	cfg.platform.guest_count = guest_count;
	harness_start(&cfg);
	core_get_nexus_info(&info);
	assert_int_equal(info.guest_count, guest_count);
	assert_int_equal(info.ta_ram_share,
			 expected_ta_ram(&cfg.platform, &info));
	/* Every share fits the pool, however many guests exist. */
	assert_true((uint64_t)guest_count * (info.tee_ram_share +
					     info.ta_ram_share +
					     info.table_size) <= info.ta_pool_size);
	for (n = 1; n <= created; n++)
		assert_int_equal(sim_vm_created(n), T_OK);
	for (n = 0; n < created; n++) {
		struct core_guest_info g;

		assert_true(core_get_slot_info(n, &g));
		assert_int_equal(g.ta_ram_size, info.ta_ram_share);
		assert_int_equal(g.heap_size, cfg.platform.heap_size);
	}
	harness_stop();
}

static void test_every_guest_gets_the_same_share(void **state)
{
	(void)state;
	check_split(1, 1);
	check_split(2, 1);	/* fewer guests than the count: same shares */
	check_split(4, 4);
	check_split(8, 3);
	check_split(16, 16);
}

static void test_shares_do_not_overlap(void **state)
{
	struct nexsim_config cfg;
	struct core_guest_info g[4];
	uint32_t n = 0;
	uint32_t m = 0;

	(void)state;
	harness_config(&cfg, "qemu_v8");
	cfg.platform.guest_count = 4;
	harness_start(&cfg);
	for (n = 0; n < 4; n++) {
		assert_int_equal(sim_vm_created(10 + n), T_OK);
		assert_true(core_get_slot_info(n, &g[n]));
	}
	for (n = 0; n < 4; n++) {
		uint64_t a0 = pa_addr(g[n].bank_pa);
		uint64_t a1 = pa_addr(g[n].private_pa) + g[n].heap_size +
			      g[n].stacks_size + g[n].ta_ram_size;

		assert_true(a0 >= pa_addr(cfg.platform.tzdram_base) +
				  cfg.platform.tee_ram_size);
		assert_true(a1 <= pa_addr(cfg.platform.tzdram_base) +
				  cfg.platform.tzdram_size);
		for (m = 0; m < 4; m++) {
			uint64_t b0 = pa_addr(g[m].bank_pa);

			if (m != n)
				assert_true(b0 >= a1 || a0 >= b0 + (a1 - a0));
		}
		/* Distinct virtual addresses for distinct guests. */
		for (m = 0; m < n; m++)
			assert_ptr_not_equal(g[n].private_va, g[m].private_va);
	}
	harness_stop();
}

/* Guest @id's slot into @g, and the size of its share (its private range). */
static size_t guest_share(uint16_t id, struct core_guest_info *g)
{
	assert_true(core_get_slot_info((uint32_t)core_find_guest_slot(id), g));
	return g->heap_size + g->stacks_size + g->ta_ram_size;
}

/* Does [pa, pa + len) of secure RAM read as zeros? */
static bool secure_zero(paddr_t pa, size_t len)
{
	uint8_t *buf = malloc(len);
	bool zero = true;
	size_t k = 0;

	assert_non_null(buf);
	assert_int_equal(sim_phys_read(&harness_machine, pa_addr(pa), buf, len),
			 0);
	for (k = 0; k < len && zero; k++)
		zero = !buf[k];
	free(buf);
	return zero;
}

/* The MMU's view of secure RAM: the memfd's mapping of its whole size. */
static volatile uint8_t *find_phys_map(uint64_t size)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	volatile uint8_t *found = NULL;

	assert_non_null(f);
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned long lo = 0, hi = 0, off = 0;

		if (sscanf(line, "%lx-%lx %*s %lx", &lo, &hi, &off) == 3 &&
		    strstr(line, "memfd:") && strstr(line, SIM_REGION_TZDRAM) &&
		    off == 0 && hi - lo == size)
			found = (volatile uint8_t *)lo;
	}
	fclose(f);
	return found;
}

static void read_byte(void *arg)
{
	volatile uint8_t *p = arg;

	(void)*p;
}

/*
 * Default partition: the MMU's view of secure RAM is guarded, before and
 * after a guest that never ran is created and destroyed.
 */
/* The default platform, its guests' shares scrubbed by @scrub. */
static void start_scrubbing(struct nexsim_config *cfg, enum shim_scrub scrub)
{
	harness_config(cfg, "default");
	cfg->scrub = scrub;
	harness_start(cfg);
}

static void test_phys_view_guarded_after_unrun_guest(void **state)
{
	struct nexsim_config cfg;
	struct shim_violation v;
	volatile uint8_t *phys = NULL;
	bool guarded[3] = { false, false, false };

	(void)state;
	start_scrubbing(&cfg, SHIM_SCRUB_IN_PLACE);
	if (shim_guard_in_use() != SHIM_GUARD_PKEYS) {
		harness_stop();
		return;	/* only protection keys guard it by PKRU */
	}
	phys = find_phys_map(cfg.platform.tzdram_size);
	assert_non_null(phys);
	guarded[0] = shim_try(read_byte, (void *)phys, &v);
	assert_int_equal(sim_vm_created(3), T_OK);
	guarded[1] = shim_try(read_byte, (void *)phys, &v);
	assert_int_equal(sim_vm_destroyed(3), T_OK);
	guarded[2] = shim_try(read_byte, (void *)phys, &v);
	harness_stop();
	assert_true(guarded[0]);	/* at boot */
	assert_true(guarded[1]);	/* after VM_CREATED */
	assert_true(guarded[2]);	/* after VM_DESTROYED of the unrun guest */
}

/* The start of the private window of a new guest @id. */
static void *window_of_new_guest(uint32_t id)
{
	struct core_guest_info g;
	int32_t slot = 0;

	assert_int_equal(sim_vm_created(id), T_OK);
	slot = core_find_guest_slot((uint16_t)id);
	assert_true(slot >= 0);
	assert_true(core_get_slot_info((uint32_t)slot, &g));
	return g.private_va;
}

/*
 * Within a run, a share's guests go round its windows (a stale pointer of
 * a dead guest faults); after a reset the rings start over, so the same
 * guests get the same windows. (These guests never run, so no window has
 * a key: by address. Keyed windows come first: test_isolation.c.)
 */
static void test_reset_starts_the_window_rings_over(void **state)
{
	struct nexsim_config cfg;
	void *a[2];
	void *b[3];
	void *c[3];
	char err[128];
	uint32_t n = 0;

	(void)state;
	harness_config(&cfg, "default");
	harness_start(&cfg);
	for (n = 0; n < 2; n++) {
		a[n] = window_of_new_guest(10 + n);
		assert_int_equal(sim_vm_destroyed(10 + n), T_OK);
	}
	assert_ptr_not_equal(a[0], a[1]);
	assert_int_equal(sim_machine_reset(&harness_machine, err, sizeof(err)),
			 0);
	for (n = 0; n < 3; n++) {
		b[n] = window_of_new_guest(20 + n);
		assert_int_equal(sim_vm_destroyed(20 + n), T_OK);
	}
	assert_int_equal(sim_machine_reset(&harness_machine, err, sizeof(err)),
			 0);
	for (n = 0; n < 3; n++) {
		c[n] = window_of_new_guest(30 + n);
		assert_int_equal(sim_vm_destroyed(30 + n), T_OK);
	}
	harness_stop();
	/* The windows of before the reset, in order, then a new one. */
	assert_ptr_equal(b[0], a[0]);
	assert_ptr_equal(b[1], a[1]);
	assert_ptr_not_equal(b[2], a[0]);
	assert_ptr_not_equal(b[2], a[1]);
	/* From the lowest address up. */
	assert_true((uintptr_t)a[0] < (uintptr_t)a[1] &&
		    (uintptr_t)a[1] < (uintptr_t)b[2]);
	for (n = 0; n < 3; n++)
		assert_ptr_equal(c[n], b[n]);
}

/* A guest window seen by the randomised ring test. */
struct seen_window {
	void *va;
	int32_t slot;		/* its share's slot when last taken */
	uint32_t live_id;	/* its guest, 0 when retired */
	unsigned int epoch;	/* resets before it was retired */
	uint64_t retired_seq;	/* its slot's guest count at retirement */
};

#define RING_SLOTS	8
#define RING_WINDOWS	(4 * RING_SLOTS)	/* WINDOWS_PER_SHARE each */

static struct seen_window *seen_window(struct seen_window *w, size_t *count,
				       void *va)
{
	size_t n = 0;

	for (n = 0; n < *count; n++)
		if (w[n].va == va)
			return &w[n];
	assert_true(*count < RING_WINDOWS);
	memset(&w[n], 0, sizeof(w[n]));
	w[n].va = va;
	w[n].epoch = UINT32_MAX;	/* never retired */
	(*count)++;
	return &w[n];
}

/*
 * 20,000 random creations, destructions (half after a std call, so the
 * guest's window was open) and resets: no live guest's window is handed
 * out, and a window retired since the last reset goes to a guest of its
 * own share only, three of that share's guests later at the earliest.
 */
static void test_window_rings_hold_through_random_resets(void **state)
{
	struct seen_window w[RING_WINDOWS];
	uint64_t seq[RING_SLOTS] = { 0 };
	uint32_t live[RING_SLOTS] = { 0 };
	struct nexsim_config cfg;
	struct core_guest_info g;
	struct seen_window *sw = NULL;
	unsigned int epoch = 0;
	unsigned int step = 0;
	uint32_t rng = 12345;
	uint32_t next_id = 1;
	size_t seen = 0;
	size_t n = 0;
	int32_t slot = 0;
	char err[128];

	(void)state;
	harness_config(&cfg, "default");
	cfg.platform.guest_count = RING_SLOTS;
	cfg.platform.tzdram_size = 64u << 20;
	harness_start(&cfg);
	for (step = 0; step < 20000; step++) {
		uint32_t r = 0;
		uint32_t s = 0;

		rng = rng * 1103515245u + 12345u;
		r = (rng >> 16) % 100;
		s = (rng >> 24) % RING_SLOTS;
		if (r < 2) {
			assert_int_equal(sim_machine_reset(&harness_machine, err,
							   sizeof(err)), 0);
			epoch++;
			for (n = 0; n < seen; n++)
				w[n].live_id = 0;
			memset(live, 0, sizeof(live));
		} else if (live[s]) {
			if (r & 1)
				harness_first_std_call(0, live[s]);
			assert_int_equal(sim_vm_destroyed(live[s]), T_OK);
			for (n = 0; n < seen; n++) {
				if (w[n].live_id == live[s]) {
					w[n].live_id = 0;
					w[n].epoch = epoch;
					w[n].retired_seq = seq[w[n].slot];
				}
			}
			live[s] = 0;
		} else {
			assert_int_equal(sim_vm_created(next_id), T_OK);
			slot = core_find_guest_slot((uint16_t)next_id);
			assert_true(slot >= 0 && slot < RING_SLOTS);
			assert_true(core_get_slot_info((uint32_t)slot, &g));
			seq[slot]++;
			sw = seen_window(w, &seen, g.private_va);
			assert_int_equal(sw->live_id, 0);
			if (sw->epoch == epoch &&
			    (sw->slot != slot || seq[slot] - sw->retired_seq < 4))
				fail_msg("step %u: the window of a guest of slot %d "
					 "(retired at its guest %llu) went to slot "
					 "%d's guest %llu", step, sw->slot,
					 (unsigned long long)sw->retired_seq, slot,
					 (unsigned long long)seq[slot]);
			sw->slot = slot;
			sw->live_id = next_id;
			live[slot] = next_id;
			next_id = next_id % 60000 + 1;
		}
	}
	harness_stop();
}

static void test_reset_returns_to_power_on(void **state)
{
	struct nexsim_config cfg;
	struct core_nexus_info boot;
	struct core_nexus_info info;
	struct malloc_stats nex;
	struct shim_stats st;
	struct core_guest_info g1;
	uint64_t resident_boot = 0;
	uint32_t ns = 0;
	char err[128];
	int round = 0;

	(void)state;
	harness_config(&cfg, "qemu_v8");
	harness_start(&cfg);
	ns = (uint32_t)pa_addr(cfg.platform.nsec_ddr_base);
	core_get_nexus_info(&boot);
	resident_boot = sim_machine_resident(&harness_machine, SIM_REGION_TZDRAM);
	for (round = 0; round < 3; round++) {
		assert_int_equal(sim_vm_created(1), T_OK);
		assert_int_equal(sim_vm_created(2), T_OK);
		harness_smc(1, T_CALL_WITH_ARG, 0, ns, 0, 1, NULL);
		assert_true(core_get_slot_info(0, &g1));
		assert_non_null(nex_malloc(100));	/* left allocated */
		assert_int_equal(sim_machine_reset(&harness_machine, err,
						   sizeof(err)), 0);

		core_get_nexus_info(&info);
		assert_int_equal(info.guests_live, 0);
		assert_int_equal(info.slots_free, boot.slots_free);
		assert_int_equal(info.guest_index_used, 0);
		nex_malloc_get_stats(&nex);
		assert_int_equal(nex.allocated, 0);
		/* The guests' tables outlive a reset; none is taken for a guest. */
		{
			struct core_guest_info g;

			assert_false(core_get_slot_info(0, &g));
			assert_false(core_get_slot_info(1, &g));
		}
		shim_get_stats(&st);
		assert_int_equal(st.partitions_live, 0);
		assert_int_equal(st.fast_smcs + st.std_smcs, 0);
		assert_int_equal(harness_smc(0, T_CALLS_COUNT, 0, 0, 0, 1, NULL),
				 T_ENOTAVAIL);
		/*
		 * Shares are scrubbed. Two tables and an index page stay
		 * touched, and with pkeys the two bank copies, zeroed.
		 */
		assert_true(sim_machine_resident(&harness_machine,
						 SIM_REGION_TZDRAM) <=
			    resident_boot + 2 * info.table_size + 4096 +
			    2 * arch_bank_size());
		assert_true(secure_zero(g1.bank_pa, arch_bank_size()));
	}
	harness_stop();
}

/*
 * A guest's secret, in its heap, then the guest is destroyed: with either
 * scrub the share reads as zeros; in place, its pages stay and the share's
 * next guest doing the same work takes no new page of the host.
 */
static void scrub_round(enum shim_scrub scrub)
{
	struct nexsim_config cfg;
	struct core_guest_info g;
	struct shim_stats st0;
	struct shim_stats st;
	uint64_t resident_boot = 0;
	uint64_t resident_used[3] = { 0 };
	uint64_t resident_after = 0;
	uint16_t id = 0;
	uint8_t *secret = NULL;
	size_t share = 0;

	start_scrubbing(&cfg, scrub);
	resident_boot = sim_machine_resident(&harness_machine, SIM_REGION_TZDRAM);
	for (id = 1; id <= 2; id++) {
		assert_int_equal(sim_vm_created(id), T_OK);
		harness_first_std_call(0, id);
		assert_int_equal(virt_set_guest(id), TEE_SUCCESS);
		secret = guest_malloc(3000);
		assert_non_null(secret);
		/* The second guest gets the first one's share, scrubbed. */
		for (share = 0; share < 3000; share++)
			assert_int_equal(secret[share], 0);
		memset(secret, 0x5a, 3000);
		virt_unset_guest();
		assert_true(core_get_slot_info(0, &g));
		assert_int_equal(g.id, id);
		share = g.heap_size + g.stacks_size + g.ta_ram_size;
		resident_used[id] = sim_machine_resident(&harness_machine,
							 SIM_REGION_TZDRAM);
		assert_false(secure_zero(g.private_pa, share));
		assert_int_equal(sim_vm_destroyed(id), T_OK);
		assert_true(secure_zero(g.private_pa, share));
		assert_true(secure_zero(g.bank_pa, arch_bank_size()));
		resident_after = sim_machine_resident(&harness_machine,
						      SIM_REGION_TZDRAM);
		if (scrub == SHIM_SCRUB_IN_PLACE)
			assert_int_equal(resident_after, resident_used[id]);
		else
			assert_true(resident_after < resident_used[id]);
	}
	/*
	 * A guest that never ran: its window was never open, so its share
	 * is not scanned nor zeroed again (its bank copy is) and stays zero.
	 */
	shim_get_stats(&st0);
	assert_int_equal(sim_vm_created(3), T_OK);
	assert_true(core_get_slot_info(0, &g));
	assert_int_equal(g.id, 3);
	assert_false(secure_zero(g.bank_pa, arch_bank_size()));
	assert_int_equal(sim_vm_destroyed(3), T_OK);
	shim_get_stats(&st);
	assert_int_equal(st.pages_zeroed, st0.pages_zeroed);
	assert_int_equal(st.scrub_scans, st0.scrub_scans);
	assert_true(secure_zero(g.private_pa, share));
	assert_true(secure_zero(g.bank_pa, arch_bank_size()));
	assert_int_equal(sim_machine_resident(&harness_machine,
					      SIM_REGION_TZDRAM),
			 resident_after);
	shim_get_stats(&st);
	if (scrub == SHIM_SCRUB_IN_PLACE) {
		assert_true(st.pages_zeroed > 0);
		/* The second guest reused the first one's pages: none new. */
		assert_int_equal(resident_used[2], resident_used[1]);
		assert_true(resident_after > resident_boot);
		/* So the share needed no second scan for its pages. */
		assert_int_equal(st.scrub_scans, 1);
	} else {
		assert_int_equal(st.pages_zeroed, 0);
	}
	harness_stop();
}

static void test_scrub_release_gives_pages_back(void **state)
{
	(void)state;
	harness_stop();
	scrub_round(SHIM_SCRUB_RELEASE);
}

static void test_scrub_in_place_zeroes_and_keeps_pages(void **state)
{
	(void)state;
	harness_stop();
	scrub_round(SHIM_SCRUB_IN_PLACE);
}

/*
 * In place, the scrub asks the memfd (fstat) whether any share gained a
 * page only when a partition ran or secure RAM was written since it last
 * asked: guests destroyed one after another cost one question. And pages
 * a guest's code alone added, after the last question, get its share
 * scanned and zeroed.
 */
static void test_scrub_in_place_asks_the_memfd_after_guest_code_only(
	void **state)
{
	struct nexsim_config cfg;
	struct core_guest_info g;
	struct shim_stats st0;
	struct shim_stats st;
	uint16_t id = 0;
	uint8_t *secret = NULL;
	uint64_t resident = 0;
	size_t share = 0;

	(void)state;
	harness_stop();
	start_scrubbing(&cfg, SHIM_SCRUB_IN_PLACE);
	/* Both guests the platform holds run, then go one after another. */
	for (id = 1; id <= 2; id++) {
		assert_int_equal(sim_vm_created(id), T_OK);
		harness_first_std_call(0, id);
	}
	shim_get_stats(&st0);
	for (id = 1; id <= 2; id++)
		assert_int_equal(sim_vm_destroyed(id), T_OK);
	shim_get_stats(&st);
	assert_int_equal(st.partitions_destroyed - st0.partitions_destroyed,
			 2);
	assert_int_equal(st.blocks_reads - st0.blocks_reads, 1);

	/*
	 * Guest 4 runs and goes (its share's pages are the ones guest 2 had:
	 * none new), then guest 3, made before that, runs for the first time
	 * and writes pages its share never had. Only its code added them.
	 */
	assert_int_equal(sim_vm_created(3), T_OK);
	assert_int_equal(sim_vm_created(4), T_OK);
	harness_first_std_call(0, 4);
	shim_get_stats(&st0);
	assert_int_equal(sim_vm_destroyed(4), T_OK);
	shim_get_stats(&st);
	assert_int_equal(st.blocks_reads - st0.blocks_reads, 1);
	assert_int_equal(st.scrub_scans - st0.scrub_scans, 0);
	harness_first_std_call(0, 3);
	assert_int_equal(virt_set_guest(3), TEE_SUCCESS);
	secret = guest_memalign(4096, 8 * 4096);
	assert_non_null(secret);
	memset(secret, 0x5a, 8 * 4096);
	virt_unset_guest();
	assert_true(core_get_slot_info((uint32_t)core_find_guest_slot(3), &g));
	shim_get_stats(&st0);
	assert_int_equal(sim_vm_destroyed(3), T_OK);
	shim_get_stats(&st);
	assert_int_equal(st.blocks_reads - st0.blocks_reads, 1);
	assert_int_equal(st.scrub_scans - st0.scrub_scans, 1);
	assert_true(secure_zero(g.private_pa, g.heap_size + g.stacks_size +
				g.ta_ram_size));

	/* The same, with a page written from outside (sim_phys_write()). */
	for (id = 5; id <= 6; id++) {
		assert_int_equal(sim_vm_created(id), T_OK);
		harness_first_std_call(0, id);
	}
	share = guest_share(6, &g);
	assert_int_equal(sim_vm_destroyed(5), T_OK);
	resident = sim_machine_resident(&harness_machine, SIM_REGION_TZDRAM);
	assert_int_equal(sim_phys_write(&harness_machine,
					pa_addr(g.private_pa) + share - 1,
					"x", 1), 0);
	/* A page the share never had. */
	assert_int_equal(sim_machine_resident(&harness_machine,
					      SIM_REGION_TZDRAM),
			 resident + 4096);
	shim_get_stats(&st0);
	assert_int_equal(sim_vm_destroyed(6), T_OK);
	shim_get_stats(&st);
	assert_int_equal(st.blocks_reads - st0.blocks_reads, 1);
	assert_int_equal(st.scrub_scans - st0.scrub_scans, 1);
	assert_true(secure_zero(g.private_pa, share));
	harness_stop();
}

/*
 * With protection keys, a guest's fast calls leave its window closed: a
 * guest that makes no other call (a driver's probe) keys no window, and
 * at its death its share, which it could not write, is not scrubbed, and
 * stays zero. Its share's next guest, at its first std call, keys its
 * window, and is scrubbed at its death.
 */
static void test_fast_calls_leave_the_window_closed(void **state)
{
	struct nexsim_config cfg;
	struct core_guest_info g;
	struct shim_stats st0;
	struct shim_stats st;
	size_t share = 0;

	(void)state;
	harness_stop();
	start_scrubbing(&cfg, SHIM_SCRUB_IN_PLACE);
	if (shim_guard_in_use() != SHIM_GUARD_PKEYS) {
		harness_stop();
		return;	/* mprotect opens a window at every activation */
	}
	/* A guest that leaves pages in its share, scrubbed at its death. */
	assert_int_equal(sim_vm_created(1), T_OK);
	harness_first_std_call(0, 1);
	share = guest_share(1, &g);
	assert_int_equal(sim_vm_destroyed(1), T_OK);

	/* The next guest of the share takes a fresh window: no key. */
	shim_get_stats(&st0);
	assert_int_equal(sim_vm_created(2), T_OK);
	assert_int_equal(core_find_guest_slot(2), (int32_t)g.slot);
	assert_int_equal(harness_smc(0, T_GET_THREAD_COUNT, 0, 0, 0, 2, NULL),
			 T_OK);
	assert_int_equal(harness_smc(0, T_EXCHANGE_CAPS, 0, 0, 0, 2, NULL),
			 T_OK);
	assert_int_equal(sim_vm_destroyed(2), T_OK);
	shim_get_stats(&st);
	assert_int_equal(st.prtn_switches - st0.prtn_switches, 2);
	assert_int_equal(st.window_keyings, st0.window_keyings);
	assert_int_equal(st.windows_on_demand, st0.windows_on_demand);
	assert_int_equal(st.pages_zeroed, st0.pages_zeroed);
	assert_int_equal(st.scrub_scans, st0.scrub_scans);
	assert_true(secure_zero(g.private_pa, share));

	/* A std call opens the window: keyed, then scrubbed. */
	shim_get_stats(&st0);
	assert_int_equal(sim_vm_created(3), T_OK);
	assert_int_equal(harness_smc(0, T_GET_THREAD_COUNT, 0, 0, 0, 3, NULL),
			 T_OK);
	harness_first_std_call(0, 3);
	shim_get_stats(&st);
	assert_int_equal(st.window_keyings - st0.window_keyings, 1);
	assert_int_equal(sim_vm_destroyed(3), T_OK);
	shim_get_stats(&st0);
	assert_true(st0.pages_zeroed > st.pages_zeroed);
	assert_true(secure_zero(g.private_pa, share));
	harness_stop();
}

static void write_byte(void *arg)
{
	*(volatile uint8_t *)arg = 0x5a;
}

/*
 * Code of a fast call (played by hand: shim_set_fast_call()) that writes
 * its guest's window, never open before, opens it at the touch, once:
 * the write lands, the next one faults no more, even after a reload of
 * the core's partition, and the share is scrubbed at the guest's death.
 * A touch of another guest's window meanwhile is a violation, and opens
 * nothing.
 */
static void test_a_window_opened_at_a_touch_is_scrubbed(void **state)
{
	struct nexsim_config cfg;
	struct core_guest_info g;
	struct shim_violation v;
	struct shim_stats st0;
	struct shim_stats st;
	uint8_t *heap = NULL;
	void *other = NULL;
	size_t share = 0;
	bool faults[6] = { false };

	(void)state;
	harness_stop();
	start_scrubbing(&cfg, SHIM_SCRUB_IN_PLACE);
	if (shim_guard_in_use() != SHIM_GUARD_PKEYS) {
		harness_stop();
		return;
	}
	other = window_of_new_guest(2);
	heap = window_of_new_guest(1);
	share = guest_share(1, &g);
	shim_get_stats(&st0);
	shim_set_fast_call(0, true);
	assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
	faults[0] = shim_try(read_byte, other, &v);
	shim_get_stats(&st);
	assert_int_equal(st.windows_on_demand, st0.windows_on_demand);
	faults[1] = shim_try(write_byte, heap + 100, &v);
	faults[2] = shim_try(write_byte, heap + 200, &v);
	virt_unset_guest();
	shim_set_fast_call(0, false);
	assert_false(secure_zero(g.private_pa, share));
	assert_int_equal(sim_vm_destroyed(1), T_OK);
	assert_true(secure_zero(g.private_pa, share));

	/*
	 * The share's next guest: the touch first, then a reload. (Every
	 * SMC sets the call's kind and leaves it unset: played again.)
	 */
	heap = window_of_new_guest(3);
	assert_int_equal(core_find_guest_slot(3), (int32_t)g.slot);
	shim_set_fast_call(0, true);
	assert_int_equal(virt_set_guest(3), TEE_SUCCESS);
	faults[3] = shim_try(write_byte, heap + 100, &v);
	faults[4] = shim_try(read_byte, other, &v);
	faults[5] = shim_try(write_byte, heap + 200, &v);
	virt_unset_guest();
	shim_set_fast_call(0, false);
	shim_get_stats(&st);
	assert_true(faults[0]);
	assert_false(faults[1]);
	assert_false(faults[2]);
	assert_false(faults[3]);
	assert_true(faults[4]);
	assert_false(faults[5]);
	assert_int_equal(st.windows_on_demand - st0.windows_on_demand, 2);
	assert_int_equal(st.violations - st0.violations, 2);
	assert_int_equal(sim_vm_destroyed(3), T_OK);
	assert_true(secure_zero(g.private_pa, share));
	assert_int_equal(sim_vm_destroyed(2), T_OK);
	harness_stop();
}

/*
 * Secure RAM written from outside (sim_phys_write()) may land in a live
 * guest's share, whose window its own code never had open (fast calls
 * alone, or none): the share is scrubbed at the guest's death all the
 * same.
 */
static void test_a_share_written_from_outside_is_scrubbed(void **state)
{
	struct nexsim_config cfg;
	struct core_guest_info g;
	size_t share = 0;
	uint16_t id = 0;

	(void)state;
	harness_stop();
	start_scrubbing(&cfg, SHIM_SCRUB_IN_PLACE);
	for (id = 1; id <= 2; id++) {
		assert_int_equal(sim_vm_created(id), T_OK);
		if (id == 1)
			assert_int_equal(harness_smc(0, T_GET_THREAD_COUNT, 0,
						     0, 0, id, NULL), T_OK);
		share = guest_share(id, &g);
		assert_int_equal(sim_phys_write(&harness_machine,
						pa_addr(g.private_pa) + 4096,
						"secret", 6), 0);
		assert_false(secure_zero(g.private_pa, share));
		assert_int_equal(sim_vm_destroyed(id), T_OK);
		assert_true(secure_zero(g.private_pa, share));
	}
	harness_stop();
}

/*
 * In place, the scrub zeroes every page its share held data in, in runs
 * across the words of its bitmap: pages written from outside at the ends
 * of bitmap words and in runs that cross them, then the guest goes.
 */
static void test_scrub_in_place_zeroes_scattered_pages(void **state)
{
	/*
	 * From a word boundary in the middle of the share, where the guest's
	 * first call wrote nothing: a page alone, the next one a word later
	 * but lower in its word, a run across two words, one ending a word.
	 */
	static const size_t pages[] = { 10, 69, 127, 128, 129, 200, 255 };
	struct nexsim_config cfg;
	struct core_guest_info g;
	size_t share = 0;
	size_t base = 0;
	size_t n = 0;

	(void)state;
	harness_stop();
	start_scrubbing(&cfg, SHIM_SCRUB_IN_PLACE);
	for (int round = 0; round < 2; round++) {
		assert_int_equal(sim_vm_created(1), T_OK);
		harness_first_std_call(0, 1);
		share = guest_share(1, &g);
		base = share / 4096 / 2 & ~(size_t)63;
		assert_true(share / 4096 > base + 256);
		assert_true(secure_zero(pa_init(pa_addr(g.private_pa) +
						base * 4096), 256 * 4096));
		/* The second round writes the other end of each page. */
		for (n = 0; n < sizeof(pages) / sizeof(pages[0]); n++)
			assert_int_equal(sim_phys_write(
				&harness_machine,
				pa_addr(g.private_pa) + (base + pages[n]) * 4096 +
					(round ? 4000 : 8), "secret", 6), 0);
		assert_false(secure_zero(g.private_pa, share));
		assert_int_equal(sim_vm_destroyed(1), T_OK);
		assert_true(secure_zero(g.private_pa, share));
	}
	harness_stop();
}

/* Let @skip allocations of a guest through, then fail one. */
struct skip_then_fail {
	unsigned int skip;
	bool armed;
};

static bool skip_then_fail(enum arch_alloc_site site, void *arg)
{
	struct skip_then_fail *f = arg;

	(void)site;
	if (shim_active_guest() < 0 || !f->armed)
		return false;
	if (f->skip) {
		f->skip--;
		return false;
	}
	f->armed = false;
	return true;
}

/*
 * A guest's runtime (TA RAM bookkeeping, then its thread table, in its
 * fresh heap) always fits by the boot's plan; if one of those allocations
 * fails anyway (injected), its first std call fails with ENOMEM and the
 * next one sets the runtime up from scratch.
 */
static void test_failed_runtime_init_is_retried(void **state)
{
	struct nexsim_config cfg;
	struct core_guest_info g;
	struct skip_then_fail f = { 0 };
	unsigned int skip = 0;

	(void)state;
	harness_config(&cfg, "default");
	harness_start(&cfg);
	shim_set_alloc_failer(skip_then_fail, &f);
	/* The bitmaps' allocation fails, then the thread table's. */
	for (skip = 0; skip < 2; skip++) {
		assert_int_equal(sim_vm_created(1), T_OK);
		f.skip = skip;
		f.armed = true;
		assert_int_equal(harness_first_std_call(0, 1), T_ENOMEM);
		assert_false(f.armed);
		assert_true(core_get_slot_info(0, &g));
		assert_false(g.runtime_initialized);
		assert_int_equal(g.threads_busy, 0);
		assert_int_equal(harness_first_std_call(0, 1), T_OK);
		assert_true(core_get_slot_info(0, &g));
		assert_true(g.runtime_initialized);
		assert_int_equal(sim_vm_destroyed(1), T_OK);
	}
	shim_set_alloc_failer(NULL, NULL);
	harness_stop();
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_profile_has_optee_defaults),
		cmocka_unit_test(test_qemu_v8_profile_has_its_memory_map),
		cmocka_unit_test(test_unknown_profile_is_refused),
		cmocka_unit_test(test_sizes_parse_with_units_and_refuse_garbage),
		cmocka_unit_test(test_platforms_the_core_cannot_run_are_refused),
		cmocka_unit_test(test_failed_boots_leave_the_host_mmu_as_it_was),
		cmocka_unit_test(test_every_guest_gets_the_same_share),
		cmocka_unit_test(test_shares_do_not_overlap),
		cmocka_unit_test(test_reset_returns_to_power_on),
		cmocka_unit_test(test_reset_starts_the_window_rings_over),
		cmocka_unit_test(test_window_rings_hold_through_random_resets),
		cmocka_unit_test(test_scrub_release_gives_pages_back),
		cmocka_unit_test(test_scrub_in_place_zeroes_and_keeps_pages),
		cmocka_unit_test(
			test_scrub_in_place_asks_the_memfd_after_guest_code_only),
		cmocka_unit_test(test_scrub_in_place_zeroes_scattered_pages),
		cmocka_unit_test(test_fast_calls_leave_the_window_closed),
		cmocka_unit_test(test_a_window_opened_at_a_touch_is_scrubbed),
		cmocka_unit_test(test_a_share_written_from_outside_is_scrubbed),
		cmocka_unit_test(test_phys_view_guarded_after_unrun_guest),
		cmocka_unit_test(test_failed_runtime_init_is_retried),
	};

	harness_init(argc, argv);
	return HARNESS_RUN("machine", tests, NULL, NULL);
}
