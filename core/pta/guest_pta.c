// SPDX-License-Identifier: BSD-2-Clause
/*
 * The guest pseudo-TA: runs in the core, with core privileges, and keeps
 * state in an ordinary global — so every guest has its own counter.
 */

#include <kernel/virtualization.h>
#include <mm/malloc.h>
#include <mm/page_pool.h>
#include <nexsim/ta_ids.h>
#include <tee/nsbuf.h>
#include <tee/ta.h>
#include <tee_api_defines.h>

static uint32_t guest_counter;

static TEE_Result pta_open(uint32_t ptypes, TEE_Param params[4], void **ctx)
{
	(void)params;
	(void)ctx;
	return ptypes == TEE_PARAM_TYPES(TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE,
					 TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE) ?
	       TEE_SUCCESS : TEE_ERROR_BAD_PARAMETERS;
}

static void pta_close(void *ctx)
{
	(void)ctx;
}

static TEE_Result pta_invoke(void *ctx, uint32_t cmd, uint32_t ptypes,
			     TEE_Param params[4])
{
	const uint32_t out = TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_OUTPUT,
					     TEE_PARAM_TYPE_NONE,
					     TEE_PARAM_TYPE_NONE,
					     TEE_PARAM_TYPE_NONE);
	struct malloc_stats heap = { 0 };
	struct page_pool_stats ta = { 0 };
	struct ta_counts counts = { 0 };

	(void)ctx;
	if (ptypes != out)
		return TEE_ERROR_BAD_PARAMETERS;
	switch (cmd) {
	case PTA_GUEST_CMD_ID:
		params[0].value.a = virt_get_current_guest_id();
		params[0].value.b = 0;
		return TEE_SUCCESS;
	case PTA_GUEST_CMD_COUNTER:
		params[0].value.a = ++guest_counter;
		params[0].value.b = 0;
		return TEE_SUCCESS;
	case PTA_GUEST_CMD_STATS:
		guest_malloc_get_stats(&heap);
		ta_ram_get_stats(&ta);
		params[0].value.a = (uint32_t)heap.allocated;
		params[0].value.b = (uint32_t)ta.used;
		return TEE_SUCCESS;
	case PTA_GUEST_CMD_SESSIONS:
		ta_get_counts(&counts);
		params[0].value.a = counts.sessions;
		params[0].value.b = nsbuf_registered_count();
		return TEE_SUCCESS;
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}

const struct ta_head guest_pta_head = {
	.name = "guest.pta",
	.uuid = PTA_GUEST_UUID,
	.flags = TA_FLAG_SINGLE_INSTANCE | TA_FLAG_MULTI_SESSION,
	.pseudo = true,
	.open_session = pta_open,
	.close_session = pta_close,
	.invoke = pta_invoke,
};
