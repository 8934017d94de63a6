// SPDX-License-Identifier: BSD-2-Clause
/* The fuzz targets' machine and invariants (see fuzz_common.h). */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arch/entry.h>
#include <shim/shim.h>
#include <sim/hyp.h>
#include <sim/mediator.h>
#include <sim/optee_abi.h>
#include <sim/trace.h>

#include "fuzz_common.h"

struct sim_machine fuzz_machine;
static int machine_up;
static size_t nex_heap_after_reset;
static bool fail_exits;

void fuzz_fail_exits(bool exit_not_abort)
{
	fail_exits = exit_not_abort;
}

void fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("nexsim fuzz: invariant broken: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (fail_exits)
		exit(1);
	abort();
}

static struct {
	bool armed;
	uint8_t mask;		/* 1 << enum arch_alloc_site */
	unsigned int countdown;
	int spared;		/* guest ID, or -1 */
} failure = { .spared = -1 };

static bool should_fail(enum arch_alloc_site site, void *arg)
{
	(void)arg;
	if (!failure.armed || !(failure.mask & 1u << site))
		return false;
	if (failure.spared >= 0 && shim_active_guest() == failure.spared)
		return false;
	if (failure.countdown--)
		return false;
	failure.armed = false;
	sim_trace("input: injected failure of a %s allocation",
		  site == ARCH_ALLOC_HEAP ? "heap" : "page pool");
	return true;
}

void fuzz_arm_failure(struct fuzz_input *in)
{
	uint8_t mask = fuzz_u8(in) % 3 + 1;
	uint8_t countdown = fuzz_u8(in);

	fuzz_trace_op(in, "FAIL the allocation #%u from now of %s",
		      (unsigned int)countdown,
		      mask == 1 ? "the heaps" : mask == 2 ? "the page pools" :
		      "the heaps and page pools");
	failure.armed = true;
	failure.mask = mask;
	failure.countdown = countdown;
}

void fuzz_spare_guest(int guest_id)
{
	failure.spared = guest_id;
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
	shim_set_alloc_failer(should_fail, NULL);
	machine_up = 1;
}

/*
 * Coverage of what runs alike for every input (the reset, the canary's
 * calls, the invariant checks) is left out: libFuzzer's 8-bit counters
 * (-fsanitize-coverage=inline-8bit-counters) are saved at the pause and
 * put back at the resume. So what the input did is all that counts, and
 * libFuzzer does not sift the same edges again after every input.
 * Without those counters (other builds and engines) this does nothing.
 */
extern uint8_t __start___sancov_cntrs[] __attribute__((weak));
extern uint8_t __stop___sancov_cntrs[] __attribute__((weak));
static uint8_t saved_counters[64 * 1024];
unsigned int fuzz_coverage_paused;

static size_t counters_size(void)
{
	size_t n = 0;

	if (!__start___sancov_cntrs || !__stop___sancov_cntrs)
		return 0;
	n = (size_t)(__stop___sancov_cntrs - __start___sancov_cntrs);
	return n <= sizeof(saved_counters) ? n : 0;
}

void fuzz_coverage_pause(void)
{
	size_t n = counters_size();

	if (!fuzz_coverage_paused++ && n)
		memcpy(saved_counters, __start___sancov_cntrs, n);
}

void fuzz_coverage_resume(void)
{
	size_t n = counters_size();

	if (fuzz_coverage_paused && !--fuzz_coverage_paused && n)
		memcpy(__start___sancov_cntrs, saved_counters, n);
}

void fuzz_setup_begin(void)
{
	fuzz_coverage_paused = 0;
	fuzz_coverage_pause();
}

void fuzz_setup_end(void)
{
	fuzz_coverage_resume();
}

void fuzz_reset(void)
{
	struct core_nexus_info nx;
	char err[256] = "";

	failure.armed = false;
	failure.spared = -1;
	fuzz_coverage_pause();
	if (!machine_up)
		start();
	else if (sim_machine_reset(&fuzz_machine, err, sizeof(err)))
		fuzz_fail("reset: %s", err);
	core_get_nexus_info(&nx);
	nex_heap_after_reset = nx.nex_heap_used;
	fuzz_coverage_resume();
}

