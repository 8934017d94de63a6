// SPDX-License-Identifier: BSD-2-Clause
/*
 * Isolation-violation reports: each kind of forbidden touch is provoked on
 * purpose and every field of the report is checked; then what a violation
 * does to a call (END_CALL), to the process (ABORT), and that faults which
 * are not violations still reach the previous SIGSEGV handler.
 */

#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arch/entry.h>
#include <arch/mmu.h>
#include <kernel/virtualization.h>
#include <mm/malloc.h>
#include <tests/child.h>
#include <tests/core_probe.h>
#include <tests/harness.h>
#include <tests/smc_ids.h>

#define OK			0u
#define ENOTAVAIL		7u
#define CALLS_COUNT		0xbf00ff00u

static bool frame_has(const struct shim_violation *v, const char *name)
{
	size_t n = 0;

	for (n = 0; n < v->backtrace_depth; n++)
		if (strstr(v->frames[n], name))
			return true;
	return false;
}

/* A pointer into @guest's heap, allocated by the core in its partition. */
static void *guest_heap_ptr(uint16_t guest)
{
	void *p = NULL;

	assert_int_equal(virt_set_guest(guest), TEE_SUCCESS);
	p = guest_malloc(64);
	virt_unset_guest();
	assert_non_null(p);
	return p;
}

static void read_probe(void *arg)
{
	*(volatile uint32_t *)arg = probe_read_data();
}

static void write_probe(void *arg)
{
	probe_write_bss(*(uint32_t *)arg);
}

static void test_default_partition_read_of_banked_symbol(void **state)
{
	struct shim_violation v;
	uint32_t value = 0;

	(void)state;
	assert_true(shim_try(read_probe, &value, &v));
	assert_int_equal(v.owner, SHIM_OWNER_BANK);
	assert_string_equal(v.symbol, "probe_data");
	assert_int_equal(v.symbol_offset, 0);
	assert_ptr_equal((void *)v.addr, &probe_data);
	assert_int_equal(v.access, SHIM_ACCESS_READ);
	assert_int_equal(v.active_guest, -1);
	assert_int_equal(v.core, 0);
	assert_non_null(strstr(v.location, "probe_read_data+"));
	assert_true(frame_has(&v, "probe_read_data"));
	assert_true(frame_has(&v, "read_probe"));
	assert_int_equal(v.pkey_fault,
			 shim_guard_in_use() == SHIM_GUARD_PKEYS);
}

/*
 * A host scan between inputs (LeakSanitizer's) may read the bank; the
 * next entry into the secure world guards it again, so a default
 * partition read faults as before.
 */
static void test_a_bank_exposed_for_a_scan_is_guarded_again(void **state)
{
	struct shim_violation v;
	struct shim_regs r;
	uint32_t value = 0;
	int n = 0;

	(void)state;
	for (n = 0; n < 2; n++) {
		shim_expose_bank_for_scan();
		/* Readable, not writable: the scan only reads. */
		assert_false(shim_try(read_probe, &value, &v));
		assert_true(shim_try(write_probe, &value, &v));
		shim_smc_args(0, &r, T_CALLS_COUNT, 0, 0, 0, 0);
		assert_true(shim_try(read_probe, &value, &v));
		assert_int_equal(v.owner, SHIM_OWNER_BANK);
		assert_int_equal(v.active_guest, -1);
	}
}


static void test_default_partition_write_of_banked_symbol(void **state)
{
	struct shim_violation v;
	uint32_t value = 5;

	(void)state;
	assert_true(shim_try(write_probe, &value, &v));
	assert_int_equal(v.owner, SHIM_OWNER_BANK);
	assert_string_equal(v.symbol, "probe_bss");
	assert_int_equal(v.access, SHIM_ACCESS_WRITE);
	assert_int_equal(v.active_guest, -1);
	assert_non_null(strstr(v.location, "probe_write_bss+"));
}

static void call_guest_malloc(void *arg)
{
	*(void **)arg = guest_malloc(16);
}

/* The OP-TEE bug class: nexus code using malloc() instead of nex_malloc(). */
static void test_guest_heap_use_outside_a_partition(void **state)
{
	struct shim_violation v;
	void *p = NULL;

	(void)state;
	assert_true(shim_try(call_guest_malloc, &p, &v));
	assert_int_equal(v.owner, SHIM_OWNER_BANK);
	assert_string_equal(v.symbol, "guest_heap");
	assert_int_equal(v.active_guest, -1);
	assert_non_null(strstr(v.location, "malloc_ctx_alloc"));
	assert_true(frame_has(&v, "call_guest_malloc"));
}

struct poke {
	volatile uint8_t *ptr;
	bool write;
};

static void poke(void *arg)
{
	struct poke *p = arg;

	if (p->write)
		*p->ptr = 0x5a;
	else
		(void)*p->ptr;
}

static void test_guest_touching_another_guests_heap(void **state)
{
	struct shim_violation v;
	struct poke pk = { 0 };
	uint8_t *b_heap = NULL;

	(void)state;
	assert_int_equal(sim_vm_created(1), OK);
	assert_int_equal(sim_vm_created(2), OK);
	harness_first_std_call(0, 1);
	harness_first_std_call(0, 2);
	b_heap = guest_heap_ptr(2);

	assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
	pk.ptr = b_heap + 8;
	pk.write = true;
	assert_true(shim_try(poke, &pk, &v));
	/* Recovery leaves the core where it was: guest 1 active. */
	assert_int_equal(virt_get_current_guest_id(), 1);
	virt_unset_guest();

	assert_int_equal(v.owner, SHIM_OWNER_GUEST);
	assert_int_equal(v.owner_guest, 2);
	assert_int_equal(v.active_guest, 1);
	assert_int_equal(v.access, SHIM_ACCESS_WRITE);
	assert_ptr_equal((void *)v.addr, b_heap + 8);
	assert_non_null(strstr(v.location, "poke+"));

	/* The same touch from guest 2 itself is fine. */
	assert_int_equal(virt_set_guest(2), TEE_SUCCESS);
	assert_false(shim_try(poke, &pk, &v));
	assert_int_equal(b_heap[8], 0x5a);
	guest_free(b_heap);
	virt_unset_guest();
	assert_int_equal(sim_vm_destroyed(1), OK);
	assert_int_equal(sim_vm_destroyed(2), OK);
}

static void test_default_partition_touching_guest_memory(void **state)
{
	struct shim_violation v;
	struct poke pk = { 0 };

	(void)state;
	assert_int_equal(sim_vm_created(3), OK);
	harness_first_std_call(0, 3);
	pk.ptr = guest_heap_ptr(3);
	assert_true(shim_try(poke, &pk, &v));
	assert_int_equal(v.owner, SHIM_OWNER_GUEST);
	assert_int_equal(v.owner_guest, 3);
	assert_int_equal(v.active_guest, -1);
	assert_int_equal(v.access, SHIM_ACCESS_READ);
	assert_int_equal(sim_vm_destroyed(3), OK);
}

static void test_stale_pointer_into_a_destroyed_guest(void **state)
{
	struct shim_violation v;
	struct poke pk = { 0 };

	(void)state;
	assert_int_equal(sim_vm_created(1), OK);
	assert_int_equal(sim_vm_created(2), OK);
	harness_first_std_call(0, 2);
	pk.ptr = guest_heap_ptr(2);
	assert_int_equal(sim_vm_destroyed(2), OK);
	/* A new guest takes the freed share: still not at that address. */
	assert_int_equal(sim_vm_created(4), OK);

	assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
	pk.write = true;
	assert_true(shim_try(poke, &pk, &v));
	virt_unset_guest();
	assert_int_equal(v.owner, SHIM_OWNER_DESTROYED_GUEST);
	assert_int_equal(v.owner_guest, 2);
	assert_int_equal(v.active_guest, 1);
	assert_int_equal(v.access, SHIM_ACCESS_WRITE);

	/* Nor while the share's new guest runs, its memory open. */
	harness_first_std_call(0, 4);
	assert_int_equal(virt_set_guest(4), TEE_SUCCESS);
	assert_true(shim_try(poke, &pk, &v));
	virt_unset_guest();
	assert_int_equal(v.owner, SHIM_OWNER_DESTROYED_GUEST);
	assert_int_equal(v.owner_guest, 2);
	assert_int_equal(v.active_guest, 4);
	assert_int_equal(sim_vm_destroyed(1), OK);
	assert_int_equal(sim_vm_destroyed(4), OK);
}

/*
 * A share's guests go round a ring of windows: a pointer into a destroyed
 * guest keeps faulting through the next guests of that share (three here,
 * each new guest running in its partition when the pointer is used).
 */
static void test_stale_pointer_faults_for_the_shares_next_guests(void **state)
{
	struct core_guest_info g;
	struct shim_violation v;
	struct poke pk = { 0 };
	uint32_t slot = 0;
	uint32_t id = 0;

	(void)state;
	assert_int_equal(sim_vm_created(1), OK);
	harness_first_std_call(0, 1);
	for (slot = 0; core_get_slot_info(slot, &g) && g.id != 1; slot++)
		;
	pk.ptr = guest_heap_ptr(1);
	pk.write = true;
	assert_int_equal(sim_vm_destroyed(1), OK);
	for (id = 2; id <= 4; id++) {
		assert_int_equal(sim_vm_created(id), OK);
		/* The freed share is the one handed out again. */
		assert_true(core_get_slot_info(slot, &g));
		assert_int_equal(g.id, id);
		harness_first_std_call(0, id);
		assert_int_equal(virt_set_guest(id), TEE_SUCCESS);
		assert_true(shim_try(poke, &pk, &v));
		virt_unset_guest();
		assert_int_equal(v.owner, SHIM_OWNER_DESTROYED_GUEST);
		assert_int_equal(v.owner_guest, 1);
		assert_int_equal(v.active_guest, (int)id);
		assert_int_equal(sim_vm_destroyed(id), OK);
	}
}

