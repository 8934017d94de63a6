// SPDX-License-Identifier: BSD-2-Clause
/*
 * A test TA that exercises the GP Internal Core API subset and reports
 * what it saw, so the tests can check the core's answers from outside.
 */

#include <tee_internal_api.h>
#include <tests/probe_ta.h>

/* Instance data: a pointer kept from an earlier call (on purpose). */
struct probe_state {
	const volatile uint8_t *kept;
};

TEE_Result TA_CreateEntryPoint(void)
{
	struct probe_state *s = TEE_Malloc(sizeof(*s), TEE_MALLOC_FILL_ZERO);

	if (!s)
		return TEE_ERROR_OUT_OF_MEMORY;
	TEE_SetInstanceData(s);
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
	TEE_Free((void *)TEE_GetInstanceData());
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

static uint32_t malloc_hints(void)
{
	uint8_t *p = TEE_Malloc(64, TEE_MALLOC_FILL_ZERO);
	uint32_t ok = 1;
	size_t n = 0;

	for (n = 0; p && n < 64; n++)
		ok &= p[n] == 0;
	ok &= p != NULL;
	ok &= TEE_Malloc(16, TEE_MALLOC_NO_SHARE) == NULL;	/* no such heap */
	ok &= TEE_Malloc(16, 0x40) == NULL;			/* unknown hint */
	ok &= TEE_Malloc(0, 0) != NULL;				/* dummy pointer */
	TEE_Free(TEE_Malloc(0, 0));
	TEE_Free(NULL);
	TEE_Free(p);
	return ok;
}

/* Growth is zero-filled; NULL and 0 behave as TEE_Malloc and TEE_Free. */
static uint32_t realloc_behaves(void)
{
	uint8_t *p = TEE_Malloc(8, 0);
	uint8_t *q = NULL;
	uint32_t ok = p != NULL;
	size_t n = 0;

	if (!p)
		return 0;
	TEE_MemFill(p, 0xab, 8);
	p = TEE_Realloc(p, 200);
	ok &= p != NULL;
	for (n = 0; p && n < 200; n++)
		ok &= p[n] == (n < 8 ? 0xab : 0);
	/* Shrinking keeps what fits. */
	p = TEE_Realloc(p, 4);
	ok &= p && p[0] == 0xab && p[3] == 0xab;
	TEE_Free(p);
	/* From NULL: a new, zeroed block. */
	q = TEE_Realloc(NULL, 16);
	ok &= q != NULL;
	for (n = 0; q && n < 16; n++)
		ok &= q[n] == 0;
	/* To 0: freed, and the dummy non-NULL pointer of TEE_Malloc(0). */
	q = TEE_Realloc(q, 0);
	ok &= q != NULL;
	q = TEE_Realloc(q, 8);
	ok &= q != NULL;
	TEE_Free(q);
	return ok;
}

static uint32_t properties(void)
{
	static const TEE_UUID me = TA_API_PROBE_UUID;
	TEE_UUID uuid;
	TEE_Identity id;
	char text[64];
	size_t len = sizeof(text);
	bool single = false;
	uint32_t size = 0;
	uint32_t ok = 1;

	ok &= TEE_GetPropertyAsUUID(TEE_PROPSET_CURRENT_TA, "gpd.ta.appID",
				    &uuid) == TEE_SUCCESS;
	ok &= !TEE_MemCompare(&uuid, &me, sizeof(me));
	ok &= TEE_GetPropertyAsBool(TEE_PROPSET_CURRENT_TA,
				    "gpd.ta.singleInstance", &single) ==
	      TEE_SUCCESS && single;
	ok &= TEE_GetPropertyAsU32(TEE_PROPSET_CURRENT_TA, "gpd.ta.dataSize",
				   &size) == TEE_SUCCESS && size == 16 * 1024;
	ok &= TEE_GetPropertyAsIdentity(TEE_PROPSET_CURRENT_CLIENT,
					"gpd.client.identity", &id) ==
	      TEE_SUCCESS && id.login == TEE_LOGIN_PUBLIC;
	ok &= TEE_GetPropertyAsString(TEE_PROPSET_TEE_IMPLEMENTATION,
				      "gpd.tee.apiversion", text, &len) ==
	      TEE_SUCCESS && len == 6 && !TEE_MemCompare(text, "1.3.1", 6);
	len = 3;
	ok &= TEE_GetPropertyAsString(TEE_PROPSET_CURRENT_TA, "gpd.ta.appID",
				      text, &len) == TEE_ERROR_SHORT_BUFFER &&
	      len == 37;
	ok &= TEE_GetPropertyAsU32(TEE_PROPSET_CURRENT_TA, "no.such.thing",
				   &size) == TEE_ERROR_ITEM_NOT_FOUND;
	ok &= TEE_GetPropertyAsU32(TEE_PROPSET_CURRENT_TA, "gpd.ta.appID",
				   &size) == TEE_ERROR_BAD_FORMAT;
	return ok;
}

static uint32_t memory_ops(void)
{
	uint8_t a[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t b[8] = { 1, 2, 3, 4, 5, 6, 7, 9 };
	uint32_t ok = 1;

	ok &= TEE_MemCompare(a, b, 7) == 0;
	ok &= TEE_MemCompare(a, b, 8) < 0;
	ok &= TEE_MemCompare(b, a, 8) > 0;
	TEE_MemMove(a + 1, a, 7);	/* overlapping */
	ok &= a[1] == 1 && a[7] == 7;
	TEE_MemFill(b, 0x1ff, 8);	/* the low byte only */
	ok &= b[0] == 0xff && b[7] == 0xff;
	return ok;
}

static TEE_Result property_string(uint32_t types,
				  TEE_Param params[TEE_NUM_PARAMS])
{
	char name[64];
	size_t len = 0;
	TEE_Result res = TEE_SUCCESS;

	if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT,
				     TEE_PARAM_TYPE_MEMREF_INPUT,
				     TEE_PARAM_TYPE_MEMREF_OUTPUT,
				     TEE_PARAM_TYPE_NONE) ||
	    params[1].memref.size >= sizeof(name))
		return TEE_ERROR_BAD_PARAMETERS;
	TEE_MemMove(name, params[1].memref.buffer, params[1].memref.size);
	name[params[1].memref.size] = '\0';
	len = params[2].memref.size;
	res = TEE_GetPropertyAsString((TEE_PropSetHandle)(uintptr_t)
				      params[0].value.a, name,
				      params[2].memref.buffer, &len);
	params[2].memref.size = len;
	return res;
}

