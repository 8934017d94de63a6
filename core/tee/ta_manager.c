// SPDX-License-Identifier: BSD-2-Clause
/*
 * Instances and sessions of trusted applications (OP-TEE's tee_ta_manager).
 *
 * All of it is ordinary state, hence banked: the lists, the next session
 * ID, every instance and session (allocated from the guest heap), every
 * instance heap (from the guest's TA RAM). Guest A's session 1 and guest
 * B's session 1 are different sessions, and A has no way to name B's.
 *
 * Rules, as OP-TEE's:
 *  - a TA without SINGLE_INSTANCE gets an instance per session;
 *  - a SINGLE_INSTANCE TA without MULTI_SESSION refuses a second session
 *    with BUSY (origin TEE);
 *  - TA_CreateEntryPoint runs when an instance is made, and a failure
 *    fails the open with the TA's code;
 *  - a failed OpenSession discards the session without CloseSession;
 *  - the last close runs TA_DestroyEntryPoint and frees the instance,
 *    unless the TA is SINGLE_INSTANCE and INSTANCE_KEEP_ALIVE;
 *  - a panic gives TARGET_DEAD (origin TEE) to that call and to every later
 *    call on the instance's sessions; closing them still works.
 */

#include <arch/ta.h>
#include <kernel/mutex.h>
#include <kernel/panic.h>
#include <kernel/thread.h>
#include <lib/string.h>
#include <mm/malloc.h>
#include <mm/page_pool.h>
#include <tee/ta.h>
#include <tee/tee_storage.h>
#include <tee_api_defines.h>
#include <trace.h>
#include <util.h>

struct ta_instance {
	const struct ta_head *ta;
	struct malloc_ctx heap;
	void *heap_mem;
	uint32_t session_count;
	bool dead;
	bool busy;		/* a thread runs its code (ta_mutex) */
	const void *instance_data;
	struct ta_instance *next;
};

struct ta_session {
	uint32_t id;
	struct ta_instance *inst;
	void *ctx;
	TEE_Identity client;
	bool cancel;
	bool cancel_masked;
	struct ta_session *next;
};

/*
 * The lists and the busy flags are under ta_mutex: with threads that
 * sleep in RPCs, several calls of a guest are in flight at once. One
 * thread at a time runs the code of an instance; the others sleep on
 * ta_cv until it is free. TA code itself runs without the mutex held.
 */
static struct ta_instance *instances;
static struct ta_session *sessions;
static uint32_t next_session_id = 1;
static struct mutex ta_mutex = MUTEX_INITIALIZER;
static struct condvar ta_cv = CONDVAR_INITIALIZER;


static const struct ta_head *find_in(const struct ta_head *const *list,
				     const TEE_UUID *uuid)
{
	size_t n = 0;

	for (n = 0; list && list[n]; n++)
		if (!memcmp(&list[n]->uuid, uuid, sizeof(*uuid)))
			return list[n];
	return NULL;
}

const struct ta_head *ta_find(const TEE_UUID *uuid)
{
	const struct ta_head *ta = find_in(ta_registry, uuid);

	return ta ? ta : find_in(ta_registry_extra(), uuid);
}

static struct ta_session *find_session(uint32_t id)
{
	struct ta_session *s = NULL;

	for (s = sessions; s; s = s->next)
		if (s->id == id)
			return s;
	return NULL;
}

static struct ta_instance *find_instance(const struct ta_head *ta)
{
	struct ta_instance *i = NULL;

	for (i = instances; i; i = i->next)
		if (i->ta == ta && !i->dead)
			return i;
	return NULL;
}

static void unlink_instance(struct ta_instance *inst)
{
	struct ta_instance **pp = &instances;

	while (*pp && *pp != inst)
		pp = &(*pp)->next;
	if (*pp)
		*pp = inst->next;
}

static void unlink_session(struct ta_session *s)
{
	struct ta_session **pp = &sessions;

	while (*pp && *pp != s)
		pp = &(*pp)->next;
	if (*pp)
		*pp = s->next;
}

/* ---- running TA code ---- */

enum ta_op {
	TA_OP_CREATE,
	TA_OP_DESTROY,
	TA_OP_OPEN,
	TA_OP_CLOSE,
	TA_OP_INVOKE,
};

