// SPDX-License-Identifier: BSD-2-Clause
/*
 * The machine under the core: its configuration, the simulated cores, the
 * monitor's SMC entry and exit, the console and panic, and power-on reset.
 */

#define _GNU_SOURCE
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <arch/asan.h>
#include <arch/console.h>
#include <arch/cpu.h>
#include <arch/entry.h>
#include <arch/panic.h>
#include <arch/platform.h>

#include "shim_internal.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SHIM_ASAN 1
#endif
#endif
#if !defined(SHIM_ASAN) && defined(__SANITIZE_ADDRESS__)
#define SHIM_ASAN 1
#endif
#ifdef SHIM_ASAN
#include <sanitizer/asan_interface.h>
#endif

/* SMC function ID bit 31: fast call. */
#define SMC_FAST_CALL		0x80000000u
/* The answer to a call ended by an isolation violation. */
#define SMC_RETURN_ENOTAVAIL	0x7u

static struct {
	bool exists;
	struct shim_machine_params params;
	unsigned int current_core;
	void (*entry_hook)(void *arg);
	void *entry_hook_arg;
} machine;

const struct arch_platform *arch_get_platform(void)
{
	return &machine.params.platform;
}

unsigned int arch_get_core_pos(void)
{
	return machine.current_core;
}

unsigned int machine_current_core(void)
{
	return machine.current_core;
}

const struct shim_machine_params *machine_params(void)
{
	return &machine.params;
}

int arch_console_level(void)
{
	return machine.params.console_level;
}

void arch_console_write(int level, const char *line, size_t len)
{
	(void)level;
	fprintf(stderr, "%.*s\n", (int)len, line);
}

void arch_panic(const char *file, int line, const char *func, const char *msg)
{
	fprintf(stderr, "nexsim: secure world panic: %s (%s:%d, %s)\n", msg,
		file, line, func);
	mmu_make_all_accessible();
	abort();
}

static bool (*alloc_failer)(enum arch_alloc_site site, void *arg);
static void *alloc_failer_arg;

void shim_set_alloc_failer(bool (*fn)(enum arch_alloc_site site, void *arg),
			   void *arg)
{
	alloc_failer = fn;
	alloc_failer_arg = arg;
}

int shim_active_guest(void)
{
	return mmu_active_guest(machine_current_core());
}

bool arch_alloc_fails(enum arch_alloc_site site)
{
	if (!alloc_failer || !alloc_failer(site, alloc_failer_arg))
		return false;
	shim_stats_counters.allocs_failed++;
	return true;
}

void arch_asan_poison(const void *addr, size_t size)
{
#ifdef SHIM_ASAN
	__asan_poison_memory_region(addr, size);
#else
	(void)addr;
	(void)size;
#endif
}

void arch_asan_unpoison(const void *addr, size_t size)
{
#ifdef SHIM_ASAN
	__asan_unpoison_memory_region(addr, size);
#else
	(void)addr;
	(void)size;
#endif
}

void shim_expose_bank_for_scan(void)
{
	mmu_expose_bank();
}

static void shim_at_exit(void)
{
	/* LeakSanitizer and gcov read writable memory after main(). */
	mmu_make_all_accessible();
}

/*
 * Before any core code can run: learn the symbols, save the pristine
 * images, guard the bank, and catch violations from here on.
 */
__attribute__((constructor(101))) static void shim_startup(void)
{
	const char *stray = NULL;

	symbols_load();
	stray = shim_bank_toolchain_symbol();
	if (stray) {
		fprintf(stderr, "nexsim: toolchain object '%s' is inside the "
			"bank: the link rules (nexsim-bank.ld) miss it\n", stray);
		abort();
	}
	bank_capture_pristine();
	if (mprotect(__nexsim_bank_start, bank_span(), PROT_NONE)) {
		perror("nexsim: guard of the bank");
		abort();
	}
	fault_install();
	atexit(shim_at_exit);
}

static int fail(char *err, size_t err_size, const char *msg)
{
	snprintf(err, err_size, "%s", msg);
	return -1;
}

static int check_regions(const struct shim_machine_params *p, char *err,
			 size_t err_size)
{
	size_t n = 0;
	size_t m = 0;

	if (p->region_count > SHIM_MAX_REGIONS)
		return fail(err, err_size, "too many physical regions");
	for (n = 0; n < p->region_count; n++) {
		const struct shim_phys_region *r = &p->regions[n];

		if (r->fd < 0 || !r->size || pa_addr(r->base) + r->size <
						     pa_addr(r->base))
			return fail(err, err_size, "bad physical region");
		for (m = 0; m < n; m++) {
			const struct shim_phys_region *o = &p->regions[m];

			if (pa_addr(r->base) < pa_addr(o->base) + o->size &&
			    pa_addr(o->base) < pa_addr(r->base) + r->size) {
				snprintf(err, err_size,
					 "physical regions %s and %s overlap",
					 o->name, r->name);
				return -1;
			}
		}
	}
	return 0;
}