/* Pages the harness wrote since the last fuzz_reset_nsec(). */
#define NSEC_WRITTEN_MAX	128
static uint64_t nsec_written[NSEC_WRITTEN_MAX];
static size_t nsec_written_count;
static bool nsec_written_overflow;

static void note_written(uint64_t page)
{
	size_t n = 0;

	for (n = 0; n < nsec_written_count; n++)
		if (nsec_written[n] == page)
			return;
	if (nsec_written_count == NSEC_WRITTEN_MAX)
		nsec_written_overflow = true;
	else
		nsec_written[nsec_written_count++] = page;
}

void fuzz_nsec_write(uint64_t pa, const void *buf, size_t len)
{
	uint64_t page = 0;

	if (!len)
		return;
	for (page = pa & ~4095ull; page < pa + len; page += 4096)
		note_written(page);
	if (sim_phys_write(&fuzz_machine, pa, buf, len))
		fuzz_fail("harness write of %zu bytes at 0x%llx outside "
			  "memory", len, (unsigned long long)pa);
}

static void zero_page(uint64_t pa, void *arg)
{
	static const uint8_t zeros[4096];

	(void)arg;
	if (sim_phys_write(&fuzz_machine, pa, zeros, sizeof(zeros)))
		fuzz_fail("reset of non-secure page 0x%llx",
			  (unsigned long long)pa);
}

/* A page the secure world mapped: zeroed, and so off the harness's list. */
static void zero_mapped_page(uint64_t pa, void *arg)
{
	size_t n = 0;

	zero_page(pa, arg);
	for (n = 0; n < nsec_written_count; n++) {
		if (nsec_written[n] == pa) {
			nsec_written[n] = nsec_written[--nsec_written_count];
			return;
		}
	}
}

void fuzz_reset_nsec(void)
{
	const struct arch_platform *p = &fuzz_machine.cfg.platform;
	uint64_t pa = 0;
	size_t n = 0;

	fuzz_coverage_pause();
	shim_nsec_take_touched(zero_mapped_page, NULL);
	if (nsec_written_overflow) {
		for (pa = pa_addr(p->nsec_ddr_base);
		     pa < pa_addr(p->nsec_ddr_base) + p->nsec_ddr_size;
		     pa += 4096)
			zero_page(pa, NULL);
	} else {
		for (n = 0; n < nsec_written_count; n++)
			zero_page(nsec_written[n], NULL);
	}
	nsec_written_count = 0;
	nsec_written_overflow = false;
	fuzz_coverage_resume();
}

