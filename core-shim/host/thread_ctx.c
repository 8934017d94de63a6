// SPDX-License-Identifier: BSD-2-Clause
/*
 * Core thread contexts on the host: switches (shim/ctx.h) between the SMC
 * entry (on the stack of whoever issued the SMC) and a core thread (on its
 * own stack, in its guest's private memory), announced to the address
 * sanitizer as fiber switches so that ASan builds follow them.
 *
 * The record of a thread sits at the top of its stack; a canary at the
 * bottom catches a stack overflow at the next switch.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arch/asan.h>
#include <arch/platform.h>
#include <arch/thread.h>
#include <shim/ctx.h>

#include "shim_internal.h"

#define THREAD_MAGIC	0x74687264u	/* "thrd" */
#define STACK_CANARY	0x5a17c0de5a17c0deull
/* Below this, a stack cannot hold the record and a call. */
#define MIN_USABLE	(8u * 1024u)

struct arch_thread {
	uint32_t magic;
	bool finished;
	unsigned int id;		/* in its guest's table */
	struct shim_ctx ctx;		/* the thread, while it is away */
	struct shim_ctx *entry;		/* the entry that ran or resumed it */
	uint8_t *stack;			/* usable stack: [stack, record) */
	size_t stack_size;
	void (*fn)(void *arg);
	void *arg;
	struct ta_frames frames;	/* its open TA calls */
	/* The sanitizer's view: the entry's stack and the fake stack. */
	const void *entry_bottom;
	size_t entry_size;
	void *fake_stack;
};

/* The thread each core runs now, NULL for none (entry code only). */
static struct arch_thread *running[ARCH_MAX_CORES];
/* TA calls made outside any thread (tests calling TA code directly). */
static struct ta_frames core_frames[ARCH_MAX_CORES];

static void ctx_fatal(const char *what)
{
	fprintf(stderr, "nexsim: core thread: %s\n", what);
	mmu_make_all_accessible();
	abort();
}

static void check_canary(const struct arch_thread *t)
{
	uint64_t canary = 0;

	memcpy(&canary, t->stack, sizeof(canary));
	if (canary != STACK_CANARY)
		ctx_fatal("stack overflow (raise thread_stack_size)");
}

/*
 * Only where the record goes: the stack is not touched until the thread
 * first runs, so a guest whose threads never run holds no page of them.
 */
struct arch_thread *arch_thread_init(void *stack, size_t size)
{
	uintptr_t top = (uintptr_t)stack + size;

	top -= sizeof(struct arch_thread);
	top &= ~(uintptr_t)63;
	if (top < (uintptr_t)stack + MIN_USABLE)
		return NULL;
	return (struct arch_thread *)top;
}

/* First code on a thread's own stack. */
static void thread_main(void *arg)
{
	struct arch_thread *t = arg;

	shim_fiber_finish(NULL, &t->entry_bottom, &t->entry_size);
	t->fn(t->arg);
	/* It may have moved to another core meanwhile: t is still t. */
	t->finished = true;
	check_canary(t);
	/* No fake stack to keep: this context is done. */
	shim_fiber_start(NULL, t->entry_bottom, t->entry_size);
	shim_ctx_switch(&t->ctx, t->entry);
	ctx_fatal("a finished thread was resumed");
}

static void (*thread_hook)(unsigned int core, int guest, unsigned int thread,
			    enum shim_thread_event event);

void shim_set_thread_hook(void (*hook)(unsigned int core, int guest,
				       unsigned int thread,
				       enum shim_thread_event event))
{
	thread_hook = hook;
}

static void thread_event(unsigned int core, const struct arch_thread *t,
			 enum shim_thread_event event)
{
	if (thread_hook)
		thread_hook(core, mmu_active_guest(core), t->id, event);
}

