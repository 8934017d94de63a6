// SPDX-License-Identifier: BSD-2-Clause
/*
 * Fuzz inputs replay alike whatever ran before them in the process: the
 * reset before each input leaves nothing of the last one that the next
 * could see. Otherwise a crash found while fuzzing may not happen again
 * under `nexsim replay`. An input's fingerprint is its timeline (every
 * SMC, its registers and results, and what the machine did).
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sim/optee_abi.h>
#include <sim/trace.h>

#include "fuzz_common.h"
#include "fuzz_targets.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

static const char *corpus_root;

struct input {
	uint8_t *data;
	size_t size;
};

static char *timeline_of(const struct fuzz_target *t, const struct input *in)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	sim_trace_start(out);
	sim_trace_shim_events(true);
	t->run(in->data, in->size);
	sim_trace_shim_events(false);
	sim_trace_stop();
	fclose(out);
	return text;
}

static void assert_same_timeline(const struct fuzz_target *t,
				 const struct input *in, const char *before)
{
	char *again = timeline_of(t, in);

	if (strcmp(before, again)) {
		fprintf(stderr, "first:\n%s\nafter other inputs:\n%s\n", before,
			again);
		fail_msg("%s: an input replayed differently after others ran",
			 t->name);
	}
	free(again);
}

/*
 * fuzz_smc_raw: an input writes a message at a page and calls with it;
 * the next one calls with that page without writing it. It must find the
 * page as at power-on, not the last input's message.
 */
static void test_raw_memory_does_not_outlive_its_input(void **state)
{
	const struct fuzz_target *t = fuzz_target_by_name("fuzz_smc_raw");
	uint8_t writer[128];
	uint8_t caller[64];
	struct input w = { writer, 0 };
	struct input c = { caller, 0 };
	uint64_t pa = 0;
	char *fresh = NULL;
	size_t n = 0;

	(void)state;
	assert_non_null(t);
	/* The power-on machine, for its page addresses. */
	t->run(NULL, 0);
	pa = pa_addr(fuzz_machine.cfg.platform.nsec_ddr_base) + 3 * 4096;

	/* ARG at page 3: an unknown command, no params. */
	memset(writer, 0, sizeof(writer));
	writer[n++] = 3;
	writer[n++] = 3;
	writer[n++] = 0;
	writer[n++] = 0xee;		/* cmd */
	n += 31;			/* the rest of the header */
	writer[n++] = 0;		/* params written */
	w.size = n;

	/* VM_CREATED of guest 3 (from the hypervisor), then its call. */
	memset(caller, 0, sizeof(caller));
	n = 0;
	caller[n++] = 2;
	caller[n++] = 13;		/* VM_CREATED */
	caller[n++] = 3;
	n += 3 + 8;			/* a1's upper bytes, a2, a3 */
	caller[n++] = 0;		/* a7: the hypervisor */
	caller[n++] = 2;
	caller[n++] = 6;		/* CALL_WITH_ARG */
	n += 4;				/* a1 = 0 */
	memcpy(caller + n, &pa, 4);	/* a2 (little-endian host) */
	n += 4 + 4;
	caller[n++] = 3;		/* a7: guest 3 */
	c.size = n;

	fresh = timeline_of(t, &c);
	t->run(w.data, w.size);
	t->run(c.data, c.size);
	assert_same_timeline(t, &c, fresh);
	free(fresh);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/*
 * Every input of a target's corpus replays as it did first, once all of
 * its corpus has run in between.
 */
static void check_corpus(const char *name)
{
	const struct fuzz_target *t = fuzz_target_by_name(name);
	struct dirent **list = NULL;
	struct input *ins = NULL;
	char **first = NULL;
	char path[4096];
	int count = 0;
	int n = 0;
	int k = 0;

	assert_non_null(t);
	snprintf(path, sizeof(path), "%s/%s", corpus_root, name);
	count = scandir(path, &list, NULL, by_name);
	assert_true(count > 0);
	ins = calloc((size_t)count, sizeof(*ins));
	first = calloc((size_t)count, sizeof(*first));
	assert_non_null(ins);
	assert_non_null(first);
	for (n = 0; n < count; n++) {
		if (list[n]->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", corpus_root, name,
			 list[n]->d_name);
		assert_int_equal(fuzz_read_input(path, &ins[n].data,
						 &ins[n].size), 0);
	}
	/* Each one fresh from the one before it, then after all others. */
	for (n = 0; n < count; n++)
		if (ins[n].data)
			first[n] = timeline_of(t, &ins[n]);
	for (n = 0; n < count; n++) {
		if (!ins[n].data)
			continue;
		for (k = count - 1; k >= 0; k--)
			if (k != n && ins[k].data)
				t->run(ins[k].data, ins[k].size);
		assert_same_timeline(t, &ins[n], first[n]);
		if (n >= 4)
			break;		/* a handful is enough, and keeps it quick */
	}
	for (n = 0; n < count; n++) {
		free(first[n]);
		free(ins[n].data);
		free(list[n]);
	}
	free(first);
	free(ins);
	free(list);
}

static void test_raw_corpus_inputs_replay_alike(void **state)
{
	(void)state;
	check_corpus("fuzz_smc_raw");
}

static void test_guest_corpus_inputs_replay_alike(void **state)
{
	(void)state;
	check_corpus("fuzz_guest");
}

static void test_sched_corpus_inputs_replay_alike(void **state)
{
	(void)state;
	check_corpus("fuzz_sched");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_raw_memory_does_not_outlive_its_input),
		cmocka_unit_test(test_raw_corpus_inputs_replay_alike),
		cmocka_unit_test(test_guest_corpus_inputs_replay_alike),
		cmocka_unit_test(test_sched_corpus_inputs_replay_alike),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	corpus_root = argv[1];
	return cmocka_run_group_tests_name("fuzz-inputs", tests, NULL, NULL);
}
