// SPDX-License-Identifier: BSD-2-Clause
/*
 * The deterministic scheduler: vCPUs of several VMs on several cores,
 * interleaved at SMCs and inside the core; a mutex contended through the
 * normal world's wait queues; a VM destroyed while another of its vCPUs
 * is in the middle of a call; and the same seed giving the same run.
 */

#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nexsim/ta_ids.h>
#include <sim/guest.h>
#include <sim/hyp.h>
#include <sim/sched.h>
#include <sim/trace.h>
#include <tee_client_api.h>
#include <tests/harness.h>
#include <tests/rawmsg.h>

static const TEEC_UUID hello = TA_HELLO_WORLD_UUID;
static const TEEC_UUID storage = TA_STORAGE_UUID;

static struct vm *vm_a;
static struct vm *vm_b;

static void clean_up_after_failure(void)
{
	if (sched_active())
		sched_stop();
	if (hyp_ready())
		hyp_fini();
	if (shim_machine_exists())
		harness_stop();
}

static void start(unsigned int cores, uint64_t seed, uint32_t permille)
{
	struct nexsim_config cfg;
	struct sched_params sp = {
		.cores = cores, .seed = seed, .preempt_permille = permille,
	};
	char err[256] = "";

	/* After a failed test (an assert in a vCPU jumps out of it). */
	clean_up_after_failure();
	harness_config(&cfg, "qemu_v8");
	cfg.platform.core_count = cores;
	cfg.platform.thread_count = 4;
	harness_start(&cfg);
	assert_int_equal(hyp_init(&harness_machine, err, sizeof(err)), 0);
	vm_a = hyp_vm_create(2 << 20, err, sizeof(err));
	vm_b = hyp_vm_create(2 << 20, err, sizeof(err));
	assert_non_null(vm_a);
	assert_non_null(vm_b);
	assert_int_equal(sched_start(&sp, err, sizeof(err)), 0);
}

static void stop(void)
{
	sched_stop();
	hyp_fini();
	harness_stop();
}

/* A client program: @count calls of one command on its own session. */
struct client {
	struct vm *vm;
	const TEEC_UUID *uuid;
	uint32_t cmd;
	unsigned int count;
	uint32_t last;			/* value a of the last call */
	unsigned int ok;
	bool *vm_live;			/* stop when it turns false */
};

static uint32_t invoke(struct client *c, TEEC_Session *s)
{
	TEEC_Operation op;
	uint32_t origin = 0;
	uint32_t res = 0;

	memset(&op, 0, sizeof(op));
	if (c->cmd == TA_STORAGE_CMD_COUNT) {
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT,
						 TEEC_VALUE_OUTPUT, TEEC_NONE,
						 TEEC_NONE);
		op.params[0].tmpref.buffer = "counter";
		op.params[0].tmpref.size = 7;
	} else if (c->cmd == TA_STORAGE_CMD_WAIT) {
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE,
						 TEEC_NONE, TEEC_NONE);
		op.params[0].value.a = 1;
	} else {
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE,
						 TEEC_NONE, TEEC_NONE);
		op.params[0].value.a = c->last;
	}
	res = TEEC_InvokeCommand(s, c->cmd, &op, &origin);
	c->last = c->cmd == TA_STORAGE_CMD_COUNT ? op.params[1].value.a :
						   op.params[0].value.a;
	return res;
}

static void client_main(void *arg)
{
	struct client *c = arg;
	TEEC_Context ctx;
	TEEC_Session s;
	uint32_t origin = 0;
	unsigned int n = 0;

	/* The guest OS keeps its VM busy while a call is in progress. */
	c->vm->in_call++;
	guest_select(c->vm);
	assert_int_equal(TEEC_InitializeContext(NULL, &ctx), TEEC_SUCCESS);
	assert_int_equal(TEEC_OpenSession(&ctx, &s, c->uuid, TEEC_LOGIN_PUBLIC,
					  NULL, NULL, &origin), TEEC_SUCCESS);
	c->vm->in_call--;
	for (n = 0; n < c->count; n++) {
		if (c->vm_live && !*c->vm_live)
			return;
		c->vm->in_call++;
		c->ok += invoke(c, &s) == TEEC_SUCCESS;
		c->vm->in_call--;
	}
	c->vm->in_call++;
	TEEC_CloseSession(&s);
	TEEC_FinalizeContext(&ctx);
	c->vm->in_call--;
}

