// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_guest: hostile guests, through the real hypervisor and its OP-TEE
 * mediator. The input is a sequence of operations, each one byte of kind
 * then its operands (VM slots 0..FUZZ_VMS-1):
 *
 *   kind 0  CREATE     a VM (its driver probes OP-TEE)
 *   kind 1  DESTROY    u8 slot
 *   kind 2  SMC        u8 slot, u8 index into the guest-visible function
 *                      IDs, a1..a6 as u32: as the guest's vCPU issues it
 *   kind 3  MEMORY     u8 slot, u16 page, u16 offset, u8 length, bytes:
 *                      into the guest's own RAM (IPA), where its SMCs and
 *                      messages can point
 *   kind 4  ARG        u8 slot, u16 page, 8 u32 header, u8 params (32
 *                      bytes each): a message argument in guest RAM
 *   kind 5  CLIENT     u8 slot, u8 TA, u8 command, u32 value: a GP
 *                      client call through the driver (RPCs answered),
 *                      in the slot's session to that TA, opened first
 *                      if there is none; bit 7 of the TA byte closes the
 *                      session after the call, else it stays open for
 *                      the slot's next CLIENT call to that TA (a VM
 *                      destroyed takes its sessions with it). Bits 8-23
 *                      of the value are the param types, a nibble a
 *                      param as TEEC_PARAM_TYPES() packs them and as the
 *                      TA sees them (NONE 0, VALUE_INPUT/OUTPUT/INOUT
 *                      1-3, MEMREF_INPUT/OUTPUT/INOUT 5-7; 4 is NONE,
 *                      8-15 as their low three bits), 0 for a memref and
 *                      a value, both in and out. A memref is 4 + value %
 *                      16 bytes; with bit 7 of the command byte it is
 *                      temporary (registered for the call alone), else
 *                      it lies at offset (value >> 4) % 8 in the slot's
 *                      registered shared memory, registered at its first
 *                      such call and kept while its VM lives. A value
 *                      param's a is bits 24-25 of the value, its b bits
 *                      26-31 (small: some commands loop a times). The
 *                      TA is the whole TA byte modulo 6, the command the
 *                      whole command byte modulo 12.
 *   kind 6  CALL       u8 slot, u16 page: CALL_WITH_ARG on that page
 *   kind 7  RESUME     u8 slot, u8 thread, a1, a2, a4, a5 as u32
 *   0xf8..0xff FAIL    u8 sites, u8 countdown: an allocation of the core
 *                      fails (fuzz_arm_failure() in fuzz_common.h)
 *
 * The canary VM (canary.h) makes one call after every CANARY_EVERY
 * operations that may reach the secure world (all but MEMORY, ARG and
 * FAIL), and at the end.
 *
 * After the sequence every VM is destroyed; then nothing may be left
 * pinned, and the nexus invariants hold (fuzz_common.c).
 */

#include <string.h>

#include <nexsim/ta_ids.h>
#include <sim/guest.h>
#include <sim/hyp.h>
#include <sim/optee_abi.h>
#include <sim/trace.h>
#include <tee_client_api.h>

#include "canary.h"
#include "fuzz_common.h"
#include "fuzz_targets.h"

#define FUZZ_VMS	3
#define VM_RAM		(256u * 1024u)
#define MAX_OPS		64
#define CANARY_EVERY	8	/* operations between two canary calls */

static struct vm *vms[FUZZ_VMS];

/* Each kind of operation, by its number (for the profile). */
static const char *const op_names[8] = {
	"CREATE", "DESTROY", "SMC", "MEMORY", "ARG", "CLIENT", "CALL", "RESUME",
};

#define FUZZ_TAS	6
#define CLIENT_CLOSE	0x80u	/* in CLIENT's TA byte */
#define CLIENT_TEMP	0x80u	/* in CLIENT's command byte */
#define CLIENT_SHM	32u	/* bytes of a slot's registered memory */
/* CLIENT's param types when the value gives none: MEMREF_INOUT, VALUE_INOUT. */
#define CLIENT_TYPES	0x0037u

