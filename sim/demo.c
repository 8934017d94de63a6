// SPDX-License-Identifier: BSD-2-Clause
/*
 * `nexsim demo`: a qemu_v8 machine with eight VMs, each running GP client
 * code through the whole path, told as a short story with the figures the
 * machine itself reports.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arch/entry.h>
#include <nexsim/ta_ids.h>
#include <shim/shim.h>
#include <sim/catalog.h>
#include <sim/config.h>
#include <sim/demo.h>
#include <sim/guest.h>
#include <sim/hyp.h>
#include <sim/machine.h>
#include <sim/sched.h>
#include <tee_client_api.h>

#define VMS		8
#define ROUNDS		5
#define VM_RAM		(2u << 20)
#define STRESS_STEP	(128u * 1024u)
#define COUNTS		10

struct app {
	char name[8];
	struct vm *vm;
	TEEC_Context ctx;
	TEEC_Session hello;
	bool hello_open;
	uint32_t counter;
	bool alive;
};

static struct app apps[VMS + 1];
static const TEEC_UUID hello_uuid = TA_HELLO_WORLD_UUID;
static const TEEC_UUID kv_uuid = TA_KV_STORE_UUID;
static const TEEC_UUID stress_uuid = TA_STRESS_UUID;
static const TEEC_UUID panic_uuid = TA_PANIC_UUID;
static const TEEC_UUID storage_uuid = TA_STORAGE_UUID;

static const char *sz(uint64_t bytes, char *buf, size_t size)
{
	return nexsim_format_size(bytes, buf, size);
}

static int start_app(struct app *a, unsigned int n, char *err, size_t size)
{
	snprintf(a->name, sizeof(a->name), "vm%u", n);
	a->vm = hyp_vm_create(VM_RAM, err, size);
	if (!a->vm)
		return -1;
	guest_select(a->vm);
	if (TEEC_InitializeContext(NULL, &a->ctx) ||
	    TEEC_OpenSession(&a->ctx, &a->hello, &hello_uuid, TEEC_LOGIN_PUBLIC,
			     NULL, NULL, NULL)) {
		snprintf(err, size, "%s cannot reach the hello-world TA", a->name);
		return -1;
	}
	a->hello_open = true;
	a->alive = true;
	return 0;
}

/* One hello-world call; returns the TEEC result. */
static TEEC_Result hello_inc(struct app *a)
{
	TEEC_Operation op;
	TEEC_Result res = 0;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].value.a = a->counter;
	res = TEEC_InvokeCommand(&a->hello, TA_HELLO_WORLD_CMD_INC_VALUE, &op,
				 NULL);
	if (!res)
		a->counter = op.params[0].value.a;
	return res;
}

/* Every live VM but @skip calls once; returns the failures. */
static unsigned int round_of_calls(const struct app *skip, unsigned int *calls)
{
	unsigned int failed = 0;
	size_t n = 0;

	for (n = 0; n <= VMS; n++) {
		if (!apps[n].alive || &apps[n] == skip)
			continue;
		failed += hello_inc(&apps[n]) != TEEC_SUCCESS;
		(*calls)++;
	}
	return failed;
}

static void kv(struct app *a, uint32_t cmd, const char *key, char *val,
	       size_t *len, TEEC_Result *res)
{
	TEEC_Session s;
	TEEC_Operation op;

	*res = TEEC_OpenSession(&a->ctx, &s, &kv_uuid, TEEC_LOGIN_PUBLIC, NULL,
				NULL, NULL);
	if (*res)
		return;
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT,
					 cmd == TA_KV_CMD_PUT ?
					 TEEC_MEMREF_TEMP_INPUT :
					 TEEC_MEMREF_TEMP_OUTPUT,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = (void *)key;
	op.params[0].tmpref.size = strlen(key);
	op.params[1].tmpref.buffer = val;
	op.params[1].tmpref.size = *len;
	*res = TEEC_InvokeCommand(&s, cmd, &op, NULL);
	*len = op.params[1].tmpref.size;
	TEEC_CloseSession(&s);
}