/* Which guest each core runs, and whether two ran different at once. */
static uint16_t core_guest[ARCH_MAX_CORES];
static bool overlap;

static void watch(unsigned int core, uint16_t guest)
{
	unsigned int n = 0;

	core_guest[core] = guest;
	for (n = 0; n < ARCH_MAX_CORES; n++)
		if (n != core && guest && core_guest[n] &&
		    core_guest[n] != guest)
			overlap = true;
}

static void test_two_guests_interleave_on_two_cores(void **state)
{
	struct client a = { .uuid = &hello, .count = 20,
			    .cmd = TA_HELLO_WORLD_CMD_INC_VALUE };
	struct client b = a;
	struct sched_stats st;
	struct shim_stats ss;
	char err[256] = "";

	(void)state;
	start(2, 7, 300);
	a.vm = vm_a;
	b.vm = vm_b;
	memset(core_guest, 0, sizeof(core_guest));
	overlap = false;
	shim_set_switch_hook(watch);
	assert_int_equal(sched_spawn("a.0", client_main, &a), 0);
	assert_int_equal(sched_spawn("b.0", client_main, &b), 0);
	assert_int_equal(sched_run(err, sizeof(err)), 0);
	shim_set_switch_hook(NULL);
	sched_get_stats(&st);
	/* Every call right, each guest counting on its own. */
	assert_int_equal(a.ok, 20);
	assert_int_equal(b.ok, 20);
	assert_int_equal(a.last, 20);
	assert_int_equal(b.last, 20);
	/*
	 * Guest 1 on one core while guest 2 ran on the other: the calls
	 * were inside the secure world together, not one after the other.
	 */
	assert_true(overlap);
	assert_true(st.preemptions > 0);
	assert_true(st.switches > 2);
	shim_get_stats(&ss);
	assert_int_equal(ss.violations, 0);
	stop();
}

static void test_mutex_contention_goes_through_notifications(void **state)
{
	struct client c[2];
	struct core_guest_info info;
	struct sched_stats st;
	char err[256] = "";
	size_t n = 0;

	(void)state;
	start(2, 3, 200);
	for (n = 0; n < 2; n++) {
		memset(&c[n], 0, sizeof(c[n]));
		c[n].vm = vm_a;
		c[n].uuid = &storage;
		c[n].cmd = TA_STORAGE_CMD_COUNT;
		c[n].count = 8;
	}
	assert_int_equal(sched_spawn("a.0", client_main, &c[0]), 0);
	assert_int_equal(sched_spawn("a.1", client_main, &c[1]), 0);
	assert_int_equal(sched_run(err, sizeof(err)), 0);
	/* No increment lost: the object was taken in turns. */
	assert_int_equal(c[0].ok + c[1].ok, 16);
	assert_int_equal(c[0].last > c[1].last ? c[0].last : c[1].last, 16);
	/* Threads slept on the storage mutex and were woken by its holder. */
	assert_true(core_get_slot_info((uint32_t)core_find_guest_slot(1),
				       &info));
	assert_true(info.mutex_contentions > 0);
	assert_int_equal(info.threads_busy, 0);
	sched_get_stats(&st);
	assert_true(st.blocks > 0);
	stop();
}

static bool a_live;
static uint32_t in_flight_at_destroy;

static void destroyer_main(void *arg)
{
	struct client *b = arg;
	struct core_nexus_info nx;

	/* Some calls of VM b first, while VM a's vCPU is busy. */
	client_main(b);
	a_live = false;
	in_flight_at_destroy = vm_a->in_call;
	hyp_vm_destroy(vm_a);
	sched_core_get();
	core_get_nexus_info(&nx);
	sched_core_put();
	assert_int_equal(nx.undrained_destroys, 0);
}

