/* SPDX-License-Identifier: BSD-2-Clause */
/* GlobalPlatform TEE Internal Core API constants (GP_API.md §2). */
#ifndef TEE_API_DEFINES_H
#define TEE_API_DEFINES_H

#include <tee/tee_result.h>

#define TEE_PARAM_TYPE_NONE		0u
#define TEE_PARAM_TYPE_VALUE_INPUT	1u
#define TEE_PARAM_TYPE_VALUE_OUTPUT	2u
#define TEE_PARAM_TYPE_VALUE_INOUT	3u
#define TEE_PARAM_TYPE_MEMREF_INPUT	5u
#define TEE_PARAM_TYPE_MEMREF_OUTPUT	6u
#define TEE_PARAM_TYPE_MEMREF_INOUT	7u

#define TEE_PARAM_TYPES(t0, t1, t2, t3) \
	((t0) | ((t1) << 4) | ((t2) << 8) | ((t3) << 12))
#define TEE_PARAM_TYPE_GET(t, i)	((((uint32_t)(t)) >> ((i) * 4)) & 0xfu)
#define TEE_NUM_PARAMS			4

#define TEE_LOGIN_PUBLIC		0x00000000u
#define TEE_LOGIN_USER			0x00000001u
#define TEE_LOGIN_GROUP			0x00000002u
#define TEE_LOGIN_APPLICATION		0x00000004u
#define TEE_LOGIN_APPLICATION_USER	0x00000005u
#define TEE_LOGIN_APPLICATION_GROUP	0x00000006u
#define TEE_LOGIN_TRUSTED_APP		0xf0000000u
#define TEE_LOGIN_REE_KERNEL		0x80000000u

#define TEE_ORIGIN_API			0x00000001u
#define TEE_ORIGIN_COMMS		0x00000002u
#define TEE_ORIGIN_TEE			0x00000003u
#define TEE_ORIGIN_TRUSTED_APP		0x00000004u

#define TEE_MALLOC_FILL_ZERO		0x00000000u
#define TEE_MALLOC_NO_FILL		0x00000001u
#define TEE_MALLOC_NO_SHARE		0x00000002u
#define TEE_USER_MEM_HINT_NO_FILL_ZERO	0x80000000u

#define TEE_PROPSET_TEE_IMPLEMENTATION	((TEE_PropSetHandle)(uintptr_t)0xfffffffdu)
#define TEE_PROPSET_CURRENT_CLIENT	((TEE_PropSetHandle)(uintptr_t)0xfffffffeu)
#define TEE_PROPSET_CURRENT_TA		((TEE_PropSetHandle)(uintptr_t)0xffffffffu)

#define TEE_HANDLE_NULL			0
#define TEE_TIMEOUT_INFINITE		0xffffffffu

/* TA property flags (OP-TEE's TA_FLAG_*) */
#define TA_FLAG_SINGLE_INSTANCE		(1u << 2)
#define TA_FLAG_MULTI_SESSION		(1u << 3)
#define TA_FLAG_INSTANCE_KEEP_ALIVE	(1u << 4)

#endif /* TEE_API_DEFINES_H */
