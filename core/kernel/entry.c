// SPDX-License-Identifier: BSD-2-Clause
/*
 * The core's SMC entry (OP-TEE's thread_handle_fast_smc and
 * thread_handle_std_smc): pick the caller's partition from a7, run the
 * call, and return to the default partition.
 */

#include <arch/entry.h>
#include <arch/platform.h>
#include <kernel/thread.h>
#include <kernel/virtualization.h>
#include <sm/optee_smc.h>
#include <tee/entry.h>
#include <trace.h>

static void handle_fast_smc(struct arch_smc_args *args)
{
	/* The hypervisor's fast calls run in the default partition. */
	if (args->a7 == HYP_CLNT_ID) {
		tee_entry_fast(args);
		return;
	}
	/* A guest's fast call runs in its partition; an unknown guest's not at all. */
	if (virt_set_guest(args->a7)) {
		args->a0 = OPTEE_SMC_RETURN_ENOTAVAIL;
		return;
	}
	virt_count_call(true);
	tee_entry_fast(args);
	virt_unset_guest();
}

/* a7 of a std call names a guest that exists, or may be created now. */
static TEE_Result enter_std_caller(uint32_t guest_id)
{
	TEE_Result res = TEE_SUCCESS;

	/* The hypervisor has no TEE context to run std calls in. */
	if (guest_id == HYP_CLNT_ID || guest_id > VIRT_MAX_GUEST_ID)
		return TEE_ERROR_ITEM_NOT_FOUND;
	res = virt_set_guest(guest_id);
	if (res == TEE_ERROR_ITEM_NOT_FOUND &&
	    arch_get_platform()->implicit_guest_create) {
		/*
		 * The workaround OP-TEE's documentation describes for
		 * hypervisors that do not announce their guests.
		 */
		if (virt_guest_created(guest_id) == TEE_SUCCESS) {
			IMSG("guest %u created by its first std call",
			     (unsigned int)guest_id);
			res = virt_set_guest(guest_id);
		}
	}
	return res;
}

static void handle_std_smc(struct arch_smc_args *args)
{
	if (enter_std_caller(args->a7)) {
		args->a0 = OPTEE_SMC_RETURN_ENOTAVAIL;
		return;
	}
	virt_count_call(false);
	if (!virt_on_stdcall()) {
		args->a0 = OPTEE_SMC_RETURN_ENOMEM;
		virt_unset_guest();
		return;
	}

	if (args->a0 == OPTEE_SMC_CALL_RETURN_FROM_RPC)
		thread_handle_resume(args);
	else
		thread_handle_std_smc(args);
	virt_unset_guest();
}

void core_handle_smc(struct arch_smc_args *args)
{
	if (optee_smc_is_fast(args->a0))
		handle_fast_smc(args);
	else
		handle_std_smc(args);
}
