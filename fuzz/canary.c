// SPDX-License-Identifier: BSD-2-Clause
/* The canary VM of the fuzz targets (see canary.h). */

#include <string.h>

#include <nexsim/ta_ids.h>
#include <sim/guest.h>
#include <sim/trace.h>

#include "canary.h"
#include "fuzz_common.h"

#define CANARY_RAM	(128u * 1024u)

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

void fuzz_canary_start(struct fuzz_canary *c)
{
	char err[128] = "";

	memset(c, 0, sizeof(*c));
	c->vm = hyp_vm_create(CANARY_RAM, err, sizeof(err));
	if (!c->vm || guest_drv_probe(c->vm, err, sizeof(err)))
		fuzz_fail("canary: no VM: %s", err);
	fuzz_spare_guest((int)c->vm->client_id);
	c->vm->in_call++;
	guest_select(c->vm);
	if (TEEC_InitializeContext(NULL, &c->ctx))
		fuzz_fail("canary: no context");
	open_session(c, &c->hello, &hello_uuid, "hello world");
	open_session(c, &c->storage, &storage_uuid, "storage");
	c->vm->in_call--;
	c->value = 1000;
	sim_trace("input canary: client %u, sessions open",
		  (unsigned int)c->vm->client_id);
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
	/* The guest OS keeps its VM busy while a call is in progress. */
	c->vm->in_call++;
	if (c->steps % 4 == 3)
		step_count(c);
	else
		step_hello(c);
	c->vm->in_call--;
	c->steps++;
}

void fuzz_canary_end(struct fuzz_canary *c)
{
	c->vm->in_call++;
	TEEC_CloseSession(&c->hello);
	TEEC_CloseSession(&c->storage);
	TEEC_FinalizeContext(&c->ctx);
	c->vm->in_call--;
	sim_trace("input canary: %u calls, every one as expected", c->steps);
	hyp_vm_destroy(c->vm);
	c->vm = NULL;
}
