// SPDX-License-Identifier: BSD-2-Clause
/*
 * Yielding calls on a claimed thread of the caller's partition: the
 * OP-TEE message layer (OP-TEE's thread_optee_smc.c std entry and
 * tee/entry_std.c).
 *
 * The argument page is mapped for the call only. Its header and the
 * parameters a command uses are read once into secure memory, so a normal
 * world that rewrites them during the call changes nothing; the results
 * (ret, ret_origin, session, output values and sizes) are written back at
 * the end. Every check happens before anything changes.
 */

#include <arch/mmu.h>
#include <arch/platform.h>
#include <kernel/panic.h>
#include <kernel/thread.h>
#include <lib/string.h>
#include <optee_msg.h>
#include <sm/optee_smc.h>
#include <tee/entry.h>
#include <tee/nsbuf.h>
#include <tee/ta.h>
#include <tee_api_defines.h>
#include <trace.h>
#include <util.h>

/* Two META params (TA UUID, client identity) and four TA params. */
#define MAX_USED_PARAMS		(2 + TEE_NUM_PARAMS)

/* What the core keeps of the normal world's argument. */
struct msg {
	struct {
		uint32_t cmd;
		uint32_t func;
		uint32_t session;
		uint32_t cancel_id;
		uint32_t ret;
		uint32_t ret_origin;
	} hdr;			/* the header's fields in use */
	struct optee_msg_param params[MAX_USED_PARAMS];
	uint32_t num_params;	/* as the normal world said */
	uint32_t copied;	/* params read into @params */
};

/* One call's parameters as the TA sees them, and what backs them. */
struct ta_params {
	uint32_t types;
	TEE_Param p[TEE_NUM_PARAMS];
	uint64_t attr[TEE_NUM_PARAMS];
	struct nsbuf *tmp[TEE_NUM_PARAMS];	/* temporary mappings */
	struct nsbuf *reg[TEE_NUM_PARAMS];	/* registered in use */
};

/* The arg page lies entirely in non-secure DRAM. */
static bool arg_in_nsec_ddr(uint64_t pa)
{
	const struct arch_platform *plat = arch_get_platform();
	uint64_t base = pa_addr(plat->nsec_ddr_base);
	uint64_t end = 0;

	if (ADD_OVERFLOW(pa, (uint64_t)SMALL_PAGE_SIZE, &end))
		return false;
	return pa >= base && end <= base + plat->nsec_ddr_size;
}

static void release_params(struct ta_params *tp)
{
	size_t n = 0;

	for (n = 0; n < TEE_NUM_PARAMS; n++) {
		nsbuf_unmap(tp->tmp[n]);
		tp->tmp[n] = NULL;
		if (tp->reg[n])
			nsbuf_put_registered(tp->reg[n]);
		tp->reg[n] = NULL;
	}
}

static TEE_Result set_tmem(const struct optee_msg_param *mp, size_t n,
			   struct ta_params *tp)
{
	const struct optee_msg_param_tmem *t = &mp->u.tmem;
	TEE_Result res = TEE_SUCCESS;

	/* A NULL buffer is a memref of no bytes (MEMREF_NULL). */
	if (!t->buf_ptr) {
		tp->p[n].memref.buffer = NULL;
		tp->p[n].memref.size = 0;
		return TEE_SUCCESS;
	}
	/* Without reserved shared memory, only page lists can be mapped. */
	if (!(mp->attr & OPTEE_MSG_ATTR_NONCONTIG))
		return TEE_ERROR_BAD_PARAMETERS;
	res = nsbuf_map_noncontig(t->buf_ptr, t->size, t->shm_ref, true,
				  &tp->tmp[n]);
	if (res)
		return res;
	nsbuf_note_call_scoped(tp->tmp[n]);
	tp->p[n].memref.buffer = nsbuf_data(tp->tmp[n]);
	tp->p[n].memref.size = (size_t)t->size;
	return TEE_SUCCESS;
}

static TEE_Result set_rmem(const struct optee_msg_param *mp, size_t n,
			   struct ta_params *tp)
{
	const struct optee_msg_param_rmem *r = &mp->u.rmem;
	struct nsbuf *b = nsbuf_get_registered(r->shm_ref);
	uint64_t end = 0;

	if (!b)
		return TEE_ERROR_BAD_PARAMETERS;
	tp->reg[n] = b;
	/* The range lies inside what was registered. */
	if (ADD_OVERFLOW(r->offs, r->size, &end) || end > b->size)
		return TEE_ERROR_SECURITY;
	tp->p[n].memref.buffer = (uint8_t *)nsbuf_data(b) + r->offs;
	tp->p[n].memref.size = (size_t)r->size;
	return TEE_SUCCESS;
}

