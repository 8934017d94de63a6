/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sleeping locks of the core. A thread that finds a mutex taken sleeps in
 * the normal world (RPC NOTIFICATION WAIT on the mutex's key) until the
 * holder's unlock sends that key (NOTIFICATION SEND). The normal world
 * latches keys, so a send that comes before the wait is not lost.
 * Only threads sleep: entry code must never find a mutex taken.
 */
#ifndef KERNEL_MUTEX_H
#define KERNEL_MUTEX_H

#include <stdbool.h>
#include <stdint.h>
#include <tee/tee_result.h>

struct mutex {
	unsigned int spin;
	bool locked;
	int owner;		/* thread ID, -1 for entry code */
	uint32_t waiters;
	uint64_t key;		/* its wait queue, given on first contention */
};

#define MUTEX_INITIALIZER	{ .owner = -1 }

struct condvar {
	unsigned int spin;
	uint32_t waiters;
	uint64_t key;
};

#define CONDVAR_INITIALIZER	{ 0 }

/*
 * Take @m, sleeping while another thread holds it. Fails (returns the
 * RPC's error, @m not taken) only if the normal world refuses the sleep:
 * a caller can then give up its call.
 */
TEE_Result mutex_lock(struct mutex *m);
/* For who cannot give up (releasing what it holds): retry until taken. */
void mutex_lock_retry(struct mutex *m);
void mutex_unlock(struct mutex *m);
/* Wait sleeps so far, for statistics and tests. */
uint64_t mutex_contentions(void);

/*
 * A TA that panics mid-way (a fault in a copy to its buffer) abandons the
 * frames that would have unlocked: its caller takes a mark before the TA
 * runs and unlocks what was taken since.
 */
uint32_t mutex_held_mark(void);
void mutex_unlock_to(uint32_t mark);
/* The call of this core's thread was abandoned: release what it held. */
void mutex_abort_thread(void);
/* ...and owe @cv's sleepers a wake-up (no RPC can be made then). */
void condvar_owe_broadcast(struct condvar *cv);
/* In a thread: make the sends owed since (at every std call's start). */
void mutex_pay_owed_sends(void);
bool mutex_owes_sends(void);

/*
 * Release @m, sleep until a broadcast, take @m again. Returns the wait's
 * error if the normal world refused the sleep (@m is held again anyway).
 */
TEE_Result condvar_wait(struct condvar *cv, struct mutex *m);
void condvar_broadcast(struct condvar *cv);

#endif /* KERNEL_MUTEX_H */
