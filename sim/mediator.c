// SPDX-License-Identifier: BSD-2-Clause
/*
 * The OP-TEE mediator, as Xen's (xen/arch/arm/tee/optee.c) behaves.
 *
 * A std call, step by step:
 *  1. the guest's argument must be a 4 KiB-aligned page of its RAM;
 *  2. it is copied into a shadow page of the hypervisor's: the guest can
 *     rewrite its own copy during the call, the TEE never sees it;
 *  3. only commands 0..5 pass; every non-contiguous page list in it is
 *     walked, each page checked to be the guest's RAM and pinned, and a new
 *     list of PAs built in hypervisor pages; a contiguous non-NULL tmem is
 *     refused (ret BAD_PARAMETERS, origin COMMS, a0 OK) — as are lists too
 *     long or guests over their pinning budget (OUT_OF_MEMORY);
 *  4. the SMC goes to the TEE with a7 = the VM's client ID;
 *  5. ret, ret_origin, session and the output values and sizes — nothing
 *     else — are copied back into the guest's argument.
 * Pages stay pinned while the TEE may use them: for the call, or until a
 * registered buffer is unregistered.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sim/optee_abi.h>
#include <sim/hyp.h>
#include <sim/mediator.h>
#include <sim/trace.h>

#define PAGE		HYP_PAGE
#define LIST_ENTRIES	MSG_LIST_ENTRIES

/* Capabilities a guest may see. */
#define CAPS_FOR_GUESTS	(SMC_CAP_DYNAMIC_SHM | SMC_CAP_UNREGISTERED_SHM | \
			 SMC_CAP_MEMREF_NULL)

/* What one call holds until it returns. */
struct call {
	uint64_t shadow;		/* PA of the shadow argument */
	uint64_t lists[MSG_MAX_PARAMS_USED][2];	/* translated list pages */
	uint64_t *pinned[MSG_MAX_PARAMS_USED];	/* data pages */
	uint32_t pinned_count[MSG_MAX_PARAMS_USED];
};

void med_vm_init(struct vm *vm, uint32_t thread_limit)
{
	memset(&vm->med, 0, sizeof(vm->med));
	vm->med.thread_limit = thread_limit;
}

static void unpin_all(struct vm *vm, uint64_t *pages, uint32_t count)
{
	uint32_t n = 0;

	for (n = 0; n < count; n++)
		hyp_unpin(pages[n]);
	vm->med.pinned -= count;
	free(pages);
}

void med_vm_release(struct vm *vm)
{
	uint32_t n = 0;

	for (n = 0; n < vm->med.shm_count; n++)
		unpin_all(vm, vm->med.shm[n].pages, vm->med.shm[n].count);
	vm->med.shm_count = 0;
}

static uint64_t fast_call(struct vm *vm, uint64_t regs[8])
{
	struct shim_regs r;

	memcpy(r.x, regs, sizeof(r.x));
	r.x[7] = vm->client_id;
	shim_smc(vm->vcpu_core, &r);
	memcpy(regs, r.x, sizeof(r.x));
	return r.x[0];
}

/*
 * Translate the guest's page list at @buf_ptr (IPA of the first list page
 * | data offset) for @size bytes: pin every data page, write a list of PAs
 * into new hypervisor pages. Returns a TEE_Result-style error (0 on
 * success) with what to release in @c slot @slot.
 */