static void test_report_text_names_every_field(void **state)
{
	struct shim_violation v;
	uint32_t value = 9;
	char buf[4096] = "";
	ssize_t n = 0;
	int fd = memfd_create("report", 0);

	(void)state;
	assert_true(fd >= 0);
	assert_true(shim_try(write_probe, &value, &v));
	shim_print_violation(fd, &v);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "ISOLATION VIOLATION: write of banked symbol 'probe_bss'"));
	assert_non_null(strstr(buf, "active partition: default partition (core 0)"));
	assert_non_null(strstr(buf, "at              : probe_write_bss+"));
	assert_non_null(strstr(buf, "#0 0x"));
}

static void test_report_text_is_bounded_with_long_names(void **state)
{
	struct shim_violation v;
	char buf[16384];
	ssize_t n = 0;
	char *line = NULL;
	int fd = memfd_create("report", 0);

	(void)state;
	memset(&v, 0, sizeof(v));
	v.owner = SHIM_OWNER_BANK;
	v.access = SHIM_ACCESS_WRITE;
	v.active_guest = -1;
	memset(v.symbol, 's', sizeof(v.symbol) - 1);
	memset(v.location, 'l', sizeof(v.location) - 1);
	v.backtrace_depth = 1;
	memset(v.frames[0], 'f', sizeof(v.frames[0]) - 1);
	shim_print_violation(fd, &v);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	assert_true(n > 0);
	buf[n] = '\0';
	/* Text only, every line from the report (truncated, never overrun). */
	assert_int_equal(strlen(buf), (size_t)n);
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		assert_int_equal(strncmp(line, "==nexsim==", 10), 0);
}

static unsigned int hook_calls;

static void count_hook(const struct shim_violation *v)
{
	(void)v;
	hook_calls++;
}

static void test_violation_hook_sees_each_violation(void **state)
{
	struct shim_violation v;
	uint32_t value = 0;

	(void)state;
	hook_calls = 0;
	shim_set_violation_hook(count_hook);
	assert_true(shim_try(read_probe, &value, &v));
	assert_true(shim_try(read_probe, &value, &v));
	shim_set_violation_hook(NULL);
	assert_int_equal(hook_calls, 2);
}

static void secure_touch_bank(void *arg)
{
	(void)arg;
	probe_write_bss(1);
}

static void secure_touch_other_guest(void *arg)
{
	volatile uint8_t *p = arg;

	/* Inside the secure world: enter guest 1, touch guest 2's heap. */
	assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
	*p = 1;
}

static void restart_with(enum shim_on_violation mode)
{
	struct nexsim_config cfg;

	harness_stop();
	harness_config(&cfg, "default");
	cfg.on_violation = mode;
	harness_start(&cfg);
}

/* A machine of @count guest slots, otherwise the default. */
static void restart_with_guests(uint32_t count)
{
	struct nexsim_config cfg;

	harness_stop();
	harness_config(&cfg, "default");
	cfg.platform.guest_count = count;
	harness_start(&cfg);
}

/* Guest @id made and run once (its window opened, keyed with pkeys). */
static void make_active_guest(uint32_t id)
{
	assert_int_equal(sim_vm_created(id), OK);
	assert_int_equal(virt_set_guest(id), TEE_SUCCESS);
	virt_unset_guest();
}

/*
 * A destroyed guest's window may keep its protection key while no one
 * holds it; once every key has gone round more guests than there are
 * keys, the stale pointer must still fault from each of them.
 */
static void test_stale_pointer_stays_unreachable_as_keys_move(void **state)
{
	enum { GUESTS = 16 };
	struct shim_violation v;
	struct shim_stats st;
	struct poke pk = { 0 };
	uint32_t g = 0;

	(void)state;
	restart_with_guests(GUESTS);
	assert_int_equal(sim_vm_created(1), OK);
	harness_first_std_call(0, 1);
	pk.ptr = guest_heap_ptr(1);
	pk.write = true;
	assert_int_equal(sim_vm_destroyed(1), OK);

	for (g = 2; g <= GUESTS; g++) {
		assert_int_equal(sim_vm_created(g), OK);
		harness_first_std_call(0, g);
		assert_int_equal(virt_set_guest(g), TEE_SUCCESS);
		assert_true(shim_try(poke, &pk, &v));
		virt_unset_guest();
		assert_int_equal(v.owner, SHIM_OWNER_DESTROYED_GUEST);
		assert_int_equal(v.owner_guest, 1);
		assert_int_equal(v.active_guest, (int)g);
	}
	shim_get_stats(&st);
	if (shim_guard_in_use() == SHIM_GUARD_PKEYS)
		assert_true(st.key_evictions > 0);	/* every key went round */
	for (g = 2; g <= GUESTS; g++)
		assert_int_equal(sim_vm_destroyed(g), OK);
	restart_with(SHIM_VIOLATION_ABORT);
}

/*
 * Four shares with a ring of four windows each: more windows than keys.
 * Guests replaced round-robin, as fuzz inputs and busy hosts do, must not
 * move a key for every new guest: the windows that give keys up are those
 * wanted last. Of K keys, the GUESTS live windows hold GUESTS; the other
 * K - GUESTS stay on as many of the W - GUESTS retired windows, so a new
 * guest's window needs keying at most (W - K) / (W - GUESTS) of the time.
 * (Giving up the key of the window retired longest ago instead keys every
 * one.)
 */
static void test_window_keys_follow_the_ring(void **state)
{
	enum { GUESTS = 4, WINDOWS = 4 * GUESTS, ROUNDS = 16 };
	struct shim_stats st0;
	struct shim_stats st;
	uint32_t id[GUESTS] = { 0 };
	uint32_t next = 1;
	uint32_t keys = 0;
	uint32_t n = 0;
	int round = 0;

	(void)state;
	restart_with_guests(GUESTS);
	keys = shim_window_keys();
	for (round = 0; round < 2 * ROUNDS; round++) {
		if (round == ROUNDS)
			shim_get_stats(&st0);	/* every ring went round */
		for (n = 0; n < GUESTS; n++) {
			if (id[n])
				assert_int_equal(sim_vm_destroyed(id[n]), OK);
			id[n] = next++;
			make_active_guest(id[n]);
		}
	}
	shim_get_stats(&st);
	/* (With no more keys than guests, every new guest keys its window.) */
	if (shim_guard_in_use() == SHIM_GUARD_PKEYS && keys > GUESTS &&
	    keys < WINDOWS) {
		assert_true((st.window_keyings - st0.window_keyings) *
				    (WINDOWS - GUESTS) <=
			    (uint64_t)ROUNDS * GUESTS * (WINDOWS - keys));
	}
	for (n = 0; n < GUESTS; n++)
		assert_int_equal(sim_vm_destroyed(id[n]), OK);
	restart_with(SHIM_VIOLATION_ABORT);
}

/*
 * A fast call that reaches its guest's memory opens the window it left
 * closed (the thread table, in the guest's heap, is what ENABLE_SHM_CACHE
 * and DISABLE_SHM_CACHE read once the guest's runtime is up): the call
 * completes as with the window open, no violation, keying the window if
 * the guest lost its key. A fast call that touches nothing opens nothing.
 */
static void test_a_fast_call_opens_its_window_at_its_touch(void **state)
{
	enum { GUESTS = 16 };
	struct shim_stats st0;
	struct shim_stats st;
	uint32_t keys = 0;
	uint32_t g = 0;

	(void)state;
	restart_with_guests(GUESTS);
	keys = shim_window_keys();
	if (shim_guard_in_use() != SHIM_GUARD_PKEYS || keys >= GUESTS) {
		restart_with(SHIM_VIOLATION_ABORT);
		return;
	}
	/* Guest 1's runtime is up; then as many guests as keys take them. */
	for (g = 1; g <= keys + 1; g++) {
		assert_int_equal(sim_vm_created(g), OK);
		harness_first_std_call(0, g);
	}
	shim_get_stats(&st0);
	assert_int_equal(harness_smc(0, T_GET_THREAD_COUNT, 0, 0, 0, 1, NULL),
			 T_OK);
	shim_get_stats(&st);
	assert_int_equal(st.windows_on_demand, st0.windows_on_demand);
	assert_int_equal(st.window_keyings, st0.window_keyings);

	/* Keyless: the touch keys the window, and the call goes through. */
	assert_int_equal(harness_smc(0, T_ENABLE_SHM_CACHE, 0, 0, 0, 1, NULL),
			 T_OK);
	shim_get_stats(&st);
	assert_int_equal(st.windows_on_demand - st0.windows_on_demand, 1);
	assert_int_equal(st.window_keyings - st0.window_keyings, 1);
	assert_int_equal(st.violations, st0.violations);

	/* Keyed now: the touch opens the key alone. */
	assert_int_equal(harness_smc(0, T_DISABLE_SHM_CACHE, 0, 0, 0, 1, NULL),
			 T_ENOTAVAIL);
	shim_get_stats(&st);
	assert_int_equal(st.windows_on_demand - st0.windows_on_demand, 2);
	assert_int_equal(st.window_keyings - st0.window_keyings, 1);
	assert_int_equal(st.violations, st0.violations);
	for (g = 1; g <= keys + 1; g++)
		assert_int_equal(sim_vm_destroyed(g), OK);
	restart_with(SHIM_VIOLATION_ABORT);
}

