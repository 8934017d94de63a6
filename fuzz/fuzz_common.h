/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What every fuzz target shares: one simulated machine, reset to power-on
 * before each input, and the invariants checked after it. A broken
 * invariant aborts with one clear line (libFuzzer keeps the input).
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include <sim/machine.h>

/* Guests and cores of the fuzzed machine. */
#define FUZZ_GUESTS	4
#define FUZZ_CORES	2

extern struct sim_machine fuzz_machine;

/* Power-on reset (the machine is made on the first call). */
void fuzz_reset(void);

/* Stop the process: @what is the invariant that broke. */
void fuzz_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* An SMC's a0 after a std call: only the ABI's codes are allowed. */
void fuzz_check_std_result(uint32_t fid, uint32_t a0);

/*
 * After an input: destroy every guest, then check that the nexus holds
 * nothing more than after the reset (heap, guests, non-secure mappings).
 */
void fuzz_check_end(void);

/* Reads of the input; past its end they give zeros. */
struct fuzz_input {
	const uint8_t *data;
	size_t size;
	size_t at;
};

/*
 * An optee_msg_arg from the input: the 32-byte header, then a count of
 * params (up to 7) and 32 bytes each, into @buf (a page, zeroed first).
 * Returns the bytes it takes.
 */
size_t fuzz_message(struct fuzz_input *in, uint8_t buf[4096]);

uint8_t fuzz_u8(struct fuzz_input *in);
uint16_t fuzz_u16(struct fuzz_input *in);
uint32_t fuzz_u32(struct fuzz_input *in);
int fuzz_more(const struct fuzz_input *in);

#endif /* FUZZ_COMMON_H */
