// SPDX-License-Identifier: BSD-2-Clause
/*
 * End to end: client code in several VMs, through the GP Client API, the
 * guest driver, the hypervisor and its OP-TEE mediator, the SMC, the nexus
 * and each guest's banked TEE, to the TAs and back. Then what a hostile
 * guest can throw at the mediator.
 */

#include <stdint.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>
#include <signal.h>

#include <nexsim/ta_ids.h>
#include <sim/guest.h>
#include <sim/hyp.h>
#include <sim/optee_abi.h>
#include <tee_client_api.h>
#include <tests/child.h>
#include <tests/harness.h>
#include <tests/smc_ids.h>

/* More of the hypervisor's pages than it keeps spare. */
#define HYP_PAGES_PAST_SPARES	24
#define VMS 4

static struct vm *vms[VMS];

static const TEEC_UUID hello = TA_HELLO_WORLD_UUID;
static const TEEC_UUID kv = TA_KV_STORE_UUID;
static const TEEC_UUID panic_ta = TA_PANIC_UUID;

static int setup(void **state)
{
	struct nexsim_config cfg;
	char err[256] = "";
	size_t n = 0;

	(void)state;
	harness_config(&cfg, "qemu_v8");
	cfg.platform.guest_count = VMS;
	harness_start(&cfg);
	assert_int_equal(hyp_init(&harness_machine, err, sizeof(err)), 0);
	for (n = 0; n < VMS; n++) {
		vms[n] = hyp_vm_create(2 << 20, err, sizeof(err));
		assert_non_null(vms[n]);
	}
	return 0;
}

static int teardown(void **state)
{
	hyp_fini();
	return harness_teardown(state);
}

static void open_ctx(size_t vm, TEEC_Context *ctx)
{
	guest_select(vms[vm]);
	assert_int_equal(TEEC_InitializeContext(NULL, ctx), TEEC_SUCCESS);
}

static void test_hello_world_from_every_vm_interleaved(void **state)
{
	TEEC_Context ctx[VMS];
	TEEC_Session sess[VMS];
	TEEC_Operation op;
	uint32_t origin = 0;
	size_t n = 0;
	int round = 0;

	(void)state;
	for (n = 0; n < VMS; n++) {
		open_ctx(n, &ctx[n]);
		assert_int_equal(TEEC_OpenSession(&ctx[n], &sess[n], &hello,
						  TEEC_LOGIN_PUBLIC, NULL, NULL,
						  &origin), TEEC_SUCCESS);
		assert_int_equal(origin, TEEC_ORIGIN_TRUSTED_APP);
	}
	for (round = 0; round < 5; round++) {
		for (n = 0; n < VMS; n++) {
			memset(&op, 0, sizeof(op));
			op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INOUT,
							 TEEC_NONE, TEEC_NONE,
							 TEEC_NONE);
			op.params[0].value.a = (uint32_t)(100 * n + round);
			assert_int_equal(TEEC_InvokeCommand(&sess[n],
					 TA_HELLO_WORLD_CMD_INC_VALUE, &op,
					 &origin), TEEC_SUCCESS);
			assert_int_equal(op.params[0].value.a,
					 100 * n + round + 1);
			assert_ptr_equal(op.imp.session, &sess[n]);
		}
	}
	for (n = 0; n < VMS; n++) {
		TEEC_CloseSession(&sess[n]);
		TEEC_FinalizeContext(&ctx[n]);
	}
}

static TEEC_Result kv_put(TEEC_Session *s, const char *key, const void *val,
			  size_t len)
{
	TEEC_Operation op;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT,
					 TEEC_MEMREF_TEMP_INPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].tmpref.buffer = (void *)key;
	op.params[0].tmpref.size = strlen(key);
	op.params[1].tmpref.buffer = (void *)val;
	op.params[1].tmpref.size = len;
	return TEEC_InvokeCommand(s, TA_KV_CMD_PUT, &op, NULL);
}

static TEEC_Result kv_get(TEEC_Session *s, const char *key, void *out,
			  size_t *len)
{
	TEEC_Operation op;
	TEEC_Result res = 0;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT,
					 TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].tmpref.buffer = (void *)key;
	op.params[0].tmpref.size = strlen(key);
	op.params[1].tmpref.buffer = out;
	op.params[1].tmpref.size = *len;
	res = TEEC_InvokeCommand(s, TA_KV_CMD_GET, &op, NULL);
	*len = op.params[1].tmpref.size;
	return res;
}

static void test_temporary_memrefs_and_kv_store_per_vm(void **state)
{
	TEEC_Context c0, c1;
	TEEC_Session s0, s1;
	char big[6000];
	char out[8000];
	size_t len = 0;
	size_t n = 0;

	(void)state;
	for (n = 0; n < sizeof(big); n++)
		big[n] = (char)('a' + n % 26);
	open_ctx(0, &c0);
	open_ctx(1, &c1);
	assert_int_equal(TEEC_OpenSession(&c0, &s0, &kv, TEEC_LOGIN_PUBLIC,
					  NULL, NULL, NULL), TEEC_SUCCESS);
	assert_int_equal(TEEC_OpenSession(&c1, &s1, &kv, TEEC_LOGIN_PUBLIC,
					  NULL, NULL, NULL), TEEC_SUCCESS);
	/* A value too big for the TA is refused by the TA. */
	assert_int_equal(kv_put(&s0, "big", big, sizeof(big)),
			 TEEC_ERROR_BAD_PARAMETERS);
	assert_int_equal(kv_put(&s0, "k", big, 4000), TEEC_SUCCESS);
	len = 10;
	assert_int_equal(kv_get(&s0, "k", out, &len), TEEC_ERROR_SHORT_BUFFER);
	assert_int_equal(len, 4000);
	len = sizeof(out);
	assert_int_equal(kv_get(&s0, "k", out, &len), TEEC_SUCCESS);
	assert_int_equal(len, 4000);
	assert_memory_equal(out, big, 4000);
	/* VM 1's store is its own. */
	len = sizeof(out);
	assert_int_equal(kv_get(&s1, "k", out, &len), TEEC_ERROR_ITEM_NOT_FOUND);
	/* MEMREF_NULL: an empty value. */
	assert_int_equal(kv_put(&s1, "empty", NULL, 0), TEEC_SUCCESS);
	len = sizeof(out);
	assert_int_equal(kv_get(&s1, "empty", out, &len), TEEC_SUCCESS);
	assert_int_equal(len, 0);
	TEEC_CloseSession(&s0);
	TEEC_CloseSession(&s1);
	TEEC_FinalizeContext(&c0);
	TEEC_FinalizeContext(&c1);
}

