// SPDX-License-Identifier: BSD-2-Clause
/*
 * The guest's OP-TEE driver (see guest.h). Everything it sends goes
 * through its VM's SMC trap: the hypervisor and its mediator see exactly
 * what a Linux guest would send.
 */

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sim/guest.h>
#include <sim/optee_abi.h>
#include <sim/supplicant.h>
#include <sim/trace.h>

static struct vm *selected;

void guest_select(struct vm *vm)
{
	selected = vm;
}

struct vm *guest_selected(void)
{
	return selected;
}

static void smc(struct vm *vm, uint64_t regs[8])
{
	hyp_vm_smc(vm, regs);
}

/* ---- RPCs: what the TEE asks of the guest in the middle of a call ---- */

static struct drv_shm **find_rpc_arg(struct guest_drv *d, uint64_t cookie)
{
	struct drv_shm **pp = &d->rpc_args;

	while (*pp && (*pp)->cookie != cookie)
		pp = &(*pp)->next;
	return *pp ? pp : NULL;
}

/* RPC_ALLOC: guest pages for the TEE's RPC argument. */
static void rpc_alloc(struct vm *vm, uint64_t size, uint64_t out[8])
{
	struct guest_drv *d = vm->drv;
	struct drv_shm *s = calloc(1, sizeof(*s));

	if (!s)
		return;
	s->pages = size / HYP_PAGE + (size % HYP_PAGE != 0);
	s->size = size;
	s->ipa = s->pages ? guest_pages_alloc(vm, s->pages) : 0;
	if (!s->ipa) {
		free(s);
		return;
	}
	s->cookie = d->next_cookie++;
	s->next = d->rpc_args;
	d->rpc_args = s;
	out[1] = s->ipa >> 32;
	out[2] = (uint32_t)s->ipa;
	out[4] = s->cookie >> 32;
	out[5] = (uint32_t)s->cookie;
}

static void rpc_free(struct vm *vm, uint64_t cookie)
{
	struct drv_shm **pp = find_rpc_arg(vm->drv, cookie);
	struct drv_shm *s = pp ? *pp : NULL;

	if (!s)
		return;
	*pp = s->next;
	guest_pages_free(vm, s->ipa, s->pages);
	free(s);
}

static void rpc_cmd(struct vm *vm, uint64_t cookie)
{
	struct drv_shm **pp = find_rpc_arg(vm->drv, cookie);

	/* One page, as allocated: the whole argument is in it. */
	if (!pp || (*pp)->pages != 1)
		return;
	supp_handle(vm, vm->drv->supp, hyp_ipa_ptr(vm, ipa_init((*pp)->ipa)));
}

/* Answer the RPC in @regs; @regs becomes the RETURN_FROM_RPC. */
static void answer_rpc(struct vm *vm, uint64_t regs[8])
{
	uint64_t out[8] = { SMC_RETURN_FROM_RPC };
	uint64_t cookie = (regs[1] << 32) | (uint32_t)regs[2];

	/* a3 names the thread; it goes back as it came. */
	out[3] = regs[3];
	switch ((uint32_t)regs[0]) {
	case SMC_RPC_ALLOC:
		rpc_alloc(vm, (uint32_t)regs[1], out);
		break;
	case SMC_RPC_FREE:
		rpc_free(vm, cookie);
		break;
	case SMC_RPC_CMD:
		rpc_cmd(vm, cookie);
		break;
	default:
		/* FOREIGN_INTR: the guest kernel took its interrupt. */
		break;
	}
	vm->drv->rpcs++;
	memcpy(regs, out, sizeof(out));
}

/* A std SMC, and every RPC it makes, until the call completes. */
static void std_smc(struct vm *vm, uint64_t regs[8])
{
	smc(vm, regs);
	while (SMC_IS_RPC(regs[0]) && vm->drv) {
		answer_rpc(vm, regs);
		smc(vm, regs);
	}
}

static uint64_t fast(struct vm *vm, uint32_t fid, uint32_t a1, uint64_t *out)
{
	uint64_t regs[8] = { fid, a1 };

	smc(vm, regs);
	if (out)
		memcpy(out, regs, sizeof(regs));
	return regs[0];
}

