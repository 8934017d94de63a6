// SPDX-License-Identifier: BSD-2-Clause
/*
 * RPCs through the hypervisor's mediator: the RPC argument pinned and
 * shadowed, resumes checked against the calls it knows, calls drained
 * before VM_DESTROYED, and what the TEE reports when a hypervisor does not.
 */

#include <stdint.h>
#include <string.h>

#include <nexsim/ta_ids.h>
#include <sim/guest.h>
#include <sim/hyp.h>
#include <sim/optee_abi.h>
#include <tests/harness.h>

static struct vm *vm_a;
static struct vm *vm_b;

static int hyp_setup(void **state)
{
	struct nexsim_config cfg;
	char err[256] = "";

	(void)state;
	harness_config(&cfg, "qemu_v8");
	harness_start(&cfg);
	assert_int_equal(hyp_init(&harness_machine, err, sizeof(err)), 0);
	vm_a = hyp_vm_create(2 << 20, err, sizeof(err));
	vm_b = hyp_vm_create(2 << 20, err, sizeof(err));
	assert_non_null(vm_a);
	assert_non_null(vm_b);
	assert_int_equal(guest_drv_probe(vm_a, err, sizeof(err)), 0);
	assert_int_equal(guest_drv_probe(vm_b, err, sizeof(err)), 0);
	/*
	 * These tests watch a call's RPC argument come and go with it: the
	 * RPC argument cache the driver enabled at probe is turned off.
	 */
	assert_true(guest_drv_disable_shm_cache(vm_a));
	assert_true(guest_drv_disable_shm_cache(vm_b));
	return 0;
}

static int hyp_teardown(void **state)
{
	hyp_fini();
	return harness_teardown(state);
}

/* Open a storage session in @vm through the driver. */
static uint32_t drv_open(struct vm *vm)
{
	static const uint8_t uuid[16] = {
		0x6e, 0x65, 0x78, 0x73, 0x69, 0x6d, 0x53, 0x54,
		0x4f, 0x52, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05 };
	static const uint8_t nobody[16];
	struct drv_param p[4];
	uint32_t origin = 0;
	uint32_t session = 0;

	memset(p, 0, sizeof(p));
	assert_int_equal(guest_open_session(vm, uuid, 0, nobody, p, &session,
					    &origin), 0);
	return session;
}

/*
 * A guest that starts a REE_TIME call and then stops answering: its SMC
 * goes through the hypervisor by hand, without the driver's RPC loop.
 */
static uint32_t start_unanswered(struct vm *vm, uint32_t session,
				 uint64_t regs[8])
{
	struct msg_arg *arg = NULL;
	uint64_t page = guest_pages_alloc(vm, 1);

	assert_int_not_equal(page, 0);
	arg = hyp_ipa_ptr(vm, ipa_init(page));
	arg->cmd = MSG_CMD_INVOKE_COMMAND;
	arg->func = TA_STORAGE_CMD_REE_TIME;
	arg->session = session;
	arg->num_params = 1;
	arg->params[0].attr = MSG_ATTR_TYPE_VALUE_OUTPUT;
	memset(regs, 0, 8 * sizeof(regs[0]));
	regs[0] = SMC_CALL_WITH_ARG;
	regs[1] = page >> 32;
	regs[2] = (uint32_t)page;
	hyp_vm_smc(vm, regs);
	return (uint32_t)regs[0];
}

static void test_mediator_refuses_a_resume_it_does_not_know(void **state)
{
	uint64_t regs[8] = { SMC_RETURN_FROM_RPC, 0, 0, 5 };
	uint64_t before = vm_a->med.eresumes;

	(void)state;
	/* Nothing suspended: ERESUME, and the TEE never sees it. */
	hyp_vm_smc(vm_a, regs);
	assert_int_equal(regs[0], SMC_RET_ERESUME);
	assert_int_equal(vm_a->med.eresumes, before + 1);
}