struct ta_call {
	enum ta_op op;
	struct ta_session *session;
	uint32_t cmd;
	uint32_t ptypes;
	TEE_Param *params;
	TEE_Result res;
};

static void ta_trampoline(void *arg)
{
	struct ta_call *c = arg;
	const struct ta_head *ta = c->session->inst->ta;

	switch (c->op) {
	case TA_OP_CREATE:
		c->res = ta->create();
		break;
	case TA_OP_DESTROY:
		ta->destroy();
		break;
	case TA_OP_OPEN:
		c->res = ta->open_session(c->ptypes, c->params, &c->session->ctx);
		break;
	case TA_OP_CLOSE:
		ta->close_session(c->session->ctx);
		break;
	case TA_OP_INVOKE:
		c->res = ta->invoke(c->session->ctx, c->cmd, c->ptypes,
				    c->params);
		break;
	}
}

/*
 * Run one entry point with @s as the current session. Returns false if
 * the TA panicked; its instance is dead from then on.
 */
static bool run_ta(struct ta_call *c, struct ta_session *s)
{
	void *prev = thread_get_ta_session();
	uint32_t mark = 0;
	bool ok = false;

	c->session = s;
	/* Cancellation is masked at every entry, and reset after it. */
	s->cancel_masked = true;
	thread_set_ta_session(s);
	mark = mutex_held_mark();
	ok = arch_ta_call(ta_trampoline, c);
	if (!ok)
		mutex_unlock_to(mark);
	thread_set_ta_session(prev);
	s->cancel = false;
	s->cancel_masked = true;
	if (!ok) {
		EMSG("TA %s panicked", s->inst->ta->name);
		mutex_lock_retry(&ta_mutex);
		s->inst->dead = true;
		unlink_instance(s->inst);
		mutex_unlock(&ta_mutex);
		/* What it had open in storage is closed for it. */
		tee_storage_close_instance(s->inst);
	}
	return ok;
}

/* ---- instances ---- */

static void free_instance(struct ta_instance *inst)
{
	if (inst->heap_mem) {
		malloc_ctx_release(&inst->heap);
		ta_ram_free(inst->heap_mem);
	}
	free(inst);
}

static TEE_Result new_instance(const struct ta_head *ta,
			       struct ta_instance **out)
{
	struct ta_instance *inst = calloc(1, sizeof(*inst));

	if (!inst)
		return TEE_ERROR_OUT_OF_MEMORY;
	inst->ta = ta;
	if (!ta->pseudo && ta->data_size) {
		inst->heap_mem = ta_ram_alloc(ta->data_size);
		if (!inst->heap_mem) {
			free(inst);
			return TEE_ERROR_OUT_OF_MEMORY;
		}
		malloc_ctx_init(&inst->heap, inst->heap_mem,
				ROUNDUP(ta->data_size, (size_t)SMALL_PAGE_SIZE));
	}
	*out = inst;
	return TEE_SUCCESS;
}

/* This thread runs @inst's code now (ta_mutex held). */
static void take_instance(struct ta_instance *inst)
{
	inst->busy = true;
	*thread_ta_busy_slot() = inst;
}

/*
 * Give back @inst, taken (busy) by this thread: drop it if no session
 * needs it any more (running Destroy if it is alive, with @s current).
 */
static void put_instance(struct ta_instance *inst, struct ta_session *s)
{
	const struct ta_head *ta = inst->ta;
	bool drop = false;

	/* What this thread holds it gives back, whatever it takes. */
	mutex_lock_retry(&ta_mutex);
	drop = !inst->session_count &&
	       (inst->dead || !(ta->flags & TA_FLAG_SINGLE_INSTANCE) ||
		!(ta->flags & TA_FLAG_INSTANCE_KEEP_ALIVE));
	if (drop)
		unlink_instance(inst);
	mutex_unlock(&ta_mutex);
	if (drop && !inst->dead && !ta->pseudo) {
		struct ta_call c = { .op = TA_OP_DESTROY };

		run_ta(&c, s);
	}
	if (drop)
		tee_storage_close_instance(inst);
	mutex_lock_retry(&ta_mutex);
	inst->busy = false;
	*thread_ta_busy_slot() = NULL;
	mutex_unlock(&ta_mutex);
	/*
	 * Outside the mutex (never held across an RPC): a waiter counted
	 * itself in before it let the mutex go, and sends are latched.
	 */
	condvar_broadcast(&ta_cv);
	if (drop)
		free_instance(inst);
}

