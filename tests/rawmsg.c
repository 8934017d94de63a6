// SPDX-License-Identifier: BSD-2-Clause

#include <string.h>

#include <tests/harness.h>
#include <tests/rawmsg.h>
#include <tests/smc_ids.h>

/* Test pages come from the top half of non-secure RAM, scattered. */
static uint64_t next_page;

void raw_reset(void)
{
	next_page = 0;
}

uint64_t raw_page(void)
{
	const struct arch_platform *p = &harness_machine.cfg.platform;
	uint64_t base = pa_addr(p->nsec_ddr_base) + p->nsec_ddr_size / 2;
	uint64_t pa = 0;
	static const uint8_t zero[4096];

	/* Every third page: neighbours are never contiguous by accident. */
	pa = base + next_page * 3 * 4096;
	next_page++;
	assert_true(pa + 4096 <= pa_addr(p->nsec_ddr_base) + p->nsec_ddr_size);
	assert_int_equal(sim_phys_write(&harness_machine, pa, zero, 4096), 0);
	return pa;
}

void raw_init(struct raw_arg *a, uint32_t cmd, uint32_t num_params)
{
	memset(a, 0, sizeof(*a));
	a->hdr.cmd = cmd;
	a->hdr.num_params = num_params;
}

/* The 16 octets of a UUID, as the Linux driver puts them in a and b. */
static void uuid_to_value(const TEE_UUID *u, struct optee_msg_param *p)
{
	uint8_t o[16];

	o[0] = (uint8_t)(u->timeLow >> 24);
	o[1] = (uint8_t)(u->timeLow >> 16);
	o[2] = (uint8_t)(u->timeLow >> 8);
	o[3] = (uint8_t)u->timeLow;
	o[4] = (uint8_t)(u->timeMid >> 8);
	o[5] = (uint8_t)u->timeMid;
	o[6] = (uint8_t)(u->timeHiAndVersion >> 8);
	o[7] = (uint8_t)u->timeHiAndVersion;
	memcpy(o + 8, u->clockSeqAndNode, 8);
	memcpy(&p->u.value.a, o, 8);
	memcpy(&p->u.value.b, o + 8, 8);
}

void raw_open(struct raw_arg *a, const TEE_UUID *uuid, uint32_t extra_params)
{
	raw_init(a, OPTEE_MSG_CMD_OPEN_SESSION, 2 + extra_params);
	a->hdr.params[0].attr = OPTEE_MSG_ATTR_META |
				OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	uuid_to_value(uuid, &a->hdr.params[0]);
	a->hdr.params[1].attr = OPTEE_MSG_ATTR_META |
				OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	a->hdr.params[1].u.value.c = OPTEE_MSG_LOGIN_PUBLIC;
}

uint32_t raw_call_at(uint32_t guest, uint64_t pa, struct raw_arg *a)
{
	uint32_t a0 = 0;

	assert_int_equal(sim_phys_write(&harness_machine, pa, a, sizeof(*a)), 0);
	a0 = harness_smc(0, T_CALL_WITH_ARG, (uint32_t)(pa >> 32), (uint32_t)pa,
			 0, guest, NULL);
	assert_int_equal(sim_phys_read(&harness_machine, pa, a, sizeof(*a)), 0);
	return a0;
}

uint32_t raw_call(uint32_t guest, struct raw_arg *a)
{
	return raw_call_at(guest, raw_page(), a);
}

uint64_t raw_buffer(const void *data, size_t len, size_t offset,
		    uint64_t *pages, size_t max)
{
	size_t count = (offset + len + 4095) / 4096;
	uint64_t list_pa = raw_page();
	uint64_t list[512] = { 0 };
	uint64_t first_list = list_pa;
	size_t n = 0;
	size_t k = 0;

	assert_true(count <= max);
	for (n = 0; n < count; n++)
		pages[n] = raw_page();
	/* Data, page by page, starting at @offset in the first page. */
	for (n = 0, k = 0; k < len; n++) {
		size_t at = n ? 0 : offset;
		size_t chunk = 4096 - at < len - k ? 4096 - at : len - k;

		assert_int_equal(sim_phys_write(&harness_machine, pages[n] + at,
						(const uint8_t *)data + k,
						chunk), 0);
		k += chunk;
	}
	/* Lists of 511 entries, the 512th links the next list page. */
	for (n = 0; n < count; n++) {
		list[n % 511] = pages[n];
		if (n % 511 == 510 && n + 1 < count) {
			uint64_t next = raw_page();

			list[511] = next;
			assert_int_equal(sim_phys_write(&harness_machine, list_pa,
							list, sizeof(list)), 0);
			memset(list, 0, sizeof(list));
			list_pa = next;
		}
	}
	assert_int_equal(sim_phys_write(&harness_machine, list_pa, list,
					sizeof(list)), 0);
	return first_list | offset;
}

void raw_buffer_read(const uint64_t *pages, size_t offset, void *out,
		     size_t len)
{
	size_t n = 0;
	size_t k = 0;

	for (n = 0, k = 0; k < len; n++) {
		size_t at = n ? 0 : offset;
		size_t chunk = 4096 - at < len - k ? 4096 - at : len - k;

		assert_int_equal(sim_phys_read(&harness_machine, pages[n] + at,
					       (uint8_t *)out + k, chunk), 0);
		k += chunk;
	}
}

uint32_t raw_open_session(uint32_t guest, const TEE_UUID *uuid)
{
	struct raw_arg a;

	raw_open(&a, uuid, 0);
	assert_int_equal(raw_call(guest, &a), T_OK);
	assert_int_equal(a.hdr.ret, 0);
	assert_int_not_equal(a.hdr.session, 0);
	return a.hdr.session;
}

uint32_t raw_invoke_value(uint32_t guest, uint32_t session, uint32_t cmd,
			  uint32_t *a, uint32_t *origin)
{
	struct raw_arg m;

	raw_init(&m, OPTEE_MSG_CMD_INVOKE_COMMAND, 1);
	m.hdr.session = session;
	m.hdr.func = cmd;
	m.hdr.params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INOUT;
	m.hdr.params[0].u.value.a = *a;
	assert_int_equal(raw_call(guest, &m), T_OK);
	*a = (uint32_t)m.hdr.params[0].u.value.a;
	if (origin)
		*origin = m.hdr.ret_origin;
	return m.hdr.ret;
}

uint32_t raw_close_session(uint32_t guest, uint32_t session)
{
	struct raw_arg m;

	raw_init(&m, OPTEE_MSG_CMD_CLOSE_SESSION, 0);
	m.hdr.session = session;
	assert_int_equal(raw_call(guest, &m), T_OK);
	return m.hdr.ret;
}
