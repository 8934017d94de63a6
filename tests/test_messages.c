// SPDX-License-Identifier: BSD-2-Clause
/*
 * The message layer, fed raw optee_msg_args from two guests: every command
 * of ABI.md §2, every refusal with its return code and origin, the
 * built-in TAs, and the per-guest separation of sessions, shared memory
 * and TA state.
 */

#include <stdio.h>
#include <string.h>

#include <nexsim/ta_ids.h>
#include <tests/harness.h>
#include <tests/rawmsg.h>
#include <tests/smc_ids.h>

#define SUCCESS		0x00000000u
#define E_BAD_PARAMS	0xffff0006u
#define E_NOT_FOUND	0xffff0008u
#define E_NOT_SUPPORTED	0xffff000au
#define E_OOM		0xffff000cu
#define E_BUSY		0xffff000du
#define E_SECURITY	0xffff000fu
#define E_SHORT_BUFFER	0xffff0010u
#define E_TARGET_DEAD	0xffff3024u
#define ORIGIN_TEE	3u
#define ORIGIN_TA	4u

static const TEE_UUID hello = TA_HELLO_WORLD_UUID;
static const TEE_UUID kv = TA_KV_STORE_UUID;
static const TEE_UUID stress = TA_STRESS_UUID;
static const TEE_UUID panic_ta = TA_PANIC_UUID;
static const TEE_UUID guest_pta = PTA_GUEST_UUID;

static int setup(void **state)
{
	harness_setup_default(state);
	assert_int_equal(sim_vm_created(1), T_OK);
	assert_int_equal(sim_vm_created(2), T_OK);
	return 0;
}

static void test_hello_world_round_trip(void **state)
{
	uint32_t s = raw_open_session(1, &hello);
	uint32_t origin = 0;
	uint32_t v = 41;

	(void)state;
	assert_int_equal(raw_invoke_value(1, s, TA_HELLO_WORLD_CMD_INC_VALUE,
					  &v, &origin), SUCCESS);
	assert_int_equal(v, 42);
	assert_int_equal(raw_invoke_value(1, s, TA_HELLO_WORLD_CMD_DEC_VALUE,
					  &v, NULL), SUCCESS);
	assert_int_equal(v, 41);
	assert_int_equal(raw_close_session(1, s), SUCCESS);
	/* A closed session is gone. */
	assert_int_equal(raw_invoke_value(1, s, 0, &v, &origin), E_BAD_PARAMS);
	assert_int_equal(origin, ORIGIN_TEE);
}

static void test_open_session_refusals(void **state)
{
	static const TEE_UUID nobody = { 0x12345678, 0x1, 0x2, { 0 } };
	struct raw_arg a;

	(void)state;
	raw_open(&a, &nobody, 0);
	assert_int_equal(raw_call(1, &a), T_OK);
	assert_int_equal(a.hdr.ret, E_NOT_FOUND);
	assert_int_equal(a.hdr.ret_origin, ORIGIN_TEE);
	assert_int_equal(a.hdr.session, 0);

	/* The two META params are required, first, exactly so. */
	raw_open(&a, &hello, 0);
	a.hdr.num_params = 1;
	assert_int_equal(raw_call(1, &a), T_OK);
	assert_int_equal(a.hdr.ret, E_BAD_PARAMS);
	raw_open(&a, &hello, 0);
	a.hdr.params[1].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	assert_int_equal(raw_call(1, &a), T_OK);
	assert_int_equal(a.hdr.ret, E_BAD_PARAMS);
	raw_open(&a, &hello, 0);
	a.hdr.params[1].u.value.c = 3;	/* not a login method */
	assert_int_equal(raw_call(1, &a), T_OK);
	assert_int_equal(a.hdr.ret, E_BAD_PARAMS);
	assert_int_equal(a.hdr.ret_origin, ORIGIN_TEE);

	/* The TA refuses params it does not take: origin TRUSTED_APP. */
	raw_open(&a, &hello, 1);
	a.hdr.params[2].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	assert_int_equal(raw_call(1, &a), T_OK);
	assert_int_equal(a.hdr.ret, E_BAD_PARAMS);
	assert_int_equal(a.hdr.ret_origin, ORIGIN_TA);
	assert_int_equal(a.hdr.session, 0);
}

static void check_invoke_refused(struct raw_arg *a, uint32_t session)
{
	a->hdr.cmd = OPTEE_MSG_CMD_INVOKE_COMMAND;
	a->hdr.session = session;
	assert_int_equal(raw_call(1, a), T_OK);
	assert_int_equal(a->hdr.ret, E_BAD_PARAMS);
	assert_int_equal(a->hdr.ret_origin, ORIGIN_TEE);
}

static void test_bad_param_attributes_are_bad_parameters(void **state)
{
	uint32_t s = raw_open_session(1, &hello);
	struct raw_arg a;
	uint64_t attrs[] = {
		OPTEE_MSG_ATTR_META | OPTEE_MSG_ATTR_TYPE_VALUE_INOUT,
		OPTEE_MSG_ATTR_NONCONTIG | OPTEE_MSG_ATTR_TYPE_VALUE_INOUT,
		0x4,		/* unused type */
		0x8,		/* unused type */
		0x1ff,
		1ull << 40,	/* unknown flag */
	};
	size_t n = 0;

	(void)state;
	for (n = 0; n < sizeof(attrs) / sizeof(attrs[0]); n++) {
		raw_init(&a, 0, 1);
		a.hdr.params[0].attr = attrs[n];
		check_invoke_refused(&a, s);
	}
	/* More than four TA params. */
	raw_init(&a, 0, 5);
	check_invoke_refused(&a, s);
	/* A contiguous, non-NULL tmem: no reserved shared memory here. */
	raw_init(&a, 0, 1);
	a.hdr.params[0].attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT;
	a.hdr.params[0].u.tmem.buf_ptr = raw_page();
	a.hdr.params[0].u.tmem.size = 16;
	check_invoke_refused(&a, s);
	/* A page list naming secure memory. */
	raw_init(&a, 0, 1);
	a.hdr.params[0].attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT |
			       OPTEE_MSG_ATTR_NONCONTIG;
	{
		uint64_t list = raw_page();
		uint64_t entry = pa_addr(harness_machine.cfg.platform.tzdram_base);

		assert_int_equal(sim_phys_write(&harness_machine, list, &entry,
						8), 0);
		a.hdr.params[0].u.tmem.buf_ptr = list;
	}
	a.hdr.params[0].u.tmem.size = 16;
	check_invoke_refused(&a, s);
	/* A page list of no bytes. */
	raw_init(&a, 0, 1);
	a.hdr.params[0].attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT |
			       OPTEE_MSG_ATTR_NONCONTIG;
	a.hdr.params[0].u.tmem.buf_ptr = raw_page();
	check_invoke_refused(&a, s);
	assert_int_equal(raw_close_session(1, s), SUCCESS);
}