static void table(FILE *out)
{
	char a[24], b[24], c[24], d[24];
	size_t n = 0;

	fprintf(out, "  %-6s %-5s %6s %6s %8s  %-21s  %-21s %8s\n", "guest",
		"VM", "std", "fast", "sessions", "heap used / share",
		"TA RAM used / share", "switches");
	for (n = 0; n <= VMS; n++) {
		struct core_guest_info g;
		int32_t slot = 0;

		if (!apps[n].name[0])
			continue;
		if (!apps[n].alive) {
			fprintf(out, "  %-6s %-5s  destroyed: its share was scrubbed "
				"and given to the next VM\n", "-", apps[n].name);
			continue;
		}
		slot = core_find_guest_slot((uint16_t)apps[n].vm->client_id);
		if (slot < 0 || !core_get_slot_info((uint32_t)slot, &g))
			continue;
		fprintf(out, "  %-6u %-5s %6" PRIu64 " %6" PRIu64 " %8u  %9s / %-9s  "
			"%9s / %-9s %8" PRIu64 "\n", g.id, apps[n].name,
			g.std_calls, g.fast_calls, g.sessions,
			sz(g.heap_used, a, sizeof(a)), sz(g.heap_size, b, sizeof(b)),
			sz(g.ta_ram_used, c, sizeof(c)),
			sz(g.ta_ram_size, d, sizeof(d)),
			shim_prtn_switches_of(g.id));
	}
}

/* One vCPU of the concurrent chapter: counts in a stored object. */
struct counter_cpu {
	struct app *a;
	TEEC_Session s;
	unsigned int ok;
	uint32_t last;
};

static void counter_main(void *arg)
{
	struct counter_cpu *c = arg;
	TEEC_Operation op;
	unsigned int n = 0;

	c->a->vm->in_call++;
	for (n = 0; n < COUNTS; n++) {
		memset(&op, 0, sizeof(op));
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT,
						 TEEC_VALUE_OUTPUT, TEEC_NONE,
						 TEEC_NONE);
		op.params[0].tmpref.buffer = "visits";
		op.params[0].tmpref.size = 6;
		if (!TEEC_InvokeCommand(&c->s, TA_STORAGE_CMD_COUNT, &op, NULL)) {
			c->ok++;
			c->last = op.params[1].value.a;
		}
	}
	c->a->vm->in_call--;
}

static void hello_main(void *arg)
{
	struct counter_cpu *c = arg;
	unsigned int n = 0;

	c->a->vm->in_call++;
	for (n = 0; n < COUNTS; n++)
		c->ok += hello_inc(c->a) == TEEC_SUCCESS;
	c->a->vm->in_call--;
}

/*
 * Two vCPUs of vm1 count visits in one persistent object while vm2's vCPU
 * calls hello-world, under the seeded scheduler on several cores.
 */
static int concurrent(FILE *out, const struct demo_options *opt,
		      unsigned int cores, char *err, size_t size)
{
	struct sched_params sp = {
		.cores = cores,
		.seed = opt->seed,
		.preempt_permille = opt->preempt_permille,
	};
	struct counter_cpu c[3];
	struct core_guest_info g;
	struct sched_stats st;
	size_t n = 0;
	int rc = 0;

	memset(c, 0, sizeof(c));
	c[0].a = c[1].a = &apps[0];
	c[2].a = &apps[1];
	for (n = 0; n < 2; n++)
		if (TEEC_OpenSession(&apps[0].ctx, &c[n].s, &storage_uuid,
				     TEEC_LOGIN_PUBLIC, NULL, NULL, NULL)) {
			snprintf(err, size, "vm1 cannot open the storage TA");
			return -1;
		}
	if (sched_start(&sp, err, size))
		return -1;
	if (sched_spawn("vm1.0", counter_main, &c[0]) ||
	    sched_spawn("vm1.1", counter_main, &c[1]) ||
	    sched_spawn("vm2.0", hello_main, &c[2])) {
		snprintf(err, size, "cannot start the vCPUs");
		rc = -1;
	}
	if (!rc)
		rc = sched_run(err, size);
	sched_get_stats(&st);
	sched_stop();
	for (n = 0; n < 2; n++)
		TEEC_CloseSession(&c[n].s);
	if (rc)
		return -1;
	core_get_slot_info((uint32_t)core_find_guest_slot(
			   (uint16_t)apps[0].vm->client_id), &g);
	fprintf(out, "   %u + %u visits counted, the object says %u; vm2 made %u "
		"calls meanwhile.\n", c[0].ok, c[1].ok,
		c[0].last > c[1].last ? c[0].last : c[1].last, c[2].ok);
	fprintf(out, "   seed %" PRIu64 ", %u cores: %" PRIu64 " vCPU switches, "
		"%" PRIu64 " preemptions inside the core, %" PRIu64 " foreign "
		"interrupts, %" PRIu64 " sleeps on vm1's mutexes.\n\n",
		opt->seed, cores, st.switches, st.preemptions, st.interrupts,
		g.mutex_contentions);
	return 0;
}

