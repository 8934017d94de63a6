// SPDX-License-Identifier: BSD-2-Clause
/*
 * Benchmarks of the nexus model. Each one builds its own machine, warms it
 * up, then times batches of operations with CLOCK_MONOTONIC and reports
 * the median (and the spread) of the per-operation time over the batches.
 */

#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nexsim/ta_ids.h>
#include <sim/bench.h>
#include <sim/guest.h>
#include <sim/hyp.h>
#include <sim/machine.h>
#include <tee_client_api.h>

#define SMC_CALLS_COUNT		0xbf00ff00u
#define SMC_GET_THREAD_COUNT	0xb200000fu
#define SMC_CALL_WITH_ARG	0x32000004u

#define MAX_BATCHES		31

struct row {
	const char *name;
	const char *unit;
	double scale;		/* ns per unit */
	double median;		/* in ns, or in the unit if scale is 0 */
	double min;
	double max;
	const char *goal;
};

struct run {
	const struct bench_options *opt;
	FILE *out;
	char *err;
	size_t err_size;
	struct sim_machine m;
};

static bool json_first = true;

double bench_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a;
	double y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double bench_median(double *values, size_t n)
{
	qsort(values, n, sizeof(double), cmp_double);
	return values[n / 2];
}

static void emit(struct run *r, const struct row *row)
{
	double s = row->scale ? row->scale : 1.0;

	if (r->opt->json) {
		fprintf(r->out, "%s\n  {\"name\": \"%s\", \"unit\": \"%s\", "
			"\"median\": %.3f, \"min\": %.3f, \"max\": %.3f, "
			"\"goal\": \"%s\"}", json_first ? "" : ",", row->name,
			row->unit, row->median / s, row->min / s, row->max / s,
			row->goal ? row->goal : "");
		json_first = false;
		return;
	}
	fprintf(r->out, "  %-52s %10.3f %-3s  [%.3f .. %.3f]%s%s\n", row->name,
		row->median / s, row->unit, row->min / s, row->max / s,
		row->goal ? "  goal " : "", row->goal ? row->goal : "");
	fflush(r->out);
}

void bench_begin(const struct bench_options *opt, FILE *out)
{
	json_first = true;
	if (opt->json)
		fputs("[", out);
}

void bench_end(const struct bench_options *opt, FILE *out)
{
	if (opt->json)
		fputs("\n]\n", out);
}

/* Run operations 0..@ops-1 (the loop is inside, so timing has no call per op). */
typedef void (*ops_fn)(void *ctx, uint64_t ops);

/* Median, min, max of per-op ns over batches of @ops operations. */
static void measure(struct run *r, ops_fn fn, void *ctx, uint64_t ops,
		    struct row *row)
{
	double per_op[MAX_BATCHES];
	int batches = r->opt->quick ? 5 : 21;
	int b = 0;

	fn(ctx, ops);	/* warm-up batch, not counted */
	for (b = 0; b < batches; b++) {
		double t0 = bench_now_ns();

		fn(ctx, ops);
		per_op[b] = (bench_now_ns() - t0) / (double)ops;
	}
	qsort(per_op, (size_t)batches, sizeof(double), cmp_double);
	row->median = per_op[batches / 2];
	row->min = per_op[0];
	row->max = per_op[batches - 1];
}

static int start(struct run *r, const struct nexsim_config *cfg)
{
	return sim_machine_start(&r->m, cfg, r->err, r->err_size);
}

static void base_config(struct nexsim_config *cfg)
{
	char err[128];

	nexsim_config_profile("default", cfg, err, sizeof(err));
	cfg->console_level = 0;
}

/*
 * A TZDRAM just big enough for @guests shares with @ta_ram bytes of TA
 * RAM each (the bank, heap, stacks and table come on top).
 */
static void size_for(struct nexsim_config *cfg, uint32_t guests,
		     uint64_t ta_ram)
{
	const struct arch_platform *p = &cfg->platform;
	uint64_t share = 64 * 1024 + p->heap_size +
			 (uint64_t)p->thread_count * p->thread_stack_size +
			 p->xlat_table_size + ta_ram;

	cfg->platform.guest_count = guests;
	cfg->platform.tzdram_size = p->tee_ram_size + (uint64_t)guests * share;
	nexsim_config_place_nsec_ddr(cfg);
}