static void test_smc_level_refusals_leave_the_arg_alone(void **state)
{
	struct raw_arg a;
	struct raw_arg before;

	(void)state;
	/* 128 params do not fit the page: EBADADDR. */
	raw_init(&a, OPTEE_MSG_CMD_INVOKE_COMMAND, 128);
	before = a;
	assert_int_equal(raw_call(1, &a), T_EBADADDR);
	assert_memory_equal(&a, &before, sizeof(a));
	/* An unknown command: EBADCMD, and nothing written. */
	raw_init(&a, 6, 0);
	a.hdr.ret = 0x11111111;
	before = a;
	assert_int_equal(raw_call(1, &a), T_EBADCMD);
	assert_memory_equal(&a, &before, sizeof(a));
	/* 127 params are a well-formed arg (refused by the command). */
	raw_init(&a, OPTEE_MSG_CMD_INVOKE_COMMAND, 127);
	assert_int_equal(raw_call(1, &a), T_OK);
	assert_int_equal(a.hdr.ret, E_BAD_PARAMS);
}

static void kv_put(uint32_t guest, uint32_t s, const char *key,
		   const void *val, size_t len, size_t offset, uint32_t expect)
{
	uint64_t kp[2];
	uint64_t vp[8];
	struct raw_arg a;

	raw_init(&a, OPTEE_MSG_CMD_INVOKE_COMMAND, 2);
	a.hdr.session = s;
	a.hdr.func = TA_KV_CMD_PUT;
	a.hdr.params[0].attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT |
			       OPTEE_MSG_ATTR_NONCONTIG;
	/* An empty key is a NULL memref. */
	if (*key) {
		a.hdr.params[0].u.tmem.buf_ptr = raw_buffer(key, strlen(key),
							    100, kp, 2);
		a.hdr.params[0].u.tmem.size = strlen(key);
	}
	a.hdr.params[1].attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT |
			       OPTEE_MSG_ATTR_NONCONTIG;
	if (len) {
		a.hdr.params[1].u.tmem.buf_ptr = raw_buffer(val, len, offset,
							    vp, 8);
		a.hdr.params[1].u.tmem.size = len;
	}
	assert_int_equal(raw_call(guest, &a), T_OK);
	assert_int_equal(a.hdr.ret, expect);
}

/* GET into a buffer of @cap bytes; returns ret, size in *@size. */
static uint32_t kv_get(uint32_t guest, uint32_t s, const char *key,
		       void *out, size_t cap, uint64_t *size)
{
	uint64_t kp[2];
	uint64_t vp[8];
	struct raw_arg a;

	raw_init(&a, OPTEE_MSG_CMD_INVOKE_COMMAND, 2);
	a.hdr.session = s;
	a.hdr.func = TA_KV_CMD_GET;
	a.hdr.params[0].attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT |
			       OPTEE_MSG_ATTR_NONCONTIG;
	a.hdr.params[0].u.tmem.buf_ptr = raw_buffer(key, strlen(key), 7, kp, 2);
	a.hdr.params[0].u.tmem.size = strlen(key);
	a.hdr.params[1].attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT |
			       OPTEE_MSG_ATTR_NONCONTIG;
	a.hdr.params[1].u.tmem.buf_ptr = raw_buffer(out, cap, 300, vp, 8);
	a.hdr.params[1].u.tmem.size = cap;
	assert_int_equal(raw_call(guest, &a), T_OK);
	*size = a.hdr.params[1].u.tmem.size;
	if (a.hdr.ret == SUCCESS)
		raw_buffer_read(vp, 300, out, (size_t)*size);
	return a.hdr.ret;
}

static void test_memrefs_through_page_lists(void **state)
{
	uint32_t s = raw_open_session(1, &kv);
	uint8_t value[3000];
	uint8_t got[4096];
	uint64_t size = 0;
	size_t n = 0;

	(void)state;
	for (n = 0; n < sizeof(value); n++)
		value[n] = (uint8_t)(n * 7);
	/* 3000 bytes from offset 2000: the value spans two pages. */
	kv_put(1, s, "alpha", value, sizeof(value), 2000, SUCCESS);
	memset(got, 0, sizeof(got));
	assert_int_equal(kv_get(1, s, "alpha", got, sizeof(got), &size), SUCCESS);
	assert_int_equal(size, sizeof(value));
	assert_memory_equal(got, value, sizeof(value));
	/* Too small: SHORT_BUFFER, and the size needed comes back. */
	assert_int_equal(kv_get(1, s, "alpha", got, 10, &size), E_SHORT_BUFFER);
	assert_int_equal(size, sizeof(value));
	/* A NULL memref (MEMREF_NULL) is a value of no bytes. */
	kv_put(1, s, "empty", NULL, 0, 0, SUCCESS);
	assert_int_equal(kv_get(1, s, "empty", got, 16, &size), SUCCESS);
	assert_int_equal(size, 0);
	assert_int_equal(kv_get(1, s, "nope", got, 16, &size), E_NOT_FOUND);
	assert_int_equal(raw_close_session(1, s), SUCCESS);
}

