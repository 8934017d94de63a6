/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The OP-TEE SMC interface (SMCCC): function IDs, return codes and
 * capability bits. Values from OP-TEE's ABI, see ../shared/ABI.md §1.
 */
#ifndef SM_OPTEE_SMC_H
#define SM_OPTEE_SMC_H

#include <stdbool.h>
#include <stdint.h>

/* SMCCC function ID fields */
#define OPTEE_SMC_FAST_CALL		0x80000000u
#define OPTEE_SMC_64			0x40000000u
#define OPTEE_SMC_OWNER_SHIFT		24
#define OPTEE_SMC_OWNER_MASK		0x3fu
#define OPTEE_SMC_FUNC_MASK		0xffffu
#define OPTEE_SMC_OWNER_TRUSTED_OS	50u
#define OPTEE_SMC_OWNER_TRUSTED_OS_API	63u

static inline bool optee_smc_is_fast(uint32_t func_id)
{
	return func_id & OPTEE_SMC_FAST_CALL;
}

static inline uint32_t optee_smc_owner(uint32_t func_id)
{
	return (func_id >> OPTEE_SMC_OWNER_SHIFT) & OPTEE_SMC_OWNER_MASK;
}

/* Fast calls */
#define OPTEE_SMC_CALLS_COUNT			0xbf00ff00u
#define OPTEE_SMC_CALLS_UID			0xbf00ff01u
#define OPTEE_SMC_CALLS_REVISION		0xbf00ff03u
#define OPTEE_SMC_CALL_GET_OS_UUID		0xb2000000u
#define OPTEE_SMC_CALL_GET_OS_REVISION		0xb2000001u
#define OPTEE_SMC_GET_SHM_CONFIG		0xb2000007u
#define OPTEE_SMC_L2CC_MUTEX			0xb2000008u
#define OPTEE_SMC_EXCHANGE_CAPABILITIES		0xb2000009u
#define OPTEE_SMC_DISABLE_SHM_CACHE		0xb200000au
#define OPTEE_SMC_ENABLE_SHM_CACHE		0xb200000bu
#define OPTEE_SMC_BOOT_SECONDARY		0xb200000cu
#define OPTEE_SMC_VM_CREATED			0xb200000du
#define OPTEE_SMC_VM_DESTROYED			0xb200000eu
#define OPTEE_SMC_GET_THREAD_COUNT		0xb200000fu
#define OPTEE_SMC_ENABLE_ASYNC_NOTIF		0xb2000010u
#define OPTEE_SMC_GET_ASYNC_NOTIF_VALUE		0xb2000011u

/* Yielding (std) calls */
#define OPTEE_SMC_CALL_RETURN_FROM_RPC		0x32000003u
#define OPTEE_SMC_CALL_WITH_ARG			0x32000004u
#define OPTEE_SMC_CALL_WITH_RPC_ARG		0x32000012u
#define OPTEE_SMC_CALL_WITH_REGD_ARG		0x32000013u

/* Return codes in a0 */
#define OPTEE_SMC_RETURN_OK			0x0u
#define OPTEE_SMC_RETURN_ETHREAD_LIMIT		0x1u
#define OPTEE_SMC_RETURN_EBUSY			0x2u
#define OPTEE_SMC_RETURN_ERESUME		0x3u
#define OPTEE_SMC_RETURN_EBADADDR		0x4u
#define OPTEE_SMC_RETURN_EBADCMD		0x5u
#define OPTEE_SMC_RETURN_ENOMEM			0x6u
#define OPTEE_SMC_RETURN_ENOTAVAIL		0x7u
#define OPTEE_SMC_RETURN_UNKNOWN_FUNCTION	0xffffffffu

/* RPC returns: a0 = OPTEE_SMC_RETURN_RPC_PREFIX | function */
#define OPTEE_SMC_RETURN_RPC_PREFIX		0xffff0000u
#define OPTEE_SMC_RETURN_RPC_PREFIX_MASK	0xffff0000u
#define OPTEE_SMC_RPC_FUNC_ALLOC		0u
#define OPTEE_SMC_RPC_FUNC_FREE			2u
#define OPTEE_SMC_RPC_FUNC_FOREIGN_INTR		4u
#define OPTEE_SMC_RPC_FUNC_CMD			5u

/* Secure-world capabilities (EXCHANGE_CAPABILITIES a1 out) */
#define OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM	(1u << 0)
#define OPTEE_SMC_SEC_CAP_UNREGISTERED_SHM	(1u << 1)
#define OPTEE_SMC_SEC_CAP_DYNAMIC_SHM		(1u << 2)
#define OPTEE_SMC_SEC_CAP_VIRTUALIZATION	(1u << 3)
#define OPTEE_SMC_SEC_CAP_MEMREF_NULL		(1u << 4)
#define OPTEE_SMC_SEC_CAP_ASYNC_NOTIF		(1u << 5)
#define OPTEE_SMC_SEC_CAP_RPC_ARG		(1u << 6)

/* Normal-world capabilities (EXCHANGE_CAPABILITIES a1 in) */
#define OPTEE_SMC_NSEC_CAP_UNIPROCESSOR		(1u << 0)

/* The RPC parameter count reported in a3 of EXCHANGE_CAPABILITIES. */
#define OPTEE_SMC_RPC_NUM_PARAMS		4u

/* CALLS_UID: the OP-TEE message protocol UID */
#define OPTEE_MSG_UID_0			0x384fb3e0u
#define OPTEE_MSG_UID_1			0xe7f811e3u
#define OPTEE_MSG_UID_2			0xaf630002u
#define OPTEE_MSG_UID_3			0xa5d5c51bu

/* CALLS_REVISION: message protocol revision */
#define OPTEE_MSG_REVISION_MAJOR	2u
#define OPTEE_MSG_REVISION_MINOR	0u

/* GET_OS_UUID: the OP-TEE OS UUID */
#define OPTEE_MSG_OS_OPTEE_UUID_0	0x486178e0u
#define OPTEE_MSG_OS_OPTEE_UUID_1	0xe7f811e3u
#define OPTEE_MSG_OS_OPTEE_UUID_2	0xbc5e0002u
#define OPTEE_MSG_OS_OPTEE_UUID_3	0xa5d5c51bu

/* Client ID of the hypervisor in a7. */
#define HYP_CLNT_ID			0u

#endif /* SM_OPTEE_SMC_H */