/*
 * The client side of each slot's VM: one context, a session per TA, and
 * shared memory registered once for the calls that take their memref
 * from it.
 */
static struct client {
	bool ready;		/* ctx initialized */
	TEEC_Context ctx;
	TEEC_Session s[FUZZ_TAS];
	bool open[FUZZ_TAS];
	bool registered;	/* shm registered */
	TEEC_SharedMemory shm;
	char shm_buf[CLIENT_SHM];
} clients[FUZZ_VMS];

static const uint32_t guest_ids[] = {
	0xbf00ff00u, 0xbf00ff01u, 0xbf00ff03u, 0xb2000000u, 0xb2000001u,
	0x32000003u, 0x32000004u, 0xb2000007u, 0xb2000009u, 0xb200000au,
	0xb200000bu, 0xb200000fu, 0x32000012u, 0x32000013u, 0xb200000du,
};

static const struct {
	TEEC_UUID uuid;
	const char *name;
} tas[] = {
	{ TA_HELLO_WORLD_UUID, "hello_world" },
	{ TA_KV_STORE_UUID, "kv_store" },
	{ TA_STORAGE_UUID, "storage" },
	{ TA_PANIC_UUID, "panic_ta" },
	{ TA_STRESS_UUID, "stress" },
	{ PTA_GUEST_UUID, "guest.pta" },
};
_Static_assert(sizeof(tas) / sizeof(tas[0]) == FUZZ_TAS, "FUZZ_TAS");

static unsigned int slot_at(struct fuzz_input *in)
{
	return fuzz_u8(in) % FUZZ_VMS;
}

static uint32_t client_of(unsigned int slot)
{
	return vms[slot] ? vms[slot]->client_id : 0;
}

static uint64_t ipa_of(struct vm *vm, uint16_t page)
{
	return HYP_VM_IPA_BASE + (uint64_t)(page % (VM_RAM / HYP_PAGE)) *
				 HYP_PAGE;
}

static void create(const struct fuzz_input *in)
{
	char err[128] = "";
	size_t n = 0;

	for (n = 0; n < FUZZ_VMS && vms[n]; n++)
		;
	if (n == FUZZ_VMS) {
		fuzz_trace_op(in, "CREATE: every slot taken, skipped");
		return;
	}
	fuzz_trace_op(in, "CREATE a VM in slot %zu", n);
	vms[n] = hyp_vm_create(VM_RAM, err, sizeof(err));
	if (vms[n] && guest_drv_probe(vms[n], err, sizeof(err))) {
		hyp_vm_destroy(vms[n]);
		vms[n] = NULL;
	}
	if (vms[n])
		fuzz_trace_result(in, "slot %zu is client %u", n,
				  vms[n]->client_id);
	else
		fuzz_trace_result(in, "no VM: %s", err);
}

static void destroy(uint8_t slot)
{
	struct vm *vm = vms[slot % FUZZ_VMS];

	if (!vm)
		return;
	hyp_vm_destroy(vm);
	vms[slot % FUZZ_VMS] = NULL;
	/* Its sessions went with it, as a guest OS's do when it dies. */
	memset(&clients[slot % FUZZ_VMS], 0, sizeof(clients[0]));
}

static void memory(struct fuzz_input *in)
{
	unsigned int slot = slot_at(in);
	struct vm *vm = vms[slot];
	uint16_t page = fuzz_u16(in);
	uint16_t off = fuzz_u16(in) % HYP_PAGE;
	uint8_t len = fuzz_u8(in);
	uint8_t buf[256];

	fuzz_bytes(in, buf, len);
	if (!vm) {
		fuzz_trace_op(in, "MEMORY slot %u: no VM, skipped", slot);
		return;
	}
	if (off + len > HYP_PAGE)
		len = (uint8_t)(HYP_PAGE - off);
	fuzz_trace_op(in, "MEMORY slot %u (client %u) ipa=0x%llx len=%u",
		      slot, vm->client_id,
		      (unsigned long long)(ipa_of(vm, page) + off), len);
	hyp_vm_write(vm, ipa_init(ipa_of(vm, page) + off), buf, len);
}

