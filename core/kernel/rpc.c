// SPDX-License-Identifier: BSD-2-Clause
/*
 * RPCs of a core thread: memory from the normal world (RPC_ALLOC / FREE),
 * commands in an RPC argument (RPC_CMD), and payload buffers the normal
 * world allocates for a command (SHM_ALLOC / SHM_FREE). Everything the
 * normal world answers is checked before use: it may lie.
 */

#include <arch/mmu.h>
#include <arch/platform.h>
#include <kernel/panic.h>
#include <kernel/thread.h>
#include <lib/string.h>
#include <mm/malloc.h>
#include <optee_msg.h>
#include <optee_rpc_cmd.h>
#include <sm/optee_smc.h>
#include <tee/nsbuf.h>
#include <tee_api_defines.h>
#include <trace.h>
#include <util.h>

#define RPC_ARG_SIZE	OPTEE_MSG_GET_ARG_SIZE(OPTEE_RPC_MAX_PARAMS)

/*
 * Payload buffers of abandoned calls (thread_abort_current()): unmapped
 * already, still the normal world's until SHM_FREE, which the guest's next
 * call sends. Banked: each guest's own.
 */
static struct nsbuf *owed_payloads;

uint64_t thread_rpc_alloc(size_t size, uint64_t *cookie)
{
	struct arch_smc_args r;

	memset(&r, 0, sizeof(r));
	r.a0 = OPTEE_SMC_RETURN_RPC_ALLOC;
	r.a1 = (uint32_t)size;
	thread_rpc(&r);
	*cookie = reg_pair_to_64(r.a4, r.a5);
	return reg_pair_to_64(r.a1, r.a2);
}

void thread_rpc_free(uint64_t cookie)
{
	struct arch_smc_args r;

	memset(&r, 0, sizeof(r));
	r.a0 = OPTEE_SMC_RETURN_RPC_FREE;
	reg_pair_from_64(cookie, &r.a1, &r.a2);
	thread_rpc(&r);
}

/* The RPC argument must lie within one page of non-secure RAM. */
static bool rpc_arg_ok(uint64_t pa)
{
	const struct arch_platform *plat = arch_get_platform();
	uint64_t base = pa_addr(plat->nsec_ddr_base);

	if (!pa || pa % sizeof(uint64_t) ||
	    (pa & SMALL_PAGE_MASK) + RPC_ARG_SIZE > SMALL_PAGE_SIZE)
		return false;
	return pa >= base && pa - base < plat->nsec_ddr_size;
}

/* This thread's RPC argument: allocated and mapped on first use. */
static volatile struct optee_msg_arg *get_rpc_arg(uint64_t *cookie,
						  TEE_Result *res)
{
	uint8_t *va = thread_get_rpc_arg(cookie);
	/*
	 * Kept by the thread from call to call (the RPC cache), it is no
	 * call's mapping: it must not hold the call key open between calls.
	 */
	bool per_call = !thread_rpc_arg_outlives_call();
	uint64_t pa = 0;
	paddr_t page;

	*res = TEE_SUCCESS;
	if (va)
		return (volatile void *)va;
	pa = thread_rpc_alloc(RPC_ARG_SIZE, cookie);
	if (!pa) {
		*res = TEE_ERROR_OUT_OF_MEMORY;
		return NULL;
	}
	page = pa_init(pa & ~(uint64_t)SMALL_PAGE_MASK);
	va = rpc_arg_ok(pa) ? arch_nsec_map(&page, 1, per_call) : NULL;
	if (!va) {
		EMSG("RPC argument at bad PA %#llx", (unsigned long long)pa);
		thread_rpc_free(*cookie);
		*res = TEE_ERROR_BAD_PARAMETERS;
		return NULL;
	}
	va += pa & SMALL_PAGE_MASK;
	thread_set_rpc_arg(pa, *cookie, va, per_call);
	return (volatile void *)va;
}

static void write_params(volatile struct optee_msg_arg *arg, uint32_t cmd,
			 uint32_t num, const struct thread_param *params)
{
	uint32_t n = 0;

	arg->cmd = cmd;
	arg->func = 0;
	arg->session = 0;
	arg->cancel_id = 0;
	arg->pad = 0;
	arg->ret = TEE_ERROR_GENERIC;
	arg->ret_origin = 0;
	arg->num_params = num;
	for (n = 0; n < num; n++) {
		volatile struct optee_msg_param *p = &arg->params[n];
		const struct thread_param *tp = &params[n];

		p->attr = tp->attr;
		if (tp->attr >= OPTEE_MSG_ATTR_TYPE_RMEM_INPUT &&
		    tp->attr <= OPTEE_MSG_ATTR_TYPE_RMEM_INOUT) {
			p->u.rmem.offs = tp->u.memref.offs;
			p->u.rmem.size = tp->u.memref.size;
			p->u.rmem.shm_ref = tp->u.memref.cookie;
		} else {
			p->u.value.a = tp->u.value.a;
			p->u.value.b = tp->u.value.b;
			p->u.value.c = tp->u.value.c;
		}
	}
}

