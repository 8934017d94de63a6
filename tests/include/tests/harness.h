/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared test harness: one simulated machine per test group, configured
 * from the command line (--guard=, --bank=, so meson can run one test
 * program under every MMU strategy), TAP output through cmocka.
 */
#ifndef TESTS_HARNESS_H
#define TESTS_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arch/entry.h>
#include <shim/shim.h>
#include <sim/config.h>
#include <sim/machine.h>

extern struct sim_machine harness_machine;

/* Parse --guard=auto|pkeys|mprotect and --bank=auto|copy|remap. */
void harness_init(int argc, char **argv);

/* A quiet configuration of @profile with the selected MMU strategy. */
void harness_config(struct nexsim_config *cfg, const char *profile);

/* Start the machine with @cfg; fails the test on error. */
void harness_start(const struct nexsim_config *cfg);
void harness_stop(void);

/* cmocka group setup/teardown for the default config. */
int harness_setup_default(void **state);
int harness_teardown(void **state);

/* One SMC on @core; returns a0. */
uint32_t harness_smc(unsigned int core, uint32_t a0, uint32_t a1,
		     uint32_t a2, uint32_t a3, uint32_t a7,
		     struct shim_regs *out);

/* Physical address of the first page of non-secure DRAM. */
uint64_t harness_nsec_page(void);

/*
 * A std call from @guest with a well-formed arg address: it starts the
 * guest's runtime (heap, TA RAM). Returns a0.
 */
uint32_t harness_first_std_call(unsigned int core, uint32_t guest);

/* Group setup: the default machine with guests 1 and 2, both started. */
int harness_setup_two_running_guests(void **state);

/* Run @tests as one TAP group named after the program and strategy. */
int harness_run(const char *name, const struct CMUnitTest *tests,
		size_t count, CMFixtureFunction setup,
		CMFixtureFunction teardown);

#define HARNESS_RUN(name, tests, setup, teardown) \
	harness_run((name), (tests), sizeof(tests) / sizeof((tests)[0]), \
		    (setup), (teardown))

#endif /* TESTS_HARNESS_H */
