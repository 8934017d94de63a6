/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What every fuzz target shares: one simulated machine, reset to power-on
 * before each input, and the invariants checked after it. A broken
 * invariant aborts with one clear line (libFuzzer keeps the input).
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <sim/machine.h>

/* Guests and cores of the fuzzed machine. */
#define FUZZ_GUESTS	4
#define FUZZ_CORES	2

extern struct sim_machine fuzz_machine;

/* Power-on reset (the machine is made on the first call). */
void fuzz_reset(void);
/* The same, and the hypervisor: made once, then reset with the machine. */
void fuzz_reset_with_hyp(void);
/*
 * Without a hypervisor (fuzz_smc_raw): the harness writes non-secure
 * memory with fuzz_nsec_write(), and after fuzz_reset() puts every page
 * that it or the secure world wrote back to zeros, as at power-on, with
 * fuzz_reset_nsec(). So no input sees what the last one left there.
 */
void fuzz_nsec_write(uint64_t pa, const void *buf, size_t len);
void fuzz_reset_nsec(void);

/*
 * Stop the process: @fmt says which invariant broke. One line on stderr,
 * then abort() (libFuzzer keeps the input), or exit(1) after
 * fuzz_fail_exits(true) (nexsim replay).
 */
void fuzz_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void fuzz_fail_exits(bool exit_not_abort);

/* An SMC's a0 after a std call: only the ABI's codes are allowed. */
void fuzz_check_std_result(uint32_t fid, uint32_t a0);

/* Who made a fast call, and so which answers the ABI allows it. */
enum fuzz_fast_caller {
	FUZZ_FAST_HYP,		/* a7 = 0, straight to the TEE */
	FUZZ_FAST_GUEST,	/* a7 a live guest, straight to the TEE */
	FUZZ_FAST_UNKNOWN,	/* a7 no live guest, straight to the TEE */
	FUZZ_FAST_MEDIATED,	/* a guest, through the hypervisor's mediator */
};

/*
 * A fast call's answer @out to @in, checked against the ABI (ABI.md
 * §1, §3, §4): a0 a code the function may give, the registers it
 * returns as the ABI fixes them and, straight to the TEE, every other
 * register as it was sent.
 */
void fuzz_check_fast_result(enum fuzz_fast_caller caller, const uint64_t in[8],
			    const uint64_t out[8]);

/* Which caller a7 makes of a raw fast call, right now. */
enum fuzz_fast_caller fuzz_fast_caller_of(uint64_t a7);
/*
 * Before a fast call straight to the TEE: note what its check needs of
 * the machine as it was (a VM_CREATED's ID in use, a free slot).
 */
void fuzz_fast_before(const uint64_t in[8]);

/*
 * After an input: destroy every guest, then check that the nexus holds
 * nothing more than after the reset (heap, guests, non-secure mappings).
 */
void fuzz_check_end(void);

/*
 * After every VM went through the hypervisor: no page pinned, every page
 * of non-secure DRAM back with it, no drain given up.
 */
void fuzz_check_hyp_end(void);

/*
 * With no call inside the secure world: every live guest holds exactly
 * its creation reference, and no guest shut down is still held.
 */
void fuzz_check_refcounts(void);

/* Reads of the input; past its end they give zeros. */
struct fuzz_input {
	const uint8_t *data;
	size_t size;
	size_t at;
	unsigned int ops;	/* operations begun */
	size_t op_at;		/* where the current one starts */
};

/*
 * Begin the next operation, if the input has more and fewer than @max_ops
 * were begun: count it and note where it starts.
 */
bool fuzz_next_op(struct fuzz_input *in, unsigned int max_ops);

/*
 * The current operation on the timeline (nexsim replay --trace), when it
 * is on: fuzz_trace_op() says what it is, with its decoded operands,
 * before it runs ("input #N @OFFSET ..."); fuzz_trace_result() what it
 * gave, after ("input #N -> ..."). Off (fuzzing), they cost one test.
 */
