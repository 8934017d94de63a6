/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * core-shim's host-side interface: what the simulator and the tests use to
 * build a machine around the core, drive its SMC entry, and read what the
 * MMU saw. The core never includes this; it has the arch/ seam.
 */
#ifndef SHIM_SHIM_H
#define SHIM_SHIM_H

#include <arch/addr.h>
#include <arch/alloc_fail.h>
#include <arch/platform.h>
#include <arch/thread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How guard pages are enforced. */
enum shim_guard {
	SHIM_GUARD_AUTO,	/* pkeys if the CPU and kernel have them */
	SHIM_GUARD_PKEYS,	/* memory protection keys: switch = WRPKRU */
	SHIM_GUARD_MPROTECT,	/* page protections: switch = mprotect() */
};

/* How a guest's bank copy is brought to the bank's link address. */
enum shim_bank_switch {
	SHIM_BANK_AUTO,		/* copy for small banks, remap for large */
	SHIM_BANK_COPY,		/* copy out the old guest's, copy in the new */
	SHIM_BANK_REMAP,	/* map the guest's backing at the address */
};

/* What becomes of a destroyed guest's pages of secure RAM. */
enum shim_scrub {
	SHIM_SCRUB_RELEASE,	/* give them back to the host (punched) */
	SHIM_SCRUB_IN_PLACE,	/* zero the touched ones and keep them */
};

/* What an isolation violation does. */
enum shim_on_violation {
	SHIM_VIOLATION_ABORT,	/* report, then abort the process */
	/*
	 * Report, end the SMC with ENOTAVAIL; a violation in TA code
	 * instead panics that TA (TARGET_DEAD) and the call completes.
	 */
	SHIM_VIOLATION_END_CALL,
};

/* A physical memory region, backed by a memfd owned by the caller. */
struct shim_phys_region {
	const char *name;
	paddr_t base;
	uint64_t size;
	int fd;			/* offset 0 of the fd is @base */
	bool secure;
};

#define SHIM_MAX_REGIONS	8

struct shim_machine_params {
	struct arch_platform platform;
	struct shim_phys_region regions[SHIM_MAX_REGIONS];
	size_t region_count;
	enum shim_guard guard;
	enum shim_bank_switch bank_switch;
	enum shim_on_violation on_violation;
	int console_level;	/* ARCH_TRACE_*; 0 = silent */
	bool quiet_violations;	/* do not print reports (tests) */
	/*
	 * Keep a guest's released one-page call mappings (its message
	 * arguments) for reuse: faster, but between its calls the guest's
	 * partition can still reach those pages. Off by default.
	 */
	bool ns_map_cache;
	/*
	 * Release (default): a destroyed guest's share goes back to the
	 * host, and the next guest faults its pages in afresh. In place:
	 * the pages it touched are zeroed and stay, mapped, for the share's
	 * next guest: no page faults when guests come and go (fuzzing), but
	 * host memory holds every page a share ever touched.
	 */
	enum shim_scrub scrub;
	/*
	 * With protection keys, a fast call leaves its guest's window
	 * closed until its code touches it (docs/banking.md). Set, every
	 * activation opens it, as a std call's does: for measuring the
	 * whole partition switch with fast calls (nexsim bench switch).
	 */
	bool eager_windows;
};

/*
 * Build and cold-boot the machine. Returns 0, or -1 with a one-line
 * reason in @err.
 */
int shim_machine_create(const struct shim_machine_params *params, char *err,
			size_t err_size);
/* Power-on reset: no guests, pristine nexus, same configuration. */
int shim_machine_reset(char *err, size_t err_size);
void shim_machine_destroy(void);
bool shim_machine_exists(void);
const struct shim_machine_params *shim_machine_params(void);

/* SMC registers as the monitor sees them (x0..x7). */
struct shim_regs {
	uint64_t x[8];
};

/*
 * One SMC from the normal world on simulated core @core. SMC32 calls see
 * the low 32 bits of each register; results come back zero-extended.
 */
void shim_smc(unsigned int core, struct shim_regs *regs);

/* Convenience: an SMC with a0..a7, results in @regs. */
void shim_smc_args(unsigned int core, struct shim_regs *regs, uint32_t a0,
		   uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a7);