static void test_registered_and_allocated_shared_memory(void **state)
{
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_SharedMemory key;
	TEEC_SharedMemory val;
	TEEC_Operation op;
	char keybuf[16] = "shared-key";

	(void)state;
	open_ctx(2, &ctx);
	assert_int_equal(TEEC_OpenSession(&ctx, &s, &kv, TEEC_LOGIN_PUBLIC,
					  NULL, NULL, NULL), TEEC_SUCCESS);
	memset(&key, 0, sizeof(key));
	key.buffer = keybuf;
	key.size = strlen(keybuf);
	key.flags = TEEC_MEM_INPUT;
	assert_int_equal(TEEC_RegisterSharedMemory(&ctx, &key), TEEC_SUCCESS);
	memset(&val, 0, sizeof(val));
	val.size = 100;
	val.flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT;
	assert_int_equal(TEEC_AllocateSharedMemory(&ctx, &val), TEEC_SUCCESS);
	assert_non_null(val.buffer);
	memcpy(val.buffer, "0123456789", 10);

	/* PUT: the whole key, the first 10 bytes of the value buffer. */
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_WHOLE,
					 TEEC_MEMREF_PARTIAL_INPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].memref.parent = &key;
	op.params[1].memref.parent = &val;
	op.params[1].memref.size = 10;
	assert_int_equal(TEEC_InvokeCommand(&s, TA_KV_CMD_PUT, &op, NULL),
			 TEEC_SUCCESS);

	/* GET into the value buffer at offset 50. */
	memset(val.buffer, 0, 100);
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_WHOLE,
					 TEEC_MEMREF_PARTIAL_OUTPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].memref.parent = &key;
	op.params[1].memref.parent = &val;
	op.params[1].memref.offset = 50;
	op.params[1].memref.size = 50;
	assert_int_equal(TEEC_InvokeCommand(&s, TA_KV_CMD_GET, &op, NULL),
			 TEEC_SUCCESS);
	assert_int_equal(op.params[1].memref.size, 10);
	assert_memory_equal((char *)val.buffer + 50, "0123456789", 10);

	/* A range outside the parent, or a direction it lacks: API errors. */
	{
		uint32_t origin = 0;

		op.params[1].memref.offset = 95;
		op.params[1].memref.size = 10;
		assert_int_equal(TEEC_InvokeCommand(&s, TA_KV_CMD_GET, &op,
						    &origin),
				 TEEC_ERROR_BAD_PARAMETERS);
		assert_int_equal(origin, TEEC_ORIGIN_API);
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_OUTPUT,
						 TEEC_NONE, TEEC_NONE, TEEC_NONE);
		op.params[0].memref.parent = &key;	/* input only */
		assert_int_equal(TEEC_InvokeCommand(&s, TA_KV_CMD_GET, &op,
						    &origin),
				 TEEC_ERROR_BAD_PARAMETERS);
		assert_int_equal(origin, TEEC_ORIGIN_API);
	}
	TEEC_ReleaseSharedMemory(&key);
	TEEC_ReleaseSharedMemory(&val);
	assert_null(val.buffer);
	TEEC_ReleaseSharedMemory(&val);	/* twice: a no-op */
	TEEC_CloseSession(&s);
	TEEC_FinalizeContext(&ctx);
}

