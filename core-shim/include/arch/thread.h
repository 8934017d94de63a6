/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Execution contexts of core threads. A core thread runs a std call on its
 * own stack (in its guest's private memory); it can leave for the normal
 * world in the middle (an RPC) and be resumed later, on any core. The
 * context record lives at the top of the thread's stack, so it is as
 * private to the guest as the stack itself.
 */
#ifndef ARCH_THREAD_H
#define ARCH_THREAD_H

#include <stdbool.h>
#include <stddef.h>

struct arch_thread;

/*
 * The thread whose stack is [@stack, @stack + @size): its context record
 * is carved from the top (nothing is written until it runs). Returns NULL
 * if the stack is too small.
 */
struct arch_thread *arch_thread_init(void *stack, size_t size);

/*
 * From the SMC entry: run @fn(@arg) on @t, thread @id of the current
 * guest, whose stack starts at @stack (as given to arch_thread_init()).
 * Returns true when @fn returned, false when the thread suspended itself.
 */
bool arch_thread_run(struct arch_thread *t, unsigned int id, void *stack,
		     void (*fn)(void *arg), void *arg);

/* From the SMC entry: continue a suspended @t; returns as arch_thread_run(). */
bool arch_thread_resume(struct arch_thread *t);

/*
 * On @t itself: go back to the entry that ran or resumed it; returns when
 * an entry resumes @t (possibly on another core).
 */
void arch_thread_suspend(struct arch_thread *t);

/* True while this core executes on a thread's stack (not entry code). */
bool arch_in_thread(void);

/* The stacks of a guest are freed: forget what the host kept of them. */
void arch_thread_stacks_freed(void *stacks, size_t size);

/* Where core code lets the machine interleave other cores. */
enum arch_preempt_kind {
	ARCH_PREEMPT_SPINLOCK,		/* just after a spinlock release */
	ARCH_PREEMPT_MUTEX,		/* a mutex lock or unlock */
	ARCH_PREEMPT_TA_API,		/* a TA's call into the TEE API */
};

/*
 * A preemption point. The machine may run other cores before it returns.
 * Returns true if a normal-world (foreign) interrupt is pending for this
 * core: the thread must then leave with RPC FOREIGN_INTR.
 */
bool arch_preempt_point(enum arch_preempt_kind kind);

/* False while no one listens at preemption points: they cost nothing. */
extern bool arch_preempt_armed;

#endif /* ARCH_THREAD_H */
