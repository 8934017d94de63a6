// SPDX-License-Identifier: BSD-2-Clause
/*
 * GP persistent objects on each guest's own REE file system: GP's rules
 * (checked inside a TA), one guest's objects out of another's reach, and a
 * normal world that rewrites the files.
 */

#include <stdint.h>
#include <string.h>

#include <arch/thread.h>
#include <nexsim/ta_ids.h>
#include <sim/guest.h>
#include <sim/hyp.h>
#include <sim/supplicant.h>
#include <tee_client_api.h>
#include <tests/harness.h>
#include <tests/probe_ta.h>

#define STORAGE_PREFIX	"6e657873-696d-5354-4f52-000000000005/"

static const TEEC_UUID storage = TA_STORAGE_UUID;
static const TEEC_UUID probe = TA_API_PROBE_UUID;

static struct vm *vms[2];
static TEEC_Context ctx[2];

/* Start @cfg's machine, the hypervisor, two VMs with a context each. */
static void start_with_vms(const struct nexsim_config *cfg)
{
	char err[256] = "";
	size_t n = 0;

	harness_start(cfg);
	assert_int_equal(hyp_init(&harness_machine, err, sizeof(err)), 0);
	for (n = 0; n < 2; n++) {
		vms[n] = hyp_vm_create(2 << 20, err, sizeof(err));
		assert_non_null(vms[n]);
		guest_select(vms[n]);
		assert_int_equal(TEEC_InitializeContext(NULL, &ctx[n]),
				 TEEC_SUCCESS);
	}
}

static int setup(void **state)
{
	struct nexsim_config cfg;

	(void)state;
	harness_config(&cfg, "qemu_v8");
	start_with_vms(&cfg);
	return 0;
}

static int teardown(void **state)
{
	hyp_fini();
	return harness_teardown(state);
}

static void open_session(size_t vm, const TEEC_UUID *uuid, TEEC_Session *s)
{
	assert_int_equal(TEEC_OpenSession(&ctx[vm], s, uuid, TEEC_LOGIN_PUBLIC,
					  NULL, NULL, NULL), TEEC_SUCCESS);
}

static TEEC_Result put(TEEC_Session *s, const char *id, const char *data)
{
	TEEC_Operation op;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT,
					 TEEC_MEMREF_TEMP_INPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].tmpref.buffer = (void *)id;
	op.params[0].tmpref.size = strlen(id);
	op.params[1].tmpref.buffer = (void *)data;
	op.params[1].tmpref.size = strlen(data);
	return TEEC_InvokeCommand(s, TA_STORAGE_CMD_WRITE, &op, NULL);
}

static TEEC_Result get(TEEC_Session *s, const char *id, char *out,
		       size_t size)
{
	TEEC_Operation op;
	TEEC_Result res = 0;

	memset(&op, 0, sizeof(op));
	memset(out, 0, size);
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT,
					 TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].tmpref.buffer = (void *)id;
	op.params[0].tmpref.size = strlen(id);
	op.params[1].tmpref.buffer = out;
	op.params[1].tmpref.size = size - 1;
	res = TEEC_InvokeCommand(s, TA_STORAGE_CMD_READ, &op, NULL);
	return res;
}

static void test_gp_rules_hold_in_the_ta(void **state)
{
	struct supp_stats st;
	TEEC_Operation op;
	TEEC_Session s;

	(void)state;
	open_session(0, &probe, &s);
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_NONE,
					 TEEC_NONE, TEEC_NONE);
	assert_int_equal(TEEC_InvokeCommand(&s, PROBE_CMD_STORAGE, &op, NULL),
			 TEEC_SUCCESS);
	/* No check failed, and all 31 ran. */
	assert_int_equal(op.params[0].value.a, 0);
	assert_int_equal(op.params[0].value.b, 31);
	TEEC_CloseSession(&s);
	/* It deleted what it made, and closed every file. */
	supp_get_stats(vms[0]->drv->supp, &st);
	assert_int_equal(st.files, 0);
	assert_int_equal(st.open_fds, 0);
	assert_int_equal(st.payloads, 0);
	assert_true(st.commands > 50);
}

