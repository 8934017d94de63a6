// SPDX-License-Identifier: BSD-2-Clause
/*
 * The GP Internal Core API as a TA sees it, through the test suite's own
 * TAs (tests/ta/): allocation hints, properties, the simulated clock, the
 * deterministic random stream, cancellation masking, a single-session TA,
 * and what happens to a TA that keeps a pointer into shared memory past
 * its call.
 */

#include <string.h>

#include <tests/harness.h>
#include <tests/probe_ta.h>
#include <tests/rawmsg.h>
#include <tests/smc_ids.h>

#define SUCCESS		0x00000000u
#define E_BAD_PARAMS	0xffff0006u
#define E_NOT_FOUND	0xffff0008u
#define E_BUSY		0xffff000du
#define E_SHORT_BUFFER	0xffff0010u
#define E_TARGET_DEAD	0xffff3024u
#define ORIGIN_TEE	3u

/* Property set handles (GP), as the probe takes them in a value. */
#define SET_TEE		0xfffffffdu
#define SET_CLIENT	0xfffffffeu
#define SET_TA		0xffffffffu

static const TEE_UUID probe_uuid = TA_API_PROBE_UUID;
static const TEE_UUID solo_uuid = TA_SOLO_UUID;

static int setup(void **state)
{
	harness_setup_default(state);
	assert_int_equal(sim_vm_created(1), T_OK);
	assert_int_equal(sim_vm_created(2), T_OK);
	return 0;
}

/* Restart the machine with guests 1 and 2 and these settings. */
static void restart(uint64_t seed, enum shim_on_violation mode)
{
	struct nexsim_config cfg;

	harness_stop();
	harness_config(&cfg, "default");
	cfg.platform.random_seed = seed;
	cfg.on_violation = mode;
	harness_start(&cfg);
	assert_int_equal(sim_vm_created(1), T_OK);
	assert_int_equal(sim_vm_created(2), T_OK);
}

static uint64_t default_seed(void)
{
	struct nexsim_config cfg;

	harness_config(&cfg, "default");
	return cfg.platform.random_seed;
}

/* Invoke a probe command with one VALUE_INOUT param; ret, origin, a, b. */
static uint32_t probe(uint32_t guest, uint32_t s, uint32_t cmd,
		      uint32_t *a, uint32_t *b, uint32_t *origin)
{
	struct raw_arg m;

	raw_init(&m, OPTEE_MSG_CMD_INVOKE_COMMAND, 1);
	m.hdr.session = s;
	m.hdr.func = cmd;
	m.hdr.params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INOUT;
	assert_int_equal(raw_call(guest, &m), T_OK);
	if (a)
		*a = (uint32_t)m.hdr.params[0].u.value.a;
	if (b)
		*b = (uint32_t)m.hdr.params[0].u.value.b;
	if (origin)
		*origin = m.hdr.ret_origin;
	return m.hdr.ret;
}

/* The probe's verdict for a self-checking command (a == 1: all held). */
static uint32_t verdict(uint32_t guest, uint32_t s, uint32_t cmd)
{
	uint32_t a = 0;

	assert_int_equal(probe(guest, s, cmd, &a, NULL, NULL), SUCCESS);
	return a;
}

static void test_allocation_hints_properties_and_memory(void **state)
{
	uint32_t s = raw_open_session(1, &probe_uuid);

	(void)state;
	assert_int_equal(verdict(1, s, PROBE_CMD_MALLOC_HINTS), 1);
	assert_int_equal(verdict(1, s, PROBE_CMD_REALLOC), 1);
	assert_int_equal(verdict(1, s, PROBE_CMD_PROPS), 1);
	assert_int_equal(verdict(1, s, PROBE_CMD_MEMORY), 1);
	assert_int_equal(raw_close_session(1, s), SUCCESS);
}

static void test_no_fill_hint_alone_panics_the_ta(void **state)
{
	uint32_t s = raw_open_session(1, &probe_uuid);
	uint32_t origin = 0;

	(void)state;
	assert_int_equal(probe(1, s, PROBE_CMD_NO_FILL, NULL, NULL, &origin),
			 E_TARGET_DEAD);
	assert_int_equal(origin, ORIGIN_TEE);
	assert_int_equal(probe(1, s, PROBE_CMD_MEMORY, NULL, NULL, &origin),
			 E_TARGET_DEAD);
	assert_int_equal(raw_close_session(1, s), SUCCESS);
	/* A new session gets a new instance. */
	s = raw_open_session(1, &probe_uuid);
	assert_int_equal(verdict(1, s, PROBE_CMD_MEMORY), 1);
	assert_int_equal(raw_close_session(1, s), SUCCESS);
}