/*
 * OP-TEE's copy_in_params(): up to four non-META params of known types.
 * On error, whatever was mapped is released by release_params().
 */
static TEE_Result copy_in_params(const struct optee_msg_param *mp,
				 uint32_t count, struct ta_params *tp)
{
	uint32_t pt[TEE_NUM_PARAMS] = { 0 };
	TEE_Result res = TEE_SUCCESS;
	size_t n = 0;

	memset(tp, 0, sizeof(*tp));
	if (count > TEE_NUM_PARAMS)
		return TEE_ERROR_BAD_PARAMETERS;
	for (n = 0; n < count; n++) {
		uint64_t type = mp[n].attr & OPTEE_MSG_ATTR_TYPE_MASK;

		tp->attr[n] = mp[n].attr;
		/* META only on open's first two; NONCONTIG only on tmem. */
		if (mp[n].attr & ~(uint64_t)(OPTEE_MSG_ATTR_TYPE_MASK |
					     OPTEE_MSG_ATTR_NONCONTIG))
			return TEE_ERROR_BAD_PARAMETERS;
		if ((mp[n].attr & OPTEE_MSG_ATTR_NONCONTIG) &&
		    (type < OPTEE_MSG_ATTR_TYPE_TMEM_INPUT ||
		     type > OPTEE_MSG_ATTR_TYPE_TMEM_INOUT))
			return TEE_ERROR_BAD_PARAMETERS;
		switch (type) {
		case OPTEE_MSG_ATTR_TYPE_NONE:
			pt[n] = TEE_PARAM_TYPE_NONE;
			break;
		case OPTEE_MSG_ATTR_TYPE_VALUE_INPUT:
		case OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_VALUE_INOUT:
			pt[n] = TEE_PARAM_TYPE_VALUE_INPUT + (uint32_t)type -
				OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
			tp->p[n].value.a = (uint32_t)mp[n].u.value.a;
			tp->p[n].value.b = (uint32_t)mp[n].u.value.b;
			break;
		case OPTEE_MSG_ATTR_TYPE_TMEM_INPUT:
		case OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_TMEM_INOUT:
			res = set_tmem(&mp[n], n, tp);
			if (res)
				return res;
			pt[n] = TEE_PARAM_TYPE_MEMREF_INPUT + (uint32_t)type -
				OPTEE_MSG_ATTR_TYPE_TMEM_INPUT;
			break;
		case OPTEE_MSG_ATTR_TYPE_RMEM_INPUT:
		case OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_RMEM_INOUT:
			res = set_rmem(&mp[n], n, tp);
			if (res)
				return res;
			pt[n] = TEE_PARAM_TYPE_MEMREF_INPUT + (uint32_t)type -
				OPTEE_MSG_ATTR_TYPE_RMEM_INPUT;
			break;
		default:
			return TEE_ERROR_BAD_PARAMETERS;
		}
	}
	tp->types = TEE_PARAM_TYPES(pt[0], pt[1], pt[2], pt[3]);
	return TEE_SUCCESS;
}

/* OP-TEE's copy_out_param(): output values and memref sizes. */
static void copy_out_params(const struct ta_params *tp, uint32_t count,
			    struct optee_msg_param *mp)
{
	size_t n = 0;

	for (n = 0; n < count && n < TEE_NUM_PARAMS; n++) {
		switch (TEE_PARAM_TYPE_GET(tp->types, n)) {
		case TEE_PARAM_TYPE_VALUE_OUTPUT:
		case TEE_PARAM_TYPE_VALUE_INOUT:
			mp[n].u.value.a = tp->p[n].value.a;
			mp[n].u.value.b = tp->p[n].value.b;
			break;
		case TEE_PARAM_TYPE_MEMREF_OUTPUT:
		case TEE_PARAM_TYPE_MEMREF_INOUT:
			/* tmem.size and rmem.size share their place. */
			mp[n].u.tmem.size = tp->p[n].memref.size;
			break;
		default:
			break;
		}
	}
}

/* A UUID from the 16 bytes of a value param (a, then b), as OP-TEE. */
static void uuid_from_value(TEE_UUID *uuid, const struct optee_msg_param *p)
{
	uint8_t o[16];
	size_t n = 0;

	memcpy(o, &p->u.value.a, 8);
	memcpy(o + 8, &p->u.value.b, 8);
	uuid->timeLow = ((uint32_t)o[0] << 24) | ((uint32_t)o[1] << 16) |
			((uint32_t)o[2] << 8) | o[3];
	uuid->timeMid = (uint16_t)((o[4] << 8) | o[5]);
	uuid->timeHiAndVersion = (uint16_t)((o[6] << 8) | o[7]);
	for (n = 0; n < 8; n++)
		uuid->clockSeqAndNode[n] = o[8 + n];
}

