/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Trusted applications: the registry of built-in TAs and pseudo-TAs, and
 * the manager of their instances and sessions. Instances and sessions are
 * ordinary (banked) state: each guest has its own, and a session ID is
 * only meaningful in the guest that opened it.
 */
#ifndef TEE_TA_H
#define TEE_TA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tee_api_types.h>

struct ta_head {
	const char *name;
	TEE_UUID uuid;
	uint32_t flags;			/* TA_FLAG_* */
	size_t data_size;		/* heap of an instance (TA_DATA_SIZE) */
	size_t stack_size;		/* TA_STACK_SIZE, informational */
	bool pseudo;			/* runs with core privileges, no heap */
	TEE_Result (*create)(void);
	void (*destroy)(void);
	TEE_Result (*open_session)(uint32_t ptypes, TEE_Param params[4],
				   void **session_ctx);
	void (*close_session)(void *session_ctx);
	TEE_Result (*invoke)(void *session_ctx, uint32_t cmd, uint32_t ptypes,
			     TEE_Param params[4]);
};

/* NULL-terminated; generated from the list of built-in TAs and PTAs. */
extern const struct ta_head *const ta_registry[];
/* TAs the executable brings itself (may be NULL), NULL-terminated. */
const struct ta_head *const *ta_registry_extra(void);

const struct ta_head *ta_find(const TEE_UUID *uuid);

/* Sessions (ABI.md §2 cmds). On error *@origin says who refused. */
TEE_Result ta_open_session(const TEE_UUID *uuid, const TEE_Identity *client,
			   uint32_t ptypes, TEE_Param params[4],
			   uint32_t *session_id, uint32_t *origin);
TEE_Result ta_invoke(uint32_t session_id, uint32_t cmd, uint32_t ptypes,
		     TEE_Param params[4], uint32_t *origin);
TEE_Result ta_close_session(uint32_t session_id);
TEE_Result ta_cancel(uint32_t session_id, uint32_t *origin);

/* The context GP calls of the running TA act on. */
struct ta_instance;
struct ta_session;
struct ta_session *ta_current_session(void);
const struct ta_head *ta_session_head(const struct ta_session *s);
/* The TA instance a session runs in, as a key (what storage ties to). */
const void *ta_session_instance(const struct ta_session *s);
/* The call of this core's thread was abandoned: free the instance it held. */
void ta_abort_thread(void);
const TEE_Identity *ta_session_client(const struct ta_session *s);
struct malloc_ctx *ta_session_heap(struct ta_session *s);
const void **ta_session_instance_data(struct ta_session *s);
bool *ta_session_cancel(struct ta_session *s, bool **masked);

/* Counts for the debug port and tests. */
struct ta_counts {
	uint32_t sessions;
	uint32_t instances;
};
void ta_get_counts(struct ta_counts *counts);

#endif /* TEE_TA_H */