/*
 * Fuzz inputs: each makes a guest in every share, replaces some of them
 * (the ring turns, keys move between shares), and ends with a reset. A
 * guest that lives to the end leaves its window a key; after the reset
 * its share's first guest takes that window back rather than the share's
 * lowest one, which another share may have taken the key of: the first
 * guests of an input key no window (given at least a key a share).
 */
static void test_reset_gives_keyed_windows_first(void **state)
{
	enum { GUESTS = 4, INPUTS = 24, CHURN = 6 };
	struct shim_stats st0;
	struct shim_stats st;
	uint32_t id[GUESTS] = { 0 };
	uint32_t next = 1;
	uint32_t rnd = 12345;
	uint64_t churn_keyings = 0;
	bool keyed = false;	/* windows have keys, at least one a share */
	char err[128];
	int input = 0;
	int k = 0;
	uint32_t n = 0;

	(void)state;
	restart_with_guests(GUESTS);
	keyed = shim_guard_in_use() == SHIM_GUARD_PKEYS &&
		shim_window_keys() >= GUESTS;
	for (input = 0; input < INPUTS; input++) {
		shim_get_stats(&st0);
		for (n = 0; n < GUESTS; n++) {
			id[n] = next++;
			make_active_guest(id[n]);
			assert_int_equal(core_find_guest_slot((uint16_t)id[n]),
					 (int32_t)n);
		}
		shim_get_stats(&st);
		/* (The first input's guests key windows never used yet.) */
		if (keyed && input)
			assert_int_equal(st.window_keyings, st0.window_keyings);
		for (k = 0; k < CHURN; k++) {
			rnd = rnd * 1103515245u + 12345u;
			n = (rnd >> 16) % GUESTS;
			assert_int_equal(sim_vm_destroyed(id[n]), OK);
			id[n] = next++;
			make_active_guest(id[n]);
		}
		shim_get_stats(&st0);
		churn_keyings += st0.window_keyings - st.window_keyings;
		assert_int_equal(sim_machine_reset(&harness_machine, err,
						   sizeof(err)), 0);
	}
	/* The replacements did move keys: the case above is not idle. */
	if (keyed)
		assert_true(churn_keyings > 0);
	restart_with(SHIM_VIOLATION_ABORT);
}

static void test_end_call_mode_ends_only_the_faulting_call(void **state)
{
	struct shim_stats st;
	struct core_guest_info info;
	uint8_t *b_heap = NULL;

	(void)state;
	restart_with(SHIM_VIOLATION_END_CALL);

	shim_set_secure_entry_hook(secure_touch_bank, NULL);
	assert_int_equal(harness_smc(0, CALLS_COUNT, 0, 0, 0, 0, NULL),
			 ENOTAVAIL);
	shim_set_secure_entry_hook(NULL, NULL);
	assert_int_equal(harness_smc(0, CALLS_COUNT, 0, 0, 0, 0, NULL), 14);

	/* A call that dies inside a guest's partition gives its reference back. */
	assert_int_equal(sim_vm_created(1), OK);
	assert_int_equal(sim_vm_created(2), OK);
	harness_first_std_call(0, 2);
	b_heap = guest_heap_ptr(2);
	shim_set_secure_entry_hook(secure_touch_other_guest, b_heap);
	assert_int_equal(harness_smc(0, CALLS_COUNT, 0, 0, 0, 0, NULL),
			 ENOTAVAIL);
	shim_set_secure_entry_hook(NULL, NULL);
	assert_int_equal(virt_get_current_guest_id(), 0);
	assert_true(core_get_slot_info((uint32_t)core_find_guest_slot(1), &info));
	assert_int_equal(info.refcount, 1);

	shim_get_stats(&st);
	assert_int_equal(st.violations, 2);
	assert_int_equal(st.aborted_calls, 2);
	assert_int_equal(sim_vm_destroyed(1), OK);
	assert_int_equal(sim_vm_destroyed(2), OK);

	restart_with(SHIM_VIOLATION_ABORT);
}

static void smc_calls_count(void *arg)
{
	*(uint32_t *)arg = harness_smc(0, CALLS_COUNT, 0, 0, 0, 0, NULL);
}

static void secure_try_touch_bank(void *arg)
{
	struct shim_violation *v = arg;

	/* A recovery point inside the secure world: innermost wins. */
	assert_true(shim_try(write_probe, &(uint32_t){ 3 }, v));
}

static void test_recovery_points_nest_innermost_first(void **state)
{
	struct shim_violation v;
	struct shim_violation inner;
	uint32_t a0 = 0;
	uint32_t value = 0;

	(void)state;
	restart_with(SHIM_VIOLATION_END_CALL);

	/* An SMC inside shim_try(): the call's own recovery ends it. */
	shim_set_secure_entry_hook(secure_touch_bank, NULL);
	assert_false(shim_try(smc_calls_count, &a0, &v));
	assert_int_equal(a0, ENOTAVAIL);
	shim_set_secure_entry_hook(NULL, NULL);
	/* Nothing dangles: the next violation reaches the next recovery. */
	assert_true(shim_try(read_probe, &value, &v));
	assert_string_equal(v.symbol, "probe_data");

	/* shim_try() inside an SMC: it catches, the call completes. */
	shim_set_secure_entry_hook(secure_try_touch_bank, &inner);
	assert_int_equal(harness_smc(0, CALLS_COUNT, 0, 0, 0, 0, NULL), 14);
	shim_set_secure_entry_hook(NULL, NULL);
	assert_string_equal(inner.symbol, "probe_bss");

	restart_with(SHIM_VIOLATION_ABORT);
}

static uint64_t nsec_page(unsigned int n)
{
	return pa_addr(harness_machine.cfg.platform.nsec_ddr_base) +
	       (uint64_t)n * 4096;
}

static void test_nonsecure_pages_reach_only_their_guest(void **state)
{
	struct shim_violation v;
	struct poke pk = { 0 };
	paddr_t pages[2] = { pa_init(nsec_page(10)), pa_init(nsec_page(20)) };
	uint8_t *va = NULL;

	(void)state;
	assert_int_equal(sim_vm_created(1), OK);
	assert_int_equal(sim_vm_created(2), OK);
	assert_int_equal(sim_phys_write(&harness_machine, nsec_page(20) + 5,
					"Z", 1), 0);

	assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
	va = arch_nsec_map(pages, 2, false);
	assert_non_null(va);
	assert_int_equal(va[4096 + 5], 'Z');	/* scattered pages, contiguous VA */
	/* Secure memory is never mapped as non-secure. */
	{
		paddr_t sec = harness_machine.cfg.platform.tzdram_base;

		assert_null(arch_nsec_map(&sec, 1, false));
	}
	virt_unset_guest();

	/* Another guest, and the default partition, cannot reach them. */
	pk.ptr = va + 4096 + 5;
	assert_true(shim_try(poke, &pk, &v));
	assert_int_equal(v.owner, SHIM_OWNER_NSEC);
	assert_int_equal(v.owner_guest, 1);
	assert_int_equal(v.active_guest, -1);
	assert_int_equal(virt_set_guest(2), TEE_SUCCESS);
	assert_true(shim_try(poke, &pk, &v));
	virt_unset_guest();
	assert_int_equal(v.owner, SHIM_OWNER_NSEC);
	assert_int_equal(v.active_guest, 2);

	/* Released: even guest 1 faults on the stale pointer. */
	assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
	arch_nsec_unmap(va, false);
	assert_true(shim_try(poke, &pk, &v));
	virt_unset_guest();
	assert_int_equal(v.owner, SHIM_OWNER_NSEC_UNMAPPED);
	assert_int_equal(v.owner_guest, 1);
	assert_int_equal(sim_vm_destroyed(1), OK);
	assert_int_equal(sim_vm_destroyed(2), OK);
}

/* A read of non-secure RAM for the active guest: a copy, no mapping. */
static void test_nonsecure_reads_copy_without_mapping(void **state)
{
	const struct arch_platform *p = &harness_machine.cfg.platform;
	paddr_t end = pa_init(pa_addr(p->nsec_ddr_base) + p->nsec_ddr_size - 8);
	struct shim_stats st0;
	struct shim_stats st;
	uint64_t got[2] = { 0 };

	(void)state;
	assert_int_equal(sim_phys_write(&harness_machine, nsec_page(60) + 8,
					"listpage", 8), 0);
	assert_int_equal(sim_vm_created(1), OK);
	/* Only a guest partition reads non-secure memory. */
	assert_false(arch_nsec_read(pa_init(nsec_page(60)), got, 16));
	shim_get_stats(&st0);
	assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
	assert_true(arch_nsec_read(pa_init(nsec_page(60)), got, 16));
	assert_memory_equal(&got[1], "listpage", 8);
	/* Secure RAM, or past the end of non-secure RAM: refused. */
	assert_false(arch_nsec_read(p->tzdram_base, got, 8));
	assert_false(arch_nsec_read(end, got, 16));
	assert_true(arch_nsec_read(end, got, 8));
	virt_unset_guest();
	shim_get_stats(&st);
	assert_int_equal(st.ns_maps, st0.ns_maps);
	assert_int_equal(st.ns_maps_live, st0.ns_maps_live);
	assert_int_equal(sim_vm_destroyed(1), OK);
}

