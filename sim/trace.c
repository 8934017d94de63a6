// SPDX-License-Identifier: BSD-2-Clause

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include <shim/shim.h>
#include <sim/sched.h>
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

void sim_trace_line(const char *fmt, ...)
{
	va_list ap;

	if (!trace_out)
		return;
	/* Sequence number and simulated time: the same run, the same text. */
	fprintf(trace_out, "%6llu %9.3f us  ", ++trace_seq,
		(double)shim_time_ns() / 1000.0);
	/* Under the scheduler: which vCPU, on which core. */
	if (sched_active() && *sched_where())
		fprintf(trace_out, "[%s] ", sched_where());
	va_start(ap, fmt);
	vfprintf(trace_out, fmt, ap);
	va_end(ap);
	fputc('\n', trace_out);
}

static void trace_thread(unsigned int core, int guest, unsigned int thread,
			 enum shim_thread_event event)
{
	static const char *const what[] = {
		"starts a call", "resumes", "suspends in an RPC", "ends its call",
		"is abandoned (isolation violation)",
	};

	sim_trace("thrd  core %u: guest %d thread %u %s", core, guest, thread,
		  what[event]);
}

static void trace_switch(unsigned int core, uint16_t guest)
{
	if (guest)
		sim_trace("mmu   core %u: partition of guest %u", core, guest);
	else
		sim_trace("mmu   core %u: default partition", core);
}

void sim_trace_shim_events(bool on)
{
	shim_set_switch_hook(on ? trace_switch : NULL);
	shim_set_thread_hook(on ? trace_thread : NULL);
}

const char *sim_smc_name(uint32_t fid)
{
	switch (fid) {
	case 0xbf00ff00u: return "CALLS_COUNT";
	case 0xbf00ff01u: return "CALLS_UID";
	case 0xbf00ff03u: return "CALLS_REVISION";
	case 0xb2000000u: return "GET_OS_UUID";
	case 0xb2000001u: return "GET_OS_REVISION";
	case 0x32000003u: return "RETURN_FROM_RPC";
	case 0x32000004u: return "CALL_WITH_ARG";
	case 0xb2000007u: return "GET_SHM_CONFIG";
	case 0xb2000008u: return "L2CC_MUTEX";
	case 0xb2000009u: return "EXCHANGE_CAPABILITIES";
	case 0xb200000au: return "DISABLE_SHM_CACHE";
	case 0xb200000bu: return "ENABLE_SHM_CACHE";
	case 0xb200000cu: return "BOOT_SECONDARY";
	case 0xb200000du: return "VM_CREATED";
	case 0xb200000eu: return "VM_DESTROYED";
	case 0xb200000fu: return "GET_THREAD_COUNT";
	case 0xb2000010u: return "ENABLE_ASYNC_NOTIF";
	case 0xb2000011u: return "GET_ASYNC_NOTIF_VALUE";
	case 0x32000012u: return "CALL_WITH_RPC_ARG";
	case 0x32000013u: return "CALL_WITH_REGD_ARG";
	default: return "?";
	}
}

const char *sim_msg_cmd_name(uint32_t cmd)
{
	static const char *const names[] = {
		"OPEN_SESSION", "INVOKE_COMMAND", "CLOSE_SESSION", "CANCEL",
		"REGISTER_SHM", "UNREGISTER_SHM",
	};

	return cmd < 6 ? names[cmd] : "?";
}