static void test_mediator_shadows_and_pins_the_rpc_argument(void **state)
{
	struct hyp_stats hs;
	uint64_t regs[8];
	uint64_t again[8];
	uint32_t s = drv_open(vm_a);
	uint64_t pinned = 0;

	(void)state;
	hyp_get_stats(&hs);
	pinned = hs.pages_pinned;
	assert_int_equal(start_unanswered(vm_a, s, regs), SMC_RPC_ALLOC);
	assert_int_equal(med_vm_suspended(vm_a), 1);
	/* A second resume for another thread is the mediator's ERESUME. */
	memset(again, 0, sizeof(again));
	again[0] = SMC_RETURN_FROM_RPC;
	again[3] = regs[3] ^ 1;
	hyp_vm_smc(vm_a, again);
	assert_int_equal(again[0], SMC_RET_ERESUME);

	/* The guest gives a page: pinned, and the TEE gets a shadow. */
	memset(again, 0, sizeof(again));
	again[0] = SMC_RETURN_FROM_RPC;
	again[1] = (HYP_VM_IPA_BASE + 0x100000) >> 32;
	again[2] = (uint32_t)(HYP_VM_IPA_BASE + 0x100000);
	again[3] = regs[3];
	again[5] = 0x77;
	hyp_vm_smc(vm_a, again);
	assert_int_equal(again[0], SMC_RPC_CMD);
	assert_int_equal(again[2], 0x77);	/* the guest's own cookie */
	hyp_get_stats(&hs);
	assert_int_equal(hs.pages_pinned, pinned + 1);
	/* The command arrived in the guest's page, copied from the shadow. */
	assert_int_equal(((struct msg_arg *)hyp_ipa_ptr(vm_a,
			ipa_init(HYP_VM_IPA_BASE + 0x100000)))->cmd,
			 RPC_CMD_GET_TIME);
	/* Destroying the VM now: the hypervisor drains the call first. */
	hyp_vm_destroy(vm_a);
	vm_a = NULL;
	hyp_get_stats(&hs);
	assert_int_equal(hs.pages_pinned, pinned);
	assert_int_equal(hs.undrained, 0);
	{
		struct core_nexus_info nexus;

		core_get_nexus_info(&nexus);
		assert_int_equal(nexus.undrained_destroys, 0);
	}
}

static void test_careless_hypervisor_is_reported(void **state)
{
	struct core_nexus_info nexus;
	struct hyp_stats hs;
	uint64_t regs[8];
	uint32_t s = drv_open(vm_b);
	uint32_t origin = 0;
	struct drv_param p[4];
	char err[128];

	(void)state;
	assert_int_equal(start_unanswered(vm_b, s, regs), SMC_RPC_ALLOC);
	hyp_vm_destroy_undrained(vm_b);
	vm_b = NULL;
	core_get_nexus_info(&nexus);
	assert_int_equal(nexus.undrained_destroys, 1);
	hyp_get_stats(&hs);
	assert_int_equal(hs.pages_pinned, 0);
	/* A new VM works, with the storage TA's RPCs end to end. */
	vm_b = hyp_vm_create(2 << 20, err, sizeof(err));
	assert_non_null(vm_b);
	assert_int_equal(guest_drv_probe(vm_b, err, sizeof(err)), 0);
	assert_true(guest_drv_disable_shm_cache(vm_b));
	s = drv_open(vm_b);
	memset(p, 0, sizeof(p));
	p[0].type = DRV_PARAM_VALUE_OUTPUT;
	assert_int_equal(guest_invoke(vm_b, s, TA_STORAGE_CMD_REE_TIME, p,
				      &origin), 0);
	assert_true(vm_b->drv->rpcs >= 3);
}

/* A new VM whose driver probed the TEE (and enabled the RPC cache). */
static struct vm *probed_vm(void)
{
	char err[128] = "";
	struct vm *vm = hyp_vm_create(2 << 20, err, sizeof(err));

	assert_non_null(vm);
	assert_int_equal(guest_drv_probe(vm, err, sizeof(err)), 0);
	return vm;
}

/* A new VM whose calls each allocate and free their RPC argument. */
static struct vm *fresh_vm(void)
{
	struct vm *vm = probed_vm();

	assert_true(guest_drv_disable_shm_cache(vm));
	return vm;
}

static uint64_t pinned_now(void)
{
	struct hyp_stats hs;

	hyp_get_stats(&hs);
	return hs.pages_pinned;
}