/* Enter @t from an entry; back here when it suspends or finishes. */
static bool enter(struct arch_thread *t, enum shim_thread_event event)
{
	unsigned int core = machine_current_core();
	struct arch_thread *outer = running[core];
	struct shim_ctx entry;
	void *fake = NULL;

	if (t->magic != THREAD_MAGIC)
		ctx_fatal("not a thread record");
	t->entry = &entry;
	running[core] = t;
	thread_event(core, t, event);
	shim_fiber_start(&fake, t->stack, t->stack_size);
	shim_ctx_switch(&entry, &t->ctx);
	shim_fiber_finish(fake, NULL, NULL);
	/* The thread may have moved: leave from the core we are on now. */
	core = machine_current_core();
	running[core] = outer;
	thread_event(core, t, t->finished ? SHIM_THREAD_ENDS :
					    SHIM_THREAD_SUSPENDS);
	return t->finished;
}

bool arch_thread_run(struct arch_thread *t, unsigned int id, void *stack,
		     void (*fn)(void *arg), void *arg)
{
	uint64_t canary = STACK_CANARY;

	/* The stack below the record, its canary at the bottom. */
	t->magic = THREAD_MAGIC;
	t->id = id;
	t->stack = stack;
	t->stack_size = (uintptr_t)t - (uintptr_t)stack;
	memcpy(t->stack, &canary, sizeof(canary));
	t->fn = fn;
	t->arg = arg;
	t->finished = false;
	t->frames.depth = 0;
	t->fake_stack = NULL;
	shim_ctx_init(&t->ctx, t->stack, t->stack_size, thread_main, t);
	return enter(t, SHIM_THREAD_STARTS);
}

bool arch_thread_resume(struct arch_thread *t)
{
	if (t->finished)
		ctx_fatal("resume of a finished thread");
	return enter(t, SHIM_THREAD_RESUMES);
}

void arch_thread_suspend(struct arch_thread *t)
{
	check_canary(t);
	shim_fiber_start(&t->fake_stack, t->entry_bottom, t->entry_size);
	shim_ctx_switch(&t->ctx, t->entry);
	/* Resumed, by an entry that may be on another stack. */
	shim_fiber_finish(t->fake_stack, &t->entry_bottom, &t->entry_size);
}

void arch_thread_stacks_freed(void *stacks, size_t size)
{
	/* Frames of abandoned threads leave redzones in the shadow. */
	arch_asan_unpoison(stacks, size);
}

struct ta_frames *ta_frames_of(unsigned int core)
{
	return running[core] ? &running[core]->frames : &core_frames[core];
}

/* A recovery jump off a thread's stack is under way. */
static bool abandoning;

void thread_ctx_abandon(unsigned int core)
{
	struct arch_thread *t = running[core];

	if (!t)
		return;
	abandoning = true;
	thread_event(core, t, SHIM_THREAD_ABANDONED);
	/* A recovery jumps from the thread's stack to its entry's. */
	shim_fiber_start(NULL, t->entry_bottom, t->entry_size);
	running[core] = NULL;
}

void thread_ctx_abandoned(void)
{
	if (!abandoning)
		return;
	abandoning = false;
	shim_fiber_finish(NULL, NULL, NULL);
}

void thread_ctx_reset(void)
{
	size_t n = 0;

	memset(running, 0, sizeof(running));
	abandoning = false;
	/* A frame's jump buffer is read only below its depth. */
	for (n = 0; n < ARCH_MAX_CORES; n++)
		core_frames[n].depth = 0;
}

static bool (*preempt_hook)(unsigned int core, enum arch_preempt_kind kind,
			    void *arg);
static void *preempt_arg;
bool arch_preempt_armed;

void shim_set_preempt_hook(bool (*hook)(unsigned int core,
					enum arch_preempt_kind kind, void *arg),
			   void *arg)
{
	preempt_hook = hook;
	preempt_arg = arg;
	arch_preempt_armed = hook != NULL;
}

bool arch_preempt_point(enum arch_preempt_kind kind)
{
	if (!preempt_hook)
		return false;
	return preempt_hook(machine_current_core(), kind, preempt_arg);
}

bool arch_in_thread(void)
{
	return running[machine_current_core()];
}

bool shim_current_thread_stack(unsigned int core, void **lo, size_t *size)
{
	struct arch_thread *t = core < ARCH_MAX_CORES ? running[core] : NULL;

	if (!t)
		return false;
	*lo = t->stack;
	*size = t->stack_size;
	return true;
}

bool shim_core_in_thread(unsigned int core)
{
	return core < ARCH_MAX_CORES && running[core];
}
