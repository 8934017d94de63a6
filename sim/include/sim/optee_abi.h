/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The OP-TEE ABI as the normal world writes it (hypervisor, mediator,
 * guest driver): SMC function IDs, return codes, capabilities, and the
 * message argument (ABI.md §1, §2). The normal world has its own copy, as
 * Linux and Xen have theirs; the names differ from the core's on purpose.
 */
#ifndef SIM_OPTEE_ABI_H
#define SIM_OPTEE_ABI_H

#include <stdint.h>

/* SMC function IDs */
#define SMC_CALLS_COUNT			0xbf00ff00u
#define SMC_CALLS_UID			0xbf00ff01u
#define SMC_CALLS_REVISION		0xbf00ff03u
#define SMC_GET_OS_UUID			0xb2000000u
#define SMC_GET_OS_REVISION		0xb2000001u
#define SMC_RETURN_FROM_RPC		0x32000003u
#define SMC_CALL_WITH_ARG		0x32000004u
#define SMC_GET_SHM_CONFIG		0xb2000007u
#define SMC_L2CC_MUTEX			0xb2000008u
#define SMC_EXCHANGE_CAPABILITIES	0xb2000009u
#define SMC_DISABLE_SHM_CACHE		0xb200000au
#define SMC_ENABLE_SHM_CACHE		0xb200000bu
#define SMC_BOOT_SECONDARY		0xb200000cu
#define SMC_VM_CREATED			0xb200000du
#define SMC_VM_DESTROYED		0xb200000eu
#define SMC_GET_THREAD_COUNT_ID		0xb200000fu

/* a0 on return */
#define SMC_RET_OK			0x0u
#define SMC_RET_ETHREAD_LIMIT		0x1u
#define SMC_RET_EBUSY			0x2u
#define SMC_RET_ERESUME			0x3u
#define SMC_RET_EBADADDR		0x4u
#define SMC_RET_EBADCMD			0x5u
#define SMC_RET_ENOMEM			0x6u
#define SMC_RET_ENOTAVAIL		0x7u
#define SMC_RET_UNKNOWN_FUNCTION	0xffffffffu

/* RPC returns: a0 = 0xffff0000 | function; a3 names the thread. */
#define SMC_RPC_PREFIX			0xffff0000u
#define SMC_RPC_ALLOC			0xffff0000u
#define SMC_RPC_FREE			0xffff0002u
#define SMC_RPC_FOREIGN_INTR		0xffff0004u
#define SMC_RPC_CMD			0xffff0005u
#define SMC_IS_RPC(a0)	(((uint32_t)(a0) & 0xffff0000u) == SMC_RPC_PREFIX)

/* RPC commands, in the RPC argument's cmd. */
#define RPC_CMD_LOAD_TA			0u
#define RPC_CMD_RPMB			1u
#define RPC_CMD_FS			2u
#define RPC_CMD_GET_TIME		3u
#define RPC_CMD_NOTIFICATION		4u
#define RPC_CMD_SUSPEND			5u
#define RPC_CMD_SHM_ALLOC		6u
#define RPC_CMD_SHM_FREE		7u
#define RPC_NOTIFICATION_WAIT		0u
#define RPC_NOTIFICATION_SEND		1u
#define RPC_FS_OPEN			0u
#define RPC_FS_CREATE			1u
#define RPC_FS_CLOSE			2u
#define RPC_FS_READ			3u
#define RPC_FS_WRITE			4u
#define RPC_FS_TRUNCATE			5u
#define RPC_FS_REMOVE			6u
#define RPC_FS_RENAME			7u
/* Params of an RPC argument. */
#define RPC_MAX_PARAMS			4u

/* Secure-world capabilities */
#define SMC_CAP_HAVE_RESERVED_SHM	(1u << 0)
#define SMC_CAP_UNREGISTERED_SHM	(1u << 1)
#define SMC_CAP_DYNAMIC_SHM		(1u << 2)
#define SMC_CAP_VIRTUALIZATION		(1u << 3)
#define SMC_CAP_MEMREF_NULL		(1u << 4)

