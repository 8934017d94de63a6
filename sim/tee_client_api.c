// SPDX-License-Identifier: BSD-2-Clause
/*
 * The GP TEE Client API over a simulated VM's OP-TEE driver, behaving as
 * OP-TEE's libteec does (GP_API.md §1.7).
 *
 * Memory the client shares lives in the client's own buffers; what the TEE
 * sees are pages of the VM's RAM, registered with it. Around each call the
 * bytes a memref covers are copied in (input) and back (output) — libteec's
 * shadow-buffer path, which it takes whenever a buffer cannot be
 * registered in place. For a client the effect is the same: calls are
 * synchronous.
 */

#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include <sim/catalog.h>
#include <sim/guest.h>
#include <sim/hyp.h>
#include <sim/optee_abi.h>
#include <tee_client_api.h>

/* Size a shared buffer of 0 bytes really gets (libteec's). */
#define ZERO_SIZE_ALLOC	8

/* The context's VM, if that very VM still exists and runs. */
static struct vm *ctx_vm(const TEEC_Context *ctx)
{
	struct vm *vm = ctx ? hyp_vm_by_client_id(ctx->imp.client_id) : NULL;

	if (!vm || vm->generation != ctx->imp.vm_generation || !vm->running ||
	    !vm->drv)
		return NULL;
	return vm;
}

TEEC_Result TEEC_InitializeContext(const char *name, TEEC_Context *context)
{
	struct vm *vm = guest_selected();
	char err[128];

	if (!context)
		return TEEC_ERROR_BAD_PARAMETERS;
	if (name && strcmp(name, "optee-tz"))
		return TEEC_ERROR_ITEM_NOT_FOUND;
	/*
	 * No VM, or no OP-TEE behind it: no TEE device to open. The guest's
	 * driver probes once; later contexts (other processes, other vCPUs)
	 * share it, as they share /dev/tee0.
	 */
	if (!vm || !vm->running ||
	    (!vm->drv && guest_drv_probe(vm, err, sizeof(err))))
		return TEEC_ERROR_ITEM_NOT_FOUND;
	memset(context, 0, sizeof(*context));
	context->imp.client_id = vm->client_id;
	context->imp.vm_generation = vm->generation;
	context->imp.reg_mem = true;
	context->imp.memref_null = vm->drv->memref_null;
	return TEEC_SUCCESS;
}

void TEEC_FinalizeContext(TEEC_Context *context)
{
	if (context)
		context->imp.client_id = 0;
}

static bool flags_ok(uint32_t flags)
{
	return flags && !(flags & ~(uint32_t)(TEEC_MEM_INPUT | TEEC_MEM_OUTPUT));
}

static TEEC_Result share(TEEC_Context *ctx, TEEC_SharedMemory *sm,
			 bool allocate)
{
	struct vm *vm = ctx_vm(ctx);
	size_t size = 0;
	uint32_t origin = 0;

	if (!ctx || !sm || !flags_ok(sm->flags))
		return TEEC_ERROR_BAD_PARAMETERS;
	if (!allocate && !sm->buffer)
		return TEEC_ERROR_BAD_PARAMETERS;
	if (!vm)
		return TEEC_ERROR_COMMUNICATION;
	size = sm->size ? sm->size : ZERO_SIZE_ALLOC;
	sm->imp.shm = guest_shm_alloc(vm, size);
	if (!sm->imp.shm)
		return TEEC_ERROR_OUT_OF_MEMORY;
	if (guest_shm_register(vm, sm->imp.shm, &origin)) {
		guest_shm_free(vm, sm->imp.shm);
		sm->imp.shm = NULL;
		return TEEC_ERROR_OUT_OF_MEMORY;
	}
	if (allocate) {
		void *buf = NULL;

		if (posix_memalign(&buf, 4096, size)) {
			guest_shm_free(vm, sm->imp.shm);
			sm->imp.shm = NULL;
			return TEEC_ERROR_OUT_OF_MEMORY;
		}
		memset(buf, 0, size);
		sm->buffer = buf;
	}
	sm->imp.id = (int)(sm->imp.shm->cookie & 0x7fffffff);
	sm->imp.alloced_size = size;
	sm->imp.ctx = ctx;
	sm->imp.allocated = allocate;
	return TEEC_SUCCESS;
}