static void test_client_api_errors(void **state)
{
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_SharedMemory sm;
	TEEC_Operation op;
	uint32_t origin = 0;
	static const TEEC_UUID nobody = { 1, 2, 3, { 4 } };
	static uint8_t big[64];
	size_t pages_before = 0;

	(void)state;
	assert_int_equal(TEEC_InitializeContext(NULL, NULL),
			 TEEC_ERROR_BAD_PARAMETERS);
	guest_select(vms[0]);
	assert_int_equal(TEEC_InitializeContext("some-other-tee", &ctx),
			 TEEC_ERROR_ITEM_NOT_FOUND);
	assert_int_equal(TEEC_InitializeContext("optee-tz", &ctx), TEEC_SUCCESS);
	assert_int_equal(TEEC_OpenSession(&ctx, &s, &nobody, TEEC_LOGIN_PUBLIC,
					  NULL, NULL, &origin),
			 TEEC_ERROR_ITEM_NOT_FOUND);
	assert_int_equal(origin, TEEC_ORIGIN_TEE);
	assert_int_equal(TEEC_OpenSession(NULL, &s, &hello, TEEC_LOGIN_PUBLIC,
					  NULL, NULL, &origin),
			 TEEC_ERROR_BAD_PARAMETERS);
	assert_int_equal(origin, TEEC_ORIGIN_API);
	assert_int_equal(TEEC_InvokeCommand(NULL, 0, NULL, &origin),
			 TEEC_ERROR_BAD_PARAMETERS);
	assert_int_equal(TEEC_OpenSession(&ctx, &s, &hello,
					  TEEC_LOGIN_APPLICATION, NULL, NULL,
					  &origin), TEEC_ERROR_BAD_PARAMETERS);
	assert_int_equal(origin, TEEC_ORIGIN_COMMS);

	assert_int_equal(TEEC_OpenSession(&ctx, &s, &hello, TEEC_LOGIN_PUBLIC,
					  NULL, NULL, NULL), TEEC_SUCCESS);
	pages_before = guest_pages_in_use(vms[0]);
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(4, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	assert_int_equal(TEEC_InvokeCommand(&s, 0, &op, &origin),
			 TEEC_ERROR_BAD_PARAMETERS);
	assert_int_equal(origin, TEEC_ORIGIN_API);
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_NONE,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.size = 4;	/* NULL buffer with a size */
	assert_int_equal(TEEC_InvokeCommand(&s, 0, &op, &origin),
			 TEEC_ERROR_BAD_PARAMETERS);
	assert_int_equal(origin, TEEC_ORIGIN_API);
	/* The TA refuses params it does not take. */
	op.paramTypes = 0;
	assert_int_equal(TEEC_InvokeCommand(&s, 0, &op, &origin),
			 TEEC_ERROR_BAD_PARAMETERS);
	assert_int_equal(origin, TEEC_ORIGIN_TRUSTED_APP);

	memset(&sm, 0, sizeof(sm));
	sm.size = 8;
	assert_int_equal(TEEC_AllocateSharedMemory(&ctx, &sm),
			 TEEC_ERROR_BAD_PARAMETERS);	/* no flags */
	sm.flags = 0x4;
	assert_int_equal(TEEC_AllocateSharedMemory(&ctx, &sm),
			 TEEC_ERROR_BAD_PARAMETERS);
	sm.flags = TEEC_MEM_INPUT;
	assert_int_equal(TEEC_RegisterSharedMemory(&ctx, &sm),
			 TEEC_ERROR_BAD_PARAMETERS);	/* no buffer */
	/* Sizes past the VM's RAM (SIZE_MAX must not round to 0 pages). */
	sm.buffer = big;
	sm.size = SIZE_MAX;
	assert_int_equal(TEEC_RegisterSharedMemory(&ctx, &sm),
			 TEEC_ERROR_OUT_OF_MEMORY);
	sm.size = SIZE_MAX - 4095;
	assert_int_equal(TEEC_RegisterSharedMemory(&ctx, &sm),
			 TEEC_ERROR_OUT_OF_MEMORY);
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_NONE,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = big;
	op.params[0].tmpref.size = SIZE_MAX;
	assert_int_equal(TEEC_InvokeCommand(&s, 0, &op, &origin),
			 TEEC_ERROR_OUT_OF_MEMORY);
	assert_int_equal(guest_pages_in_use(vms[0]), pages_before);
	TEEC_CloseSession(&s);
	TEEC_FinalizeContext(&ctx);
}

static void test_panic_through_the_whole_path(void **state)
{
	TEEC_Context ctx;
	TEEC_Session doomed, other;
	TEEC_Operation op;
	uint32_t origin = 0;

	(void)state;
	open_ctx(3, &ctx);
	assert_int_equal(TEEC_OpenSession(&ctx, &doomed, &panic_ta,
					  TEEC_LOGIN_PUBLIC, NULL, NULL, NULL),
			 TEEC_SUCCESS);
	assert_int_equal(TEEC_OpenSession(&ctx, &other, &panic_ta,
					  TEEC_LOGIN_PUBLIC, NULL, NULL, NULL),
			 TEEC_SUCCESS);
	assert_int_equal(TEEC_InvokeCommand(&doomed, TA_PANIC_CMD_PANIC, NULL,
					    &origin), TEEC_ERROR_TARGET_DEAD);
	assert_int_equal(origin, TEEC_ORIGIN_TEE);
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE,
					 TEEC_NONE, TEEC_NONE);
	assert_int_equal(TEEC_InvokeCommand(&doomed, TA_PANIC_CMD_PING, &op,
					    &origin), TEEC_ERROR_TARGET_DEAD);
	assert_int_equal(TEEC_InvokeCommand(&other, TA_PANIC_CMD_PING, &op,
					    &origin), TEEC_SUCCESS);
	assert_int_equal(op.params[0].value.a, 1);
	TEEC_CloseSession(&doomed);
	TEEC_CloseSession(&other);
	TEEC_FinalizeContext(&ctx);
}

/* ---- a hostile guest, straight at the mediator ---- */

struct guest_call {
	uint64_t ipa;
	struct msg_arg arg;
};

static uint64_t raw_guest_call(struct vm *vm, struct guest_call *g)
{
	uint64_t regs[8] = { SMC_CALL_WITH_ARG, g->ipa >> 32, (uint32_t)g->ipa };

	assert_int_equal(hyp_vm_write(vm, ipa_init(g->ipa), &g->arg,
				      sizeof(g->arg)), 0);
	hyp_vm_smc(vm, regs);
	assert_int_equal(hyp_vm_read(vm, ipa_init(g->ipa), &g->arg,
				     sizeof(g->arg)), 0);
	return regs[0];
}

static void init_call(struct vm *vm, struct guest_call *g, uint32_t cmd,
		      uint32_t num_params)
{
	memset(g, 0, sizeof(*g));
	g->ipa = guest_pages_alloc(vm, 1);
	assert_int_not_equal(g->ipa, 0);
	g->arg.cmd = cmd;
	g->arg.num_params = num_params;
}