int guest_drv_probe(struct vm *vm, char *err, size_t err_size)
{
	struct guest_drv *d = NULL;
	uint64_t regs[8];

	if (vm->drv)
		return 0;
	/* Is it OP-TEE, with a message protocol we speak? */
	if (fast(vm, SMC_CALLS_UID, 0, regs) != SMC_MSG_UID_0) {
		snprintf(err, err_size, "not an OP-TEE: wrong CALLS_UID");
		return -1;
	}
	if (fast(vm, SMC_CALLS_REVISION, 0, regs) != SMC_MSG_REVISION_MAJOR) {
		snprintf(err, err_size, "OP-TEE message revision %llu, not 2",
			 (unsigned long long)regs[0]);
		return -1;
	}
	if (fast(vm, SMC_EXCHANGE_CAPABILITIES, 0, regs) != SMC_RET_OK ||
	    !(regs[1] & SMC_CAP_DYNAMIC_SHM)) {
		snprintf(err, err_size, "the TEE offers no dynamic shared memory");
		return -1;
	}
	/* Another vCPU probed it while this one waited for its SMCs. */
	if (vm->drv)
		return 0;
	d = calloc(1, sizeof(*d));
	if (d) {
		d->page_used = calloc(vm->ram_pages ? vm->ram_pages : 1, 1);
		d->supp = supp_new();
	}
	if (!d || !d->page_used || !d->supp) {
		if (d) {
			free(d->page_used);
			free(d->supp);
		}
		free(d);
		snprintf(err, err_size, "out of host memory");
		return -1;
	}
	d->vm = vm;
	d->sec_caps = (uint32_t)regs[1];
	d->memref_null = regs[1] & SMC_CAP_MEMREF_NULL;
	d->next_cookie = 0x1000;
	vm->drv = d;
	/*
	 * As Linux's driver at probe: threads keep their RPC argument from
	 * call to call (a refusal, with calls in flight, only costs speed).
	 */
	fast(vm, SMC_ENABLE_SHM_CACHE, 0, NULL);
	return 0;
}

bool guest_drv_disable_shm_cache(struct vm *vm)
{
	uint64_t regs[8];
	uint64_t ret = 0;

	if (!vm->drv)
		return false;
	/* One cached argument back per call, until none is left. */
	while ((ret = fast(vm, SMC_DISABLE_SHM_CACHE, 0, regs)) ==
	       SMC_RET_OK)
		rpc_free(vm, (regs[1] << 32) | (uint32_t)regs[2]);
	return ret == SMC_RET_ENOTAVAIL;
}

void guest_drv_detach(struct vm *vm)
{
	struct guest_drv *d = vm->drv;

	if (!d)
		return;
	while (d->shms) {
		struct drv_shm *s = d->shms;

		d->shms = s->next;
		free(s);
	}
	while (d->rpc_args) {
		struct drv_shm *s = d->rpc_args;

		d->rpc_args = s->next;
		free(s);
	}
	supp_free(vm, d->supp);
	free(d->page_used);
	free(d);
	vm->drv = NULL;
	if (selected == vm)
		selected = NULL;
}

/* Free pages of the VM's RAM, zeroed if @zero; returns the first IPA. */
static uint64_t take_pages(struct vm *vm, size_t pages, bool zero)
{
	struct guest_drv *d = vm->drv;
	size_t n = 0;

	if (!d || !pages || pages > vm->ram_pages)
		return 0;
	/*
	 * First fit: contiguous in the guest's RAM, scattered in DRAM; a
	 * page the VM gave back to the hypervisor has no backing, skip it.
	 */
	for (n = 0; n + pages <= vm->ram_pages; n++) {
		size_t k = 0;

		while (k < pages && !d->page_used[n + k] &&
		       hyp_ipa_ptr(vm, ipa_init(HYP_VM_IPA_BASE +
						(n + k) * HYP_PAGE)))
			k++;
		if (k == pages) {
			memset(d->page_used + n, 1, pages);
			for (k = 0; zero && k < pages; k++)
				memset(hyp_ipa_ptr(vm, ipa_init(HYP_VM_IPA_BASE +
						(n + k) * HYP_PAGE)), 0, HYP_PAGE);
			return HYP_VM_IPA_BASE + n * HYP_PAGE;
		}
		n += k;
	}
	return 0;
}