TEEC_Result TEEC_RegisterSharedMemory(TEEC_Context *context,
				      TEEC_SharedMemory *sharedMem)
{
	return share(context, sharedMem, false);
}

TEEC_Result TEEC_AllocateSharedMemory(TEEC_Context *context,
				      TEEC_SharedMemory *sharedMem)
{
	return share(context, sharedMem, true);
}

void TEEC_ReleaseSharedMemory(TEEC_SharedMemory *sm)
{
	struct vm *vm = NULL;

	if (!sm || sm->imp.id == -1 || !sm->imp.shm)
		return;
	vm = ctx_vm(sm->imp.ctx);
	if (vm)
		guest_shm_free(vm, sm->imp.shm);
	if (sm->imp.allocated)
		free(sm->buffer);
	sm->buffer = NULL;
	sm->imp.shm = NULL;
	sm->imp.id = -1;
}

/* ---- operations ---- */

struct prepared {
	struct drv_param p[4];
	struct drv_shm *temp[4];	/* temporary registrations */
	size_t orig_size[4];
};

/* Direction of a memref from its TEEC type (and parent's flags). */
static uint32_t drv_type(uint32_t type, const TEEC_SharedMemory *parent)
{
	switch (type) {
	case TEEC_MEMREF_TEMP_INPUT:
	case TEEC_MEMREF_PARTIAL_INPUT:
		return DRV_PARAM_MEMREF_INPUT;
	case TEEC_MEMREF_TEMP_OUTPUT:
	case TEEC_MEMREF_PARTIAL_OUTPUT:
		return DRV_PARAM_MEMREF_OUTPUT;
	case TEEC_MEMREF_TEMP_INOUT:
	case TEEC_MEMREF_PARTIAL_INOUT:
		return DRV_PARAM_MEMREF_INOUT;
	case TEEC_MEMREF_WHOLE:
		if ((parent->flags & TEEC_MEM_INPUT) &&
		    (parent->flags & TEEC_MEM_OUTPUT))
			return DRV_PARAM_MEMREF_INOUT;
		return parent->flags & TEEC_MEM_INPUT ? DRV_PARAM_MEMREF_INPUT :
							DRV_PARAM_MEMREF_OUTPUT;
	default:
		return DRV_PARAM_NONE;
	}
}

static void release_prepared(struct vm *vm, struct prepared *pr)
{
	size_t n = 0;

	for (n = 0; n < 4; n++)
		if (pr->temp[n])
			guest_shm_free(vm, pr->temp[n]);
}

static TEEC_Result prepare_temp(struct vm *vm, const TEEC_Context *ctx,
				TEEC_Parameter *param, uint32_t type, size_t n,
				struct prepared *pr)
{
	TEEC_TempMemoryReference *t = &param->tmpref;
	uint32_t origin = 0;
	size_t size = t->size ? t->size : ZERO_SIZE_ALLOC;

	pr->p[n].type = drv_type(type, NULL);
	if (!t->buffer) {
		if (t->size)
			return TEEC_ERROR_BAD_PARAMETERS;
		if (ctx->imp.memref_null)
			return TEEC_SUCCESS;	/* a NULL memref */
	}
	pr->temp[n] = guest_shm_alloc(vm, size);
	if (!pr->temp[n])
		return TEEC_ERROR_OUT_OF_MEMORY;
	if (guest_shm_register(vm, pr->temp[n], &origin))
		return TEEC_ERROR_OUT_OF_MEMORY;
	if (t->buffer && t->size && type != TEEC_MEMREF_TEMP_OUTPUT)
		hyp_vm_write(vm, ipa_init(pr->temp[n]->ipa), t->buffer, t->size);
	pr->p[n].shm = pr->temp[n];
	pr->p[n].size = t->size;
	pr->orig_size[n] = t->size;
	return TEEC_SUCCESS;
}

static TEEC_Result prepare_registered(struct vm *vm, TEEC_Parameter *param,
				      uint32_t type, size_t n,
				      struct prepared *pr)
{
	TEEC_RegisteredMemoryReference *r = &param->memref;
	const TEEC_SharedMemory *parent = r->parent;
	uint32_t need = 0;
	size_t offset = 0;
	size_t size = 0;
	size_t end = 0;