void fuzz_trace_op(const struct fuzz_input *in, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void fuzz_trace_result(const struct fuzz_input *in, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The end of the input's operations: what follows is the checks. */
void fuzz_trace_end(const struct fuzz_input *in);
/*
 * An SMC by whom @who_fmt says, with @regs: a0..a6, and a7 if @with_a7
 * (a guest's a7 is the hypervisor's to set); then its a0..a3.
 */
void fuzz_trace_smc(const struct fuzz_input *in, const uint64_t regs[8],
		    bool with_a7, const char *who_fmt, ...)
	__attribute__((format(printf, 4, 5)));
void fuzz_trace_smc_result(const struct fuzz_input *in,
			   const uint64_t regs[8]);
/* A message argument of @len bytes from @buf written at @what=@addr. */
void fuzz_trace_arg(const struct fuzz_input *in, const char *what,
		    uint64_t addr, const uint8_t *buf, size_t len);

/*
 * Between the two, code runs without adding to the input's coverage
 * (libFuzzer's 8-bit counters are put back as they were, and its
 * comparison callbacks return at once: cmp_gate.c); nests.
 */
void fuzz_coverage_pause(void);
void fuzz_coverage_resume(void);
/* How many pauses are open (0: none). */
extern unsigned int fuzz_coverage_paused;
/*
 * An input's fixed set-up (the resets, the canary's start) or wind-down
 * (the canary's last calls): a pause around all of it, so the pauses
 * within (each a copy of the counters) cost nothing more. The begin of
 * the set-up also drops any pause a broken input left open.
 */
void fuzz_setup_begin(void);
void fuzz_setup_end(void);

/*
 * Where the inputs' time goes, once fuzz_profile_enable() was called (the
 * standalone driver's NEXSIM_FUZZ_TIMING=1, nexsim replay --timing):
 * fuzz_profile(KIND) charges the time since the last mark to KIND, a
 * string constant (the set-up, an operation's name, the canary's calls,
 * the wind-down); fuzz_profile(NULL) only marks, at an input's start.
 * fuzz_profile_print() prints each kind: how many, time each, share.
 * Off, a mark costs one test.
 */
extern bool fuzz_profile_on;
void fuzz_profile_enable(void);
void fuzz_profile_mark(const char *kind);
static inline void fuzz_profile(const char *kind)
{
	if (fuzz_profile_on)
		fuzz_profile_mark(kind);
}
void fuzz_profile_print(FILE *out);
/* The monotonic clock, in ns (the profile's and the standalone driver's). */
double fuzz_now_ns(void);

/* The most fuzz_message() writes: a header and 7 params. */
#define FUZZ_MSG_MAX	(32u + 7u * 32u)

/*
 * An optee_msg_arg from the input: the 32-byte header, then a count of
 * params (up to 7) and 32 bytes each, into @buf. Returns the bytes it
 * wrote, every one of them from the input (zero past its end).
 */
size_t fuzz_message(struct fuzz_input *in, uint8_t buf[FUZZ_MSG_MAX]);

uint8_t fuzz_u8(struct fuzz_input *in);
/* The next @len bytes into @buf (zeros past the input's end). */
void fuzz_bytes(struct fuzz_input *in, uint8_t *buf, size_t len);
uint16_t fuzz_u16(struct fuzz_input *in);
uint32_t fuzz_u32(struct fuzz_input *in);
int fuzz_more(const struct fuzz_input *in);

/*
 * Failure injection, as the input decides: an operation reads a mask of
 * sites (bit 0 heaps, bit 1 page pools) and a countdown; the countdown-th
 * allocation from then on at those sites fails, once. Allocations while
 * the spared guest's partition runs (the canary's) never fail. A reset
 * disarms it.
 */
void fuzz_arm_failure(struct fuzz_input *in);
void fuzz_spare_guest(int guest_id);

#endif /* FUZZ_COMMON_H */