static uint32_t take_session_id(void)
{
	/* IDs are never 0 and never in use; the space is 32-bit. */
	while (!next_session_id || find_session(next_session_id))
		next_session_id++;
	return next_session_id++;
}

TEE_Result ta_open_session(const TEE_UUID *uuid, const TEE_Identity *client,
			   uint32_t ptypes, TEE_Param params[4],
			   uint32_t *session_id, uint32_t *origin)
{
	const struct ta_head *ta = ta_find(uuid);
	struct ta_instance *inst = NULL;
	struct ta_session *s = NULL;
	struct ta_call c = { .ptypes = ptypes, .params = params };
	bool fresh = false;
	TEE_Result res = TEE_SUCCESS;

	*origin = TEE_ORIGIN_TEE;
	if (!ta)
		return TEE_ERROR_ITEM_NOT_FOUND;
	s = calloc(1, sizeof(*s));
	if (!s)
		return TEE_ERROR_OUT_OF_MEMORY;
	s->client = *client;

	/* The normal world would not let this thread sleep: BUSY. */
	if (mutex_lock(&ta_mutex)) {
		free(s);
		return TEE_ERROR_BUSY;
	}
	for (;;) {
		inst = (ta->flags & TA_FLAG_SINGLE_INSTANCE) ?
		       find_instance(ta) : NULL;
		if (inst && !(ta->flags & TA_FLAG_MULTI_SESSION) &&
		    inst->session_count)
			res = TEE_ERROR_BUSY;
		else if (!inst || !inst->busy)
			break;
		else
			res = condvar_wait(&ta_cv, &ta_mutex) ? TEE_ERROR_BUSY :
								TEE_SUCCESS;
		if (res) {
			mutex_unlock(&ta_mutex);
			free(s);
			return res;
		}
	}
	if (!inst) {
		res = new_instance(ta, &inst);
		if (res) {
			mutex_unlock(&ta_mutex);
			free(s);
			return res;
		}
		fresh = true;
		inst->next = instances;
		instances = inst;
	}
	take_instance(inst);
	mutex_unlock(&ta_mutex);
	s->inst = inst;

	if (fresh && !ta->pseudo) {
		c.op = TA_OP_CREATE;
		if (!run_ta(&c, s)) {
			res = TEE_ERROR_TARGET_DEAD;
			goto err;
		}
		if (c.res) {
			*origin = TEE_ORIGIN_TRUSTED_APP;
			res = c.res;
			/* Create failed: no Destroy for what was never made. */
			inst->dead = true;
			goto err;
		}
	}

	c.op = TA_OP_OPEN;
	if (!run_ta(&c, s)) {
		res = TEE_ERROR_TARGET_DEAD;
		goto err;
	}
	if (c.res) {
		*origin = TEE_ORIGIN_TRUSTED_APP;
		res = c.res;
		goto err;
	}

	mutex_lock_retry(&ta_mutex);
	s->id = take_session_id();
	inst->session_count++;
	s->next = sessions;
	sessions = s;
	mutex_unlock(&ta_mutex);
	put_instance(inst, s);
	*session_id = s->id;
	*origin = TEE_ORIGIN_TRUSTED_APP;
	return TEE_SUCCESS;
err:
	put_instance(inst, s);
	free(s);
	return res;
}

/*
 * Find session @id and take its instance, sleeping while another thread
 * runs it. NULL (and @res) if there is none, or if the normal world would
 * not let this thread sleep (BUSY).
 */
static struct ta_session *take_session(uint32_t id, TEE_Result *res)
{
	struct ta_session *s = NULL;

