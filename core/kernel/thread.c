// SPDX-License-Identifier: BSD-2-Clause
/*
 * The threads of a guest. The table (in the guest's heap, its pointer an
 * ordinary global) and the RPC-cache flag are banked: guest A's threads
 * are not guest B's, and one guest running out of threads leaves the
 * others theirs. What a core is running (its thread, its spinlock depth)
 * is nexus state: it belongs to the core.
 *
 * A std call runs on a thread's own stack (arch_thread_run()). An RPC
 * suspends the thread and returns to the SMC entry, which hands the
 * request to the normal world; RETURN_FROM_RPC resumes the thread, on
 * whatever core it arrives.
 */

#include <arch/cpu.h>
#include <arch/mmu.h>
#include <arch/platform.h>
#include <compiler.h>
#include <kernel/mutex.h>
#include <kernel/panic.h>
#include <kernel/spinlock.h>
#include <kernel/thread.h>
#include <kernel/virtualization.h>
#include <lib/string.h>
#include <mm/malloc.h>
#include <sm/optee_smc.h>
#include <tee/entry.h>
#include <tee/ta.h>
#include <trace.h>
#include <util.h>

struct thread_ctx {
	enum thread_state state;
	struct arch_thread *arch;
	uint8_t *stack;
	/* The SMC that started it; then RPC requests out, answers in. */
	struct arch_smc_args regs;
	uint32_t result;		/* a0 of the finished call */
	/*
	 * This thread's RPC argument buffer (RPC_ALLOC), 0 if none, mapped
	 * for as long as the thread keeps it.
	 */
	uint64_t rpc_arg_cookie;
	uint64_t rpc_arg_pa;
	void *rpc_arg_va;
	/* TA session whose code this thread runs, NULL if none. */
	void *ta_session;
	/* The mutexes it holds, innermost last (kernel/mutex.c). */
	void *held[THREAD_MAX_HELD];
	uint32_t held_count;
	/* The TA instance whose code it runs (tee/ta_manager.c). */
	void *ta_busy;
	/*
	 * Non-secure mappings the running call holds (its argument, its
	 * temporary buffers): unmapped if the call is abandoned.
	 */
	void *call_maps[THREAD_MAX_CALL_MAPS];
	uint8_t call_map_strict;	/* bit n: call_maps[n] is strict */
	uint8_t call_map_count;
	bool rpc_arg_per_call;		/* how its RPC argument was mapped */
	/* The call's payload buffer cache (kernel/rpc.c), NULL if none. */
	void *shm_cache;
};

/* In the guest's heap, made with its runtime: the bank stays small. */
static struct thread_ctx *threads;
static uint32_t thread_count;
static unsigned int thread_global_lock;
static bool thread_prealloc_rpc_cache;
/* The TA session of code that runs without a claimed thread (tests). */
static void *unthreaded_ta_session;

static int core_thread[ARCH_MAX_CORES] __nex_bss;
static bool core_thread_valid[ARCH_MAX_CORES] __nex_bss;
/* Spinlocks each core holds: no preemption while any is held. */
static unsigned int core_spin_depth[ARCH_MAX_CORES] __nex_bss;

bool thread_init_threads(uint8_t *stacks, size_t stack_size, uint32_t count)
{
	uint32_t n = 0;

	CHECK(count && count <= THREAD_MAX_COUNT);
	threads = calloc(count, sizeof(*threads));
	/*
	 * The heap is fresh, and the boot checked it has room for this: only
	 * an injected failure (arch/alloc_fail.h) gets here.
	 */
	if (!threads)
		return false;
	for (n = 0; n < count; n++) {
		threads[n].state = THREAD_STATE_FREE;
		threads[n].stack = stacks + (size_t)n * stack_size;
		threads[n].arch = arch_thread_init(threads[n].stack,
						   stack_size);
		CHECK(threads[n].arch);
	}
	/* The RPC cache flag is left as ENABLE_SHM_CACHE may have set it. */
	thread_count = count;
	return true;
}

size_t thread_table_size(uint32_t count)
{
	return (size_t)count * sizeof(struct thread_ctx);
}

void spinlock_note_lock(void)
{
	core_spin_depth[arch_get_core_pos()]++;
}

void spinlock_note_unlock(void)
{
	unsigned int core = arch_get_core_pos();

	/* Taken before a listener came: not counted. */
	if (!core_spin_depth[core])
		return;
	if (!--core_spin_depth[core])
		thread_preempt_point(ARCH_PREEMPT_SPINLOCK);
}