#define RW	(TEE_DATA_FLAG_ACCESS_READ | TEE_DATA_FLAG_ACCESS_WRITE)
#define PRIV	TEE_STORAGE_PRIVATE

/* Each check numbered; the first that fails is reported. */
#define STEP(cond)							\
	do {								\
		step++;							\
		if (!(cond))						\
			goto out;					\
	} while (0)

static TEE_Result open_id(const char *id, uint32_t flags, TEE_ObjectHandle *o)
{
	return TEE_OpenPersistentObject(PRIV, id, 3, flags, o);
}

static TEE_Result create_id(const char *id, uint32_t flags, const void *data,
			    size_t len, TEE_ObjectHandle *o)
{
	return TEE_CreatePersistentObject(PRIV, id, 3, flags, TEE_HANDLE_NULL,
					  data, len, o);
}

/* The rules of GP_API.md 2.8, on the guest's REE file system. */
static void storage_rules(uint32_t *failed, uint32_t *passed)
{
	TEE_ObjectHandle o = (TEE_ObjectHandle)1;
	TEE_ObjectHandle p = TEE_HANDLE_NULL;
	TEE_ObjectHandle q = TEE_HANDLE_NULL;
	TEE_ObjectInfo info;
	uint8_t buf[16];
	size_t n = 0;
	uint32_t step = 0;

	STEP(open_id("obj", RW, &o) == TEE_ERROR_ITEM_NOT_FOUND &&
	     o == TEE_HANDLE_NULL);
	STEP(TEE_OpenPersistentObject(0x1234, "obj", 3, RW, &o) ==
	     TEE_ERROR_ITEM_NOT_FOUND);
	STEP(create_id("obj", RW, "abc", 3, &o) == TEE_SUCCESS);
	STEP(TEE_GetObjectInfo1(o, &info) == TEE_SUCCESS &&
	     info.objectType == TEE_TYPE_DATA && info.dataSize == 3 &&
	     info.dataPosition == 0 &&
	     info.handleFlags == (TEE_HANDLE_FLAG_PERSISTENT |
				  TEE_HANDLE_FLAG_INITIALIZED | RW));
	/* An open object is never replaced; a closed one only with OVERWRITE. */
	STEP(create_id("obj", RW | TEE_DATA_FLAG_OVERWRITE, "x", 1, NULL) ==
	     TEE_ERROR_ACCESS_CONFLICT);
	TEE_CloseObject(o);
	STEP(create_id("obj", RW, "x", 1, NULL) == TEE_ERROR_ACCESS_CONFLICT);
	STEP(create_id("obj", RW | TEE_DATA_FLAG_OVERWRITE, "abc", 3, NULL) ==
	     TEE_SUCCESS);
	STEP(open_id("obj", RW, &o) == TEE_SUCCESS);
	STEP(TEE_ReadObjectData(o, buf, sizeof(buf), &n) == TEE_SUCCESS &&
	     n == 3 && !TEE_MemCompare(buf, "abc", 3));
	/* At the end: SUCCESS and nothing. */
	STEP(TEE_ReadObjectData(o, buf, sizeof(buf), &n) == TEE_SUCCESS &&
	     n == 0);
	/* Seek clamps below 0; past 0xffffffff is OVERFLOW. */
	STEP(TEE_SeekObjectData(o, -5, TEE_DATA_SEEK_SET) == TEE_SUCCESS &&
	     TEE_GetObjectInfo1(o, &info) == TEE_SUCCESS &&
	     info.dataPosition == 0);
	STEP(TEE_SeekObjectData(o, 0xffffffff, TEE_DATA_SEEK_SET) ==
	     TEE_SUCCESS &&
	     TEE_SeekObjectData(o, 1, TEE_DATA_SEEK_CUR) ==
	     TEE_ERROR_OVERFLOW);
	STEP(TEE_WriteObjectData(o, "Z", 1) == TEE_ERROR_OVERFLOW);
	/* A write past the end fills the gap with zeros. */
	STEP(TEE_SeekObjectData(o, 2, TEE_DATA_SEEK_END) == TEE_SUCCESS &&
	     TEE_WriteObjectData(o, "Z", 1) == TEE_SUCCESS);
	STEP(TEE_SeekObjectData(o, 0, TEE_DATA_SEEK_SET) == TEE_SUCCESS &&
	     TEE_ReadObjectData(o, buf, sizeof(buf), &n) == TEE_SUCCESS &&
	     n == 6 && !TEE_MemCompare(buf, "abc\0\0Z", 6));
	/* Truncate: the size changes, the position stays. */
	STEP(TEE_TruncateObjectData(o, 2) == TEE_SUCCESS &&
	     TEE_GetObjectInfo1(o, &info) == TEE_SUCCESS &&
	     info.dataSize == 2 && info.dataPosition == 6);
	/* Sharing: without SHARE_READ, a second reader conflicts. */
	STEP(open_id("obj", TEE_DATA_FLAG_ACCESS_READ, &q) ==
	     TEE_ERROR_ACCESS_CONFLICT && q == TEE_HANDLE_NULL);
	TEE_CloseObject(o);
	STEP(open_id("obj", TEE_DATA_FLAG_ACCESS_READ |
		     TEE_DATA_FLAG_SHARE_READ, &o) == TEE_SUCCESS &&
	     open_id("obj", TEE_DATA_FLAG_ACCESS_READ |
		     TEE_DATA_FLAG_SHARE_READ, &p) == TEE_SUCCESS);
	/* Different SHARE bits, or WRITE_META: a conflict. */
	STEP(open_id("obj", TEE_DATA_FLAG_ACCESS_READ | TEE_DATA_FLAG_SHARE_READ |
		     TEE_DATA_FLAG_SHARE_WRITE, &q) == TEE_ERROR_ACCESS_CONFLICT);
	STEP(open_id("obj", TEE_DATA_FLAG_ACCESS_WRITE_META, &q) ==
	     TEE_ERROR_ACCESS_CONFLICT && q == TEE_HANDLE_NULL);
	TEE_CloseObject(p);
	TEE_CloseObject(o);
	STEP(create_id("two", RW, "2", 1, NULL) == TEE_SUCCESS);
	STEP(open_id("obj", TEE_DATA_FLAG_ACCESS_WRITE_META, &o) ==
	     TEE_SUCCESS);
	/* Rename onto an existing ID conflicts; to a new one moves it. */
	STEP(TEE_RenamePersistentObject(o, "two", 3) ==
	     TEE_ERROR_ACCESS_CONFLICT);
	STEP(TEE_RenamePersistentObject(o, "new", 3) == TEE_SUCCESS &&
	     open_id("obj", RW, &q) == TEE_ERROR_ITEM_NOT_FOUND);
	STEP(TEE_CloseAndDeletePersistentObject1(o) == TEE_SUCCESS &&
	     open_id("new", RW, &q) == TEE_ERROR_ITEM_NOT_FOUND);
	STEP(TEE_CloseAndDeletePersistentObject1(TEE_HANDLE_NULL) ==
	     TEE_SUCCESS);
	/* Renaming to its own ID changes nothing. */
	STEP(open_id("two", TEE_DATA_FLAG_ACCESS_WRITE_META, &o) ==
	     TEE_SUCCESS &&
	     TEE_RenamePersistentObject(o, "two", 3) == TEE_SUCCESS);
	TEE_CloseObject(o);
	/* Same SHARE bits, but a writer without SHARE_WRITE: a conflict. */
	STEP(open_id("two", TEE_DATA_FLAG_ACCESS_WRITE |
		     TEE_DATA_FLAG_SHARE_READ, &o) == TEE_SUCCESS &&
	     open_id("two", TEE_DATA_FLAG_ACCESS_READ |
		     TEE_DATA_FLAG_SHARE_READ, &q) ==
	     TEE_ERROR_ACCESS_CONFLICT);
	/* A size past the largest position: no space, the size unchanged. */
	STEP(TEE_TruncateObjectData(o, (size_t)TEE_DATA_MAX_POSITION + 1) ==
	     TEE_ERROR_STORAGE_NO_SPACE);
	TEE_CloseObject(o);
	STEP(open_id("two", RW, &o) == TEE_SUCCESS &&
	     TEE_GetObjectInfo1(o, &info) == TEE_SUCCESS &&
	     info.dataSize == 1);
	TEE_CloseObject(o);
	STEP(open_id("two", TEE_DATA_FLAG_ACCESS_WRITE_META, &o) ==
	     TEE_SUCCESS &&
	     TEE_CloseAndDeletePersistentObject1(o) == TEE_SUCCESS);
	*failed = 0;
	*passed = step;
	return;
out:
	*failed = step;
	*passed = step - 1;
}