static void test_mediator_refuses_bad_arguments(void **state)
{
	struct vm *vm = vms[0];
	struct guest_call g;
	uint64_t regs[8] = { 0 };
	char err[128];

	(void)state;
	assert_int_equal(guest_drv_probe(vm, err, sizeof(err)), 0);
	/* Not page aligned; not the guest's RAM. */
	regs[0] = SMC_CALL_WITH_ARG;
	regs[2] = (uint32_t)HYP_VM_IPA_BASE + 8;
	hyp_vm_smc(vm, regs);
	assert_int_equal(regs[0], SMC_RET_EBADADDR);
	regs[0] = SMC_CALL_WITH_ARG;
	regs[1] = 1;
	regs[2] = 0;
	hyp_vm_smc(vm, regs);
	assert_int_equal(regs[0], SMC_RET_EBADADDR);
	/* Only cmds 0..5 pass. */
	init_call(vm, &g, 6, 0);
	assert_int_equal(raw_guest_call(vm, &g), SMC_RET_EBADCMD);
	guest_pages_free(vm, g.ipa, 1);
	/* A contiguous tmem: refused by the mediator, a0 OK. */
	init_call(vm, &g, MSG_CMD_INVOKE_COMMAND, 1);
	g.arg.params[0].attr = MSG_ATTR_TYPE_TMEM_INPUT;
	g.arg.params[0].u.tmem.buf_ptr = g.ipa;
	g.arg.params[0].u.tmem.size = 16;
	assert_int_equal(raw_guest_call(vm, &g), SMC_RET_OK);
	assert_int_equal(g.arg.ret, MSG_RES_BAD_PARAMETERS);
	assert_int_equal(g.arg.ret_origin, MSG_ORIGIN_COMMS);
	guest_pages_free(vm, g.ipa, 1);
	/* GET_SHM_CONFIG never reaches the TEE. */
	memset(regs, 0, sizeof(regs));
	regs[0] = SMC_GET_SHM_CONFIG;
	hyp_vm_smc(vm, regs);
	assert_int_equal(regs[0], SMC_RET_ENOTAVAIL);
	/* A guest sees no VIRTUALIZATION capability. */
	memset(regs, 0, sizeof(regs));
	regs[0] = SMC_EXCHANGE_CAPABILITIES;
	hyp_vm_smc(vm, regs);
	assert_int_equal(regs[0], SMC_RET_OK);
	assert_int_equal(regs[1] & ~(uint64_t)(SMC_CAP_DYNAMIC_SHM |
					      SMC_CAP_UNREGISTERED_SHM |
					      SMC_CAP_MEMREF_NULL), 0);
	assert_true(regs[1] & SMC_CAP_DYNAMIC_SHM);
}

static void test_mediator_keeps_calls_within_the_thread_count(void **state)
{
	struct vm *vm = vms[1];
	struct guest_call g;
	struct shim_stats before;
	struct shim_stats after;
	uint32_t saved = vm->med.calls;
	char err[128];

	(void)state;
	assert_int_equal(guest_drv_probe(vm, err, sizeof(err)), 0);
	/* The TEE's thread count, from GET_THREAD_COUNT. */
	assert_int_equal(vm->med.thread_limit,
			 harness_machine.cfg.platform.thread_count);
	/*
	 * Every thread busy. Calls cannot be suspended yet (no RPC until
	 * threads land), so the busy calls are the mediator's count.
	 */
	vm->med.calls = vm->med.thread_limit;
	init_call(vm, &g, MSG_CMD_OPEN_SESSION, 0);
	shim_get_stats(&before);
	assert_int_equal(raw_guest_call(vm, &g), SMC_RET_ETHREAD_LIMIT);
	shim_get_stats(&after);
	assert_int_equal(after.std_smcs, before.std_smcs);	/* never sent */
	assert_int_equal(g.arg.cmd, MSG_CMD_OPEN_SESSION);	/* untouched */
	assert_int_equal(g.arg.ret, 0);
	/* Another VM is not affected. */
	assert_int_equal(vms[2]->med.calls, 0);
	vm->med.calls = saved;
	g.arg.cmd = MSG_CMD_CLOSE_SESSION;
	g.arg.session = 12345;
	assert_int_equal(raw_guest_call(vm, &g), SMC_RET_OK);
	assert_int_equal(g.arg.ret, MSG_RES_ITEM_NOT_FOUND);	/* it got there */
	assert_int_equal(vm->med.calls, saved);
	guest_pages_free(vm, g.ipa, 1);
}

/* A page list in guest RAM naming @count pages starting at @first. */
static uint64_t guest_list(struct vm *vm, uint64_t first, size_t count,
			   uint64_t bad_entry)
{
	uint64_t list = guest_pages_alloc(vm, 2);
	uint64_t *l0 = hyp_ipa_ptr(vm, ipa_init(list));
	uint64_t *l1 = hyp_ipa_ptr(vm, ipa_init(list + 4096));
	size_t n = 0;

	for (n = 0; n < count; n++) {
		uint64_t *l = n < 511 ? l0 : l1;

		l[n % 511] = first + n * 4096;
	}
	l0[511] = list + 4096;
	if (bad_entry)
		l0[1] = bad_entry;
	return list;
}

static uint32_t last_origin;

static uint32_t register_pages(struct vm *vm, uint64_t list, size_t pages,
			       uint64_t cookie)
{
	struct guest_call g;
	uint32_t ret = 0;

	init_call(vm, &g, MSG_CMD_REGISTER_SHM, 1);
	g.arg.params[0].attr = MSG_ATTR_TYPE_TMEM_OUTPUT | MSG_ATTR_NONCONTIG;
	g.arg.params[0].u.tmem.buf_ptr = list;
	g.arg.params[0].u.tmem.size = pages * 4096;
	g.arg.params[0].u.tmem.shm_ref = cookie;
	assert_int_equal(raw_guest_call(vm, &g), SMC_RET_OK);
	ret = g.arg.ret;
	last_origin = g.arg.ret_origin;
	guest_pages_free(vm, g.ipa, 1);
	return ret;
}

