// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_sched: the input writes the guests' programs and then chooses how
 * they interleave. Under the deterministic scheduler, vCPUs of up to
 * three VMs (one or two vCPUs each) run small GP client programs on the
 * fuzzed machine's cores, beside the canary's vCPU; a hypervisor vCPU may
 * destroy VMs while their calls run. Every choice the scheduler makes
 * (which vCPU issues the next SMC, whether a preemption point in core
 * code interleaves another vCPU or raises a foreign interrupt) is taken
 * from the input.
 *
 * The input:
 *   u8  preemption rate: value * 1000 / 255 per mille
 *   u8  flags: bit 0 no foreign interrupts, bits 1-2 VMs (1-3), bits 3-5
 *       which VMs have two vCPUs, bit 6 a hypervisor vCPU, bit 7 a
 *       failure injected (fuzz_arm_failure(): two bytes after the
 *       programs)
 *   per vCPU (VM 0 first), then the hypervisor's if any: u8 steps
 *       (up to 8), each step u8 op, u8 operand, u32 value
 *   the rest: the scheduler's choices, one byte each (zero past the end)
 *
 * A step's op (modulo 6) on one of the vCPU's two sessions:
 *   0 OPEN      a session to a TA (hello, kv store, storage, stress)
 *   1 INVOKE    a command (operand: session, command) with a memref and
 *               the value
 *   2 CLOSE     the session
 *   3 COUNT     the storage TA's count of an object shared by the VM's
 *               vCPUs (mutex and FS RPCs, contended)
 *   4 WAIT      TEE_Wait of value % 3 ms through the storage TA
 *   5 CANCEL    TEEC_RequestCancellation of the operation the VM's
 *               other vCPU has in flight, if any
 * The hypervisor's steps destroy the VM the operand names (a careful
 * hypervisor: its calls drain first).
 *
 * After the run every VM is destroyed; nothing may be pinned, the canary
 * must have seen every result as expected, and the nexus invariants hold.
 * A deadlock of the vCPUs is a finding too.
 */

#include <string.h>

#include <nexsim/ta_ids.h>
#include <sim/guest.h>
#include <sim/hyp.h>
#include <sim/sched.h>
#include <sim/trace.h>
#include <tee_client_api.h>

#include "canary.h"
#include "fuzz_common.h"
#include "fuzz_targets.h"

#define SCHED_VMS	3
#define MAX_VCPUS	(2 * SCHED_VMS)
#define MAX_STEPS	8
#define VM_RAM		(128u * 1024u)
#define CANARY_STEPS	6

static const TEEC_UUID tas[] = {
	TA_HELLO_WORLD_UUID, TA_KV_STORE_UUID, TA_STORAGE_UUID, TA_STRESS_UUID,
};

static const char *const op_names[] = {
	"OPEN", "INVOKE", "CLOSE", "COUNT", "WAIT", "CANCEL",
};

struct step {
	uint8_t op;
	uint8_t operand;
	uint32_t value;
};

struct vcpu {
	unsigned int vm;		/* slot, or SCHED_VMS: the hypervisor */
	unsigned int idx;		/* its vCPU number in the VM */
	char label[8];
	struct step steps[MAX_STEPS];
	unsigned int count;
	TEEC_Context ctx;
	bool ctx_open;
	TEEC_Session s[2];
	bool open[2];
};

static struct vm *vms[SCHED_VMS];
/* The operation each vCPU of a VM has in flight, for CANCEL. */
static TEEC_Operation *in_flight[SCHED_VMS][2];
static struct vcpu vcpus[MAX_VCPUS + 1];
static struct fuzz_canary canary;

/* The scheduler's choices: the input's bytes past the programs. */
static uint64_t choose(void *arg)
{
	return fuzz_u8(arg);
}

static void decode(struct fuzz_input *in, struct vcpu *v, unsigned int vm,
		   unsigned int idx, const char *label)
{
	unsigned int n = 0;

	memset(v, 0, sizeof(*v));
	v->vm = vm;
	v->idx = idx;
	snprintf(v->label, sizeof(v->label), "%s", label);
	v->count = fuzz_u8(in) % (MAX_STEPS + 1);
	for (n = 0; n < v->count; n++) {
		v->steps[n].op = fuzz_u8(in);
		v->steps[n].operand = fuzz_u8(in);
		v->steps[n].value = fuzz_u32(in);
	}
}

