// SPDX-License-Identifier: BSD-2-Clause
/*
 * Non-secure mappings against a model of who may reach what: random
 * arch_nsec_map()/arch_nsec_unmap() of page lists, for one call or beyond
 * it, by guests that die and come back, and through machine resets, in
 * strict mode and with ns_map_cache; with few guests (a map key for every
 * mapping) and with more guests and pages than keys (keys change hands,
 * dead guests' mappings pile up past ORPHAN_MAX). After every step every
 * page of every mapping is touched from every guest and from the default
 * partition: a live one reaches only its owner; a released one no one
 * (but, with ns_map_cache, a single page of one call may still reach its
 * owner); a dead guest's no one. And each mapping reaches the very pages
 * it was given.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arch/mmu.h>
#include <kernel/virtualization.h>
#include <tests/harness.h>

#define OK	0u
#define MAX_GUESTS	8
#define MAXREC	4096

struct rec {
	uint8_t *va;
	size_t count;
	uint64_t pa[3];
	int owner;		/* guest id, 0: orphan */
	bool live;
	bool per_call;
};

static struct rec recs[MAXREC];
static size_t nrec;
static bool alive[MAX_GUESTS + 1];
static int guests;
static uint64_t rng = 12345;
static bool cache_mode;

static uint32_t rnd(uint32_t n)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng >> 33) % n;
}

static uint64_t nsec_page(unsigned int n)
{
	return pa_addr(harness_machine.cfg.platform.nsec_ddr_base) +
	       (uint64_t)(n + 50) * 4096;
}

struct poke {
	volatile uint8_t *ptr;
};

static void poke(void *arg)
{
	struct poke *p = arg;

	*p->ptr = *p->ptr;
}

static bool reach(int guest, uint8_t *va)
{
	struct shim_violation v;
	struct poke pk = { va + 7 };
	bool faulted = false;

	if (guest)
		assert_int_equal(virt_set_guest((uint16_t)guest), TEE_SUCCESS);
	faulted = shim_try(poke, &pk, &v);
	if (guest)
		virt_unset_guest();
	return !faulted;
}

static struct rec *by_va(uint8_t *va)
{
	size_t n = 0;

	for (n = 0; n < nrec; n++)
		if (recs[n].va == va)
			return &recs[n];
	return NULL;
}

static void check_all(unsigned int step, const char *what)
{
	size_t n = 0;
	size_t k = 0;
	int g = 0;

	for (n = 0; n < nrec; n++) {
		struct rec *r = &recs[n];

		if (!r->va)
			continue;
		for (g = 0; g <= guests; g++) {
			bool may = false;
			bool can = false;

			if (g && !alive[g])
				continue;
			for (k = 0; k < r->count; k++) {
				can = reach(g, r->va + k * 4096);
				if (r->live)
					may = g && g == r->owner;
				else if (g && g == r->owner && cache_mode &&
					 r->per_call && r->count == 1)
					may = can;	/* cached: allowed */
				if (can == may)
					continue;
				fprintf(stderr,
					"step %u (%s): mapping %p page %zu (%zu "
					"pages, pa0 %#llx) owner %d %s per_call "
					"%d: guest %d %s\n",
					step, what, (void *)r->va, k, r->count,
					(unsigned long long)r->pa[0], r->owner,
					r->live ? "live" : "released",
					r->per_call, g,
					can ? "CAN reach it" : "cannot reach it");
				fail();
			}
		}
	}
}