static void message(struct fuzz_input *in)
{
	unsigned int slot = slot_at(in);
	struct vm *vm = vms[slot];
	uint16_t page = fuzz_u16(in);
	uint8_t buf[FUZZ_MSG_MAX];
	size_t len = fuzz_message(in, buf);

	if (!vm) {
		fuzz_trace_op(in, "ARG slot %u: no VM, skipped", slot);
		return;
	}
	fuzz_trace_arg(in, "ARG in guest RAM, ipa", ipa_of(vm, page), buf,
		       len);
	hyp_vm_write(vm, ipa_init(ipa_of(vm, page)), buf, len);
}

static void smc(const struct fuzz_input *in, unsigned int slot,
		uint64_t regs[8])
{
	struct vm *vm = vms[slot];
	uint32_t fid = (uint32_t)regs[0];
	uint64_t sent[8];

	if (!vm) {
		fuzz_trace_op(in, "SMC slot %u: no VM, skipped", slot);
		return;
	}
	memcpy(sent, regs, sizeof(sent));
	fuzz_trace_smc(in, regs, false, "slot %u (client %u)", slot,
		       vm->client_id);
	hyp_vm_smc(vm, regs);
	fuzz_trace_smc_result(in, regs);
	if (fid & 0x80000000u)
		fuzz_check_fast_result(FUZZ_FAST_MEDIATED, sent, regs);
	else
		fuzz_check_std_result(fid, (uint32_t)regs[0]);
}

/*
 * CLIENT's param types from its value (bits 8-23), each one of the types
 * a TA can see: 4 is NONE, 8-15 their low three bits (so a registered
 * memref's PARTIAL_x reads as x, as the TA sees it).
 */
static uint32_t client_types(uint32_t value)
{
	uint32_t field = (value >> 8) & 0xffff;
	uint32_t types = 0;
	unsigned int n = 0;

	if (!field)
		return CLIENT_TYPES;
	for (n = 0; n < 4; n++) {
		uint32_t t = (field >> (4 * n)) & 7;

		types |= (t == 4 ? 0 : t) << (4 * n);
	}
	return types;
}

/* Does @types hold a memref? */
static bool client_memrefs(uint32_t types)
{
	unsigned int n = 0;

	for (n = 0; n < 4; n++)
		if (((types >> (4 * n)) & 0xf) >= TEEC_MEMREF_TEMP_INPUT)
			return true;
	return false;
}

