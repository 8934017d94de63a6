/* SPDX-License-Identifier: BSD-2-Clause */
/* OP-TEE SMC values as the tests write them (ABI.md §1), on purpose not
 * taken from the core's header: a test restating the ABI catches a core
 * header that drifted from it. */
#ifndef TESTS_SMC_IDS_H
#define TESTS_SMC_IDS_H

#define T_CALLS_COUNT		0xbf00ff00u
#define T_CALLS_UID		0xbf00ff01u
#define T_CALLS_REVISION	0xbf00ff03u
#define T_GET_OS_UUID		0xb2000000u
#define T_GET_OS_REVISION	0xb2000001u
#define T_RETURN_FROM_RPC	0x32000003u
#define T_CALL_WITH_ARG		0x32000004u
#define T_GET_SHM_CONFIG	0xb2000007u
#define T_L2CC_MUTEX		0xb2000008u
#define T_EXCHANGE_CAPS		0xb2000009u
#define T_DISABLE_SHM_CACHE	0xb200000au
#define T_ENABLE_SHM_CACHE	0xb200000bu
#define T_BOOT_SECONDARY	0xb200000cu
#define T_VM_CREATED		0xb200000du
#define T_VM_DESTROYED		0xb200000eu
#define T_GET_THREAD_COUNT	0xb200000fu
#define T_ENABLE_ASYNC_NOTIF	0xb2000010u
#define T_GET_ASYNC_NOTIF_VALUE	0xb2000011u
#define T_CALL_WITH_RPC_ARG	0x32000012u
#define T_CALL_WITH_REGD_ARG	0x32000013u

#define T_OK			0u
#define T_ETHREAD_LIMIT		1u
#define T_EBUSY			2u
#define T_ERESUME		3u
#define T_EBADADDR		4u
#define T_EBADCMD		5u
#define T_ENOMEM		6u
#define T_ENOTAVAIL		7u
#define T_UNKNOWN_FUNCTION	0xffffffffu

#define T_CAP_UNREGISTERED_SHM	(1u << 1)
#define T_CAP_DYNAMIC_SHM	(1u << 2)
#define T_CAP_VIRTUALIZATION	(1u << 3)
#define T_CAP_MEMREF_NULL	(1u << 4)

#endif /* TESTS_SMC_IDS_H */
