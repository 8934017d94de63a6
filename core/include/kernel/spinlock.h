/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Spinlocks of the core. The simulated cores run one at a time on one host
 * thread, so a lock found taken can never be released by spinning: that is
 * a deadlock, and the core panics instead of hanging. A core holding a
 * spinlock is never preempted (as with interrupts masked); the release of
 * its last one is a preemption point.
 */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <arch/thread.h>
#include <kernel/panic.h>

#define SPINLOCK_UNLOCK	0u
#define SPINLOCK_LOCK	1u

/*
 * The spinlock depth of this core (kernel/thread.c), kept only while
 * someone listens at preemption points (hooks change between SMCs only).
 */
void spinlock_note_lock(void);
void spinlock_note_unlock(void);

static inline void cpu_spin_lock(unsigned int *lock)
{
	if (__atomic_exchange_n(lock, SPINLOCK_LOCK, __ATOMIC_ACQUIRE) !=
	    SPINLOCK_UNLOCK)
		panic("spinlock already held: deadlock");
	if (arch_preempt_armed)
		spinlock_note_lock();
}

static inline void cpu_spin_unlock(unsigned int *lock)
{
	if (__atomic_exchange_n(lock, SPINLOCK_UNLOCK, __ATOMIC_RELEASE) !=
	    SPINLOCK_LOCK)
		panic("spinlock released while not held");
	if (arch_preempt_armed)
		spinlock_note_unlock();
}

#endif /* KERNEL_SPINLOCK_H */
