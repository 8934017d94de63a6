// SPDX-License-Identifier: BSD-2-Clause
/*
 * A key/value store in the TA's heap, that is in the guest's TEE memory.
 * One instance per guest: every session of a guest sees the same store,
 * and no guest sees another's.
 */

#include <nexsim/ta_ids.h>
#include <tee_internal_api.h>

struct entry {
	struct entry *next;
	uint32_t key_size;
	uint32_t value_size;
	uint8_t data[];		/* key, then value */
};

struct store {
	struct entry *head;
	uint32_t count;
	uint32_t bytes;
};

static struct store *store(void)
{
	return (struct store *)TEE_GetInstanceData();
}

TEE_Result TA_CreateEntryPoint(void)
{
	struct store *s = TEE_Malloc(sizeof(*s), TEE_MALLOC_FILL_ZERO);

	if (!s)
		return TEE_ERROR_OUT_OF_MEMORY;
	TEE_SetInstanceData(s);
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
	struct store *s = store();

	while (s->head) {
		struct entry *e = s->head;

		s->head = e->next;
		TEE_Free(e);
	}
	TEE_Free(s);
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

static struct entry **find(const void *key, uint32_t size)
{
	struct entry **pp = &store()->head;

	for (; *pp; pp = &(*pp)->next)
		if ((*pp)->key_size == size &&
		    !TEE_MemCompare((*pp)->data, key, size))
			return pp;
	return pp;
}

static bool key_ok(const TEE_Param *p)
{
	return p->memref.buffer && p->memref.size &&
	       p->memref.size <= TA_KV_MAX_KEY;
}

static TEE_Result put(TEE_Param params[TEE_NUM_PARAMS])
{
	const TEE_Param *k = &params[0];
	const TEE_Param *v = &params[1];
	struct entry **pp = NULL;
	struct entry *e = NULL;

	if (!key_ok(k) || v->memref.size > TA_KV_MAX_VALUE ||
	    (v->memref.size && !v->memref.buffer))
		return TEE_ERROR_BAD_PARAMETERS;
	/* Copy out of shared memory before anything else reads it. */
	e = TEE_Malloc(sizeof(*e) + k->memref.size + v->memref.size,
		       TEE_MALLOC_FILL_ZERO);
	if (!e)
		return TEE_ERROR_OUT_OF_MEMORY;
	e->key_size = (uint32_t)k->memref.size;
	e->value_size = (uint32_t)v->memref.size;
	TEE_MemMove(e->data, k->memref.buffer, k->memref.size);
	if (v->memref.size)
		TEE_MemMove(e->data + e->key_size, v->memref.buffer,
			    v->memref.size);

	pp = find(e->data, e->key_size);
	if (*pp) {
		struct entry *old = *pp;

		e->next = old->next;
		store()->bytes -= old->value_size;
		store()->count--;
		TEE_Free(old);
	}
	*pp = e;
	store()->bytes += e->value_size;
	store()->count++;
	return TEE_SUCCESS;
}

static TEE_Result get(TEE_Param params[TEE_NUM_PARAMS])
{
	uint8_t key[TA_KV_MAX_KEY];
	struct entry *e = NULL;
	uint32_t size = 0;

	if (!key_ok(&params[0]))
		return TEE_ERROR_BAD_PARAMETERS;
	size = (uint32_t)params[0].memref.size;
	TEE_MemMove(key, params[0].memref.buffer, size);
	e = *find(key, size);
	if (!e)
		return TEE_ERROR_ITEM_NOT_FOUND;
	if (params[1].memref.size < e->value_size) {
		params[1].memref.size = e->value_size;
		return TEE_ERROR_SHORT_BUFFER;
	}
	if (e->value_size)
		TEE_MemMove(params[1].memref.buffer, e->data + e->key_size,
			    e->value_size);
	params[1].memref.size = e->value_size;
	return TEE_SUCCESS;
}

static TEE_Result del(TEE_Param params[TEE_NUM_PARAMS])
{
	uint8_t key[TA_KV_MAX_KEY];
	struct entry **pp = NULL;
	struct entry *e = NULL;
	uint32_t size = 0;

	if (!key_ok(&params[0]))
		return TEE_ERROR_BAD_PARAMETERS;
	size = (uint32_t)params[0].memref.size;
	TEE_MemMove(key, params[0].memref.buffer, size);
	pp = find(key, size);
	e = *pp;
	if (!e)
		return TEE_ERROR_ITEM_NOT_FOUND;
	*pp = e->next;
	store()->bytes -= e->value_size;
	store()->count--;
	TEE_Free(e);
	return TEE_SUCCESS;
}

TEE_Result TA_InvokeCommandEntryPoint(void *sess_ctx, uint32_t cmd_id,
				      uint32_t param_types,
				      TEE_Param params[TEE_NUM_PARAMS])
{
	(void)sess_ctx;
	switch (cmd_id) {
	case TA_KV_CMD_PUT:
		if (param_types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_INPUT,
						   TEE_PARAM_TYPE_MEMREF_INPUT,
						   TEE_PARAM_TYPE_NONE,
						   TEE_PARAM_TYPE_NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return put(params);
	case TA_KV_CMD_GET:
		if (param_types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_INPUT,
						   TEE_PARAM_TYPE_MEMREF_OUTPUT,
						   TEE_PARAM_TYPE_NONE,
						   TEE_PARAM_TYPE_NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return get(params);
	case TA_KV_CMD_DELETE:
		if (param_types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_INPUT,
						   TEE_PARAM_TYPE_NONE,
						   TEE_PARAM_TYPE_NONE,
						   TEE_PARAM_TYPE_NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return del(params);
	case TA_KV_CMD_COUNT:
		if (param_types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_OUTPUT,
						   TEE_PARAM_TYPE_NONE,
						   TEE_PARAM_TYPE_NONE,
						   TEE_PARAM_TYPE_NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		params[0].value.a = store()->count;
		params[0].value.b = store()->bytes;
		return TEE_SUCCESS;
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
