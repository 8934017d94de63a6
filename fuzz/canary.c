// SPDX-License-Identifier: BSD-2-Clause
/* The canary VM of the fuzz targets (see canary.h). */

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <nexsim/ta_ids.h>
#include <sim/catalog.h>
#include <sim/guest.h>
#include <sim/optee_abi.h>
#include <sim/trace.h>

#include "canary.h"
#include "fuzz_common.h"

#define CANARY_RAM	(128u * 1024u)

/*
 * NEXSIM_FUZZ_CANARY=0 leaves the canary out: faster inputs, one oracle
 * fewer (fuzz/README.md has the figures).
 */
bool fuzz_canary_wanted(void)
{
	static int wanted = -1;

	if (wanted < 0) {
		const char *v = getenv("NEXSIM_FUZZ_CANARY");

		wanted = !v || strcmp(v, "0");
	}
	return wanted;
}

static const TEEC_UUID hello_uuid = TA_HELLO_WORLD_UUID;
static const TEEC_UUID storage_uuid = TA_STORAGE_UUID;

static void open_session(struct fuzz_canary *c, TEEC_Session *s,
			 const TEEC_UUID *uuid, const char *name)
{
	uint32_t origin = 0;
	TEEC_Result res = TEEC_OpenSession(&c->ctx, s, uuid, TEEC_LOGIN_PUBLIC,
					   NULL, NULL, &origin);

	if (res)
		fuzz_fail("canary: opening a session to %s gave 0x%x origin %u",
			  name, (unsigned int)res, (unsigned int)origin);
}

void fuzz_canary_start(struct fuzz_canary *c, bool interleaved)
{
	char err[128] = "";

	memset(c, 0, sizeof(*c));
	c->interleaved = interleaved;
	if (!fuzz_canary_wanted())
		return;
	fuzz_coverage_pause();
	c->vm = hyp_vm_create(CANARY_RAM, err, sizeof(err));
	if (!c->vm || guest_drv_probe(c->vm, err, sizeof(err)))
		fuzz_fail("canary: no VM: %s", err);
	fuzz_spare_guest((int)c->vm->client_id);
	c->vm->in_call++;
	guest_select(c->vm);
	if (TEEC_InitializeContext(NULL, &c->ctx))
		fuzz_fail("canary: no context");
	open_session(c, &c->hello, &hello_uuid, "hello world");
	/*
	 * Interleaved (fuzz_sched), its steps always reach a COUNT, and an
	 * open among them would take scheduling choices from the input's:
	 * the storage session opens now, with the other.
	 */
	if (interleaved) {
		open_session(c, &c->storage, &storage_uuid, "storage");
		c->storage_open = true;
	}
	c->vm->in_call--;
	fuzz_coverage_resume();
	c->value = 1000;
	sim_trace("input canary: client %u, %s open",
		  (unsigned int)c->vm->client_id,
		  c->storage_open ? "sessions" : "hello world session");
}

static void step_hello(struct fuzz_canary *c)
{
	TEEC_Operation op;
	uint32_t origin = 0;
	TEEC_Result res = 0;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].value.a = c->value;
	res = TEEC_InvokeCommand(&c->hello, TA_HELLO_WORLD_CMD_INC_VALUE, &op,
				 &origin);
	if (res || op.params[0].value.a != c->value + 1)
		fuzz_fail("canary: INC_VALUE of %u gave 0x%x origin %u, value "
			  "%u (step %u)", (unsigned int)c->value,
			  (unsigned int)res, (unsigned int)origin,
			  (unsigned int)op.params[0].value.a, c->steps);
	c->value++;
}

