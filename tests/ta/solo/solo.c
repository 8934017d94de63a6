// SPDX-License-Identifier: BSD-2-Clause
/* A single-instance TA without MULTI_SESSION: one session at a time. */

#include <tee_internal_api.h>
#include <tests/probe_ta.h>

TEE_Result TA_CreateEntryPoint(void)
{
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t param_types,
				    TEE_Param params[TEE_NUM_PARAMS],
				    void **sess_ctx)
{
	(void)sess_ctx;
	if (TEE_PARAM_TYPE_GET(param_types, 0) == TEE_PARAM_TYPE_VALUE_INPUT &&
	    params[0].value.a == SOLO_OPEN_PANIC)
		TEE_Panic(SOLO_OPEN_PANIC);
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void *sess_ctx)
{
	(void)sess_ctx;
}

TEE_Result TA_InvokeCommandEntryPoint(void *sess_ctx, uint32_t cmd_id,
				      uint32_t param_types,
				      TEE_Param params[TEE_NUM_PARAMS])
{
	(void)sess_ctx;
	(void)cmd_id;
	(void)param_types;
	(void)params;
	return TEE_SUCCESS;
}