/*
 * With protection keys, those reads go through the MMU's view of
 * non-secure RAM: the memfd's mapping of its whole size on a key of its
 * own (/proc/self/smaps), which no partition reaches, not even in the
 * middle of the guest's call that just read through it. NULL if there is
 * none (mprotect reads with pread()).
 */
static volatile uint8_t *nsec_view(uint64_t size)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	volatile uint8_t *cand = NULL;
	volatile uint8_t *found = NULL;

	assert_non_null(f);
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned long lo = 0, hi = 0, off = 0;
		int key = 0;

		if (sscanf(line, "%lx-%lx %*s %lx", &lo, &hi, &off) == 3 &&
		    strchr(line, '/')) {
			cand = strstr(line, "memfd:") &&
			       strstr(line, "nsec-ddr") && !off &&
			       hi - lo == size ? (volatile uint8_t *)lo : NULL;
		} else if (cand && sscanf(line, "ProtectionKey: %d", &key) == 1) {
			if (key)
				found = cand;
			cand = NULL;
		}
	}
	fclose(f);
	return found;
}

static void test_nonsecure_read_view_stays_closed(void **state)
{
	const struct arch_platform *p = &harness_machine.cfg.platform;
	volatile uint8_t *view = NULL;
	struct shim_violation v;
	struct poke pk = { 0 };
	uint64_t got = 0;

	(void)state;
	if (shim_guard_in_use() != SHIM_GUARD_PKEYS)
		return;
	view = nsec_view(p->nsec_ddr_size);
	assert_non_null(view);
	assert_int_equal(sim_phys_write(&harness_machine, nsec_page(61) + 16,
					"viewread", 8), 0);
	pk.ptr = view + (nsec_page(61) - pa_addr(p->nsec_ddr_base)) + 16;
	assert_true(shim_try(poke, &pk, &v));
	assert_int_equal(v.owner, SHIM_OWNER_PHYS_MAP);
	assert_string_equal(v.symbol, "non-secure RAM (MMU view)");
	assert_int_equal(sim_vm_created(1), OK);
	assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
	assert_true(shim_try(poke, &pk, &v));
	assert_true(arch_nsec_read(pa_init(nsec_page(61) + 16), &got, 8));
	assert_memory_equal(&got, "viewread", 8);
	/* Closed again at once, for the guest reading. */
	assert_true(shim_try(poke, &pk, &v));
	virt_unset_guest();
	assert_true(shim_try(poke, &pk, &v));
	assert_int_equal(sim_vm_destroyed(1), OK);
}

static void test_mapping_cache_keeps_pages_to_their_guest(void **state)
{
	struct nexsim_config cfg;
	struct shim_violation v;
	struct shim_stats st;
	struct poke pk = { 0 };
	paddr_t page = pa_init(nsec_page(30));
	uint8_t *va = NULL;

	(void)state;
	harness_stop();
	harness_config(&cfg, "default");
	cfg.ns_map_cache = true;
	harness_start(&cfg);
	assert_int_equal(sim_vm_created(1), OK);
	assert_int_equal(sim_vm_created(2), OK);

	assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
	va = arch_nsec_map(&page, 1, true);
	arch_nsec_unmap(va, true);
	/* The same page again: the cached mapping, no new one. */
	assert_ptr_equal(arch_nsec_map(&page, 1, true), va);
	arch_nsec_unmap(va, true);
	virt_unset_guest();
	shim_get_stats(&st);
	assert_int_equal(st.ns_map_cache_hits, 1);

	/* Guest 2 mapping that page gets its own mapping... */
	assert_int_equal(virt_set_guest(2), TEE_SUCCESS);
	{
		uint8_t *own = arch_nsec_map(&page, 1, true);

		assert_ptr_not_equal(own, va);
		/* ...and cannot reach guest 1's cached one. */
		pk.ptr = va;
		assert_true(shim_try(poke, &pk, &v));
		arch_nsec_unmap(own, true);
	}
	virt_unset_guest();
	assert_int_equal(v.owner, SHIM_OWNER_NSEC);
	assert_int_equal(v.owner_guest, 1);
	assert_int_equal(sim_vm_destroyed(1), OK);
	assert_int_equal(sim_vm_destroyed(2), OK);
	/* Its guest dead, the cached page is kept out of everyone's reach. */
	assert_int_equal(sim_vm_created(3), OK);
	assert_int_equal(virt_set_guest(3), TEE_SUCCESS);
	assert_true(shim_try(poke, &pk, &v));
	virt_unset_guest();
	assert_int_equal(v.owner, SHIM_OWNER_NSEC_UNMAPPED);
	assert_int_equal(sim_vm_destroyed(3), OK);
	restart_with(SHIM_VIOLATION_ABORT);
}


/*
 * Strict mode: a released argument page is unreachable from every
 * partition, its guest's included; mapped again by that guest it is
 * reachable. Another guest mapping the same physical page (as the
 * hypervisor's shadow argument pages go from guest to guest) takes the
 * parked mapping over: reachable by it alone while it has it mapped, and
 * by no one once released, until the first guest takes it back.
 */
static void test_released_arg_page_unreachable(void **state)
{
	struct shim_violation v;
	struct poke pk = { 0 };
	paddr_t page = pa_init(nsec_page(31));
	paddr_t other = pa_init(nsec_page(32));
	uint8_t *va = NULL;
	uint8_t *va2 = NULL;
	uint8_t *own = NULL;
	uint8_t *o = NULL;
	int round = 0;

	(void)state;
	assert_int_equal(sim_vm_created(1), OK);
	assert_int_equal(sim_vm_created(2), OK);
	for (round = 0; round < 3; round++) {
		assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
		va = arch_nsec_map(&page, 1, true);
		assert_non_null(va);
		assert_int_equal(va[1], round ? 8 : 0);
		va[1] = 7;			/* reachable while mapped */
		arch_nsec_unmap(va, true);
		pk.ptr = va + 1;
		assert_true(shim_try(poke, &pk, &v));	/* released: faults */
		assert_int_equal(v.owner, SHIM_OWNER_NSEC_UNMAPPED);
		va2 = arch_nsec_map(&page, 1, true);
		assert_ptr_equal(va2, va);
		assert_int_equal(va2[1], 7);
		arch_nsec_unmap(va2, true);
		virt_unset_guest();
		assert_true(shim_try(poke, &pk, &v));	/* default partition */
		assert_int_equal(virt_set_guest(2), TEE_SUCCESS);
		assert_true(shim_try(poke, &pk, &v));	/* other guest, idle */
		o = arch_nsec_map(&other, 1, true);
		assert_non_null(o);
		assert_true(shim_try(poke, &pk, &v));	/* other guest, in a call */
		assert_int_equal(v.owner, SHIM_OWNER_NSEC_UNMAPPED);
		/* Guest 2 maps that page: it takes the parked mapping. */
		own = arch_nsec_map(&page, 1, true);
		assert_ptr_equal(own, va);
		assert_int_equal(own[1], 7);
		own[1] = 8;
		virt_unset_guest();
		/* Guest 2's while mapped: guest 1 and the default faults. */
		assert_true(shim_try(poke, &pk, &v));
		assert_int_equal(v.owner, SHIM_OWNER_NSEC);
		assert_int_equal(v.owner_guest, 2);
		assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
		assert_true(shim_try(poke, &pk, &v));
		assert_int_equal(v.owner, SHIM_OWNER_NSEC);
		assert_int_equal(v.owner_guest, 2);
		virt_unset_guest();
		assert_int_equal(virt_set_guest(2), TEE_SUCCESS);
		arch_nsec_unmap(own, true);
		arch_nsec_unmap(o, true);
		assert_true(shim_try(poke, &pk, &v));	/* its own, released */
		assert_int_equal(v.owner, SHIM_OWNER_NSEC_UNMAPPED);
		virt_unset_guest();
	}
	assert_int_equal(sim_vm_destroyed(1), OK);
	assert_int_equal(sim_vm_destroyed(2), OK);
}

/*
 * A released page that outlived a call (registered memory) is parked, in
 * strict mode and with ns_map_cache alike: its guest faults on it, and
 * mapping that page again, for a call or beyond one, takes it back with no
 * new mapping. Once back beyond a call it is the guest's until released,
 * whatever key it rode before.
 */
