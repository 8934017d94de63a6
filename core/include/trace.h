/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef TRACE_H
#define TRACE_H

#include <arch/console.h>
#include <compiler.h>
#include <stdarg.h>
#include <stddef.h>

void trace_printf(int level, const char *func, int line, const char *fmt, ...)
	__printf(4, 5);

/* Format into @buf like snprintf (%d %i %u %x %X %p %s %c %%, l/ll/z/h). */
int core_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int core_snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#define EMSG(...) trace_printf(ARCH_TRACE_ERROR, __func__, __LINE__, __VA_ARGS__)
#define IMSG(...) trace_printf(ARCH_TRACE_INFO, __func__, __LINE__, __VA_ARGS__)
#define DMSG(...) trace_printf(ARCH_TRACE_DEBUG, __func__, __LINE__, __VA_ARGS__)
#define FMSG(...) trace_printf(ARCH_TRACE_FLOW, __func__, __LINE__, __VA_ARGS__)

#endif /* TRACE_H */