static void client(struct fuzz_input *in)
{
	unsigned int slot = slot_at(in);
	struct vm *vm = vms[slot];
	uint8_t ta_byte = fuzz_u8(in);
	unsigned int ta = ta_byte % FUZZ_TAS;
	bool close = ta_byte & CLIENT_CLOSE;
	uint8_t cmd_byte = fuzz_u8(in);
	uint32_t cmd = cmd_byte % 12;
	bool temp = cmd_byte & CLIENT_TEMP;
	uint32_t value = fuzz_u32(in);
	uint32_t types = client_types(value);
	size_t size = 4 + value % 16;
	size_t offset = (value >> 4) % 8;
	struct client *c = &clients[slot];
	TEEC_Result res = 0;
	uint32_t origin = 0;
	TEEC_Operation op;
	char bufs[4][CLIENT_SHM] = { "fuzz", "fuzz", "fuzz", "fuzz" };
	char outs[64] = "";
	unsigned int n = 0;

	if (!vm) {
		fuzz_trace_op(in, "CLIENT slot %u: no VM, skipped", slot);
		return;
	}
	if (!client_memrefs(types))
		fuzz_trace_op(in, "CLIENT slot %u (client %u) TA %s command %u "
			      "value 0x%x, types 0x%04x%s", slot,
			      vm->client_id, tas[ta].name, cmd, value, types,
			      close ? ", then close" : "");
	else if (temp)
		fuzz_trace_op(in, "CLIENT slot %u (client %u) TA %s command %u "
			      "value 0x%x, types 0x%04x, temporary memrefs%s",
			      slot, vm->client_id, tas[ta].name, cmd, value,
			      types, close ? ", then close" : "");
	else
		fuzz_trace_op(in, "CLIENT slot %u (client %u) TA %s command %u "
			      "value 0x%x, types 0x%04x, registered memrefs at "
			      "%zu%s", slot, vm->client_id, tas[ta].name, cmd,
			      value, types, offset,
			      close ? ", then close" : "");
	guest_select(vm);
	if (!c->ready) {
		res = TEEC_InitializeContext(NULL, &c->ctx);
		if (res) {
			fuzz_trace_result(in, "InitializeContext 0x%x", res);
			return;
		}
		c->ready = true;
	}
	if (!c->open[ta]) {
		res = TEEC_OpenSession(&c->ctx, &c->s[ta], &tas[ta].uuid,
				       TEEC_LOGIN_PUBLIC, NULL, NULL, &origin);
		if (res) {
			fuzz_trace_result(in, "OpenSession 0x%x origin %u", res,
					  origin);
			return;
		}
		c->open[ta] = true;
	}
	if (!temp && !c->registered && client_memrefs(types)) {
		c->shm.buffer = c->shm_buf;
		c->shm.size = sizeof(c->shm_buf);
		c->shm.flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT;
		res = TEEC_RegisterSharedMemory(&c->ctx, &c->shm);
		if (res) {
			fuzz_trace_result(in, "RegisterSharedMemory 0x%x", res);
			return;
		}
		c->registered = true;
	}
	memset(&op, 0, sizeof(op));
	if (!temp && client_memrefs(types)) {
		/* The same bytes as a temporary one, where the memrefs lie. */
		memset(c->shm_buf, 0, sizeof(c->shm_buf));
		memcpy(c->shm_buf + offset, bufs[0], sizeof(bufs[0]) - offset);
	}
	for (n = 0; n < 4; n++) {
		uint32_t t = (types >> (4 * n)) & 0xf;
		TEEC_Parameter *p = &op.params[n];

		if (t >= TEEC_MEMREF_TEMP_INPUT && temp) {
			p->tmpref.buffer = bufs[n];
			p->tmpref.size = size;
		} else if (t >= TEEC_MEMREF_TEMP_INPUT) {
			/* TEMP_x + 8 is PARTIAL_x. */
			t += TEEC_MEMREF_PARTIAL_INPUT - TEEC_MEMREF_TEMP_INPUT;
			p->memref.parent = &c->shm;
			p->memref.offset = offset;
			p->memref.size = size;
		} else if (t) {
			p->value.a = (value >> 24) & 3;
			p->value.b = value >> 26;
		}
		op.paramTypes |= t << (4 * n);
	}
	res = TEEC_InvokeCommand(&c->s[ta], cmd, &op, &origin);
	/* The values the TA gave back, for the timeline. */
	for (n = 0; n < 4 && sim_trace_on(); n++) {
		uint32_t t = (types >> (4 * n)) & 0xf;
		size_t used = strlen(outs);

		if (t == TEEC_VALUE_OUTPUT || t == TEEC_VALUE_INOUT)
			snprintf(outs + used, sizeof(outs) - used,
				 ", value %u: %u/%u", n,
				 (unsigned int)op.params[n].value.a,
				 (unsigned int)op.params[n].value.b);
	}
	/* A dead TA's session is good for nothing but closing. */
	if (close || res == TEEC_ERROR_TARGET_DEAD) {
		TEEC_CloseSession(&c->s[ta]);
		c->open[ta] = false;
	}
	fuzz_trace_result(in, "InvokeCommand 0x%x origin %u%s%s", res, origin,
			  outs, c->open[ta] ? ", session kept" :
					      ", session closed");
}

