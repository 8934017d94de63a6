// SPDX-License-Identifier: BSD-2-Clause
/*
 * The comparison callbacks of libFuzzer's -fsanitize-coverage=trace-cmp,
 * silenced during a coverage pause (fuzz_coverage_pause()).
 *
 * Every comparison of instrumented code calls the engine, which files the
 * operands in its tables of recent comparisons (where its mutations take
 * words to try) and its value profile. What runs alike for every input
 * (the reset's boot, the canary's calls, the leak checks' guest
 * destruction) made those calls too, after every input: time spent, and
 * the tables filled with the same operands again and again.
 *
 * The fuzz targets are linked with --wrap for each callback (meson.build
 * of fuzz/), so instrumented code calls the __wrap_ function below: during
 * a pause it returns, otherwise it jumps to the engine's own (__real_).
 * The jump is a tail call (musttail), so the engine still sees the
 * comparison's own return address, which its value profile files it by.
 *
 * Only with libFuzzer linked by meson (-Dfuzzing=true and no
 * fuzzing_engine): another engine may not define every callback. This file
 * is in fuzz/coverage-ignore.txt: it must not call itself.
 */

#include <stdint.h>

#include "fuzz_common.h"

#define FUZZ_CMP_GATE(name, type)                                          \
	void __real_##name(type a, type b);                                \
	void __wrap_##name(type a, type b);                                \
	void __wrap_##name(type a, type b)                                 \
	{                                                                  \
		if (fuzz_coverage_paused)                                  \
			return;                                            \
		__attribute__((musttail)) return __real_##name(a, b);      \
	}

FUZZ_CMP_GATE(__sanitizer_cov_trace_cmp1, uint8_t)
FUZZ_CMP_GATE(__sanitizer_cov_trace_cmp2, uint16_t)
FUZZ_CMP_GATE(__sanitizer_cov_trace_cmp4, uint32_t)
FUZZ_CMP_GATE(__sanitizer_cov_trace_cmp8, uint64_t)
FUZZ_CMP_GATE(__sanitizer_cov_trace_const_cmp1, uint8_t)
FUZZ_CMP_GATE(__sanitizer_cov_trace_const_cmp2, uint16_t)
FUZZ_CMP_GATE(__sanitizer_cov_trace_const_cmp4, uint32_t)
FUZZ_CMP_GATE(__sanitizer_cov_trace_const_cmp8, uint64_t)

void __real___sanitizer_cov_trace_switch(uint64_t val, uint64_t *cases);
void __wrap___sanitizer_cov_trace_switch(uint64_t val, uint64_t *cases);
void __wrap___sanitizer_cov_trace_switch(uint64_t val, uint64_t *cases)
{
	if (fuzz_coverage_paused)
		return;
	__attribute__((musttail)) return __real___sanitizer_cov_trace_switch(
		val, cases);
}
