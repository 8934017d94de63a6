// SPDX-License-Identifier: BSD-2-Clause

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sim/hyp.h>
#include <tests/harness.h>
#include <tests/rawmsg.h>

struct sim_machine harness_machine;

static enum shim_guard opt_guard = SHIM_GUARD_AUTO;
static enum shim_bank_switch opt_bank = SHIM_BANK_AUTO;

void harness_init(int argc, char **argv)
{
	int n = 0;

	/* Every page the hypervisor hands out as clean must be zero. */
	hyp_set_check_clean(true);

	for (n = 1; n < argc; n++) {
		const char *a = argv[n];

		if (!strcmp(a, "--guard=pkeys"))
			opt_guard = SHIM_GUARD_PKEYS;
		else if (!strcmp(a, "--guard=mprotect"))
			opt_guard = SHIM_GUARD_MPROTECT;
		else if (!strcmp(a, "--guard=auto"))
			opt_guard = SHIM_GUARD_AUTO;
		else if (!strcmp(a, "--bank=copy"))
			opt_bank = SHIM_BANK_COPY;
		else if (!strcmp(a, "--bank=remap"))
			opt_bank = SHIM_BANK_REMAP;
		else if (!strcmp(a, "--bank=auto"))
			opt_bank = SHIM_BANK_AUTO;
		else {
			fprintf(stderr, "%s: unknown option %s\n", argv[0], a);
			exit(2);
		}
	}
	cmocka_set_message_output(CM_OUTPUT_TAP);
}

void harness_config(struct nexsim_config *cfg, const char *profile)
{
	char err[256];

	if (nexsim_config_profile(profile, cfg, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		abort();
	}
	cfg->guard = opt_guard;
	cfg->bank_switch = opt_bank;
	cfg->console_level = 0;
	cfg->quiet_violations = true;
}

void harness_start(const struct nexsim_config *cfg)
{
	char err[256] = "";

	raw_reset();
	if (sim_machine_start(&harness_machine, cfg, err, sizeof(err)))
		fail_msg("machine start failed: %s", err);
}

void harness_stop(void)
{
	sim_machine_stop(&harness_machine);
}

int harness_setup_default(void **state)
{
	struct nexsim_config cfg;

	(void)state;
	harness_config(&cfg, "default");
	harness_start(&cfg);
	return 0;
}

int harness_teardown(void **state)
{
	(void)state;
	harness_stop();
	return 0;
}

uint32_t harness_smc(unsigned int core, uint32_t a0, uint32_t a1,
		     uint32_t a2, uint32_t a3, uint32_t a7,
		     struct shim_regs *out)
{
	struct shim_regs r;

	shim_smc_args(core, &r, a0, a1, a2, a3, a7);
	if (out)
		*out = r;
	return (uint32_t)r.x[0];
}

uint64_t harness_nsec_page(void)
{
	return pa_addr(harness_machine.cfg.platform.nsec_ddr_base);
}

uint32_t harness_first_std_call(unsigned int core, uint32_t guest)
{
	uint64_t arg = harness_nsec_page();

	/* OPTEE_SMC_CALL_WITH_ARG, arg PA in a1 (high) / a2 (low) */
	return harness_smc(core, 0x32000004u, (uint32_t)(arg >> 32),
			   (uint32_t)arg, 0, guest, NULL);
}

int harness_setup_two_running_guests(void **state)
{
	harness_setup_default(state);
	assert_int_equal(sim_vm_created(1), 0);
	assert_int_equal(sim_vm_created(2), 0);
	harness_first_std_call(0, 1);
	harness_first_std_call(0, 2);
	return 0;
}

int harness_run(const char *name, const struct CMUnitTest *tests,
		size_t count, CMFixtureFunction setup,
		CMFixtureFunction teardown)
{
	char group[128];

	if (opt_guard == SHIM_GUARD_PKEYS && !shim_pkeys_supported()) {
		printf("1..0 # SKIP no memory protection keys on this host\n");
		return 0;
	}
	snprintf(group, sizeof(group), "%s [guard=%s bank=%s]", name,
		 shim_guard_name(opt_guard), shim_bank_switch_name(opt_bank));
	return _cmocka_run_group_tests(group, tests, count, setup, teardown);
}
