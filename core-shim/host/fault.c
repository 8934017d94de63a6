// SPDX-License-Identifier: BSD-2-Clause
/*
 * Isolation violations: a touch of guarded memory (a bank outside its
 * partition, another guest's private range, a destroyed guest's memory)
 * arrives as SIGSEGV. It is not a crash of the simulator: it becomes a
 * report naming the active partition, the owner of the touched memory,
 * read or write, and where the core was; then the call or the process
 * ends, as configured. Faults on anything else go to whoever handled
 * SIGSEGV before us (the sanitizers, a test framework, or the default).
 */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "shim_internal.h"

#ifndef SEGV_PKUERR
#define SEGV_PKUERR 4
#endif

#define ALTSTACK_SIZE	(256 * 1024)

/*
 * Recovery points, innermost last: a shim_try() around an SMC, or an SMC
 * (END_CALL mode) inside a shim_try() run by a test hook. A violation
 * returns to the innermost one.
 */
#define MAX_RECOVERY	4

struct recovery {
	sigjmp_buf *env;
	bool is_smc;
};

static struct {
	struct sigaction prev;
	enum shim_on_violation mode;
	bool quiet;
	/* Per simulated core: each runs its own SMC, maybe interleaved. */
	struct {
		struct recovery stack[MAX_RECOVERY];
		size_t depth;
	} core[ARCH_MAX_CORES];
	struct shim_violation last;
	void (*hook)(const struct shim_violation *v);
} fault;

static void on_segv(int sig, siginfo_t *si, void *ucontext);

typedef int (*sigaction_fn)(int, const struct sigaction *, struct sigaction *);

static bool installed;

/* The C library's (or a sanitizer's) sigaction, behind ours. */
static int real_sigaction(int sig, const struct sigaction *act,
			  struct sigaction *old)
{
	static sigaction_fn next;

	if (!next)
		next = (sigaction_fn)dlsym(RTLD_NEXT, "sigaction");
	if (!next) {
		fputs("nexsim: no sigaction() behind the shim's\n", stderr);
		abort();
	}
	return next(sig, act, old);
}

/*
 * Signals other than SIGSEGV (a fuzzer's timeout alarm, Ctrl-C, a
 * profiler's tick, and the abort() of a panic) can arrive while core code
 * runs on a thread stack in a guest's private memory, under a PKRU that
 * opens only that guest's keys, and the kernel delivers a handler with
 * only key 0 open. So their handlers, whoever installs them (and those in
 * place when the machine starts: fault_install()), run on the alternate
 * stack, through a trampoline that opens every key first, so a crash
 * handler can also unwind through the guest's stack. The PKRU of the
 * interrupted code comes back with sigreturn; a handler that does not
 * return leaves the keys open until the next partition switch.
 */
static struct sigaction async_user[NSIG];

static bool is_async(int sig)
{
	switch (sig) {
	case SIGALRM: case SIGVTALRM: case SIGPROF: case SIGINT:
	case SIGTERM: case SIGQUIT: case SIGHUP: case SIGUSR1:
	case SIGUSR2: case SIGCHLD: case SIGWINCH: case SIGXCPU:
	case SIGXFSZ: case SIGIO: case SIGABRT: case SIGFPE:
	case SIGILL: case SIGBUS: case SIGTRAP: case SIGSYS:
		return true;
	default:
		return false;
	}
}

/* SIG_DFL and SIG_IGN are no handlers, whatever the flags say. */
static bool is_handler(const struct sigaction *act)
{
	return act->sa_handler != SIG_DFL && act->sa_handler != SIG_IGN;
}

/* Kept out of coverage: an alarm's timing is no input's doing. */
#if defined(__has_attribute)
#if __has_attribute(no_sanitize_coverage)
__attribute__((no_sanitize_coverage))
#endif
#endif
static void async_trampoline(int sig, siginfo_t *si, void *ucontext)
{
	const struct sigaction *u = &async_user[sig];

	mmu_open_keys();
	if (!is_handler(u))
		return;
	if (u->sa_flags & SA_SIGINFO)
		u->sa_sigaction(sig, si, ucontext);
	else
		u->sa_handler(sig);
}

/* sigaction() of an asynchronous signal: its handler goes behind ours. */
static int async_sigaction(int sig, const struct sigaction *act,
			   struct sigaction *old)
{
	struct sigaction prev;
	struct sigaction cur;
	struct sigaction sa;
	int rc = 0;

