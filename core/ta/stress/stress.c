// SPDX-License-Identifier: BSD-2-Clause
/*
 * Stress TA: takes and holds pages of the guest's TA RAM share on command,
 * until the share runs out — which shows the equal split: one guest
 * filling its share leaves every other guest's untouched.
 */

#include <nexsim/ta_ids.h>
#include <tee_internal_api.h>

struct block {
	struct block *next;
	void *pages;
	uint32_t size;
};

struct held {
	struct block *head;
	uint32_t bytes;
	uint32_t blocks;
};

static struct held *held(void)
{
	return (struct held *)TEE_GetInstanceData();
}

TEE_Result TA_CreateEntryPoint(void)
{
	struct held *h = TEE_Malloc(sizeof(*h), TEE_MALLOC_FILL_ZERO);

	if (!h)
		return TEE_ERROR_OUT_OF_MEMORY;
	TEE_SetInstanceData(h);
	return TEE_SUCCESS;
}

static void release_all(void)
{
	struct held *h = held();

	while (h->head) {
		struct block *b = h->head;

		h->head = b->next;
		nexsim_ta_ram_free(b->pages);
		TEE_Free(b);
	}
	h->bytes = 0;
	h->blocks = 0;
}

void TA_DestroyEntryPoint(void)
{
	release_all();
	TEE_Free(held());
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t param_types,
				    TEE_Param params[TEE_NUM_PARAMS],
				    void **sess_ctx)
{
	(void)param_types;
	(void)params;
	(void)sess_ctx;
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void *sess_ctx)
{
	(void)sess_ctx;
}

static TEE_Result hold(uint32_t size)
{
	struct block *b = NULL;

	if (!size)
		return TEE_ERROR_BAD_PARAMETERS;
	b = TEE_Malloc(sizeof(*b), TEE_MALLOC_FILL_ZERO);
	if (!b)
		return TEE_ERROR_OUT_OF_MEMORY;
	b->pages = nexsim_ta_ram_alloc(size);
	if (!b->pages) {
		TEE_Free(b);
		return TEE_ERROR_OUT_OF_MEMORY;
	}
	/* Touch every page: held memory is really used memory. */
	for (uint32_t off = 0; off < size; off += 4096)
		((volatile uint8_t *)b->pages)[off] = 0xa5;
	b->size = size;
	b->next = held()->head;
	held()->head = b;
	held()->bytes += size;
	held()->blocks++;
	return TEE_SUCCESS;
}

TEE_Result TA_InvokeCommandEntryPoint(void *sess_ctx, uint32_t cmd_id,
				      uint32_t param_types,
				      TEE_Param params[TEE_NUM_PARAMS])
{
	TEE_Result res = TEE_SUCCESS;

	(void)sess_ctx;
	switch (cmd_id) {
	case TA_STRESS_CMD_HOLD:
		if (param_types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INOUT,
						   TEE_PARAM_TYPE_NONE,
						   TEE_PARAM_TYPE_NONE,
						   TEE_PARAM_TYPE_NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		res = hold(params[0].value.a);
		params[0].value.b = held()->bytes;
		return res;
	case TA_STRESS_CMD_RELEASE:
		release_all();
		return TEE_SUCCESS;
	case TA_STRESS_CMD_HELD:
		if (param_types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_OUTPUT,
						   TEE_PARAM_TYPE_NONE,
						   TEE_PARAM_TYPE_NONE,
						   TEE_PARAM_TYPE_NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		params[0].value.a = held()->bytes;
		params[0].value.b = held()->blocks;
		return TEE_SUCCESS;
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
