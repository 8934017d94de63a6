// SPDX-License-Identifier: BSD-2-Clause
/*
 * The nexsim program. Exit status: 0 done, 1 the simulation failed,
 * 2 the command line was wrong (with one line saying what was expected).
 */

#define _DEFAULT_SOURCE		/* realpath */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sim/bench.h>
#include <sim/config.h>
#include <sim/demo.h>
#include <sim/layout.h>
#include <sim/machine.h>
#include <sim/scenario.h>

#include <fuzz_targets.h>

#define EXIT_USAGE	2
#define MAX_CLI_GUESTS	4096u

static const char usage_text[] =
	"Usage: nexsim [--help] [--version] COMMAND [OPTIONS]\n"
	"\n"
	"A host-side simulator of OP-TEE's virtualization: one TEE core split\n"
	"into a nexus and per-guest banked TEE state, driven through the SMC ABI.\n"
	"\n"
	"Commands:\n"
	"  demo     eight VMs, their TAs and the nexus, told as a short story\n"
	"  layout   boot a machine, create its guests, print the memory map\n"
	"  run      run a scenario script (docs/scenarios.md)\n"
	"  bench    run the benchmarks (all, or those named)\n"
	"  replay   run one input of a fuzz target (a crash or corpus file)\n"
	"  help     show this text\n"
	"\n"
	"Machine options (layout):\n"
	"  --profile NAME        platform profile: default, qemu_v8 (default: default)\n"
	"  --guests N            CFG_VIRT_GUEST_COUNT, and create guests 1..N (1-4096)\n"
	"  --cores N             simulated cores (1-16)\n"
	"  --threads N           CFG_NUM_THREADS, per guest (1-32)\n"
	"  --heap-size SIZE      CFG_CORE_HEAP_SIZE, per guest (e.g. 64K)\n"
	"  --nex-heap-size SIZE  CFG_CORE_NEX_HEAP_SIZE\n"
	"  --tzdram-size SIZE    secure DRAM: nexus TEE RAM + the TA pool shared out\n"
	"  --guard MODE          guard pages by: auto, pkeys, mprotect\n"
	"  --bank MODE           bring a guest's bank in by: auto, copy, remap\n"
	"  --implicit-guests     create a guest on its first std call\n"
	"\n"
	"Run options (nexsim run SCRIPT):\n"
	"  --json                a machine-readable report\n"
	"  --trace               the timeline of SMCs, translations, switches\n"
	"\n"
	"Replay options (nexsim replay FILE):\n"
	"  --target NAME         the fuzz target: %s\n"
	"                        (default: the one a directory in FILE's path\n"
	"                        is named after, as fuzz/corpus/NAME/...)\n"
	"  --trace               each decoded operation, and the timeline\n"
	"  --timing              where the input's time went: the set-up,\n"
	"                        each kind of operation, the checks, the\n"
	"                        canary's calls, the wind-down\n"
	"\n"
	"Scheduling options (run and demo):\n"
	"  --cores N             simulated cores (1..16; default: the profile's)\n"
	"  --seed N              seed of the vCPU scheduler (default 0)\n"
	"  --preempt PERMILLE    chance, per 1000 preemption points, that one\n"
	"                        interleaves another vCPU or takes a normal-\n"
	"                        world interrupt (default 0)\n"
	"\n"
	"Bench options:\n"
	"  --list                list the benchmarks\n"
	"  --json                machine-readable results\n"
	"  --quick               fewer batches (a smoke run)\n"
	"\n"
	"SIZE takes K, M, G (or KiB, MiB, GiB) suffixes or 0x-hex.\n";

static int usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("nexsim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see nexsim --help)\n", stderr);
	return EXIT_USAGE;
}

/* An option of the form --name VALUE or --name=VALUE. */
struct arg_cursor {
	int argc;
	char **argv;
	int i;
};

static bool option_is(const char *arg, const char *name, const char **inline_value)
{
	size_t len = strlen(name);

	if (strncmp(arg, name, len))
		return false;
	if (arg[len] == '\0') {
		*inline_value = NULL;
		return true;
	}
	if (arg[len] == '=') {
		*inline_value = arg + len + 1;
		return true;
	}
	return false;
}

static const char *option_value(struct arg_cursor *c, const char *name,
				const char *inline_value)
{
	if (inline_value)
		return inline_value;
	if (c->i + 1 >= c->argc)
		return NULL;
	return c->argv[++c->i];
}

struct layout_args {
	const char *profile;
	bool have_guests;
	uint64_t guests;
	bool have_cores, have_threads, have_heap, have_nex_heap, have_tzdram;
	uint64_t cores, threads, heap, nex_heap, tzdram;
	enum shim_guard guard;
	enum shim_bank_switch bank;
	bool implicit;
};

