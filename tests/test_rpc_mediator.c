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
	s = drv_open(vm_b);
	memset(p, 0, sizeof(p));
	p[0].type = DRV_PARAM_VALUE_OUTPUT;
	assert_int_equal(guest_invoke(vm_b, s, TA_STORAGE_CMD_REE_TIME, p,
				      &origin), 0);
	assert_true(vm_b->drv->rpcs >= 3);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mediator_refuses_a_resume_it_does_not_know),
		cmocka_unit_test(test_mediator_shadows_and_pins_the_rpc_argument),
		cmocka_unit_test(test_careless_hypervisor_is_reported),
	};

	harness_init(argc, argv);
	return HARNESS_RUN("rpc_mediator", tests, hyp_setup, hyp_teardown);
}