/* Each misuse panics the TA: reaching the end means it was let pass. */
static TEE_Result storage_misuse(uint32_t which)
{
	static const char long_id[TEE_OBJECT_ID_MAX_LEN + 1] = { 'i' };
	TEE_ObjectHandle o = TEE_HANDLE_NULL;
	TEE_ObjectHandle p = TEE_HANDLE_NULL;
	TEE_ObjectInfo info;
	uint8_t buf[4] = { 0 };
	size_t n = 0;

	if (create_id("mis", TEE_DATA_FLAG_ACCESS_WRITE |
		      TEE_DATA_FLAG_OVERWRITE, "m", 1, &o))
		return TEE_ERROR_GENERIC;
	switch (which) {
	case PROBE_MISUSE_FLAG:
		(void)TEE_OpenPersistentObject(PRIV, "x", 1, 1u << 20, &p);
		break;
	case PROBE_MISUSE_LONG_ID:
		(void)TEE_OpenPersistentObject(PRIV, long_id, sizeof(long_id),
					       TEE_DATA_FLAG_ACCESS_READ, &p);
		break;
	case PROBE_MISUSE_HUGE_DATA:
		(void)TEE_CreatePersistentObject(PRIV, "y", 1, RW,
						 TEE_HANDLE_NULL, buf,
						 (size_t)TEE_DATA_MAX_POSITION +
						 1, NULL);
		break;
	case PROBE_MISUSE_READ:
		(void)TEE_ReadObjectData(o, buf, sizeof(buf), &n);
		break;
	case PROBE_MISUSE_WHENCE:
		(void)TEE_SeekObjectData(o, 0, (TEE_Whence)7);
		break;
	case PROBE_MISUSE_RENAME:
		(void)TEE_RenamePersistentObject(o, "z", 1);
		break;
	case PROBE_MISUSE_CLOSED:
		TEE_CloseObject(o);
		(void)TEE_GetObjectInfo1(o, &info);
		return TEE_SUCCESS;
	case PROBE_MISUSE_FORGED:
		TEE_CloseObject((TEE_ObjectHandle)&n);
		break;
	default:
		break;
	}
	TEE_CloseObject(o);
	return TEE_SUCCESS;
}