static int story(FILE *out, struct sim_machine *m,
		 const struct demo_options *opt, char *err, size_t size)
{
	struct core_nexus_info nx;
	struct shim_stats st;
	struct hyp_stats hs;
	char a[24], b[24], c[24], d[24], e[24];
	unsigned int calls = 0;
	unsigned int failed = 0;
	size_t n = 0;
	int round = 0;

	core_get_nexus_info(&nx);
	fprintf(out, "nexsim demo: OP-TEE virtualization on a simulated %s, %u cores, "
		"%u guests\n", m->cfg.platform.name, m->cfg.platform.core_count,
		nx.guest_count);
	fprintf(out, "  TZDRAM %s: nexus TEE RAM %s, TA pool %s in %u equal shares "
		"of TEE RAM %s + TA RAM %s\n\n",
		sz(m->cfg.platform.tzdram_size, a, sizeof(a)),
		sz(nx.tee_ram_size, b, sizeof(b)), sz(nx.ta_pool_size, c, sizeof(c)),
		nx.guest_count, sz(nx.tee_ram_share, d, sizeof(d)),
		sz(nx.ta_ram_share, e, sizeof(e)));

	fprintf(out, "1. The hypervisor creates %u VMs; each VM_CREATED gives one its "
		"share, and its driver negotiates with OP-TEE.\n", VMS);
	for (n = 0; n < VMS; n++)
		if (start_app(&apps[n], (unsigned int)n + 1, err, size))
			return -1;
	fprintf(out, "   vm1..vm%u are clients 1..%u, each with a hello-world "
		"session in its own partition.\n\n", VMS, VMS);

	fprintf(out, "2. They take turns calling the hello-world TA: %d rounds.\n",
		ROUNDS);
	for (round = 0; round < ROUNDS; round++)
		failed += round_of_calls(NULL, &calls);
	fprintf(out, "   %u calls, %u failed; every counter is at %u, kept by "
		"each guest's own TA instance.\n\n", calls, failed, apps[0].counter);

	fprintf(out, "3. vm3 fills its TA RAM share with the stress TA, %s at a "
		"time, while the others keep calling.\n",
		sz(STRESS_STEP, a, sizeof(a)));
	{
		struct app *s3 = &apps[2];
		TEEC_Session stress;
		TEEC_Operation op;
		TEEC_Result res = 0;
		unsigned int others = 0;
		unsigned int others_failed = 0;
		uint32_t held = 0;

		if (TEEC_OpenSession(&s3->ctx, &stress, &stress_uuid,
				     TEEC_LOGIN_PUBLIC, NULL, NULL, NULL)) {
			snprintf(err, size, "vm3 cannot open the stress TA");
			return -1;
		}
		do {
			memset(&op, 0, sizeof(op));
			op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INOUT,
							 TEEC_NONE, TEEC_NONE,
							 TEEC_NONE);
			op.params[0].value.a = STRESS_STEP;
			res = TEEC_InvokeCommand(&stress, TA_STRESS_CMD_HOLD, &op,
						 NULL);
			held = op.params[0].value.b;
			others_failed += round_of_calls(s3, &others);
		} while (res == TEEC_SUCCESS);
		fprintf(out, "   vm3 holds %s of its %s before %s; meanwhile the "
			"others made %u calls, %u failed.\n",
			sz(held, a, sizeof(a)), sz(nx.ta_ram_share, b, sizeof(b)),
			result_name(res), others, others_failed);
		fprintf(out, "   (its stress session stays open: the memory stays "
			"held, and only vm3's share is full.)\n\n");
	}

	fprintf(out, "4. A secret in the key/value store, kept in the guest's TEE "
		"memory.\n");
	{
		char secret[] = "vm1's secret";
		char got[64] = "";
		size_t len = sizeof(secret) - 1;
		TEEC_Result put = 0;
		TEEC_Result get = 0;

		kv(&apps[0], TA_KV_CMD_PUT, "pin", secret, &len, &put);
		len = sizeof(got);
		kv(&apps[1], TA_KV_CMD_GET, "pin", got, &len, &get);
		fprintf(out, "   vm1 stores key \"pin\": %s. vm2 asks for \"pin\": %s, "
			"its store is its own.\n", result_name(put), result_name(get));
		len = sizeof(got);
		kv(&apps[0], TA_KV_CMD_GET, "pin", got, &len, &get);
		fprintf(out, "   vm1 asks again: %s, \"%.*s\".\n\n", result_name(get),
			(int)len, got);
	}

	fprintf(out, "5. A TA panics in vm6.\n");
	{
		TEEC_Session p;
		TEEC_Result res = 0;
		uint32_t origin = 0;

		TEEC_OpenSession(&apps[5].ctx, &p, &panic_uuid, TEEC_LOGIN_PUBLIC,
				 NULL, NULL, NULL);
		res = TEEC_InvokeCommand(&p, TA_PANIC_CMD_PANIC, NULL, &origin);
		fprintf(out, "   its session gets %s (origin %s); ", result_name(res),
			origin_name(origin));
		res = hello_inc(&apps[5]);
		fprintf(out, "vm6's hello-world session still answers: %s.\n\n",
			result_name(res));
		TEEC_CloseSession(&p);
	}

	fprintf(out, "6. The hypervisor destroys vm5 in the middle of the run.\n");
	{
		char err2[128];
		uint32_t slots_before = 0;

		TEEC_FinalizeContext(&apps[4].ctx);
		hyp_vm_destroy(apps[4].vm);
		apps[4].vm = NULL;
		apps[4].alive = false;
		core_get_nexus_info(&nx);
		slots_before = nx.slots_free;
		calls = 0;
		failed = round_of_calls(NULL, &calls);
		fprintf(out, "   VM_DESTROYED: its share is scrubbed and free (%u "
			"free); the %u others call on, %u failed.\n", slots_before,
			calls, failed);
		if (start_app(&apps[VMS], VMS + 1, err2, sizeof(err2)))
			fprintf(out, "   a new VM could not start: %s\n", err2);
		else
			fprintf(out, "   A new VM, vm%u, takes the free share as client "
				"%u.\n\n", VMS + 1, apps[VMS].vm->client_id);
	}

	fprintf(out, "7. Two vCPUs of vm1 count visits in one stored object at "
		"once (GP persistent storage,\n   through RPCs to vm1's "
		"supplicant), while vm2 calls on, scheduled from a seed.\n");
	if (concurrent(out, opt, m->cfg.platform.core_count, err, size))
		return -1;

	fprintf(out, "8. Per guest, as the nexus sees them:\n");
	table(out);
	shim_get_stats(&st);
	hyp_get_stats(&hs);
	fprintf(out, "\n   %" PRIu64 " fast and %" PRIu64 " std SMCs, %" PRIu64
		" partition switches, %" PRIu64 " isolation violations, "
		"%.3f ms of simulated time.\n", st.fast_smcs, st.std_smcs,
		st.prtn_switches, st.violations, (double)shim_time_ns() / 1e6);
	(void)hs;
	return 0;
}

int nexsim_demo(FILE *out, const struct demo_options *opt, char *err,
		size_t err_size)
{
	struct nexsim_config cfg;
	struct sim_machine m;
	size_t n = 0;
	int rc = 0;

	nexsim_config_profile("qemu_v8", &cfg, err, err_size);
	cfg.platform.guest_count = VMS;
	cfg.console_level = 0;
	cfg.on_violation = SHIM_VIOLATION_END_CALL;
	if (opt->cores)
		cfg.platform.core_count = opt->cores;
	memset(apps, 0, sizeof(apps));
	if (sim_machine_start(&m, &cfg, err, err_size))
		return -1;
	if (hyp_init(&m, err, err_size)) {
		sim_machine_stop(&m);
		return -1;
	}
	rc = story(out, &m, opt, err, err_size);
	for (n = 0; n <= VMS; n++)
		if (apps[n].alive)
			TEEC_FinalizeContext(&apps[n].ctx);
	hyp_fini();
	sim_machine_stop(&m);
	return rc;
}