static void test_one_guest_never_sees_another_guests_objects(void **state)
{
	struct supp_stats st;
	TEEC_Session a;
	TEEC_Session b;
	char got[32];

	(void)state;
	open_session(0, &storage, &a);
	open_session(1, &storage, &b);
	assert_int_equal(put(&a, "key", "alpha"), TEEC_SUCCESS);
	/* Same TA, same object ID, another guest: nothing there. */
	assert_int_equal(get(&b, "key", got, sizeof(got)),
			 TEEC_ERROR_ITEM_NOT_FOUND);
	assert_int_equal(put(&b, "key", "beta"), TEEC_SUCCESS);
	assert_int_equal(get(&a, "key", got, sizeof(got)), TEEC_SUCCESS);
	assert_string_equal(got, "alpha");
	assert_int_equal(get(&b, "key", got, sizeof(got)), TEEC_SUCCESS);
	assert_string_equal(got, "beta");
	/* Each guest's supplicant holds its own file, named by the TA. */
	supp_get_stats(vms[0]->drv->supp, &st);
	assert_int_equal(st.files, 1);
	assert_int_equal(st.bytes, 16 + 5);
	assert_string_equal(supp_file_name(vms[0]->drv->supp, 0),
			    STORAGE_PREFIX "6b6579");
	supp_get_stats(vms[1]->drv->supp, &st);
	assert_int_equal(st.files, 1);
	assert_int_equal(st.bytes, 16 + 4);
	TEEC_CloseSession(&a);
	TEEC_CloseSession(&b);
}

static void test_a_rewritten_file_is_a_corrupt_object(void **state)
{
	struct supp *supp = vms[0]->drv->supp;
	TEEC_Session s;
	uint8_t *data = NULL;
	size_t size = 0;
	char got[32];

	(void)state;
	open_session(0, &storage, &s);
	assert_int_equal(put(&s, "doc", "0123456789"), TEEC_SUCCESS);
	assert_true(supp_file_bytes(supp, STORAGE_PREFIX "646f63", &data,
				    &size));
	assert_int_equal(size, 16 + 10);
	/* The normal world claims more data than the file has. */
	data[8] = 200;
	assert_int_equal(get(&s, "doc", got, sizeof(got)),
			 TEEC_ERROR_SHORT_BUFFER);
	data[8] = 20;
	assert_int_equal(get(&s, "doc", got, sizeof(got)), 0xf0100001u);
	/* A foreign header: CORRUPT_OBJECT, never a crash. */
	data[8] = 10;
	data[0] ^= 0xff;
	assert_int_equal(get(&s, "doc", got, sizeof(got)), 0xf0100001u);
	data[0] ^= 0xff;
	assert_int_equal(get(&s, "doc", got, sizeof(got)), TEEC_SUCCESS);
	assert_string_equal(got, "0123456789");
	TEEC_CloseSession(&s);
}

static void test_a_panicking_ta_leaves_no_object_open(void **state)
{
	struct core_guest_info info;
	struct supp_stats st;
	TEEC_Operation op;
	TEEC_Session s;
	uint32_t origin = 0;

	(void)state;
	open_session(0, &probe, &s);
	memset(&op, 0, sizeof(op));
	assert_int_equal(TEEC_InvokeCommand(&s, PROBE_CMD_STORAGE_PANIC, &op,
					    &origin), TEEC_ERROR_TARGET_DEAD);
	TEEC_CloseSession(&s);
	/* Its handle is closed for it: no descriptor, no handle left. */
	supp_get_stats(vms[0]->drv->supp, &st);
	assert_int_equal(st.open_fds, 0);
	assert_int_equal(st.payloads, 0);
	assert_true(core_get_slot_info((uint32_t)core_find_guest_slot(
			(uint16_t)vms[0]->client_id), &info));
	assert_int_equal(info.storage_handles, 0);
	/* A new instance opens the object it made: not held by the dead one. */
	open_session(0, &probe, &s);
	assert_int_equal(TEEC_InvokeCommand(&s, PROBE_CMD_STORAGE_PANIC, &op,
					    &origin), TEEC_ERROR_TARGET_DEAD);
	TEEC_CloseSession(&s);
}