static void step_count(struct fuzz_canary *c)
{
	static char id[] = "canary";
	TEEC_Operation op;
	uint32_t origin = 0;
	TEEC_Result res = 0;

	/*
	 * Between operations (fuzz_guest), the storage session opens at the
	 * first count: most inputs end before it (one every 4 * CANARY_EVERY
	 * operations), and would pay its OPEN_SESSION for nothing.
	 */
	if (!c->storage_open) {
		open_session(c, &c->storage, &storage_uuid, "storage");
		c->storage_open = true;
	}
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT,
					 TEEC_VALUE_OUTPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].tmpref.buffer = id;
	op.params[0].tmpref.size = sizeof(id) - 1;
	res = TEEC_InvokeCommand(&c->storage, TA_STORAGE_CMD_COUNT, &op,
				 &origin);
	if (res || op.params[1].value.a != c->count + 1)
		fuzz_fail("canary: COUNT after %u gave 0x%x origin %u, count "
			  "%u (step %u)", (unsigned int)c->count,
			  (unsigned int)res, (unsigned int)origin,
			  (unsigned int)op.params[1].value.a, c->steps);
	c->count++;
}

void fuzz_canary_step(struct fuzz_canary *c)
{
	if (!c->vm)
		return;
	/*
	 * Interleaved with the input's vCPUs, the counters then also hold
	 * what the input does meanwhile: they stay.
	 */
	if (!c->interleaved)
		fuzz_coverage_pause();
	/* The guest OS keeps its VM busy while a call is in progress. */
	c->vm->in_call++;
	if (c->steps % 4 == 3)
		step_count(c);
	else
		step_hello(c);
	c->vm->in_call--;
	if (!c->interleaved)
		fuzz_coverage_resume();
	c->steps++;
}

void fuzz_canary_end(struct fuzz_canary *c)
{
	if (!c->vm)
		return;
	sim_trace("input canary: %u calls, every one as expected", c->steps);
	/*
	 * Its VM goes with its sessions open, as a VM that dies leaves
	 * them: the secure world frees them with its partition, and the
	 * client side holds nothing but their IDs. The last step showed
	 * them intact; closing them would cost every input two std calls.
	 */
	fuzz_coverage_pause();
	TEEC_FinalizeContext(&c->ctx);
	hyp_vm_destroy(c->vm);
	fuzz_coverage_resume();
	c->vm = NULL;
}

/* ---- the raw canary of fuzz_smc_raw ---- */

/* The bytes of @m up to its last param: all a call reads or writes. */
static size_t msg_used(const struct msg_arg *m)
{
	return offsetof(struct msg_arg, params) +
	       m->num_params * sizeof(m->params[0]);
}

/* A zeroed header and @num_params zeroed params (the rest is not sent). */
static void msg_init(struct msg_arg *m, uint32_t cmd, uint32_t num_params)
{
	memset(m, 0, offsetof(struct msg_arg, params) +
		     num_params * sizeof(m->params[0]));
	m->cmd = cmd;
	m->num_params = num_params;
}

/*
 * Write @m at the canary's page, CALL_WITH_ARG, read @m back: it must be a
 * success, from @origin. The page beyond @m's params stays as it was.
 */
static void raw_call(struct fuzz_raw_canary *c, struct msg_arg *m,
		     const char *what, uint32_t origin)
{
	const size_t len = msg_used(m);
	struct shim_regs regs;

	fuzz_nsec_write(c->pa, m, len);
	memset(&regs, 0, sizeof(regs));
	regs.x[0] = SMC_CALL_WITH_ARG;
	regs.x[1] = c->pa >> 32;
	regs.x[2] = (uint32_t)c->pa;
	regs.x[7] = FUZZ_CANARY_ID;
	fuzz_coverage_pause();
	shim_smc(0, &regs);
	fuzz_coverage_resume();
	if (regs.x[0])
		fuzz_fail("canary: %s: the SMC gave a0 0x%llx (step %u)", what,
			  (unsigned long long)regs.x[0], c->steps);
	sim_phys_read(&fuzz_machine, c->pa, m, len);
	if (m->ret || m->ret_origin != origin)
		fuzz_fail("canary: %s gave 0x%x origin %u (step %u)", what,
			  (unsigned int)m->ret, (unsigned int)m->ret_origin,
			  c->steps);
}