static void test_system_time_follows_the_simulated_clock(void **state)
{
	uint32_t s = raw_open_session(1, &probe_uuid);
	uint32_t sec0 = 0, ms0 = 0, sec1 = 0, ms1 = 0;
	uint64_t now = 0;

	(void)state;
	assert_int_equal(probe(1, s, PROBE_CMD_TIME, &sec0, &ms0, NULL),
			 SUCCESS);
	assert_true(ms0 < 1000);
	now = shim_time_ns();
	assert_int_equal(sec0, now / 1000000000u);
	assert_int_equal(ms0, now / 1000000u % 1000u);
	/* 2.5 simulated seconds later (plus the SMC's own quantum). */
	shim_advance_time(2500000000ull);
	assert_int_equal(probe(1, s, PROBE_CMD_TIME, &sec1, &ms1, NULL),
			 SUCCESS);
	now = shim_time_ns();
	assert_int_equal(sec1, now / 1000000000u);
	assert_int_equal(ms1, now / 1000000u % 1000u);
	assert_true((uint64_t)sec1 * 1000 + ms1 >=
		    (uint64_t)sec0 * 1000 + ms0 + 2500);
	assert_int_equal(raw_close_session(1, s), SUCCESS);
}

/*
 * Property @name of @set as a string, read by the probe of session @s into
 * a buffer of @cap bytes (out, NUL-terminated by GP on success). Returns
 * ret; the length GP gave back in *@len.
 */
static uint32_t property(uint32_t s, uint32_t set, const char *name,
			 char *out, size_t cap, uint64_t *len)
{
	uint64_t name_pages[1];
	uint64_t out_pages[1];
	struct raw_arg m;

	memset(out, 0, cap);
	raw_init(&m, OPTEE_MSG_CMD_INVOKE_COMMAND, 3);
	m.hdr.session = s;
	m.hdr.func = PROBE_CMD_PROP_STRING;
	m.hdr.params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	m.hdr.params[0].u.value.a = set;
	m.hdr.params[1].attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT |
			       OPTEE_MSG_ATTR_NONCONTIG;
	m.hdr.params[1].u.tmem.buf_ptr = raw_buffer(name, strlen(name), 12,
						    name_pages, 1);
	m.hdr.params[1].u.tmem.size = strlen(name);
	m.hdr.params[2].attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT |
			       OPTEE_MSG_ATTR_NONCONTIG;
	m.hdr.params[2].u.tmem.buf_ptr = raw_buffer(out, cap, 100, out_pages,
						    1);
	m.hdr.params[2].u.tmem.size = cap;
	assert_int_equal(raw_call(1, &m), T_OK);
	*len = m.hdr.params[2].u.tmem.size;
	if (m.hdr.ret == SUCCESS) {
		assert_true(*len <= cap);
		raw_buffer_read(out_pages, 100, out, (size_t)*len);
	}
	return m.hdr.ret;
}

/* @name of @set reads as @want (GP counts the NUL in the length). */
static void check_property(uint32_t s, uint32_t set, const char *name,
			   const char *want)
{
	char got[80];
	uint64_t len = 0;

	assert_int_equal(property(s, set, name, got, sizeof(got), &len),
			 SUCCESS);
	assert_int_equal(len, strlen(want) + 1);
	assert_string_equal(got, want);
}

