// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_smc_raw: a hostile or buggy hypervisor. The input is a sequence of
 * operations, each one byte of kind and core, then its operands:
 *
 *   kind 0  SMC        a0..a7 as eight little-endian u32, any a7
 *   kind 1  MEMORY     u16 page, u16 offset, u8 length, the bytes: put in
 *                      non-secure DRAM (one of FUZZ_PAGES pages at its
 *                      base), where the registers can point
 *   kind 2  SMC (known) u8 index into the OP-TEE function IDs, a1..a3 as
 *                      u32, u8 guest for a7: the ABI's calls, so that
 *                      mutations land on them more often
 *   kind 3  ARG        u16 page, then an optee_msg_arg header (8 u32) and
 *                      u8 params of 32 bytes each: a message at that page
 *
 * The top bits of the kind byte pick the core, except for 0xfc..0xff:
 *
 *           FAIL       u8 sites, u8 countdown: an allocation of the core
 *                      fails (fuzz_arm_failure() in fuzz_common.h)
 *
 * A canary guest (FUZZ_CANARY_ID, canary.h), whose ID the input's SMCs
 * never carry, makes a call every CANARY_EVERY operations and at the end.
 * The machine is reset to
 * power-on first, non-secure memory included: every page the last input,
 * the canary or the secure world wrote is zeros again. After the sequence
 * every guest is destroyed and the invariants checked (fuzz_common.c).
 */

#include <string.h>

#include <shim/shim.h>

#include "canary.h"
#include "fuzz_common.h"
#include "fuzz_targets.h"

#define FUZZ_PAGES	64
#define MAX_OPS		64
#define CANARY_PAGE	200	/* past the input's pages */
#define CANARY_EVERY	8	/* operations between two canary calls */

/* Each kind of operation, by its number (for the profile). */
static const char *const op_names[4] = {
	"SMC", "MEMORY", "SMC (known)", "ARG",
};

static struct fuzz_raw_canary canary;

static const uint32_t function_ids[] = {
	0xbf00ff00u, 0xbf00ff01u, 0xbf00ff03u, 0xb2000000u, 0xb2000001u,
	0x32000003u, 0x32000004u, 0xb2000007u, 0xb2000008u, 0xb2000009u,
	0xb200000au, 0xb200000bu, 0xb200000cu, 0xb200000du, 0xb200000eu,
	0xb200000fu, 0xb2000010u, 0xb2000011u, 0x32000012u, 0x32000013u,
};

static uint64_t page_pa(uint16_t page)
{
	const struct arch_platform *p = &fuzz_machine.cfg.platform;

	return pa_addr(p->nsec_ddr_base) + (uint64_t)(page % FUZZ_PAGES) * 4096;
}

static void smc(const struct fuzz_input *in, unsigned int core,
		uint32_t r[8])
{
	enum fuzz_fast_caller caller = FUZZ_FAST_HYP;
	uint64_t sent[8];
	struct shim_regs regs;
	size_t n = 0;

	fuzz_raw_canary_spare(r);
	for (n = 0; n < 8; n++)
		sent[n] = regs.x[n] = r[n];
	core %= FUZZ_CORES;
	if (r[0] & 0x80000000u) {
		caller = fuzz_fast_caller_of(r[7]);
		fuzz_fast_before(sent);
	}
	fuzz_trace_smc(in, regs.x, true, "core %u", core);
	shim_smc(core, &regs);
	fuzz_trace_smc_result(in, regs.x);
	if (r[0] & 0x80000000u)
		fuzz_check_fast_result(caller, sent, regs.x);
	else
		fuzz_check_std_result(r[0], (uint32_t)regs.x[0]);
}

static void memory(struct fuzz_input *in)
{
	uint8_t buf[256];
	uint16_t page = fuzz_u16(in);
	uint16_t off = fuzz_u16(in) % 4096;
	uint8_t len = fuzz_u8(in);

	fuzz_bytes(in, buf, len);
	if (off + len > 4096)
		len = (uint8_t)(4096 - off);
	fuzz_trace_op(in, "MEMORY pa=0x%llx len=%u",
		      (unsigned long long)(page_pa(page) + off), len);
	fuzz_nsec_write(page_pa(page) + off, buf, len);
}

static void message(struct fuzz_input *in)
{
	uint8_t buf[FUZZ_MSG_MAX];
	uint16_t page = fuzz_u16(in);
	size_t len = fuzz_message(in, buf);

	fuzz_trace_arg(in, "ARG pa", page_pa(page), buf, len);
	fuzz_nsec_write(page_pa(page), buf, len);
}

unsigned int fuzz_smc_raw_run(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { .data = data, .size = size };

	fuzz_profile(NULL);
	fuzz_setup_begin();
	fuzz_reset();
	fuzz_reset_nsec();
	fuzz_raw_canary_start(&canary, page_pa(0) + CANARY_PAGE * 4096);
	fuzz_setup_end();
	fuzz_profile("set-up");
	while (fuzz_next_op(&in, MAX_OPS)) {
		uint8_t op = fuzz_u8(&in);
		unsigned int core = op >> 2;
		uint32_t r[8] = { 0 };
		size_t n = 0;

		if (op >= 0xfc) {
			fuzz_arm_failure(&in);
			fuzz_profile("FAIL");
			continue;
		}

		switch (op & 3) {
		case 0:
			for (n = 0; n < 8; n++)
				r[n] = fuzz_u32(&in);
			smc(&in, core, r);
			break;
		case 1:
			memory(&in);
			break;
		case 2:
			r[0] = function_ids[fuzz_u8(&in) %
					    (sizeof(function_ids) /
					     sizeof(function_ids[0]))];
			r[1] = fuzz_u32(&in);
			r[2] = fuzz_u32(&in);
			r[3] = fuzz_u32(&in);
			r[7] = fuzz_u8(&in) % (FUZZ_GUESTS + 2);
			smc(&in, core, r);
			break;
		default:
			message(&in);
			break;
		}
		fuzz_profile(op_names[op & 3]);
		/* Only an SMC can move a reference. */
		if ((op & 3) == 0 || (op & 3) == 2) {
			fuzz_check_refcounts();
			fuzz_profile("refcount check");
		}
		/* Whatever the input did, the canary's calls are unchanged. */
		if (in.ops % CANARY_EVERY == 0) {
			fuzz_raw_canary_step(&canary);
			fuzz_profile("canary");
		}
	}
	fuzz_trace_end(&in);
	fuzz_setup_begin();
	fuzz_raw_canary_step(&canary);
	fuzz_raw_canary_end(&canary);
	fuzz_setup_end();
	fuzz_profile("canary's end");
	/* With the destruction of every guest left. */
	fuzz_check_end();
	fuzz_profile("end checks");
	return in.ops;
}