static uint32_t smc(uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a7)
{
	struct shim_regs regs;

	shim_smc_args(0, &regs, a0, a1, a2, 0, a7);
	return (uint32_t)regs.x[0];
}

/* A std call that starts the guest's runtime (the arg is not parsed yet). */
static void first_std_call(const struct sim_machine *m, uint32_t guest)
{
	uint64_t arg = pa_addr(m->cfg.platform.nsec_ddr_base);

	smc(SMC_CALL_WITH_ARG, (uint32_t)(arg >> 32), (uint32_t)arg, guest);
}

/* ---- fast-smc ---- */

static void ops_fast_hyp(void *ctx, uint64_t ops)
{
	uint64_t i = 0;

	(void)ctx;
	for (i = 0; i < ops; i++)
		smc(SMC_CALLS_COUNT, 0, 0, 0);
}

static void ops_fast_guest(void *ctx, uint64_t ops)
{
	uint64_t i = 0;

	(void)ctx;
	for (i = 0; i < ops; i++)
		smc(SMC_GET_THREAD_COUNT, 0, 0, 1);
}

static int bench_fast_smc(struct run *r)
{
	struct nexsim_config cfg;
	struct row row = { .unit = "ns", .scale = 1 };

	base_config(&cfg);
	if (start(r, &cfg))
		return -1;
	if (sim_vm_created(1)) {
		snprintf(r->err, r->err_size, "VM_CREATED failed");
		sim_machine_stop(&r->m);
		return -1;
	}
	row.name = "fast SMC from the hypervisor (CALLS_COUNT)";
	row.goal = "<= 20 ns";
	measure(r, ops_fast_hyp, NULL, r->opt->quick ? 20000 : 200000, &row);
	emit(r, &row);
	row.name = "fast SMC from a guest (GET_THREAD_COUNT, a7=1)";
	row.goal = NULL;
	measure(r, ops_fast_guest, NULL, r->opt->quick ? 20000 : 200000, &row);
	emit(r, &row);
	sim_machine_stop(&r->m);
	return 0;
}

/* ---- switch ---- */

struct rr {
	uint32_t guests;
};

static void ops_round_robin(void *ctx, uint64_t ops)
{
	const struct rr *rr = ctx;
	uint32_t guest = 1;
	uint64_t i = 0;

	for (i = 0; i < ops; i++) {
		smc(SMC_GET_THREAD_COUNT, 0, 0, guest);
		guest = guest == rr->guests ? 1 : guest + 1;
	}
}

static int switch_for(struct run *r, enum shim_guard guard,
		      enum shim_bank_switch bank, bool closed, uint32_t guests,
		      bool is_default)
{
	struct nexsim_config cfg;
	struct row row = { .unit = "us", .scale = 1000 };
	struct rr rr = { .guests = guests };
	char name[128];
	uint32_t n = 0;
	uint64_t ops = 0;

	base_config(&cfg);
	cfg.guard = guard;
	cfg.bank_switch = bank;
	/* The whole switch, the window opened, unless the row says not. */
	cfg.eager_windows = !closed;
	size_for(&cfg, guests, 64 * 1024);
	if (start(r, &cfg))
		return -1;
	for (n = 1; n <= guests; n++) {
		if (sim_vm_created(n)) {
			snprintf(r->err, r->err_size, "VM_CREATED %u failed", n);
			sim_machine_stop(&r->m);
			return -1;
		}
	}
	snprintf(name, sizeof(name), "partition switch, %u guests round-robin, %s/%s%s%s",
		 guests, shim_guard_name(shim_guard_in_use()),
		 shim_bank_switch_name(shim_bank_switch_in_use()),
		 closed ? ", window left closed (fast call)" : "",
		 is_default ? " *" : "");
	row.name = name;
	row.goal = is_default ? "<= 5 us, flat 2..1024" : NULL;
	/* Whole rounds, so every guest is switched to as often. */
	ops = guests * (uint64_t)((r->opt->quick ? 2000 : 20000) / guests + 1);
	if (guard == SHIM_GUARD_MPROTECT)
		ops = guests * (uint64_t)((r->opt->quick ? 200 : 2000) / guests + 1);
	measure(r, ops_round_robin, &rr, ops, &row);
	emit(r, &row);
	sim_machine_stop(&r->m);
	return 0;
}