static void test_released_registered_page_is_parked_and_reused(void **state)
{
	struct shim_violation v;
	struct shim_stats st0;
	struct shim_stats st;
	struct poke pk = { 0 };
	paddr_t page = pa_init(nsec_page(33));
	uint8_t *va = NULL;
	int cache = 0;

	(void)state;
	for (cache = 0; cache < 2; cache++) {
		struct nexsim_config cfg;

		harness_stop();
		harness_config(&cfg, "default");
		cfg.ns_map_cache = cache;
		harness_start(&cfg);
		assert_int_equal(sim_vm_created(1), OK);
		assert_int_equal(sim_vm_created(2), OK);
		shim_get_stats(&st0);
		assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
		va = arch_nsec_map(&page, 1, false);
		assert_non_null(va);
		va[2] = 0x5a;
		arch_nsec_unmap(va, false);
		pk.ptr = va + 2;
		assert_true(shim_try(poke, &pk, &v));
		assert_int_equal(v.owner, SHIM_OWNER_NSEC_UNMAPPED);
		/* Registered again: the same mapping, contents and all. */
		assert_ptr_equal(arch_nsec_map(&page, 1, false), va);
		assert_int_equal(va[2], 0x5a);
		arch_nsec_unmap(va, false);
		/*
		 * Mapped for a call (released, it stays its guest's with
		 * ns_map_cache only), then beyond one again.
		 */
		assert_ptr_equal(arch_nsec_map(&page, 1, true), va);
		arch_nsec_unmap(va, true);
		assert_true(shim_try(poke, &pk, &v) == !cache);
		assert_ptr_equal(arch_nsec_map(&page, 1, false), va);
		virt_unset_guest();
		shim_get_stats(&st);
		assert_int_equal(st.ns_maps - st0.ns_maps, 1);
		assert_int_equal(st.ns_map_cache_hits - st0.ns_map_cache_hits,
				 3);
		/* Live: guest 2 cannot reach it, guest 1 can, in no call. */
		assert_int_equal(virt_set_guest(2), TEE_SUCCESS);
		assert_true(shim_try(poke, &pk, &v));
		virt_unset_guest();
		assert_int_equal(v.owner, SHIM_OWNER_NSEC);
		assert_int_equal(v.owner_guest, 1);
		assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
		assert_false(shim_try(poke, &pk, &v));
		arch_nsec_unmap(va, false);
		assert_true(shim_try(poke, &pk, &v));
		assert_int_equal(v.owner, SHIM_OWNER_NSEC_UNMAPPED);
		virt_unset_guest();
		assert_int_equal(sim_vm_destroyed(1), OK);
		assert_int_equal(sim_vm_destroyed(2), OK);
	}
	restart_with(SHIM_VIOLATION_ABORT);
}

struct touched_list {
	uint64_t pa[8];
	size_t count;
};

static void note_page(uint64_t pa, void *arg)
{
	struct touched_list *l = arg;

	if (l->count < 8)
		l->pa[l->count] = pa;
	l->count++;
}

/* The pages the secure world mapped are told once each, then forgotten. */
static void test_touched_nonsecure_pages_are_told_once(void **state)
{
	paddr_t two[2] = { pa_init(nsec_page(41)), pa_init(nsec_page(40)) };
	paddr_t one = pa_init(nsec_page(40));
	struct touched_list l = { { 0 }, 0 };
	uint8_t *va = NULL;

	(void)state;
	shim_nsec_take_touched(note_page, &l);	/* what earlier tests left */
	l.count = 0;
	assert_int_equal(sim_vm_created(1), OK);
	assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
	va = arch_nsec_map(two, 2, true);
	assert_non_null(va);
	arch_nsec_unmap(va, true);
	va = arch_nsec_map(&one, 1, false);
	assert_non_null(va);
	arch_nsec_unmap(va, false);
	virt_unset_guest();
	shim_nsec_take_touched(note_page, &l);
	assert_int_equal(l.count, 2);
	assert_int_equal(l.pa[0], nsec_page(40));	/* in address order */
	assert_int_equal(l.pa[1], nsec_page(41));
	l.count = 0;
	shim_nsec_take_touched(note_page, &l);
	assert_int_equal(l.count, 0);
	assert_int_equal(sim_vm_destroyed(1), OK);
}

/*
 * A released call mapping of several pages is parked and known again by
 * its whole page list: the same list maps to it again, any other list
 * (the same pages in another order, one page more) is mapped anew.
 */
static void test_released_page_runs_are_reused_only_for_the_same_list(
	void **state)
{
	struct shim_violation v;
	struct shim_stats st0;
	struct shim_stats st;
	struct poke pk = { 0 };
	paddr_t two[2] = { pa_init(nsec_page(51)), pa_init(nsec_page(50)) };
	paddr_t swapped[2] = { two[1], two[0] };
	paddr_t three[3] = { two[0], two[1], pa_init(nsec_page(52)) };
	uint8_t *va = NULL;
	uint8_t *other = NULL;

	(void)state;
	assert_int_equal(sim_vm_created(1), OK);
	assert_int_equal(sim_vm_created(2), OK);
	shim_get_stats(&st0);
	assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
	va = arch_nsec_map(two, 2, true);
	assert_non_null(va);
	va[4096 + 1] = 0x33;
	arch_nsec_unmap(va, true);
	/* Released: its own guest faults on either page. */
	pk.ptr = va + 4096 + 1;
	assert_true(shim_try(poke, &pk, &v));
	assert_int_equal(v.owner, SHIM_OWNER_NSEC_UNMAPPED);
	pk.ptr = va;
	assert_true(shim_try(poke, &pk, &v));
	/* The same list: the same mapping, contents and all. */
	assert_ptr_equal(arch_nsec_map(two, 2, true), va);
	assert_int_equal(va[4096 + 1], 0x33);
	arch_nsec_unmap(va, true);
	/* Other lists of those pages: mappings of their own. */
	other = arch_nsec_map(swapped, 2, true);
	assert_non_null(other);
	assert_ptr_not_equal(other, va);
	assert_int_equal(other[1], 0x33);
	arch_nsec_unmap(other, true);
	other = arch_nsec_map(three, 3, true);
	assert_non_null(other);
	assert_ptr_not_equal(other, va);
	arch_nsec_unmap(other, true);
	virt_unset_guest();
	shim_get_stats(&st);
	assert_int_equal(st.ns_maps - st0.ns_maps, 3);
	assert_int_equal(st.ns_map_cache_hits - st0.ns_map_cache_hits, 1);
	/* Another guest, even in a call of its own, cannot reach it. */
	assert_int_equal(virt_set_guest(2), TEE_SUCCESS);
	other = arch_nsec_map(&three[2], 1, true);
	pk.ptr = va + 4096 + 1;
	assert_true(shim_try(poke, &pk, &v));
	arch_nsec_unmap(other, true);
	virt_unset_guest();
	assert_int_equal(sim_vm_destroyed(1), OK);
	assert_int_equal(sim_vm_destroyed(2), OK);
}

/*
 * A dead guest's released page is kept parked, out of everyone's reach,
 * until a guest maps that same physical page: it takes the mapping over.
 */
static void test_a_dead_guests_page_passes_to_the_next_to_map_it(void **state)
{
	struct shim_violation v;
	struct shim_stats st0;
	struct shim_stats st;
	struct poke pk = { 0 };
	paddr_t page = pa_init(nsec_page(33));
	paddr_t other = pa_init(nsec_page(34));
	uint8_t *va = NULL;
	uint8_t *o = NULL;

	(void)state;
	assert_int_equal(sim_vm_created(1), OK);
	assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
	va = arch_nsec_map(&page, 1, true);
	assert_non_null(va);
	va[3] = 0x5a;
	arch_nsec_unmap(va, true);
	virt_unset_guest();
	assert_int_equal(sim_vm_destroyed(1), OK);
	shim_get_stats(&st0);

	/* Unowned now: the default partition and any guest fault on it. */
	pk.ptr = va + 3;
	assert_true(shim_try(poke, &pk, &v));
	assert_int_equal(v.owner, SHIM_OWNER_NSEC_UNMAPPED);
	assert_int_equal(v.owner_guest, 1);
	assert_int_equal(sim_vm_created(2), OK);
	assert_int_equal(sim_vm_created(3), OK);
	assert_int_equal(virt_set_guest(3), TEE_SUCCESS);
	assert_true(shim_try(poke, &pk, &v));
	/* Guest 3 in a call (a page of its own mapped) still cannot. */
	o = arch_nsec_map(&other, 1, true);
	assert_non_null(o);
	assert_true(shim_try(poke, &pk, &v));
	assert_int_equal(v.owner, SHIM_OWNER_NSEC_UNMAPPED);
	arch_nsec_unmap(o, true);
	virt_unset_guest();

	/* Guest 2 maps that page: the same mapping, no new one. */
	assert_int_equal(virt_set_guest(2), TEE_SUCCESS);
	assert_ptr_equal(arch_nsec_map(&page, 1, true), va);
	assert_int_equal(va[3], 0x5a);
	virt_unset_guest();
	shim_get_stats(&st);
	assert_int_equal(st.ns_maps_inherited, st0.ns_maps_inherited + 1);
	/* Guest 3's page was its own, new mapping; guest 2's was not. */
	assert_int_equal(st.ns_maps, st0.ns_maps + 1);
	/* It is guest 2's now: guest 3 and the default partition fault. */
	assert_true(shim_try(poke, &pk, &v));
	assert_int_equal(v.owner, SHIM_OWNER_NSEC);
	assert_int_equal(v.owner_guest, 2);
	assert_int_equal(virt_set_guest(3), TEE_SUCCESS);
	assert_true(shim_try(poke, &pk, &v));
	virt_unset_guest();
	assert_int_equal(v.owner_guest, 2);
	assert_int_equal(virt_set_guest(2), TEE_SUCCESS);
	arch_nsec_unmap(va, true);
	virt_unset_guest();
	assert_int_equal(sim_vm_destroyed(2), OK);
	assert_int_equal(sim_vm_destroyed(3), OK);
}

/*
 * A guest that dies with pages still mapped (leaked: its cached RPC
 * argument, say) leaves them to the next guest mapping those same pages,
 * as it does its released ones. From its death on, they are out of
 * everyone's reach, whatever guests come and go and take keys meanwhile:
 * those that had a map key, and those past the map keys, which its window
 * key guarded.
 */