static void run(bool cache, uint64_t seed, unsigned int steps,
		int guest_count, unsigned int npages)
{
	struct nexsim_config cfg;
	unsigned int step = 0;
	int g = 0;
	size_t n = 0;

	harness_stop();
	harness_config(&cfg, "default");
	cfg.ns_map_cache = cache;
	cfg.platform.guest_count = (uint32_t)guest_count;
	harness_start(&cfg);
	cache_mode = cache;
	rng = seed;
	guests = guest_count;
	nrec = 0;
	memset(recs, 0, sizeof(recs));
	for (g = 1; g <= guests; g++) {
		assert_int_equal(sim_vm_created((uint32_t)g), OK);
		alive[g] = true;
	}
	for (step = 0; step < steps; step++) {
		uint32_t op = rnd(10);
		const char *what = "";

		g = 1 + (int)rnd((uint32_t)guests);
		if (op < 5) {
			paddr_t pages[3];
			uint64_t pas[3];
			size_t count = 1 + (rnd(3) == 0 ? rnd(3) : 0);
			bool per_call = rnd(2);
			uint8_t *va = NULL;
			struct rec *r = NULL;
			size_t k = 0;

			what = "map";
			for (k = 0; k < count; k++) {
				pas[k] = nsec_page(rnd(npages));
				pages[k] = pa_init(pas[k]);
			}
			assert_int_equal(virt_set_guest((uint16_t)g),
					 TEE_SUCCESS);
			va = arch_nsec_map(pages, count, per_call);
			assert_non_null(va);
			/* It maps those very pages. */
			for (k = 0; k < count; k++) {
				uint8_t b = (uint8_t)rnd(256);
				uint8_t got = 0;

				va[k * 4096 + 11] = b;
				assert_int_equal(sim_phys_read(&harness_machine,
							       pas[k] + 11,
							       &got, 1), 0);
				assert_int_equal(got, b);
			}
			virt_unset_guest();
			r = by_va(va);
			if (r) {
				if (r->live) {
					fprintf(stderr, "step %u: %p mapped "
						"twice\n", step, (void *)va);
					fail();
				}
			} else {
				assert_true(nrec < MAXREC);
				r = &recs[nrec++];
			}
			r->va = va;
			r->count = count;
			memcpy(r->pa, pas, sizeof(pas));
			r->owner = g;
			r->live = true;
			r->per_call = per_call;
		} else if (op < 9) {
			/* Unmap one live mapping of g. */
			size_t live[MAXREC];
			size_t nl = 0;
			struct rec *r = NULL;

			what = "unmap";
			for (n = 0; n < nrec; n++)
				if (recs[n].live && recs[n].owner == g)
					live[nl++] = n;
			if (!nl)
				continue;
			r = &recs[live[rnd((uint32_t)nl)]];
			assert_int_equal(virt_set_guest((uint16_t)g),
					 TEE_SUCCESS);
			arch_nsec_unmap(r->va, r->per_call);
			virt_unset_guest();
			r->live = false;
		} else if (rnd(8) == 0) {
			/* A power-on: every guest dies; they come back. */
			char err[128];

			what = "reset";
			assert_int_equal(sim_machine_reset(&harness_machine,
							   err, sizeof(err)),
					 0);
			for (n = 0; n < nrec; n++) {
				recs[n].owner = 0;
				recs[n].live = false;
			}
			for (g = 1; g <= guests; g++)
				assert_int_equal(
					sim_vm_created((uint32_t)g), OK);
		} else {
			/* Guest g dies and comes back. */
			what = "destroy";
			assert_int_equal(sim_vm_destroyed((uint32_t)g), OK);
			for (n = 0; n < nrec; n++)
				if (recs[n].owner == g) {
					recs[n].owner = 0;
					recs[n].live = false;
				}
			assert_int_equal(sim_vm_created((uint32_t)g), OK);
		}
		check_all(step, what);
	}
	for (g = 1; g <= guests; g++)
		assert_int_equal(sim_vm_destroyed((uint32_t)g), OK);
}

/*
 * Steps: about a second per MMU strategy; fewer under ASan, where each
 * caught fault costs far more.
 */
#define SEEDS	1
#if defined(__SANITIZE_ADDRESS__)
#define STEPS	40
#else
#define STEPS	150
#endif

static void test_strict_mappings_match_the_model(void **state)
{
	uint64_t s = 0;

	(void)state;
	for (s = 1; s <= SEEDS; s++)
		run(false, s, STEPS, 4, 10);
}

/* Eight guests (two or three map keys) over 40 pages. */
static void test_strict_mappings_beyond_the_keys_match_the_model(void **state)
{
	uint64_t s = 0;

	(void)state;
	for (s = 1; s <= SEEDS; s++)
		run(false, s + 100, STEPS, 8, 40);
}

static void test_cached_mappings_match_the_model(void **state)
{
	uint64_t s = 0;

	(void)state;
	for (s = 1; s <= SEEDS; s++)
		run(true, s, STEPS, 4, 10);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strict_mappings_match_the_model),
		cmocka_unit_test(test_strict_mappings_beyond_the_keys_match_the_model),
		cmocka_unit_test(test_cached_mappings_match_the_model),
	};

	harness_init(argc, argv);
	return HARNESS_RUN("nsmap-model", tests, harness_setup_default,
			   harness_teardown);
}