static int bench_switch(struct run *r)
{
	static const uint32_t sizes[] = { 2, 16, 256, 1024 };
	/*
	 * The guests' fast calls (GET_THREAD_COUNT): each opens its guest's
	 * window, as std calls do, except in the row of fast calls as they
	 * run by default with protection keys, the window left closed.
	 */
	static const struct {
		enum shim_guard guard;
		enum shim_bank_switch bank;
		bool closed;
	} strategies[] = {
		{ SHIM_GUARD_AUTO, SHIM_BANK_AUTO, false },
		{ SHIM_GUARD_PKEYS, SHIM_BANK_COPY, true },
		{ SHIM_GUARD_PKEYS, SHIM_BANK_COPY, false },
		{ SHIM_GUARD_PKEYS, SHIM_BANK_REMAP, false },
		{ SHIM_GUARD_MPROTECT, SHIM_BANK_COPY, false },
		{ SHIM_GUARD_MPROTECT, SHIM_BANK_REMAP, false },
	};
	size_t s = 0;
	size_t k = 0;

	for (s = 0; s < sizeof(strategies) / sizeof(strategies[0]); s++) {
		if (strategies[s].guard == SHIM_GUARD_PKEYS &&
		    !shim_pkeys_supported())
			continue;
		for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++)
			if (switch_for(r, strategies[s].guard,
				       strategies[s].bank, strategies[s].closed,
				       sizes[k], s == 0))
				return -1;
	}
	return 0;
}

/* ---- lifecycle ---- */

static void ops_create_destroy(void *ctx, uint64_t ops)
{
	uint64_t i = 0;

	(void)ctx;
	for (i = 0; i < ops; i++) {
		sim_vm_created(7);
		sim_vm_destroyed(7);
	}
}

static int bench_lifecycle(struct run *r)
{
	struct nexsim_config cfg;
	struct row row = { .unit = "us", .scale = 1000 };

	base_config(&cfg);
	if (start(r, &cfg))
		return -1;
	row.name = "VM_CREATED + VM_DESTROYED";
	row.goal = "<= 50 us";
	measure(r, ops_create_destroy, NULL, r->opt->quick ? 200 : 2000, &row);
	emit(r, &row);
	sim_machine_stop(&r->m);
	return 0;
}

/* ---- reset ---- */

/* Median cost of a reset, with or without guests made before each. */
static int reset_row(struct run *r, bool in_use, const char *name)
{
	struct row row = { .unit = "us", .scale = 1000 };
	double per_op[MAX_BATCHES];
	int batches = r->opt->quick ? 5 : 21;
	uint64_t ops = r->opt->quick ? 200 : 2000;
	char err[128];
	int b = 0;

	for (b = -1; b < batches; b++) {
		double spent = 0;
		uint64_t i = 0;

		for (i = 0; i < ops; i++) {
			double t0 = 0;

			if (in_use) {
				sim_vm_created(1);
				sim_vm_created(2);
				first_std_call(&r->m, 1);
			}
			/* Only the reset is timed, not the set-up before it. */
			t0 = bench_now_ns();
			if (sim_machine_reset(&r->m, err, sizeof(err))) {
				snprintf(r->err, r->err_size, "reset: %s", err);
				return -1;
			}
			spent += bench_now_ns() - t0;
		}
		if (b >= 0)
			per_op[b] = spent / (double)ops;
	}
	qsort(per_op, (size_t)batches, sizeof(double), cmp_double);
	row.name = name;
	row.median = per_op[batches / 2];
	row.min = per_op[0];
	row.max = per_op[batches - 1];
	emit(r, &row);
	return 0;
}

static int bench_reset(struct run *r)
{
	struct nexsim_config cfg;
	int rc = 0;

	base_config(&cfg);
	if (start(r, &cfg))
		return -1;
	rc = reset_row(r, true, "reset to power-on (2 guests, one started)");
	if (!rc)
		rc = reset_row(r, false, "reset to power-on (no guest)");
	sim_machine_stop(&r->m);
	return rc;
}

