// SPDX-License-Identifier: BSD-2-Clause
/*
 * nexsim replay: one input of a fuzz target through the target's own
 * decoder, with the timeline if asked (see fuzz_targets.h).
 */

#include <inttypes.h>

#include <shim/shim.h>
#include <sim/hyp.h>
#include <sim/trace.h>

#include "fuzz_common.h"
#include "fuzz_targets.h"

void fuzz_replay(const struct fuzz_target *t, const uint8_t *data,
		 size_t size, bool trace, bool profile, FILE *out)
{
	struct shim_stats st = { 0 };
	unsigned int ops = 0;

	/* A broken invariant: its line and status 1, not a core dump. */
	fuzz_fail_exits(true);
	/* Debugging: check the hypervisor's clean pages too. */
	hyp_set_check_clean(true);
	if (trace) {
		sim_trace_start(out);
		sim_trace_shim_events(true);
	}
	if (profile)
		fuzz_profile_enable();
	ops = t->run(data, size);
	sim_trace_shim_events(false);
	sim_trace_stop();
	shim_get_stats(&st);
	fprintf(out, "%s: %u operation%s decoded from %zu bytes; %" PRIu64
		" SMCs (%" PRIu64 " fast, %" PRIu64 " std), %" PRIu64
		" partition switches", t->name, ops, ops == 1 ? "" : "s", size,
		st.fast_smcs + st.std_smcs, st.fast_smcs, st.std_smcs,
		st.prtn_switches);
	/* Windows left closed for fast calls that touched them (mmu.c). */
	if (st.windows_on_demand)
		fprintf(out, " (%" PRIu64 " opening a window at a fast call's "
			"touch)", st.windows_on_demand);
	fprintf(out, "; every invariant held\n");
	if (profile)
		fuzz_profile_print(out);
}