static void trace_program(const struct vcpu *v)
{
	unsigned int n = 0;

	if (!sim_trace_on())
		return;
	for (n = 0; n < v->count; n++) {
		const struct step *s = &v->steps[n];

		if (v->vm == SCHED_VMS)
			sim_trace("input %s step %u: DESTROY VM %u", v->label,
				  n, s->operand % SCHED_VMS);
		else
			sim_trace("input %s step %u: %s operand 0x%x value "
				  "0x%x", v->label, n, op_names[s->op % 6],
				  s->operand, s->value);
	}
}

static TEEC_Result invoke(struct vcpu *v, unsigned int k, uint32_t cmd,
			  TEEC_Operation *op)
{
	TEEC_Result res = 0;

	in_flight[v->vm][v->idx] = op;
	res = TEEC_InvokeCommand(&v->s[k], cmd, op, NULL);
	in_flight[v->vm][v->idx] = NULL;
	return res;
}

static void storage_call(struct vcpu *v, unsigned int k,
			 const struct step *s, uint32_t cmd)
{
	static char shared_id[] = "shared";
	TEEC_Operation op;

	if (!v->open[k])
		return;
	memset(&op, 0, sizeof(op));
	if (cmd == TA_STORAGE_CMD_COUNT) {
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT,
						 TEEC_VALUE_OUTPUT, TEEC_NONE,
						 TEEC_NONE);
		op.params[0].tmpref.buffer = shared_id;
		op.params[0].tmpref.size = sizeof(shared_id) - 1;
	} else {
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE,
						 TEEC_NONE, TEEC_NONE);
		op.params[0].value.a = s->value % 3;
	}
	invoke(v, k, cmd, &op);
}

static void run_step(struct vcpu *v, const struct step *s)
{
	unsigned int k = s->operand & 1;
	char buf[32] = "fuzz";
	TEEC_Operation op;

	switch (s->op % 6) {
	case 0:
		if (v->open[k])
			break;
		v->open[k] = !TEEC_OpenSession(&v->ctx, &v->s[k],
					       &tas[(s->operand >> 1) % 4],
					       TEEC_LOGIN_PUBLIC, NULL, NULL,
					       NULL);
		break;
	case 1:
		if (!v->open[k])
			break;
		memset(&op, 0, sizeof(op));
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INOUT,
						 TEEC_VALUE_INOUT, TEEC_NONE,
						 TEEC_NONE);
		op.params[0].tmpref.buffer = buf;
		op.params[0].tmpref.size = 4 + s->value % 16;
		op.params[1].value.a = s->value;
		invoke(v, k, (s->operand >> 1) % 12, &op);
		break;
	case 2:
		if (v->open[k])
			TEEC_CloseSession(&v->s[k]);
		v->open[k] = false;
		break;
	case 3:
		storage_call(v, k, s, TA_STORAGE_CMD_COUNT);
		break;
	case 4:
		storage_call(v, k, s, TA_STORAGE_CMD_WAIT);
		break;
	default:
		/*
		 * A scheduling point first, as a cancel's own SMC would have;
		 * the other vCPU then waits inside its call: its op is live.
		 */
		sched_point();
		if (in_flight[v->vm][!v->idx]) {
			sim_trace("input %s cancels the operation of its VM's "
				  "other vCPU", v->label);
			TEEC_RequestCancellation(in_flight[v->vm][!v->idx]);
		}
		break;
	}
}

static void guest_vcpu(void *arg)
{
	struct vcpu *v = arg;
	unsigned int n = 0;
	unsigned int k = 0;

	for (n = 0; n < v->count; n++) {
		struct vm *vm = vms[v->vm];

		/* Its VM was destroyed: the vCPU is gone with it. */
		if (!vm || vm->stopping)
			return;
		vm->in_call++;
		if (!v->ctx_open) {
			guest_select(vm);
			v->ctx_open = !TEEC_InitializeContext(NULL, &v->ctx);
		}
		if (v->ctx_open)
			run_step(v, &v->steps[n]);
		vm->in_call--;
	}
	if (!vms[v->vm] || vms[v->vm]->stopping || !v->ctx_open)
		return;
	vms[v->vm]->in_call++;
	for (k = 0; k < 2; k++)
		if (v->open[k])
			TEEC_CloseSession(&v->s[k]);
	TEEC_FinalizeContext(&v->ctx);
	vms[v->vm]->in_call--;
}

