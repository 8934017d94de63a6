// SPDX-License-Identifier: BSD-2-Clause
/*
 * The head of one built-in TA, compiled with that TA (NEXSIM_TA_NAME and
 * its directory on the include path): OP-TEE's user_ta_header.c role. It
 * turns the TA's user_ta_header_defines.h into a registry entry.
 */

#include <tee/ta.h>
#include <tee_internal_api.h>
#include <user_ta_header_defines.h>

#define NEXSIM_STR2(x)	#x
#define NEXSIM_STR(x)	NEXSIM_STR2(x)

const struct ta_head NEXSIM_TA_SYM(ta_head) = {
	.name = NEXSIM_STR(NEXSIM_TA_NAME),
	.uuid = TA_UUID,
	.flags = TA_FLAGS,
	.data_size = TA_DATA_SIZE,
	.stack_size = TA_STACK_SIZE,
	.pseudo = false,
	.create = TA_CreateEntryPoint,
	.destroy = TA_DestroyEntryPoint,
	.open_session = TA_OpenSessionEntryPoint,
	.close_session = TA_CloseSessionEntryPoint,
	.invoke = TA_InvokeCommandEntryPoint,
};