/* ---- memory ---- */

/* RssAnon of this process in bytes. */
static uint64_t rss_anon(void)
{
	char line[256];
	uint64_t kib = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "RssAnon: %" SCNu64 " kB", &kib) == 1)
			break;
	fclose(f);
	return kib * 1024;
}

static int bench_memory(struct run *r)
{
	const uint32_t guests = 1024;
	struct nexsim_config cfg;
	struct row row = { .unit = "KiB", .scale = 0 };
	uint64_t anon0 = 0;
	uint64_t mem0 = 0;
	uint64_t total = 0;
	uint32_t n = 0;

	base_config(&cfg);
	size_for(&cfg, guests, 1024 * 1024);
	if (start(r, &cfg))
		return -1;
	anon0 = rss_anon();
	mem0 = sim_machine_resident(&r->m, SIM_REGION_TZDRAM);
	for (n = 1; n <= guests; n++) {
		if (sim_vm_created(n)) {
			snprintf(r->err, r->err_size, "VM_CREATED %u failed", n);
			sim_machine_stop(&r->m);
			return -1;
		}
	}
	/* Host memory = secure RAM pages in use + anonymous memory of the process. */
	total = sim_machine_resident(&r->m, SIM_REGION_TZDRAM) - mem0 +
		(rss_anon() > anon0 ? rss_anon() - anon0 : 0);
	row.name = "resident memory per idle guest (1024 guests)";
	row.median = row.min = row.max = (double)total / guests / 1024.0;
	row.goal = "1024 guests <= 1 GiB";
	emit(r, &row);
	row.name = "resident memory, 1024 idle guests in all";
	row.unit = "MiB";
	row.median = row.min = row.max = (double)total / (1024.0 * 1024.0);
	row.goal = "<= 1024 MiB";
	emit(r, &row);

	for (n = 1; n <= guests; n++)
		first_std_call(&r->m, n);
	total = sim_machine_resident(&r->m, SIM_REGION_TZDRAM) - mem0 +
		(rss_anon() > anon0 ? rss_anon() - anon0 : 0);
	row.name = "resident memory per guest after its first std call";
	row.unit = "KiB";
	row.median = row.min = row.max = (double)total / guests / 1024.0;
	row.goal = NULL;
	emit(r, &row);
	sim_machine_stop(&r->m);
	return 0;
}

/* ---- invoke: a null INVOKE_COMMAND through the whole path ---- */

struct invoke_ctx {
	uint32_t vms;
	TEEC_Context *ctx;
	TEEC_Session *sess;
};

static void ops_invoke(void *arg, uint64_t ops)
{
	struct invoke_ctx *c = arg;
	TEEC_Operation op;
	uint32_t v = 0;
	uint64_t i = 0;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE, TEEC_NONE,
					 TEEC_NONE);
	for (i = 0; i < ops; i++) {
		op.params[0].value.a = 0;
		TEEC_InvokeCommand(&c->sess[v], TA_HELLO_WORLD_CMD_INC_VALUE, &op,
				   NULL);
		v = v + 1 == c->vms ? 0 : v + 1;
	}
}

static int invoke_for(struct run *r, uint32_t vms, bool cache,
		      enum shim_guard guard)
{
	struct nexsim_config cfg;
	struct invoke_ctx c = { .vms = vms };
	struct row row = { .unit = "us", .scale = 1000 };
	static const TEEC_UUID hello = TA_HELLO_WORLD_UUID;
	char name[128];
	uint32_t n = 0;
	int rc = -1;

