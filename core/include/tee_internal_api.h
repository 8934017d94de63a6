/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The GlobalPlatform TEE Internal Core API subset nexsim's TAs run on.
 *
 * Built-in TAs are compiled into the core, one archive each; the build
 * defines NEXSIM_TA_NAME for each so that the five GP entry points of
 * every TA get their own link names (the TA source keeps the GP names).
 */
#ifndef TEE_INTERNAL_API_H
#define TEE_INTERNAL_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tee_api_defines.h>
#include <tee_api_types.h>

#ifdef NEXSIM_TA_NAME
#define NEXSIM_TA_CAT2(a, b)	a##_##b
#define NEXSIM_TA_CAT(a, b)	NEXSIM_TA_CAT2(a, b)
#define NEXSIM_TA_SYM(x)	NEXSIM_TA_CAT(NEXSIM_TA_NAME, x)
#define TA_CreateEntryPoint		NEXSIM_TA_SYM(TA_CreateEntryPoint)
#define TA_DestroyEntryPoint		NEXSIM_TA_SYM(TA_DestroyEntryPoint)
#define TA_OpenSessionEntryPoint	NEXSIM_TA_SYM(TA_OpenSessionEntryPoint)
#define TA_CloseSessionEntryPoint	NEXSIM_TA_SYM(TA_CloseSessionEntryPoint)
#define TA_InvokeCommandEntryPoint	NEXSIM_TA_SYM(TA_InvokeCommandEntryPoint)
#endif

#define TA_EXPORT

/* Entry points a TA provides. */
TEE_Result TA_CreateEntryPoint(void);
void TA_DestroyEntryPoint(void);
TEE_Result TA_OpenSessionEntryPoint(uint32_t paramTypes,
				    TEE_Param params[TEE_NUM_PARAMS],
				    void **sessionContext);
void TA_CloseSessionEntryPoint(void *sessionContext);
TEE_Result TA_InvokeCommandEntryPoint(void *sessionContext,
				      uint32_t commandID, uint32_t paramTypes,
				      TEE_Param params[TEE_NUM_PARAMS]);

/* Memory */
void *TEE_Malloc(size_t size, uint32_t hint);
void *TEE_Realloc(void *buffer, size_t newSize);
void TEE_Free(void *buffer);
void TEE_MemMove(void *dest, const void *src, size_t size);
int32_t TEE_MemCompare(const void *buffer1, const void *buffer2, size_t size);
void TEE_MemFill(void *buff, uint32_t x, size_t size);
void TEE_SetInstanceData(const void *instanceData);
const void *TEE_GetInstanceData(void);

/* Panic, cancellation, time, random */
void TEE_Panic(TEE_Result panicCode) __attribute__((noreturn));
bool TEE_GetCancellationFlag(void);
bool TEE_UnmaskCancellation(void);
bool TEE_MaskCancellation(void);
void TEE_GetSystemTime(TEE_Time *time);
void TEE_GetREETime(TEE_Time *time);
TEE_Result TEE_Wait(uint32_t timeout);
void TEE_GenerateRandom(void *randomBuffer, size_t randomBufferLen);

/* Properties */
TEE_Result TEE_GetPropertyAsString(TEE_PropSetHandle propsetOrEnumerator,
				   const char *name, char *valueBuffer,
				   size_t *valueBufferLen);
TEE_Result TEE_GetPropertyAsBool(TEE_PropSetHandle propsetOrEnumerator,
				 const char *name, bool *value);
TEE_Result TEE_GetPropertyAsU32(TEE_PropSetHandle propsetOrEnumerator,
				const char *name, uint32_t *value);
TEE_Result TEE_GetPropertyAsUUID(TEE_PropSetHandle propsetOrEnumerator,
				 const char *name, TEE_UUID *value);
TEE_Result TEE_GetPropertyAsIdentity(TEE_PropSetHandle propsetOrEnumerator,
				     const char *name, TEE_Identity *value);

/* Persistent storage (GP 1.3): data objects, no attributes */
TEE_Result TEE_OpenPersistentObject(uint32_t storageID, const void *objectID,
				    size_t objectIDLen, uint32_t flags,
				    TEE_ObjectHandle *object);
TEE_Result TEE_CreatePersistentObject(uint32_t storageID, const void *objectID,
				      size_t objectIDLen, uint32_t flags,
				      TEE_ObjectHandle attributes,
				      const void *initialData,
				      size_t initialDataLen,
				      TEE_ObjectHandle *object);
TEE_Result TEE_ReadObjectData(TEE_ObjectHandle object, void *buffer,
			      size_t size, size_t *count);
TEE_Result TEE_WriteObjectData(TEE_ObjectHandle object, const void *buffer,
			       size_t size);
TEE_Result TEE_TruncateObjectData(TEE_ObjectHandle object, size_t size);
TEE_Result TEE_SeekObjectData(TEE_ObjectHandle object, intmax_t offset,
			      TEE_Whence whence);
TEE_Result TEE_RenamePersistentObject(TEE_ObjectHandle object,
				      const void *newObjectID,
				      size_t newObjectIDLen);
TEE_Result TEE_CloseAndDeletePersistentObject1(TEE_ObjectHandle object);
void TEE_CloseObject(TEE_ObjectHandle object);
TEE_Result TEE_GetObjectInfo1(TEE_ObjectHandle object, TEE_ObjectInfo *info);

/*
 * nexsim extension: pages of the guest's TA RAM share, outside the TA's
 * fixed heap (the stress TA uses it to show the equal split). NULL when
 * the share is exhausted.
 */
void *nexsim_ta_ram_alloc(size_t size);
void nexsim_ta_ram_free(void *ptr);

#endif /* TEE_INTERNAL_API_H */