static void test_mediator_pins_checks_and_limits_page_lists(void **state)
{
	struct vm *vm = vms[1];
	uint64_t data = 0;
	uint64_t list = 0;
	uint64_t pa = 0;
	struct hyp_stats st;
	char err[128];
	int n = 0;

	(void)state;
	assert_int_equal(guest_drv_probe(vm, err, sizeof(err)), 0);
	data = guest_pages_alloc(vm, 130);
	assert_int_not_equal(data, 0);

	/* A page that is not the guest's RAM: refused, nothing pinned. */
	hyp_get_stats(&st);
	list = guest_list(vm, data, 4, 0x7fff0000);
	assert_int_equal(register_pages(vm, list, 4, 1),
			 MSG_RES_BAD_PARAMETERS);
	assert_int_equal(last_origin, MSG_ORIGIN_COMMS);
	/* 130 pages: one more than a buffer may have. */
	guest_pages_free(vm, list, 2);
	list = guest_list(vm, data, 130, 0);
	assert_int_equal(register_pages(vm, list, 130, 2),
			 MSG_RES_BAD_PARAMETERS);
	assert_int_equal(last_origin, MSG_ORIGIN_COMMS);
	{
		struct hyp_stats now;

		hyp_get_stats(&now);
		assert_int_equal(now.pages_pinned, st.pages_pinned);
	}

	/* 129 pages pass, pinned until unregistered. */
	assert_int_equal(register_pages(vm, list, 129, 3), MSG_RES_SUCCESS);
	assert_true(hyp_ipa_to_pa(vm, ipa_init(data), &pa));
	assert_int_equal(hyp_pin_count(pa), 1);
	assert_int_equal(vm->med.shm_count, 1);
	/* A pinned page cannot leave the VM. */
	assert_int_equal(hyp_vm_release_page(vm, ipa_init(data)), -1);
	/* The TEE's own refusal (a cookie in use) unpins what it had pinned. */
	assert_int_equal(register_pages(vm, list, 1, 3), MSG_RES_BAD_PARAMETERS);
	assert_int_equal(last_origin, MSG_ORIGIN_TEE);
	assert_int_equal(vm->med.pinned, 129);
	assert_int_equal(hyp_pin_count(pa), 1);

	/* Sixteen registered buffers at most. */
	for (n = 0; n < 15; n++)
		assert_int_equal(register_pages(vm, list, 1, 10 + (uint64_t)n),
				 MSG_RES_SUCCESS);
	assert_int_equal(register_pages(vm, list, 1, 100),
			 MSG_RES_OUT_OF_MEMORY);
	assert_int_equal(last_origin, MSG_ORIGIN_COMMS);

	/* Unregister: unpinned, and the page may leave. */
	for (n = 0; n < 16; n++) {
		struct guest_call g;

		init_call(vm, &g, MSG_CMD_UNREGISTER_SHM, 1);
		g.arg.params[0].attr = MSG_ATTR_TYPE_RMEM_INPUT;
		g.arg.params[0].u.rmem.shm_ref = n ? 10 + (uint64_t)n - 1 : 3;
		assert_int_equal(raw_guest_call(vm, &g), SMC_RET_OK);
		assert_int_equal(g.arg.ret, MSG_RES_SUCCESS);
		guest_pages_free(vm, g.ipa, 1);
	}
	assert_int_equal(vm->med.shm_count, 0);
	assert_int_equal(vm->med.pinned, 0);
	assert_int_equal(hyp_pin_count(pa), 0);
	guest_pages_free(vm, list, 2);
	assert_int_equal(hyp_vm_release_page(vm, ipa_init(data + 129 * 4096)), 0);
}

static void test_guest_allocator_skips_pages_given_back(void **state)
{
	struct vm *vm = vms[3];
	uint64_t first = guest_pages_alloc(vm, 1);
	uint64_t next = 0;

	(void)state;
	assert_int_not_equal(first, 0);
	guest_pages_free(vm, first, 1);
	/* The VM gives the page back (ballooning): it has no backing now. */
	assert_int_equal(hyp_vm_release_page(vm, ipa_init(first)), 0);
	assert_null(hyp_ipa_ptr(vm, ipa_init(first)));
	next = guest_pages_alloc(vm, 2);
	assert_int_not_equal(next, 0);
	assert_true(first < next || first >= next + 2 * 4096);
	assert_non_null(hyp_ipa_ptr(vm, ipa_init(next)));
	guest_pages_free(vm, next, 2);
	/* More pages than the VM has: refused, not wrapped. */
	assert_int_equal(guest_pages_alloc(vm, SIZE_MAX / 4096), 0);
}

static void secure_rewrites_guest_arg(void *arg)
{
	struct guest_call *g = arg;
	struct msg_arg *guest = hyp_ipa_ptr(vms[0], ipa_init(g->ipa));

	/* While the TEE runs the call, the guest scribbles on its arg. */
	guest->func = TA_HELLO_WORLD_CMD_DEC_VALUE;
	guest->params[0].u.value.a = 1000;
	guest->params[0].u.value.c = 0x5555;
	guest->pad = 0x77;
}

static void test_guest_rewriting_its_arg_mid_call_changes_nothing(void **state)
{
	struct vm *vm = vms[0];
	TEEC_Context ctx;
	TEEC_Session s;
	struct guest_call g;

	(void)state;
	open_ctx(0, &ctx);
	assert_int_equal(TEEC_OpenSession(&ctx, &s, &hello, TEEC_LOGIN_PUBLIC,
					  NULL, NULL, NULL), TEEC_SUCCESS);
	init_call(vm, &g, MSG_CMD_INVOKE_COMMAND, 1);
	g.arg.func = TA_HELLO_WORLD_CMD_INC_VALUE;
	g.arg.session = s.imp.session_id;
	g.arg.params[0].attr = MSG_ATTR_TYPE_VALUE_INOUT;
	g.arg.params[0].u.value.a = 10;
	shim_set_secure_entry_hook(secure_rewrites_guest_arg, &g);
	assert_int_equal(raw_guest_call(vm, &g), SMC_RET_OK);
	shim_set_secure_entry_hook(NULL, NULL);
	/* The TEE saw the shadow: INC of 10. */
	assert_int_equal(g.arg.ret, MSG_RES_SUCCESS);
	assert_int_equal(g.arg.params[0].u.value.a, 11);
	/* Only outputs came back; what the guest wrote elsewhere stays. */
	assert_int_equal(g.arg.func, TA_HELLO_WORLD_CMD_DEC_VALUE);
	assert_int_equal(g.arg.pad, 0x77);
	guest_pages_free(vm, g.ipa, 1);
	TEEC_CloseSession(&s);
	TEEC_FinalizeContext(&ctx);
}

