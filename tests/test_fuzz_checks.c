// SPDX-License-Identifier: BSD-2-Clause
/*
 * The fuzz targets' check of fast-call answers (fuzz_check_fast_result):
 * every answer of the real machine passes it, and an answer off the ABI
 * in any way it checks stops the process with its one-line message. And
 * how the decoders read an input's bytes.
 */

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <shim/shim.h>
#include <sim/guest.h>
#include <sim/hyp.h>
#include <sim/mediator.h>
#include <sim/optee_abi.h>
#include <tests/child.h>

#include "fuzz_common.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

static const uint32_t fast_ids[] = {
	SMC_CALLS_COUNT, SMC_CALLS_UID, SMC_CALLS_REVISION, SMC_GET_OS_UUID,
	SMC_GET_OS_REVISION, SMC_GET_SHM_CONFIG, SMC_L2CC_MUTEX,
	SMC_EXCHANGE_CAPABILITIES, SMC_DISABLE_SHM_CACHE, SMC_ENABLE_SHM_CACHE,
	SMC_BOOT_SECONDARY, SMC_VM_CREATED, SMC_VM_DESTROYED,
	SMC_GET_THREAD_COUNT_ID, 0xb2000010u, 0xb2000011u, 0xb2001234u,
	0xbf00ff02u, 0x80000000u,
};

/* Send @in straight to the TEE on core 0; the answer in @out. */
static void send(const uint64_t in[8], uint64_t out[8])
{
	struct shim_regs regs;

	memcpy(regs.x, in, sizeof(regs.x));
	shim_smc(0, &regs);
	memcpy(out, regs.x, sizeof(regs.x));
}

static void regs_of(uint64_t r[8], uint32_t fid, uint32_t a1, uint32_t a7)
{
	size_t n = 0;

	/* Registers the call does not return must come back as sent. */
	for (n = 0; n < 8; n++)
		r[n] = 0x1110u * (n + 1);
	r[0] = fid;
	r[1] = a1;
	r[7] = a7;
}

struct child_check {
	void (*fn)(void *arg);
	void *arg;
};

/* In the child: a broken invariant exits 1 (fuzz_fail_exits), not abort. */
static void run_check(void *arg)
{
	struct child_check *c = arg;

	fuzz_fail_exits(true);
	c->fn(c->arg);
}

/* Run @fn in a child: it must stop with exit status 1, naming @what. */
static void assert_check_fails(void (*fn)(void *arg), void *arg,
			       const char *what)
{
	struct child_check c = { fn, arg };
	char buf[512] = "";
	int status = test_run_child(run_check, &c, buf, sizeof(buf));

	if (!WIFEXITED(status))
		fail_msg("the check ended by signal %d: %s", WTERMSIG(status), buf);
	assert_int_equal(WEXITSTATUS(status), 1);
	if (!strstr(buf, what))
		fail_msg("expected '%s' in: %s", what, buf);
}

/*
 * Every fast call, from the hypervisor, from a live guest and from no
 * guest, straight to the TEE: the check passes each real answer. So
 * does each answer a guest gets through the hypervisor (fuzz_guest's
 * corpus runs that way in the corpus tests).
 */
static void test_real_answers_pass(void **state)
{
	const uint32_t callers[] = { 0, 1, 77 };
	uint64_t in[8];
	uint64_t out[8];
	size_t c = 0;
	size_t f = 0;

	(void)state;
	fuzz_reset();
	regs_of(in, SMC_VM_CREATED, 1, 0);
	send(in, out);
	assert_int_equal(out[0], SMC_RET_OK);
	for (c = 0; c < sizeof(callers) / sizeof(callers[0]); c++) {
		for (f = 0; f < sizeof(fast_ids) / sizeof(fast_ids[0]); f++) {
			enum fuzz_fast_caller who = fuzz_fast_caller_of(callers[c]);

			/* A VM_CREATED or VM_DESTROYED of guest 9: no harm. */
			regs_of(in, fast_ids[f], 9, callers[c]);
			send(in, out);
			fuzz_check_fast_result(who, in, out);
		}
	}
	assert_int_equal(fuzz_fast_caller_of(0), FUZZ_FAST_HYP);
	assert_int_equal(fuzz_fast_caller_of(1), FUZZ_FAST_GUEST);
	assert_int_equal(fuzz_fast_caller_of(77), FUZZ_FAST_UNKNOWN);
	assert_int_equal(fuzz_fast_caller_of(0x10001), FUZZ_FAST_UNKNOWN);
	/* Exchange capabilities with an unknown normal-world bit. */
	regs_of(in, SMC_EXCHANGE_CAPABILITIES, 0x2, 1);
	send(in, out);
	assert_int_equal(out[0], SMC_RET_ENOTAVAIL);
	fuzz_check_fast_result(FUZZ_FAST_GUEST, in, out);
}