static void test_destroy_waits_for_a_call_in_flight(void **state)
{
	struct client a = { .uuid = &storage, .count = 200,
			    .cmd = TA_STORAGE_CMD_WAIT, .vm_live = &a_live };
	struct client b = { .uuid = &hello, .count = 3,
			    .cmd = TA_HELLO_WORLD_CMD_INC_VALUE };
	struct hyp_stats hs;
	char err[256] = "";

	(void)state;
	start(2, 11, 100);
	a.vm = vm_a;
	b.vm = vm_b;
	a_live = true;
	assert_int_equal(sched_spawn("a.0", client_main, &a), 0);
	assert_int_equal(sched_spawn("hyp", destroyer_main, &b), 0);
	assert_int_equal(sched_run(err, sizeof(err)), 0);
	/* The destroy came while a call of VM a was in progress... */
	assert_int_equal(in_flight_at_destroy, 1);
	/* ...which it let finish: every call of a ended well, then none. */
	assert_true(a.ok > 0 && a.ok < 200);
	assert_int_equal(b.ok, 3);
	assert_int_equal(core_find_guest_slot(1), -1);
	hyp_get_stats(&hs);
	assert_int_equal(hs.pages_pinned, 0);
	assert_int_equal(hs.undrained, 0);
	vm_a = NULL;
	stop();
}

/* ---- the refcount of a guest, with a call running on another core ---- */

struct raw_caller {
	uint32_t guest;
	uint32_t result;	/* a0 of the call */
	uint32_t ret;		/* the message's ret */
	uint32_t fis;		/* foreign interrupts it took */
};

/* An OPEN_SESSION of hello-world from @guest, on the core it is given. */
static void raw_caller_main(void *arg)
{
	static const TEE_UUID uuid = TA_HELLO_WORLD_UUID;
	struct raw_caller *c = arg;
	struct shim_regs r;
	struct raw_arg a;
	uint64_t page = raw_page();

	raw_open(&a, &uuid, 0);
	assert_int_equal(sim_phys_write(&harness_machine, page, &a, sizeof(a)),
			 0);
	shim_smc_args(sched_core_get(), &r, 0x32000004u,
		      (uint32_t)(page >> 32), (uint32_t)page, 0, c->guest);
	/* Interrupted from the normal world: resume it, same thread. */
	while ((uint32_t)r.x[0] == 0xffff0004u) {
		c->fis++;
		sched_core_put();
		sched_point();
		shim_smc_args(sched_core_get(), &r, 0x32000003u, 0, 0,
			      (uint32_t)r.x[3], c->guest);
	}
	c->result = (uint32_t)r.x[0];
	sched_core_put();
	assert_int_equal(sim_phys_read(&harness_machine, page, &a, sizeof(a)),
			 0);
	c->ret = a.hdr.ret;
}

struct destroyer {
	bool seen_running;
	uint32_t dying_while_running;
	int32_t slot_while_running;
	uint32_t std_call_while_dying;
};

static bool core_in_thread(void)
{
	unsigned int n = 0;

	for (n = 0; n < 2; n++)
		if (shim_core_in_thread(n))
			return true;
	return false;
}

static void destroyer_of_running_main(void *arg)
{
	struct destroyer *d = arg;
	struct core_nexus_info nx;
	struct shim_regs r;
	uint64_t page = harness_nsec_page();
	unsigned int n = 0;

	/* Wait until guest 1's call is inside the core, on the other core. */
	for (n = 0; n < 1000 && !core_in_thread(); n++)
		sched_point();
	d->seen_running = core_in_thread();
	if (!d->seen_running)
		return;
	assert_int_equal(sim_vm_destroyed(1), 0);
	/* The debug port, read from a core of our own. */
	sched_core_get();
	core_get_nexus_info(&nx);
	/* Shutting down at once; freed when the running call lets go. */
	d->dying_while_running = nx.guests_dying;
	d->slot_while_running = core_find_guest_slot(1);
	sched_core_put();
	shim_smc_args(sched_core_get(), &r, 0x32000004u,
		      (uint32_t)(page >> 32), (uint32_t)page, 0, 1);
	d->std_call_while_dying = (uint32_t)r.x[0];
	sched_core_put();
}

