/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

#include <nexsim/ta_ids.h>

#define TA_UUID		TA_STORAGE_UUID
/* One instance per session: two sessions of a guest run at once. */
#define TA_FLAGS	0
#define TA_STACK_SIZE	(2 * 1024)
#define TA_DATA_SIZE	(32 * 1024)

#endif