#define SMC_MSG_UID_0			0x384fb3e0u
#define SMC_MSG_UID_1			0xe7f811e3u
#define SMC_MSG_UID_2			0xaf630002u
#define SMC_MSG_UID_3			0xa5d5c51bu
#define SMC_MSG_REVISION_MAJOR		2u
#define SMC_MSG_REVISION_MINOR		0u
#define SMC_OS_UUID_0			0x486178e0u
#define SMC_OS_UUID_1			0xe7f811e3u
#define SMC_OS_UUID_2			0xbc5e0002u
#define SMC_OS_UUID_3			0xa5d5c51bu
/* CALLS_COUNT: OP-TEE's 12 fast calls, and VM_CREATED and VM_DESTROYED. */
#define SMC_CALLS_COUNT_VIRT		14u
/* EXCHANGE_CAPABILITIES: a3, the params of an RPC argument. */
#define SMC_RPC_NUM_PARAMS		4u
/* Normal-world capabilities (EXCHANGE_CAPABILITIES a1 in) */
#define SMC_NSEC_CAP_UNIPROCESSOR	(1u << 0)

/* Message parameters */
#define MSG_ATTR_TYPE_NONE		0x0u
#define MSG_ATTR_TYPE_VALUE_INPUT	0x1u
#define MSG_ATTR_TYPE_VALUE_OUTPUT	0x2u
#define MSG_ATTR_TYPE_VALUE_INOUT	0x3u
#define MSG_ATTR_TYPE_RMEM_INPUT	0x5u
#define MSG_ATTR_TYPE_RMEM_OUTPUT	0x6u
#define MSG_ATTR_TYPE_RMEM_INOUT	0x7u
#define MSG_ATTR_TYPE_TMEM_INPUT	0x9u
#define MSG_ATTR_TYPE_TMEM_OUTPUT	0xau
#define MSG_ATTR_TYPE_TMEM_INOUT	0xbu
#define MSG_ATTR_TYPE_MASK		0xffu
#define MSG_ATTR_META			(1u << 8)
#define MSG_ATTR_NONCONTIG		(1u << 9)

#define MSG_CMD_OPEN_SESSION		0u
#define MSG_CMD_INVOKE_COMMAND		1u
#define MSG_CMD_CLOSE_SESSION		2u
#define MSG_CMD_CANCEL			3u
#define MSG_CMD_REGISTER_SHM		4u
#define MSG_CMD_UNREGISTER_SHM		5u

#define MSG_MAX_NUM_PARAMS		127u
/* Params a command can use: two META and four for the TA. */
#define MSG_MAX_PARAMS_USED		6u
#define MSG_LIST_ENTRIES		511u

/* TEE_Result values the normal world itself produces */
#define MSG_RES_SUCCESS			0x00000000u
#define MSG_RES_GENERIC			0xffff0000u
#define MSG_RES_BAD_PARAMETERS		0xffff0006u
#define MSG_RES_ITEM_NOT_FOUND		0xffff0008u
#define MSG_RES_OUT_OF_MEMORY		0xffff000cu
#define MSG_RES_COMMUNICATION		0xffff000eu
#define MSG_RES_ACCESS_CONFLICT		0xffff0003u
#define MSG_RES_BAD_STATE		0xffff0007u
#define MSG_RES_NOT_SUPPORTED		0xffff000au
#define MSG_RES_BUSY			0xffff000du
#define MSG_RES_STORAGE_NO_SPACE	0xffff3041u
#define MSG_ORIGIN_API			1u
#define MSG_ORIGIN_COMMS		2u
#define MSG_ORIGIN_TEE			3u

struct msg_param {
	uint64_t attr;
	union {
		struct {
			uint64_t buf_ptr;
			uint64_t size;
			uint64_t shm_ref;
		} tmem;
		struct {
			uint64_t offs;
			uint64_t size;
			uint64_t shm_ref;
		} rmem;
		struct {
			uint64_t a;
			uint64_t b;
			uint64_t c;
		} value;
	} u;
};

/* A whole argument page: the header and room for every param. */
struct msg_arg {
	uint32_t cmd;
	uint32_t func;
	uint32_t session;
	uint32_t cancel_id;
	uint32_t pad;
	uint32_t ret;
	uint32_t ret_origin;
	uint32_t num_params;
	struct msg_param params[MSG_MAX_NUM_PARAMS];
};

_Static_assert(sizeof(struct msg_arg) == 4096, "an arg is one page");

#endif /* SIM_OPTEE_ABI_H */