static const char *boot_status_text(enum core_boot_status st)
{
	switch (st) {
	case CORE_BOOT_BAD_REGIONS:
		return "TZDRAM or non-secure DRAM is outside the 48-bit "
		       "physical address space";
	case CORE_BOOT_BAD_SIZES:
		return "a heap or thread stack size is below the core's minimum "
		       "or above TZDRAM; minimums: guest heap 8K, nexus heap 4K, "
		       "stack 4K";
	case CORE_BOOT_BAD_COUNTS:
		return "the core, guest or thread count is out of range";
	case CORE_BOOT_BAD_TEE_RAM:
		return "TZDRAM or nexus TEE RAM is not page-aligned, or TEE RAM "
		       "fills TZDRAM";
	case CORE_BOOT_HEAP_TOO_SMALL:
		return "a guest heap is too small to track its TA RAM share or "
		       "hold its thread table (raise the heap size or the guest "
		       "count, or lower the thread count)";
	case CORE_BOOT_NO_TEE_RAM:
		return "TEE RAM is too small for the nexus heap and guest index";
	case CORE_BOOT_NO_TA_RAM:
		return "TZDRAM is too small: no TA RAM left in a guest's share";
	case CORE_BOOT_MAP_FAILED:
		return "the host could not map nexus RAM";
	default:
		return "boot failed";
	}
}

static int boot(char *err, size_t err_size)
{
	enum core_boot_status st = CORE_BOOT_OK;

	nexus_restore_pristine();
	machine.current_core = 0;
	memset(&shim_stats_counters, 0, sizeof(shim_stats_counters));
	ta_call_reset();
	st = core_boot();
	if (st)
		return fail(err, err_size, boot_status_text(st));
	return 0;
}

int shim_machine_create(const struct shim_machine_params *p, char *err,
			size_t err_size)
{
	const struct arch_platform *plat = &p->platform;

	if (machine.exists)
		return fail(err, err_size, "a machine already exists");
	if (!plat->core_count || plat->core_count > ARCH_MAX_CORES)
		return fail(err, err_size, "core count out of range");
	if (check_regions(p, err, err_size))
		return -1;
	machine.params = *p;
	fault_install();
	fault_set_mode(p->on_violation, p->quiet_violations);
	if (mmu_machine_init(&machine.params, err, err_size))
		return -1;
	machine.exists = true;
	if (boot(err, err_size)) {
		shim_machine_destroy();
		return -1;
	}
	return 0;
}

int shim_machine_reset(char *err, size_t err_size)
{
	if (!machine.exists)
		return fail(err, err_size, "no machine to reset");
	mmu_machine_reset();
	return boot(err, err_size);
}

void shim_machine_destroy(void)
{
	if (!machine.exists)
		return;
	mmu_machine_fini();
	nexus_restore_pristine();
	machine.exists = false;
	machine.entry_hook = NULL;
}

bool shim_machine_exists(void)
{
	return machine.exists;
}

const struct shim_machine_params *shim_machine_params(void)
{
	return machine.exists ? &machine.params : NULL;
}

void shim_set_secure_entry_hook(void (*fn)(void *arg), void *arg)
{
	machine.entry_hook = fn;
	machine.entry_hook_arg = arg;
}

static void misuse(const char *what)
{
	fprintf(stderr, "nexsim: %s\n", what);
	abort();
}

/*
 * A 32-bit register value moved as a scalar: vector loads of what was
 * just stored with narrower stores stall on store forwarding, which is
 * most of the cost of a fast call.
 */
static inline uint32_t scalar32(uint32_t v)
{
	__asm__("" : "+r"(v));
	return v;
}

static void regs_to_args(const struct shim_regs *regs,
			 struct arch_smc_args *args)
{
	args->a0 = scalar32((uint32_t)regs->x[0]);
	args->a1 = scalar32((uint32_t)regs->x[1]);
	args->a2 = scalar32((uint32_t)regs->x[2]);
	args->a3 = scalar32((uint32_t)regs->x[3]);
	args->a4 = scalar32((uint32_t)regs->x[4]);
	args->a5 = scalar32((uint32_t)regs->x[5]);
	args->a6 = scalar32((uint32_t)regs->x[6]);
	args->a7 = scalar32((uint32_t)regs->x[7]);
}

