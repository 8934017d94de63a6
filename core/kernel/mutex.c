// SPDX-License-Identifier: BSD-2-Clause
/*
 * Mutexes and condition variables on the normal world's wait queues (see
 * kernel/mutex.h). Keys are numbered per guest: the counter is banked, and
 * each guest's driver keeps its own queues.
 */

#include <kernel/mutex.h>
#include <kernel/panic.h>
#include <kernel/spinlock.h>
#include <kernel/thread.h>
#include <lib/string.h>
#include <optee_msg.h>
#include <optee_rpc_cmd.h>
#include <trace.h>
#include <util.h>

static uint64_t next_key = 1;
static uint64_t contentions;
/*
 * Sends an abandoned call owed its waiters (it could make no RPC): the
 * guest's next std call makes them.
 */
#define MAX_OWED	16
static struct {
	uint64_t key;
	uint32_t sends;
} owed[MAX_OWED];
static uint32_t owed_count;

/* @sends wake-ups of the sleepers on @key, owed. */
static void owe_sends(uint64_t key, uint32_t sends)
{
	uint32_t n = 0;

	for (n = 0; n < owed_count; n++) {
		if (owed[n].key == key) {
			owed[n].sends = MAX(owed[n].sends, sends);
			return;
		}
	}
	if (owed_count < MAX_OWED) {
		owed[owed_count].key = key;
		owed[owed_count].sends = sends;
		owed_count++;
	}
}

static void note_held(struct mutex *m)
{
	uint32_t *count = NULL;
	void **held = thread_held_mutexes(&count);

	if (!held)
		return;
	CHECK(*count < THREAD_MAX_HELD);
	held[(*count)++] = m;
}

static void note_released(struct mutex *m)
{
	uint32_t *count = NULL;
	void **held = thread_held_mutexes(&count);
	uint32_t n = 0;

	if (!held)
		return;
	for (n = *count; n--;) {
		if (held[n] == m) {
			held[n] = held[--(*count)];
			return;
		}
	}
	panic("mutex released but not held by this thread");
}

void mutex_abort_thread(void)
{
	uint32_t *count = NULL;
	void **held = thread_held_mutexes(&count);

	/*
	 * The thread is gone with its frames: what it held is free again.
	 * No RPC can be made from here; a sleeper wakes at the next send.
	 */
	while (held && *count) {
		struct mutex *m = held[--(*count)];

		m->locked = false;
		m->owner = -1;
		m->spin = SPINLOCK_UNLOCK;
		if (m->waiters)
			owe_sends(m->key, 1);
	}
}

void condvar_owe_broadcast(struct condvar *cv)
{
	if (cv->waiters)
		owe_sends(cv->key, cv->waiters);
}

uint32_t mutex_held_mark(void)
{
	uint32_t *count = NULL;

	return thread_held_mutexes(&count) ? *count : 0;
}

void mutex_unlock_to(uint32_t mark)
{
	uint32_t *count = NULL;
	void **held = thread_held_mutexes(&count);

	while (held && *count > mark)
		mutex_unlock(held[*count - 1]);
}

static uint64_t key_of(uint64_t *key)
{
	if (!*key)
		*key = next_key++;
	return *key;
}

static TEE_Result notify(uint32_t action, uint64_t key)
{
	struct thread_param p;

	memset(&p, 0, sizeof(p));
	p.attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	p.u.value.a = action;
	p.u.value.b = key;
	return thread_rpc_cmd(OPTEE_RPC_CMD_NOTIFICATION, 1, &p);
}

bool mutex_owes_sends(void)
{
	return owed_count != 0;
}

void mutex_pay_owed_sends(void)
{
	while (owed_count) {
		owed_count--;
		/* One send wakes one sleeper (the normal world latches them). */
		while (owed[owed_count].sends--)
			if (notify(OPTEE_RPC_NOTIFICATION_SEND,
				   owed[owed_count].key))
				break;
	}
}

static TEE_Result wait_key(uint64_t key)
{
	TEE_Result res = TEE_SUCCESS;

	/* Only a thread can sleep: entry code would deadlock. */
	CHECK(thread_get_id() >= 0);
	res = notify(OPTEE_RPC_NOTIFICATION_WAIT, key);
	if (res)
		DMSG("wait on key %llu: %#x", (unsigned long long)key,
		     (unsigned int)res);
	return res;
}

TEE_Result mutex_lock(struct mutex *m)
{
	thread_preempt_point(ARCH_PREEMPT_MUTEX);
	for (;;) {
		TEE_Result res = TEE_SUCCESS;
		uint64_t key = 0;

		cpu_spin_lock(&m->spin);
		if (!m->locked) {
			m->locked = true;
			m->owner = thread_get_id();
			cpu_spin_unlock(&m->spin);
			note_held(m);
			return TEE_SUCCESS;
		}
		/* The holder cannot be us: that would never end. */
		CHECK(m->owner != thread_get_id());
		m->waiters++;
		key = key_of(&m->key);
		contentions++;
		cpu_spin_unlock(&m->spin);

		res = wait_key(key);

		cpu_spin_lock(&m->spin);
		m->waiters--;
		cpu_spin_unlock(&m->spin);
		/* The normal world would not let us sleep: not taken. */
		if (res)
			return res;
	}
}

void mutex_lock_retry(struct mutex *m)
{
	while (mutex_lock(m))
		;
}

void mutex_unlock(struct mutex *m)
{
	uint32_t waiters = 0;
	uint64_t key = 0;

	note_released(m);
	cpu_spin_lock(&m->spin);
	CHECK(m->locked && m->owner == thread_get_id());
	m->locked = false;
	m->owner = -1;
	waiters = m->waiters;
	key = m->key;
	cpu_spin_unlock(&m->spin);
	/* One waiter wakes; it takes the lock or sleeps again. */
	if (waiters)
		notify(OPTEE_RPC_NOTIFICATION_SEND, key);
	thread_preempt_point(ARCH_PREEMPT_MUTEX);
}

uint64_t mutex_contentions(void)
{
	return contentions;
}

TEE_Result condvar_wait(struct condvar *cv, struct mutex *m)
{
	TEE_Result res = TEE_SUCCESS;
	uint64_t key = 0;

	cpu_spin_lock(&cv->spin);
	cv->waiters++;
	key = key_of(&cv->key);
	cpu_spin_unlock(&cv->spin);
	mutex_unlock(m);
	res = wait_key(key);
	cpu_spin_lock(&cv->spin);
	cv->waiters--;
	cpu_spin_unlock(&cv->spin);
	/* Held again on return, whatever the wait gave. */
	mutex_lock_retry(m);
	return res;
}

void condvar_broadcast(struct condvar *cv)
{
	uint32_t n = 0;
	uint32_t waiters = 0;
	uint64_t key = 0;

	cpu_spin_lock(&cv->spin);
	waiters = cv->waiters;
	key = cv->key;
	cpu_spin_unlock(&cv->spin);
	for (n = 0; n < waiters; n++)
		notify(OPTEE_RPC_NOTIFICATION_SEND, key);
}