struct bad_answer {
	enum fuzz_fast_caller caller;
	uint64_t in[8];
	uint64_t out[8];
};

static void check_bad(void *arg)
{
	struct bad_answer *b = arg;

	fuzz_check_fast_result(b->caller, b->in, b->out);
}

/* A real answer to @fid from @a7, to spoil. */
static void real_answer(struct bad_answer *b, uint32_t fid, uint32_t a1,
			uint32_t a7)
{
	fuzz_reset();
	if (a7) {
		uint64_t in[8];
		uint64_t out[8];

		regs_of(in, SMC_VM_CREATED, a7, 0);
		send(in, out);
		assert_int_equal(out[0], SMC_RET_OK);
	}
	regs_of(b->in, fid, a1, a7);
	b->caller = fuzz_fast_caller_of(a7);
	send(b->in, b->out);
	fuzz_check_fast_result(b->caller, b->in, b->out);
}

static void test_wrong_answers_stop_the_input(void **state)
{
	struct bad_answer b;

	(void)state;
	/* A return code the function cannot give. */
	real_answer(&b, SMC_GET_THREAD_COUNT_ID, 0, 1);
	b.out[0] = SMC_RET_EBUSY;
	assert_check_fails(check_bad, &b, "not as the ABI has it");
	/* A value the ABI fixes. */
	real_answer(&b, SMC_CALLS_UID, 0, 0);
	b.out[2] ^= 1;
	assert_check_fails(check_bad, &b, "not as the ABI has it");
	real_answer(&b, SMC_CALLS_COUNT, 0, 1);
	b.out[0] = 12;
	assert_check_fails(check_bad, &b, "not as the ABI has it");
	/* A register the call does not return, changed. */
	real_answer(&b, SMC_CALLS_REVISION, 0, 0);
	b.out[5] = 0;
	assert_check_fails(check_bad, &b, "a register it does not return");
	/* A call from no live guest that was not refused. */
	real_answer(&b, SMC_CALLS_COUNT, 0, 0);
	b.caller = FUZZ_FAST_UNKNOWN;
	b.in[7] = 42;
	assert_check_fails(check_bad, &b, "from no live guest");
	/* A guest announcing a guest, answered OK. */
	real_answer(&b, SMC_VM_CREATED, 5, 1);
	assert_int_equal(b.out[0], SMC_RET_ENOTAVAIL);
	b.out[0] = SMC_RET_OK;
	assert_check_fails(check_bad, &b, "not as the ABI has it");
	/*
	 * A guest through its mediator sees no VIRTUALIZATION capability,
	 * and only a0/a1 of the TEE's answer: its a2/a3 stay the guest's.
	 */
	real_answer(&b, SMC_EXCHANGE_CAPABILITIES, 0, 1);
	b.caller = FUZZ_FAST_MEDIATED;
	b.out[2] = b.in[2];
	b.out[3] = b.in[3];
	assert_check_fails(check_bad, &b, "through its mediator");
	b.out[1] &= ~(uint64_t)SMC_CAP_VIRTUALIZATION;
	check_bad(&b);
	b.out[3] = SMC_RPC_NUM_PARAMS;
	assert_check_fails(check_bad, &b, "a register it does not return");
	/* Through the mediator, CALLS_COUNT is the mediator's own. */
	real_answer(&b, SMC_CALLS_COUNT, 0, 1);
	b.caller = FUZZ_FAST_MEDIATED;
	assert_check_fails(check_bad, &b, "through its mediator");
	b.out[0] = MED_CALLS_COUNT;
	check_bad(&b);
	/* Nor anything the mediator does not handle but an unknown call. */
	real_answer(&b, SMC_VM_DESTROYED, 1, 0);
	b.caller = FUZZ_FAST_MEDIATED;
	assert_check_fails(check_bad, &b, "through its mediator");
	/* A guest's cache is there to enable: done, or busy, no more. */
	real_answer(&b, SMC_ENABLE_SHM_CACHE, 0, 1);
	b.out[0] = SMC_RET_ENOTAVAIL;
	assert_check_fails(check_bad, &b, "a live guest");
	/* The hypervisor has no RPC argument cache to enable. */
	real_answer(&b, SMC_ENABLE_SHM_CACHE, 0, 0);
	assert_int_equal(b.out[0], SMC_RET_ENOTAVAIL);
	b.out[0] = SMC_RET_OK;
	assert_check_fails(check_bad, &b, "the hypervisor");
}