static void test_stage2_is_scattered_and_disjoint(void **state)
{
	uint64_t prev = 0;
	uint64_t pa = 0;
	uint64_t other = 0;
	size_t contiguous = 0;
	size_t n = 0;

	(void)state;
	for (n = 0; n < 64; n++) {
		assert_true(hyp_ipa_to_pa(vms[0], ipa_init(HYP_VM_IPA_BASE +
							   n * 4096), &pa));
		if (n && pa == prev + 4096)
			contiguous++;
		prev = pa;
		assert_true(hyp_ipa_to_pa(vms[1], ipa_init(HYP_VM_IPA_BASE +
							   n * 4096), &other));
		assert_int_not_equal(pa, other);
	}
	/* Consecutive IPAs almost never land on consecutive PAs. */
	assert_true(contiguous < 4);
	assert_false(hyp_ipa_to_pa(vms[0], ipa_init(HYP_VM_IPA_BASE - 4096),
				   &pa));
	assert_false(hyp_ipa_to_pa(vms[0], ipa_init(HYP_VM_IPA_BASE +
						    vms[0]->ram_pages * 4096),
				   &pa));
}

/* Power-on reset, then the hypervisor fresh (hyp_init) or reset. */
static void restart_all(bool fresh, uint64_t pas[VMS][8])
{
	struct hyp_stats st;
	char err[128] = "";
	size_t n = 0;
	size_t k = 0;

	assert_int_equal(sim_machine_reset(&harness_machine, err, sizeof(err)),
			 0);
	if (fresh) {
		hyp_fini();
		assert_int_equal(hyp_init(&harness_machine, err, sizeof(err)),
				 0);
	} else {
		assert_int_equal(hyp_reset(), 0);
	}
	hyp_get_stats(&st);
	assert_int_equal(st.vms, 0);
	assert_int_equal(st.pages_pinned, 0);
	assert_int_equal(st.pages_free + st.pages_spare, st.pages_total);
	for (n = 0; n < VMS; n++) {
		vms[n] = hyp_vm_create(2 << 20, err, sizeof(err));
		assert_non_null(vms[n]);
		for (k = 0; k < 8; k++)
			assert_true(hyp_ipa_to_pa(vms[n],
				ipa_init(HYP_VM_IPA_BASE + k * 4096),
				&pas[n][k]));
	}
}

/*
 * A machine reset followed by hyp_reset is a fresh start: VMs of before
 * are gone, every page is free and unpinned, and new VMs get the very
 * pages (the same stage-2 maps) as after hyp_init, and work.
 */
static void test_hypervisor_reset_replays_a_fresh_start(void **state)
{
	uint64_t fresh[VMS][8];
	uint64_t reset[VMS][8];
	TEEC_Context ctx;
	TEEC_Session s;
	size_t n = 0;
	size_t k = 0;

	(void)state;
	restart_all(true, fresh);
	open_ctx(0, &ctx);
	assert_int_equal(TEEC_OpenSession(&ctx, &s, &kv, TEEC_LOGIN_PUBLIC,
					  NULL, NULL, NULL), TEEC_SUCCESS);
	restart_all(false, reset);
	assert_int_equal(TEEC_InvokeCommand(&s, 0, NULL, NULL),
			 TEEC_ERROR_COMMUNICATION);
	for (n = 0; n < VMS; n++)
		for (k = 0; k < 8; k++)
			assert_int_equal(reset[n][k], fresh[n][k]);
	open_ctx(1, &ctx);
	assert_int_equal(TEEC_OpenSession(&ctx, &s, &kv, TEEC_LOGIN_PUBLIC,
					  NULL, NULL, NULL), TEEC_SUCCESS);
	TEEC_CloseSession(&s);
	TEEC_FinalizeContext(&ctx);
}

/* The allocation failer of the next test: the @countdown-th fails. */
struct fail_plan {
	int guest;
	unsigned int countdown;
	bool fired;
};

static bool fail_nth(enum arch_alloc_site site, void *arg)
{
	struct fail_plan *f = arg;

	(void)site;
	if (f->fired || shim_active_guest() != f->guest || f->countdown--)
		return false;
	f->fired = true;
	return true;
}

static void guest_usage(uint32_t id, struct core_guest_info *g)
{
	uint32_t slot = 0;

	for (slot = 0; slot < VMS; slot++)
		if (core_get_slot_info(slot, g) && g->id == id)
			return;
	fail_msg("guest %u has no slot", (unsigned int)id);
}

/*
 * Each allocation an open, an invoke and a close make in the guest fails
 * in turn: the call fails with TEE_ERROR_OUT_OF_MEMORY (or succeeds, if
 * the core has a way around), and afterwards the guest's heap, TA RAM
 * and sessions are exactly as before. Until a round where none fails.
 */
