/* SPDX-License-Identifier: BSD-2-Clause */
/* TEE_Result values of the GlobalPlatform TEE Internal Core API. */
#ifndef TEE_TEE_RESULT_H
#define TEE_TEE_RESULT_H

#include <stdint.h>

typedef uint32_t TEE_Result;

#define TEE_SUCCESS			0x00000000u
#define TEE_ERROR_GENERIC		0xffff0000u
#define TEE_ERROR_ACCESS_DENIED		0xffff0001u
#define TEE_ERROR_CANCEL		0xffff0002u
#define TEE_ERROR_ACCESS_CONFLICT	0xffff0003u
#define TEE_ERROR_EXCESS_DATA		0xffff0004u
#define TEE_ERROR_BAD_FORMAT		0xffff0005u
#define TEE_ERROR_BAD_PARAMETERS	0xffff0006u
#define TEE_ERROR_BAD_STATE		0xffff0007u
#define TEE_ERROR_ITEM_NOT_FOUND	0xffff0008u
#define TEE_ERROR_NOT_IMPLEMENTED	0xffff0009u
#define TEE_ERROR_NOT_SUPPORTED		0xffff000au
#define TEE_ERROR_NO_DATA		0xffff000bu
#define TEE_ERROR_OUT_OF_MEMORY		0xffff000cu
#define TEE_ERROR_BUSY			0xffff000du
#define TEE_ERROR_COMMUNICATION		0xffff000eu
#define TEE_ERROR_SECURITY		0xffff000fu
#define TEE_ERROR_SHORT_BUFFER		0xffff0010u
#define TEE_ERROR_EXTERNAL_CANCEL	0xffff0011u
#define TEE_ERROR_OVERFLOW		0xffff300fu
#define TEE_ERROR_TARGET_DEAD		0xffff3024u
#define TEE_ERROR_STORAGE_NO_SPACE	0xffff3041u
#define TEE_ERROR_CORRUPT_OBJECT	0xf0100001u
#define TEE_ERROR_STORAGE_NOT_AVAILABLE	0xf0100003u

#endif /* TEE_TEE_RESULT_H */