unsigned int fuzz_guest_run(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { .data = data, .size = size };
	struct fuzz_canary canary;
	unsigned int reaching = 0;	/* operations but MEMORY, ARG, FAIL */
	size_t n = 0;

	fuzz_profile(NULL);
	fuzz_setup_begin();
	fuzz_reset_with_hyp();
	memset(vms, 0, sizeof(vms));
	memset(clients, 0, sizeof(clients));
	fuzz_canary_start(&canary, false);
	fuzz_setup_end();
	fuzz_profile("set-up");
	while (fuzz_next_op(&in, MAX_OPS)) {
		uint64_t regs[8] = { 0 };
		uint8_t op = fuzz_u8(&in);
		unsigned int slot = 0;

		if (op >= 0xf8) {
			fuzz_arm_failure(&in);
			fuzz_profile("FAIL");
			continue;
		}

		switch (op & 7) {
		case 0:
			create(&in);
			break;
		case 1:
			slot = slot_at(&in);
			fuzz_trace_op(&in, "DESTROY slot %u (client %u)%s", slot,
				      client_of(slot),
				      vms[slot] ? "" : ": no VM, skipped");
			destroy((uint8_t)slot);
			break;
		case 2:
			slot = slot_at(&in);
			regs[0] = guest_ids[fuzz_u8(&in) % (sizeof(guest_ids) /
						       sizeof(guest_ids[0]))];
			for (n = 1; n < 7; n++)
				regs[n] = fuzz_u32(&in);
			smc(&in, slot, regs);
			break;
		case 3:
			memory(&in);
			break;
		case 4:
			message(&in);
			break;
		case 5:
			client(&in);
			break;
		case 6:
			slot = slot_at(&in);
			if (vms[slot]) {
				uint64_t ipa = ipa_of(vms[slot], fuzz_u16(&in));

				regs[0] = SMC_CALL_WITH_ARG;
				regs[1] = ipa >> 32;
				regs[2] = (uint32_t)ipa;
			}
			smc(&in, slot, regs);
			break;
		default:
			slot = slot_at(&in);
			regs[0] = SMC_RETURN_FROM_RPC;
			regs[3] = fuzz_u8(&in) % 4;
			regs[1] = fuzz_u32(&in);
			regs[2] = fuzz_u32(&in);
			regs[4] = fuzz_u32(&in);
			regs[5] = fuzz_u32(&in);
			smc(&in, slot, regs);
			break;
		}
		/*
		 * Only what may reach the secure world can move a reference,
		 * or change what the canary's next call meets: MEMORY and ARG
		 * write the guest's own RAM, which no call reads meanwhile.
		 */
		fuzz_profile(op_names[op & 7]);
		if ((op & 7) == 3 || (op & 7) == 4)
			continue;
		fuzz_check_refcounts();
		fuzz_profile("refcount check");
		/* Whatever the input did, the canary's calls are unchanged. */
		if (++reaching % CANARY_EVERY == 0) {
			fuzz_canary_step(&canary);
			fuzz_profile("canary");
		}
	}
	fuzz_trace_end(&in);
	fuzz_check_refcounts();
	fuzz_setup_begin();
	fuzz_canary_step(&canary);
	fuzz_canary_end(&canary);
	fuzz_setup_end();
	fuzz_profile("canary's end");
	/* Every VM goes, as a careful hypervisor makes it go. */
	for (n = 0; n < FUZZ_VMS; n++)
		destroy((uint8_t)n);
	fuzz_profile("VMs destroyed");
	fuzz_check_hyp_end();
	fuzz_check_end();
	fuzz_profile("end checks");
	return in.ops;
}
