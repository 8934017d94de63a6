// SPDX-License-Identifier: BSD-2-Clause
/*
 * The thread table of a guest. The table and the RPC-cache flag are
 * ordinary globals, hence banked: guest A's threads are not guest B's, and
 * one guest running out of threads leaves the others theirs. The thread a
 * core is running is nexus state (it belongs to the core, not the guest).
 */

#include <arch/cpu.h>
#include <arch/platform.h>
#include <compiler.h>
#include <kernel/panic.h>
#include <kernel/spinlock.h>
#include <kernel/thread.h>
#include <lib/string.h>
#include <sm/optee_smc.h>

struct thread_ctx {
	enum thread_state state;
	uint8_t *stack_base;
	size_t stack_size;
	/* Cookie of the RPC argument buffer kept by this thread, 0 if none. */
	uint64_t rpc_arg_cookie;
	/* TA session whose code this thread runs, NULL if none. */
	void *ta_session;
};

static struct thread_ctx threads[THREAD_MAX_COUNT];
static uint32_t thread_count;
static unsigned int thread_global_lock;
static bool thread_prealloc_rpc_cache;
/* The TA session of code that runs without a claimed thread (tests). */
static void *unthreaded_ta_session;

static int core_thread[ARCH_MAX_CORES] __nex_bss;
static bool core_thread_valid[ARCH_MAX_CORES] __nex_bss;

void thread_init_threads(uint8_t *stacks, size_t stack_size, uint32_t count)
{
	uint32_t n = 0;

	CHECK(count && count <= THREAD_MAX_COUNT);
	memset(threads, 0, sizeof(threads));
	for (n = 0; n < count; n++) {
		threads[n].state = THREAD_STATE_FREE;
		threads[n].stack_base = stacks + (size_t)n * stack_size;
		threads[n].stack_size = stack_size;
	}
	thread_count = count;
	thread_prealloc_rpc_cache = false;
}

int thread_get_id(void)
{
	unsigned int core = arch_get_core_pos();

	return core_thread_valid[core] ? core_thread[core] : -1;
}

int thread_alloc_and_claim(void)
{
	unsigned int core = arch_get_core_pos();
	int id = -1;
	uint32_t n = 0;

	CHECK(!core_thread_valid[core]);
	cpu_spin_lock(&thread_global_lock);
	for (n = 0; n < thread_count; n++) {
		if (threads[n].state == THREAD_STATE_FREE) {
			threads[n].state = THREAD_STATE_ACTIVE;
			id = (int)n;
			break;
		}
	}
	cpu_spin_unlock(&thread_global_lock);
	if (id >= 0) {
		core_thread[core] = id;
		core_thread_valid[core] = true;
	}
	return id;
}

void thread_release_current(void)
{
	unsigned int core = arch_get_core_pos();

	CHECK(core_thread_valid[core]);
	cpu_spin_lock(&thread_global_lock);
	CHECK(threads[core_thread[core]].state == THREAD_STATE_ACTIVE);
	threads[core_thread[core]].state = THREAD_STATE_FREE;
	cpu_spin_unlock(&thread_global_lock);
	core_thread_valid[core] = false;
}

void thread_abort_current(void)
{
	unsigned int core = arch_get_core_pos();

	if (!core_thread_valid[core])
		return;
	/* The call was abandoned mid-way: its lock may be held. */
	thread_global_lock = SPINLOCK_UNLOCK;
	thread_release_current();
}

uint32_t thread_count_busy(void)
{
	uint32_t busy = 0;
	uint32_t n = 0;

	cpu_spin_lock(&thread_global_lock);
	for (n = 0; n < thread_count; n++)
		if (threads[n].state != THREAD_STATE_FREE)
			busy++;
	cpu_spin_unlock(&thread_global_lock);
	return busy;
}

uint32_t thread_resume_from_rpc(uint32_t thread_id)
{
	/* No thread of this guest is suspended in an RPC. */
	if (thread_id >= thread_count ||
	    threads[thread_id].state != THREAD_STATE_SUSPENDED)
		return OPTEE_SMC_RETURN_ERESUME;
	/* Suspension is never entered by this core yet. */
	panic("suspended thread without an RPC context");
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
			threads[n].rpc_arg_cookie = 0;
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
	int id = thread_get_id();

	return id < 0 ? unthreaded_ta_session : threads[id].ta_session;
}

void thread_set_ta_session(void *session)
{
	int id = thread_get_id();

	if (id < 0)
		unthreaded_ta_session = session;
	else
		threads[id].ta_session = session;
}