	if (real_sigaction(sig, NULL, &cur))
		return -1;
	/* What the program installed, not the trampoline. */
	prev = (cur.sa_flags & SA_SIGINFO) &&
	       cur.sa_sigaction == async_trampoline ? async_user[sig] : cur;
	if (act && is_handler(act)) {
		/* Known to the trampoline before a signal can reach it. */
		async_user[sig] = *act;
		sa = *act;
		sa.sa_sigaction = async_trampoline;
		sa.sa_flags |= SA_SIGINFO | SA_ONSTACK;
		rc = real_sigaction(sig, &sa, NULL);
	} else if (act) {
		rc = real_sigaction(sig, act, NULL);
		if (!rc)
			async_user[sig] = *act;
	}
	if (rc) {
		async_user[sig] = prev;
		return rc;
	}
	if (old)
		*old = prev;
	return 0;
}

/*
 * The isolation handler stays first. A program or test framework that
 * installs its own SIGSEGV handler later (cmocka does, around every test)
 * is put behind it in the chain, and sees the chain's previous handler as
 * the one it replaced: violations are always caught, other faults still
 * reach it. The sanitizers keep their handlers the same way.
 */
int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	if (sig > 0 && sig < NSIG && is_async(sig))
		return async_sigaction(sig, act, old);
	if (sig != SIGSEGV || !installed)
		return real_sigaction(sig, act, old);
	if (old)
		*old = fault.prev;
	if (act)
		fault.prev = *act;
	return 0;
}

sighandler_t signal(int sig, sighandler_t handler)
{
	struct sigaction sa;
	struct sigaction old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, &old))
		return SIG_ERR;
	if (old.sa_flags & SA_SIGINFO)
		return (sighandler_t)(void (*)(void))old.sa_sigaction;
	return old.sa_handler;
}