/* RETURN_FROM_RPC for thread @t of @vm with answer a1/a2 (IPA), a4/a5. */
static uint32_t answer(struct vm *vm, uint64_t t, uint64_t ipa, uint64_t cookie,
		       uint64_t regs[8])
{
	memset(regs, 0, 8 * sizeof(regs[0]));
	regs[0] = SMC_RETURN_FROM_RPC;
	regs[1] = ipa >> 32;
	regs[2] = (uint32_t)ipa;
	regs[3] = t;
	regs[4] = cookie >> 32;
	regs[5] = (uint32_t)cookie;
	hyp_vm_smc(vm, regs);
	return (uint32_t)regs[0];
}

static void test_a_cookie_given_twice_is_refused(void **state)
{
	struct vm *vm = fresh_vm();
	uint64_t base = pinned_now();
	uint64_t r1[8];
	uint64_t r2[8];
	uint64_t t1 = 0;
	uint64_t p1 = guest_pages_alloc(vm, 1);
	uint64_t p2 = guest_pages_alloc(vm, 1);
	uint32_t s1 = drv_open(vm);
	uint32_t s2 = drv_open(vm);
	struct msg_arg *rpc = hyp_ipa_ptr(vm, ipa_init(p1));

	(void)state;
	assert_int_equal(start_unanswered(vm, s1, r1), SMC_RPC_ALLOC);
	t1 = r1[3];
	assert_int_equal(answer(vm, t1, p1, 0x77, r1), SMC_RPC_CMD);
	assert_int_equal(pinned_now(), base + 1);
	/* A second RPC argument under the same cookie: no memory for it. */
	assert_int_equal(start_unanswered(vm, s2, r2), SMC_RPC_ALLOC);
	assert_int_equal(answer(vm, r2[3], p2, 0x77, r2), SMC_RET_OK);
	assert_int_equal(pinned_now(), base + 1);
	/* The first call is untouched: its argument is where it was. */
	assert_int_equal(rpc->cmd, RPC_CMD_GET_TIME);
	rpc->params[0].u.value.a = 9;
	rpc->ret = 0;
	assert_int_equal(answer(vm, t1, 0, 0, r1), SMC_RPC_FREE);
	assert_int_equal(answer(vm, t1, 0, 0, r1), SMC_RET_OK);
	assert_int_equal(pinned_now(), base);
	assert_null(vm->med.rpc_list);
	hyp_vm_destroy(vm);
}

static bool interrupt_next(unsigned int core, enum arch_preempt_kind kind,
			   void *arg)
{
	bool *armed = arg;

	(void)kind;
	if (!*armed || !shim_core_in_thread(core))
		return false;
	*armed = false;
	return true;
}

static void test_a_registration_holds_its_slot_while_suspended(void **state)
{
	struct vm *vm = fresh_vm();
	struct drv_shm *shm[MED_MAX_SHM_BUFFERS + 1];
	struct msg_arg *arg = NULL;
	uint64_t regs[8];
	uint64_t page = 0;
	size_t lists = 0;
	uint32_t origin = 0;
	bool armed = true;
	size_t n = 0;

	(void)state;
	for (n = 0; n <= MED_MAX_SHM_BUFFERS; n++) {
		shm[n] = guest_shm_alloc(vm, 4096);
		assert_non_null(shm[n]);
	}
	for (n = 0; n + 1 < MED_MAX_SHM_BUFFERS; n++)
		assert_int_equal(guest_shm_register(vm, shm[n], &origin), 0);
	/* The 16th, by hand; an interrupt suspends it in the TEE. */
	page = guest_pages_alloc(vm, 1);
	arg = hyp_ipa_ptr(vm, ipa_init(page));
	arg->cmd = MSG_CMD_REGISTER_SHM;
	arg->num_params = 1;
	arg->params[0].attr = MSG_ATTR_TYPE_TMEM_OUTPUT | MSG_ATTR_NONCONTIG;
	arg->params[0].u.tmem.buf_ptr = guest_shm_page_list(vm, shm[15],
							    &lists);
	arg->params[0].u.tmem.size = 4096;
	arg->params[0].u.tmem.shm_ref = 0xabc;
	memset(regs, 0, sizeof(regs));
	regs[0] = SMC_CALL_WITH_ARG;
	regs[1] = page >> 32;
	regs[2] = (uint32_t)page;
	shim_set_preempt_hook(interrupt_next, &armed);
	hyp_vm_smc(vm, regs);
	shim_set_preempt_hook(NULL, NULL);
	assert_int_equal(regs[0], SMC_RPC_FOREIGN_INTR);
	/* Meanwhile a 17th: the slot is taken, OUT_OF_MEMORY from COMMS. */
	assert_int_equal(guest_shm_register(vm, shm[16], &origin),
			 MSG_RES_OUT_OF_MEMORY);
	assert_int_equal(origin, MSG_ORIGIN_COMMS);
	/* The 16th completes into its slot, and no further. */
	assert_int_equal(answer(vm, regs[3], 0, 0, regs), SMC_RET_OK);
	assert_int_equal(arg->ret, 0);
	assert_int_equal(vm->med.shm_count, MED_MAX_SHM_BUFFERS);
	assert_int_equal(vm->med.shm_reserved, 0);
	assert_non_null(vm->drv);
	hyp_vm_destroy(vm);
}