/* What the normal world may change: outputs, and a SHM_ALLOC answer. */
static void read_params(const volatile struct optee_msg_arg *arg,
			uint32_t num, struct thread_param *params)
{
	uint32_t n = 0;

	for (n = 0; n < num; n++) {
		const volatile struct optee_msg_param *p = &arg->params[n];
		struct thread_param *tp = &params[n];
		uint64_t attr = p->attr;

		switch (tp->attr) {
		case OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_VALUE_INOUT:
			tp->u.value.a = p->u.value.a;
			tp->u.value.b = p->u.value.b;
			tp->u.value.c = p->u.value.c;
			break;
		case OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_RMEM_INOUT:
			tp->u.memref.size = p->u.rmem.size;
			break;
		case OPTEE_MSG_ATTR_TYPE_VALUE_INPUT:
			/* SHM_ALLOC: the answer replaces the request. */
			if ((attr & OPTEE_MSG_ATTR_TYPE_MASK) ==
			    OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT) {
				tp->attr = (uint32_t)attr;
				tp->u.value.a = p->u.tmem.buf_ptr;
				tp->u.value.b = p->u.tmem.size;
				tp->u.value.c = p->u.tmem.shm_ref;
			}
			break;
		default:
			break;
		}
	}
}

TEE_Result thread_rpc_cmd(uint32_t cmd, uint32_t num,
			  struct thread_param *params)
{
	volatile struct optee_msg_arg *arg = NULL;
	struct arch_smc_args r;
	uint64_t cookie = 0;
	TEE_Result res = TEE_SUCCESS;

	if (num > OPTEE_RPC_MAX_PARAMS || thread_get_id() < 0)
		return TEE_ERROR_BAD_PARAMETERS;
	arg = get_rpc_arg(&cookie, &res);
	if (!arg)
		return res;
	write_params(arg, cmd, num, params);

	memset(&r, 0, sizeof(r));
	r.a0 = OPTEE_SMC_RETURN_RPC_CMD;
	reg_pair_from_64(cookie, &r.a1, &r.a2);
	thread_rpc(&r);

	res = arg->ret;
	read_params(arg, num, params);
	return res;
}

struct nsbuf *thread_rpc_shm_alloc(size_t size)
{
	struct thread_param p;
	struct nsbuf *b = NULL;

	memset(&p, 0, sizeof(p));
	p.attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	p.u.value.a = OPTEE_RPC_SHM_TYPE_KERNEL;
	p.u.value.b = size;
	if (!size || thread_rpc_cmd(OPTEE_RPC_CMD_SHM_ALLOC, 1, &p))
		return NULL;
	/* A page list of at least the size asked for. */
	if (p.attr != (OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT |
		       OPTEE_MSG_ATTR_NONCONTIG) ||
	    p.u.value.b < size ||
	    nsbuf_map_noncontig(p.u.value.a, size, p.u.value.c, true, &b)) {
		EMSG("bad SHM_ALLOC answer");
		if (p.attr != OPTEE_MSG_ATTR_TYPE_VALUE_INPUT) {
			struct thread_param f;

			memset(&f, 0, sizeof(f));
			f.attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
			f.u.value.a = OPTEE_RPC_SHM_TYPE_KERNEL;
			f.u.value.b = p.u.value.c;
			thread_rpc_cmd(OPTEE_RPC_CMD_SHM_FREE, 1, &f);
		}
		return NULL;
	}
	nsbuf_note_call_scoped(b);
	return b;
}

static void send_shm_free(uint64_t cookie)
{
	struct thread_param f;

	memset(&f, 0, sizeof(f));
	f.attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	f.u.value.a = OPTEE_RPC_SHM_TYPE_KERNEL;
	f.u.value.b = cookie;
	thread_rpc_cmd(OPTEE_RPC_CMD_SHM_FREE, 1, &f);
}

void thread_rpc_shm_free(struct nsbuf *b)
{
	uint64_t cookie = 0;

	if (!b)
		return;
	cookie = b->cookie;
	nsbuf_unmap(b);
	send_shm_free(cookie);
}

void thread_rpc_owe_payload(void *payload)
{
	struct nsbuf *b = payload;

	if (!b)
		return;
	b->next = owed_payloads;
	owed_payloads = b;
}

bool thread_rpc_owes_payloads(void)
{
	return owed_payloads != NULL;
}

void thread_rpc_pay_owed_payloads(void)
{
	while (owed_payloads) {
		struct nsbuf *b = owed_payloads;

		/* Off the list first: this thread may be abandoned too. */
		owed_payloads = b->next;
		send_shm_free(b->cookie);
		free(b);
	}
}

struct nsbuf *thread_rpc_shm_cache_alloc(size_t size)
{
	struct nsbuf **slot = (struct nsbuf **)thread_shm_cache_slot();

	if (!slot || !size || size > SIZE_MAX - SMALL_PAGE_SIZE)
		return NULL;
	if (*slot && (*slot)->size >= size)
		return *slot;
	thread_rpc_shm_cache_clear();
	/* The normal world hands out whole pages anyway: ask for them. */
	*slot = thread_rpc_shm_alloc(ROUNDUP(size, (size_t)SMALL_PAGE_SIZE));
	return *slot;
}

void thread_rpc_shm_cache_clear(void)
{
	struct nsbuf **slot = (struct nsbuf **)thread_shm_cache_slot();
	struct nsbuf *b = slot ? *slot : NULL;

	if (!b)
		return;
	/* Off the thread before the RPC: it may be abandoned there. */
	*slot = NULL;
	thread_rpc_shm_free(b);
}