uint64_t guest_pages_alloc(struct vm *vm, size_t pages)
{
	return take_pages(vm, pages, true);
}

void guest_pages_free(struct vm *vm, uint64_t ipa, size_t pages)
{
	size_t first = (ipa - HYP_VM_IPA_BASE) / HYP_PAGE;

	memset(vm->drv->page_used + first, 0, pages);
}

size_t guest_pages_in_use(const struct vm *vm)
{
	size_t n = 0;
	size_t used = 0;

	if (!vm->drv)
		return 0;
	for (n = 0; n < vm->ram_pages; n++)
		used += vm->drv->page_used[n];
	return used;
}

/* ---- one message ---- */

/*
 * Host-side message arguments given back, for the next calls to take:
 * one is a page-sized struct, which malloc() serves slowly. The vCPUs run
 * one at a time, and calls in flight hold one each.
 */
#define SPARE_ARGS	8
static struct msg_arg *spare_args[SPARE_ARGS];
static size_t spare_arg_count;

/*
 * A message argument for @cmd with @num_params params, in host memory:
 * its header and those params zeroed, as call() sends and reads back no
 * more (the rest of the page-sized struct is not touched).
 */
static struct msg_arg *arg_new(uint32_t cmd, uint32_t num_params)
{
	struct msg_arg *arg = spare_arg_count ? spare_args[--spare_arg_count] :
						malloc(sizeof(*arg));

	if (!arg)
		return NULL;
	memset(arg, 0, offsetof(struct msg_arg, params) +
		       num_params * sizeof(arg->params[0]));
	arg->cmd = cmd;
	arg->num_params = num_params;
	return arg;
}

static void arg_free(struct msg_arg *arg)
{
	if (arg && spare_arg_count < SPARE_ARGS)
		spare_args[spare_arg_count++] = arg;
	else
		free(arg);
}

/*
 * Send @arg (built in host memory) from a fresh guest page; the results
 * come back into @arg. Returns the SMC's a0. Only the header and the
 * params in use move, as a driver sizes its argument by its params.
 */
static uint64_t call(struct vm *vm, struct msg_arg *arg)
{
	size_t used = offsetof(struct msg_arg, params) +
		      (arg->num_params < MSG_MAX_NUM_PARAMS ?
		       arg->num_params : MSG_MAX_NUM_PARAMS) *
		      sizeof(arg->params[0]);
	uint64_t page = 0;
	uint64_t regs[8] = { 0 };

	/* A VM being destroyed starts no call. */
	if (vm->stopping)
		return SMC_RET_ENOTAVAIL;
	/*
	 * Not zeroed: Linux's driver clears only the argument's own bytes
	 * of its argument page (its header and params), and those are all
	 * written here. The rest holds what the page held before.
	 */
	page = take_pages(vm, 1, false);
	if (!page)
		return SMC_RET_ENOMEM;
	hyp_vm_write(vm, ipa_init(page), arg, used);
	regs[0] = SMC_CALL_WITH_ARG;
	regs[1] = page >> 32;
	regs[2] = (uint32_t)page;
	std_smc(vm, regs);
	hyp_vm_read(vm, ipa_init(page), arg, used);
	guest_pages_free(vm, page, 1);
	vm->drv->calls++;
	return regs[0];
}

static uint32_t result(uint64_t a0, const struct msg_arg *arg, uint32_t *origin)
{
	if (a0 != SMC_RET_OK) {
		*origin = MSG_ORIGIN_COMMS;
		return MSG_RES_COMMUNICATION;
	}
	*origin = arg->ret_origin;
	return arg->ret;
}

/* ---- shared memory ---- */

struct drv_shm *guest_shm_alloc(struct vm *vm, size_t size)
{
	struct drv_shm *s = calloc(1, sizeof(*s));
	/* Rounded up without overflow: SIZE_MAX is a lot of pages, not 0. */
	size_t pages = size / HYP_PAGE + (size % HYP_PAGE != 0);

