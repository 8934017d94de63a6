// SPDX-License-Identifier: BSD-2-Clause
/*
 * A driver for fuzz targets without libFuzzer: it runs every file named
 * on the command line (a directory: every file in it, in name order) once
 * through LLVMFuzzerTestOneInput. So a corpus is a regression test with
 * any compiler. It prints the inputs' own time (reading the files left
 * out): with NEXSIM_CHECK_CLEAN=0, which leaves out the hypervisor's check
 * of each clean page it hands out, the targets' bare cost an input. With
 * NEXSIM_FUZZ_TIMING=1, where that time went (fuzz_profile()).
 */

#define _DEFAULT_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sim/hyp.h>

#include "fuzz_common.h"
#include "fuzz_targets.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* Time spent in the target, in ns. */
static double spent;

static int run_file(const char *path)
{
	uint8_t *buf = NULL;
	size_t size = 0;
	double start = 0;

	if (fuzz_read_input(path, &buf, &size)) {
		fprintf(stderr, "cannot read %s\n", path);
		return -1;
	}
	start = fuzz_now_ns();
	LLVMFuzzerTestOneInput(buf, size);
	spent += fuzz_now_ns() - start;
	free(buf);
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int main(int argc, char **argv)
{
	const char *check_clean = getenv("NEXSIM_CHECK_CLEAN");
	const char *profile = getenv("NEXSIM_FUZZ_TIMING");
	unsigned int runs = 0;
	int i = 0;

	/* A regression run: also check the hypervisor's clean pages. */
	hyp_set_check_clean(!check_clean || strcmp(check_clean, "0"));
	if (profile && strcmp(profile, "0"))
		fuzz_profile_enable();
	for (i = 1; i < argc; i++) {
		struct dirent **list = NULL;
		struct stat st;
		int n = 0;
		int k = 0;

		if (stat(argv[i], &st)) {
			fprintf(stderr, "no such input: %s\n", argv[i]);
			return 2;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (run_file(argv[i]))
				return 2;
			runs++;
			continue;
		}
		n = scandir(argv[i], &list, NULL, by_name);
		for (k = 0; k < n; k++) {
			char path[4096];

			if (list[k]->d_name[0] != '.') {
				snprintf(path, sizeof(path), "%s/%s", argv[i],
					 list[k]->d_name);
				if (run_file(path))
					return 2;
				runs++;
			}
			free(list[k]);
		}
		free(list);
	}
	printf("%u inputs ran, every invariant held (%.1f us an input)\n",
	       runs, runs ? spent / 1e3 / runs : 0.0);
	if (fuzz_profile_on)
		fuzz_profile_print(stdout);
	return runs ? 0 : 2;
}