	if (mutex_lock(&ta_mutex)) {
		*res = TEE_ERROR_BUSY;
		return NULL;
	}
	for (;;) {
		s = find_session(id);
		if (!s) {
			*res = TEE_ERROR_ITEM_NOT_FOUND;
			break;
		}
		if (!s->inst->busy) {
			take_instance(s->inst);
			break;
		}
		/* The session may be gone when we wake: look again. */
		if (condvar_wait(&ta_cv, &ta_mutex)) {
			*res = TEE_ERROR_BUSY;
			s = NULL;
			break;
		}
	}
	mutex_unlock(&ta_mutex);
	return s;
}

TEE_Result ta_invoke(uint32_t session_id, uint32_t cmd, uint32_t ptypes,
		     TEE_Param params[4], uint32_t *origin)
{
	struct ta_call c = { .op = TA_OP_INVOKE, .cmd = cmd,
			     .ptypes = ptypes, .params = params };
	struct ta_session *s = NULL;
	TEE_Result res = TEE_SUCCESS;
	bool ok = false;

	*origin = TEE_ORIGIN_TEE;
	s = take_session(session_id, &res);
	if (!s)
		return res == TEE_ERROR_BUSY ? res : TEE_ERROR_BAD_PARAMETERS;
	if (s->inst->dead) {
		put_instance(s->inst, s);
		return TEE_ERROR_TARGET_DEAD;
	}
	ok = run_ta(&c, s);
	put_instance(s->inst, s);
	if (!ok)
		return TEE_ERROR_TARGET_DEAD;
	*origin = TEE_ORIGIN_TRUSTED_APP;
	return c.res;
}

TEE_Result ta_close_session(uint32_t session_id)
{
	struct ta_instance *inst = NULL;
	struct ta_session *s = NULL;
	TEE_Result res = TEE_SUCCESS;

	s = take_session(session_id, &res);
	if (!s)
		return res;
	/* From now on no other call finds it. */
	mutex_lock_retry(&ta_mutex);
	unlink_session(s);
	s->inst->session_count--;
	mutex_unlock(&ta_mutex);
	inst = s->inst;
	if (!inst->dead) {
		struct ta_call c = { .op = TA_OP_CLOSE };

		run_ta(&c, s);
	}
	put_instance(inst, s);
	free(s);
	return TEE_SUCCESS;
}

TEE_Result ta_cancel(uint32_t session_id, uint32_t *origin)
{
	struct ta_session *s = NULL;

	*origin = TEE_ORIGIN_TEE;
	if (mutex_lock(&ta_mutex))
		return TEE_ERROR_BUSY;
	s = find_session(session_id);
	/* No wait for the instance: the call to cancel may be running. */
	if (s)
		s->cancel = true;
	mutex_unlock(&ta_mutex);
	return s ? TEE_SUCCESS : TEE_ERROR_BAD_PARAMETERS;
}

struct ta_session *ta_current_session(void)
{
	return thread_get_ta_session();
}

const void *ta_session_instance(const struct ta_session *s)
{
	return s->inst;
}

void ta_abort_thread(void)
{
	void **slot = thread_ta_busy_slot();
	struct ta_instance *inst = slot ? *slot : NULL;
	/*
	 * The instance the call held (listed or not: it may be dead or being
	 * dropped) is free again; its sleepers are owed a wake-up, sent at
	 * the guest's next call (no RPC can be made from here).
	 */
	if (inst && inst->busy)
		inst->busy = false;
	if (slot)
		*slot = NULL;
	condvar_owe_broadcast(&ta_cv);
}

const struct ta_head *ta_session_head(const struct ta_session *s)
{
	return s->inst->ta;
}

const TEE_Identity *ta_session_client(const struct ta_session *s)
{
	return &s->client;
}

struct malloc_ctx *ta_session_heap(struct ta_session *s)
{
	return s->inst->heap_mem ? &s->inst->heap : NULL;
}

const void **ta_session_instance_data(struct ta_session *s)
{
	return &s->inst->instance_data;
}

bool *ta_session_cancel(struct ta_session *s, bool **masked)
{
	*masked = &s->cancel_masked;
	return &s->cancel;
}

void ta_get_counts(struct ta_counts *counts)
{
	struct ta_session *s = NULL;
	struct ta_instance *i = NULL;

	memset(counts, 0, sizeof(*counts));
	for (s = sessions; s; s = s->next)
		counts->sessions++;
	for (i = instances; i; i = i->next)
		counts->instances++;
}
