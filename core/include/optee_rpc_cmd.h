/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RPC commands the core sends to the normal world in an optee_msg_arg
 * (RPC function CMD), with the numbers of OP-TEE's ABI (ABI.md §1).
 */
#ifndef OPTEE_RPC_CMD_H
#define OPTEE_RPC_CMD_H

#define OPTEE_RPC_CMD_LOAD_TA		0u
#define OPTEE_RPC_CMD_RPMB		1u
#define OPTEE_RPC_CMD_FS		2u
#define OPTEE_RPC_CMD_GET_TIME		3u
#define OPTEE_RPC_CMD_NOTIFICATION	4u
#define OPTEE_RPC_CMD_SUSPEND		5u
#define OPTEE_RPC_CMD_SHM_ALLOC		6u
#define OPTEE_RPC_CMD_SHM_FREE		7u

/* NOTIFICATION: param0 value a = action, b = the notification key. */
#define OPTEE_RPC_NOTIFICATION_WAIT	0u
#define OPTEE_RPC_NOTIFICATION_SEND	1u

/* SHM_ALLOC / SHM_FREE: param0 value a = kind, b = size or cookie. */
#define OPTEE_RPC_SHM_TYPE_APPL		0u
#define OPTEE_RPC_SHM_TYPE_KERNEL	1u

/*
 * FS: param0 value a = operation. The REE file system of the
 * normal world's supplicant, one per guest.
 *   OPEN, CREATE  param1 memref: the name  param2 value a out: fd
 *   CLOSE         value b: fd
 *   READ          value b: fd, c: offset   param1 memref out: the data
 *   WRITE         value b: fd, c: offset   param1 memref: the data
 *   TRUNCATE      value b: fd, c: length
 *   REMOVE                                 param1 memref: the name
 *   RENAME        value b: overwrite       param1, param2 memref: old, new
 */
#define OPTEE_RPC_FS_OPEN		0u
#define OPTEE_RPC_FS_CREATE		1u
#define OPTEE_RPC_FS_CLOSE		2u
#define OPTEE_RPC_FS_READ		3u
#define OPTEE_RPC_FS_WRITE		4u
#define OPTEE_RPC_FS_TRUNCATE		5u
#define OPTEE_RPC_FS_REMOVE		6u
#define OPTEE_RPC_FS_RENAME		7u

/* Params of one RPC command (the RPC arg holds this many). */
#define OPTEE_RPC_MAX_PARAMS		4u

#endif /* OPTEE_RPC_CMD_H */