/*
 * The registers @fid returns with a fixed value (ABI.md §1), as a mask;
 * through the mediator (@mediated), as Xen's returns them: no build ID
 * from GET_OS_REVISION, nothing in a3 from EXCHANGE_CAPABILITIES (nor,
 * a guest's, its own), no GET_THREAD_COUNT.
 */
static unsigned int fixed_regs(uint32_t fid, bool mediated)
{
	switch (fid) {
	case SMC_CALLS_UID:
	case SMC_GET_OS_UUID:
		return 0xe;
	case SMC_CALLS_REVISION:
		return 0x2;
	case SMC_GET_THREAD_COUNT_ID:
		return mediated ? 0 : 0x2;
	case SMC_GET_OS_REVISION:
		return mediated ? 0x2 : 0x6;
	case SMC_EXCHANGE_CAPABILITIES:
		return mediated ? 0 : 0x8;
	default:
		return 0;
	}
}

/*
 * Every function from every caller: a real answer passes; the same with
 * a0 = EBADCMD (no fast call gives it), with a fixed register changed, or
 * (straight to the TEE) with a register it does not return changed,
 * stops the input.
 */
static void spoil_each(struct bad_answer *b)
{
	const uint32_t fid = (uint32_t)b->in[0];
	const bool mediated = b->caller == FUZZ_FAST_MEDIATED;
	const bool refused = b->caller == FUZZ_FAST_UNKNOWN ||
			     (fid == SMC_EXCHANGE_CAPABILITIES && !mediated &&
			      ((uint32_t)b->in[1] & ~SMC_NSEC_CAP_UNIPROCESSOR));
	const unsigned int fixed = refused ? 0 : fixed_regs(fid, mediated);
	struct bad_answer w;
	unsigned int n = 0;

	fuzz_check_fast_result(b->caller, b->in, b->out);
	w = *b;
	w.out[0] = SMC_RET_EBADCMD;
	assert_check_fails(check_bad, &w, "not as the ABI has it");
	for (n = 1; n < 4; n++) {
		if (!(fixed & 1u << n))
			continue;
		w = *b;
		w.out[n] ^= 0x100;
		assert_check_fails(check_bad, &w, "not as the ABI has it");
	}
	/* No fast call returns a4..a7. */
	for (n = 4; n < 8; n++) {
		w = *b;
		w.out[n] ^= 0x100;
		assert_check_fails(check_bad, &w,
				   "a register it does not return");
	}
}

static void test_every_wrong_answer_stops(void **state)
{
	const uint32_t callers[] = { 0, 1, 77 };
	struct bad_answer b;
	size_t c = 0;
	size_t f = 0;
	uint64_t in[8];
	uint64_t out[8];

	(void)state;
	for (c = 0; c < sizeof(callers) / sizeof(callers[0]); c++) {
		for (f = 0; f < sizeof(fast_ids) / sizeof(fast_ids[0]); f++) {
			fuzz_reset();
			regs_of(in, SMC_VM_CREATED, 1, 0);
			send(in, out);
			regs_of(b.in, fast_ids[f], 9, callers[c]);
			if (fast_ids[f] == SMC_EXCHANGE_CAPABILITIES)
				b.in[1] = 0;
			b.caller = fuzz_fast_caller_of(callers[c]);
			send(b.in, b.out);
			spoil_each(&b);
		}
	}
	/* Exchange capabilities with an unknown normal-world bit: refused. */
	fuzz_reset();
	regs_of(b.in, SMC_EXCHANGE_CAPABILITIES, 0x2, 0);
	b.caller = FUZZ_FAST_HYP;
	send(b.in, b.out);
	spoil_each(&b);
	b.out[0] = SMC_RET_OK;
	assert_check_fails(check_bad, &b, "not as the ABI has it");
	/* Straight to the TEE: VIRTUALIZATION is offered, nothing past bit 6. */
	regs_of(b.in, SMC_EXCHANGE_CAPABILITIES, 0, 0);
	send(b.in, b.out);
	b.out[1] &= ~(uint64_t)SMC_CAP_VIRTUALIZATION;
	assert_check_fails(check_bad, &b, "not as the ABI has it");
	send(b.in, b.out);
	b.out[1] |= 1u << 7;
	assert_check_fails(check_bad, &b, "not as the ABI has it");
	/* DISABLE_SHM_CACHE handing back a cookie returns a1 and a2. */
	regs_of(b.in, SMC_DISABLE_SHM_CACHE, 0, 1);
	memcpy(b.out, b.in, sizeof(b.out));
	b.out[0] = SMC_RET_OK;
	b.out[1] = 0x12;
	b.out[2] = 0x345000;
	b.caller = FUZZ_FAST_GUEST;
	check_bad(&b);
}