static void test_destroy_during_a_running_call_frees_at_the_last_reference(
	void **state)
{
	struct raw_caller c = { .guest = 1 };
	struct destroyer d = { 0 };
	struct core_nexus_info nx;
	struct nexsim_config cfg;
	/* Interleaving only: an interrupt would suspend the call (no ref). */
	struct sched_params sp = {
		.cores = 2, .seed = 5, .preempt_permille = 1000,
		.no_interrupts = true,
	};
	char err[256] = "";

	(void)state;
	clean_up_after_failure();
	harness_config(&cfg, "qemu_v8");
	cfg.platform.core_count = 2;
	harness_start(&cfg);
	raw_reset();
	assert_int_equal(sim_vm_created(1), 0);
	assert_int_equal(sched_start(&sp, err, sizeof(err)), 0);
	assert_int_equal(sched_spawn("g1", raw_caller_main, &c), 0);
	assert_int_equal(sched_spawn("hyp", destroyer_of_running_main, &d), 0);
	assert_int_equal(sched_run(err, sizeof(err)), 0);
	assert_true(d.seen_running);
	assert_int_equal(d.dying_while_running, 1);
	/* Its ID is gone at once (a new call cannot find it)... */
	assert_int_equal(d.slot_while_running, -1);
	assert_int_equal(d.std_call_while_dying, 7);	/* ENOTAVAIL */
	/* ...the running call finished in its partition... */
	assert_int_equal(c.fis, 0);
	assert_int_equal(c.result, 0);
	assert_int_equal(c.ret, 0);
	/* ...and its end dropped the last reference: the share is free. */
	core_get_nexus_info(&nx);
	assert_int_equal(nx.guests_dying, 0);
	assert_int_equal(nx.guests_live, 0);
	assert_int_equal(nx.slots_free, nx.guest_count);
	assert_int_equal(nx.undrained_destroys, 0);
	sched_stop();
	harness_stop();
}

/* ---- TEEC_RequestCancellation from another vCPU ---- */

struct waiter {
	TEEC_Session s;
	TEEC_Operation op;
	TEEC_Result res;
	uint32_t origin;
	bool started;
};

static void long_wait_main(void *arg)
{
	struct waiter *w = arg;

	vm_a->in_call++;
	memset(&w->op, 0, sizeof(w->op));
	w->op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE,
					    TEEC_NONE, TEEC_NONE);
	w->op.params[0].value.a = 60000;	/* a minute */
	w->started = true;
	w->res = TEEC_InvokeCommand(&w->s, TA_STORAGE_CMD_WAIT, &w->op,
				    &w->origin);
	vm_a->in_call--;
}

static void canceller_main(void *arg)
{
	struct waiter *w = arg;
	unsigned int n = 0;

	/* Once the wait is in the TEE, waiting on the normal world... */
	for (n = 0; n < 1000 && !med_vm_suspended(vm_a); n++)
		sched_point();
	assert_true(w->started && med_vm_suspended(vm_a));
	/* ...the client asks for it to be cancelled, from another vCPU. */
	vm_a->in_call++;
	TEEC_RequestCancellation(&w->op);
	vm_a->in_call--;
}

static void test_request_cancellation_ends_a_wait_in_flight(void **state)
{
	struct waiter w;
	TEEC_Context ctx;
	char err[256] = "";
	uint64_t t0 = 0;

	(void)state;
	start(2, 21, 0);
	memset(&w, 0, sizeof(w));
	guest_select(vm_a);
	assert_int_equal(TEEC_InitializeContext(NULL, &ctx), TEEC_SUCCESS);
	assert_int_equal(TEEC_OpenSession(&ctx, &w.s, &storage,
					  TEEC_LOGIN_PUBLIC, NULL, NULL, NULL),
			 TEEC_SUCCESS);
	t0 = shim_time_ns();
	assert_int_equal(sched_spawn("a.0", long_wait_main, &w), 0);
	assert_int_equal(sched_spawn("a.1", canceller_main, &w), 0);
	assert_int_equal(sched_run(err, sizeof(err)), 0);
	/* The TA saw its (unmasked) cancellation flag: TEE_Wait said CANCEL. */
	assert_int_equal(w.res, TEEC_ERROR_CANCEL);
	assert_int_equal(w.origin, TEEC_ORIGIN_TRUSTED_APP);
	/* As Linux's msleep, the normal world's sleep ran to its end. */
	assert_true(shim_time_ns() - t0 >= 60000000000ull);
	TEEC_CloseSession(&w.s);
	TEEC_FinalizeContext(&ctx);
	stop();
}

