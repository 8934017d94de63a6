/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Core threads. The thread table is banked: every guest has its own
 * CFG_NUM_THREADS threads, their stacks in the guest's private memory.
 */
#ifndef KERNEL_THREAD_H
#define KERNEL_THREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Upper bound of CFG_NUM_THREADS this build supports. */
#define THREAD_MAX_COUNT	32

enum thread_state {
	THREAD_STATE_FREE,
	THREAD_STATE_ACTIVE,
	THREAD_STATE_SUSPENDED,
};

/* Set up the threads of the active guest; stacks at @stacks. */
void thread_init_threads(uint8_t *stacks, size_t stack_size,
			 uint32_t count);

/* Claim a free thread for a std call on this core; -1 if none is free. */
int thread_alloc_and_claim(void);
/* Release the thread this core runs. */
void thread_release_current(void);
/* Thread this core runs, -1 if none. */
int thread_get_id(void);
/* Threads of the active guest that are not free. */
uint32_t thread_count_busy(void);

/*
 * RETURN_FROM_RPC: resume the suspended thread named by @thread_id;
 * returns the SMC result (ERESUME if no such thread is suspended).
 */
uint32_t thread_resume_from_rpc(uint32_t thread_id);

/* The RPC argument cache of OP-TEE's DISABLE/ENABLE_SHM_CACHE. */
bool thread_disable_prealloc_rpc_cache(uint64_t *cookie);
bool thread_enable_prealloc_rpc_cache(void);

/* The TA session the current thread runs code of (NULL if none). */
void *thread_get_ta_session(void);
void thread_set_ta_session(void *session);

/* Forget the thread of this core after an abandoned call. */
void thread_abort_current(void);

#endif /* KERNEL_THREAD_H */