int thread_get_id(void)
{
	unsigned int core = arch_get_core_pos();

	return core_thread_valid[core] ? core_thread[core] : -1;
}

static struct thread_ctx *current_thread(void)
{
	int id = thread_get_id();

	return id < 0 ? NULL : &threads[id];
}

static void set_core_thread(int id)
{
	unsigned int core = arch_get_core_pos();

	core_thread[core] = id;
	core_thread_valid[core] = id >= 0;
}

static int claim_free_thread(void)
{
	int id = -1;
	uint32_t n = 0;

	CHECK(thread_get_id() < 0);
	cpu_spin_lock(&thread_global_lock);
	for (n = 0; n < thread_count; n++) {
		if (threads[n].state == THREAD_STATE_FREE) {
			threads[n].state = THREAD_STATE_ACTIVE;
			id = (int)n;
			break;
		}
	}
	cpu_spin_unlock(&thread_global_lock);
	return id;
}

static void forget_rpc_arg(struct thread_ctx *t)
{
	if (t->rpc_arg_va)
		arch_nsec_unmap((void *)((uintptr_t)t->rpc_arg_va &
					 ~(uintptr_t)SMALL_PAGE_MASK),
				t->rpc_arg_per_call);
	t->rpc_arg_va = NULL;
	t->rpc_arg_cookie = 0;
	t->rpc_arg_pa = 0;
}

/* The last of a call on its thread: @rv is the SMC's a0. */
static void end_call(uint32_t rv)
{
	/* The thread may have moved to another core meanwhile. */
	struct thread_ctx *t = current_thread();

	/* The payload cache goes back first, while the call still runs. */
	thread_rpc_shm_cache_clear();
	t = current_thread();
	/* Without the cache, the RPC argument lives for one call only. */
	if (t->rpc_arg_cookie && !thread_prealloc_rpc_cache) {
		uint64_t cookie = t->rpc_arg_cookie;

		forget_rpc_arg(t);
		thread_rpc_free(cookie);
		t = current_thread();
	}
	t->result = rv;
}

/*
 * What an abandoned call of this guest owed: wake-ups of its sleepers, and
 * the normal world's payload buffers.
 */
static void pay_owed(void)
{
	mutex_pay_owed_sends();
	thread_rpc_pay_owed_payloads();
}

/* The body of a std call, on the thread's own stack. */
static void std_call_main(void *arg)
{
	struct thread_ctx *t = arg;
	struct arch_smc_args a = t->regs;
	uint32_t rv = 0;

	pay_owed();
	rv = tee_entry_std_smc(a.a0, a.a1, a.a2, a.a3);
	end_call(rv);
}

/* The thread returned to the entry: it finished or left with an RPC. */
static void thread_left(struct thread_ctx *t, bool finished,
			struct arch_smc_args *args)
{
	uint32_t a7 = args->a7;

	if (finished) {
		args->a0 = t->result;
		cpu_spin_lock(&thread_global_lock);
		CHECK(t->state == THREAD_STATE_ACTIVE);
		t->state = THREAD_STATE_FREE;
		cpu_spin_unlock(&thread_global_lock);
	} else {
		CHECK(t->state == THREAD_STATE_SUSPENDED);
		*args = t->regs;
		args->a7 = a7;
	}
	set_core_thread(-1);
}


void thread_handle_std_smc(struct arch_smc_args *args)
{
	int id = claim_free_thread();
	struct thread_ctx *t = NULL;

	if (id < 0) {
		args->a0 = OPTEE_SMC_RETURN_ETHREAD_LIMIT;
		return;
	}
	t = &threads[id];
	t->regs = *args;
	set_core_thread(id);
	thread_left(t, arch_thread_run(t->arch, (unsigned int)id, t->stack,
				       std_call_main, t), args);
}

/* A thread that only pays what is owed; the call ends with ENOTAVAIL. */
static void pay_debts_main(void *arg)
{
	(void)arg;
	pay_owed();
	end_call(OPTEE_SMC_RETURN_ENOTAVAIL);
}