struct shim_stats {
	uint64_t fast_smcs;
	uint64_t std_smcs;
	uint64_t prtn_switches;	/* activations of a guest partition */
	uint64_t bank_swaps;	/* activations that changed the bank owner */
	uint64_t key_evictions;	/* pkeys: a guest lost its key to another */
	uint64_t window_keyings;	/* pkeys: a window tagged with a key anew */
	uint64_t windows_on_demand;	/* ... opened at a fast call's touch */
	uint64_t prot_changes;	/* host page protections or keys changed */
	uint64_t ns_prot_changes;	/* ... of them, of non-secure mappings */
	uint64_t violations;
	uint64_t aborted_calls;
	uint64_t ta_faults;	/* END_CALL: violations that killed a TA */
	uint64_t partitions_created;
	uint64_t partitions_destroyed;
	uint32_t partitions_live;
	uint64_t ns_maps;		/* non-secure mappings made */
	uint64_t ns_maps_live;		/* ... and not released yet */
	uint64_t ns_map_cache_hits;
	uint64_t ns_maps_inherited;	/* another guest's parked page, reused */
	uint64_t ns_maps_leaked;	/* still live when their guest died */
	uint64_t pages_zeroed;		/* SHIM_SCRUB_IN_PLACE: scrubbed */
	uint64_t scrub_scans;		/* ... shares scanned for data */
	uint64_t blocks_reads;		/* ... fstat()s of secure RAM for it */
	uint64_t allocs_failed;		/* failures injected */
};

void shim_get_stats(struct shim_stats *stats);

/*
 * Secure RAM was written from outside the secure world (a test's or a
 * harness's pwrite()): the scrub must not trust what it knew of which of
 * its pages hold data (sim_phys_write() calls it).
 */
void shim_secure_ram_written(void);

/*
 * Whether the SMC @core runs is a fast call: shim_smc() says so for each
 * call, and with protection keys a fast call leaves its guest's window
 * closed until its code touches it (docs/banking.md). A test that enters
 * a partition by hand (virt_set_guest()) sets it to play a fast call.
 */
void shim_set_fast_call(unsigned int core, bool fast);

/*
 * While no call is in the secure world: let a scan of the host's memory
 * from another thread (LeakSanitizer's leak check between fuzz inputs)
 * read the bank, which it reads as part of the executable's data. The
 * bank is guarded again before any core code runs (the next SMC, switch
 * or reset).
 */
void shim_expose_bank_for_scan(void);

/*
 * The non-secure pages the secure world mapped (so may have written)
 * since the last call, each given once to @fn; then forgotten. For a
 * harness playing the hypervisor that puts non-secure memory back as it
 * was between runs (fuzz_smc_raw).
 */
void shim_nsec_take_touched(void (*fn)(uint64_t pa, void *arg), void *arg);
uint64_t shim_prtn_switches_of(uint16_t guest_id);

/* What the MMU is using for this machine. */
enum shim_guard shim_guard_in_use(void);
enum shim_bank_switch shim_bank_switch_in_use(void);
const char *shim_guard_name(enum shim_guard guard);
const char *shim_bank_switch_name(enum shim_bank_switch bank);
/* pkeys: the protection keys guest windows take in turn (else 0). */
unsigned int shim_window_keys(void);
/* pkeys, strict mapping: the keys lent to non-secure mappings (else 0). */
unsigned int shim_map_keys(void);
/* True if this host can enforce guards with protection keys. */
bool shim_pkeys_supported(void);

/* Link-level facts of the banked sections of this executable. */
struct shim_sections {
	uintptr_t nexus_start;
	uintptr_t nexus_data_end;
	uintptr_t nexus_used_end;
	uintptr_t nexus_end;
	uintptr_t bank_start;
	uintptr_t bank_data_end;
	uintptr_t bank_used_end;
	uintptr_t bank_end;
	size_t bank_symbols;	/* named objects inside the bank */
};

void shim_get_sections(struct shim_sections *sections);

/*
 * Name of a toolchain object (sanitizer, gcov, compiler-local data) that
 * the link rules wrongly banked, or NULL when the bank holds core state
 * only. The shim checks this at start and refuses to run otherwise.
 */
const char *shim_bank_toolchain_symbol(void);

/* The pristine image of the bank (.data as linked, .bss zero). */
const uint8_t *shim_bank_pristine(void);

/* Where a guarded address belongs. */
enum shim_owner {
	SHIM_OWNER_NONE,		/* not guarded memory */
	SHIM_OWNER_BANK,		/* a banked symbol of the core */
	SHIM_OWNER_GUEST,		/* a live guest's private memory */
	SHIM_OWNER_DESTROYED_GUEST,	/* memory of a destroyed guest */
	SHIM_OWNER_UNUSED_WINDOW,	/* reserved, never given to a guest */
	SHIM_OWNER_PHYS_MAP,		/* the MMU's own view of secure RAM */
	SHIM_OWNER_NSEC,		/* non-secure pages a guest mapped */
	SHIM_OWNER_NSEC_UNMAPPED,	/* non-secure memory not mapped now */
};

enum shim_access {
	SHIM_ACCESS_UNKNOWN,
	SHIM_ACCESS_READ,
	SHIM_ACCESS_WRITE,
};