static void args_to_regs(const struct arch_smc_args *args,
			 struct shim_regs *regs)
{
	regs->x[0] = scalar32(args->a0);
	regs->x[1] = scalar32(args->a1);
	regs->x[2] = scalar32(args->a2);
	regs->x[3] = scalar32(args->a3);
	regs->x[4] = scalar32(args->a4);
	regs->x[5] = scalar32(args->a5);
	regs->x[6] = scalar32(args->a6);
	regs->x[7] = scalar32(args->a7);
}

static void enter_secure_world(struct arch_smc_args *args)
{
	if (machine.entry_hook)
		machine.entry_hook(machine.entry_hook_arg);
	core_handle_smc(args);
}

/*
 * END_CALL mode: the call runs under a recovery point. Kept out of
 * shim_smc(): a sigsetjmp() makes the compiler keep every local in memory.
 */
static __attribute__((noinline)) bool run_recoverable(unsigned int core,
						       struct arch_smc_args *args)
{
	sigjmp_buf env;

	if (sigsetjmp(env, 0)) {
		bool goes_on = false;

		/* A violation ended the call: back to a clean core. */
		thread_ctx_abandoned();
		mmu_reload_core(core);
		/* The core may still owe the guest RPCs: then @args says so. */
		goes_on = core_abort_call(args);
		mmu_activate_on(core, NULL);
		shim_stats_counters.aborted_calls++;
		return goes_on;
	}
	fault_arm_smc(&env);
	enter_secure_world(args);
	fault_disarm_smc(&env);
	return true;
}

void shim_smc(unsigned int core, struct shim_regs *regs)
{
	struct arch_smc_args args;

	if (!machine.exists)
		misuse("SMC without a machine");
	if (core >= machine.params.platform.core_count)
		misuse("SMC on a core the platform does not have");

	/* World switch: this core now runs the secure world. */
	mmu_cover_bank();
	if (machine.current_core != core) {
		machine.current_core = core;
		mmu_reload_core(core);
	}
	regs_to_args(regs, &args);
	ta_call_tick();
	if (args.a0 & SMC_FAST_CALL)
		shim_stats_counters.fast_smcs++;
	else
		shim_stats_counters.std_smcs++;

	mmu_smc_kind(core, args.a0 & SMC_FAST_CALL);
	if (machine.params.on_violation != SHIM_VIOLATION_END_CALL) {
		enter_secure_world(&args);
	} else if (!run_recoverable(core, &args)) {
		mmu_smc_kind(core, false);
		regs->x[0] = SMC_RETURN_ENOTAVAIL;
		return;
	}
	mmu_smc_kind(core, false);
	args_to_regs(&args, regs);
}

void shim_set_current_core(unsigned int core)
{
	if (!machine.exists || core >= machine.params.platform.core_count)
		misuse("switch to a core the platform does not have");
	/* The host MMU shows the last core that ran: the same one, no work. */
	if (machine.current_core == core)
		return;
	machine.current_core = core;
	mmu_reload_core(core);
}

void shim_set_fast_call(unsigned int core, bool fast)
{
	if (!machine.exists || core >= machine.params.platform.core_count)
		misuse("fast call on a core the platform does not have");
	mmu_smc_kind(core, fast);
}

void shim_smc_args(unsigned int core, struct shim_regs *regs, uint32_t a0,
		   uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a7)
{
	regs->x[0] = a0;
	regs->x[1] = a1;
	regs->x[2] = a2;
	regs->x[3] = a3;
	regs->x[4] = 0;
	regs->x[5] = 0;
	regs->x[6] = 0;
	regs->x[7] = a7;
	shim_smc(core, regs);
}

void shim_get_stats(struct shim_stats *stats)
{
	*stats = shim_stats_counters;
}

uint64_t shim_prtn_switches_of(uint16_t guest_id)
{
	struct arch_prtn *p = mmu_find_prtn(guest_id);

	return p ? mmu_prtn_switches(p) : 0;
}

int shim_enter_guest(uint16_t guest_id)
{
	struct arch_prtn *p = mmu_find_prtn(guest_id);

	if (!p)
		return -1;
	mmu_activate_on(machine.current_core, p);
	return 0;
}

void shim_leave_guest(void)
{
	mmu_activate_on(machine.current_core, NULL);
}

const char *shim_guard_name(enum shim_guard guard)
{
	switch (guard) {
	case SHIM_GUARD_PKEYS:
		return "pkeys";
	case SHIM_GUARD_MPROTECT:
		return "mprotect";
	default:
		return "auto";
	}
}

const char *shim_bank_switch_name(enum shim_bank_switch bank)
{
	switch (bank) {
	case SHIM_BANK_COPY:
		return "copy";
	case SHIM_BANK_REMAP:
		return "remap";
	default:
		return "auto";
	}
}