/* DELETE of @key (empty: a NULL memref); returns ret. */
static uint32_t kv_delete(uint32_t guest, uint32_t s, const char *key)
{
	uint64_t kp[2];
	struct raw_arg a;

	raw_init(&a, OPTEE_MSG_CMD_INVOKE_COMMAND, 1);
	a.hdr.session = s;
	a.hdr.func = TA_KV_CMD_DELETE;
	a.hdr.params[0].attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT |
			       OPTEE_MSG_ATTR_NONCONTIG;
	if (*key) {
		a.hdr.params[0].u.tmem.buf_ptr = raw_buffer(key, strlen(key),
							    9, kp, 2);
		a.hdr.params[0].u.tmem.size = strlen(key);
	}
	assert_int_equal(raw_call(guest, &a), T_OK);
	return a.hdr.ret;
}

/* COUNT: the entries of the guest's store, and their value bytes. */
static uint32_t kv_count(uint32_t guest, uint32_t s, uint32_t *bytes)
{
	struct raw_arg a;

	raw_init(&a, OPTEE_MSG_CMD_INVOKE_COMMAND, 1);
	a.hdr.session = s;
	a.hdr.func = TA_KV_CMD_COUNT;
	a.hdr.params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT;
	assert_int_equal(raw_call(guest, &a), T_OK);
	assert_int_equal(a.hdr.ret, SUCCESS);
	*bytes = (uint32_t)a.hdr.params[0].u.value.b;
	return (uint32_t)a.hdr.params[0].u.value.a;
}