static void test_a_dead_guests_live_pages_pass_to_the_next_to_map_them(
	void **state)
{
	enum { MAX_PAGES = 16, ROUNDS = 12 };
	size_t count = shim_map_keys() + 2;
	uint8_t *va[MAX_PAGES] = { 0 };
	struct shim_violation v;
	struct shim_stats st0;
	struct shim_stats st;
	struct poke pk = { 0 };
	uint32_t g = 0;
	size_t n = 0;

	(void)state;
	assert_true(count <= MAX_PAGES);
	shim_get_stats(&st0);
	assert_int_equal(sim_vm_created(1), OK);
	assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
	for (n = 0; n < count; n++) {
		paddr_t page = pa_init(nsec_page(120 + (unsigned int)n));

		va[n] = arch_nsec_map(&page, 1, n % 2);
		assert_non_null(va[n]);
		va[n][7] = (uint8_t)(0xa0 + n);
	}
	virt_unset_guest();
	assert_int_equal(sim_vm_destroyed(1), OK);
	shim_get_stats(&st);
	assert_int_equal(st.ns_maps_leaked - st0.ns_maps_leaked, count);
	assert_int_equal(st.ns_maps_live, st0.ns_maps_live);
	assert_int_equal(st.ns_maps - st0.ns_maps, count);

	/* Out of reach at once, of the default partition first. */
	for (n = 0; n < count; n++) {
		pk.ptr = va[n] + 7;
		assert_true(shim_try(poke, &pk, &v));
		assert_int_equal(v.owner, SHIM_OWNER_NSEC_UNMAPPED);
		assert_int_equal(v.owner_guest, 1);
	}
	/*
	 * Guests come, run and go, each taking a window key: a key its
	 * window carried (and with it, the pages it guarded) goes round.
	 */
	for (g = 0; g < ROUNDS; g++) {
		uint32_t id = 2 + g % 2;

		assert_int_equal(sim_vm_created(id), OK);
		assert_int_equal(virt_set_guest(id), TEE_SUCCESS);
		for (n = 0; n < count; n++) {
			pk.ptr = va[n] + 7;
			assert_true(shim_try(poke, &pk, &v));
			assert_int_equal(v.owner, SHIM_OWNER_NSEC_UNMAPPED);
		}
		virt_unset_guest();
		assert_int_equal(sim_vm_destroyed(id), OK);
	}

	/* The next to map them takes the same mappings over. */
	shim_get_stats(&st0);
	assert_int_equal(sim_vm_created(1), OK);
	assert_int_equal(sim_vm_created(2), OK);
	assert_int_equal(virt_set_guest(2), TEE_SUCCESS);
	for (n = 0; n < count; n++) {
		paddr_t page = pa_init(nsec_page(120 + (unsigned int)n));

		assert_ptr_equal(arch_nsec_map(&page, 1, true), va[n]);
		assert_int_equal(va[n][7], (uint8_t)(0xa0 + n));
	}
	virt_unset_guest();
	shim_get_stats(&st);
	assert_int_equal(st.ns_maps, st0.ns_maps);
	assert_int_equal(st.ns_maps_inherited - st0.ns_maps_inherited, count);
	/* Guest 2's now: the new guest 1 cannot reach them. */
	assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
	for (n = 0; n < count; n++) {
		pk.ptr = va[n] + 7;
		assert_true(shim_try(poke, &pk, &v));
		assert_int_equal(v.owner, SHIM_OWNER_NSEC);
		assert_int_equal(v.owner_guest, 2);
	}
	virt_unset_guest();
	assert_int_equal(virt_set_guest(2), TEE_SUCCESS);
	for (n = 0; n < count; n++)
		arch_nsec_unmap(va[n], true);
	virt_unset_guest();
	assert_int_equal(sim_vm_destroyed(1), OK);
	assert_int_equal(sim_vm_destroyed(2), OK);
}

/*
 * A leaked mapping of more runs of pages than a released one may be kept
 * with goes at its guest's death: the next guest mapping those pages gets
 * a mapping of its own, and the old range faults as unmapped memory.
 */
static void test_leaked_mappings_past_the_limits_are_unmapped(void **state)
{
	enum { PAGES = 9 };	/* apart: one run each, past CACHE_MAX_RUNS */
	paddr_t pages[PAGES];
	struct shim_violation v;
	struct shim_stats st0;
	struct shim_stats st;
	struct poke pk = { 0 };
	uint8_t *va = NULL;
	uint8_t *again = NULL;
	size_t n = 0;

	(void)state;
	for (n = 0; n < PAGES; n++)
		pages[n] = pa_init(nsec_page(140 + 2 * (unsigned int)n));
	assert_int_equal(sim_vm_created(1), OK);
	assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
	va = arch_nsec_map(pages, PAGES, false);
	assert_non_null(va);
	va[8 * 4096 + 3] = 0x77;
	virt_unset_guest();
	assert_int_equal(sim_vm_destroyed(1), OK);
	pk.ptr = va + 8 * 4096 + 3;
	assert_true(shim_try(poke, &pk, &v));
	assert_int_equal(v.owner, SHIM_OWNER_NSEC_UNMAPPED);

	shim_get_stats(&st0);
	assert_int_equal(sim_vm_created(2), OK);
	assert_int_equal(virt_set_guest(2), TEE_SUCCESS);
	again = arch_nsec_map(pages, PAGES, false);
	assert_non_null(again);
	assert_ptr_not_equal(again, va);
	assert_int_equal(again[8 * 4096 + 3], 0x77);
	arch_nsec_unmap(again, false);
	virt_unset_guest();
	shim_get_stats(&st);
	assert_int_equal(st.ns_maps - st0.ns_maps, 1);
	assert_int_equal(st.ns_maps_inherited, st0.ns_maps_inherited);
	assert_int_equal(sim_vm_destroyed(2), OK);
}

/*
 * Kept mappings hold at most KEPT_RUNS_MAX runs of pages in all (nsmap.c,
 * where the number is): past it, a released mapping is unmapped, not
 * kept, and mapping its pages again makes a new one. One that held a map
 * key gives the key back closed: its guest's PKRU no longer opens it, so
 * when the key goes to another guest's mapping, the first guest cannot
 * reach that mapping.
 */
static void test_a_mapping_released_past_the_kept_limit_closes_its_key(
	void **state)
{
	enum {
		KEPT_RUNS_MAX = 8192,
		RUNS = 8,		/* CACHE_MAX_RUNS: still kept */
		PER_GUEST = 8,		/* CACHE_PER_GUEST */
		FILLERS = KEPT_RUNS_MAX / (RUNS * PER_GUEST),
		FIRST_FILLER = 3,
	};
	struct nexsim_config cfg;
	struct shim_violation v;
	struct shim_stats st0;
	struct shim_stats st;
	struct poke pk = { 0 };
	paddr_t own = pa_init(nsec_page(200));
	paddr_t other = pa_init(nsec_page(202));
	paddr_t run[RUNS];
	uint8_t *va = NULL;
	uint8_t *va_other = NULL;
	uint8_t *again = NULL;
	uint8_t *m = NULL;
	uint32_t g = 0;
	uint32_t k = 0;
	uint32_t r = 0;

	(void)state;
	harness_stop();
	harness_config(&cfg, "default");
	cfg.platform.guest_count = FIRST_FILLER + FILLERS;
	cfg.platform.tzdram_size = 256u << 20;	/* a TA RAM share each */
	nexsim_config_place_nsec_ddr(&cfg);
	harness_start(&cfg);

	/* Guest 1 maps a page, and keeps it live: a map key stays with it. */
	assert_int_equal(sim_vm_created(1), OK);
	assert_int_equal(sim_vm_created(2), OK);
	assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
	va = arch_nsec_map(&own, 1, true);
	assert_non_null(va);
	virt_unset_guest();

	/* Other guests fill the kept runs up to the limit, exactly. */
	for (g = 0; g < FILLERS; g++) {
		uint32_t id = FIRST_FILLER + g;

		assert_int_equal(sim_vm_created(id), OK);
		assert_int_equal(virt_set_guest(id), TEE_SUCCESS);
		for (k = 0; k < PER_GUEST; k++) {
			/* Pages apart: a run each. */
			for (r = 0; r < RUNS; r++)
				run[r] = pa_init(nsec_page(
					1000 + 2 * ((g * PER_GUEST + k) *
						    RUNS + r)));
			m = arch_nsec_map(run, RUNS, false);
			assert_non_null(m);
			arch_nsec_unmap(m, false);
		}
		virt_unset_guest();
	}

	/* Released now, guest 1's mapping is one run too many. */
	assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
	arch_nsec_unmap(va, true);
	virt_unset_guest();
	pk.ptr = va;
	assert_true(shim_try(poke, &pk, &v));
	assert_int_equal(v.owner, SHIM_OWNER_NSEC_UNMAPPED);

	/* Its key, free again, goes to guest 2's next mapping... */
	assert_int_equal(virt_set_guest(2), TEE_SUCCESS);
	va_other = arch_nsec_map(&other, 1, true);
	assert_non_null(va_other);
	va_other[5] = 0x42;
	virt_unset_guest();
	/* ...which guest 1 cannot reach. */
	assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
	pk.ptr = va_other + 5;
	assert_true(shim_try(poke, &pk, &v));
	assert_int_equal(v.owner, SHIM_OWNER_NSEC);
	assert_int_equal(v.owner_guest, 2);
	/* Not kept: mapping the page again makes a new mapping. */
	shim_get_stats(&st0);
	again = arch_nsec_map(&own, 1, true);
	shim_get_stats(&st);
	assert_non_null(again);
	assert_ptr_not_equal(again, va);
	assert_int_equal(st.ns_maps - st0.ns_maps, 1);
	arch_nsec_unmap(again, true);
	virt_unset_guest();
	assert_int_equal(virt_set_guest(2), TEE_SUCCESS);
	arch_nsec_unmap(va_other, true);
	virt_unset_guest();
	for (g = 1; g < FIRST_FILLER + FILLERS; g++)
		assert_int_equal(sim_vm_destroyed(g), OK);
	restart_with(SHIM_VIOLATION_ABORT);
}