void fuzz_reset_with_hyp(void)
{
	char err[256] = "cannot reset";

	fuzz_reset();
	fuzz_coverage_pause();
	if (hyp_ready() ? hyp_reset() : hyp_init(&fuzz_machine, err,
						  sizeof(err)))
		fuzz_fail("hypervisor: %s", err);
	fuzz_coverage_resume();
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

/*
 * Is guest @id live (created, not being destroyed)? Read from the guest
 * table, as core_find_guest_slot() would answer, but with no lock: its
 * lock notes are instrumented code, and a pause around it would copy
 * the coverage counters twice for every fast call the input makes.
 */
static bool guest_live(uint32_t id)
{
	struct core_guest_info g;
	uint32_t slot = 0;

	if (!id || id > 0xffffu)
		return false;
	for (slot = 0; slot < FUZZ_GUESTS; slot++)
		if (core_get_slot_brief(slot, &g) && g.id == id &&
		    !g.shutting_down)
			return true;
	return false;
}

enum fuzz_fast_caller fuzz_fast_caller_of(uint64_t a7)
{
	if (!(uint32_t)a7)
		return FUZZ_FAST_HYP;
	return guest_live((uint32_t)a7) ? FUZZ_FAST_GUEST : FUZZ_FAST_UNKNOWN;
}

/* What a VM_CREATED's check needs of the machine before the call. */
static struct {
	bool armed;	/* fuzz_fast_before() saw a VM_CREATED */
	bool refused;	/* its ID was taken or too wide, or no slot was free */
} vm_created_before;

void fuzz_fast_before(const uint64_t in[8])
{
	const uint32_t id = (uint32_t)in[1];
	struct core_nexus_info info;

	vm_created_before.armed = (uint32_t)in[0] == SMC_VM_CREATED;
	if (!vm_created_before.armed)
		return;
	fuzz_coverage_pause();
	core_get_nexus_info(&info);
	fuzz_coverage_resume();
	vm_created_before.refused = id > 0xffffu || !info.slots_free ||
				    guest_live(id);
}

/* VM_CREATED from the hypervisor, of a guest ID other than 0. */
static bool vm_created_fails(const uint64_t in[8], uint32_t a0)
{
	const uint32_t id = (uint32_t)in[1];
	bool armed = vm_created_before.armed;

	vm_created_before.armed = false;
	if (a0 != SMC_RET_OK)
		return a0 != SMC_RET_ENOTAVAIL;
	/* An ID in use or above 16 bits, or no slot: refused (ABI.md §3). */
	if (armed && vm_created_before.refused)
		return true;
	return !guest_live(id);
}

static bool fast_result_fails(enum fuzz_fast_caller caller,
			      const uint64_t in[8], const uint64_t out[8],
			      unsigned int *returned)
{
	const struct arch_platform *p = &fuzz_machine.cfg.platform;
	const bool mediated = caller == FUZZ_FAST_MEDIATED;
	const uint32_t a0 = (uint32_t)out[0];
	const uint32_t a1 = (uint32_t)out[1];

	*returned = 1u << 0;
	/* A fast call names its guest in a7: an unknown one is refused. */
	if (caller == FUZZ_FAST_UNKNOWN)
		return a0 != SMC_RET_ENOTAVAIL;
	switch ((uint32_t)in[0]) {
	case SMC_CALLS_COUNT:
		/* Through a mediator, its own count (Xen's). */
		return a0 != (mediated ? MED_CALLS_COUNT : SMC_CALLS_COUNT_VIRT);
	case SMC_CALLS_UID:
		*returned = 0xf;
		return a0 != SMC_MSG_UID_0 || a1 != SMC_MSG_UID_1 ||
		       (uint32_t)out[2] != SMC_MSG_UID_2 ||
		       (uint32_t)out[3] != SMC_MSG_UID_3;
	case SMC_CALLS_REVISION:
		*returned = 0x3;
		return a0 != SMC_MSG_REVISION_MAJOR ||
		       a1 != SMC_MSG_REVISION_MINOR;
	case SMC_GET_OS_UUID:
		*returned = 0xf;
		return a0 != SMC_OS_UUID_0 || a1 != SMC_OS_UUID_1 ||
		       (uint32_t)out[2] != SMC_OS_UUID_2 ||
		       (uint32_t)out[3] != SMC_OS_UUID_3;
	case SMC_GET_OS_REVISION:
		/* Xen's mediator passes on no build ID. */
		*returned = mediated ? 0x3 : 0x7;
		return a0 != p->os_revision_major ||
		       a1 != p->os_revision_minor ||
		       (!mediated && (uint32_t)out[2] != p->os_build_id);
	case SMC_EXCHANGE_CAPABILITIES:
		*returned = 0xf;
		/*
		 * A guest's: the mediator drops what it does not know of its
		 * capabilities, and passes on no more of the TEE's than a
		 * guest may use (not RPC_ARG: a3 means nothing then).
		 */
		if (mediated) {
			*returned = 0x3;
			return a0 != SMC_RET_OK || !(a1 & SMC_CAP_DYNAMIC_SHM) ||
			       (a1 & ~(SMC_CAP_DYNAMIC_SHM |
				       SMC_CAP_UNREGISTERED_SHM |
				       SMC_CAP_MEMREF_NULL));
		}
		/* Only UNIPROCESSOR is a normal-world capability. */
		if ((uint32_t)in[1] & ~SMC_NSEC_CAP_UNIPROCESSOR) {
			*returned = 0x1;
			return a0 != SMC_RET_ENOTAVAIL;
		}
		return a0 != SMC_RET_OK || !(a1 & SMC_CAP_DYNAMIC_SHM) ||
		       (uint32_t)out[3] != SMC_RPC_NUM_PARAMS ||
		       !(a1 & SMC_CAP_VIRTUALIZATION) || a1 >> 7;
	case SMC_DISABLE_SHM_CACHE:
	case SMC_ENABLE_SHM_CACHE:
		/* The cache is a guest's: the hypervisor has none. */
		if (caller == FUZZ_FAST_HYP)
			return a0 != SMC_RET_ENOTAVAIL;
		if ((uint32_t)in[0] == SMC_ENABLE_SHM_CACHE)
			return a0 != SMC_RET_OK && a0 != SMC_RET_EBUSY;
		/* Disabled, a cached argument's cookie comes back in a1/a2. */
		if (a0 == SMC_RET_OK)
			*returned = 0x7;
		return a0 != SMC_RET_OK && a0 != SMC_RET_EBUSY &&
		       a0 != SMC_RET_ENOTAVAIL;
	case SMC_GET_THREAD_COUNT_ID:
		/* Not the mediator's, as in Xen. */
		if (mediated)
			return a0 != SMC_RET_UNKNOWN_FUNCTION;
		*returned = 0x3;
		return a0 != SMC_RET_OK || a1 != p->thread_count;
	case SMC_GET_SHM_CONFIG:
		/* No reserved shared memory: none to tell of. */
		if (mediated)
			return a0 != SMC_RET_ENOTAVAIL;
		return a0 != SMC_RET_UNKNOWN_FUNCTION &&
		       a0 != SMC_RET_ENOTAVAIL;
	case SMC_VM_CREATED:
	case SMC_VM_DESTROYED:
		/* The hypervisor's own calls: a guest gets nothing of them. */
		if (mediated)
			return a0 != SMC_RET_UNKNOWN_FUNCTION;
		if (caller != FUZZ_FAST_HYP ||
		    ((uint32_t)in[0] == SMC_VM_CREATED && !(uint32_t)in[1]))
			return a0 != SMC_RET_ENOTAVAIL;
		if ((uint32_t)in[0] == SMC_VM_DESTROYED)
			return a0 != SMC_RET_OK;
		return vm_created_fails(in, a0);
	case SMC_BOOT_SECONDARY:
		/* Cores are released by the platform here, not on request. */
		if (mediated)
			return a0 != SMC_RET_UNKNOWN_FUNCTION;
		return a0 != SMC_RET_OK && a0 != SMC_RET_ENOTAVAIL;
	default:
		return a0 != SMC_RET_UNKNOWN_FUNCTION;
	}
}

void fuzz_check_fast_result(enum fuzz_fast_caller caller, const uint64_t in[8],
			    const uint64_t out[8])
{
	unsigned int returned = 0;
	unsigned int n = 0;

	if (fast_result_fails(caller, in, out, &returned))
		fuzz_fail("fast call %#x from %s answered a0 = %#x a1 = %#x "
			  "a2 = %#x a3 = %#x, not as the ABI has it",
			  (unsigned int)in[0],
			  caller == FUZZ_FAST_HYP ? "the hypervisor" :
			  caller == FUZZ_FAST_GUEST ? "a live guest" :
			  caller == FUZZ_FAST_UNKNOWN ? "no live guest" :
			  "a guest through its mediator",
			  (unsigned int)out[0], (unsigned int)out[1],
			  (unsigned int)out[2], (unsigned int)out[3]);
	/*
	 * What the call does not return: straight from the TEE, the low half
	 * of what was sent (SMC32); through a mediator, what the guest had.
	 */
	for (n = 0; n < 8; n++)
		if (!(returned & 1u << n) &&
		    out[n] != (caller == FUZZ_FAST_MEDIATED ? in[n] :
						       (uint32_t)in[n]))
			fuzz_fail("fast call %#x changed a%u from %#x to %#llx, "
				  "a register it does not return",
				  (unsigned int)in[0], n, (unsigned int)in[n],
				  (unsigned long long)out[n]);
}

void fuzz_check_hyp_end(void)
{
	struct hyp_stats hs;

	hyp_get_stats(&hs);
	if (hs.pages_pinned)
		fuzz_fail("%llu pages pinned with no VM",
			  (unsigned long long)hs.pages_pinned);
	if (hs.undrained)
		fuzz_fail("a drain gave up on a call");
	if (hs.pages_free + hs.pages_spare != hs.pages_total)
		fuzz_fail("%llu of %llu pages free (%llu of them the "
			  "hypervisor's spares) with no VM",
			  (unsigned long long)(hs.pages_free + hs.pages_spare),
			  (unsigned long long)hs.pages_total,
			  (unsigned long long)hs.pages_spare);
}

void fuzz_check_refcounts(void)
{
	struct core_guest_info g;
	uint32_t slot = 0;

	for (slot = 0; slot < FUZZ_GUESTS; slot++) {
		if (!core_get_slot_brief(slot, &g))
			continue;
		if (g.shutting_down)
			fuzz_fail("guest %u was destroyed but %u references "
				  "keep it, with no call in the secure world",
				  (unsigned int)g.id, (unsigned int)g.refcount);
		if (g.refcount != 1)
			fuzz_fail("guest %u holds %u references with no call "
				  "in the secure world (1 expected)",
				  (unsigned int)g.id, (unsigned int)g.refcount);
	}
}

void fuzz_check_end(void)
{
	struct core_guest_info info;
	struct core_nexus_info nx;
	struct shim_stats st;
	uint32_t slot = 0;
	static int verbose = -1;

	/* NEXSIM_FUZZ_VERBOSE=1: what the input made the machine do. */
	if (verbose < 0)
		verbose = getenv("NEXSIM_FUZZ_VERBOSE") != NULL;
	if (verbose) {
		core_get_nexus_info(&nx);
		shim_get_stats(&st);
		fprintf(stderr, "input: %llu fast and %llu std SMCs, %llu "
			"guests made, %u live, %llu partition switches, %llu "
			"key evictions, "
			"%llu window keyings, %llu windows opened on demand, "
			"%llu protection changes; "
			"non-secure: %llu maps made, "
			"%llu reused, %llu inherited, %llu leaked; %llu secure "
			"pages zeroed\n",
			(unsigned long long)st.fast_smcs,
			(unsigned long long)st.std_smcs,
			(unsigned long long)st.partitions_created,
			(unsigned int)nx.guests_live,
			(unsigned long long)st.prtn_switches,
			(unsigned long long)st.key_evictions,
			(unsigned long long)st.window_keyings,
			(unsigned long long)st.windows_on_demand,
			(unsigned long long)st.prot_changes,
			(unsigned long long)st.ns_maps,
			(unsigned long long)st.ns_map_cache_hits,
			(unsigned long long)st.ns_maps_inherited,
			(unsigned long long)st.ns_maps_leaked,
			(unsigned long long)st.pages_zeroed);
	}

	fuzz_check_refcounts();
	/* Every guest goes, as the hypervisor would make it go. */
	for (slot = 0; slot < FUZZ_GUESTS; slot++)
		if (core_get_slot_brief(slot, &info) && !info.shutting_down)
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

size_t fuzz_message(struct fuzz_input *in, uint8_t buf[FUZZ_MSG_MAX])
{
	size_t params = 0;

	fuzz_bytes(in, buf, 32);
	params = fuzz_u8(in) % 8;
	fuzz_bytes(in, buf + 32, params * 32);
	return 32 + params * 32;
}

uint8_t fuzz_u8(struct fuzz_input *in)
{
	return in->at < in->size ? in->data[in->at++] : 0;
}

void fuzz_bytes(struct fuzz_input *in, uint8_t *buf, size_t len)
{
	size_t have = in->size - in->at < len ? in->size - in->at : len;

	if (have)
		memcpy(buf, in->data + in->at, have);
	memset(buf + have, 0, len - have);
	in->at += have;
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

bool fuzz_next_op(struct fuzz_input *in, unsigned int max_ops)
{
	if (!fuzz_more(in) || in->ops >= max_ops)
		return false;
	in->op_at = in->at;
	in->ops++;
	return true;
}

static void trace_line(const char *head, const char *fmt, va_list ap)
{
	char what[256] = "";

	vsnprintf(what, sizeof(what), fmt, ap);
	sim_trace("input %s%s", head, what);
}

void fuzz_trace_op(const struct fuzz_input *in, const char *fmt, ...)
{
	char head[48] = "";
	va_list ap;

	if (!sim_trace_on())
		return;
	snprintf(head, sizeof(head), "#%u @%zu ", in->ops - 1, in->op_at);
	va_start(ap, fmt);
	trace_line(head, fmt, ap);
	va_end(ap);
}

void fuzz_trace_result(const struct fuzz_input *in, const char *fmt, ...)
{
	char head[48] = "";
	va_list ap;

	if (!sim_trace_on())
		return;
	snprintf(head, sizeof(head), "#%u -> ", in->ops - 1);
	va_start(ap, fmt);
	trace_line(head, fmt, ap);
	va_end(ap);
}

void fuzz_trace_end(const struct fuzz_input *in)
{
	sim_trace("input end: %u operations from %zu of %zu bytes; every guest "
		  "goes, then the invariants are checked", in->ops, in->at,
		  in->size);
}

void fuzz_trace_smc(const struct fuzz_input *in, const uint64_t regs[8],
		    bool with_a7, const char *who_fmt, ...)
{
	char who[64] = "";
	char a7[16] = "";
	va_list ap;

	if (!sim_trace_on())
		return;
	va_start(ap, who_fmt);
	vsnprintf(who, sizeof(who), who_fmt, ap);
	va_end(ap);
	if (with_a7)
		snprintf(a7, sizeof(a7), " a7=%u", (uint32_t)regs[7]);
	fuzz_trace_op(in, "SMC %s %s a0=0x%x a1=0x%x a2=0x%x a3=0x%x a4=0x%x "
		      "a5=0x%x a6=0x%x%s", who,
		      sim_smc_name((uint32_t)regs[0]), (uint32_t)regs[0],
		      (uint32_t)regs[1], (uint32_t)regs[2], (uint32_t)regs[3],
		      (uint32_t)regs[4], (uint32_t)regs[5], (uint32_t)regs[6],
		      a7);
}

void fuzz_trace_smc_result(const struct fuzz_input *in,
			   const uint64_t regs[8])
{
	fuzz_trace_result(in, "a0=0x%x a1=0x%x a2=0x%x a3=0x%x",
			  (uint32_t)regs[0], (uint32_t)regs[1],
			  (uint32_t)regs[2], (uint32_t)regs[3]);
}

static uint32_t le32_at(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

void fuzz_trace_arg(const struct fuzz_input *in, const char *what,
		    uint64_t addr, const uint8_t *buf, size_t len)
{
	char attrs[96] = "";
	size_t used = 0;
	size_t n = 0;

	if (!sim_trace_on())
		return;
	/* The low word of each param's attr: type, META, NONCONTIG. */
	for (n = 32; n + 32 <= len && used < sizeof(attrs); n += 32)
		used += (size_t)snprintf(attrs + used, sizeof(attrs) - used,
					 " 0x%x", le32_at(buf + n));
	fuzz_trace_op(in, "%s=0x%llx cmd=%u (%s) func=%u session=%u "
		      "num_params=%u, %zu params written, attrs:%s", what,
		      (unsigned long long)addr, le32_at(buf),
		      sim_msg_cmd_name(le32_at(buf)), le32_at(buf + 4),
		      le32_at(buf + 8), le32_at(buf + 28), (len - 32) / 32,
		      used ? attrs : " none");
}
