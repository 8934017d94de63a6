/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

#include <tests/probe_ta.h>

#define TA_UUID		TA_API_PROBE_UUID
#define TA_FLAGS	(TA_FLAG_SINGLE_INSTANCE | TA_FLAG_MULTI_SESSION)
#define TA_STACK_SIZE	(2 * 1024)
#define TA_DATA_SIZE	(16 * 1024)

#endif