bool thread_pay_owed_sends(struct arch_smc_args *args)
{
	int id = claim_free_thread();
	struct thread_ctx *t = NULL;

	if (id < 0)
		return false;
	t = &threads[id];
	t->regs = *args;
	set_core_thread(id);
	thread_left(t, arch_thread_run(t->arch, (unsigned int)id, t->stack,
				       pay_debts_main, t), args);
	return true;
}

void thread_handle_resume(struct arch_smc_args *args)
{
	uint32_t id = args->a3;
	struct thread_ctx *t = NULL;
	bool ok = false;

	CHECK(thread_get_id() < 0);
	cpu_spin_lock(&thread_global_lock);
	if (id < thread_count &&
	    threads[id].state == THREAD_STATE_SUSPENDED) {
		threads[id].state = THREAD_STATE_ACTIVE;
		virt_count_suspended(-1);
		ok = true;
	}
	cpu_spin_unlock(&thread_global_lock);
	/* No such thread of this guest waits in an RPC: nothing changed. */
	if (!ok) {
		args->a0 = OPTEE_SMC_RETURN_ERESUME;
		return;
	}
	t = &threads[id];
	/* The answer: a1..a6 (a3 names the thread, and stays). */
	t->regs.a1 = args->a1;
	t->regs.a2 = args->a2;
	t->regs.a3 = args->a3;
	t->regs.a4 = args->a4;
	t->regs.a5 = args->a5;
	t->regs.a6 = args->a6;
	set_core_thread((int)id);
	thread_left(t, arch_thread_resume(t->arch), args);
}

void thread_rpc(struct arch_smc_args *regs)
{
	struct thread_ctx *t = current_thread();
	int id = thread_get_id();

	CHECK(t);
	CHECK(!core_spin_depth[arch_get_core_pos()]);
	t->regs = *regs;
	t->regs.a3 = (uint32_t)id;
	t->state = THREAD_STATE_SUSPENDED;
	virt_count_suspended(1);
	arch_thread_suspend(t->arch);
	/* Resumed: thread_handle_resume() set the answer and our core. */
	CHECK(t->state == THREAD_STATE_ACTIVE);
	regs->a1 = t->regs.a1;
	regs->a2 = t->regs.a2;
	regs->a3 = t->regs.a3;
	regs->a4 = t->regs.a4;
	regs->a5 = t->regs.a5;
	regs->a6 = t->regs.a6;
}

void thread_preempt_point(enum arch_preempt_kind kind)
{
	struct arch_smc_args regs;

	if (!arch_preempt_armed || core_spin_depth[arch_get_core_pos()])
		return;
	/* Entry code is never preempted; nor a thread between its states. */
	if (!arch_preempt_point(kind) || thread_get_id() < 0 ||
	    !arch_in_thread())
		return;
	/* A normal-world interrupt: leave, and come back unchanged. */
	memset(&regs, 0, sizeof(regs));
	regs.a0 = OPTEE_SMC_RETURN_RPC_FOREIGN_INTR;
	thread_rpc(&regs);
}

void **thread_ta_busy_slot(void)
{
	struct thread_ctx *t = current_thread();

	return t ? &t->ta_busy : NULL;
}

void **thread_shm_cache_slot(void)
{
	struct thread_ctx *t = current_thread();

	return t ? &t->shm_cache : NULL;
}

void **thread_held_mutexes(uint32_t **count)
{
	struct thread_ctx *t = current_thread();

	if (!t)
		return NULL;
	*count = &t->held_count;
	return t->held;
}

void *thread_get_rpc_arg(uint64_t *cookie)
{
	struct thread_ctx *t = current_thread();

	if (!t || !t->rpc_arg_cookie)
		return NULL;
	*cookie = t->rpc_arg_cookie;
	return t->rpc_arg_va;
}

void thread_set_rpc_arg(uint64_t pa, uint64_t cookie, void *va,
			bool per_call)
{
	struct thread_ctx *t = current_thread();

	CHECK(t);
	t->rpc_arg_pa = pa;
	t->rpc_arg_cookie = cookie;
	t->rpc_arg_va = va;
	t->rpc_arg_per_call = per_call;
}

bool thread_rpc_arg_outlives_call(void)
{
	return thread_prealloc_rpc_cache;
}

void thread_note_nsec_map(void *va, bool strict)
{
	struct thread_ctx *t = current_thread();

	if (!t || !va || t->call_map_count == THREAD_MAX_CALL_MAPS)
		return;
	t->call_maps[t->call_map_count] = va;
	t->call_map_strict &= (uint8_t)~(1u << t->call_map_count);
	t->call_map_strict |= (uint8_t)((strict ? 1u : 0u) << t->call_map_count);
	t->call_map_count++;
}

