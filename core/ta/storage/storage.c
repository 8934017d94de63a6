// SPDX-License-Identifier: BSD-2-Clause
/*
 * Secure storage through GP persistent objects. Object IDs come from the
 * client; each object's data is the client's bytes.
 */

#include <nexsim/ta_ids.h>
#include <tee_internal_api.h>

#define RW		(TEE_DATA_FLAG_ACCESS_READ | TEE_DATA_FLAG_ACCESS_WRITE)
#define COUNT_TRIES	1000

TEE_Result TA_CreateEntryPoint(void)
{
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t ptypes, TEE_Param params[4],
				    void **ctx)
{
	(void)ptypes;
	(void)params;
	*ctx = NULL;
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void *ctx)
{
	(void)ctx;
}

static bool id_ok(uint32_t ptypes, TEE_Param params[4])
{
	return TEE_PARAM_TYPE_GET(ptypes, 0) == TEE_PARAM_TYPE_MEMREF_INPUT &&
	       params[0].memref.size <= TA_STORAGE_MAX_ID;
}

static TEE_Result open_obj(TEE_Param *id, uint32_t flags, TEE_ObjectHandle *o)
{
	return TEE_OpenPersistentObject(TEE_STORAGE_PRIVATE, id->memref.buffer,
					id->memref.size, flags, o);
}

static TEE_Result write_obj(TEE_Param params[4])
{
	return TEE_CreatePersistentObject(TEE_STORAGE_PRIVATE,
					  params[0].memref.buffer,
					  params[0].memref.size,
					  RW | TEE_DATA_FLAG_OVERWRITE,
					  TEE_HANDLE_NULL,
					  params[1].memref.buffer,
					  params[1].memref.size, NULL);
}

static TEE_Result read_obj(TEE_Param params[4])
{
	TEE_ObjectHandle o = TEE_HANDLE_NULL;
	TEE_ObjectInfo info;
	size_t n = 0;
	TEE_Result res = open_obj(&params[0], TEE_DATA_FLAG_ACCESS_READ, &o);

	if (res)
		return res;
	res = TEE_GetObjectInfo1(o, &info);
	if (!res && info.dataSize > params[1].memref.size) {
		params[1].memref.size = info.dataSize;
		res = TEE_ERROR_SHORT_BUFFER;
	} else if (!res) {
		res = TEE_ReadObjectData(o, params[1].memref.buffer,
					 params[1].memref.size, &n);
		params[1].memref.size = n;
	}
	TEE_CloseObject(o);
	return res;
}

static TEE_Result with_object(uint32_t cmd, TEE_Param params[4])
{
	TEE_ObjectHandle o = TEE_HANDLE_NULL;
	uint32_t flags = cmd == TA_STORAGE_CMD_SIZE ? TEE_DATA_FLAG_ACCESS_READ :
			 cmd == TA_STORAGE_CMD_DELETE ||
			 cmd == TA_STORAGE_CMD_RENAME ?
			 TEE_DATA_FLAG_ACCESS_WRITE_META : RW;
	TEE_ObjectInfo info;
	uint32_t count = 0;
	uint32_t tries = 0;
	size_t n = 0;
	TEE_Result res = open_obj(&params[0], flags, &o);

	/*
	 * COUNT opens the object exclusively: another session holding it
	 * gives ACCESS_CONFLICT, and this one waits its turn (1 ms at a
	 * time), so that no increment is lost.
	 */
	while (cmd == TA_STORAGE_CMD_COUNT && tries++ < COUNT_TRIES) {
		if (res == TEE_ERROR_ITEM_NOT_FOUND)
			res = TEE_CreatePersistentObject(TEE_STORAGE_PRIVATE,
							 params[0].memref.buffer,
							 params[0].memref.size,
							 RW, TEE_HANDLE_NULL,
							 NULL, 0, &o);
		if (res != TEE_ERROR_ACCESS_CONFLICT)
			break;
		res = TEE_Wait(1);
		if (res)
			return res;
		res = open_obj(&params[0], flags, &o);
	}
	if (res)
		return res;
	switch (cmd) {
	case TA_STORAGE_CMD_DELETE:
		return TEE_CloseAndDeletePersistentObject1(o);
	case TA_STORAGE_CMD_RENAME:
		res = TEE_RenamePersistentObject(o, params[1].memref.buffer,
						 params[1].memref.size);
		break;
	case TA_STORAGE_CMD_APPEND:
		res = TEE_SeekObjectData(o, 0, TEE_DATA_SEEK_END);
		if (!res)
			res = TEE_WriteObjectData(o, params[1].memref.buffer,
						  params[1].memref.size);
		break;
	case TA_STORAGE_CMD_TRUNCATE:
		res = TEE_TruncateObjectData(o, params[1].value.a);
		break;
	case TA_STORAGE_CMD_SIZE:
		res = TEE_GetObjectInfo1(o, &info);
		params[1].value.a = (uint32_t)info.dataSize;
		break;
	default:
		/* COUNT: read, a TA API call (a preemption point), write. */
		res = TEE_ReadObjectData(o, &count, sizeof(count), &n);
		if (!res && n != sizeof(count))
			count = 0;
		count++;
		if (!res)
			res = TEE_SeekObjectData(o, 0, TEE_DATA_SEEK_SET);
		if (!res)
			res = TEE_WriteObjectData(o, &count, sizeof(count));
		params[1].value.a = count;
		break;
	}
	TEE_CloseObject(o);
	return res;
}