/*
 * A guest mapping pages it has no released mapping of takes a dead
 * guest's before a live guest's (which that guest would want back), and a
 * guest with a released mapping of its own takes that one.
 */
static void test_a_dead_guests_mapping_is_taken_before_a_live_ones(
	void **state)
{
	paddr_t page = pa_init(nsec_page(160));
	uint8_t *va1 = NULL;
	uint8_t *va2 = NULL;

	(void)state;
	assert_int_equal(sim_vm_created(1), OK);
	assert_int_equal(sim_vm_created(2), OK);
	assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
	va1 = arch_nsec_map(&page, 1, true);
	virt_unset_guest();
	/* Guest 1 has it live: guest 2 gets a mapping of its own. */
	assert_int_equal(virt_set_guest(2), TEE_SUCCESS);
	va2 = arch_nsec_map(&page, 1, true);
	assert_non_null(va2);
	assert_ptr_not_equal(va2, va1);
	arch_nsec_unmap(va2, true);
	virt_unset_guest();
	/* Guest 1 dies with its mapping live: an orphan. */
	assert_int_equal(sim_vm_destroyed(1), OK);
	assert_int_equal(sim_vm_created(3), OK);
	assert_int_equal(virt_set_guest(3), TEE_SUCCESS);
	assert_ptr_equal(arch_nsec_map(&page, 1, true), va1);
	virt_unset_guest();
	assert_int_equal(virt_set_guest(2), TEE_SUCCESS);
	assert_ptr_equal(arch_nsec_map(&page, 1, true), va2);
	arch_nsec_unmap(va2, true);
	virt_unset_guest();
	assert_int_equal(virt_set_guest(3), TEE_SUCCESS);
	arch_nsec_unmap(va1, true);
	virt_unset_guest();
	assert_int_equal(sim_vm_destroyed(2), OK);
	assert_int_equal(sim_vm_destroyed(3), OK);
}

/* Every address in @va[0..@count) faults from every partition. */
static void assert_all_unreachable(uint8_t *const *va, size_t count,
				   uint32_t guests)
{
	struct shim_violation v;
	struct poke pk = { 0 };
	uint32_t g = 0;
	size_t n = 0;

	for (g = 0; g <= guests; g++) {
		if (g)
			assert_int_equal(virt_set_guest(g), TEE_SUCCESS);
		for (n = 0; n < count; n++) {
			if (!va[n])
				continue;
			pk.ptr = va[n] + 2;
			assert_true(shim_try(poke, &pk, &v));
			assert_int_equal(v.owner, SHIM_OWNER_NSEC_UNMAPPED);
		}
		if (g)
			virt_unset_guest();
	}
}

/*
 * More guests than map keys, round-robin: each guest's argument page is
 * reused (no new mapping after the first round), keeps its contents, and
 * once released is out of reach of everyone, its own guest included.
 */
static void test_reused_arg_pages_stay_strict_round_robin(void **state)
{
	enum { GUESTS = 8, ROUNDS = 4 };
	struct shim_stats st;
	uint8_t *va[GUESTS] = { 0 };
	struct shim_violation v;
	struct poke pk = { 0 };
	uint32_t g = 0;
	uint32_t k = 0;
	int round = 0;

	(void)state;
	restart_with_guests(GUESTS);
	assert_true(shim_map_keys() < GUESTS);
	for (g = 1; g <= GUESTS; g++)
		assert_int_equal(sim_vm_created(g), OK);

	for (round = 0; round < ROUNDS; round++) {
		for (g = 1; g <= GUESTS; g++) {
			paddr_t page = pa_init(nsec_page(40 + g));
			uint8_t *m = NULL;

			assert_int_equal(virt_set_guest(g), TEE_SUCCESS);
			m = arch_nsec_map(&page, 1, true);
			assert_non_null(m);
			if (round) {
				assert_ptr_equal(m, va[g - 1]);
				assert_int_equal(m[2], 10 * g + round - 1);
			}
			m[2] = (uint8_t)(10 * g + round);
			/* While it is live: the others' released pages are not. */
			for (k = 0; k < GUESTS; k++) {
				if (k == g - 1 || !va[k])
					continue;
				pk.ptr = va[k] + 2;
				assert_true(shim_try(poke, &pk, &v));
			}
			arch_nsec_unmap(m, true);
			virt_unset_guest();
			va[g - 1] = m;
			assert_all_unreachable(va, GUESTS, GUESTS);
		}
	}
	shim_get_stats(&st);
	assert_int_equal(st.ns_maps, GUESTS);
	assert_int_equal(st.ns_map_cache_hits, GUESTS * (ROUNDS - 1));
	assert_int_equal(st.ns_maps_live, 0);
	for (g = 1; g <= GUESTS; g++)
		assert_int_equal(sim_vm_destroyed(g), OK);
	restart_with(SHIM_VIOLATION_ABORT);
}

/* Can guest @g (0: the default partition) reach @va? */
static bool reaches(uint32_t g, uint8_t *va)
{
	struct shim_violation v;
	struct poke pk = { va + 9, false };
	bool faulted = false;

	if (g)
		assert_int_equal(virt_set_guest(g), TEE_SUCCESS);
	faulted = shim_try(poke, &pk, &v);
	if (g)
		virt_unset_guest();
	return !faulted;
}

/*
 * A guest's argument page, a temporary buffer and registered memory, all
 * live at once, call after call while another guest makes calls of its
 * own: each is reachable only by its guest while mapped, by no one once
 * released — its guest, in a call with the others mapped, included. With
 * map keys, from the second call on the host changes no protection at
 * all: releasing a page closes its key, mapping it again opens it.
 */
static void test_pages_mapped_again_keep_their_map_keys(void **state)
{
	enum { ROUNDS = 4, MAPS = 3 };
	const size_t count[MAPS] = { 1, 1, 2 };
	const bool per_call[MAPS] = { true, true, false };
	paddr_t pages[MAPS][2] = {
		{ pa_init(nsec_page(70)) },
		{ pa_init(nsec_page(71)) },
		{ pa_init(nsec_page(73)), pa_init(nsec_page(72)) },
	};
	paddr_t other = pa_init(nsec_page(75));
	uint8_t *va[MAPS] = { 0 };
	uint8_t *o = NULL;
	struct shim_stats st0;
	struct shim_stats st;
	int round = 0;
	int n = 0;
	int k = 0;

	(void)state;
	assert_int_equal(sim_vm_created(1), OK);
	assert_int_equal(sim_vm_created(2), OK);
	for (round = 0; round < ROUNDS; round++) {
		if (round == 1)
			shim_get_stats(&st0);
		assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
		for (n = 0; n < MAPS; n++) {
			uint8_t *m = arch_nsec_map(pages[n], count[n],
						   per_call[n]);

			assert_non_null(m);
			if (round)
				assert_ptr_equal(m, va[n]);
			va[n] = m;
			m[9] = (uint8_t)(round * 10 + n);
		}
		virt_unset_guest();
		/* Guest 2 in a call, a page of its own mapped: none of 1's. */
		assert_int_equal(virt_set_guest(2), TEE_SUCCESS);
		o = arch_nsec_map(&other, 1, true);
		assert_non_null(o);
		virt_unset_guest();
		for (n = 0; n < MAPS; n++) {
			assert_true(reaches(1, va[n]));
			assert_false(reaches(2, va[n]));
			assert_false(reaches(0, va[n]));
		}
		assert_true(reaches(2, o));
		assert_false(reaches(1, o));
		/*
		 * Released one by one: out of reach as the others stay live,
		 * at once (the guest still active, before any fault reloads
		 * the host's view) and after.
		 */
		for (n = 0; n < MAPS; n++) {
			struct shim_violation v;
			struct poke pk = { va[n] + 9, false };

			assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
			assert_int_equal(va[n][9], round * 10 + n);
			arch_nsec_unmap(va[n], per_call[n]);
			assert_true(shim_try(poke, &pk, &v));
			virt_unset_guest();
			assert_int_equal(v.owner, SHIM_OWNER_NSEC_UNMAPPED);
			for (k = 0; k < MAPS; k++) {
				assert_true(reaches(1, va[k]) == (k > n));
				assert_false(reaches(2, va[k]));
				assert_false(reaches(0, va[k]));
			}
		}
		assert_int_equal(virt_set_guest(2), TEE_SUCCESS);
		arch_nsec_unmap(o, true);
		virt_unset_guest();
		assert_false(reaches(2, o));
	}
	shim_get_stats(&st);
	assert_int_equal(st.ns_map_cache_hits - st0.ns_map_cache_hits,
			 (ROUNDS - 1) * (MAPS + 1));
	if (shim_map_keys() >= MAPS + 1)
		assert_int_equal(st.ns_prot_changes, st0.ns_prot_changes);
	assert_int_equal(sim_vm_destroyed(1), OK);
	assert_int_equal(sim_vm_destroyed(2), OK);
}

