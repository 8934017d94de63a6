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
 *
 * A call may leave in its middle with an RPC; the mediator keeps it (its
 * shadow, its pins) until the TEE completes it:
 *  - RPC_ALLOC: the guest's answer must be a page of its RAM; it is pinned
 *    and the TEE gets a shadow page instead; RPC_FREE releases both;
 *  - RPC_CMD: the command goes from the shadow to the guest's page, and
 *    only ret, ret_origin, output values and memref sizes come back; the
 *    page list of a SHM_ALLOC answer is translated and pinned until its
 *    SHM_FREE;
 *  - RETURN_FROM_RPC must name (a3) a call waiting in an RPC, else the
 *    guest gets ERESUME and the TEE never sees it.
 * Before VM_DESTROYED, med_vm_release() drains the calls left waiting.
 *
 * Fast calls, as Xen's mediator takes them:
 *  - CALLS_COUNT is answered by the mediator itself: the eleven SMCs it
 *    takes (MED_CALLS_COUNT), not the TEE's count;
 *  - CALLS_UID, CALLS_REVISION, GET_OS_UUID, GET_OS_REVISION,
 *    ENABLE_SHM_CACHE, DISABLE_SHM_CACHE and EXCHANGE_CAPABILITIES go to
 *    the TEE with no operand of the guest's but the capabilities, and only
 *    the registers each one returns come back (a0..a3 for the UUIDs,
 *    a0..a1 for the revisions: not GET_OS_REVISION's build ID in a2);
 *    the guest's others keep what it put in them;
 *  - GET_SHM_CONFIG gets ENOTAVAIL; any other call (GET_THREAD_COUNT,
 *    VM_CREATED...) is not the mediator's, and the hypervisor answers
 *    UNKNOWN_FUNCTION.
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

/* The guest's header and the params a command uses, as it sent them. */
struct msg_sent {
	uint32_t cmd;
	uint32_t func;
	uint32_t session;
	uint32_t cancel_id;
	uint32_t pad;
	uint32_t ret;
	uint32_t ret_origin;
	uint32_t num_params;
	struct msg_param params[MSG_MAX_PARAMS_USED];
};

/* What one call holds until it completes. */
struct call {
	uint64_t shadow;		/* PA of the shadow argument */
	uint64_t lists[MSG_MAX_PARAMS_USED][2];	/* translated list pages */
	uint64_t *pinned[MSG_MAX_PARAMS_USED];	/* data pages */
	uint32_t pinned_count[MSG_MAX_PARAMS_USED];
	uint32_t slots;			/* slots [0, slots) may hold pages */
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

/*
 * Fast call @regs[0] of the guest to the TEE, with @a1 its only operand
 * and a7 the guest's client ID; the answer's registers in @returned (a bit
 * each) go back into @regs, whose others stay as the guest set them.
 */
static uint64_t fast_call(struct vm *vm, uint64_t regs[8], uint64_t a1,
			  unsigned int returned)
{
	struct shim_regs r = { .x = { regs[0], a1 } };
	unsigned int n = 0;

	r.x[7] = vm->client_id;
	shim_smc(hyp_smc_core(vm), &r);
	for (n = 0; n < 8; n++)
		if (returned & 1u << n)
			regs[n] = r.x[n];
	return r.x[0];
}

/*
 * The guest's page list page at @ipa, through hyp_ipa_to_pa(): its range
 * check on an address the guest chose stays in the fuzzers' view
 * (hyp_ipa_ptr() is not instrumented, fuzz/coverage-ignore.txt).
 */
static const uint64_t *list_page(const struct vm *vm, uint64_t ipa)
{
	uint64_t pa = 0;

	return hyp_ipa_to_pa(vm, ipa_init(ipa), &pa) ? hyp_pa_ptr(pa) : NULL;
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
	if (c->slots <= slot)
		c->slots = (uint32_t)slot + 1;

	for (n = 0; n < count; n++) {
		const uint64_t *list = NULL;
		uint64_t entry = 0;
		uint64_t pa = 0;

		if (n && n % LIST_ENTRIES == 0) {
			/* The last entry of a list page links the next one. */
			list = list_page(vm, list_ipa);
			list_ipa = list ? list[LIST_ENTRIES] : 1;
		}
		list = list_ipa % PAGE ? NULL : list_page(vm, list_ipa);
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

	for (n = 0; n < c->slots; n++) {
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
		      const struct msg_sent *orig, uint32_t used)
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

/* ---- calls in flight, and their RPCs ---- */

/* A std call from its start until the TEE completes it. */
struct med_call {
	struct med_call *next;
	struct call c;			/* shadow arg and pinned pages */
	struct msg_sent orig;		/* the guest's params as sent */
	uint64_t arg_ipa;
	uint32_t used;
	bool suspended;			/* in an RPC, waiting for the guest */
	bool reserved_shm;		/* a REGISTER_SHM holding a slot */
	uint32_t thread_id;		/* a3 of that RPC */
	uint32_t rpc_func;		/* a0 of that RPC */
	struct med_rpc *rpc;		/* CMD: the RPC argument it uses */
};

/*
 * Memory the guest gave for RPCs: an RPC argument (RPC_ALLOC: one guest
 * page pinned, the TEE given a shadow page instead) or a payload buffer
 * (SHM_ALLOC: a page list translated and pinned).
 */
struct med_rpc {
	struct med_rpc *next;
	uint64_t cookie;
	bool is_arg;
	uint64_t guest_pa;		/* arg: the guest's page, pinned */
	uint64_t shadow;		/* arg: what the TEE sees */
	struct call buf;		/* payload: slot 0 pinned, its lists */
};

static struct med_rpc *find_rpc(struct vm *vm, uint64_t cookie, bool is_arg)
{
	struct med_rpc *r = vm->med.rpc_list;

	while (r && (r->cookie != cookie || r->is_arg != is_arg))
		r = r->next;
	return r;
}

static void drop_rpc(struct vm *vm, struct med_rpc *r)
{
	struct med_rpc **pp = &vm->med.rpc_list;
	struct med_call *mc = NULL;

	while (*pp && *pp != r)
		pp = &(*pp)->next;
	if (*pp)
		*pp = r->next;
	/* A call whose RPC argument this was can no longer use it. */
	for (mc = vm->med.call_list; mc; mc = mc->next)
		if (mc->rpc == r)
			mc->rpc = NULL;
	if (r->is_arg) {
		hyp_unpin(r->guest_pa);
		vm->med.pinned--;
		hyp_page_free(r->shadow);
	} else {
		release_call(vm, &r->buf, false);
	}
	free(r);
}

static void drop_call(struct vm *vm, struct med_call *mc)
{
	struct med_call **pp = &vm->med.call_list;

	while (*pp && *pp != mc)
		pp = &(*pp)->next;
	if (*pp)
		*pp = mc->next;
	vm->med.calls--;
	vm->med.shm_reserved -= mc->reserved_shm;
	free(mc);
}

/* The TEE completed the call: results to the guest, pages released. */
static void complete(struct vm *vm, struct med_call *mc, uint64_t a0)
{
	struct msg_arg *shadow = hyp_pa_ptr(mc->c.shadow);
	const struct msg_sent *orig = &mc->orig;

	if (a0 == SMC_RET_OK) {
		copy_back(vm, mc->arg_ipa, shadow, orig, mc->used);
		if (orig->cmd == MSG_CMD_REGISTER_SHM && !shadow->ret &&
		    mc->c.pinned[0]) {
			struct med_shm *s = &vm->med.shm[vm->med.shm_count++];

			s->cookie = orig->params[0].u.tmem.shm_ref;
			s->pages = mc->c.pinned[0];
			s->count = mc->c.pinned_count[0];
			release_call(vm, &mc->c, true);
			drop_call(vm, mc);
			return;
		}
		if (orig->cmd == MSG_CMD_UNREGISTER_SHM && !shadow->ret) {
			int k = find_shm(vm, orig->params[0].u.rmem.shm_ref);

			if (k >= 0) {
				unpin_all(vm, vm->med.shm[k].pages,
					  vm->med.shm[k].count);
				vm->med.shm[k] = vm->med.shm[--vm->med.shm_count];
			}
		}
	}
	release_call(vm, &mc->c, false);
	drop_call(vm, mc);
}

/*
 * For the timeline: the memory references among the @used params a guest
 * sent, as "; params: rmem 0x1001+3/9, tmem 16" (registered: cookie,
 * offset, size; temporary: size). Values and META params show as such.
 */
static void describe_params(char *buf, size_t size,
			    const struct msg_sent *orig, uint32_t used)
{
	size_t at = 0;
	uint32_t n = 0;

	for (n = 0; n < used && at < size; n++) {
		const struct msg_param *p = &orig->params[n];
		uint32_t type = (uint32_t)(p->attr & MSG_ATTR_TYPE_MASK);
		const char *sep = n ? ", " : "; params: ";
		int len = 0;

		if (p->attr & MSG_ATTR_META)
			len = snprintf(buf + at, size - at, "%smeta", sep);
		else if (type >= MSG_ATTR_TYPE_RMEM_INPUT &&
			 type <= MSG_ATTR_TYPE_RMEM_INOUT)
			len = snprintf(buf + at, size - at, "%srmem %#llx+%llu/%llu",
				       sep,
				       (unsigned long long)p->u.rmem.shm_ref,
				       (unsigned long long)p->u.rmem.offs,
				       (unsigned long long)p->u.rmem.size);
		else if (type >= MSG_ATTR_TYPE_TMEM_INPUT &&
			 type <= MSG_ATTR_TYPE_TMEM_INOUT)
			len = snprintf(buf + at, size - at, "%stmem %llu", sep,
				       (unsigned long long)p->u.tmem.size);
		else if (type >= MSG_ATTR_TYPE_VALUE_INPUT &&
			 type <= MSG_ATTR_TYPE_VALUE_INOUT)
			len = snprintf(buf + at, size - at, "%svalue", sep);
		else
			len = snprintf(buf + at, size - at, "%s%s", sep,
				       type ? "?" : "none");
		if (len < 0)
			break;
		at += (size_t)len;
	}
}

/* The RPC argument the TEE wrote, as the guest must see it. */
static void rpc_arg_to_guest(struct med_rpc *r)
{
	const struct msg_arg *sh = hyp_pa_ptr(r->shadow);
	uint32_t num = sh->num_params < RPC_MAX_PARAMS ? sh->num_params :
							 RPC_MAX_PARAMS;

	/* The header and the params an RPC argument can have, no more. */
	memcpy(hyp_pa_ptr(r->guest_pa), sh,
	       sizeof(*sh) - sizeof(sh->params) + num * sizeof(sh->params[0]));
}

/* SHM_ALLOC answered: translate and pin the guest's page list. */
static uint32_t take_payload(struct vm *vm, struct msg_param *dst,
			     const struct msg_param *g)
{
	struct med_rpc *r = calloc(1, sizeof(*r));
	uint64_t buf_ptr = g->u.tmem.buf_ptr;
	uint32_t res = 0;

	if (!r)
		return MSG_RES_OUT_OF_MEMORY;
	if (g->attr != (MSG_ATTR_TYPE_TMEM_OUTPUT | MSG_ATTR_NONCONTIG) ||
	    find_rpc(vm, g->u.tmem.shm_ref, false))
		res = MSG_RES_BAD_PARAMETERS;
	else
		res = translate_noncontig(vm, &r->buf, 0, &buf_ptr,
					  g->u.tmem.size);
	if (res) {
		release_call(vm, &r->buf, false);
		free(r);
		return res;
	}
	r->cookie = g->u.tmem.shm_ref;
	r->next = vm->med.rpc_list;
	vm->med.rpc_list = r;
	dst->attr = g->attr;
	dst->u.tmem.buf_ptr = buf_ptr;
	dst->u.tmem.size = g->u.tmem.size;
	dst->u.tmem.shm_ref = g->u.tmem.shm_ref;
	return 0;
}

/* The guest answered an RPC command: only its answer goes back. */
static void rpc_arg_from_guest(struct vm *vm, struct med_rpc *r)
{
	struct msg_arg *sh = hyp_pa_ptr(r->shadow);
	const struct msg_arg *g = hyp_pa_ptr(r->guest_pa);
	uint32_t num = sh->num_params < RPC_MAX_PARAMS ? sh->num_params :
							 RPC_MAX_PARAMS;
	uint32_t n = 0;

	sh->ret = g->ret;
	sh->ret_origin = g->ret_origin;
	for (n = 0; n < num; n++) {
		struct msg_param *p = &sh->params[n];

		switch (p->attr & MSG_ATTR_TYPE_MASK) {
		case MSG_ATTR_TYPE_VALUE_OUTPUT:
		case MSG_ATTR_TYPE_VALUE_INOUT:
			p->u.value = g->params[n].u.value;
			break;
		case MSG_ATTR_TYPE_RMEM_OUTPUT:
		case MSG_ATTR_TYPE_RMEM_INOUT:
			p->u.rmem.size = g->params[n].u.rmem.size;
			break;
		default:
			break;
		}
	}
	if (sh->cmd == RPC_CMD_SHM_ALLOC && num && !sh->ret) {
		uint32_t res = take_payload(vm, &sh->params[0], &g->params[0]);

		if (res)
			sh->ret = res;
	} else if (sh->cmd == RPC_CMD_SHM_FREE && num) {
		struct med_rpc *b = find_rpc(vm, sh->params[0].u.value.b,
					     false);

		if (b)
			drop_rpc(vm, b);
	}
}

/*
 * The TEE left the call with an RPC. Returns true if the guest must
 * answer it; false if the mediator answered itself in @r.
 */
static bool rpc_out(struct vm *vm, struct med_call *mc, struct shim_regs *r)
{
	uint64_t cookie = ((uint64_t)(uint32_t)r->x[1] << 32) |
			  (uint32_t)r->x[2];
	struct med_rpc *a = NULL;

	mc->rpc = NULL;
	switch ((uint32_t)r->x[0]) {
	case SMC_RPC_ALLOC:
		/* An RPC argument is one page at most. */
		if (r->x[1] && r->x[1] <= PAGE)
			return true;
		r->x[1] = r->x[2] = r->x[4] = r->x[5] = 0;
		return false;
	case SMC_RPC_FREE:
		a = find_rpc(vm, cookie, true);
		if (a)
			drop_rpc(vm, a);
		return true;
	case SMC_RPC_FOREIGN_INTR:
		return true;
	case SMC_RPC_CMD:
		a = find_rpc(vm, cookie, true);
		if (!a)
			return false;	/* nothing the guest could read */
		mc->rpc = a;
		rpc_arg_to_guest(a);
		return true;
	default:
		return false;
	}
}

/* The guest's answer to the RPC of @mc, into the resume registers @r. */
static void rpc_in(struct vm *vm, struct med_call *mc, const uint64_t g[8],
		   struct shim_regs *r)
{
	uint64_t ipa = (g[1] << 32) | (uint32_t)g[2];
	struct med_rpc *a = NULL;
	uint64_t pa = 0;

	memset(r, 0, sizeof(*r));
	r->x[0] = SMC_RETURN_FROM_RPC;
	r->x[3] = mc->thread_id;
	switch (mc->rpc_func) {
	case SMC_RPC_ALLOC:
		/*
		 * A page of the guest's RAM, pinned; the TEE gets a shadow. A
		 * cookie the guest gave already would make two buffers one:
		 * refused, as a failed allocation.
		 */
		if (!ipa || ipa % PAGE ||
		    !hyp_ipa_to_pa(vm, ipa_init(ipa), &pa) ||
		    vm->med.pinned + 1 > MED_MAX_PINNED_PAGES ||
		    find_rpc(vm, (g[4] << 32) | (uint32_t)g[5], true))
			return;
		a = calloc(1, sizeof(*a));
		if (!a)
			return;
		a->shadow = hyp_page_alloc();
		if (!a->shadow) {
			free(a);
			return;
		}
		a->is_arg = true;
		a->cookie = (g[4] << 32) | (uint32_t)g[5];
		a->guest_pa = pa;
		hyp_pin(pa);
		vm->med.pinned++;
		memset(hyp_pa_ptr(a->shadow), 0, PAGE);
		a->next = vm->med.rpc_list;
		vm->med.rpc_list = a;
		r->x[1] = a->shadow >> 32;
		r->x[2] = (uint32_t)a->shadow;
		r->x[4] = (uint32_t)g[4];
		r->x[5] = (uint32_t)g[5];
		return;
	case SMC_RPC_CMD:
		if (mc->rpc)
			rpc_arg_from_guest(vm, mc->rpc);
		return;
	default:
		/* FREE and FOREIGN_INTR: nothing to answer. */
		return;
	}
}

/*
 * Send @r for @mc to the TEE and follow it: RPCs the mediator answers
 * itself are resumed here; one for the guest leaves the call suspended
 * with the RPC in @regs; a completed call is finished.
 */
static void run_call(struct vm *vm, struct med_call *mc, struct shim_regs *r,
		     uint64_t regs[8])
{
	for (;;) {
		r->x[7] = vm->client_id;
		mc->suspended = false;
		shim_smc(hyp_smc_core(vm), r);
		if (!SMC_IS_RPC(r->x[0])) {
			regs[0] = r->x[0];
			complete(vm, mc, r->x[0]);
			return;
		}
		mc->suspended = true;
		mc->thread_id = (uint32_t)r->x[3];
		mc->rpc_func = (uint32_t)r->x[0];
		if (rpc_out(vm, mc, r)) {
			vm->med.rpcs++;
			memcpy(regs, r->x, 7 * sizeof(regs[0]));
			sim_trace("med   client %u: RPC %#llx of thread %u to the "
				  "guest", vm->client_id,
				  (unsigned long long)r->x[0], mc->thread_id);
			return;
		}
		r->x[0] = SMC_RETURN_FROM_RPC;
	}
}

static void std_call(struct vm *vm, uint64_t regs[8])
{
	uint64_t arg_ipa = (regs[1] << 32) | (uint32_t)regs[2];
	struct med_call *mc = NULL;
	struct msg_arg *shadow = NULL;
	uint64_t guest_pa = 0;
	struct shim_regs r;
	uint32_t res = 0;

	if (arg_ipa % PAGE || !hyp_ipa_to_pa(vm, ipa_init(arg_ipa), &guest_pa)) {
		regs[0] = SMC_RET_EBADADDR;
		return;
	}
	/* No more calls in flight than the TEE has threads for the guest. */
	if (vm->med.calls >= vm->med.thread_limit) {
		regs[0] = SMC_RET_ETHREAD_LIMIT;
		return;
	}
	mc = calloc(1, sizeof(*mc));
	/* The shadow: a copy of the guest's whole page. */
	if (mc)
		mc->c.shadow = hyp_page_alloc_copy(guest_pa);
	if (!mc || !mc->c.shadow) {
		free(mc);
		regs[0] = SMC_RET_ENOMEM;
		return;
	}
	mc->arg_ipa = arg_ipa;
	shadow = hyp_pa_ptr(mc->c.shadow);
	if (shadow->num_params > MSG_MAX_NUM_PARAMS ||
	    shadow->cmd > MSG_CMD_UNREGISTER_SHM) {
		regs[0] = shadow->num_params > MSG_MAX_NUM_PARAMS ?
			  SMC_RET_EBADADDR : SMC_RET_EBADCMD;
		release_call(vm, &mc->c, false);
		free(mc);
		return;
	}
	mc->used = shadow->num_params < MSG_MAX_PARAMS_USED ?
		   shadow->num_params : MSG_MAX_PARAMS_USED;
	/* The guest's params as sent, before any translation. */
	memcpy(&mc->orig, shadow, sizeof(mc->orig));

	/* A registration holds its slot from its start: calls interleave. */
	if (shadow->cmd == MSG_CMD_REGISTER_SHM &&
	    vm->med.shm_count + vm->med.shm_reserved >= MED_MAX_SHM_BUFFERS)
		res = MSG_RES_OUT_OF_MEMORY;
	else
		res = translate_params(vm, &mc->c, shadow, mc->used);
	if (res) {
		release_call(vm, &mc->c, false);
		free(mc);
		refuse(vm, arg_ipa, res);
		regs[0] = SMC_RET_OK;
		return;
	}
	if (sim_trace_on()) {
		char params[MSG_MAX_PARAMS_USED * 48] = "";

		describe_params(params, sizeof(params), &mc->orig, mc->used);
		sim_trace("med   client %u: %s, arg IPA 0x%llx -> shadow PA "
			  "0x%llx, %llu pages translated and pinned%s",
			  vm->client_id, sim_msg_cmd_name(shadow->cmd),
			  (unsigned long long)arg_ipa,
			  (unsigned long long)mc->c.shadow,
			  (unsigned long long)(mc->c.pinned_count[0] +
					       mc->c.pinned_count[1] +
					       mc->c.pinned_count[2] +
					       mc->c.pinned_count[3] +
					       mc->c.pinned_count[4] +
					       mc->c.pinned_count[5]),
			  params);
	}

	vm->med.calls++;
	mc->reserved_shm = shadow->cmd == MSG_CMD_REGISTER_SHM;
	vm->med.shm_reserved += mc->reserved_shm;
	mc->next = vm->med.call_list;
	vm->med.call_list = mc;
	memset(&r, 0, sizeof(r));
	r.x[0] = regs[0];
	r.x[1] = mc->c.shadow >> 32;
	r.x[2] = (uint32_t)mc->c.shadow;
	r.x[3] = regs[3];
	run_call(vm, mc, &r, regs);
}

static struct med_call *find_suspended(struct vm *vm, uint32_t thread_id)
{
	struct med_call *mc = vm->med.call_list;

	while (mc && !(mc->suspended && mc->thread_id == thread_id))
		mc = mc->next;
	return mc;
}

/* RETURN_FROM_RPC: a3 names the call; one not waiting gets ERESUME. */
static void return_from_rpc(struct vm *vm, uint64_t regs[8])
{
	struct med_call *mc = find_suspended(vm, (uint32_t)regs[3]);
	struct shim_regs r;

	if (!mc) {
		vm->med.eresumes++;
		regs[0] = SMC_RET_ERESUME;
		return;
	}
	rpc_in(vm, mc, regs, &r);
	run_call(vm, mc, &r, regs);
}

uint32_t med_vm_suspended(const struct vm *vm)
{
	const struct med_call *mc = vm->med.call_list;
	uint32_t n = 0;

	for (; mc; mc = mc->next)
		n += mc->suspended;
	return n;
}

/* Rounds of answers a drain gives before it gives up. */
#define DRAIN_ROUNDS	1024

/*
 * Answer @mc's RPC as a guest that is gone: no memory, commands failing
 * with COMMUNICATION; interrupts simply resume.
 */
static void drain_one(struct vm *vm, struct med_call *mc)
{
	uint64_t g[8] = { 0 };
	uint64_t out[8] = { 0 };
	struct shim_regs r;

	g[0] = SMC_RETURN_FROM_RPC;
	g[3] = mc->thread_id;
	if (mc->rpc_func == SMC_RPC_CMD && mc->rpc) {
		struct msg_arg *ga = hyp_pa_ptr(mc->rpc->guest_pa);

		ga->ret = MSG_RES_COMMUNICATION;
		ga->ret_origin = MSG_ORIGIN_COMMS;
	}
	rpc_in(vm, mc, g, &r);
	run_call(vm, mc, &r, out);
}

uint32_t med_vm_release(struct vm *vm)
{
	uint32_t left = 0;
	uint32_t round = 0;

	/*
	 * Each round answers every waiting call once, oldest first: a call
	 * asleep on a mutex wakes only when its holder has moved on.
	 */
	for (round = 0; round < DRAIN_ROUNDS && med_vm_suspended(vm); round++) {
		uint32_t ids[MED_MAX_CALLS];
		uint32_t count = 0;
		struct med_call *mc = NULL;

		for (mc = vm->med.call_list; mc && count < MED_MAX_CALLS;
		     mc = mc->next)
			if (mc->suspended)
				ids[count++] = mc->thread_id;
		while (count--) {
			mc = find_suspended(vm, ids[count]);
			if (mc)
				drain_one(vm, mc);
		}
	}
	left = med_vm_suspended(vm);
	if (left)
		sim_trace("med   client %u: %u call(s) could not be drained",
			  vm->client_id, left);
	med_vm_forget(vm);
	return left;
}

void med_vm_forget(struct vm *vm)
{
	uint32_t n = 0;

	while (vm->med.call_list) {
		struct med_call *mc = vm->med.call_list;

		release_call(vm, &mc->c, false);
		drop_call(vm, mc);
	}
	while (vm->med.rpc_list)
		drop_rpc(vm, vm->med.rpc_list);
	for (n = 0; n < vm->med.shm_count; n++)
		unpin_all(vm, vm->med.shm[n].pages, vm->med.shm[n].count);
	vm->med.shm_count = 0;
}

/* The TEE gives back a cached RPC argument: so does the mediator. */
static void disable_shm_cache(struct vm *vm, uint64_t regs[8])
{
	const uint64_t a1 = regs[1];
	const uint64_t a2 = regs[2];
	struct med_rpc *r = NULL;

	/* Only a cached argument given back brings its cookie in a1/a2. */
	if (fast_call(vm, regs, 0, 0x7) != SMC_RET_OK) {
		regs[1] = a1;
		regs[2] = a2;
		return;
	}
	r = find_rpc(vm, (regs[1] << 32) | (uint32_t)regs[2], true);
	if (r)
		drop_rpc(vm, r);
}

static void exchange_capabilities(struct vm *vm, uint64_t regs[8])
{
	const uint64_t a1 = regs[1];

	/* The guest's capabilities the mediator does not know are dropped. */
	if (fast_call(vm, regs, a1 & SMC_NSEC_CAP_UNIPROCESSOR, 0x3) !=
	    SMC_RET_OK) {
		regs[1] = a1;
		return;
	}
	/* The TEE must offer dynamic shared memory: it is all we pass. */
	if (!(regs[1] & SMC_CAP_DYNAMIC_SHM)) {
		regs[0] = SMC_RET_ENOTAVAIL;
		regs[1] = a1;
		return;
	}
	regs[1] &= CAPS_FOR_GUESTS;
}

void med_smc(struct vm *vm, uint64_t regs[8])
{
	uint32_t fid = (uint32_t)regs[0];

	if (fid == SMC_RETURN_FROM_RPC)
		sim_trace("smc   client %u: %s, thread %u", vm->client_id,
			  sim_smc_name(fid), (unsigned int)regs[3]);
	else
		sim_trace("smc   client %u: %s", vm->client_id,
			  sim_smc_name(fid));
	switch (fid) {
	case SMC_CALLS_COUNT:
		regs[0] = MED_CALLS_COUNT;
		break;
	case SMC_CALLS_UID:
	case SMC_GET_OS_UUID:
		fast_call(vm, regs, 0, 0xf);
		break;
	case SMC_CALLS_REVISION:
	case SMC_GET_OS_REVISION:
		fast_call(vm, regs, 0, 0x3);
		break;
	case SMC_ENABLE_SHM_CACHE:
		fast_call(vm, regs, 0, 0x1);
		break;
	case SMC_DISABLE_SHM_CACHE:
		disable_shm_cache(vm, regs);
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
		return_from_rpc(vm, regs);
		break;
	default:
		/* Not the mediator's (GET_THREAD_COUNT among them). */
		regs[0] = SMC_RET_UNKNOWN_FUNCTION;
		break;
	}
	sim_trace("smc   client %u: %s -> a0 %#llx", vm->client_id,
		  sim_smc_name(fid), (unsigned long long)regs[0]);
}