	if (!s || !vm->drv)
		goto err;
	s->pages = pages ? pages : 1;
	s->size = size;
	s->ipa = guest_pages_alloc(vm, s->pages);
	if (!s->ipa)
		goto err;
	s->next = vm->drv->shms;
	vm->drv->shms = s;
	return s;
err:
	free(s);
	return NULL;
}

/* The page list of @shm, in fresh guest pages; returns its first IPA. */
uint64_t guest_shm_page_list(struct vm *vm, const struct drv_shm *shm,
			     size_t *list_pages)
{
	size_t lists = (shm->pages + MSG_LIST_ENTRIES - 1) / MSG_LIST_ENTRIES;
	uint64_t first = guest_pages_alloc(vm, lists);
	size_t n = 0;

	if (!first)
		return 0;
	for (n = 0; n < shm->pages; n++) {
		uint64_t *list = hyp_ipa_ptr(vm, ipa_init(first + (n / MSG_LIST_ENTRIES) *
							   HYP_PAGE));

		list[n % MSG_LIST_ENTRIES] = shm->ipa + n * HYP_PAGE;
		if (n % MSG_LIST_ENTRIES == MSG_LIST_ENTRIES - 1 &&
		    n + 1 < shm->pages)
			list[MSG_LIST_ENTRIES] = first + (n / MSG_LIST_ENTRIES + 1) *
						 HYP_PAGE;
	}
	*list_pages = lists;
	return first;
}

uint32_t guest_shm_register(struct vm *vm, struct drv_shm *shm,
			    uint32_t *origin)
{
	struct msg_arg *arg = arg_new(MSG_CMD_REGISTER_SHM, 1);
	size_t lists = 0;
	uint64_t list = guest_shm_page_list(vm, shm, &lists);
	uint32_t res = 0;

	if (!arg || !list) {
		arg_free(arg);
		if (list)
			guest_pages_free(vm, list, lists);
		*origin = MSG_ORIGIN_API;
		return MSG_RES_OUT_OF_MEMORY;
	}
	/* As Linux: TMEM_OUTPUT | NONCONTIG, the list, a fresh cookie. */
	shm->cookie = vm->drv->next_cookie++;
	arg->params[0].attr = MSG_ATTR_TYPE_TMEM_OUTPUT | MSG_ATTR_NONCONTIG;
	arg->params[0].u.tmem.buf_ptr = list;
	arg->params[0].u.tmem.size = shm->pages * HYP_PAGE;
	arg->params[0].u.tmem.shm_ref = shm->cookie;
	res = result(call(vm, arg), arg, origin);
	shm->registered = !res;
	guest_pages_free(vm, list, lists);
	arg_free(arg);
	return res;
}

static void shm_unregister(struct vm *vm, struct drv_shm *shm)
{
	struct msg_arg *arg = arg_new(MSG_CMD_UNREGISTER_SHM, 1);
	uint32_t origin = 0;

	if (!arg)
		return;
	arg->params[0].attr = MSG_ATTR_TYPE_RMEM_INPUT;
	arg->params[0].u.rmem.shm_ref = shm->cookie;
	result(call(vm, arg), arg, &origin);
	shm->registered = false;
	arg_free(arg);
}

