// SPDX-License-Identifier: BSD-2-Clause

#include <stdarg.h>
#include <stdio.h>

#include <sim/trace.h>

static FILE *trace_out;
static unsigned long long trace_seq;

void sim_trace_start(FILE *out)
{
	trace_out = out;
	trace_seq = 0;
}

void sim_trace_stop(void)
{
	trace_out = NULL;
}

bool sim_trace_on(void)
{
	return trace_out != NULL;
}

void sim_trace(const char *fmt, ...)
{
	va_list ap;

	if (!trace_out)
		return;
	fprintf(trace_out, "%6llu  ", ++trace_seq);
	va_start(ap, fmt);
	vfprintf(trace_out, fmt, ap);
	va_end(ap);
	fputc('\n', trace_out);
}
