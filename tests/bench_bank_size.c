// SPDX-License-Identifier: BSD-2-Clause
/*
 * Benchmark: the cost of a partition switch as the bank grows, for each
 * bank strategy (copy, remap) and guard (pkeys, mprotect). This program is
 * built several times with banked ballast of different sizes; the AUTO
 * choice of core-shim (copy below a size, remap above) rests on it.
 */

#include <stdio.h>

#include <shim/shim.h>
#include <sim/bench.h>
#include <sim/config.h>
#include <sim/machine.h>

uint32_t ballast_touch(void);

#define SWITCHES 4000
#define ROUNDS 9

static int run(enum shim_guard guard, enum shim_bank_switch bank)
{
	struct nexsim_config cfg;
	struct sim_machine m;
	struct shim_sections s;
	double per[ROUNDS];
	char err[256];
	int r = 0;
	int i = 0;

	nexsim_config_profile("default", &cfg, err, sizeof(err));
	cfg.console_level = 0;
	cfg.guard = guard;
	cfg.bank_switch = bank;
	cfg.platform.tzdram_size = 64u << 20;
	if (sim_machine_start(&m, &cfg, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	sim_vm_created(1);
	sim_vm_created(2);
	for (r = 0; r < ROUNDS; r++) {
		double t0 = bench_now_ns();

		for (i = 0; i < SWITCHES; i++) {
			shim_enter_guest((uint16_t)(1 + (i & 1)));
			ballast_touch();
			shim_leave_guest();
		}
		per[r] = (bench_now_ns() - t0) / SWITCHES / 1000.0;
	}
	shim_get_sections(&s);
	printf("  bank %4zu KiB  %-8s/%-5s  %8.3f us per switch (2 guests alternating, every page touched)\n",
	       (s.bank_end - s.bank_start) / 1024, shim_guard_name(guard),
	       shim_bank_switch_name(bank), bench_median(per, ROUNDS));
	sim_machine_stop(&m);
	return 0;
}

int main(void)
{
	int rc = 0;

	if (shim_pkeys_supported()) {
		rc |= run(SHIM_GUARD_PKEYS, SHIM_BANK_COPY);
		rc |= run(SHIM_GUARD_PKEYS, SHIM_BANK_REMAP);
	}
	rc |= run(SHIM_GUARD_MPROTECT, SHIM_BANK_COPY);
	rc |= run(SHIM_GUARD_MPROTECT, SHIM_BANK_REMAP);
	return rc;
}