static uint32_t translate_noncontig(struct vm *vm, struct call *c, size_t slot,
				    uint64_t *buf_ptr, uint64_t size)
{
	uint64_t offset = *buf_ptr % PAGE;
	uint64_t list_ipa = *buf_ptr - offset;
	uint64_t count = 0;
	uint64_t *pages = NULL;
	uint64_t *out = NULL;
	uint64_t n = 0;

	if (!size || size > (uint64_t)MED_MAX_BUFFER_PAGES * PAGE)
		return MSG_RES_BAD_PARAMETERS;
	count = (offset + size + PAGE - 1) / PAGE;
	/* At most 129 pages a buffer: one list page holds them all but one. */
	if (count > MED_MAX_BUFFER_PAGES)
		return MSG_RES_BAD_PARAMETERS;
	if (vm->med.pinned + count > MED_MAX_PINNED_PAGES)
		return MSG_RES_OUT_OF_MEMORY;
	pages = calloc(count, sizeof(*pages));
	if (!pages)
		return MSG_RES_OUT_OF_MEMORY;

	for (n = 0; n < count; n++) {
		const uint64_t *list = NULL;
		uint64_t entry = 0;
		uint64_t pa = 0;

		if (n && n % LIST_ENTRIES == 0) {
			/* The last entry of a list page links the next one. */
			list = hyp_ipa_ptr(vm, ipa_init(list_ipa));
			list_ipa = list ? list[LIST_ENTRIES] : 1;
		}
		list = list_ipa % PAGE ? NULL : hyp_ipa_ptr(vm, ipa_init(list_ipa));
		if (!list)
			goto bad;
		entry = list[n % LIST_ENTRIES];
		/* Every data page is a page of this guest's RAM. */
		if (entry % PAGE || !hyp_ipa_to_pa(vm, ipa_init(entry), &pa))
			goto bad;
		pages[n] = pa;
	}

	/* All checked: pin, and write the PA list (two pages at most). */
	for (n = 0; n < count; n++)
		hyp_pin(pages[n]);
	vm->med.pinned += (uint32_t)count;
	c->pinned[slot] = pages;
	c->pinned_count[slot] = (uint32_t)count;
	for (n = 0; n < count; n++) {
		if (n % LIST_ENTRIES == 0) {
			uint64_t page = hyp_page_alloc();

			if (!page)
				return MSG_RES_OUT_OF_MEMORY;
			if (out)
				out[LIST_ENTRIES] = page;
			c->lists[slot][n / LIST_ENTRIES] = page;
			out = hyp_pa_ptr(page);
		}
		out[n % LIST_ENTRIES] = pages[n];
	}
	vm->med.translated_pages += count;
	*buf_ptr = c->lists[slot][0] | offset;
	return 0;
bad:
	free(pages);
	return MSG_RES_BAD_PARAMETERS;
}

static void release_call(struct vm *vm, struct call *c, bool keep_slot0)
{
	size_t n = 0;

	for (n = 0; n < MSG_MAX_PARAMS_USED; n++) {
		if (c->lists[n][0])
			hyp_page_free(c->lists[n][0]);
		if (c->lists[n][1])
			hyp_page_free(c->lists[n][1]);
		if (c->pinned[n] && !(keep_slot0 && n == 0))
			unpin_all(vm, c->pinned[n], c->pinned_count[n]);
	}
	if (c->shadow)
		hyp_page_free(c->shadow);
}

/* Refuse the call in the guest's own argument: a0 stays OK. */
static void refuse(struct vm *vm, uint64_t guest_arg_ipa, uint32_t ret)
{
	uint32_t res[2] = { ret, MSG_ORIGIN_COMMS };

	/* ret and ret_origin sit at offsets 20 and 24. */
	hyp_vm_write(vm, ipa_init(guest_arg_ipa + 20), res, sizeof(res));
	vm->med.refused++;
	sim_trace("med   client %u: call refused, ret %#x origin COMMS",
		  vm->client_id, ret);
}

static uint32_t translate_params(struct vm *vm, struct call *c,
				 struct msg_arg *a, uint32_t used)
{
	uint32_t n = 0;

	for (n = 0; n < used; n++) {
		struct msg_param *p = &a->params[n];
		uint64_t type = p->attr & MSG_ATTR_TYPE_MASK;
		uint32_t res = 0;

		if (type < MSG_ATTR_TYPE_TMEM_INPUT ||
		    type > MSG_ATTR_TYPE_TMEM_INOUT)
			continue;
		if (!p->u.tmem.buf_ptr)
			continue;	/* a NULL memref */
		/* Only page lists carry memory through the mediator. */
		if (!(p->attr & MSG_ATTR_NONCONTIG))
			return MSG_RES_BAD_PARAMETERS;
		res = translate_noncontig(vm, c, n, &p->u.tmem.buf_ptr,
					  p->u.tmem.size);
		if (res)
			return res;
	}
	return 0;
}

