// SPDX-License-Identifier: BSD-2-Clause
/*
 * Where the fuzz targets' time goes (fuzz_common.h, fuzz_profile()): the
 * time between two marks, summed by the kind the second one names.
 */

#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz_common.h"

#define PROFILE_KINDS	32

struct kind {
	const char *name;
	uint64_t count;
	double ns;
};

bool fuzz_profile_on;
static struct kind kinds[PROFILE_KINDS];
static double last_mark;

double fuzz_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

void fuzz_profile_enable(void)
{
	memset(kinds, 0, sizeof(kinds));
	fuzz_profile_on = true;
	last_mark = fuzz_now_ns();
}

void fuzz_profile_mark(const char *kind)
{
	double now = fuzz_now_ns();
	size_t n = 0;

	if (kind) {
		while (n < PROFILE_KINDS && kinds[n].name &&
		       strcmp(kinds[n].name, kind))
			n++;
		if (n == PROFILE_KINDS) {
			fprintf(stderr, "nexsim fuzz: profile: more than %d "
				"kinds (at '%s')\n", PROFILE_KINDS, kind);
			abort();
		}
		kinds[n].name = kind;
		kinds[n].count++;
		kinds[n].ns += now - last_mark;
	}
	last_mark = now;
}

static int by_time(const void *a, const void *b)
{
	const struct kind *x = a;
	const struct kind *y = b;

	return (x->ns < y->ns) - (x->ns > y->ns);
}

void fuzz_profile_print(FILE *out)
{
	struct kind sorted[PROFILE_KINDS];
	double total = 0;
	size_t used = 0;
	size_t n = 0;

	while (used < PROFILE_KINDS && kinds[used].name)
		total += kinds[used++].ns;
	memcpy(sorted, kinds, used * sizeof(sorted[0]));
	qsort(sorted, used, sizeof(sorted[0]), by_time);
	fprintf(out, "%-16s %10s %12s %7s\n", "time went to", "count",
		"us each", "share");
	for (n = 0; n < used; n++)
		fprintf(out, "%-16s %10llu %12.3f %6.1f%%\n", sorted[n].name,
			(unsigned long long)sorted[n].count,
			sorted[n].ns / 1e3 / (double)sorted[n].count,
			total > 0 ? 100.0 * sorted[n].ns / total : 0.0);
}
