// SPDX-License-Identifier: BSD-2-Clause
/*
 * Yielding calls on a claimed thread of the caller's partition.
 *
 * The message layer (optee_msg_arg commands) is not part of this core yet:
 * every well-addressed CALL_WITH_ARG is answered as a command the core does
 * not know, EBADCMD, which is what OP-TEE answers for an unknown cmd.
 */

#include <arch/platform.h>
#include <sm/optee_smc.h>
#include <tee/entry.h>
#include <util.h>

/* The arg page lies entirely in non-secure DRAM. */
static bool arg_in_nsec_ddr(uint64_t pa)
{
	const struct arch_platform *plat = arch_get_platform();
	uint64_t base = pa_addr(plat->nsec_ddr_base);
	uint64_t end = 0;

	if (ADD_OVERFLOW(pa, (uint64_t)SMALL_PAGE_SIZE, &end))
		return false;
	return pa >= base && end <= base + plat->nsec_ddr_size;
}

static uint32_t call_with_arg(uint32_t a1, uint32_t a2)
{
	uint64_t parg = reg_pair_to_64(a1, a2);

	/* Dynamic shared memory: the arg starts a 4 KiB page. */
	if (parg & SMALL_PAGE_MASK)
		return OPTEE_SMC_RETURN_EBADADDR;
	if (!arg_in_nsec_ddr(parg))
		return OPTEE_SMC_RETURN_EBADADDR;
	return OPTEE_SMC_RETURN_EBADCMD;
}

uint32_t tee_entry_std_smc(uint32_t a0, uint32_t a1, uint32_t a2,
			   uint32_t a3)
{
	(void)a3;	/* cache attributes: all memory is cached here */

	switch (a0) {
	case OPTEE_SMC_CALL_WITH_ARG:
		return call_with_arg(a1, a2);
	default:
		/*
		 * CALL_WITH_RPC_ARG and CALL_WITH_REGD_ARG need the RPC_ARG
		 * capability, which this core does not announce.
		 */
		return OPTEE_SMC_RETURN_EBADCMD;
	}
}