static void test_kv_store_replaces_deletes_and_refuses_bad_keys(void **state)
{
	static uint8_t too_big[TA_KV_MAX_VALUE + 1];
	const uint32_t cmds[] = {
		TA_KV_CMD_PUT, TA_KV_CMD_GET, TA_KV_CMD_DELETE, TA_KV_CMD_COUNT,
	};
	uint32_t s = raw_open_session(1, &kv);
	char key[TA_KV_MAX_KEY + 2];
	uint32_t count0 = 0;
	uint32_t bytes0 = 0;
	uint32_t bytes = 0;
	uint32_t origin = 0;
	uint32_t v = 0;
	uint8_t got[16];
	uint64_t size = 0;
	size_t n = 0;

	(void)state;
	count0 = kv_count(1, s, &bytes0);
	/* A second PUT of a key replaces its value. */
	kv_put(1, s, "k1", "first", 5, 0, SUCCESS);
	kv_put(1, s, "k1", "2nd", 3, 0, SUCCESS);
	assert_int_equal(kv_count(1, s, &bytes), count0 + 1);
	assert_int_equal(bytes, bytes0 + 3);
	assert_int_equal(kv_get(1, s, "k1", got, sizeof(got), &size), SUCCESS);
	assert_int_equal(size, 3);
	assert_memory_equal(got, "2nd", 3);

	/* Refused by the TA, and the store is as it was. */
	memset(key, 'x', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';			/* 65 bytes: too long */
	kv_put(1, s, key, "v", 1, 0, E_BAD_PARAMS);
	kv_put(1, s, "", "v", 1, 0, E_BAD_PARAMS);	/* no key */
	kv_put(1, s, "big", too_big, sizeof(too_big), 0, E_BAD_PARAMS);
	assert_int_equal(kv_get(1, s, key, got, sizeof(got), &size),
			 E_BAD_PARAMS);
	assert_int_equal(kv_count(1, s, &bytes), count0 + 1);
	assert_int_equal(bytes, bytes0 + 3);
	assert_int_equal(kv_get(1, s, "big", got, sizeof(got), &size),
			 E_NOT_FOUND);
	/* The longest key there may be. */
	key[TA_KV_MAX_KEY] = '\0';
	kv_put(1, s, key, "v", 1, 0, SUCCESS);
	assert_int_equal(kv_delete(1, s, key), SUCCESS);

	/* DELETE takes the entry out, once. */
	assert_int_equal(kv_delete(1, s, "k1"), SUCCESS);
	assert_int_equal(kv_get(1, s, "k1", got, sizeof(got), &size),
			 E_NOT_FOUND);
	assert_int_equal(kv_delete(1, s, "k1"), E_NOT_FOUND);
	assert_int_equal(kv_delete(1, s, ""), E_BAD_PARAMS);
	assert_int_equal(kv_count(1, s, &bytes), count0);
	assert_int_equal(bytes, bytes0);

	/* A value param where each command takes something else. */
	for (n = 0; n < sizeof(cmds) / sizeof(cmds[0]); n++) {
		assert_int_equal(raw_invoke_value(1, s, cmds[n], &v, &origin),
				 E_BAD_PARAMS);
		assert_int_equal(origin, ORIGIN_TA);
	}
	assert_int_equal(raw_invoke_value(1, s, 99, &v, &origin),
			 E_NOT_SUPPORTED);
	assert_int_equal(origin, ORIGIN_TA);
	assert_int_equal(kv_count(1, s, &bytes), count0);
	assert_int_equal(raw_close_session(1, s), SUCCESS);
}

/* INVOKE @cmd of session @s with no params; returns ret, origin too. */
static uint32_t invoke_bare(uint32_t guest, uint32_t s, uint32_t cmd,
			    uint32_t *origin)
{
	struct raw_arg a;

	raw_init(&a, OPTEE_MSG_CMD_INVOKE_COMMAND, 0);
	a.hdr.session = s;
	a.hdr.func = cmd;
	assert_int_equal(raw_call(guest, &a), T_OK);
	*origin = a.hdr.ret_origin;
	return a.hdr.ret;
}

static void test_builtin_tas_refuse_unknown_commands_and_params(void **state)
{
	uint32_t h = raw_open_session(1, &hello);
	uint32_t p = raw_open_session(1, &panic_ta);
	uint32_t st = raw_open_session(1, &stress);
	uint32_t origin = 0;
	uint32_t v = 10;
	struct raw_arg a;

	(void)state;
	/* hello_world: an unknown command is BAD_PARAMETERS, value untouched. */
	assert_int_equal(raw_invoke_value(1, h, 2, &v, &origin), E_BAD_PARAMS);
	assert_int_equal(origin, ORIGIN_TA);
	assert_int_equal(v, 10);
	assert_int_equal(invoke_bare(1, h, TA_HELLO_WORLD_CMD_INC_VALUE,
				     &origin), E_BAD_PARAMS);
	assert_int_equal(origin, ORIGIN_TA);

	/* panic_ta: refusals are not panics; the instance lives on. */
	assert_int_equal(raw_invoke_value(1, p, 7, &v, &origin),
			 E_NOT_SUPPORTED);
	assert_int_equal(origin, ORIGIN_TA);
	assert_int_equal(invoke_bare(1, p, TA_PANIC_CMD_PING, &origin),
			 E_BAD_PARAMS);
	assert_int_equal(origin, ORIGIN_TA);
	assert_int_equal(raw_invoke_value(1, p, TA_PANIC_CMD_PING, &v, NULL),
			 SUCCESS);
	assert_int_equal(v, 11);

	/* stress: no size, no params, wrong params hold nothing. */
	v = 0;
	assert_int_equal(raw_invoke_value(1, st, TA_STRESS_CMD_HOLD, &v,
					  &origin), E_BAD_PARAMS);
	assert_int_equal(origin, ORIGIN_TA);
	assert_int_equal(invoke_bare(1, st, TA_STRESS_CMD_HOLD, &origin),
			 E_BAD_PARAMS);
	assert_int_equal(raw_invoke_value(1, st, TA_STRESS_CMD_HELD, &v,
					  &origin), E_BAD_PARAMS);
	assert_int_equal(raw_invoke_value(1, st, 9, &v, &origin),
			 E_NOT_SUPPORTED);
	raw_init(&a, OPTEE_MSG_CMD_INVOKE_COMMAND, 1);
	a.hdr.session = st;
	a.hdr.func = TA_STRESS_CMD_HELD;
	a.hdr.params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT;
	assert_int_equal(raw_call(1, &a), T_OK);
	assert_int_equal(a.hdr.ret, SUCCESS);
	assert_int_equal(a.hdr.params[0].u.value.a, 0);
	assert_int_equal(a.hdr.params[0].u.value.b, 0);

	assert_int_equal(raw_close_session(1, h), SUCCESS);
	assert_int_equal(raw_close_session(1, p), SUCCESS);
	assert_int_equal(raw_close_session(1, st), SUCCESS);
}

/* PUT of key "k" with the value at @buf_ptr, @size bytes; ret and origin. */
static uint32_t kv_put_list(uint32_t s, uint64_t buf_ptr, uint64_t size,
			    uint32_t *origin)
{
	uint64_t kp[1];
	struct raw_arg a;

	raw_init(&a, OPTEE_MSG_CMD_INVOKE_COMMAND, 2);
	a.hdr.session = s;
	a.hdr.func = TA_KV_CMD_PUT;
	a.hdr.params[0].attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT |
			       OPTEE_MSG_ATTR_NONCONTIG;
	a.hdr.params[0].u.tmem.buf_ptr = raw_buffer("k", 1, 0, kp, 1);
	a.hdr.params[0].u.tmem.size = 1;
	a.hdr.params[1].attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT |
			       OPTEE_MSG_ATTR_NONCONTIG;
	a.hdr.params[1].u.tmem.buf_ptr = buf_ptr;
	a.hdr.params[1].u.tmem.size = size;
	assert_int_equal(raw_call(1, &a), T_OK);
	*origin = a.hdr.ret_origin;
	return a.hdr.ret;
}

static void test_page_lists_that_lie_are_refused(void **state)
{
	const uint64_t secure = pa_addr(harness_machine.cfg.platform.tzdram_base);
	/* 513 pages: 511 in the first list page, 2 in the second. */
	const uint64_t size = 513 * 4096;
	const uint64_t links[] = { 8, secure };	/* unaligned; secure */
	uint32_t s = raw_open_session(1, &kv);
	struct core_guest_info before;
	struct core_guest_info after;
	struct shim_stats st0;
	struct shim_stats st;
	uint64_t first = raw_page();
	uint64_t second = raw_page();
	static uint64_t list[512];
	uint32_t origin = 0;
	size_t n = 0;

	(void)state;
	for (n = 0; n < 511; n++)
		list[n] = raw_page();
	list[511] = second;
	assert_int_equal(sim_phys_write(&harness_machine, first, list,
					sizeof(list)), 0);
	memset(list, 0, sizeof(list));
	list[0] = raw_page();
	list[1] = raw_page();
	assert_int_equal(sim_phys_write(&harness_machine, second, list,
					sizeof(list)), 0);
	assert_true(core_get_slot_info((uint32_t)core_find_guest_slot(1),
				       &before));
	shim_get_stats(&st0);

	/* Well linked, it reaches the TA, which finds the value too big. */
	assert_int_equal(kv_put_list(s, first, size, &origin), E_BAD_PARAMS);
	assert_int_equal(origin, ORIGIN_TA);
	/* A link to the next list page that is no page of non-secure RAM. */
	for (n = 0; n < sizeof(links) / sizeof(links[0]); n++) {
		uint64_t link = links[n] == 8 ? second + 8 : links[n];

		assert_int_equal(sim_phys_write(&harness_machine,
						first + 511 * 8, &link,
						sizeof(link)), 0);
		assert_int_equal(kv_put_list(s, first, size, &origin),
				 E_BAD_PARAMS);
		assert_int_equal(origin, ORIGIN_TEE);
	}
	/* The first list page in secure memory. */
	assert_int_equal(kv_put_list(s, secure, 16, &origin), E_BAD_PARAMS);
	assert_int_equal(origin, ORIGIN_TEE);
	/* Sizes that wrap with the offset, or pass the 65536-page budget. */
	assert_int_equal(kv_put_list(s, first | 16, UINT64_MAX - 8, &origin),
			 E_BAD_PARAMS);
	assert_int_equal(origin, ORIGIN_TEE);
	assert_int_equal(kv_put_list(s, first, 65536ull * 4096 + 1, &origin),
			 E_BAD_PARAMS);
	assert_int_equal(origin, ORIGIN_TEE);

	/* Nothing of any of them was kept. */
	assert_true(core_get_slot_info((uint32_t)core_find_guest_slot(1),
				       &after));
	assert_int_equal(after.heap_used, before.heap_used);
	shim_get_stats(&st);
	assert_int_equal(st.ns_maps_live, st0.ns_maps_live);
	assert_int_equal(raw_close_session(1, s), SUCCESS);
}

static void test_kv_store_is_per_guest_and_outlives_sessions(void **state)
{
	uint32_t s1 = raw_open_session(1, &kv);
	uint32_t s2 = raw_open_session(2, &kv);
	uint8_t got[64];
	uint64_t size = 0;

	(void)state;
	kv_put(1, s1, "shared?", "guest one", 9, 0, SUCCESS);
	/* Guest 2 has its own instance: it does not see guest 1's key. */
	assert_int_equal(kv_get(2, s2, "shared?", got, sizeof(got), &size),
			 E_NOT_FOUND);
	kv_put(2, s2, "shared?", "guest two", 9, 0, SUCCESS);
	assert_int_equal(raw_close_session(1, s1), SUCCESS);
	/* Keep-alive: a new session of guest 1 finds the store as it was. */
	s1 = raw_open_session(1, &kv);
	assert_int_equal(kv_get(1, s1, "shared?", got, sizeof(got), &size),
			 SUCCESS);
	assert_memory_equal(got, "guest one", 9);
	assert_int_equal(kv_get(2, s2, "shared?", got, sizeof(got), &size),
			 SUCCESS);
	assert_memory_equal(got, "guest two", 9);
	assert_int_equal(raw_close_session(1, s1), SUCCESS);
	assert_int_equal(raw_close_session(2, s2), SUCCESS);
}

static void test_sessions_are_invisible_to_other_guests(void **state)
{
	uint32_t s = raw_open_session(1, &hello);
	uint32_t v = 5;
	uint32_t origin = 0;

	(void)state;
	/* Guest 2 naming guest 1's session ID reaches nothing. */
	assert_int_equal(raw_invoke_value(2, s, 0, &v, &origin), E_BAD_PARAMS);
	assert_int_equal(origin, ORIGIN_TEE);
	assert_int_equal(raw_close_session(2, s), E_NOT_FOUND);
	assert_int_equal(raw_invoke_value(1, s, 0, &v, NULL), SUCCESS);
	assert_int_equal(v, 6);
	assert_int_equal(raw_close_session(1, s), SUCCESS);
}

static void test_close_session_and_cancel_rules(void **state)
{
	uint32_t s = raw_open_session(1, &hello);
	struct raw_arg a;

	(void)state;
	raw_init(&a, OPTEE_MSG_CMD_CANCEL, 0);
	a.hdr.session = s;
	assert_int_equal(raw_call(1, &a), T_OK);
	assert_int_equal(a.hdr.ret, SUCCESS);
	raw_init(&a, OPTEE_MSG_CMD_CANCEL, 1);
	a.hdr.session = s;
	assert_int_equal(raw_call(1, &a), T_OK);
	assert_int_equal(a.hdr.ret, E_BAD_PARAMS);
	raw_init(&a, OPTEE_MSG_CMD_CANCEL, 0);
	a.hdr.session = s + 1000;
	assert_int_equal(raw_call(1, &a), T_OK);
	assert_int_equal(a.hdr.ret, E_BAD_PARAMS);

	raw_init(&a, OPTEE_MSG_CMD_CLOSE_SESSION, 1);
	a.hdr.session = s;
	assert_int_equal(raw_call(1, &a), T_OK);
	assert_int_equal(a.hdr.ret, E_BAD_PARAMS);
	assert_int_equal(raw_close_session(1, s), SUCCESS);
	assert_int_equal(raw_close_session(1, s), E_NOT_FOUND);
}

/* REGISTER_SHM of @len bytes at @buf_ptr with @cookie; returns ret. */
static uint32_t reg_shm(uint32_t guest, uint64_t buf_ptr, uint64_t len,
			uint64_t cookie, uint64_t attr)
{
	struct raw_arg a;

	raw_init(&a, OPTEE_MSG_CMD_REGISTER_SHM, 1);
	a.hdr.params[0].attr = attr;
	a.hdr.params[0].u.tmem.buf_ptr = buf_ptr;
	a.hdr.params[0].u.tmem.size = len;
	a.hdr.params[0].u.tmem.shm_ref = cookie;
	assert_int_equal(raw_call(guest, &a), T_OK);
	assert_int_equal(a.hdr.ret_origin, ORIGIN_TEE);
	return a.hdr.ret;
}

static uint32_t unreg_shm(uint32_t guest, uint64_t cookie)
{
	struct raw_arg a;

	raw_init(&a, OPTEE_MSG_CMD_UNREGISTER_SHM, 1);
	a.hdr.params[0].attr = OPTEE_MSG_ATTR_TYPE_RMEM_INPUT;
	a.hdr.params[0].u.rmem.shm_ref = cookie;
	assert_int_equal(raw_call(guest, &a), T_OK);
	return a.hdr.ret;
}

static uint32_t kv_get_rmem(uint32_t guest, uint32_t s, uint64_t key_cookie,
			    uint64_t key_len, uint64_t val_cookie,
			    uint64_t val_offs, uint64_t val_size,
			    uint64_t *out_size)
{
	struct raw_arg a;

	raw_init(&a, OPTEE_MSG_CMD_INVOKE_COMMAND, 2);
	a.hdr.session = s;
	a.hdr.func = TA_KV_CMD_GET;
	a.hdr.params[0].attr = OPTEE_MSG_ATTR_TYPE_RMEM_INPUT;
	a.hdr.params[0].u.rmem.shm_ref = key_cookie;
	a.hdr.params[0].u.rmem.size = key_len;
	a.hdr.params[1].attr = OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT;
	a.hdr.params[1].u.rmem.shm_ref = val_cookie;
	a.hdr.params[1].u.rmem.offs = val_offs;
	a.hdr.params[1].u.rmem.size = val_size;
	assert_int_equal(raw_call(guest, &a), T_OK);
	*out_size = a.hdr.params[1].u.rmem.size;
	return a.hdr.ret;
}

static void test_registered_shm_lifecycle(void **state)
{
	const uint64_t regd = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT |
			      OPTEE_MSG_ATTR_NONCONTIG;
	uint8_t area[8192] = "gamma";
	uint64_t pages[3];
	uint64_t buf = raw_buffer(area, sizeof(area), 0, pages, 3);
	uint32_t s = raw_open_session(1, &kv);
	uint8_t got[16];
	uint64_t size = 0;

	(void)state;
	kv_put(1, s, "gamma", "delta", 5, 0, SUCCESS);
	assert_int_equal(reg_shm(1, buf, sizeof(area), 0xc0ffee, regd), SUCCESS);
	/* A cookie names one buffer. */
	assert_int_equal(reg_shm(1, buf, sizeof(area), 0xc0ffee, regd),
			 E_BAD_PARAMS);
	/* OP-TEE takes TMEM_OUTPUT|NONCONTIG only, as Linux sends it. */
	assert_int_equal(reg_shm(1, buf, 16, 0xbeef,
				 OPTEE_MSG_ATTR_TYPE_TMEM_INPUT |
				 OPTEE_MSG_ATTR_NONCONTIG), E_BAD_PARAMS);
	assert_int_equal(reg_shm(1, raw_page(), 16, 0xbeef,
				 OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT), E_BAD_PARAMS);

	/* Key at offset 0 of the buffer, value written at offset 4096. */
	assert_int_equal(kv_get_rmem(1, s, 0xc0ffee, 5, 0xc0ffee, 4096, 64,
				     &size), SUCCESS);
	assert_int_equal(size, 5);
	raw_buffer_read(pages + 1, 0, got, 5);
	assert_memory_equal(got, "delta", 5);
	/* Outside what was registered: SECURITY. */
	assert_int_equal(kv_get_rmem(1, s, 0xc0ffee, 5, 0xc0ffee, 8190, 64,
				     &size), E_SECURITY);
	assert_int_equal(kv_get_rmem(1, s, 0xc0ffee, 5, 0xc0ffee,
				     0xfffffffffffffff0ull, 64, &size),
			 E_SECURITY);
	/* Unknown cookie, or another guest's: BAD_PARAMETERS. */
	assert_int_equal(kv_get_rmem(1, s, 0x1234, 5, 0xc0ffee, 0, 64, &size),
			 E_BAD_PARAMS);
	{
		uint32_t s2 = raw_open_session(2, &kv);

		assert_int_equal(kv_get_rmem(2, s2, 0xc0ffee, 5, 0xc0ffee, 0,
					     64, &size), E_BAD_PARAMS);
		assert_int_equal(unreg_shm(2, 0xc0ffee), E_NOT_FOUND);
		assert_int_equal(raw_close_session(2, s2), SUCCESS);
	}
	/* UNREGISTER takes an RMEM_INPUT, not a value that looks like one. */
	{
		struct raw_arg a;

		raw_init(&a, OPTEE_MSG_CMD_UNREGISTER_SHM, 1);
		a.hdr.params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
		a.hdr.params[0].u.value.c = 0xc0ffee;	/* where shm_ref is */
		assert_int_equal(raw_call(1, &a), T_OK);
		assert_int_equal(a.hdr.ret, E_BAD_PARAMS);
		assert_int_equal(a.hdr.ret_origin, ORIGIN_TEE);
	}
	assert_int_equal(kv_get_rmem(1, s, 0xc0ffee, 5, 0xc0ffee, 4096, 64,
				     &size), SUCCESS);
	assert_int_equal(unreg_shm(1, 0xc0ffee), SUCCESS);
	assert_int_equal(unreg_shm(1, 0xc0ffee), E_NOT_FOUND);
	assert_int_equal(kv_get_rmem(1, s, 0xc0ffee, 5, 0xc0ffee, 0, 64, &size),
			 E_BAD_PARAMS);
	/*
	 * Registered again on the same pages (under a new cookie): the kept
	 * mapping, not a new one, and it works as before.
	 */
	{
		struct shim_stats st0;
		struct shim_stats st;

		shim_get_stats(&st0);
		assert_int_equal(reg_shm(1, buf, sizeof(area), 0xc0ffef, regd),
				 SUCCESS);
		shim_get_stats(&st);
		/* One new mapping: the call's argument, on a fresh page. */
		assert_int_equal(st.ns_maps, st0.ns_maps + 1);
		assert_int_equal(st.ns_map_cache_hits,
				 st0.ns_map_cache_hits + 1);
		assert_int_equal(kv_get_rmem(1, s, 0xc0ffef, 5, 0xc0ffef, 4096,
					     64, &size), SUCCESS);
		assert_int_equal(unreg_shm(1, 0xc0ffef), SUCCESS);
	}
	assert_int_equal(raw_close_session(1, s), SUCCESS);
}

static void test_shm_commands_take_exactly_one_param(void **state)
{
	const uint64_t regd = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT |
			      OPTEE_MSG_ATTR_NONCONTIG;
	uint8_t area[64] = "x";
	uint64_t pages[1];
	uint64_t buf = raw_buffer(area, sizeof(area), 0, pages, 1);
	struct core_guest_info g;
	struct raw_arg a;
	uint32_t n = 0;

	(void)state;
	/* REGISTER with a well-formed list, but no or a second param. */
	for (n = 0; n <= 2; n += 2) {
		raw_init(&a, OPTEE_MSG_CMD_REGISTER_SHM, n);
		a.hdr.params[0].attr = regd;
		a.hdr.params[0].u.tmem.buf_ptr = buf;
		a.hdr.params[0].u.tmem.size = sizeof(area);
		a.hdr.params[0].u.tmem.shm_ref = 0xaa;
		assert_int_equal(raw_call(1, &a), T_OK);
		assert_int_equal(a.hdr.ret, E_BAD_PARAMS);
		assert_int_equal(a.hdr.ret_origin, ORIGIN_TEE);
	}
	assert_true(core_get_slot_info((uint32_t)core_find_guest_slot(1), &g));
	assert_int_equal(g.shm_registered, 0);
	assert_int_equal(unreg_shm(1, 0xaa), E_NOT_FOUND);

	/* UNREGISTER likewise: the buffer stays registered. */
	assert_int_equal(reg_shm(1, buf, sizeof(area), 0xaa, regd), SUCCESS);
	for (n = 0; n <= 2; n += 2) {
		raw_init(&a, OPTEE_MSG_CMD_UNREGISTER_SHM, n);
		a.hdr.params[0].attr = OPTEE_MSG_ATTR_TYPE_RMEM_INPUT;
		a.hdr.params[0].u.rmem.shm_ref = 0xaa;
		assert_int_equal(raw_call(1, &a), T_OK);
		assert_int_equal(a.hdr.ret, E_BAD_PARAMS);
	}
	assert_true(core_get_slot_info((uint32_t)core_find_guest_slot(1), &g));
	assert_int_equal(g.shm_registered, 1);
	assert_int_equal(unreg_shm(1, 0xaa), SUCCESS);
}

static void test_panic_kills_only_that_instance(void **state)
{
	uint32_t doomed = raw_open_session(1, &panic_ta);
	uint32_t other = raw_open_session(1, &panic_ta);
	uint32_t helloed = raw_open_session(1, &hello);
	uint32_t origin = 0;
	uint32_t v = 0;

	(void)state;
	assert_int_equal(raw_invoke_value(1, doomed, TA_PANIC_CMD_PANIC, &v,
					  &origin), E_TARGET_DEAD);
	assert_int_equal(origin, ORIGIN_TEE);
	/* The dead instance stays dead for its session... */
	assert_int_equal(raw_invoke_value(1, doomed, TA_PANIC_CMD_PING, &v,
					  &origin), E_TARGET_DEAD);
	/* ...while the guest's other sessions go on. */
	v = 1;
	assert_int_equal(raw_invoke_value(1, other, TA_PANIC_CMD_PING, &v, NULL),
			 SUCCESS);
	assert_int_equal(v, 2);
	assert_int_equal(raw_invoke_value(1, helloed, 0, &v, NULL), SUCCESS);
	assert_int_equal(raw_close_session(1, doomed), SUCCESS);
	assert_int_equal(raw_close_session(1, other), SUCCESS);
	assert_int_equal(raw_close_session(1, helloed), SUCCESS);
}

static uint32_t pta_value(uint32_t guest, uint32_t s, uint32_t cmd,
			  uint32_t *b)
{
	struct raw_arg a;

	raw_init(&a, OPTEE_MSG_CMD_INVOKE_COMMAND, 1);
	a.hdr.session = s;
	a.hdr.func = cmd;
	a.hdr.params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT;
	assert_int_equal(raw_call(guest, &a), T_OK);
	assert_int_equal(a.hdr.ret, SUCCESS);
	if (b)
		*b = (uint32_t)a.hdr.params[0].u.value.b;
	return (uint32_t)a.hdr.params[0].u.value.a;
}

static void test_pseudo_ta_keeps_per_guest_state(void **state)
{
	uint32_t p1 = raw_open_session(1, &guest_pta);
	uint32_t p2 = raw_open_session(2, &guest_pta);
	uint32_t shm = 0;

	(void)state;
	assert_int_equal(pta_value(1, p1, PTA_GUEST_CMD_ID, NULL), 1);
	assert_int_equal(pta_value(2, p2, PTA_GUEST_CMD_ID, NULL), 2);
	assert_int_equal(pta_value(1, p1, PTA_GUEST_CMD_COUNTER, NULL), 1);
	assert_int_equal(pta_value(1, p1, PTA_GUEST_CMD_COUNTER, NULL), 2);
	assert_int_equal(pta_value(1, p1, PTA_GUEST_CMD_COUNTER, NULL), 3);
	/* Guest 2's counter is its own. */
	assert_int_equal(pta_value(2, p2, PTA_GUEST_CMD_COUNTER, NULL), 1);
	assert_int_equal(pta_value(1, p1, PTA_GUEST_CMD_SESSIONS, &shm), 1);
	assert_int_equal(shm, 0);
	assert_int_equal(raw_close_session(1, p1), SUCCESS);
	assert_int_equal(raw_close_session(2, p2), SUCCESS);
}

static void test_pseudo_ta_stats_and_refusals(void **state)
{
	uint32_t p = raw_open_session(1, &guest_pta);
	struct core_guest_info g;
	uint32_t origin = 0;
	uint32_t heap = 0;
	uint32_t ta_ram = 0;
	uint32_t v = 0;
	struct raw_arg a;

	(void)state;
	/* STATS: the guest's own heap and TA RAM, as the debug port sees them. */
	heap = pta_value(1, p, PTA_GUEST_CMD_STATS, &ta_ram);
	assert_true(core_get_slot_info((uint32_t)core_find_guest_slot(1), &g));
	assert_true(heap > 0);
	assert_true(heap <= g.heap_max_used);
	assert_int_equal(ta_ram, g.ta_ram_used);
	/* Only a value out; an unknown command; params at open. */
	assert_int_equal(raw_invoke_value(1, p, PTA_GUEST_CMD_ID, &v, &origin),
			 E_BAD_PARAMS);
	raw_init(&a, OPTEE_MSG_CMD_INVOKE_COMMAND, 1);
	a.hdr.session = p;
	a.hdr.func = 42;
	a.hdr.params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT;
	assert_int_equal(raw_call(1, &a), T_OK);
	assert_int_equal(a.hdr.ret, E_NOT_SUPPORTED);
	raw_open(&a, &guest_pta, 1);
	a.hdr.params[2].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	assert_int_equal(raw_call(1, &a), T_OK);
	assert_int_equal(a.hdr.ret, E_BAD_PARAMS);
	assert_int_equal(a.hdr.session, 0);
	/* Still one session: the refused open left nothing. */
	assert_int_equal(pta_value(1, p, PTA_GUEST_CMD_SESSIONS, NULL), 1);
	assert_int_equal(raw_close_session(1, p), SUCCESS);
}

static void test_stress_fills_one_share_only(void **state)
{
	uint32_t s1 = raw_open_session(1, &stress);
	uint32_t s2 = raw_open_session(2, &stress);
	struct core_guest_info g;
	uint32_t ret = SUCCESS;
	uint32_t v = 0;
	int n = 0;

	(void)state;
	/* Guest 1 takes 256 KiB at a time until its share is gone. */
	for (n = 0; n < 1000 && ret == SUCCESS; n++) {
		v = 256 * 1024;
		ret = raw_invoke_value(1, s1, TA_STRESS_CMD_HOLD, &v, NULL);
	}
	assert_int_equal(ret, E_OOM);
	assert_true(core_get_slot_info((uint32_t)core_find_guest_slot(1), &g));
	assert_true(g.ta_ram_used > g.ta_ram_size - 256 * 1024);
	/* Guest 2 can still take nearly all of its own, equal, share. */
	v = (uint32_t)(g.ta_ram_size - 256 * 1024);
	assert_int_equal(raw_invoke_value(2, s2, TA_STRESS_CMD_HOLD, &v, NULL),
			 SUCCESS);
	{
		struct raw_arg a;

		raw_init(&a, OPTEE_MSG_CMD_INVOKE_COMMAND, 0);
		a.hdr.session = s1;
		a.hdr.func = TA_STRESS_CMD_RELEASE;
		assert_int_equal(raw_call(1, &a), T_OK);
		assert_int_equal(a.hdr.ret, SUCCESS);
	}
	assert_int_equal(raw_close_session(1, s1), SUCCESS);
	assert_int_equal(raw_close_session(2, s2), SUCCESS);
}

/* The host memory maps of this process (lines of /proc/self/maps). */
static size_t host_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	size_t n = 0;
	int c = 0;

	assert_non_null(f);
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* An INVOKE from @guest whose tmem is @count pages, no two adjacent. */
static void call_with_scattered_buffer(uint32_t guest, uint32_t s,
				       uint64_t arg_pa, size_t count,
				       size_t shift)
{
	const struct arch_platform *p = &harness_machine.cfg.platform;
	static uint64_t list[512];
	uint64_t first = raw_page();
	uint64_t lp = first;
	struct raw_arg a;
	size_t k = 0;

	memset(list, 0, sizeof(list));
	for (k = 0; k < count; k++) {
		list[k % 511] = pa_addr(p->nsec_ddr_base) +
				2 * (k + shift) * 4096;
		if (k % 511 == 510 && k + 1 < count) {
			list[511] = raw_page();
			assert_int_equal(sim_phys_write(&harness_machine, lp,
							list, sizeof(list)), 0);
			lp = list[511];
			memset(list, 0, sizeof(list));
		}
	}
	assert_int_equal(sim_phys_write(&harness_machine, lp, list,
					sizeof(list)), 0);
	raw_init(&a, OPTEE_MSG_CMD_INVOKE_COMMAND, 1);
	a.hdr.session = s;
	a.hdr.func = TA_KV_CMD_GET;
	a.hdr.params[0].attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT |
			       OPTEE_MSG_ATTR_NONCONTIG;
	a.hdr.params[0].u.tmem.buf_ptr = first;
	a.hdr.params[0].u.tmem.size = count * 4096;
	assert_int_equal(raw_call_at(guest, arg_pa, &a), T_OK);
}

/*
 * Every run of scattered pages is a host memory map, and a process has a
 * bounded number of them: buffers of many runs, call after call and
 * guest after guest, must not pile up in the MMU's kept mappings.
 */
static void test_scattered_buffers_do_not_pile_up_host_maps(void **state)
{
	uint64_t arg_pa = raw_page();
	size_t before = host_maps();
	uint32_t s = 0;
	int round = 0;
	size_t n = 0;

	(void)state;
	for (round = 0; round < 4; round++) {
		s = raw_open_session(2, &kv);
		for (n = 0; n < 7; n++)
			call_with_scattered_buffer(2, s, arg_pa, 600,
						   n + 10 * (size_t)round);
		assert_int_equal(raw_close_session(2, s), SUCCESS);
		/* The guest dies and comes back: its kept mappings are orphaned. */
		assert_int_equal(sim_vm_destroyed(2), T_OK);
		assert_int_equal(sim_vm_created(2), T_OK);
	}
	/* 28 buffers of 600 maps each went by: next to none are kept. */
	assert_true(host_maps() < before + 200);
}

static void test_no_mapping_outlives_its_call(void **state)
{
	struct shim_stats st;
	uint32_t s = raw_open_session(1, &kv);

	(void)state;
	kv_put(1, s, "k", "v", 1, 0, SUCCESS);
	assert_int_equal(raw_close_session(1, s), SUCCESS);
	shim_get_stats(&st);
	/* Every arg page and memref mapping was released. */
	assert_int_equal(st.ns_maps_live, 0);
	assert_true(st.ns_maps > 4);
	assert_int_equal(st.ns_maps_leaked, 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_world_round_trip),
		cmocka_unit_test(test_open_session_refusals),
		cmocka_unit_test(test_bad_param_attributes_are_bad_parameters),
		cmocka_unit_test(test_smc_level_refusals_leave_the_arg_alone),
		cmocka_unit_test(test_memrefs_through_page_lists),
		cmocka_unit_test(test_kv_store_is_per_guest_and_outlives_sessions),
		cmocka_unit_test(test_kv_store_replaces_deletes_and_refuses_bad_keys),
		cmocka_unit_test(test_builtin_tas_refuse_unknown_commands_and_params),
		cmocka_unit_test(test_page_lists_that_lie_are_refused),
		cmocka_unit_test(test_sessions_are_invisible_to_other_guests),
		cmocka_unit_test(test_close_session_and_cancel_rules),
		cmocka_unit_test(test_registered_shm_lifecycle),
		cmocka_unit_test(test_shm_commands_take_exactly_one_param),
		cmocka_unit_test(test_panic_kills_only_that_instance),
		cmocka_unit_test(test_pseudo_ta_keeps_per_guest_state),
		cmocka_unit_test(test_pseudo_ta_stats_and_refusals),
		cmocka_unit_test(test_stress_fills_one_share_only),
		cmocka_unit_test(test_scattered_buffers_do_not_pile_up_host_maps),
		cmocka_unit_test(test_no_mapping_outlives_its_call),
	};

	harness_init(argc, argv);
	return HARNESS_RUN("messages", tests, setup, harness_teardown);
}