static void test_other_fast_calls_never_free_an_rpc_argument(void **state)
{
	struct vm *vm = fresh_vm();
	uint64_t base = pinned_now();
	uint64_t page = guest_pages_alloc(vm, 1);
	uint64_t cookie = (2ull << 32) | 0x77;
	struct msg_arg *rpc = hyp_ipa_ptr(vm, ipa_init(page));
	uint32_t s = drv_open(vm);
	uint64_t regs[8];
	uint64_t r[8];

	(void)state;
	assert_int_equal(start_unanswered(vm, s, r), SMC_RPC_ALLOC);
	assert_int_equal(answer(vm, r[3], page, cookie, r), SMC_RPC_CMD);
	/*
	 * CALLS_REVISION answers a0/a1; GET_THREAD_COUNT is not the
	 * mediator's. a2 stays the guest's either way.
	 */
	memset(regs, 0, sizeof(regs));
	regs[0] = SMC_CALLS_REVISION;
	regs[2] = 0x77;
	hyp_vm_smc(vm, regs);
	assert_int_equal(regs[0], SMC_MSG_REVISION_MAJOR);
	assert_int_equal(regs[1], SMC_MSG_REVISION_MINOR);
	assert_int_equal(regs[2], 0x77);
	memset(regs, 0, sizeof(regs));
	regs[0] = SMC_GET_THREAD_COUNT_ID;
	regs[2] = 0x77;
	hyp_vm_smc(vm, regs);
	assert_int_equal(regs[0], SMC_RET_UNKNOWN_FUNCTION);
	assert_int_equal(regs[1], 0);
	assert_int_equal(regs[2], 0x77);
	/* Only DISABLE_SHM_CACHE gives an RPC argument back. */
	assert_int_equal(pinned_now(), base + 1);
	assert_non_null(vm->med.rpc_list);
	rpc->ret = 0;
	assert_int_equal(answer(vm, r[3], 0, 0, r), SMC_RPC_FREE);
	assert_int_equal(answer(vm, r[3], 0, 0, r), SMC_RET_OK);
	assert_int_equal(pinned_now(), base);
	hyp_vm_destroy(vm);
}

static void test_the_rpc_cache_enabled_before_any_call_holds(void **state)
{
	struct vm *vm = probed_vm();
	uint64_t base = pinned_now();
	struct drv_param p[4];
	uint64_t regs[8];
	uint64_t rpcs = 0;
	uint32_t origin = 0;
	uint32_t s = 0;
	int n = 0;

	(void)state;
	/* As Linux's driver, it enabled the cache at probe. */
	s = drv_open(vm);
	for (n = 0; n < 3; n++) {
		memset(p, 0, sizeof(p));
		p[0].type = DRV_PARAM_VALUE_OUTPUT;
		rpcs = vm->drv->rpcs;
		assert_int_equal(guest_invoke(vm, s, TA_STORAGE_CMD_REE_TIME,
					      p, &origin), 0);
		/*
		 * The first call allocates the RPC argument (ALLOC, then the
		 * GET_TIME command); the others reuse it: one RPC, no FREE.
		 */
		assert_int_equal(vm->drv->rpcs - rpcs, n ? 1 : 2);
		assert_int_equal(pinned_now(), base + 1);
	}
	/* Turned off, as Linux at removal: handed back and unpinned. */
	assert_true(guest_drv_disable_shm_cache(vm));
	assert_int_equal(pinned_now(), base);
	assert_null(vm->med.rpc_list);
	memset(regs, 0, sizeof(regs));
	regs[0] = SMC_DISABLE_SHM_CACHE;
	hyp_vm_smc(vm, regs);
	assert_int_equal(regs[0], SMC_RET_ENOTAVAIL);
	hyp_vm_destroy(vm);
}

