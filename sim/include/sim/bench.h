/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Benchmarks of the nexus model, run by `nexsim bench` and by meson's
 * benchmark(). Figures are medians over repeated batches, wall-clock on
 * the host; nothing here is a pass/fail assertion.
 */
#ifndef SIM_BENCH_H
#define SIM_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct bench_options {
	bool json;
	bool quick;		/* fewer batches: a smoke run */
};

/* Names of the benchmarks, NULL-terminated. */
const char *const *bench_names(void);
const char *bench_summary(const char *name);

/*
 * Run benchmark @name and print its rows. Returns 0, or -1 with a
 * one-line reason in @err.
 */
int bench_run(const char *name, const struct bench_options *opt, FILE *out,
	      char *err, size_t err_size);

/* CLOCK_MONOTONIC in ns, and the median of @n values (sorts them). */
double bench_now_ns(void);
double bench_median(double *values, size_t n);

/* Called once around a set of runs for the JSON array brackets. */
void bench_begin(const struct bench_options *opt, FILE *out);
void bench_end(const struct bench_options *opt, FILE *out);

#endif /* SIM_BENCH_H */