void fault_install(void)
{
	static bool warmed;
	struct sigaction sa;
	stack_t ss;
	int sig = 0;

	if (!warmed) {
		void *frames[2];

		/* The first backtrace() loads the unwinder: not in a handler. */
		backtrace(frames, 2);
		warmed = true;
	}
	if (!sigaltstack(NULL, &ss) && (ss.ss_flags & SS_DISABLE)) {
		ss.ss_sp = mmap(NULL, ALTSTACK_SIZE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (ss.ss_sp != MAP_FAILED) {
			ss.ss_size = ALTSTACK_SIZE;
			ss.ss_flags = 0;
			sigaltstack(&ss, NULL);
		}
	}
	if (installed)
		return;
	/* Handlers in place already (a sanitizer's, a fuzzer's): wrapped. */
	for (sig = 1; sig < NSIG; sig++) {
		struct sigaction cur;

		if (is_async(sig) && !real_sigaction(sig, NULL, &cur) &&
		    is_handler(&cur) &&
		    !((cur.sa_flags & SA_SIGINFO) &&
		      cur.sa_sigaction == async_trampoline))
			async_sigaction(sig, &cur, NULL);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	/* NODEFER: a recovery longjmp must not leave SIGSEGV blocked. */
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (!real_sigaction(SIGSEGV, &sa, &fault.prev))
		installed = true;
}

void fault_set_mode(enum shim_on_violation mode, bool quiet)
{
	fault.mode = mode;
	fault.quiet = quiet;
}

static void push_recovery(sigjmp_buf *env, bool is_smc)
{
	unsigned int c = machine_current_core();

	if (fault.core[c].depth == MAX_RECOVERY) {
		fputs("nexsim: recovery points nested too deep\n", stderr);
		abort();
	}
	fault.core[c].stack[fault.core[c].depth].env = env;
	fault.core[c].stack[fault.core[c].depth].is_smc = is_smc;
	fault.core[c].depth++;
}

static void pop_recovery(sigjmp_buf *env)
{
	unsigned int c = machine_current_core();

	/* Normal returns pop in order; a longjmp already popped its own. */
	if (fault.core[c].depth &&
	    fault.core[c].stack[fault.core[c].depth - 1].env == env)
		fault.core[c].depth--;
}

void fault_arm_smc(void *env)
{
	push_recovery(env, true);
}

void fault_disarm_smc(void *env)
{
	pop_recovery(env);
}

void shim_set_violation_hook(void (*hook)(const struct shim_violation *v))
{
	fault.hook = hook;
}

const struct shim_violation *shim_last_violation(void)
{
	return &fault.last;
}

bool shim_classify_address(uintptr_t addr, struct shim_violation *v)
{
	memset(v, 0, sizeof(*v));
	v->addr = addr;
	v->owner = SHIM_OWNER_NONE;
	return mmu_classify(addr, v);
}

static enum shim_access access_of(const ucontext_t *uc)
{
#if defined(__x86_64__)
	/* Page-fault error code: bit 1 set for a write. */
	return (uc->uc_mcontext.gregs[REG_ERR] & 2) ? SHIM_ACCESS_WRITE :
						      SHIM_ACCESS_READ;
#elif defined(__aarch64__)
	const struct _aarch64_ctx *h =
		(const struct _aarch64_ctx *)uc->uc_mcontext.__reserved;

	while (h->magic) {
		if (h->magic == ESR_MAGIC) {
			uint64_t esr = ((const struct esr_context *)h)->esr;

			/* Data abort: WnR, bit 6 of the syndrome. */
			return (esr & (1u << 6)) ? SHIM_ACCESS_WRITE :
						   SHIM_ACCESS_READ;
		}
		h = (const struct _aarch64_ctx *)((const char *)h + h->size);
	}
	return SHIM_ACCESS_UNKNOWN;
#else
	(void)uc;
	return SHIM_ACCESS_UNKNOWN;
#endif
}

static uintptr_t pc_of(const ucontext_t *uc)
{
#if defined(__x86_64__)
	return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
	return (uintptr_t)uc->uc_mcontext.pc;
#else
	(void)uc;
	return 0;
#endif
}

static void fill_backtrace(struct shim_violation *v)
{
	void *frames[SHIM_BACKTRACE_MAX + 8];
	int n = backtrace(frames, (int)(sizeof(frames) / sizeof(frames[0])));
	int first = 0;
	int i = 0;

	/* Skip the handler and the signal trampoline: start at the fault. */
	for (i = 0; i < n; i++) {
		if ((uintptr_t)frames[i] == v->pc) {
			first = i;
			break;
		}
	}
	if (i == n) {
		v->backtrace[0] = v->pc;
		v->backtrace_depth = 1;
		first = n > 2 ? 2 : n;
	}
	for (i = first; i < n && v->backtrace_depth < SHIM_BACKTRACE_MAX; i++)
		v->backtrace[v->backtrace_depth++] = (uintptr_t)frames[i];
	for (i = 0; i < (int)v->backtrace_depth; i++)
		symbols_describe_code(v->backtrace[i] - (i ? 1 : 0),
				      v->frames[i], sizeof(v->frames[i]));
}

static const char *access_name(enum shim_access a)
{
	return a == SHIM_ACCESS_WRITE ? "write" :
	       a == SHIM_ACCESS_READ ? "read" : "access";
}

static void describe_owner(const struct shim_violation *v, char *buf,
			   size_t size)
{
	switch (v->owner) {
	case SHIM_OWNER_BANK:
		snprintf(buf, size, "banked symbol '%s' +0x%lx (TEE state)",
			 v->symbol, (unsigned long)v->symbol_offset);
		break;
	case SHIM_OWNER_GUEST:
		snprintf(buf, size, "guest %u's private range +0x%lx",
			 v->owner_guest, (unsigned long)v->symbol_offset);
		break;
	case SHIM_OWNER_DESTROYED_GUEST:
		snprintf(buf, size,
			 "destroyed guest %u's private range +0x%lx",
			 v->owner_guest, (unsigned long)v->symbol_offset);
		break;
	case SHIM_OWNER_UNUSED_WINDOW:
		snprintf(buf, size, "unassigned guest address range");
		break;
	case SHIM_OWNER_NSEC:
		snprintf(buf, size, "guest %u's mapping of %s +0x%lx",
			 v->owner_guest, v->symbol,
			 (unsigned long)v->symbol_offset);
		break;
	case SHIM_OWNER_NSEC_UNMAPPED:
		if (v->owner_guest)
			snprintf(buf, size, "non-secure memory guest %u mapped "
				 "and released (+0x%lx)", v->owner_guest,
				 (unsigned long)v->symbol_offset);
		else
			snprintf(buf, size, "non-secure memory not mapped");
		break;
	case SHIM_OWNER_PHYS_MAP:
		snprintf(buf, size, "%s +0x%lx", v->symbol,
			 (unsigned long)v->symbol_offset);
		break;
	default:
		snprintf(buf, size, "unguarded memory");
		break;
	}
}

/* Write what snprintf() produced, at most the buffer (it may truncate). */
static int write_line(int fd, const char *line, size_t size, int n)
{
	size_t len = 0;

	if (n <= 0)
		return 0;
	len = (size_t)n < size ? (size_t)n : size - 1;
	return write(fd, line, len) < 0 ? -1 : 0;
}

void shim_print_violation(int fd, const struct shim_violation *v)
{
	char owner[160];
	char active[48];
	char line[1024];
	size_t i = 0;
	int n = 0;

	describe_owner(v, owner, sizeof(owner));
	if (v->active_guest < 0)
		snprintf(active, sizeof(active), "default partition");
	else
		snprintf(active, sizeof(active), "guest %d", v->active_guest);

	n = snprintf(line, sizeof(line),
		     "==nexsim== ISOLATION VIOLATION: %s of %s at 0x%lx\n"
		     "==nexsim==   active partition: %s (core %u)\n"
		     "==nexsim==   owner           : %s\n"
		     "==nexsim==   access          : %s%s\n"
		     "==nexsim==   at              : %s\n"
		     "==nexsim==   backtrace:\n",
		     access_name(v->access), owner, (unsigned long)v->addr,
		     active, v->core, owner, access_name(v->access),
		     v->pkey_fault ? " (protection key)" : "",
		     v->location);
	if (write_line(fd, line, sizeof(line), n))
		return;
	for (i = 0; i < v->backtrace_depth; i++) {
		n = snprintf(line, sizeof(line), "==nexsim==     #%zu 0x%lx %s\n",
			     i, (unsigned long)v->backtrace[i], v->frames[i]);
		if (write_line(fd, line, sizeof(line), n))
			return;
	}
}

static void chain(int sig, siginfo_t *si, void *ucontext)
{
	if ((fault.prev.sa_flags & SA_SIGINFO) && fault.prev.sa_sigaction) {
		fault.prev.sa_sigaction(sig, si, ucontext);
		return;
	}
	if (fault.prev.sa_handler != SIG_DFL &&
	    fault.prev.sa_handler != SIG_IGN) {
		fault.prev.sa_handler(sig);
		return;
	}
	/* Default action: returning re-executes the access and dies. */
	{
		struct sigaction dfl;

		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		installed = false;
		real_sigaction(sig, &dfl, NULL);
	}
}

static void on_segv(int sig, siginfo_t *si, void *ucontext)
{
	struct shim_violation *v = &fault.last;
	const ucontext_t *uc = ucontext;

	/* A fast call's first touch of its guest's window: no violation. */
	if (mmu_open_on_demand((uintptr_t)si->si_addr, ucontext))
		return;
	if (!shim_classify_address((uintptr_t)si->si_addr, v)) {
		chain(sig, si, ucontext);
		return;
	}
	/*
	 * The kernel enters the handler with its default protection keys:
	 * give back the faulting core's, so that the unwinder can read a
	 * thread's stack (in its guest's memory) and a TA's frames too.
	 */
	mmu_reload_core(machine_current_core());
	v->access = access_of(uc);
	v->pc = pc_of(uc);
	v->core = machine_current_core();
	v->active_guest = mmu_active_guest(v->core);
	v->pkey_fault = si->si_code == SEGV_PKUERR;
	symbols_describe_code(v->pc, v->location, sizeof(v->location));
	fill_backtrace(v);
	shim_stats_counters.violations++;
	if (fault.hook)
		fault.hook(v);

	/*
	 * END_CALL mode, the fault in TA code: as OP-TEE answers a TA's
	 * abort, the TA panics (TARGET_DEAD) and the call completes.
	 */
	if (fault.core[v->core].depth &&
	    fault.core[v->core].stack[fault.core[v->core].depth - 1].is_smc &&
	    ta_call_depth(v->core)) {
		if (!fault.quiet)
			shim_print_violation(STDERR_FILENO, v);
		shim_stats_counters.ta_faults++;
		ta_call_unwind(v->core);
	}
	if (fault.core[v->core].depth) {
		struct recovery r =
			fault.core[v->core].stack[--fault.core[v->core].depth];

		if (r.is_smc && !fault.quiet)
			shim_print_violation(STDERR_FILENO, v);
		if (r.is_smc)
			thread_ctx_abandon(v->core);
		siglongjmp(*r.env, 1);
	}
	shim_print_violation(STDERR_FILENO, v);
	/* The report is out; leave nothing guarded for the exit path. */
	mmu_make_all_accessible();
	abort();
}

bool shim_try(void (*fn)(void *arg), void *arg, struct shim_violation *report)
{
	sigjmp_buf env;

	fault_install();
	if (sigsetjmp(env, 0)) {
		mmu_reload_core(machine_current_core());
		if (report)
			*report = fault.last;
		return true;
	}
	push_recovery(&env, false);
	fn(arg);
	pop_recovery(&env);
	return false;
}
