// SPDX-License-Identifier: BSD-2-Clause
/* The fuzz targets' machine and invariants (see fuzz_common.h). */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arch/entry.h>
#include <shim/shim.h>

#include "fuzz_common.h"

struct sim_machine fuzz_machine;
static int machine_up;
static size_t nex_heap_after_reset;

void fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("nexsim fuzz: invariant broken: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static void start(void)
{
	struct nexsim_config cfg;
	char err[256] = "";

	if (nexsim_config_profile("default", &cfg, err, sizeof(err)))
		fuzz_fail("profile: %s", err);
	cfg.platform.guest_count = FUZZ_GUESTS;
	cfg.platform.core_count = FUZZ_CORES;
	cfg.platform.tzdram_size = 32u << 20;
	/* Small enough for the hypervisor to take it up per input. */
	cfg.platform.nsec_ddr_size = 16u << 20;
	cfg.console_level = 0;
	/* A violation is a finding: report it and stop. */
	cfg.on_violation = SHIM_VIOLATION_ABORT;
	cfg.quiet_violations = false;
	/* Guests come and go per input: keep their pages, zeroed. */
	cfg.scrub = SHIM_SCRUB_IN_PLACE;
	nexsim_config_place_nsec_ddr(&cfg);
	if (sim_machine_start(&fuzz_machine, &cfg, err, sizeof(err)))
		fuzz_fail("machine: %s", err);
	machine_up = 1;
}

void fuzz_reset(void)
{
	struct core_nexus_info nx;
	char err[256] = "";

	if (!machine_up)
		start();
	else if (sim_machine_reset(&fuzz_machine, err, sizeof(err)))
		fuzz_fail("reset: %s", err);
	core_get_nexus_info(&nx);
	nex_heap_after_reset = nx.nex_heap_used;
}

void fuzz_check_std_result(uint32_t fid, uint32_t a0)
{
	/* A std call ends with a return code, or leaves with an RPC. */
	if (a0 <= 7 || a0 == 0xffffffffu)
		return;
	if (a0 == 0xffff0000u || a0 == 0xffff0002u || a0 == 0xffff0004u ||
	    a0 == 0xffff0005u)
		return;
	fuzz_fail("std call %#x answered a0 = %#x, not an ABI code",
		  (unsigned int)fid, (unsigned int)a0);
}

void fuzz_check_end(void)
{
	struct core_guest_info info;
	struct core_nexus_info nx;
	struct shim_stats st;
	uint32_t slot = 0;

	/* NEXSIM_FUZZ_VERBOSE=1: what the input made the machine do. */
	if (getenv("NEXSIM_FUZZ_VERBOSE")) {
		core_get_nexus_info(&nx);
		shim_get_stats(&st);
		fprintf(stderr, "input: %llu fast and %llu std SMCs, %u guests "
			"live, %llu partition switches\n",
			(unsigned long long)st.fast_smcs,
			(unsigned long long)st.std_smcs,
			(unsigned int)nx.guests_live,
			(unsigned long long)st.prtn_switches);
	}

	/* Every guest goes, as the hypervisor would make it go. */
	for (slot = 0; slot < FUZZ_GUESTS; slot++)
		if (core_get_slot_info(slot, &info) && !info.shutting_down)
			if (sim_vm_destroyed(info.id))
				fuzz_fail("VM_DESTROYED of live guest %u refused",
					  (unsigned int)info.id);
	core_get_nexus_info(&nx);
	if (nx.guests_live || nx.guests_dying)
		fuzz_fail("%u live and %u dying guests after all were destroyed",
			  (unsigned int)nx.guests_live,
			  (unsigned int)nx.guests_dying);
	if (nx.slots_free != FUZZ_GUESTS)
		fuzz_fail("%u of %u guest slots free after all were destroyed",
			  (unsigned int)nx.slots_free, FUZZ_GUESTS);
	if (nx.nex_heap_used != nex_heap_after_reset)
		fuzz_fail("nexus heap: %zu bytes used, %zu after reset",
			  nx.nex_heap_used, nex_heap_after_reset);
	shim_get_stats(&st);
	if (st.ns_maps_live)
		fuzz_fail("%llu non-secure mappings live with no guest",
			  (unsigned long long)st.ns_maps_live);
	if (st.partitions_live)
		fuzz_fail("%u partitions live with no guest",
			  (unsigned int)st.partitions_live);
}

size_t fuzz_message(struct fuzz_input *in, uint8_t buf[4096])
{
	size_t params = 0;
	size_t n = 0;

	memset(buf, 0, 4096);
	for (n = 0; n < 32; n++)
		buf[n] = fuzz_u8(in);
	params = fuzz_u8(in) % 8;
	for (n = 0; n < params * 32; n++)
		buf[32 + n] = fuzz_u8(in);
	return 32 + params * 32;
}

uint8_t fuzz_u8(struct fuzz_input *in)
{
	return in->at < in->size ? in->data[in->at++] : 0;
}

uint16_t fuzz_u16(struct fuzz_input *in)
{
	uint16_t lo = fuzz_u8(in);

	return (uint16_t)(lo | (uint16_t)fuzz_u8(in) << 8);
}

uint32_t fuzz_u32(struct fuzz_input *in)
{
	uint32_t lo = fuzz_u16(in);

	return lo | (uint32_t)fuzz_u16(in) << 16;
}

int fuzz_more(const struct fuzz_input *in)
{
	return in->at < in->size;
}