/* Every fast ID a guest may send, through the real mediator. */
static void test_mediated_answers(void **state)
{
	static const uint32_t ids[] = {
		SMC_CALLS_COUNT, SMC_CALLS_UID, SMC_CALLS_REVISION,
		SMC_GET_OS_UUID, SMC_GET_OS_REVISION, SMC_GET_SHM_CONFIG,
		SMC_L2CC_MUTEX, SMC_EXCHANGE_CAPABILITIES,
		SMC_DISABLE_SHM_CACHE, SMC_ENABLE_SHM_CACHE,
		SMC_BOOT_SECONDARY, SMC_VM_CREATED, SMC_VM_DESTROYED,
		SMC_GET_THREAD_COUNT_ID, 0xb2000010u, 0xb2000011u,
		0xb2001234u, 0xf2000001u, 0x84000000u,
	};
	struct bad_answer b;
	char err[128] = "";
	struct vm *vm = NULL;
	size_t f = 0;
	size_t a = 0;

	(void)state;
	fuzz_reset_with_hyp();
	vm = hyp_vm_create(256 * 1024, err, sizeof(err));
	assert_non_null(vm);
	assert_int_equal(guest_drv_probe(vm, err, sizeof(err)), 0);
	for (f = 0; f < sizeof(ids) / sizeof(ids[0]); f++) {
		for (a = 0; a < 2; a++) {
			regs_of(b.in, ids[f], a ? 0x2 : 0, 0);
			memcpy(b.out, b.in, sizeof(b.out));
			b.caller = FUZZ_FAST_MEDIATED;
			hyp_vm_smc(vm, b.out);
			spoil_each(&b);
		}
	}
	/*
	 * As Xen's: CALLS_COUNT is the mediator's own count; GET_OS_REVISION
	 * brings no build ID in a2, nor EXCHANGE_CAPABILITIES anything in
	 * a2/a3; GET_THREAD_COUNT is not the mediator's.
	 */
	regs_of(b.out, SMC_CALLS_COUNT, 0, 0);
	hyp_vm_smc(vm, b.out);
	assert_int_equal(b.out[0], MED_CALLS_COUNT);
	regs_of(b.out, SMC_GET_OS_REVISION, 0, 0);
	hyp_vm_smc(vm, b.out);
	assert_int_equal(b.out[2], 0x3330);
	regs_of(b.out, SMC_EXCHANGE_CAPABILITIES, 0, 0);
	hyp_vm_smc(vm, b.out);
	assert_int_equal(b.out[0], SMC_RET_OK);
	assert_int_equal(b.out[2], 0x3330);
	assert_int_equal(b.out[3], 0x4440);
	regs_of(b.out, SMC_GET_THREAD_COUNT_ID, 0, 0);
	hyp_vm_smc(vm, b.out);
	assert_int_equal(b.out[0], SMC_RET_UNKNOWN_FUNCTION);
	assert_int_equal(b.out[1], 0);
	/* The guest's unknown capability is dropped, not refused. */
	regs_of(b.in, SMC_EXCHANGE_CAPABILITIES, 0x2, 0);
	memcpy(b.out, b.in, sizeof(b.out));
	hyp_vm_smc(vm, b.out);
	assert_int_equal(b.out[0], SMC_RET_OK);
	b.out[0] = SMC_RET_ENOTAVAIL;
	assert_check_fails(check_bad, &b, "through its mediator");
	hyp_vm_destroy(vm);
}

/*
 * VM_CREATED of @id from the hypervisor is refused, and the check passes
 * that answer; an OK instead stops the input.
 */