/* Output fields only, from the shadow to the guest's argument. */
static void copy_back(struct vm *vm, uint64_t guest_arg_ipa,
		      const struct msg_arg *shadow,
		      const struct msg_arg *orig, uint32_t used)
{
	uint32_t n = 0;

	hyp_vm_write(vm, ipa_init(guest_arg_ipa + 8), &shadow->session, 4);
	hyp_vm_write(vm, ipa_init(guest_arg_ipa + 20), &shadow->ret, 8);
	for (n = 0; n < used; n++) {
		uint64_t type = orig->params[n].attr & MSG_ATTR_TYPE_MASK;
		uint64_t at = guest_arg_ipa + 32 + (uint64_t)n * 32;

		switch (type) {
		case MSG_ATTR_TYPE_VALUE_OUTPUT:
		case MSG_ATTR_TYPE_VALUE_INOUT:
			hyp_vm_write(vm, ipa_init(at + 8),
				     &shadow->params[n].u.value, 24);
			break;
		case MSG_ATTR_TYPE_RMEM_OUTPUT:
		case MSG_ATTR_TYPE_RMEM_INOUT:
		case MSG_ATTR_TYPE_TMEM_OUTPUT:
		case MSG_ATTR_TYPE_TMEM_INOUT:
			hyp_vm_write(vm, ipa_init(at + 16),
				     &shadow->params[n].u.tmem.size, 8);
			break;
		default:
			break;
		}
	}
}

static int find_shm(struct vm *vm, uint64_t cookie)
{
	uint32_t n = 0;

	for (n = 0; n < vm->med.shm_count; n++)
		if (vm->med.shm[n].cookie == cookie)
			return (int)n;
	return -1;
}