void thread_forget_nsec_map(void *va)
{
	struct thread_ctx *t = current_thread();
	uint32_t n = 0;

	if (!t)
		return;
	for (n = 0; n < t->call_map_count; n++) {
		uint32_t last = t->call_map_count - 1u;

		if (t->call_maps[n] != va)
			continue;
		/* The last one takes its place. */
		t->call_maps[n] = t->call_maps[last];
		t->call_map_strict &= (uint8_t)~(1u << n);
		t->call_map_strict |= (uint8_t)(((t->call_map_strict >> last) &
						  1u) << n);
		t->call_map_count = (uint8_t)last;
		return;
	}
}

/* An abandoned call's mappings go: a stale pointer into them faults. */
static void release_call_maps(struct thread_ctx *t)
{
	while (t->call_map_count) {
		t->call_map_count--;
		arch_nsec_unmap(t->call_maps[t->call_map_count],
				(t->call_map_strict >> t->call_map_count) & 1u);
	}
}

void thread_abort_current(void)
{
	unsigned int core = arch_get_core_pos();

	core_spin_depth[core] = 0;
	if (!core_thread_valid[core])
		return;
	/* The call was abandoned mid-way: its locks may be held. */
	thread_global_lock = SPINLOCK_UNLOCK;
	mutex_abort_thread();
	ta_abort_thread();
	release_call_maps(&threads[core_thread[core]]);
	/* Its cached payload, unmapped just now, is freed by the next call. */
	thread_rpc_owe_payload(threads[core_thread[core]].shm_cache);
	threads[core_thread[core]].shm_cache = NULL;
	threads[core_thread[core]].state = THREAD_STATE_FREE;
	/* The normal world keeps the buffer; this thread forgets it. */
	forget_rpc_arg(&threads[core_thread[core]]);
	set_core_thread(-1);
}

static uint32_t count_in_state(bool (*match)(enum thread_state s))
{
	uint32_t count = 0;
	uint32_t n = 0;

	cpu_spin_lock(&thread_global_lock);
	for (n = 0; n < thread_count; n++)
		if (match(threads[n].state))
			count++;
	cpu_spin_unlock(&thread_global_lock);
	return count;
}

static bool is_busy(enum thread_state s)
{
	return s != THREAD_STATE_FREE;
}

static bool is_suspended(enum thread_state s)
{
	return s == THREAD_STATE_SUSPENDED;
}

uint32_t thread_count_busy(void)
{
	return count_in_state(is_busy);
}

uint32_t thread_count_suspended(void)
{
	return count_in_state(is_suspended);
}

/* The cache may change only while no thread of the guest runs. */
static bool all_threads_free_locked(void)
{
	uint32_t n = 0;

	for (n = 0; n < thread_count; n++)
		if (threads[n].state != THREAD_STATE_FREE)
			return false;
	return true;
}

bool thread_disable_prealloc_rpc_cache(uint64_t *cookie)
{
	bool rv = false;
	uint32_t n = 0;

	cpu_spin_lock(&thread_global_lock);
	if (!all_threads_free_locked())
		goto out;
	rv = true;
	/* Hand back one cached buffer per call until none is left. */
	for (n = 0; n < thread_count; n++) {
		if (threads[n].rpc_arg_cookie) {
			*cookie = threads[n].rpc_arg_cookie;
			forget_rpc_arg(&threads[n]);
			goto out;
		}
	}
	*cookie = 0;
	thread_prealloc_rpc_cache = false;
out:
	cpu_spin_unlock(&thread_global_lock);
	return rv;
}

bool thread_enable_prealloc_rpc_cache(void)
{
	bool rv = false;

	cpu_spin_lock(&thread_global_lock);
	rv = all_threads_free_locked();
	if (rv)
		thread_prealloc_rpc_cache = true;
	cpu_spin_unlock(&thread_global_lock);
	return rv;
}

void *thread_get_ta_session(void)
{
	struct thread_ctx *t = current_thread();

	return t ? t->ta_session : unthreaded_ta_session;
}

void thread_set_ta_session(void *session)
{
	struct thread_ctx *t = current_thread();

	if (t)
		t->ta_session = session;
	else
		unthreaded_ta_session = session;
}