static void test_storage_misuse_panics_and_releases_everything(void **state)
{
	struct core_guest_info info;
	struct supp_stats st;
	TEEC_Operation op;
	TEEC_Session probe_s;
	TEEC_Session store_s;
	uint32_t origin = 0;
	uint32_t which = 0;
	char got[16];

	(void)state;
	open_session(0, &storage, &store_s);
	for (which = 0; which < PROBE_MISUSE_COUNT; which++) {
		open_session(0, &probe, &probe_s);
		memset(&op, 0, sizeof(op));
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE,
						 TEEC_NONE, TEEC_NONE);
		op.params[0].value.a = which;
		assert_int_equal(TEEC_InvokeCommand(&probe_s,
						    PROBE_CMD_STORAGE_MISUSE,
						    &op, &origin),
				 TEEC_ERROR_TARGET_DEAD);
		assert_int_equal(origin, TEEC_ORIGIN_TEE);
		TEEC_CloseSession(&probe_s);
		/* Its object is closed, no payload is left... */
		supp_get_stats(vms[0]->drv->supp, &st);
		assert_int_equal(st.open_fds, 0);
		assert_int_equal(st.payloads, 0);
		assert_true(core_get_slot_info((uint32_t)core_find_guest_slot(
				(uint16_t)vms[0]->client_id), &info));
		assert_int_equal(info.storage_handles, 0);
		/* ...and the storage lock is free for the guest's other TAs. */
		assert_int_equal(put(&store_s, "after", "ok"), TEEC_SUCCESS);
		assert_int_equal(get(&store_s, "after", got, sizeof(got)),
				 TEEC_SUCCESS);
		assert_string_equal(got, "ok");
	}
	TEEC_CloseSession(&store_s);
}

/* put() through @s: the payloads, bytes and commands it cost vms[0]. */
static void payload_use(TEEC_Session *s, const char *id, const char *data,
			uint64_t *allocs, uint64_t *bytes, uint64_t *commands)
{
	struct supp_stats st0;
	struct supp_stats st;

	supp_get_stats(vms[0]->drv->supp, &st0);
	assert_int_equal(put(s, id, data), TEEC_SUCCESS);
	supp_get_stats(vms[0]->drv->supp, &st);
	/* Whatever the call used is back before it completed. */
	assert_int_equal(st.payloads, 0);
	*allocs = st.payloads_allocated - st0.payloads_allocated;
	*bytes = st.payload_bytes - st0.payload_bytes;
	*commands = st.commands - st0.commands;
}

static void test_a_calls_fs_operations_share_one_payload_buffer(void **state)
{
	static char big[6001];
	uint64_t allocs = 0;
	uint64_t bytes = 0;
	uint64_t commands = 0;
	TEEC_Session s;

	(void)state;
	open_session(0, &storage, &s);
	/*
	 * Create, write and close the object, with its name and data in
	 * the thread's cached payload: one SHM_ALLOC of a whole page.
	 */
	payload_use(&s, "shared", "small", &allocs, &bytes, &commands);
	assert_true(commands >= 4);
	assert_int_equal(allocs, 1);
	assert_int_equal(bytes, 4096);
	/* More data than the cached page holds: it is replaced, once. */
	memset(big, 'b', sizeof(big) - 1);
	payload_use(&s, "shared", big, &allocs, &bytes, &commands);
	assert_int_equal(allocs, 2);
	assert_int_equal(bytes, 4096 + 8192);
	assert_int_equal(put(&s, "shared", ""), TEEC_SUCCESS);
	TEEC_CloseSession(&s);
}

