// SPDX-License-Identifier: BSD-2-Clause
/*
 * The scheduler (see sched.h). Each vCPU is a fiber (shim/ctx.h); the
 * scheduler runs on the caller's stack and every switch goes through it,
 * so that the host MMU can be set to the next vCPU's core before that
 * vCPU's stack (maybe a core thread's, in guarded guest memory) is used.
 * Switches are announced to the address sanitizer as fiber switches.
 */

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <shim/ctx.h>
#include <shim/shim.h>
#include <sim/sched.h>
#include <sim/supplicant.h>
#include <sim/trace.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SCHED_ASAN 1
#endif
#endif
#if !defined(SCHED_ASAN) && defined(__SANITIZE_ADDRESS__)
#define SCHED_ASAN 1
#endif
#ifdef SCHED_ASAN
#define FIBER_STACK	(1024u * 1024u)
#else
#define FIBER_STACK	(256u * 1024u)
#endif

#define MAX_FIBERS	256
#define NO_CORE		(-1)

struct fiber {
	char label[24];
	void (*fn)(void *arg);
	void *arg;
	struct shim_ctx ctx;
	uint8_t *stack;
	bool done;
	int core;			/* held core, NO_CORE if none */
	unsigned int core_depth;
	/* Blocked while this does not hold. */
	bool (*until)(void *arg);
	void *until_arg;
	/* Where it stopped: its own stack or a core thread's. */
	const void *park_bottom;
	size_t park_size;
	void *fake_stack;
};

static struct {
	bool active;
	struct sched_params p;
	uint64_t rng;
	struct fiber *fibers[MAX_FIBERS];
	unsigned int count;
	struct fiber *cur;
	struct shim_ctx main_ctx;
	const void *main_bottom;
	size_t main_size;
	bool core_busy[ARCH_MAX_CORES];
	struct sched_stats st;
	char where[48];
} sc;