static void test_every_allocation_failure_leaves_nothing_behind(void **state)
{
	struct core_guest_info before;
	struct core_guest_info after;
	struct fail_plan plan = { 0 };
	struct shim_stats st;
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_Operation op;
	TEEC_Result res = 0;
	unsigned int fired = 0;

	(void)state;
	plan.guest = (int)vms[2]->client_id;
	open_ctx(2, &ctx);
	guest_usage(vms[2]->client_id, &before);
	shim_set_alloc_failer(fail_nth, &plan);
	do {
		plan.fired = false;
		plan.countdown = fired;
		res = TEEC_OpenSession(&ctx, &s, &kv, TEEC_LOGIN_PUBLIC, NULL,
				       NULL, NULL);
		if (res == TEEC_SUCCESS) {
			memset(&op, 0, sizeof(op));
			op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT,
							 TEEC_MEMREF_TEMP_INPUT,
							 TEEC_NONE, TEEC_NONE);
			op.params[0].tmpref.buffer = "key";
			op.params[0].tmpref.size = 3;
			op.params[1].tmpref.buffer = "value";
			op.params[1].tmpref.size = 5;
			res = TEEC_InvokeCommand(&s, TA_KV_CMD_PUT, &op,
						 NULL);
			TEEC_CloseSession(&s);
		}
		if (plan.fired)
			assert_true(res == TEEC_SUCCESS ||
				    res == TEEC_ERROR_OUT_OF_MEMORY);
		else
			assert_int_equal(res, TEEC_SUCCESS);
		guest_usage(vms[2]->client_id, &after);
		assert_int_equal(after.heap_used, before.heap_used);
		assert_int_equal(after.ta_ram_used, before.ta_ram_used);
		assert_int_equal(after.sessions, before.sessions);
		assert_int_equal(after.threads_busy, 0);
		fired += plan.fired;
	} while (plan.fired && fired < 200);
	shim_set_alloc_failer(NULL, NULL);
	/* Several allocations, and the last round had none left to fail. */
	assert_true(fired > 3);
	assert_false(plan.fired);
	shim_get_stats(&st);
	assert_true(st.allocs_failed >= fired);
	TEEC_FinalizeContext(&ctx);
}

static void test_destroyed_vm_releases_everything(void **state)
{
	struct hyp_stats before;
	struct hyp_stats after;
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_SharedMemory sm;
	char err[128];
	struct vm *vm = NULL;

	(void)state;
	hyp_get_stats(&before);
	vm = hyp_vm_create(1 << 20, err, sizeof(err));
	assert_null(vm);	/* all four TEE shares are taken */
	assert_non_null(strstr(err, "refused VM_CREATED"));

	open_ctx(3, &ctx);
	assert_int_equal(TEEC_OpenSession(&ctx, &s, &kv, TEEC_LOGIN_PUBLIC,
					  NULL, NULL, NULL), TEEC_SUCCESS);
	memset(&sm, 0, sizeof(sm));
	sm.size = 3 * 4096;
	sm.flags = TEEC_MEM_INPUT;
	assert_int_equal(TEEC_AllocateSharedMemory(&ctx, &sm), TEEC_SUCCESS);
	assert_true(vms[3]->med.pinned > 0);
	hyp_vm_destroy(vms[3]);
	vms[3] = NULL;
	hyp_get_stats(&after);
	assert_int_equal(after.pages_pinned, 0);
	assert_int_equal(after.vms, before.vms - 1);
	/* The client's context died with its VM. */
	assert_int_equal(TEEC_InvokeCommand(&s, 0, NULL, NULL),
			 TEEC_ERROR_COMMUNICATION);
	TEEC_ReleaseSharedMemory(&sm);
	assert_null(sm.buffer);
	/* Its TEE share is free again: a new VM gets it. */
	vms[3] = hyp_vm_create(2 << 20, err, sizeof(err));
	assert_non_null(vms[3]);
}

/* A VM made, given @n written pages at the start of its RAM, destroyed. */
static void vm_touching(size_t n)
{
	char err[128];
	struct vm *vm = hyp_vm_create(2 << 20, err, sizeof(err));
	size_t k = 0;

	assert_non_null(vm);
	for (k = 0; k < n; k++)
		assert_int_equal(hyp_vm_write(vm, ipa_init(HYP_VM_IPA_BASE +
							    k * HYP_PAGE),
					      "dirty", 5), 0);
	hyp_vm_destroy(vm);
}

/* The page at @pa is clean; write it without the hypervisor, take it. */
static void child_writes_behind_the_hypervisors_back(uint64_t pa,
						     uint64_t unused)
{
	char err[128];

	(void)unused;
	assert_int_equal(sim_phys_write(&harness_machine, pa, "x", 1), 0);
	(void)hyp_vm_create(2 << 20, err, sizeof(err));
}

/*
 * The same, the page taken for the mediator's copy of an argument once the
 * hypervisor's spare pages are taken: from the pool, like a VM's.
 */
static void child_writes_behind_the_mediators_back(uint64_t pa,
						   uint64_t src)
{
	struct hyp_stats st;

	hyp_get_stats(&st);
	for (; st.pages_spare; st.pages_spare--)
		assert_true(hyp_page_alloc() != 0);
	assert_int_equal(sim_phys_write(&harness_machine, pa, "x", 1), 0);
	(void)hyp_page_alloc_copy(src);
}

struct behind_back {
	void (*child)(uint64_t pa, uint64_t src);
	uint64_t pa;
	uint64_t src;
};

static void run_behind_back(void *arg)
{
	const struct behind_back *b = arg;

	b->child(b->pa, b->src);
}