static void test_every_property_reads_as_a_string(void **state)
{
	uint32_t s = raw_open_session(1, &probe_uuid);
	char got[80];
	uint64_t len = 0;

	(void)state;
	/* The probe's header: single instance, multi-session, not kept alive. */
	check_property(s, SET_TA, "gpd.ta.appID",
		       "74657374-6170-6931-8000-000000000001");
	check_property(s, SET_TA, "gpd.ta.singleInstance", "true");
	check_property(s, SET_TA, "gpd.ta.multiSession", "true");
	check_property(s, SET_TA, "gpd.ta.instanceKeepAlive", "false");
	check_property(s, SET_TA, "gpd.ta.dataSize", "16384");
	check_property(s, SET_TA, "gpd.ta.stackSize", "2048");
	check_property(s, SET_TA, "gpd.ta.description", "api_probe");
	/* A public client: login 0, the nil UUID; little endian (0). */
	check_property(s, SET_CLIENT, "gpd.client.identity",
		       "0:00000000-0000-0000-0000-000000000000");
	check_property(s, SET_CLIENT, "gpd.client.endian", "0");
	check_property(s, SET_TEE, "gpd.tee.apiversion", "1.3.1");
	check_property(s, SET_TEE, "gpd.tee.description",
		       "nexsim OP-TEE virtualization simulator");
	check_property(s, SET_TEE, "gpd.tee.internalCore.version",
		       "16974080");	/* 0x01030100: 1.3.1.0 */
	/* A name in the wrong set, an unknown name, an unknown set. */
	assert_int_equal(property(s, SET_TEE, "gpd.ta.appID", got, sizeof(got),
				  &len), E_NOT_FOUND);
	assert_int_equal(property(s, SET_CLIENT, "gpd.client.nothing", got,
				  sizeof(got), &len), E_NOT_FOUND);
	assert_int_equal(property(s, 0x1234, "gpd.ta.appID", got, sizeof(got),
				  &len), E_NOT_FOUND);
	/* Too small a buffer: SHORT_BUFFER, the size needed, nothing written. */
	assert_int_equal(property(s, SET_TA, "gpd.ta.description", got, 9,
				  &len), E_SHORT_BUFFER);
	assert_int_equal(len, 10);
	assert_int_equal(raw_close_session(1, s), SUCCESS);
}

/* Open a probe session from guest 1 as client @octets with @login. */
static uint32_t open_as(uint32_t login, const uint8_t octets[16])
{
	struct raw_arg m;

	raw_open(&m, &probe_uuid, 0);
	memcpy(&m.hdr.params[1].u.value.a, octets, 8);
	memcpy(&m.hdr.params[1].u.value.b, octets + 8, 8);
	m.hdr.params[1].u.value.c = login;
	assert_int_equal(raw_call(1, &m), T_OK);
	assert_int_equal(m.hdr.ret, SUCCESS);
	return m.hdr.session;
}

static void test_client_identity_follows_the_login(void **state)
{
	static const uint8_t client[16] = {
		0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
		0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00,
	};
	static const struct {
		uint32_t login;
		const char *identity;
	} cases[] = {
		/* Logins that name the client carry its UUID... */
		{ 1, "1:11223344-5566-7788-99aa-bbccddeeff00" },	/* USER */
		{ 2, "2:11223344-5566-7788-99aa-bbccddeeff00" },	/* GROUP */
		{ 4, "4:11223344-5566-7788-99aa-bbccddeeff00" },	/* APPLICATION */
		{ 5, "5:11223344-5566-7788-99aa-bbccddeeff00" },
		{ 6, "6:11223344-5566-7788-99aa-bbccddeeff00" },
		/* ...PUBLIC and REE_KERNEL ignore whatever UUID is sent. */
		{ 0, "0:00000000-0000-0000-0000-000000000000" },
		{ 0x80000000u, "2147483648:00000000-0000-0000-0000-000000000000" },
	};
	uint32_t sessions[sizeof(cases) / sizeof(cases[0])];
	size_t n = 0;

	(void)state;
	/* All open at once on the one instance: each keeps its own client. */
	for (n = 0; n < sizeof(cases) / sizeof(cases[0]); n++)
		sessions[n] = open_as(cases[n].login, client);
	for (n = 0; n < sizeof(cases) / sizeof(cases[0]); n++)
		check_property(sessions[n], SET_CLIENT, "gpd.client.identity",
			       cases[n].identity);
	for (n = 0; n < sizeof(cases) / sizeof(cases[0]); n++)
		assert_int_equal(raw_close_session(1, sessions[n]), SUCCESS);
}

/* Eight random bytes from @guest's first probe session. */
static uint64_t first_random(uint32_t guest)
{
	uint32_t s = raw_open_session(guest, &probe_uuid);
	uint32_t a = 0, b = 0;

	assert_int_equal(probe(guest, s, PROBE_CMD_RANDOM, &a, &b, NULL),
			 SUCCESS);
	assert_int_equal(raw_close_session(guest, s), SUCCESS);
	return (uint64_t)a << 32 | b;
}

static void test_random_is_deterministic_per_seed_and_guest(void **state)
{
	uint64_t g1 = 0, g2 = 0, again = 0, other_seed = 0;

	(void)state;
	restart(0x1234, SHIM_VIOLATION_ABORT);
	g1 = first_random(1);
	g2 = first_random(2);
	restart(0x1234, SHIM_VIOLATION_ABORT);
	/* The other guest first this time: each guest's stream is its own. */
	assert_int_equal(first_random(2), g2);
	again = first_random(1);
	restart(0x1235, SHIM_VIOLATION_ABORT);
	other_seed = first_random(1);

	assert_int_equal(again, g1);
	assert_int_not_equal(g1, g2);
	assert_int_not_equal(g1, other_seed);
	/* And the stream moves on within a guest. */
	assert_int_not_equal(first_random(1), other_seed);
	restart(default_seed(), SHIM_VIOLATION_ABORT);
}