/* splitmix64: small, and the same everywhere. */
static uint64_t rnd(void)
{
	uint64_t z = 0;

	if (sc.p.choose)
		return sc.p.choose(sc.p.choose_arg);
	z = (sc.rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static bool block_until(bool (*done)(void *arg), void *arg);

/* Blocked vCPUs are polled: their conditions are checked in turn. */
static const struct supp_waiter waiter = {
	.block_until = block_until,
};

/* Back to the scheduler; returns when this vCPU is picked again. */
static void park(void)
{
	struct fiber *f = sc.cur;
	unsigned int core = f->core == NO_CORE ? 0 : (unsigned int)f->core;
	void *lo = NULL;
	size_t size = 0;

	if (f->core != NO_CORE && shim_current_thread_stack(core, &lo, &size)) {
		f->park_bottom = lo;
		f->park_size = size;
	} else {
		f->park_bottom = f->stack;
		f->park_size = FIBER_STACK;
	}
	shim_fiber_start(&f->fake_stack, sc.main_bottom, sc.main_size);
	shim_ctx_switch(&f->ctx, &sc.main_ctx);
	shim_fiber_finish(f->fake_stack, NULL, NULL);
}

static bool on_preempt(unsigned int core, enum arch_preempt_kind kind,
		       void *arg)
{
	static const char *const kinds[] = { "spinlock", "mutex", "TA API" };

	(void)arg;
	/*
	 * Only the vCPU that holds @core runs core code there. Another one
	 * (normal-world code reading the debug port) is never preempted.
	 */
	if (!sc.cur || sc.cur->core != (int)core)
		return false;
	sc.st.points++;
	if (!sc.p.preempt_permille || rnd() % 1000 >= sc.p.preempt_permille)
		return false;
	/* In a thread, half the time: a normal-world interrupt. */
	if (shim_core_in_thread(core) && (rnd() & 1) && !sc.p.no_interrupts) {
		sc.st.interrupts++;
		sim_trace("sched foreign interrupt at a %s point", kinds[kind]);
		return true;
	}
	sc.st.preemptions++;
	sim_trace("sched preempted at a %s point", kinds[kind]);
	park();
	return false;
}

int sched_start(const struct sched_params *p, char *err, size_t err_size)
{
	const struct shim_machine_params *mp = shim_machine_params();

	if (sc.active) {
		snprintf(err, err_size, "a scheduler runs already");
		return -1;
	}
	if (!mp || !p->cores || p->cores > mp->platform.core_count) {
		snprintf(err, err_size, "cores must be 1..%u (the platform's)",
			 mp ? mp->platform.core_count : 0);
		return -1;
	}
	if (p->preempt_permille > 1000) {
		snprintf(err, err_size, "a preemption rate of 0..1000 per mille");
		return -1;
	}
	memset(&sc, 0, sizeof(sc));
	sc.p = *p;
	sc.rng = p->seed;
	sc.active = true;
	shim_set_preempt_hook(on_preempt, NULL);
	supp_set_waiter(&waiter);
	return 0;
}

static void free_fiber(struct fiber *f)
{
	munmap(f->stack, FIBER_STACK);
	free(f);
}

void sched_stop(void)
{
	unsigned int n = 0;

	if (!sc.active)
		return;
	shim_set_preempt_hook(NULL, NULL);
	supp_set_waiter(NULL);
	for (n = 0; n < sc.count; n++)
		free_fiber(sc.fibers[n]);
	memset(&sc, 0, sizeof(sc));
}

bool sched_active(void)
{
	return sc.active;
}

static void fiber_main(void *arg)
{
	struct fiber *f = arg;

	shim_fiber_finish(NULL, &sc.main_bottom, &sc.main_size);
	f->fn(f->arg);
	f->done = true;
	shim_fiber_start(NULL, sc.main_bottom, sc.main_size);
	shim_ctx_switch(&f->ctx, &sc.main_ctx);
	abort();	/* a finished vCPU is never picked again */
}

int sched_spawn(const char *label, void (*fn)(void *arg), void *arg)
{
	struct fiber *f = NULL;

	if (!sc.active || sc.count == MAX_FIBERS)
		return -1;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	f->stack = mmap(NULL, FIBER_STACK, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (f->stack == MAP_FAILED) {
		free(f);
		return -1;
	}
	snprintf(f->label, sizeof(f->label), "%s", label);
	f->fn = fn;
	f->arg = arg;
	f->core = NO_CORE;
	f->park_bottom = f->stack;
	f->park_size = FIBER_STACK;
	shim_ctx_init(&f->ctx, f->stack, FIBER_STACK, fiber_main, f);
	sc.fibers[sc.count++] = f;
	return 0;
}

static bool runnable(struct fiber *f)
{
	if (f->done)
		return false;
	if (!f->until)
		return true;
	/* The condition may consume what it waited for: then it runs. */
	if (!f->until(f->until_arg))
		return false;
	f->until = NULL;
	return true;
}

static void run_fiber(struct fiber *f)
{
	void *fake = NULL;

	if (sc.cur != f)
		sc.st.switches++;
	sc.cur = f;
	/* Its core's partition, before its stack is touched. */
	if (f->core != NO_CORE)
		shim_set_current_core((unsigned int)f->core);
	shim_fiber_start(&fake, f->park_bottom, f->park_size);
	shim_ctx_switch(&sc.main_ctx, &f->ctx);
	shim_fiber_finish(fake, NULL, NULL);
}

int sched_run(char *err, size_t err_size)
{
	struct fiber *ready[MAX_FIBERS];

	for (;;) {
		unsigned int live = 0;
		unsigned int nready = 0;
		unsigned int n = 0;

		for (n = 0; n < sc.count; n++) {
			live += !sc.fibers[n]->done;
			if (runnable(sc.fibers[n]))
				ready[nready++] = sc.fibers[n];
		}
		if (!live)
			break;
		if (!nready) {
			size_t used = (size_t)snprintf(err, err_size,
				"deadlock: every vCPU waits (");

			for (n = 0; n < sc.count && used < err_size; n++)
				if (!sc.fibers[n]->done)
					used += (size_t)snprintf(err + used,
						err_size - used, "%s%s",
						n ? " " : "",
						sc.fibers[n]->label);
			if (used < err_size)
				snprintf(err + used, err_size - used, ")");
			sc.cur = NULL;
			return -1;
		}
		run_fiber(ready[nready == 1 ? 0 : rnd() % nready]);
	}
	sc.cur = NULL;
	/* All finished: the next run starts with no vCPU. */
	while (sc.count)
		free_fiber(sc.fibers[--sc.count]);
	return 0;
}

void sched_point(void)
{
	if (!sc.active || !sc.cur)
		return;
	park();
}

static bool core_free(void *arg)
{
	unsigned int n = 0;

	(void)arg;
	for (n = 0; n < sc.p.cores; n++)
		if (!sc.core_busy[n])
			return true;
	return false;
}

unsigned int sched_core_get(void)
{
	struct fiber *f = sc.cur;
	unsigned int pick[ARCH_MAX_CORES];
	unsigned int count = 0;
	unsigned int n = 0;

	if (!sc.active || !f)
		return 0;
	if (f->core != NO_CORE) {
		f->core_depth++;
		return (unsigned int)f->core;
	}
	/* Woken when one was free; another vCPU may have taken it since. */
	while (!core_free(NULL))
		block_until(core_free, NULL);
	for (n = 0; n < sc.p.cores; n++)
		if (!sc.core_busy[n])
			pick[count++] = n;
	n = pick[count == 1 ? 0 : rnd() % count];
	sc.core_busy[n] = true;
	f->core = (int)n;
	f->core_depth = 1;
	/* Whatever the vCPU runs now (an SMC, the debug port) runs there. */
	shim_set_current_core(n);
	return n;
}

void sched_core_put(void)
{
	struct fiber *f = sc.cur;

	if (!sc.active || !f || f->core == NO_CORE)
		return;
	if (--f->core_depth)
		return;
	sc.core_busy[f->core] = false;
	f->core = NO_CORE;
}

unsigned int sched_core(void)
{
	if (!sc.active || !sc.cur || sc.cur->core == NO_CORE)
		return 0;
	return (unsigned int)sc.cur->core;
}

static bool block_until(bool (*done)(void *arg), void *arg)
{
	struct fiber *f = sc.cur;

	if (!sc.active || !f)
		return false;
	sc.st.blocks++;
	f->until = done;
	f->until_arg = arg;
	park();
	return true;
}

bool sched_block_until(bool (*done)(void *arg), void *arg)
{
	return block_until(done, arg);
}

const char *sched_where(void)
{
	if (!sc.active || !sc.cur)
		return "";
	if (sc.cur->core == NO_CORE)
		snprintf(sc.where, sizeof(sc.where), "%s", sc.cur->label);
	else
		snprintf(sc.where, sizeof(sc.where), "%s core %d",
			 sc.cur->label, sc.cur->core);
	return sc.where;
}

void sched_get_stats(struct sched_stats *st)
{
	*st = sc.st;
}
