/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_CONSOLE_H
#define ARCH_CONSOLE_H

#include <stddef.h>

/* Trace levels, as OP-TEE's TRACE_* values. */
#define ARCH_TRACE_ERROR	1
#define ARCH_TRACE_INFO		2
#define ARCH_TRACE_DEBUG	3
#define ARCH_TRACE_FLOW		4

/* True if a message of @level would be printed: lets callers skip formatting. */
int arch_console_level(void);

/* One formatted line of secure-world console output (no trailing newline). */
void arch_console_write(int level, const char *line, size_t len);

#endif /* ARCH_CONSOLE_H */