static TEE_Result open_session_meta(const struct msg *m, TEE_UUID *uuid,
				    TEE_Identity *client)
{
	const uint64_t meta = OPTEE_MSG_ATTR_META |
			      OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;

	if (m->num_params < 2 || m->params[0].attr != meta ||
	    m->params[1].attr != meta)
		return TEE_ERROR_BAD_PARAMETERS;
	uuid_from_value(uuid, &m->params[0]);
	memset(client, 0, sizeof(*client));
	client->login = (uint32_t)m->params[1].u.value.c;
	switch (client->login) {
	case TEE_LOGIN_PUBLIC:
	case TEE_LOGIN_REE_KERNEL:
		break;
	case TEE_LOGIN_USER:
	case TEE_LOGIN_GROUP:
	case TEE_LOGIN_APPLICATION:
	case TEE_LOGIN_APPLICATION_USER:
	case TEE_LOGIN_APPLICATION_GROUP:
		uuid_from_value(&client->uuid, &m->params[1]);
		break;
	default:
		return TEE_ERROR_BAD_PARAMETERS;
	}
	return TEE_SUCCESS;
}

static void open_session(struct msg *m)
{
	struct ta_params tp;
	TEE_Identity client;
	TEE_UUID uuid;
	uint32_t origin = TEE_ORIGIN_TEE;
	uint32_t id = 0;
	TEE_Result res = open_session_meta(m, &uuid, &client);

	memset(&tp, 0, sizeof(tp));
	if (!res)
		res = copy_in_params(m->params + 2, m->num_params - 2, &tp);
	if (!res) {
		res = ta_open_session(&uuid, &client, tp.types, tp.p, &id,
				      &origin);
		copy_out_params(&tp, m->num_params - 2, m->params + 2);
	}
	release_params(&tp);
	m->hdr.session = res ? 0 : id;
	m->hdr.ret = res;
	m->hdr.ret_origin = origin;
}

static void invoke_command(struct msg *m)
{
	struct ta_params tp;
	uint32_t origin = TEE_ORIGIN_TEE;
	TEE_Result res = copy_in_params(m->params, m->num_params, &tp);

	if (!res) {
		res = ta_invoke(m->hdr.session, m->hdr.func, tp.types, tp.p,
				&origin);
		/* Outputs go back even on error: SHORT_BUFFER needs the size. */
		copy_out_params(&tp, m->num_params, m->params);
	}
	release_params(&tp);
	m->hdr.ret = res;
	m->hdr.ret_origin = origin;
}

static void close_session(struct msg *m)
{
	m->hdr.ret = m->num_params ? TEE_ERROR_BAD_PARAMETERS :
				     ta_close_session(m->hdr.session);
	m->hdr.ret_origin = TEE_ORIGIN_TEE;
}

static void cancel(struct msg *m)
{
	uint32_t origin = TEE_ORIGIN_TEE;

	m->hdr.ret = m->num_params ? TEE_ERROR_BAD_PARAMETERS :
				     ta_cancel(m->hdr.session, &origin);
	m->hdr.ret_origin = origin;
}

static void register_shm(struct msg *m)
{
	const struct optee_msg_param *p = &m->params[0];
	struct nsbuf *b = NULL;
	TEE_Result res = TEE_ERROR_BAD_PARAMETERS;

	/* One page list, marked as OP-TEE and Linux mark it. */
	if (m->num_params == 1 &&
	    p->attr == (OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT |
			OPTEE_MSG_ATTR_NONCONTIG)) {
		res = nsbuf_map_noncontig(p->u.tmem.buf_ptr, p->u.tmem.size,
					  p->u.tmem.shm_ref, false, &b);
		if (!res) {
			res = nsbuf_register(b);
			if (res)
				nsbuf_unmap(b);
		}
	}
	m->hdr.ret = res;
	m->hdr.ret_origin = TEE_ORIGIN_TEE;
}

static void unregister_shm(struct msg *m)
{
	/* One registered-memory reference naming the cookie. */
	m->hdr.ret = m->num_params != 1 ||
		     m->params[0].attr != OPTEE_MSG_ATTR_TYPE_RMEM_INPUT ?
		     TEE_ERROR_BAD_PARAMETERS :
		     nsbuf_unregister(m->params[0].u.rmem.shm_ref);
	m->hdr.ret_origin = TEE_ORIGIN_TEE;
}