static void hyp_vcpu(void *arg)
{
	struct vcpu *v = arg;
	unsigned int n = 0;

	for (n = 0; n < v->count; n++) {
		unsigned int slot = v->steps[n].operand % SCHED_VMS;
		struct vm *vm = vms[slot];

		sched_point();
		if (!vm)
			continue;
		hyp_vm_destroy(vm);
		vms[slot] = NULL;
	}
}

static void canary_vcpu(void *arg)
{
	unsigned int n = 0;

	(void)arg;
	for (n = 0; n < CANARY_STEPS; n++)
		fuzz_canary_step(&canary);
}

unsigned int fuzz_sched_run(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { .data = data, .size = size };
	struct sched_params sp = { .cores = FUZZ_CORES };
	unsigned int count = 0;
	char err[256] = "";
	uint8_t flags = 0;
	unsigned int n = 0;
	unsigned int vm = 0;

	fuzz_profile(NULL);
	fuzz_setup_begin();
	fuzz_reset_with_hyp();
	fuzz_setup_end();
	memset(vms, 0, sizeof(vms));
	memset(in_flight, 0, sizeof(in_flight));
	sp.preempt_permille = fuzz_u8(&in) * 1000u / 255u;
	flags = fuzz_u8(&in);
	sp.no_interrupts = flags & 1;
	sp.choose = choose;
	sp.choose_arg = &in;

	fuzz_canary_start(&canary, true);
	for (vm = 0; vm < 1u + (flags >> 1 & 3) % SCHED_VMS; vm++) {
		vms[vm] = hyp_vm_create(VM_RAM, err, sizeof(err));
		if (!vms[vm] || guest_drv_probe(vms[vm], err, sizeof(err)))
			fuzz_fail("VM %u: %s", vm, err);
		for (n = 0; n < 1u + (flags >> (3 + vm) & 1); n++) {
			char label[8];

			snprintf(label, sizeof(label), "%c.%u", 'a' + vm, n);
			decode(&in, &vcpus[count++], vm, n, label);
		}
	}
	if (flags & 0x40)
		decode(&in, &vcpus[count++], SCHED_VMS, 0, "hyp");
	if (flags & 0x80)
		fuzz_arm_failure(&in);
	sim_trace("input: %u VMs, %u vCPUs, preemption %u per mille%s; the "
		  "scheduler's choices from byte %zu", vm, count,
		  (unsigned int)sp.preempt_permille,
		  sp.no_interrupts ? ", no interrupts" : "", in.at);
	for (n = 0; n < count; n++)
		trace_program(&vcpus[n]);

	fuzz_profile("set-up");
	if (sched_start(&sp, err, sizeof(err)))
		fuzz_fail("scheduler: %s", err);
	for (n = 0; n < count; n++)
		if (sched_spawn(vcpus[n].label, vcpus[n].vm == SCHED_VMS ?
				hyp_vcpu : guest_vcpu, &vcpus[n]))
			fuzz_fail("scheduler: cannot spawn %s", vcpus[n].label);
	if (fuzz_canary_wanted() && sched_spawn("canary", canary_vcpu, NULL))
		fuzz_fail("scheduler: cannot spawn the canary");
	if (sched_run(err, sizeof(err)))
		fuzz_fail("%s", err);
	sched_stop();
	fuzz_profile("scheduled run");
	in.ops = count;
	fuzz_trace_end(&in);
	fuzz_check_refcounts();

	fuzz_canary_end(&canary);
	fuzz_profile("canary's end");
	for (vm = 0; vm < SCHED_VMS; vm++)
		if (vms[vm])
			hyp_vm_destroy(vms[vm]);
	fuzz_profile("VMs destroyed");
	fuzz_check_hyp_end();
	fuzz_check_end();
	fuzz_profile("end checks");
	return count;
}