	base_config(&cfg);
	cfg.ns_map_cache = cache;
	cfg.guard = guard;
	size_for(&cfg, vms < 2 ? 2 : vms, 64 * 1024);
	c.ctx = calloc(vms, sizeof(*c.ctx));
	c.sess = calloc(vms, sizeof(*c.sess));
	if (!c.ctx || !c.sess || start(r, &cfg))
		goto out;
	if (hyp_init(&r->m, r->err, r->err_size))
		goto stop;
	for (n = 0; n < vms; n++) {
		struct vm *vm = hyp_vm_create(128 * 1024, r->err, r->err_size);

		if (!vm)
			goto fini;
		guest_select(vm);
		if (TEEC_InitializeContext(NULL, &c.ctx[n]) ||
		    TEEC_OpenSession(&c.ctx[n], &c.sess[n], &hello,
				     TEEC_LOGIN_PUBLIC, NULL, NULL, NULL)) {
			snprintf(r->err, r->err_size, "VM %u cannot open hello", n);
			goto fini;
		}
	}
	if (vms > 2)
		snprintf(name, sizeof(name), "null invoke, %u VMs round-robin",
			 vms);
	else
		snprintf(name, sizeof(name), "null invoke, %s",
			 vms == 1 ? "same VM" : "2 VMs alternating");
	if (cache)
		snprintf(name + strlen(name), sizeof(name) - strlen(name),
			 ", cache on");
	if (guard == SHIM_GUARD_MPROTECT)
		snprintf(name + strlen(name), sizeof(name) - strlen(name),
			 ", mprotect");
	row.name = name;
	row.goal = cache || guard == SHIM_GUARD_MPROTECT ? NULL :
		   vms == 1 ? "<= 2 us" : vms == 2 ? "<= 8 us" :
		   "flat up to 1024";
	measure(r, ops_invoke, &c, vms * (uint64_t)((r->opt->quick ? 1000 : 10000) /
						     vms + 1), &row);
	emit(r, &row);
	rc = 0;
fini:
	hyp_fini();
stop:
	sim_machine_stop(&r->m);
out:
	free(c.ctx);
	free(c.sess);
	return rc;
}

static int bench_invoke(struct run *r)
{
	static const uint32_t counts[] = { 1, 2, 64, 1024 };
	size_t n = 0;

	/* The default guard (pkeys where the host has them), both modes... */
	for (n = 0; n < sizeof(counts) / sizeof(counts[0]); n++)
		if (invoke_for(r, counts[n], false, SHIM_GUARD_AUTO))
			return -1;
	for (n = 0; n < sizeof(counts) / sizeof(counts[0]); n++)
		if (invoke_for(r, counts[n], true, SHIM_GUARD_AUTO))
			return -1;
	/* ...and the mprotect guard of hosts without protection keys. */
	for (n = 0; n < 3; n++)
		if (invoke_for(r, counts[n], false, SHIM_GUARD_MPROTECT) ||
		    invoke_for(r, counts[n], true, SHIM_GUARD_MPROTECT))
			return -1;
	return 0;
}

struct bench {
	const char *name;
	const char *summary;
	int (*run)(struct run *r);
};

/* ---- rpc: an RPC round trip, and a preemption by an interrupt ---- */

struct loop_ctx {
	TEEC_Session *sess;
	uint32_t cmd;
	uint32_t per_call;	/* RPCs or TA API calls in one invoke */
};

static void ops_loop(void *arg, uint64_t ops)
{
	struct loop_ctx *c = arg;
	TEEC_Operation op;
	uint64_t i = 0;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE, TEEC_NONE,
					 TEEC_NONE);
	for (i = 0; i < ops; i++) {
		op.params[0].value.a = c->per_call;
		TEEC_InvokeCommand(c->sess, c->cmd, &op, NULL);
	}
}

/* Every TA API call of a thread is interrupted from the normal world. */
static bool interrupt_always(unsigned int core, enum arch_preempt_kind kind,
			     void *arg)
{
	(void)arg;
	return kind == ARCH_PREEMPT_TA_API && shim_core_in_thread(core);
}

/*
 * The cost of one more RPC (or interrupt) in a call: invokes with
 * LOOP_EXTRA of them, less invokes with none, per extra one.
 */
#define LOOP_EXTRA	64

static void per_extra(struct run *r, struct loop_ctx *c, bool interrupts,
		      struct row *row)
{
	uint64_t ops = r->opt->quick ? 20 : 100;
	struct row base = { 0 };