/* Read the header and the params any command can use, once. */
static void read_msg(const volatile struct optee_msg_arg *arg, struct msg *m)
{
	uint32_t n = 0;

	memset(m, 0, sizeof(*m));
	m->hdr.cmd = arg->cmd;
	m->hdr.func = arg->func;
	m->hdr.session = arg->session;
	m->hdr.cancel_id = arg->cancel_id;
	m->num_params = arg->num_params;
	m->copied = MIN(m->num_params, (uint32_t)MAX_USED_PARAMS);
	for (n = 0; n < m->copied; n++) {
		m->params[n].attr = arg->params[n].attr;
		m->params[n].u.value.a = arg->params[n].u.value.a;
		m->params[n].u.value.b = arg->params[n].u.value.b;
		m->params[n].u.value.c = arg->params[n].u.value.c;
	}
}

/* Results back into the normal world's argument, and nothing else. */
static void write_results(volatile struct optee_msg_arg *arg,
			  const struct msg *m)
{
	uint32_t n = 0;

	arg->ret = m->hdr.ret;
	arg->ret_origin = m->hdr.ret_origin;
	arg->session = m->hdr.session;
	for (n = 0; n < m->copied; n++) {
		uint64_t type = m->params[n].attr & OPTEE_MSG_ATTR_TYPE_MASK;

		if (m->params[n].attr & OPTEE_MSG_ATTR_META)
			continue;
		switch (type) {
		case OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_VALUE_INOUT:
			arg->params[n].u.value.a = m->params[n].u.value.a;
			arg->params[n].u.value.b = m->params[n].u.value.b;
			break;
		case OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_TMEM_INOUT:
		case OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_RMEM_INOUT:
			arg->params[n].u.tmem.size = m->params[n].u.tmem.size;
			break;
		default:
			break;
		}
	}
}

static uint32_t call_with_arg(uint32_t a1, uint32_t a2)
{
	uint64_t parg = reg_pair_to_64(a1, a2);
	paddr_t page = pa_init(parg);
	volatile struct optee_msg_arg *arg = NULL;
	struct msg msg;
	struct msg *m = &msg;
	uint32_t rv = OPTEE_SMC_RETURN_OK;

	/* Dynamic shared memory: the arg starts a page of non-secure RAM. */
	if (parg & SMALL_PAGE_MASK || !arg_in_nsec_ddr(parg))
		return OPTEE_SMC_RETURN_EBADADDR;
	arg = arch_nsec_map(&page, 1, true);
	if (!arg)
		return OPTEE_SMC_RETURN_EBADADDR;
	thread_note_nsec_map((void *)arg, true);
	read_msg(arg, m);
	/* The whole arg fits the page: at most 127 params. */
	if (m->num_params > OPTEE_MSG_MAX_NUM_PARAMS) {
		rv = OPTEE_SMC_RETURN_EBADADDR;
		goto out;
	}

	switch (m->hdr.cmd) {
	case OPTEE_MSG_CMD_OPEN_SESSION:
		open_session(m);
		break;
	case OPTEE_MSG_CMD_INVOKE_COMMAND:
		invoke_command(m);
		break;
	case OPTEE_MSG_CMD_CLOSE_SESSION:
		close_session(m);
		break;
	case OPTEE_MSG_CMD_CANCEL:
		cancel(m);
		break;
	case OPTEE_MSG_CMD_REGISTER_SHM:
		register_shm(m);
		break;
	case OPTEE_MSG_CMD_UNREGISTER_SHM:
		unregister_shm(m);
		break;
	default:
		EMSG("unknown cmd %#x", (unsigned int)m->hdr.cmd);
		rv = OPTEE_SMC_RETURN_EBADCMD;
		goto out;
	}
	write_results(arg, m);
out:
	thread_forget_nsec_map((void *)arg);
	arch_nsec_unmap((void *)arg, true);
	return rv;
}

uint32_t tee_entry_std_smc(uint32_t a0, uint32_t a1, uint32_t a2,
			   uint32_t a3)
{
	(void)a3;	/* cache attributes: all memory is cached here */

	switch (a0) {
	case OPTEE_SMC_CALL_WITH_ARG:
		return call_with_arg(a1, a2);
	default:
		/*
		 * CALL_WITH_RPC_ARG and CALL_WITH_REGD_ARG need the RPC_ARG
		 * capability, which this core does not announce.
		 */
		return OPTEE_SMC_RETURN_EBADCMD;
	}
}
