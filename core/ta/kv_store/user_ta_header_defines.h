/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

#include <nexsim/ta_ids.h>

#define TA_UUID		TA_KV_STORE_UUID
/* One store per guest, shared by its sessions, kept between them. */
#define TA_FLAGS	(TA_FLAG_SINGLE_INSTANCE | TA_FLAG_MULTI_SESSION | \
			 TA_FLAG_INSTANCE_KEEP_ALIVE)
#define TA_STACK_SIZE	(2 * 1024)
#define TA_DATA_SIZE	(64 * 1024)

#endif