TEE_Result TA_InvokeCommandEntryPoint(void *sess_ctx, uint32_t cmd_id,
				      uint32_t param_types,
				      TEE_Param params[TEE_NUM_PARAMS])
{
	struct probe_state *s = (struct probe_state *)TEE_GetInstanceData();
	TEE_Time t;

	(void)sess_ctx;
	switch (cmd_id) {
	case PROBE_CMD_MALLOC_HINTS:
		params[0].value.a = malloc_hints();
		return TEE_SUCCESS;
	case PROBE_CMD_NO_FILL:
		(void)TEE_Malloc(16, TEE_MALLOC_NO_FILL);
		return TEE_SUCCESS;
	case PROBE_CMD_REALLOC:
		params[0].value.a = realloc_behaves();
		return TEE_SUCCESS;
	case PROBE_CMD_TIME:
		TEE_GetSystemTime(&t);
		params[0].value.a = t.seconds;
		params[0].value.b = t.millis;
		return TEE_SUCCESS;
	case PROBE_CMD_RANDOM:
		TEE_GenerateRandom(&params[0].value, sizeof(params[0].value));
		return TEE_SUCCESS;
	case PROBE_CMD_PROPS:
		params[0].value.a = properties();
		return TEE_SUCCESS;
	case PROBE_CMD_CANCEL:
		params[0].value.a = TEE_GetCancellationFlag();
		params[0].value.b = TEE_UnmaskCancellation() &&
				    TEE_GetCancellationFlag();
		TEE_MaskCancellation();
		return TEE_SUCCESS;
	case PROBE_CMD_KEEP_PTR:
		s->kept = params[0].memref.buffer;
		return TEE_SUCCESS;
	case PROBE_CMD_USE_PTR:
		params[0].value.a = s->kept ? s->kept[0] : 0;
		return TEE_SUCCESS;
	case PROBE_CMD_MEMORY:
		params[0].value.a = memory_ops();
		return TEE_SUCCESS;
	case PROBE_CMD_STORAGE:
		storage_rules(&params[0].value.a, &params[0].value.b);
		return TEE_SUCCESS;
	case PROBE_CMD_STORAGE_PANIC: {
		TEE_ObjectHandle o = TEE_HANDLE_NULL;

		if (create_id("pan", RW | TEE_DATA_FLAG_OVERWRITE, "p", 1, &o))
			return TEE_ERROR_GENERIC;
		TEE_Panic(0x5707);
	}
	case PROBE_CMD_PROP_STRING:
		return property_string(param_types, params);
	case PROBE_CMD_STORAGE_MISUSE:
		return storage_misuse(params[0].value.a);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