	if (!parent || parent->imp.id == -1 || !parent->imp.shm)
		return TEEC_ERROR_BAD_PARAMETERS;
	if (type == TEEC_MEMREF_WHOLE) {
		if (!flags_ok(parent->flags))
			return TEEC_ERROR_BAD_PARAMETERS;
		size = parent->size;
	} else {
		need = type == TEEC_MEMREF_PARTIAL_INPUT ? TEEC_MEM_INPUT :
		       type == TEEC_MEMREF_PARTIAL_OUTPUT ? TEEC_MEM_OUTPUT :
		       TEEC_MEM_INPUT | TEEC_MEM_OUTPUT;
		if ((parent->flags & need) != need)
			return TEEC_ERROR_BAD_PARAMETERS;
		offset = r->offset;
		size = r->size;
		if (__builtin_add_overflow(offset, size, &end) ||
		    end > parent->size)
			return TEEC_ERROR_BAD_PARAMETERS;
	}
	pr->p[n].type = drv_type(type, parent);
	pr->p[n].shm = parent->imp.shm;
	pr->p[n].offs = offset;
	pr->p[n].size = size;
	pr->orig_size[n] = size;
	/* The bytes the TEE may read: from the client's buffer, now. */
	if (size && pr->p[n].type != DRV_PARAM_MEMREF_OUTPUT)
		hyp_vm_write(vm, ipa_init(parent->imp.shm->ipa + offset),
			     (uint8_t *)parent->buffer + offset, size);
	return TEEC_SUCCESS;
}

static TEEC_Result prepare(struct vm *vm, const TEEC_Context *ctx,
			   TEEC_Operation *op, struct prepared *pr)
{
	TEEC_Result res = TEEC_SUCCESS;
	size_t n = 0;

	memset(pr, 0, sizeof(*pr));
	if (!op)
		return TEEC_SUCCESS;
	for (n = 0; n < 4 && !res; n++) {
		uint32_t type = TEEC_PARAM_TYPE_GET(op->paramTypes, n);
		TEEC_Parameter *param = &op->params[n];

		switch (type) {
		case TEEC_NONE:
			break;
		case TEEC_VALUE_INPUT:
		case TEEC_VALUE_OUTPUT:
		case TEEC_VALUE_INOUT:
			pr->p[n].type = type;
			pr->p[n].a = param->value.a;
			pr->p[n].b = param->value.b;
			break;
		case TEEC_MEMREF_TEMP_INPUT:
		case TEEC_MEMREF_TEMP_OUTPUT:
		case TEEC_MEMREF_TEMP_INOUT:
			res = prepare_temp(vm, ctx, param, type, n, pr);
			break;
		case TEEC_MEMREF_WHOLE:
		case TEEC_MEMREF_PARTIAL_INPUT:
		case TEEC_MEMREF_PARTIAL_OUTPUT:
		case TEEC_MEMREF_PARTIAL_INOUT:
			res = prepare_registered(vm, param, type, n, pr);
			break;
		default:
			res = TEEC_ERROR_BAD_PARAMETERS;
			break;
		}
	}
	return res;
}

/* Values and sizes back to the client, and the bytes the TEE wrote. */
static void finish(struct vm *vm, TEEC_Operation *op, struct prepared *pr)
{
	size_t n = 0;

	if (!op)
		return;
	for (n = 0; n < 4; n++) {
		uint32_t type = TEEC_PARAM_TYPE_GET(op->paramTypes, n);
		TEEC_Parameter *param = &op->params[n];
		const struct drv_param *p = &pr->p[n];
		size_t got = (size_t)p->size;

		switch (type) {
		case TEEC_VALUE_OUTPUT:
		case TEEC_VALUE_INOUT:
			param->value.a = (uint32_t)p->a;
			param->value.b = (uint32_t)p->b;
			break;
		case TEEC_MEMREF_TEMP_OUTPUT:
		case TEEC_MEMREF_TEMP_INOUT:
			if (p->shm && param->tmpref.buffer)
				hyp_vm_read(vm, ipa_init(p->shm->ipa),
					    param->tmpref.buffer,
					    got < pr->orig_size[n] ? got :
								     pr->orig_size[n]);
			param->tmpref.size = got;
			break;
		case TEEC_MEMREF_WHOLE:
			if (!(param->memref.parent->flags & TEEC_MEM_OUTPUT))
				break;
			if (got <= param->memref.parent->size)
				hyp_vm_read(vm, ipa_init(p->shm->ipa),
					    param->memref.parent->buffer, got);
			param->memref.size = got;
			break;
		case TEEC_MEMREF_PARTIAL_OUTPUT:
		case TEEC_MEMREF_PARTIAL_INOUT:
			if (got <= param->memref.size)
				hyp_vm_read(vm, ipa_init(p->shm->ipa +
							 param->memref.offset),
					    (uint8_t *)param->memref.parent->buffer +
					    param->memref.offset, got);
			param->memref.size = got;
			break;
		default:
			break;
		}
	}
}