static void std_call(struct vm *vm, uint64_t regs[8])
{
	uint64_t arg_ipa = (regs[1] << 32) | (uint32_t)regs[2];
	struct msg_arg *shadow = NULL;
	struct msg_arg orig;
	struct call c;
	uint64_t guest_pa = 0;
	struct shim_regs r;
	uint32_t used = 0;
	uint32_t res = 0;

	memset(&c, 0, sizeof(c));
	if (arg_ipa % PAGE || !hyp_ipa_to_pa(vm, ipa_init(arg_ipa), &guest_pa)) {
		regs[0] = SMC_RET_EBADADDR;
		return;
	}
	/* No more calls in flight than the TEE has threads for the guest. */
	if (vm->med.calls >= vm->med.thread_limit) {
		regs[0] = SMC_RET_ETHREAD_LIMIT;
		return;
	}
	c.shadow = hyp_page_alloc();
	if (!c.shadow) {
		regs[0] = SMC_RET_ENOMEM;
		return;
	}
	shadow = hyp_pa_ptr(c.shadow);
	memcpy(shadow, hyp_pa_ptr(guest_pa), PAGE);
	if (shadow->num_params > MSG_MAX_NUM_PARAMS) {
		release_call(vm, &c, false);
		regs[0] = SMC_RET_EBADADDR;
		return;
	}
	if (shadow->cmd > MSG_CMD_UNREGISTER_SHM) {
		release_call(vm, &c, false);
		regs[0] = SMC_RET_EBADCMD;
		return;
	}
	used = shadow->num_params < MSG_MAX_PARAMS_USED ? shadow->num_params :
							  MSG_MAX_PARAMS_USED;
	/* The guest's params as sent, before any translation. */
	memcpy(&orig, shadow, sizeof(orig));

	if (shadow->cmd == MSG_CMD_REGISTER_SHM &&
	    vm->med.shm_count == MED_MAX_SHM_BUFFERS)
		res = MSG_RES_OUT_OF_MEMORY;
	else
		res = translate_params(vm, &c, shadow, used);
	if (res) {
		release_call(vm, &c, false);
		refuse(vm, arg_ipa, res);
		regs[0] = SMC_RET_OK;
		return;
	}
	sim_trace("med   client %u: %s, arg IPA 0x%llx -> shadow PA 0x%llx, "
		  "%llu pages translated and pinned", vm->client_id,
		  sim_msg_cmd_name(shadow->cmd), (unsigned long long)arg_ipa,
		  (unsigned long long)c.shadow,
		  (unsigned long long)(c.pinned_count[0] + c.pinned_count[1] +
				       c.pinned_count[2] + c.pinned_count[3] +
				       c.pinned_count[4] + c.pinned_count[5]));

	vm->med.calls++;
	memset(&r, 0, sizeof(r));
	r.x[0] = regs[0];
	r.x[1] = c.shadow >> 32;
	r.x[2] = (uint32_t)c.shadow;
	r.x[3] = regs[3];
	r.x[7] = vm->client_id;
	shim_smc(vm->vcpu_core, &r);
	vm->med.calls--;
	regs[0] = r.x[0];

	if (r.x[0] == SMC_RET_OK) {
		copy_back(vm, arg_ipa, shadow, &orig, used);
		if (orig.cmd == MSG_CMD_REGISTER_SHM && !shadow->ret &&
		    c.pinned[0]) {
			struct med_shm *s = &vm->med.shm[vm->med.shm_count++];

			s->cookie = orig.params[0].u.tmem.shm_ref;
			s->pages = c.pinned[0];
			s->count = c.pinned_count[0];
			release_call(vm, &c, true);
			return;
		}
		if (orig.cmd == MSG_CMD_UNREGISTER_SHM && !shadow->ret) {
			int k = find_shm(vm, orig.params[0].u.rmem.shm_ref);

			if (k >= 0) {
				unpin_all(vm, vm->med.shm[k].pages,
					  vm->med.shm[k].count);
				vm->med.shm[k] = vm->med.shm[--vm->med.shm_count];
			}
		}
	}
	release_call(vm, &c, false);
}

static void exchange_capabilities(struct vm *vm, uint64_t regs[8])
{
	if (fast_call(vm, regs) != SMC_RET_OK)
		return;
	/* The TEE must offer dynamic shared memory: it is all we pass. */
	if (!(regs[1] & SMC_CAP_DYNAMIC_SHM)) {
		regs[0] = SMC_RET_ENOTAVAIL;
		return;
	}
	regs[1] &= CAPS_FOR_GUESTS;
}

void med_smc(struct vm *vm, uint64_t regs[8])
{
	uint32_t fid = (uint32_t)regs[0];

	sim_trace("smc   client %u: %s", vm->client_id, sim_smc_name(fid));
	switch (fid) {
	case SMC_CALLS_COUNT:
	case SMC_CALLS_UID:
	case SMC_CALLS_REVISION:
	case SMC_GET_OS_UUID:
	case SMC_GET_OS_REVISION:
	case SMC_GET_THREAD_COUNT_ID:
	case SMC_DISABLE_SHM_CACHE:
	case SMC_ENABLE_SHM_CACHE:
		fast_call(vm, regs);
		break;
	case SMC_EXCHANGE_CAPABILITIES:
		exchange_capabilities(vm, regs);
		break;
	case SMC_GET_SHM_CONFIG:
		/* No reserved shared memory through a mediator. */
		regs[0] = SMC_RET_ENOTAVAIL;
		break;
	case SMC_CALL_WITH_ARG:
		std_call(vm, regs);
		break;
	case SMC_RETURN_FROM_RPC:
		fast_call(vm, regs);
		break;
	default:
		/* Anything else stays with the hypervisor. */
		regs[0] = SMC_RET_UNKNOWN_FUNCTION;
		break;
	}
	sim_trace("smc   client %u: %s -> a0 %#llx", vm->client_id,
		  sim_smc_name(fid), (unsigned long long)regs[0]);
}
