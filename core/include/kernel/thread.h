/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Core threads. The thread table is banked: every guest has its own
 * CFG_NUM_THREADS threads, their stacks in the guest's private memory.
 * A std call runs on a thread of the caller's guest; the thread can leave
 * for the normal world in the middle (an RPC) and is resumed by
 * RETURN_FROM_RPC naming it in a3, on any core.
 */
#ifndef KERNEL_THREAD_H
#define KERNEL_THREAD_H

#include <arch/entry.h>
#include <arch/thread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tee/tee_result.h>

/* Upper bound of CFG_NUM_THREADS this build supports. */
#define THREAD_MAX_COUNT	32
/* Mutexes one thread may hold at once. */
#define THREAD_MAX_HELD		8
#define THREAD_MAX_CALL_MAPS	8	/* beyond: not released on abort */

enum thread_state {
	THREAD_STATE_FREE,
	THREAD_STATE_ACTIVE,
	THREAD_STATE_SUSPENDED,
};

/*
 * Set up the threads of the active guest, its stacks at @stacks: with its
 * runtime (the table is in its heap). False if the heap had no room.
 */
bool thread_init_threads(uint8_t *stacks, size_t stack_size,
			 uint32_t count);

/* Bytes of guest heap the table of @count threads takes. */
size_t thread_table_size(uint32_t count);

/*
 * A std call (CALL_WITH_ARG & co.) from the SMC entry: claim a free thread
 * and run the call on it. @args is the SMC; on return it holds the result,
 * or an RPC request if the thread left for the normal world.
 */
void thread_handle_std_smc(struct arch_smc_args *args);
/* RETURN_FROM_RPC: resume the suspended thread a3 names (else ERESUME). */
void thread_handle_resume(struct arch_smc_args *args);
/*
 * After an abandoned call: pay what it owed (wake-ups, payload frees) from
 * a fresh thread (@args becomes an RPC, or ENOTAVAIL at the end). False if
 * no thread is free (the next std call of the guest pays them).
 */
bool thread_pay_owed_sends(struct arch_smc_args *args);

/* Thread this core runs, -1 if none. */
int thread_get_id(void);
/* Threads of the active guest that are not free / suspended in an RPC. */
uint32_t thread_count_busy(void);
uint32_t thread_count_suspended(void);

/*
 * In a thread: leave for the normal world with the RPC function in
 * @regs->a0 and its arguments in a1, a2, a4, a5 (a3 names the thread).
 * Returns when resumed, with a1..a6 of the RETURN_FROM_RPC in @regs.
 */
void thread_rpc(struct arch_smc_args *regs);

/* RPC_ALLOC: @size bytes of normal-world memory; PA or 0, its cookie. */
uint64_t thread_rpc_alloc(size_t size, uint64_t *cookie);
/* RPC_FREE of what thread_rpc_alloc() gave. */
void thread_rpc_free(uint64_t cookie);

/* One parameter of an RPC command. */
struct thread_param {
	uint32_t attr;		/* OPTEE_MSG_ATTR_TYPE_VALUE_* or RMEM_* */
	union {
		struct {
			uint64_t a;
			uint64_t b;
			uint64_t c;
		} value;
		struct {
			uint64_t cookie;	/* shm of thread_rpc_shm_alloc() */
			uint64_t offs;
			uint64_t size;
		} memref;
	} u;
};

/*
 * RPC_CMD: send command @cmd with @num params (at most
 * OPTEE_RPC_MAX_PARAMS) through this thread's RPC argument; output values
 * and memref sizes come back in @params. Returns the normal world's answer
 * (ret of the RPC argument), or an error if the RPC itself failed.
 */
TEE_Result thread_rpc_cmd(uint32_t cmd, uint32_t num,
			  struct thread_param *params);

struct nsbuf;
/* SHM_ALLOC: a payload buffer of @size bytes the normal world allocated. */
struct nsbuf *thread_rpc_shm_alloc(size_t size);
/* Unmap it and SHM_FREE it. */
void thread_rpc_shm_free(struct nsbuf *b);
/*
 * The thread's payload cache, as OP-TEE's shm cache: a buffer of at least
 * @size bytes that the running call's RPCs share. A bigger need replaces
 * it (SHM_FREE, then SHM_ALLOC of whole pages); the caller never frees it.
 * thread_rpc_shm_cache_clear() gives it back; every std call does so as it
 * ends, so no payload buffer outlives its call.
 */
struct nsbuf *thread_rpc_shm_cache_alloc(size_t size);
void thread_rpc_shm_cache_clear(void);
/* Where the running thread keeps that buffer; NULL outside a thread. */
void **thread_shm_cache_slot(void);
/*
 * The cached payload of an abandoned call (already unmapped): owed to the
 * normal world, which gets its SHM_FREE from the guest's next call
 * (thread_rpc_pay_owed_payloads(), as the owed mutex sends).
 */
void thread_rpc_owe_payload(void *payload);
bool thread_rpc_owes_payloads(void);
void thread_rpc_pay_owed_payloads(void);

/*
 * Where a normal-world interrupt may preempt this thread: at a preemption
 * point the machine picked, the thread leaves with RPC FOREIGN_INTR and
 * returns here once resumed. Entry code (no thread) is never preempted.
 */
void thread_preempt_point(enum arch_preempt_kind kind);

/*
 * This thread's RPC argument buffer, mapped at @va while the thread keeps
 * it (kernel/rpc.c allocates it; NULL if there is none).
 */
void *thread_get_rpc_arg(uint64_t *cookie);
/* @per_call: how it was mapped (arch_nsec_map()), to unmap it alike. */
void thread_set_rpc_arg(uint64_t pa, uint64_t cookie, void *va,
			bool per_call);
/* Does a thread keep its RPC argument after its call (the RPC cache)? */
bool thread_rpc_arg_outlives_call(void);

/* The RPC argument cache of OP-TEE's DISABLE/ENABLE_SHM_CACHE. */
bool thread_disable_prealloc_rpc_cache(uint64_t *cookie);
bool thread_enable_prealloc_rpc_cache(void);

/* The TA session the current thread runs code of (NULL if none). */
void *thread_get_ta_session(void);
void thread_set_ta_session(void *session);

/* Where the TA manager notes the instance this thread runs; NULL if none. */
void **thread_ta_busy_slot(void);

/* The mutexes this thread holds and their count; NULL if no thread. */
void **thread_held_mutexes(uint32_t **count);

/*
 * A non-secure mapping made for the running call (none outside a thread),
 * and its release: what is left is unmapped if the call is abandoned.
 */
void thread_note_nsec_map(void *va, bool strict);
void thread_forget_nsec_map(void *va);

/* Forget the thread of this core after an abandoned call. */
void thread_abort_current(void);

#endif /* KERNEL_THREAD_H */