void guest_shm_free(struct vm *vm, struct drv_shm *shm)
{
	struct drv_shm **pp = NULL;

	if (!shm || !vm->drv)
		return;
	if (shm->registered && vm->running)
		shm_unregister(vm, shm);
	guest_pages_free(vm, shm->ipa, shm->pages);
	for (pp = &vm->drv->shms; *pp && *pp != shm; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = shm->next;
	free(shm);
}

/* ---- sessions ---- */

static void params_in(struct msg_param *mp, const struct drv_param *p)
{
	size_t n = 0;

	for (n = 0; n < 4; n++) {
		memset(&mp[n], 0, sizeof(mp[n]));
		switch (p[n].type) {
		case DRV_PARAM_VALUE_INPUT:
		case DRV_PARAM_VALUE_INOUT:
			mp[n].u.value.a = p[n].a;
			mp[n].u.value.b = p[n].b;
			/* fall through */
		case DRV_PARAM_VALUE_OUTPUT:
			/* An output value reaches the TA as 0. */
			mp[n].attr = p[n].type;
			break;
		case DRV_PARAM_MEMREF_INPUT:
		case DRV_PARAM_MEMREF_OUTPUT:
		case DRV_PARAM_MEMREF_INOUT:
			if (!p[n].shm) {
				/* NULL memref: a TMEM with no buffer. */
				mp[n].attr = MSG_ATTR_TYPE_TMEM_INPUT +
					     p[n].type - DRV_PARAM_MEMREF_INPUT;
				break;
			}
			mp[n].attr = MSG_ATTR_TYPE_RMEM_INPUT + p[n].type -
				     DRV_PARAM_MEMREF_INPUT;
			mp[n].u.rmem.offs = p[n].offs;
			mp[n].u.rmem.size = p[n].size;
			mp[n].u.rmem.shm_ref = p[n].shm->cookie;
			break;
		default:
			break;
		}
	}
}

static void params_out(const struct msg_param *mp, struct drv_param *p)
{
	size_t n = 0;

	for (n = 0; n < 4; n++) {
		switch (p[n].type) {
		case DRV_PARAM_VALUE_OUTPUT:
		case DRV_PARAM_VALUE_INOUT:
			p[n].a = mp[n].u.value.a;
			p[n].b = mp[n].u.value.b;
			break;
		case DRV_PARAM_MEMREF_OUTPUT:
		case DRV_PARAM_MEMREF_INOUT:
			p[n].size = mp[n].u.rmem.size;
			break;
		default:
			break;
		}
	}
}

uint32_t guest_open_session(struct vm *vm, const uint8_t uuid[16],
			    uint32_t login, const uint8_t client_uuid[16],
			    struct drv_param params[4], uint32_t *session,
			    uint32_t *origin)
{
	struct msg_arg *arg = arg_new(MSG_CMD_OPEN_SESSION, 6);
	uint32_t res = 0;

	if (!arg) {
		*origin = MSG_ORIGIN_API;
		return MSG_RES_OUT_OF_MEMORY;
	}
	arg->params[0].attr = MSG_ATTR_META | MSG_ATTR_TYPE_VALUE_INPUT;
	memcpy(&arg->params[0].u.value.a, uuid, 16);
	arg->params[1].attr = MSG_ATTR_META | MSG_ATTR_TYPE_VALUE_INPUT;
	memcpy(&arg->params[1].u.value.a, client_uuid, 16);
	arg->params[1].u.value.c = login;
	params_in(arg->params + 2, params);
	res = result(call(vm, arg), arg, origin);
	if (*origin != MSG_ORIGIN_COMMS)
		params_out(arg->params + 2, params);
	*session = res ? 0 : arg->session;
	arg_free(arg);
	return res;
}

uint32_t guest_invoke(struct vm *vm, uint32_t session, uint32_t func,
		      struct drv_param params[4], uint32_t *origin)
{
	struct msg_arg *arg = arg_new(MSG_CMD_INVOKE_COMMAND, 4);
	uint32_t res = 0;

	if (!arg) {
		*origin = MSG_ORIGIN_API;
		return MSG_RES_OUT_OF_MEMORY;
	}
	arg->func = func;
	arg->session = session;
	params_in(arg->params, params);
	res = result(call(vm, arg), arg, origin);
	if (*origin != MSG_ORIGIN_COMMS)
		params_out(arg->params, params);
	arg_free(arg);
	return res;
}

static uint32_t simple(struct vm *vm, uint32_t cmd, uint32_t session,
		       uint32_t cancel_id)
{
	struct msg_arg *arg = arg_new(cmd, 0);
	uint32_t origin = 0;
	uint32_t res = 0;

	if (!arg)
		return MSG_RES_OUT_OF_MEMORY;
	arg->session = session;
	arg->cancel_id = cancel_id;
	res = result(call(vm, arg), arg, &origin);
	arg_free(arg);
	return res;
}

uint32_t guest_close_session(struct vm *vm, uint32_t session)
{
	return simple(vm, MSG_CMD_CLOSE_SESSION, session, 0);
}

uint32_t guest_cancel(struct vm *vm, uint32_t session, uint32_t cancel_id)
{
	return simple(vm, MSG_CMD_CANCEL, session, cancel_id);
}