/* CANCEL of session @s from @guest; returns ret. */
static uint32_t cancel_from(uint32_t guest, uint32_t s)
{
	struct raw_arg m;

	raw_init(&m, OPTEE_MSG_CMD_CANCEL, 0);
	m.hdr.session = s;
	assert_int_equal(raw_call(guest, &m), T_OK);
	return m.hdr.ret;
}

static void test_cancellation_is_masked_until_unmasked(void **state)
{
	uint32_t s = raw_open_session(1, &probe_uuid);
	uint32_t masked = 9, unmasked = 9;

	(void)state;
	/* No request: both views are false. */
	assert_int_equal(probe(1, s, PROBE_CMD_CANCEL, &masked, &unmasked,
			       NULL), SUCCESS);
	assert_int_equal(masked, 0);
	assert_int_equal(unmasked, 0);

	assert_int_equal(cancel_from(1, s), SUCCESS);
	/* Entry masks it: only the unmasked view sees the request. */
	assert_int_equal(probe(1, s, PROBE_CMD_CANCEL, &masked, &unmasked,
			       NULL), SUCCESS);
	assert_int_equal(masked, 0);
	assert_int_equal(unmasked, 1);
	/* The request ended with the call that could see it. */
	assert_int_equal(probe(1, s, PROBE_CMD_CANCEL, &masked, &unmasked,
			       NULL), SUCCESS);
	assert_int_equal(unmasked, 0);
	/* Another guest cannot cancel this guest's session. */
	assert_int_equal(cancel_from(2, s), E_BAD_PARAMS);
	assert_int_equal(probe(1, s, PROBE_CMD_CANCEL, &masked, &unmasked,
			       NULL), SUCCESS);
	assert_int_equal(unmasked, 0);
	assert_int_equal(raw_close_session(1, s), SUCCESS);
}

static void test_single_session_ta_is_busy_while_open(void **state)
{
	uint32_t first = raw_open_session(1, &solo_uuid);
	uint32_t again = 0;
	struct raw_arg m;

	(void)state;
	raw_open(&m, &solo_uuid, 0);
	assert_int_equal(raw_call(1, &m), T_OK);
	assert_int_equal(m.hdr.ret, E_BUSY);
	assert_int_equal(m.hdr.ret_origin, ORIGIN_TEE);
	/* Instances are per guest: guest 2 has its own. */
	again = raw_open_session(2, &solo_uuid);
	assert_int_equal(raw_close_session(2, again), SUCCESS);
	/* Free again once the session closes. */
	assert_int_equal(raw_close_session(1, first), SUCCESS);
	again = raw_open_session(1, &solo_uuid);
	assert_int_equal(raw_close_session(1, again), SUCCESS);
}

static void test_a_panic_at_open_leaves_no_session(void **state)
{
	struct core_guest_info before;
	struct core_guest_info after;
	uint32_t s = 0;
	struct raw_arg m;

	(void)state;
	assert_true(core_get_slot_info((uint32_t)core_find_guest_slot(1),
				       &before));
	raw_open(&m, &solo_uuid, 1);
	m.hdr.params[2].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	m.hdr.params[2].u.value.a = SOLO_OPEN_PANIC;
	assert_int_equal(raw_call(1, &m), T_OK);
	assert_int_equal(m.hdr.ret, E_TARGET_DEAD);
	assert_int_equal(m.hdr.ret_origin, ORIGIN_TEE);
	assert_int_equal(m.hdr.session, 0);
	assert_true(core_get_slot_info((uint32_t)core_find_guest_slot(1),
				       &after));
	assert_int_equal(after.sessions, before.sessions);
	assert_int_equal(after.heap_used, before.heap_used);
	assert_int_equal(after.ta_ram_used, before.ta_ram_used);
	/* The dead instance holds nothing: the single session is free. */
	s = raw_open_session(1, &solo_uuid);
	assert_int_equal(raw_close_session(1, s), SUCCESS);
}

