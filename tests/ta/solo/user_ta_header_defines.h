/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

#include <tests/probe_ta.h>

#define TA_UUID		TA_SOLO_UUID
/* One instance, one session at a time. */
#define TA_FLAGS	TA_FLAG_SINGLE_INSTANCE
#define TA_STACK_SIZE	(2 * 1024)
#define TA_DATA_SIZE	(8 * 1024)

#endif