#define SHIM_BACKTRACE_MAX	24
#define SHIM_SYMBOL_MAX		96
#define SHIM_LOCATION_MAX	192

/* An isolation-violation report. */
struct shim_violation {
	uintptr_t addr;
	enum shim_access access;
	unsigned int core;
	int active_guest;		/* -1: the default partition */
	enum shim_owner owner;
	uint16_t owner_guest;		/* GUEST, DESTROYED_GUEST */
	char symbol[SHIM_SYMBOL_MAX];	/* BANK: the banked object */
	uintptr_t symbol_offset;
	bool pkey_fault;		/* caught by a protection key */
	uintptr_t pc;
	char location[SHIM_LOCATION_MAX];	/* function+offset (object) */
	size_t backtrace_depth;
	uintptr_t backtrace[SHIM_BACKTRACE_MAX];
	char frames[SHIM_BACKTRACE_MAX][SHIM_LOCATION_MAX];
};

/* Classify @addr as the fault handler would; false if not guarded. */
bool shim_classify_address(uintptr_t addr, struct shim_violation *v);

/*
 * Run @fn(@arg) with a recovery point: if it makes an isolation violation,
 * the report goes to @report and shim_try() returns true. The MMU state is
 * as @fn left it (a test can go on in the same partition).
 */
bool shim_try(void (*fn)(void *arg), void *arg, struct shim_violation *report);

/* The last report (of a recovered violation or a shim_try()). */
const struct shim_violation *shim_last_violation(void);

/* Print @v as the one report format. */
void shim_print_violation(int fd, const struct shim_violation *v);

/* Called for every violation, before recovery or abort (may be NULL). */
void shim_set_violation_hook(void (*hook)(const struct shim_violation *v));

/*
 * Test seam: run @fn inside the secure world of the next SMCs, after the
 * monitor entered it and before the core dispatches (NULL to clear).
 */
void shim_set_secure_entry_hook(void (*fn)(void *arg), void *arg);

/*
 * Called on every partition switch of a core: @guest_id is the guest now
 * active there, 0 for the default partition (NULL to clear).
 */
void shim_set_switch_hook(void (*hook)(unsigned int core, uint16_t guest_id));

/*
 * Called at every preemption point of core code (arch_preempt_point()) on
 * @core; it may run other cores before it returns (see
 * shim_set_current_core()), and returns true to raise a normal-world
 * interrupt on @core (NULL to clear).
 */
void shim_set_preempt_hook(bool (*hook)(unsigned int core,
					enum arch_preempt_kind kind, void *arg),
			   void *arg);
/*
 * Allocation failure injection: @fn(@site, @arg) is asked before each
 * valid allocation of the core's heaps and page pools, and true makes it
 * fail as an exhausted pool would (NULL to clear). It runs inside core
 * code, with the core's locks held: it must only decide.
 */
void shim_set_alloc_failer(bool (*fn)(enum arch_alloc_site site, void *arg),
			   void *arg);

/* What a core thread does, for timelines. */
enum shim_thread_event {
	SHIM_THREAD_STARTS,	/* a std call begins on it */
	SHIM_THREAD_RESUMES,	/* RETURN_FROM_RPC */
	SHIM_THREAD_SUSPENDS,	/* it left with an RPC */
	SHIM_THREAD_ENDS,	/* the call completed */
	SHIM_THREAD_ABANDONED,	/* an isolation violation ended the call */
};

/*
 * Called when thread @thread of guest @guest starts, resumes, suspends or
 * ends on @core (NULL to clear).
 */
void shim_set_thread_hook(void (*hook)(unsigned int core, int guest,
				       unsigned int thread,
				       enum shim_thread_event event));

/* True while @core runs a core thread (a std call) rather than entry code. */
bool shim_core_in_thread(unsigned int core);
/* The stack of the thread @core runs; false if it runs none. */
bool shim_current_thread_stack(unsigned int core, void **lo, size_t *size);

/*
 * The host goes on with what simulated core @core was doing (a scheduler
 * resuming a call it interrupted at a preemption point): @core's
 * partition is made current again. Code that reads the debug port
 * (arch/entry.h) while calls are interrupted on other cores must do so on
 * a core of its own.
 */
void shim_set_current_core(unsigned int core);

/* The guest whose partition the current core runs, or -1 (default). */
int shim_active_guest(void);

/* Simulated time: it advances 1 us per SMC, and by @ns here. */
void shim_advance_time(uint64_t ns);
uint64_t shim_time_ns(void);

/* Direct access to guest partition switching, for benchmarks and tests. */
int shim_enter_guest(uint16_t guest_id);	/* 0 or -1 if no such guest */
void shim_leave_guest(void);

#endif /* SHIM_SHIM_H */