/* In a child, @child(@pa, @src) must abort (its stderr kept apart). */
static void assert_child_aborts(void (*child)(uint64_t, uint64_t),
				uint64_t pa, uint64_t src)
{
	struct behind_back b = { child, pa, src };
	char out[1024];
	int status = test_run_child(run_behind_back, &b, out, sizeof(out));

	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

/*
 * A VM's RAM comes zeroed, but only the pages that may hold data are
 * zeroed: its creation costs what its predecessors touched, not its size.
 */
static void test_vm_ram_is_zeroed_where_it_was_touched(void **state)
{
	struct hyp_stats st0;
	struct hyp_stats st;
	char got[5];
	char err[128];
	struct vm *vm = NULL;
	uint64_t pa = 0;
	uint64_t last = 0;
	size_t k = 0;

	(void)state;
	hyp_vm_destroy(vms[2]);
	vms[2] = NULL;
	vm_touching(0);		/* every page it takes is zeroed once */
	vm_touching(3);
	hyp_get_stats(&st0);
	vm = hyp_vm_create(2 << 20, err, sizeof(err));
	assert_non_null(vm);
	hyp_get_stats(&st);
	/* The same pages again (the free pages are a stack): three written. */
	assert_int_equal(st.pages_zeroed - st0.pages_zeroed, 3);
	for (k = 0; k < 4; k++) {
		assert_int_equal(hyp_vm_read(vm, ipa_init(HYP_VM_IPA_BASE +
							   k * HYP_PAGE),
					     got, sizeof(got)), 0);
		assert_memory_equal(got, "\0\0\0\0\0", sizeof(got));
	}
	/*
	 * Its first and last pages: clean (zeroed as they were taken, never
	 * written). Freed last, the last one is the next page handed out.
	 */
	assert_true(hyp_ipa_to_pa(vm, ipa_init(HYP_VM_IPA_BASE), &pa));
	assert_true(hyp_ipa_to_pa(vm, ipa_init(HYP_VM_IPA_BASE +
					       (vm->ram_pages - 1) * HYP_PAGE),
				  &last));
	hyp_vm_destroy(vm);
	/*
	 * The tests check every clean page: a write around it aborts, be it
	 * taken for a VM or for the mediator's copy of an argument.
	 */
	assert_child_aborts(child_writes_behind_the_hypervisors_back, pa, 0);
	assert_child_aborts(child_writes_behind_the_mediators_back, last, pa);
	/* The memory is shared with the children: zero the pages again. */
	assert_int_equal(sim_phys_write(&harness_machine, pa, "", 1), 0);
	assert_int_equal(sim_phys_write(&harness_machine, last, "", 1), 0);
	vms[2] = hyp_vm_create(2 << 20, err, sizeof(err));
	assert_non_null(vms[2]);
}

/* A page of the hypervisor's freed twice: kept spare after the first. */
static void child_frees_a_page_twice(uint64_t unused1, uint64_t unused2)
{
	uint64_t pa = hyp_page_alloc();

	(void)unused1;
	(void)unused2;
	assert_true(pa != 0);
	hyp_page_free(pa);
	hyp_page_free(pa);
}

/*
 * The hypervisor's own pages (the mediator's shadow arguments and page
 * lists) are a few it keeps: the same ones call after call, whatever the
 * VMs took meanwhile, and none of them in a VM's RAM. Beyond them it
 * takes pages from the pool, and gives them back there.
 */
static void test_hypervisor_pages_stay_its_own_few(void **state)
{
	uint64_t taken[HYP_PAGES_PAST_SPARES];
	struct hyp_stats st0;
	struct hyp_stats st;
	char err[128];
	struct vm *vm = NULL;
	uint64_t first = 0;
	uint64_t pa = 0;
	size_t spares = 0;
	size_t k = 0;

	(void)state;
	hyp_get_stats(&st0);
	spares = st0.pages_spare;
	assert_true(spares > 0 && spares < HYP_PAGES_PAST_SPARES);
	first = hyp_page_alloc();
	assert_true(first != 0);
	hyp_page_free(first);

	hyp_vm_destroy(vms[2]);
	vm = hyp_vm_create(2 << 20, err, sizeof(err));
	assert_non_null(vm);
	vms[2] = vm;
	for (k = 0; k < vm->ram_pages; k++) {
		assert_true(hyp_ipa_to_pa(vm, ipa_init(HYP_VM_IPA_BASE +
						       k * HYP_PAGE), &pa));
		assert_true(pa != first);
	}
	assert_int_equal(hyp_page_alloc(), first);
	hyp_page_free(first);

	for (k = 0; k < HYP_PAGES_PAST_SPARES; k++)
		assert_true((taken[k] = hyp_page_alloc()) != 0);
	hyp_get_stats(&st);
	assert_int_equal(st.pages_spare, 0);
	assert_int_equal(st.pages_free,
			 st0.pages_free - (HYP_PAGES_PAST_SPARES - spares));
	for (k = 0; k < HYP_PAGES_PAST_SPARES; k++)
		hyp_page_free(taken[k]);
	hyp_get_stats(&st);
	assert_int_equal(st.pages_spare, spares);
	assert_int_equal(st.pages_free, st0.pages_free);
	assert_child_aborts(child_frees_a_page_twice, 0, 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_world_from_every_vm_interleaved),
		cmocka_unit_test(test_temporary_memrefs_and_kv_store_per_vm),
		cmocka_unit_test(test_registered_and_allocated_shared_memory),
		cmocka_unit_test(test_client_api_errors),
		cmocka_unit_test(test_panic_through_the_whole_path),
		cmocka_unit_test(test_mediator_refuses_bad_arguments),
		cmocka_unit_test(test_mediator_keeps_calls_within_the_thread_count),
		cmocka_unit_test(test_mediator_pins_checks_and_limits_page_lists),
		cmocka_unit_test(test_guest_rewriting_its_arg_mid_call_changes_nothing),
		cmocka_unit_test(test_guest_allocator_skips_pages_given_back),
		cmocka_unit_test(test_stage2_is_scattered_and_disjoint),
		cmocka_unit_test(test_every_allocation_failure_leaves_nothing_behind),
		cmocka_unit_test(test_destroyed_vm_releases_everything),
		cmocka_unit_test(test_vm_ram_is_zeroed_where_it_was_touched),
		cmocka_unit_test(test_hypervisor_reset_replays_a_fresh_start),
		cmocka_unit_test(test_hypervisor_pages_stay_its_own_few),
	};

	harness_init(argc, argv);
	return HARNESS_RUN("end-to-end", tests, setup, teardown);
}
