/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Spinlocks of the core. The simulated cores run one at a time on one host
 * thread, so a lock found taken can never be released by spinning: that is
 * a deadlock, and the core panics instead of hanging.
 */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <kernel/panic.h>

#define SPINLOCK_UNLOCK	0u
#define SPINLOCK_LOCK	1u

static inline void cpu_spin_lock(unsigned int *lock)
{
	if (__atomic_exchange_n(lock, SPINLOCK_LOCK, __ATOMIC_ACQUIRE) !=
	    SPINLOCK_UNLOCK)
		panic("spinlock already held: deadlock");
}

static inline void cpu_spin_unlock(unsigned int *lock)
{
	if (__atomic_exchange_n(lock, SPINLOCK_UNLOCK, __ATOMIC_RELEASE) !=
	    SPINLOCK_LOCK)
		panic("spinlock released while not held");
}

#endif /* KERNEL_SPINLOCK_H */