static void set_origin(uint32_t *returnOrigin, uint32_t origin)
{
	if (returnOrigin)
		*returnOrigin = origin;
}

TEEC_Result TEEC_OpenSession(TEEC_Context *context, TEEC_Session *session,
			     const TEEC_UUID *destination,
			     uint32_t connectionMethod,
			     const void *connectionData,
			     TEEC_Operation *operation, uint32_t *returnOrigin)
{
	struct vm *vm = ctx_vm(context);
	struct prepared pr;
	uint8_t uuid[16];
	uint8_t client[16] = { 0 };
	uint32_t origin = TEEC_ORIGIN_API;
	uint32_t id = 0;
	TEEC_Result res = TEEC_SUCCESS;

	(void)connectionData;
	set_origin(returnOrigin, TEEC_ORIGIN_API);
	if (!context || !session || !destination)
		return TEEC_ERROR_BAD_PARAMETERS;
	if (!vm) {
		set_origin(returnOrigin, TEEC_ORIGIN_COMMS);
		return TEEC_ERROR_COMMUNICATION;
	}
	/*
	 * A simulated guest has no user or application identity to derive a
	 * client UUID from: as the mainline driver does for APPLICATION
	 * logins, those are refused by the "kernel".
	 */
	if (connectionMethod != TEEC_LOGIN_PUBLIC) {
		set_origin(returnOrigin, TEEC_ORIGIN_COMMS);
		return TEEC_ERROR_BAD_PARAMETERS;
	}
	res = prepare(vm, context, operation, &pr);
	if (res) {
		release_prepared(vm, &pr);
		return res;
	}
	catalog_uuid_octets(destination, uuid);
	res = guest_open_session(vm, uuid, connectionMethod, client, pr.p, &id,
				 &origin);
	if (origin != TEEC_ORIGIN_COMMS)
		finish(vm, operation, &pr);
	release_prepared(vm, &pr);
	set_origin(returnOrigin, origin);
	if (!res) {
		session->imp.ctx = context;
		session->imp.session_id = id;
	}
	return res;
}

TEEC_Result TEEC_InvokeCommand(TEEC_Session *session, uint32_t commandID,
			       TEEC_Operation *operation,
			       uint32_t *returnOrigin)
{
	struct vm *vm = NULL;
	struct prepared pr;
	uint32_t origin = TEEC_ORIGIN_API;
	TEEC_Result res = TEEC_SUCCESS;

	set_origin(returnOrigin, TEEC_ORIGIN_API);
	if (!session)
		return TEEC_ERROR_BAD_PARAMETERS;
	vm = ctx_vm(session->imp.ctx);
	if (!vm) {
		set_origin(returnOrigin, TEEC_ORIGIN_COMMS);
		return TEEC_ERROR_COMMUNICATION;
	}
	if (operation)
		operation->imp.session = session;
	res = prepare(vm, session->imp.ctx, operation, &pr);
	if (res) {
		release_prepared(vm, &pr);
		return res;
	}
	res = guest_invoke(vm, session->imp.session_id, commandID, pr.p,
			   &origin);
	if (origin != TEEC_ORIGIN_COMMS)
		finish(vm, operation, &pr);
	release_prepared(vm, &pr);
	set_origin(returnOrigin, origin);
	return res;
}

void TEEC_CloseSession(TEEC_Session *session)
{
	struct vm *vm = session ? ctx_vm(session->imp.ctx) : NULL;

	if (vm)
		guest_close_session(vm, session->imp.session_id);
}

void TEEC_RequestCancellation(TEEC_Operation *operation)
{
	TEEC_Session *s = operation ? operation->imp.session : NULL;
	struct vm *vm = s ? ctx_vm(s->imp.ctx) : NULL;

	if (vm)
		guest_cancel(vm, s->imp.session_id, 0);
}