/* The two words of a UUID in an open session's META param. */
static void uuid_words(const TEEC_UUID *u, uint64_t *a, uint64_t *b)
{
	uint8_t o[16];

	catalog_uuid_octets(u, o);
	memcpy(a, o, 8);
	memcpy(b, o + 8, 8);
}

void fuzz_raw_canary_start(struct fuzz_raw_canary *c, uint64_t pa)
{
	struct msg_arg m;

	memset(c, 0, sizeof(*c));
	if (!fuzz_canary_wanted())
		return;
	c->on = true;
	c->pa = pa;
	c->value = 2000;
	fuzz_coverage_pause();
	if (sim_vm_created(FUZZ_CANARY_ID))
		fuzz_fail("canary: VM_CREATED of %u refused", FUZZ_CANARY_ID);
	fuzz_coverage_resume();
	fuzz_spare_guest(FUZZ_CANARY_ID);
	msg_init(&m, MSG_CMD_OPEN_SESSION, 2);
	m.params[0].attr = MSG_ATTR_TYPE_VALUE_INPUT | MSG_ATTR_META;
	uuid_words(&hello_uuid, &m.params[0].u.value.a, &m.params[0].u.value.b);
	m.params[1].attr = MSG_ATTR_TYPE_VALUE_INPUT | MSG_ATTR_META;
	m.params[1].u.value.c = TEEC_LOGIN_PUBLIC;
	raw_call(c, &m, "OPEN_SESSION", TEEC_ORIGIN_TRUSTED_APP);
	c->session = m.session;
	sim_trace("input canary: guest %u, session %u open", FUZZ_CANARY_ID,
		  (unsigned int)c->session);
}

void fuzz_raw_canary_step(struct fuzz_raw_canary *c)
{
	struct msg_arg m;

	if (!c->on)
		return;
	msg_init(&m, MSG_CMD_INVOKE_COMMAND, 1);
	m.func = TA_HELLO_WORLD_CMD_INC_VALUE;
	m.session = c->session;
	m.params[0].attr = MSG_ATTR_TYPE_VALUE_INOUT;
	m.params[0].u.value.a = c->value;
	raw_call(c, &m, "INVOKE_COMMAND", TEEC_ORIGIN_TRUSTED_APP);
	if (m.params[0].u.value.a != c->value + 1u)
		fuzz_fail("canary: INC_VALUE of %u gave %llu (step %u)",
			  (unsigned int)c->value,
			  (unsigned long long)m.params[0].u.value.a, c->steps);
	c->value++;
	c->steps++;
}

void fuzz_raw_canary_end(struct fuzz_raw_canary *c)
{
	if (!c->on)
		return;
	sim_trace("input canary: %u calls, every one as expected", c->steps);
	/*
	 * Gone before the input's guests, and as quietly as it came, with
	 * its session still open, as a VM that dies leaves it: the session,
	 * its TA instance and their memory are all in the guest's partition,
	 * which goes whole (no TA entry point runs). The last INVOKE_COMMAND
	 * showed the session intact; a CLOSE_SESSION as well would cost
	 * every input one more std call.
	 */
	fuzz_coverage_pause();
	if (sim_vm_destroyed(FUZZ_CANARY_ID))
		fuzz_fail("canary: VM_DESTROYED of %u refused", FUZZ_CANARY_ID);
	fuzz_coverage_resume();
}

void fuzz_raw_canary_spare(uint32_t r[8])
{
	if (r[7] == FUZZ_CANARY_ID)
		r[7] ^= 0x100;
	if ((r[0] == SMC_VM_CREATED || r[0] == SMC_VM_DESTROYED) &&
	    r[1] == FUZZ_CANARY_ID)
		r[1] ^= 0x100;
}
