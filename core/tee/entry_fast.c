// SPDX-License-Identifier: BSD-2-Clause
/*
 * Fast calls: short, atomic, run on the caller's partition (or none when
 * the hypervisor calls, a7 = 0). Registers the call does not return keep
 * their input values, as on OP-TEE.
 */

#include <arch/platform.h>
#include <kernel/thread.h>
#include <kernel/virtualization.h>
#include <sm/optee_smc.h>
#include <tee/entry.h>
#include <util.h>

/* Fast calls of the generic OP-TEE ABI, and the two of virtualization. */
#define FAST_CALLS_GENERIC	12u
#define FAST_CALLS_VIRT		2u

uint32_t tee_entry_fast_call_count(void)
{
	return FAST_CALLS_GENERIC + FAST_CALLS_VIRT;
}

static void exchange_capabilities(struct arch_smc_args *args)
{
	/* Only UNIPROCESSOR is a known normal-world capability. */
	if (args->a1 & ~OPTEE_SMC_NSEC_CAP_UNIPROCESSOR) {
		args->a0 = OPTEE_SMC_RETURN_ENOTAVAIL;
		return;
	}
	args->a0 = OPTEE_SMC_RETURN_OK;
	args->a1 = OPTEE_SMC_SEC_CAP_DYNAMIC_SHM |
		   OPTEE_SMC_SEC_CAP_VIRTUALIZATION |
		   OPTEE_SMC_SEC_CAP_MEMREF_NULL;
	args->a2 = 0;
	args->a3 = OPTEE_SMC_RPC_NUM_PARAMS;
}

/*
 * The RPC argument cache is per guest (its threads are): from the
 * hypervisor there is no cache to act on.
 */
static void disable_shm_cache(struct arch_smc_args *args)
{
	uint64_t cookie = 0;

	if (!virt_get_current_guest_id()) {
		args->a0 = OPTEE_SMC_RETURN_ENOTAVAIL;
		return;
	}
	if (!thread_disable_prealloc_rpc_cache(&cookie)) {
		args->a0 = OPTEE_SMC_RETURN_EBUSY;
		return;
	}
	if (!cookie) {
		args->a0 = OPTEE_SMC_RETURN_ENOTAVAIL;
		return;
	}
	args->a0 = OPTEE_SMC_RETURN_OK;
	reg_pair_from_64(cookie, &args->a1, &args->a2);
}

static void enable_shm_cache(struct arch_smc_args *args)
{
	if (!virt_get_current_guest_id()) {
		args->a0 = OPTEE_SMC_RETURN_ENOTAVAIL;
		return;
	}
	if (thread_enable_prealloc_rpc_cache())
		args->a0 = OPTEE_SMC_RETURN_OK;
	else
		args->a0 = OPTEE_SMC_RETURN_EBUSY;
}

static void vm_created(struct arch_smc_args *args)
{
	/* Guest ID 0 is the hypervisor's own. */
	if (args->a1 == HYP_CLNT_ID) {
		args->a0 = OPTEE_SMC_RETURN_ENOTAVAIL;
		return;
	}
	/* Only the hypervisor announces guests. */
	if (args->a7 != HYP_CLNT_ID) {
		args->a0 = OPTEE_SMC_RETURN_ENOTAVAIL;
		return;
	}
	/*
	 * Unlike OP-TEE, an ID above 16 bits is not truncated and an ID
	 * already in use is refused: both would alias another guest.
	 */
	if (virt_guest_created(args->a1))
		args->a0 = OPTEE_SMC_RETURN_ENOTAVAIL;
	else
		args->a0 = OPTEE_SMC_RETURN_OK;
}

static void vm_destroyed(struct arch_smc_args *args)
{
	if (args->a7 != HYP_CLNT_ID) {
		args->a0 = OPTEE_SMC_RETURN_ENOTAVAIL;
		return;
	}
	/* As OP-TEE: an unknown guest is logged, not an error. */
	virt_guest_destroyed(args->a1);
	args->a0 = OPTEE_SMC_RETURN_OK;
}

void tee_entry_fast(struct arch_smc_args *args)
{
	switch (args->a0) {
	case OPTEE_SMC_CALLS_COUNT:
		args->a0 = tee_entry_fast_call_count();
		break;
	case OPTEE_SMC_CALLS_UID:
		args->a0 = OPTEE_MSG_UID_0;
		args->a1 = OPTEE_MSG_UID_1;
		args->a2 = OPTEE_MSG_UID_2;
		args->a3 = OPTEE_MSG_UID_3;
		break;
	case OPTEE_SMC_CALLS_REVISION:
		args->a0 = OPTEE_MSG_REVISION_MAJOR;
		args->a1 = OPTEE_MSG_REVISION_MINOR;
		break;
	case OPTEE_SMC_CALL_GET_OS_UUID:
		args->a0 = OPTEE_MSG_OS_OPTEE_UUID_0;
		args->a1 = OPTEE_MSG_OS_OPTEE_UUID_1;
		args->a2 = OPTEE_MSG_OS_OPTEE_UUID_2;
		args->a3 = OPTEE_MSG_OS_OPTEE_UUID_3;
		break;
	case OPTEE_SMC_CALL_GET_OS_REVISION:
		args->a0 = arch_get_platform()->os_revision_major;
		args->a1 = arch_get_platform()->os_revision_minor;
		args->a2 = arch_get_platform()->os_build_id;
		break;
	case OPTEE_SMC_EXCHANGE_CAPABILITIES:
		exchange_capabilities(args);
		break;
	case OPTEE_SMC_DISABLE_SHM_CACHE:
		disable_shm_cache(args);
		break;
	case OPTEE_SMC_ENABLE_SHM_CACHE:
		enable_shm_cache(args);
		break;
	case OPTEE_SMC_BOOT_SECONDARY:
		/* Secondary cores are released by the platform, not by request. */
		args->a0 = OPTEE_SMC_RETURN_ENOTAVAIL;
		break;
	case OPTEE_SMC_GET_THREAD_COUNT:
		args->a0 = OPTEE_SMC_RETURN_OK;
		args->a1 = arch_get_platform()->thread_count;
		break;
	case OPTEE_SMC_VM_CREATED:
		vm_created(args);
		break;
	case OPTEE_SMC_VM_DESTROYED:
		vm_destroyed(args);
		break;
	/*
	 * No reserved shared memory (GET_SHM_CONFIG), no L2 cache mutex
	 * (arm32 only) and no asynchronous notifications: unknown, as on an
	 * OP-TEE built without them.
	 */
	case OPTEE_SMC_GET_SHM_CONFIG:
	case OPTEE_SMC_L2CC_MUTEX:
	case OPTEE_SMC_ENABLE_ASYNC_NOTIF:
	case OPTEE_SMC_GET_ASYNC_NOTIF_VALUE:
	default:
		args->a0 = OPTEE_SMC_RETURN_UNKNOWN_FUNCTION;
		break;
	}
}