static int parse_uint_option(const char *name, const char *value, uint64_t min,
			     uint64_t max, uint64_t *out)
{
	if (!value)
		return usage_error("%s expects a number", name);
	if (nexsim_parse_uint(value, min, max, out))
		return usage_error("%s expects a number from %llu to %llu, got '%s'",
				   name, (unsigned long long)min,
				   (unsigned long long)max, value);
	return 0;
}

static int parse_size_option(const char *name, const char *value, uint64_t *out)
{
	if (!value)
		return usage_error("%s expects a size", name);
	if (nexsim_parse_size(value, out) || !*out)
		return usage_error("%s expects a size like 64K or 2M, got '%s'",
				   name, value);
	return 0;
}

static int parse_layout_args(int argc, char **argv, struct layout_args *a)
{
	struct arg_cursor c = { .argc = argc, .argv = argv, .i = 0 };
	const char *v = NULL;
	int rc = 0;

	memset(a, 0, sizeof(*a));
	a->profile = "default";
	for (c.i = 1; c.i < argc; c.i++) {
		const char *arg = argv[c.i];

		if (option_is(arg, "--profile", &v)) {
			a->profile = option_value(&c, arg, v);
			if (!a->profile)
				return usage_error("--profile expects a name");
		} else if (option_is(arg, "--guests", &v)) {
			rc = parse_uint_option("--guests", option_value(&c, arg, v),
					       1, MAX_CLI_GUESTS, &a->guests);
			a->have_guests = true;
		} else if (option_is(arg, "--cores", &v)) {
			rc = parse_uint_option("--cores", option_value(&c, arg, v),
					       1, ARCH_MAX_CORES, &a->cores);
			a->have_cores = true;
		} else if (option_is(arg, "--threads", &v)) {
			rc = parse_uint_option("--threads", option_value(&c, arg, v),
					       1, 32, &a->threads);
			a->have_threads = true;
		} else if (option_is(arg, "--heap-size", &v)) {
			rc = parse_size_option("--heap-size", option_value(&c, arg, v),
					       &a->heap);
			a->have_heap = true;
		} else if (option_is(arg, "--nex-heap-size", &v)) {
			rc = parse_size_option("--nex-heap-size",
					       option_value(&c, arg, v), &a->nex_heap);
			a->have_nex_heap = true;
		} else if (option_is(arg, "--tzdram-size", &v)) {
			rc = parse_size_option("--tzdram-size",
					       option_value(&c, arg, v), &a->tzdram);
			a->have_tzdram = true;
		} else if (option_is(arg, "--guard", &v)) {
			const char *m = option_value(&c, arg, v);

			if (m && !strcmp(m, "auto"))
				a->guard = SHIM_GUARD_AUTO;
			else if (m && !strcmp(m, "pkeys"))
				a->guard = SHIM_GUARD_PKEYS;
			else if (m && !strcmp(m, "mprotect"))
				a->guard = SHIM_GUARD_MPROTECT;
			else
				return usage_error("--guard expects auto, pkeys or mprotect");
		} else if (option_is(arg, "--bank", &v)) {
			const char *m = option_value(&c, arg, v);

			if (m && !strcmp(m, "auto"))
				a->bank = SHIM_BANK_AUTO;
			else if (m && !strcmp(m, "copy"))
				a->bank = SHIM_BANK_COPY;
			else if (m && !strcmp(m, "remap"))
				a->bank = SHIM_BANK_REMAP;
			else
				return usage_error("--bank expects auto, copy or remap");
		} else if (!strcmp(arg, "--implicit-guests")) {
			a->implicit = true;
		} else {
			return usage_error("layout: unknown option '%s'", arg);
		}
		if (rc)
			return rc;
	}
	return 0;
}