/* ---- a deadlock is reported, and the machine can still be torn down ---- */

static bool never(void *arg)
{
	(void)arg;
	return false;
}

static void stuck_main(void *arg)
{
	struct vm *vm = arg;

	/* In the middle of a client call of its VM, it waits for nothing. */
	vm->in_call++;
	sched_block_until(never, NULL);
	vm->in_call--;
}

static void test_a_deadlock_is_reported_and_the_vm_still_goes(void **state)
{
	char err[256] = "";

	(void)state;
	start(2, 1, 0);
	assert_int_equal(sched_spawn("a.0", stuck_main, vm_a), 0);
	assert_int_equal(sched_spawn("a.1", stuck_main, vm_a), 0);
	assert_int_equal(sched_run(err, sizeof(err)), -1);
	assert_string_equal(err, "deadlock: every vCPU waits (a.0 a.1)");
	sched_stop();
	/* No scheduler to wait with: the destroy goes on, it does not hang. */
	hyp_vm_destroy(vm_a);
	vm_a = NULL;
	assert_int_equal(core_find_guest_slot(1), -1);
	stop();
}

/* One whole run with @seed, its trace kept in @text. */
static void traced_run(uint64_t seed, char **text, size_t *len)
{
	struct client a = { .uuid = &storage, .count = 4,
			    .cmd = TA_STORAGE_CMD_COUNT };
	struct client b = { .uuid = &hello, .count = 6,
			    .cmd = TA_HELLO_WORLD_CMD_INC_VALUE };
	struct client c = a;
	FILE *f = open_memstream(text, len);
	char err[256] = "";

	assert_non_null(f);
	start(3, seed, 250);
	a.vm = vm_a;
	c.vm = vm_a;
	b.vm = vm_b;
	sim_trace_start(f);
	assert_int_equal(sched_spawn("a.0", client_main, &a), 0);
	assert_int_equal(sched_spawn("a.1", client_main, &c), 0);
	assert_int_equal(sched_spawn("b.0", client_main, &b), 0);
	assert_int_equal(sched_run(err, sizeof(err)), 0);
	sim_trace_stop();
	fclose(f);
	assert_int_equal(a.ok + c.ok, 8);
	assert_int_equal(b.ok, 6);
	stop();
}

static void test_same_seed_same_trace(void **state)
{
	char *t[3] = { NULL, NULL, NULL };
	size_t len[3] = { 0, 0, 0 };

	(void)state;
	traced_run(42, &t[0], &len[0]);
	traced_run(42, &t[1], &len[1]);
	traced_run(43, &t[2], &len[2]);
	assert_true(len[0] > 1000);
	/* Byte for byte: every SMC, switch, RPC, preemption, core. */
	assert_int_equal(len[0], len[1]);
	assert_memory_equal(t[0], t[1], len[0]);
	/* Another seed, another interleaving. */
	assert_true(len[0] != len[2] || memcmp(t[0], t[2], len[0]));
	free(t[0]);
	free(t[1]);
	free(t[2]);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_guests_interleave_on_two_cores),
		cmocka_unit_test(test_mutex_contention_goes_through_notifications),
		cmocka_unit_test(test_destroy_waits_for_a_call_in_flight),
		cmocka_unit_test(test_destroy_during_a_running_call_frees_at_the_last_reference),
		cmocka_unit_test(test_request_cancellation_ends_a_wait_in_flight),
		cmocka_unit_test(test_a_deadlock_is_reported_and_the_vm_still_goes),
		cmocka_unit_test(test_same_seed_same_trace),
	};

	harness_init(argc, argv);
	return HARNESS_RUN("sched", tests, NULL, NULL);
}