/*
 * Mutex points of guest 0's threads while the normal world holds a
 * payload buffer for it, counted; at the @fault_at-th, a violation.
 */
static int points;
static int fault_at;
static uint8_t *other_guest_memory;

static bool count_or_fault(unsigned int core, enum arch_preempt_kind kind,
			   void *arg)
{
	struct supp_stats st;

	(void)arg;
	if (kind != ARCH_PREEMPT_MUTEX || !shim_core_in_thread(core))
		return false;
	supp_get_stats(vms[0]->drv->supp, &st);
	if (st.payloads && ++points == fault_at)
		other_guest_memory[0] = 1;	/* another guest's memory */
	return false;
}

/*
 * A call abandoned after an FS operation held a payload buffer of the
 * normal world: the TEE still gives it back (SHM_FREE), from a fresh
 * thread, before the call ends. Restarts the machine: the last test.
 */
static void test_an_abandoned_call_gives_its_payload_back(void **state)
{
	struct core_guest_info info;
	struct nexsim_config cfg;
	struct supp_stats st0;
	struct supp_stats st;
	struct shim_stats sh;
	TEEC_Session s;

	(void)state;
	hyp_fini();
	harness_stop();
	harness_config(&cfg, "qemu_v8");
	cfg.on_violation = SHIM_VIOLATION_END_CALL;
	cfg.quiet_violations = true;
	start_with_vms(&cfg);
	open_session(1, &storage, &s);
	TEEC_CloseSession(&s);
	assert_true(core_get_slot_info((uint32_t)core_find_guest_slot(
			(uint16_t)vms[1]->client_id), &info));
	/* Its second thread's stack: never used, so ASan has no word on it. */
	other_guest_memory = (uint8_t *)info.private_va + info.heap_size +
			     info.stacks_size / 2 + 64;
	open_session(0, &storage, &s);
	/*
	 * Once to count the points, then again with a violation at the last:
	 * by then the TA has returned, so the call itself is abandoned.
	 */
	shim_set_preempt_hook(count_or_fault, NULL);
	points = 0;
	fault_at = -1;
	assert_int_equal(put(&s, "abandon1", "data"), TEEC_SUCCESS);
	assert_true(points > 0);
	fault_at = points;
	points = 0;
	supp_get_stats(vms[0]->drv->supp, &st0);
	assert_int_not_equal(put(&s, "abandon2", "data"), TEEC_SUCCESS);
	shim_set_preempt_hook(NULL, NULL);
	shim_get_stats(&sh);
	assert_int_equal(sh.aborted_calls, 1);
	supp_get_stats(vms[0]->drv->supp, &st);
	/* It had a payload when it was abandoned, and gave it back. */
	assert_true(st.payloads_allocated > st0.payloads_allocated);
	assert_int_equal(st.payloads, 0);
	/* The guest's storage still works. */
	assert_int_equal(put(&s, "after", "ok"), TEEC_SUCCESS);
	TEEC_CloseSession(&s);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gp_rules_hold_in_the_ta),
		cmocka_unit_test(test_one_guest_never_sees_another_guests_objects),
		cmocka_unit_test(test_a_rewritten_file_is_a_corrupt_object),
		cmocka_unit_test(test_a_panicking_ta_leaves_no_object_open),
		cmocka_unit_test(test_storage_misuse_panics_and_releases_everything),
		cmocka_unit_test(test_a_calls_fs_operations_share_one_payload_buffer),
		/* Restarts the machine: last. */
		cmocka_unit_test(test_an_abandoned_call_gives_its_payload_back),
	};

	harness_init(argc, argv);
	return HARNESS_RUN("storage", tests, setup, teardown);
}