/* A storage WRITE left waiting in its first RPC, storage lock held. */
static uint32_t start_unanswered_write(struct vm *vm, uint32_t session,
				       uint64_t regs[8])
{
	uint64_t page = guest_pages_alloc(vm, 1);
	uint64_t data = guest_pages_alloc(vm, 1);
	struct msg_arg *arg = hyp_ipa_ptr(vm, ipa_init(page));
	uint64_t *list = hyp_ipa_ptr(vm, ipa_init(data));
	uint64_t lists = guest_pages_alloc(vm, 1);
	uint64_t *lp = hyp_ipa_ptr(vm, ipa_init(lists));

	/* The ID and the data in one page: "k" at 0, "v" at 8. */
	((char *)list)[0] = 'k';
	((char *)list)[8] = 'v';
	lp[0] = data;
	arg->cmd = MSG_CMD_INVOKE_COMMAND;
	arg->func = TA_STORAGE_CMD_WRITE;
	arg->session = session;
	arg->num_params = 2;
	arg->params[0].attr = MSG_ATTR_TYPE_TMEM_INPUT | MSG_ATTR_NONCONTIG;
	arg->params[0].u.tmem.buf_ptr = lists;
	arg->params[0].u.tmem.size = 1;
	arg->params[1].attr = MSG_ATTR_TYPE_TMEM_INPUT | MSG_ATTR_NONCONTIG;
	arg->params[1].u.tmem.buf_ptr = lists | 8;
	arg->params[1].u.tmem.size = 1;
	memset(regs, 0, 8 * sizeof(regs[0]));
	regs[0] = SMC_CALL_WITH_ARG;
	regs[1] = page >> 32;
	regs[2] = (uint32_t)page;
	hyp_vm_smc(vm, regs);
	return (uint32_t)regs[0];
}

static void test_a_held_storage_lock_never_hangs_the_others(void **state)
{
	struct vm *vm = fresh_vm();
	uint32_t s1 = drv_open(vm);
	uint32_t s2 = drv_open(vm);
	struct drv_param p[4];
	uint64_t regs[8];
	uint32_t origin = 0;

	(void)state;
	/* A write holds the storage lock, waiting for its RPC answer. */
	assert_int_equal(start_unanswered_write(vm, s1, regs), SMC_RPC_ALLOC);
	/* Another session's storage call cannot sleep: not available. */
	memset(p, 0, sizeof(p));
	p[0].type = DRV_PARAM_MEMREF_INPUT;
	p[0].shm = guest_shm_alloc(vm, 16);
	p[0].size = 1;
	assert_non_null(p[0].shm);
	assert_int_equal(guest_shm_register(vm, p[0].shm, &origin), 0);
	p[1].type = DRV_PARAM_MEMREF_OUTPUT;
	p[1].shm = p[0].shm;
	p[1].offs = 8;
	p[1].size = 8;
	assert_int_equal(guest_invoke(vm, s2, TA_STORAGE_CMD_READ, p,
				      &origin), 0xf0100003u);
	/* Its close does not wait for the lock it does not need. */
	assert_int_equal(guest_close_session(vm, s2), 0);
	hyp_vm_destroy(vm);
}