static bool types_ok(uint32_t cmd, uint32_t pt)
{
	const uint32_t in = TEE_PARAM_TYPE_MEMREF_INPUT;

	switch (cmd) {
	case TA_STORAGE_CMD_WRITE:
	case TA_STORAGE_CMD_APPEND:
	case TA_STORAGE_CMD_RENAME:
		return pt == TEE_PARAM_TYPES(in, in, 0, 0);
	case TA_STORAGE_CMD_READ:
		return pt == TEE_PARAM_TYPES(in, TEE_PARAM_TYPE_MEMREF_OUTPUT,
					     0, 0);
	case TA_STORAGE_CMD_DELETE:
		return pt == TEE_PARAM_TYPES(in, 0, 0, 0);
	case TA_STORAGE_CMD_TRUNCATE:
		return pt == TEE_PARAM_TYPES(in, TEE_PARAM_TYPE_VALUE_INPUT,
					     0, 0);
	case TA_STORAGE_CMD_SIZE:
	case TA_STORAGE_CMD_COUNT:
		return pt == TEE_PARAM_TYPES(in, TEE_PARAM_TYPE_VALUE_OUTPUT,
					     0, 0);
	default:
		return false;
	}
}

TEE_Result TA_InvokeCommandEntryPoint(void *ctx, uint32_t cmd,
				      uint32_t ptypes, TEE_Param params[4])
{
	TEE_Time t = { 0, 0 };
	TEE_Result res = TEE_SUCCESS;
	uint32_t n = 0;

	(void)ctx;
	switch (cmd) {
	case TA_STORAGE_CMD_REE_TIME:
		if (ptypes != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_OUTPUT, 0, 0,
					      0))
			return TEE_ERROR_BAD_PARAMETERS;
		TEE_GetREETime(&t);
		params[0].value.a = t.seconds;
		params[0].value.b = t.millis;
		return TEE_SUCCESS;
	case TA_STORAGE_CMD_TIME_LOOP:
	case TA_STORAGE_CMD_CLOCK_LOOP:
		/* Benchmarks: n RPCs, or n TA API calls (preemption points). */
		if (ptypes != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INOUT, 0, 0,
					      0))
			return TEE_ERROR_BAD_PARAMETERS;
		for (n = 0; n < params[0].value.a; n++) {
			if (cmd == TA_STORAGE_CMD_TIME_LOOP)
				TEE_GetREETime(&t);
			else
				TEE_GetSystemTime(&t);
		}
		params[0].value.b = t.seconds;
		return TEE_SUCCESS;
	case TA_STORAGE_CMD_WAIT:
		if (ptypes != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT, 0, 0,
					      0))
			return TEE_ERROR_BAD_PARAMETERS;
		/* Cancellable, as GP's TEE_Wait is once unmasked. */
		TEE_UnmaskCancellation();
		res = TEE_Wait(params[0].value.a);
		TEE_MaskCancellation();
		return res;
	default:
		break;
	}
	if (!types_ok(cmd, ptypes) || !id_ok(ptypes, params))
		return TEE_ERROR_BAD_PARAMETERS;
	switch (cmd) {
	case TA_STORAGE_CMD_WRITE:
		return write_obj(params);
	case TA_STORAGE_CMD_READ:
		return read_obj(params);
	default:
		return with_object(cmd, params);
	}
}