static int cmd_layout(int argc, char **argv)
{
	struct layout_args a;
	struct nexsim_config cfg;
	struct sim_machine m;
	char err[256] = "";
	uint64_t n = 0;
	int rc = parse_layout_args(argc, argv, &a);

	if (rc)
		return rc;
	if (nexsim_config_profile(a.profile, &cfg, err, sizeof(err)))
		return usage_error("%s", err);
	if (a.have_guests)
		cfg.platform.guest_count = (uint32_t)a.guests;
	if (a.have_cores)
		cfg.platform.core_count = (uint32_t)a.cores;
	if (a.have_threads)
		cfg.platform.thread_count = (uint32_t)a.threads;
	if (a.have_heap)
		cfg.platform.heap_size = a.heap;
	if (a.have_nex_heap)
		cfg.platform.nex_heap_size = a.nex_heap;
	if (a.have_tzdram)
		cfg.platform.tzdram_size = a.tzdram;
	cfg.guard = a.guard;
	cfg.bank_switch = a.bank;
	cfg.platform.implicit_guest_create = a.implicit;
	cfg.console_level = 0;
	nexsim_config_place_nsec_ddr(&cfg);

	if (sim_machine_start(&m, &cfg, err, sizeof(err))) {
		fprintf(stderr, "nexsim: cannot boot the machine: %s "
			"(see --tzdram-size, --guests, --heap-size)\n", err);
		return EXIT_FAILURE;
	}
	for (n = 1; n <= cfg.platform.guest_count; n++) {
		uint32_t ret = sim_vm_created((uint32_t)n);

		if (ret) {
			fprintf(stderr, "nexsim: VM_CREATED for guest %llu returned %#x\n",
				(unsigned long long)n, ret);
			sim_machine_stop(&m);
			return EXIT_FAILURE;
		}
	}
	rc = nexsim_print_layout(stdout, &m);
	sim_machine_stop(&m);
	return rc ? EXIT_FAILURE : EXIT_SUCCESS;
}

/*
 * --cores N, --seed N, --preempt PERMILLE at argv[i]: the arguments it
 * took (2), 0 if it is none of them, -1 after a usage error.
 */
static int sched_option(int argc, char **argv, int i, unsigned int *cores,
			uint64_t *seed, uint32_t *permille, const char *cmd)
{
	uint64_t v = 0;

	if (strcmp(argv[i], "--cores") && strcmp(argv[i], "--seed") &&
	    strcmp(argv[i], "--preempt"))
		return 0;
	if (i + 1 >= argc) {
		usage_error("%s: %s expects a value", cmd, argv[i]);
		return -1;
	}
	if (!strcmp(argv[i], "--cores")) {
		if (nexsim_parse_uint(argv[i + 1], 1, ARCH_MAX_CORES, &v)) {
			usage_error("%s: --cores expects 1 to %d, got '%s'", cmd,
				    ARCH_MAX_CORES, argv[i + 1]);
			return -1;
		}
		*cores = (unsigned int)v;
	} else if (!strcmp(argv[i], "--seed")) {
		if (nexsim_parse_uint(argv[i + 1], 0, UINT64_MAX, &v)) {
			usage_error("%s: --seed expects a number, got '%s'", cmd,
				    argv[i + 1]);
			return -1;
		}
		*seed = v;
	} else {
		if (nexsim_parse_uint(argv[i + 1], 0, 1000, &v)) {
			usage_error("%s: --preempt expects 0 to 1000 (per mille), "
				    "got '%s'", cmd, argv[i + 1]);
			return -1;
		}
		*permille = (uint32_t)v;
	}
	return 2;
}