/* Guest 1 has the probe of session @s keep a pointer to @byte in NS RAM. */
static void keep_pointer(uint32_t s, uint8_t byte, size_t offset)
{
	uint64_t pages[1];
	struct raw_arg m;

	raw_init(&m, OPTEE_MSG_CMD_INVOKE_COMMAND, 1);
	m.hdr.session = s;
	m.hdr.func = PROBE_CMD_KEEP_PTR;
	m.hdr.params[0].attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT |
			       OPTEE_MSG_ATTR_NONCONTIG;
	m.hdr.params[0].u.tmem.buf_ptr = raw_buffer(&byte, 1, offset, pages, 1);
	m.hdr.params[0].u.tmem.size = 1;
	assert_int_equal(raw_call(1, &m), T_OK);
	assert_int_equal(m.hdr.ret, SUCCESS);
}

static void test_stale_shared_memory_pointer_kills_the_ta(void **state)
{
	const struct shim_violation *v = NULL;
	struct shim_stats st;
	uint32_t origin = 0;
	uint32_t a = 0;
	uint32_t s = 0;
	uint32_t other = 0;

	(void)state;
	restart(default_seed(), SHIM_VIOLATION_END_CALL);
	s = raw_open_session(1, &probe_uuid);
	other = raw_open_session(1, &probe_uuid);

	/* The TA keeps a pointer to a memref: fine during that call. */
	keep_pointer(s, 0x5a, 40);

	/* Using it in a later call is caught, and the TA dies of it. */
	assert_int_equal(probe(1, s, PROBE_CMD_USE_PTR, &a, NULL, &origin),
			 E_TARGET_DEAD);
	assert_int_equal(origin, ORIGIN_TEE);
	v = shim_last_violation();
	assert_int_equal(v->owner, SHIM_OWNER_NSEC_UNMAPPED);
	assert_int_equal(v->access, SHIM_ACCESS_READ);
	assert_int_equal(v->active_guest, 1);
	shim_get_stats(&st);
	assert_int_equal(st.violations, 1);
	assert_int_equal(st.ta_faults, 1);
	assert_int_equal(st.aborted_calls, 0);

	/* The same single instance served both sessions: both see it dead. */
	assert_int_equal(probe(1, other, PROBE_CMD_MEMORY, NULL, NULL, NULL),
			 E_TARGET_DEAD);
	/* The rest of the machine goes on; nothing is left mapped. */
	assert_int_equal(raw_close_session(1, s), SUCCESS);
	assert_int_equal(raw_close_session(1, other), SUCCESS);
	s = raw_open_session(1, &probe_uuid);
	assert_int_equal(verdict(1, s, PROBE_CMD_MEMORY), 1);
	assert_int_equal(raw_close_session(1, s), SUCCESS);
	shim_get_stats(&st);
	assert_int_equal(st.ns_maps_live, 0);

	restart(default_seed(), SHIM_VIOLATION_ABORT);
}

static void test_repeated_ta_faults_leave_the_core_usable(void **state)
{
	uint32_t s = 0;
	uint32_t n = 0;

	(void)state;
	restart(default_seed(), SHIM_VIOLATION_END_CALL);
	/* More TA deaths by fault than TA calls may nest (4). */
	for (n = 0; n < 8; n++) {
		s = raw_open_session(1, &probe_uuid);
		keep_pointer(s, 1, 0);
		assert_int_equal(probe(1, s, PROBE_CMD_USE_PTR, NULL, NULL,
				       NULL), E_TARGET_DEAD);
		assert_int_equal(raw_close_session(1, s), SUCCESS);
	}
	s = raw_open_session(1, &probe_uuid);
	assert_int_equal(verdict(1, s, PROBE_CMD_MEMORY), 1);
	assert_int_equal(raw_close_session(1, s), SUCCESS);
	restart(default_seed(), SHIM_VIOLATION_ABORT);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allocation_hints_properties_and_memory),
		cmocka_unit_test(test_no_fill_hint_alone_panics_the_ta),
		cmocka_unit_test(test_system_time_follows_the_simulated_clock),
		cmocka_unit_test(test_random_is_deterministic_per_seed_and_guest),
		cmocka_unit_test(test_cancellation_is_masked_until_unmasked),
		cmocka_unit_test(test_single_session_ta_is_busy_while_open),
		cmocka_unit_test(test_a_panic_at_open_leaves_no_session),
		cmocka_unit_test(test_stale_shared_memory_pointer_kills_the_ta),
		cmocka_unit_test(test_repeated_ta_faults_leave_the_core_usable),
		cmocka_unit_test(test_every_property_reads_as_a_string),
		cmocka_unit_test(test_client_identity_follows_the_login),
	};

	harness_init(argc, argv);
	return HARNESS_RUN("gp_api", tests, setup, harness_teardown);
}
