/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The OP-TEE message ABI: struct optee_msg_arg and its parameters, as the
 * normal world lays them out in shared memory (ABI.md §2).
 */
#ifndef OPTEE_MSG_H
#define OPTEE_MSG_H

#include <stdint.h>

/* Parameter attributes: type in bits 7..0, then flags. */
#define OPTEE_MSG_ATTR_TYPE_NONE		0x0u
#define OPTEE_MSG_ATTR_TYPE_VALUE_INPUT		0x1u
#define OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT	0x2u
#define OPTEE_MSG_ATTR_TYPE_VALUE_INOUT		0x3u
#define OPTEE_MSG_ATTR_TYPE_RMEM_INPUT		0x5u
#define OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT		0x6u
#define OPTEE_MSG_ATTR_TYPE_RMEM_INOUT		0x7u
#define OPTEE_MSG_ATTR_TYPE_TMEM_INPUT		0x9u
#define OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT		0xau
#define OPTEE_MSG_ATTR_TYPE_TMEM_INOUT		0xbu
#define OPTEE_MSG_ATTR_TYPE_MASK		0xffu
#define OPTEE_MSG_ATTR_META			(1u << 8)
#define OPTEE_MSG_ATTR_NONCONTIG		(1u << 9)

/* Commands */
#define OPTEE_MSG_CMD_OPEN_SESSION	0u
#define OPTEE_MSG_CMD_INVOKE_COMMAND	1u
#define OPTEE_MSG_CMD_CLOSE_SESSION	2u
#define OPTEE_MSG_CMD_CANCEL		3u
#define OPTEE_MSG_CMD_REGISTER_SHM	4u
#define OPTEE_MSG_CMD_UNREGISTER_SHM	5u

/* Logins (param 1 c of OPEN_SESSION) */
#define OPTEE_MSG_LOGIN_PUBLIC			0x0u
#define OPTEE_MSG_LOGIN_USER			0x1u
#define OPTEE_MSG_LOGIN_GROUP			0x2u
#define OPTEE_MSG_LOGIN_APPLICATION		0x4u
#define OPTEE_MSG_LOGIN_APPLICATION_USER	0x5u
#define OPTEE_MSG_LOGIN_APPLICATION_GROUP	0x6u
#define OPTEE_MSG_LOGIN_REE_KERNEL		0x80000000u

/* A non-contiguous buffer's page list: 511 page PAs then the next list. */
#define OPTEE_MSG_NONCONTIG_PAGE_SIZE		4096u
#define OPTEE_MSG_NONCONTIG_ENTRIES_PER_PAGE	511u

struct optee_msg_param_tmem {
	uint64_t buf_ptr;
	uint64_t size;
	uint64_t shm_ref;
};

struct optee_msg_param_rmem {
	uint64_t offs;
	uint64_t size;
	uint64_t shm_ref;
};

struct optee_msg_param_value {
	uint64_t a;
	uint64_t b;
	uint64_t c;
};

struct optee_msg_param {
	uint64_t attr;
	union {
		struct optee_msg_param_tmem tmem;
		struct optee_msg_param_rmem rmem;
		struct optee_msg_param_value value;
	} u;
};

struct optee_msg_arg {
	uint32_t cmd;
	uint32_t func;
	uint32_t session;
	uint32_t cancel_id;
	uint32_t pad;
	uint32_t ret;
	uint32_t ret_origin;
	uint32_t num_params;
	struct optee_msg_param params[];
};

/* An arg must fit one 4 KiB page: 32 + 32 * 127 bytes. */
#define OPTEE_MSG_MAX_NUM_PARAMS	127u
#define OPTEE_MSG_GET_ARG_SIZE(n) \
	(sizeof(struct optee_msg_arg) + (size_t)(n) * sizeof(struct optee_msg_param))

_Static_assert(sizeof(struct optee_msg_param) == 32, "ABI: param is 32 bytes");
_Static_assert(sizeof(struct optee_msg_arg) == 32, "ABI: arg header is 32 bytes");

#endif /* OPTEE_MSG_H */