static int cmd_run(int argc, char **argv)
{
	struct scenario_options opt = { 0 };
	struct scenario *s = NULL;
	const char *path = NULL;
	char err[512] = "";
	int rc = 0;
	int i = 0;

	for (i = 1; i < argc; i++) {
		int used = sched_option(argc, argv, i, &opt.cores, &opt.seed,
					&opt.preempt_permille, "run");

		if (used < 0)
			return EXIT_USAGE;
		if (used) {
			i += used - 1;
			continue;
		}
		if (!strcmp(argv[i], "--json"))
			opt.json = true;
		else if (!strcmp(argv[i], "--trace"))
			opt.trace = stdout;
		else if (argv[i][0] == '-')
			return usage_error("run: unknown option '%s'", argv[i]);
		else if (path)
			return usage_error("run: one script at a time, got '%s' too",
					   argv[i]);
		else
			path = argv[i];
	}
	if (!path)
		return usage_error("run expects a script file");
	if (scenario_load(path, &s, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	rc = scenario_run(s, &opt, stdout, err, sizeof(err));
	scenario_free(s);
	if (rc < 0) {
		fprintf(stderr, "nexsim: %s: %s\n", path, err);
		return EXIT_FAILURE;
	}
	return rc ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int cmd_replay(int argc, char **argv)
{
	struct arg_cursor c = { .argc = argc, .argv = argv, .i = 0 };
	const struct fuzz_target *t = NULL;
	char resolved[PATH_MAX] = "";
	const char *target = NULL;
	const char *path = NULL;
	const char *v = NULL;
	uint8_t *data = NULL;
	bool profile = false;
	bool trace = false;
	size_t size = 0;

	for (c.i = 1; c.i < argc; c.i++) {
		const char *arg = argv[c.i];

		if (option_is(arg, "--target", &v)) {
			target = option_value(&c, arg, v);
			if (!target)
				return usage_error("replay: --target expects %s",
						   fuzz_target_names());
		} else if (!strcmp(arg, "--trace")) {
			trace = true;
		} else if (!strcmp(arg, "--timing")) {
			profile = true;
		} else if (arg[0] == '-') {
			return usage_error("replay: unknown option '%s'", arg);
		} else if (path) {
			return usage_error("replay: one file at a time, got '%s' too",
					   arg);
		} else {
			path = arg;
		}
	}
	if (!path)
		return usage_error("replay expects an input file of a fuzz target");
	if (target) {
		t = fuzz_target_by_name(target);
		if (!t)
			return usage_error("replay: unknown target '%s' (%s)",
					   target, fuzz_target_names());
	}
	if (fuzz_read_input(path, &data, &size)) {
		fprintf(stderr, "nexsim: replay: cannot read '%s': %s\n", path,
			strerror(errno));
		return EXIT_USAGE;
	}
	/* The path as given, or where it leads (a file named from inside). */
	if (!t)
		t = fuzz_target_from_path(path);
	if (!t && realpath(path, resolved))
		t = fuzz_target_from_path(resolved);
	if (!t) {
		free(data);
		return usage_error("replay: which target's input is '%s'? Give "
				   "--target %s", path, fuzz_target_names());
	}
	/* Each line out at once: an isolation violation aborts. */
	if (trace)
		setvbuf(stdout, NULL, _IOLBF, 0);
	fuzz_replay(t, data, size, trace, profile, stdout);
	free(data);
	return EXIT_SUCCESS;
}

static int cmd_demo(int argc, char **argv)
{
	struct demo_options opt = { .preempt_permille = DEMO_PREEMPT_PERMILLE };
	char err[256] = "";
	int i = 0;

	for (i = 1; i < argc; i++) {
		int used = sched_option(argc, argv, i, &opt.cores, &opt.seed,
					&opt.preempt_permille, "demo");

		if (used < 0)
			return EXIT_USAGE;
		if (!used)
			return usage_error("demo: unknown option '%s'", argv[i]);
		i += used - 1;
	}
	if (nexsim_demo(stdout, &opt, err, sizeof(err))) {
		fprintf(stderr, "nexsim: demo: %s\n", err);
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

static int cmd_bench(int argc, char **argv)
{
	struct bench_options opt = { 0 };
	const char *const *names = bench_names();
	const char *chosen[16];
	size_t count = 0;
	char err[256] = "";
	size_t n = 0;
	int i = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			opt.json = true;
		} else if (!strcmp(argv[i], "--quick")) {
			opt.quick = true;
		} else if (!strcmp(argv[i], "--list")) {
			for (n = 0; names[n]; n++)
				printf("%-10s %s\n", names[n], bench_summary(names[n]));
			return EXIT_SUCCESS;
		} else if (argv[i][0] == '-') {
			return usage_error("bench: unknown option '%s'", argv[i]);
		} else if (!bench_summary(argv[i])) {
			return usage_error("bench: unknown benchmark '%s' (nexsim bench --list)",
					   argv[i]);
		} else if (count < sizeof(chosen) / sizeof(chosen[0])) {
			chosen[count++] = argv[i];
		}
	}
	if (!count)
		for (n = 0; names[n] && count < 16; n++)
			chosen[count++] = names[n];

	bench_begin(&opt, stdout);
	for (n = 0; n < count; n++) {
		if (bench_run(chosen[n], &opt, stdout, err, sizeof(err))) {
			bench_end(&opt, stdout);
			fprintf(stderr, "nexsim: bench %s: %s\n", chosen[n], err);
			return EXIT_FAILURE;
		}
	}
	bench_end(&opt, stdout);
	return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd)
		return usage_error("a command is expected: demo, layout, run, bench, "
				   "replay or help");
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		printf(usage_text, fuzz_target_names());
		return EXIT_SUCCESS;
	}
	if (!strcmp(cmd, "--version")) {
		printf("nexsim %s\n", NEXSIM_VERSION);
		return EXIT_SUCCESS;
	}
	if (!strcmp(cmd, "layout"))
		return cmd_layout(argc - 1, argv + 1);
	if (!strcmp(cmd, "demo"))
		return cmd_demo(argc - 1, argv + 1);
	if (!strcmp(cmd, "bench"))
		return cmd_bench(argc - 1, argv + 1);
	if (!strcmp(cmd, "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(cmd, "replay"))
		return cmd_replay(argc - 1, argv + 1);
	if (cmd[0] == '-')
		return usage_error("unknown option '%s'", cmd);
	return usage_error("unknown command '%s'", cmd);
}