	c->per_call = c->cmd == TA_STORAGE_CMD_TIME_LOOP ? 0 : LOOP_EXTRA;
	measure(r, ops_loop, c, ops, &base);
	c->per_call = LOOP_EXTRA;
	if (interrupts)
		shim_set_preempt_hook(interrupt_always, NULL);
	measure(r, ops_loop, c, ops, row);
	shim_set_preempt_hook(NULL, NULL);
	row->median = (row->median - base.median) / LOOP_EXTRA;
	row->min = (row->min - base.median) / LOOP_EXTRA;
	row->max = (row->max - base.median) / LOOP_EXTRA;
}

static int bench_rpc(struct run *r)
{
	static const TEEC_UUID storage = TA_STORAGE_UUID;
	struct nexsim_config cfg;
	struct loop_ctx c = { 0 };
	struct row row = { .unit = "us", .scale = 1000 };
	TEEC_Context ctx;
	TEEC_Session sess;
	struct vm *vm = NULL;
	int rc = -1;

	base_config(&cfg);
	size_for(&cfg, 2, 256 * 1024);
	if (start(r, &cfg))
		return -1;
	if (hyp_init(&r->m, r->err, r->err_size))
		goto stop;
	vm = hyp_vm_create(1 << 20, r->err, r->err_size);
	if (!vm)
		goto fini;
	guest_select(vm);
	if (TEEC_InitializeContext(NULL, &ctx) ||
	    TEEC_OpenSession(&ctx, &sess, &storage, TEEC_LOGIN_PUBLIC, NULL,
			     NULL, NULL)) {
		snprintf(r->err, r->err_size, "the storage TA does not open");
		goto fini;
	}
	c.sess = &sess;
	c.cmd = TA_STORAGE_CMD_TIME_LOOP;
	per_extra(r, &c, false, &row);
	row.name = "RPC round trip: GET_TIME, mediator + supplicant";
	emit(r, &row);
	c.cmd = TA_STORAGE_CMD_CLOCK_LOOP;
	per_extra(r, &c, true, &row);
	row.name = "foreign interrupt: preempt + RETURN_FROM_RPC";
	emit(r, &row);
	TEEC_CloseSession(&sess);
	TEEC_FinalizeContext(&ctx);
	rc = 0;
fini:
	hyp_fini();
stop:
	sim_machine_stop(&r->m);
	return rc;
}

static const struct bench benches[] = {
	{ "fast-smc", "fast SMC round trip, from the hypervisor and a guest",
	  bench_fast_smc },
	{ "switch", "partition switch with 2, 16, 256, 1024 guests, every MMU strategy",
	  bench_switch },
	{ "invoke", "null INVOKE_COMMAND through GP API, driver, mediator, TEE",
	  bench_invoke },
	{ "rpc", "an RPC round trip and an interrupt preemption, in a call",
	  bench_rpc },
	{ "lifecycle", "VM_CREATED + VM_DESTROYED", bench_lifecycle },
	{ "memory", "host memory held by 1024 idle guests", bench_memory },
	{ "reset", "power-on reset of a machine in use", bench_reset },
};

const char *const *bench_names(void)
{
	static const char *names[sizeof(benches) / sizeof(benches[0]) + 1];
	size_t n = 0;

	for (n = 0; n < sizeof(benches) / sizeof(benches[0]); n++)
		names[n] = benches[n].name;
	names[n] = NULL;
	return names;
}

const char *bench_summary(const char *name)
{
	size_t n = 0;

	for (n = 0; n < sizeof(benches) / sizeof(benches[0]); n++)
		if (!strcmp(benches[n].name, name))
			return benches[n].summary;
	return NULL;
}

int bench_run(const char *name, const struct bench_options *opt, FILE *out,
	      char *err, size_t err_size)
{
	struct run r = { .opt = opt, .out = out, .err = err,
			 .err_size = err_size };
	size_t n = 0;

	for (n = 0; n < sizeof(benches) / sizeof(benches[0]); n++) {
		if (strcmp(benches[n].name, name))
			continue;
		if (!opt->json)
			fprintf(out, "%s: %s\n", name, benches[n].summary);
		return benches[n].run(&r);
	}
	snprintf(err, err_size, "unknown benchmark '%s'", name);
	return -1;
}