static void test_disabling_the_rpc_cache_unpins_its_buffers(void **state)
{
	struct vm *vm = fresh_vm();
	uint64_t base = pinned_now();
	uint32_t s = drv_open(vm);
	struct drv_param p[4];
	uint64_t regs[8];
	uint32_t origin = 0;
	int round = 0;

	(void)state;
	for (round = 0; round < 3; round++) {
		memset(regs, 0, sizeof(regs));
		regs[0] = SMC_ENABLE_SHM_CACHE;
		hyp_vm_smc(vm, regs);
		assert_int_equal(regs[0], SMC_RET_OK);
		memset(p, 0, sizeof(p));
		p[0].type = DRV_PARAM_VALUE_OUTPUT;
		assert_int_equal(guest_invoke(vm, s, TA_STORAGE_CMD_REE_TIME, p,
					      &origin), 0);
		/* Cached: the RPC argument stays, pinned. */
		assert_int_equal(pinned_now(), base + 1);
		memset(regs, 0, sizeof(regs));
		regs[0] = SMC_DISABLE_SHM_CACHE;
		hyp_vm_smc(vm, regs);
		assert_int_equal(regs[0], SMC_RET_OK);
		/* Given back by the TEE: unpinned, its shadow freed. */
		assert_int_equal(pinned_now(), base);
		assert_null(vm->med.rpc_list);
		memset(regs, 0, sizeof(regs));
		regs[0] = SMC_DISABLE_SHM_CACHE;
		hyp_vm_smc(vm, regs);
		assert_int_equal(regs[0], SMC_RET_ENOTAVAIL);
	}
	hyp_vm_destroy(vm);
}

static void test_drain_finishes_a_holder_and_its_waiter(void **state)
{
	struct core_nexus_info before;
	struct core_nexus_info after;
	struct hyp_stats hs;
	struct vm *vm = fresh_vm();
	uint64_t base = pinned_now();
	uint32_t s = drv_open(vm);
	uint64_t r1[8];
	uint64_t r2[8];
	uint64_t undrained = 0;

	(void)state;
	hyp_get_stats(&hs);
	undrained = hs.undrained;
	core_get_nexus_info(&before);
	/* One call holds the session's instance; one sleeps waiting for it. */
	assert_int_equal(start_unanswered(vm, s, r1), SMC_RPC_ALLOC);
	assert_int_equal(answer(vm, r1[3], guest_pages_alloc(vm, 1), 1, r1),
			 SMC_RPC_CMD);
	assert_int_equal(start_unanswered(vm, s, r2), SMC_RPC_ALLOC);
	assert_int_equal(answer(vm, r2[3], guest_pages_alloc(vm, 1), 2, r2),
			 SMC_RPC_CMD);
	assert_int_equal(med_vm_suspended(vm), 2);
	hyp_vm_destroy(vm);
	hyp_get_stats(&hs);
	core_get_nexus_info(&after);
	assert_int_equal(hs.undrained, undrained);
	assert_int_equal(after.undrained_destroys, before.undrained_destroys);
	assert_int_equal(pinned_now(), base);
}

static void test_a_wait_nobody_can_end_is_busy_not_a_hang(void **state)
{
	struct vm *vm = fresh_vm();
	uint32_t s = drv_open(vm);
	struct drv_param p[4];
	uint64_t regs[8];
	uint32_t origin = 0;

	(void)state;
	/* A call left waiting holds the instance... */
	assert_int_equal(start_unanswered(vm, s, regs), SMC_RPC_ALLOC);
	/* ...and without a scheduler no other vCPU could ever answer it. */
	memset(p, 0, sizeof(p));
	p[0].type = DRV_PARAM_VALUE_OUTPUT;
	assert_int_equal(guest_invoke(vm, s, TA_STORAGE_CMD_REE_TIME, p,
				      &origin), MSG_RES_BUSY);
	assert_int_equal(origin, MSG_ORIGIN_TEE);
	hyp_vm_destroy(vm);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mediator_refuses_a_resume_it_does_not_know),
		cmocka_unit_test(test_mediator_shadows_and_pins_the_rpc_argument),
		cmocka_unit_test(test_careless_hypervisor_is_reported),
		cmocka_unit_test(test_a_cookie_given_twice_is_refused),
		cmocka_unit_test(test_a_registration_holds_its_slot_while_suspended),
		cmocka_unit_test(test_disabling_the_rpc_cache_unpins_its_buffers),
		cmocka_unit_test(test_drain_finishes_a_holder_and_its_waiter),
		cmocka_unit_test(test_a_wait_nobody_can_end_is_busy_not_a_hang),
		cmocka_unit_test(test_other_fast_calls_never_free_an_rpc_argument),
		cmocka_unit_test(test_the_rpc_cache_enabled_before_any_call_holds),
		cmocka_unit_test(test_a_held_storage_lock_never_hangs_the_others),
	};

	harness_init(argc, argv);
	return HARNESS_RUN("rpc_mediator", tests, hyp_setup, hyp_teardown);
}