static void assert_vm_created_refused(struct bad_answer *b, uint32_t id)
{
	regs_of(b->in, SMC_VM_CREATED, id, 0);
	b->caller = FUZZ_FAST_HYP;
	fuzz_fast_before(b->in);
	send(b->in, b->out);
	assert_int_equal(b->out[0], SMC_RET_ENOTAVAIL);
	fuzz_check_fast_result(b->caller, b->in, b->out);
	fuzz_fast_before(b->in);
	b->out[0] = SMC_RET_OK;
	assert_check_fails(check_bad, b, "not as the ABI has it");
}

/*
 * VM_CREATED from the hypervisor: an ID already in use, or above 16 bits,
 * or with no slot left, must be refused (ABI.md §3, nexsim's own rule);
 * OK means the guest exists now.
 */
static void test_vm_created_refusals(void **state)
{
	const uint32_t ids[] = { 1, 0x10002 };
	struct bad_answer b;
	uint64_t in[8];
	uint64_t out[8];
	size_t n = 0;

	(void)state;
	for (n = 0; n < sizeof(ids) / sizeof(ids[0]); n++) {
		fuzz_reset();
		regs_of(in, SMC_VM_CREATED, 1, 0);
		send(in, out);
		assert_int_equal(out[0], SMC_RET_OK);
		assert_vm_created_refused(&b, ids[n]);
	}
	/* Every slot taken: the next is refused. */
	fuzz_reset();
	for (n = 1; n <= FUZZ_GUESTS; n++) {
		regs_of(in, SMC_VM_CREATED, (uint32_t)n, 0);
		send(in, out);
		assert_int_equal(out[0], SMC_RET_OK);
	}
	assert_vm_created_refused(&b, FUZZ_GUESTS + 1);
	/* OK for a guest that is not there afterwards. */
	fuzz_reset();
	regs_of(b.in, SMC_VM_CREATED, 5, 0);
	fuzz_fast_before(b.in);
	b.out[0] = SMC_RET_OK;
	memcpy(b.out + 1, b.in + 1, 7 * sizeof(b.in[0]));
	assert_check_fails(check_bad, &b, "not as the ABI has it");
}

/*
 * The decoders read an input's bytes in order, little-endian, and zeros
 * past its end: a byte run and a message take what is left, then zeros.
 */
static void test_input_bytes_in_order_then_zeros(void **state)
{
	static const uint8_t data[] = { 1, 2, 3, 4, 5, 6, 7, 0x23 };
	struct fuzz_input in = { .data = data, .size = 6 };
	uint8_t buf[FUZZ_MSG_MAX];
	uint8_t expect[8] = { 3, 4, 5, 6, 0, 0, 0, 0 };
	uint8_t one_param[36] = { 0 };

	(void)state;
	assert_int_equal(fuzz_u16(&in), 0x0201);
	memset(buf, 0xaa, sizeof(buf));
	fuzz_bytes(&in, buf, 8);
	assert_memory_equal(buf, expect, 8);
	assert_int_equal(buf[8], 0xaa);
	assert_int_equal(in.at, in.size);
	assert_int_equal(fuzz_u32(&in), 0);
	assert_int_equal(in.at, in.size);

	/* A message: its 32-byte header, then 32 bytes for each param. */
	in.size = sizeof(data);
	in.at = 0;
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(fuzz_message(&in, buf), 32);
	assert_memory_equal(buf, data, sizeof(data));
	assert_int_equal(buf[sizeof(data)], 0);
	assert_int_equal(buf[31], 0);
	assert_int_equal(buf[32], 0xaa);
	/* 9 % 8: one param, of which three bytes are in the input. */
	one_param[32] = 9;
	one_param[33] = 0x77;
	in.data = one_param;
	in.size = sizeof(one_param);
	in.at = 0;
	assert_int_equal(fuzz_message(&in, buf), 64);
	assert_int_equal(buf[32], 0x77);
	assert_int_equal(buf[35], 0);
	assert_int_equal(buf[63], 0);
	assert_int_equal(in.at, in.size);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_answers_pass),
		cmocka_unit_test(test_wrong_answers_stop_the_input),
		cmocka_unit_test(test_every_wrong_answer_stops),
		cmocka_unit_test(test_mediated_answers),
		cmocka_unit_test(test_vm_created_refusals),
		cmocka_unit_test(test_input_bytes_in_order_then_zeros),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
