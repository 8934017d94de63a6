/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The fuzz targets by name. Each target's decoder is one function, run
 * on one input from power-on to the invariant checks: its libFuzzer
 * entry point (entry.c), the standalone corpus driver and `nexsim
 * replay` all call it, so a replay runs exactly what the fuzzer ran.
 */
#ifndef FUZZ_TARGETS_H
#define FUZZ_TARGETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Run one input; returns the operations decoded from it. */
typedef unsigned int (*fuzz_run_fn)(const uint8_t *data, size_t size);

unsigned int fuzz_smc_raw_run(const uint8_t *data, size_t size);
unsigned int fuzz_guest_run(const uint8_t *data, size_t size);
unsigned int fuzz_sched_run(const uint8_t *data, size_t size);

struct fuzz_target {
	const char *name;
	fuzz_run_fn run;
};

/* Every target, ended by an entry with a NULL name. */
extern const struct fuzz_target fuzz_targets[];

/* The target called @name, or NULL. */
const struct fuzz_target *fuzz_target_by_name(const char *name);

/*
 * The target a path names in one of its components (the innermost wins:
 * fuzz/corpus/fuzz_guest/xyz is fuzz_guest's), or NULL.
 */
const struct fuzz_target *fuzz_target_from_path(const char *path);

/*
 * All of the input file @path into a new buffer (@size bytes, freed by
 * the caller); -1 with errno set if it cannot be read, or is not a
 * regular file.
 */
int fuzz_read_input(const char *path, uint8_t **data, size_t *size);

/* The names of every target, "a|b|c", for messages. */
const char *fuzz_target_names(void);

/*
 * Replay one input of @t: with @trace, the timeline on @out (each decoded
 * operation and what the machine did); then a summary line on @out, and
 * with @profile where the input's time went (fuzz_profile()).
 * A broken invariant exits with status 1 and its one line on stderr; an
 * isolation violation aborts with the machine's report, as when fuzzing.
 */
void fuzz_replay(const struct fuzz_target *t, const uint8_t *data,
		 size_t size, bool trace, bool profile, FILE *out);

#endif /* FUZZ_TARGETS_H */