/*
 * More pages than map keys, mapped and released in turn: a key with no
 * live holder goes to the next page that needs one, from the page
 * released longest ago, which is parked; the others keep theirs. Every
 * released page stays out of everyone's reach whatever key it has.
 */
static void test_map_keys_go_to_the_page_released_longest_ago(void **state)
{
	enum { MAX_PAGES = 16 };
	uint32_t keys = shim_map_keys();
	uint32_t pages = keys + 1;
	uint8_t *va[MAX_PAGES] = { 0 };
	struct shim_stats st0;
	struct shim_stats st;
	uint32_t n = 0;
	uint32_t k = 0;

	(void)state;
	/* Page n is guest 1 + n % 2's: no guest keeps more than 8 released. */
	if (!keys)
		pages = 3;
	assert_true(pages <= MAX_PAGES);
	assert_int_equal(sim_vm_created(1), OK);
	assert_int_equal(sim_vm_created(2), OK);
	for (n = 0; n < pages; n++) {
		paddr_t page = pa_init(nsec_page(80 + n));

		assert_int_equal(virt_set_guest(1 + n % 2), TEE_SUCCESS);
		va[n] = arch_nsec_map(&page, 1, true);
		assert_non_null(va[n]);
		va[n][9] = (uint8_t)n;
		arch_nsec_unmap(va[n], true);
		virt_unset_guest();
	}
	for (n = 0; n < pages; n++)
		for (k = 0; k <= 2; k++)
			assert_false(reaches(k, va[n]));
	if (!keys)
		goto out;
	/* Page 0 gave its key to the last page; 1.. and the last keep theirs. */
	shim_get_stats(&st0);
	for (n = pages; n-- > 1;) {
		paddr_t page = pa_init(nsec_page(80 + n));

		assert_int_equal(virt_set_guest(1 + n % 2), TEE_SUCCESS);
		assert_ptr_equal(arch_nsec_map(&page, 1, true), va[n]);
		assert_int_equal(va[n][9], n);
		arch_nsec_unmap(va[n], true);
		virt_unset_guest();
	}
	shim_get_stats(&st);
	assert_int_equal(st.ns_prot_changes, st0.ns_prot_changes);
	/*
	 * Page 0 takes the key of the page released longest ago (the last
	 * page: the loop above went down): that one parked, page 0 tagged.
	 */
	{
		paddr_t page = pa_init(nsec_page(80));

		assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
		assert_ptr_equal(arch_nsec_map(&page, 1, true), va[0]);
		assert_int_equal(va[0][9], 0);
		virt_unset_guest();
		shim_get_stats(&st);
		assert_int_equal(st.ns_prot_changes, st0.ns_prot_changes + 2);
		assert_true(reaches(1, va[0]));
		assert_false(reaches(2, va[0]));
		for (n = 1; n < pages; n++)
			for (k = 0; k <= 2; k++)
				assert_false(reaches(k, va[n]));
		assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
		arch_nsec_unmap(va[0], true);
		virt_unset_guest();
	}
out:
	for (n = 0; n < pages; n++)
		for (k = 0; k <= 2; k++)
			assert_false(reaches(k, va[n]));
	assert_int_equal(sim_vm_destroyed(1), OK);
	assert_int_equal(sim_vm_destroyed(2), OK);
}

/*
 * The protection keys left after the MMU's own go to guest windows, one
 * for each guest the platform holds and one more, and the rest are map
 * keys — at least 2 and at most 8, always leaving windows one; none with
 * ns_map_cache, where nothing is lent.
 */
static void test_keys_split_between_windows_and_mappings(void **state)
{
	const uint32_t counts[] = { 1, 2, 4, 8, 64 };
	struct nexsim_config cfg;
	uint32_t total = 0;
	size_t n = 0;

	(void)state;
	if (shim_guard_in_use() != SHIM_GUARD_PKEYS)
		return;
	for (n = 0; n <= sizeof(counts) / sizeof(counts[0]); n++) {
		bool cache = n == sizeof(counts) / sizeof(counts[0]);
		uint32_t want = 0;

		harness_stop();
		harness_config(&cfg, "default");
		cfg.platform.guest_count = cache ? 4 : counts[n];
		cfg.ns_map_cache = cache;
		harness_start(&cfg);
		if (!total)
			total = shim_map_keys() + shim_window_keys();
		assert_int_equal(shim_map_keys() + shim_window_keys(), total);
		if (!cache) {
			want = total > counts[n] + 1 ? total - counts[n] - 1 : 0;
			want = want < 2 ? 2 : want > 8 ? 8 : want;
			want = want < total ? want : total - 1;
		}
		assert_int_equal(shim_map_keys(), want);
	}
	restart_with(SHIM_VIOLATION_ABORT);
}

static void child_reads_bank(void *arg)
{
	(void)arg;
	(void)probe_read_data();
}

static void test_abort_mode_reports_and_aborts(void **state)
{
	char out[8192];
	int status = 0;

	(void)state;
	status = test_run_child(child_reads_bank, NULL, out, sizeof(out));
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	assert_non_null(strstr(out, "ISOLATION VIOLATION: read of banked symbol 'probe_data'"));
	assert_non_null(strstr(out, "at              : probe_read_data+"));
	assert_non_null(strstr(out, "#1 0x"));
}

static void late_handler(int sig)
{
	static const char msg[] = "late handler got it\n";

	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(43);
	_exit(42);
}

static void child_wild_write(void *arg)
{
	(void)arg;
	volatile int *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct sigaction sa;
	struct sigaction cur;

	/* Installed after the shim's: it must be chained, not replace it. */
	signal(SIGSEGV, late_handler);
	sigaction(SIGSEGV, NULL, &cur);
	if (cur.sa_handler != late_handler)
		_exit(3);
	/* Violations are still caught first. */
	memset(&sa, 0, sizeof(sa));
	if (shim_try(read_probe, &sa, NULL) != true)
		_exit(4);
	/* An unmapped page: a plain crash, not an isolation violation. */
	munmap((void *)p, 4096);
	*p = 1;
}

static void test_other_faults_go_to_the_handler_behind(void **state)
{
	char out[8192];
	int status = 0;

	(void)state;
	status = test_run_child(child_wild_write, NULL, out, sizeof(out));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 42)
		print_message("# child said: %s\n", out);
	assert_null(strstr(out, "ISOLATION VIOLATION"));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 42);
	assert_non_null(strstr(out, "late handler got it"));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_partition_read_of_banked_symbol),
		cmocka_unit_test(test_default_partition_write_of_banked_symbol),
		cmocka_unit_test(test_a_bank_exposed_for_a_scan_is_guarded_again),
		cmocka_unit_test(test_guest_heap_use_outside_a_partition),
		cmocka_unit_test(test_guest_touching_another_guests_heap),
		cmocka_unit_test(test_default_partition_touching_guest_memory),
		cmocka_unit_test(test_stale_pointer_into_a_destroyed_guest),
		cmocka_unit_test(test_stale_pointer_faults_for_the_shares_next_guests),
		cmocka_unit_test(test_stale_pointer_stays_unreachable_as_keys_move),
		cmocka_unit_test(test_window_keys_follow_the_ring),
		cmocka_unit_test(test_a_fast_call_opens_its_window_at_its_touch),
		cmocka_unit_test(test_reset_gives_keyed_windows_first),
		cmocka_unit_test(test_nonsecure_pages_reach_only_their_guest),
		cmocka_unit_test(test_nonsecure_reads_copy_without_mapping),
		cmocka_unit_test(test_nonsecure_read_view_stays_closed),
		cmocka_unit_test(test_mapping_cache_keeps_pages_to_their_guest),
		cmocka_unit_test(test_released_arg_page_unreachable),
		cmocka_unit_test(test_released_page_runs_are_reused_only_for_the_same_list),
		cmocka_unit_test(test_released_registered_page_is_parked_and_reused),
		cmocka_unit_test(test_touched_nonsecure_pages_are_told_once),
		cmocka_unit_test(test_a_dead_guests_page_passes_to_the_next_to_map_it),
		cmocka_unit_test(
			test_a_dead_guests_live_pages_pass_to_the_next_to_map_them),
		cmocka_unit_test(test_leaked_mappings_past_the_limits_are_unmapped),
		cmocka_unit_test(
			test_a_mapping_released_past_the_kept_limit_closes_its_key),
		cmocka_unit_test(
			test_a_dead_guests_mapping_is_taken_before_a_live_ones),
		cmocka_unit_test(test_reused_arg_pages_stay_strict_round_robin),
		cmocka_unit_test(test_pages_mapped_again_keep_their_map_keys),
		cmocka_unit_test(test_map_keys_go_to_the_page_released_longest_ago),
		cmocka_unit_test(test_keys_split_between_windows_and_mappings),
		cmocka_unit_test(test_report_text_names_every_field),
		cmocka_unit_test(test_report_text_is_bounded_with_long_names),
		cmocka_unit_test(test_violation_hook_sees_each_violation),
		cmocka_unit_test(test_end_call_mode_ends_only_the_faulting_call),
		cmocka_unit_test(test_recovery_points_nest_innermost_first),
		cmocka_unit_test(test_abort_mode_reports_and_aborts),
		cmocka_unit_test(test_other_faults_go_to_the_handler_behind),
	};

	harness_init(argc, argv);
	return HARNESS_RUN("isolation", tests, harness_setup_default,
			   harness_teardown);
}
