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
 * it was given. With many guests over few pages, parked mappings change
 * hands between live guests (take-overs, counted against the model), also
 * with a guest kept active on another core; and a power-on while a guest
 * is active leaves nothing of it reachable.
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
/* A guest kept active on core 1 throughout; lists of one page mostly. */
static int bystander;		/* guest active on core 1 throughout, or 0 */
static bool single_pages;	/* lists of one page mostly: take-overs */
static uint64_t model_inherited;	/* take-overs the model expects */

static size_t model_live(void)
{
	size_t n = 0;
	size_t live = 0;

	for (n = 0; n < nrec; n++)
		live += recs[n].live;
	return live;
}

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

	if (guest && guest == bystander) {
		shim_set_current_core(1);
		faulted = shim_try(poke, &pk, &v);
		shim_set_current_core(0);
		return !faulted;
	}
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

/* Enter @g (on core 1 if it is the bystander, already active there). */
static void enter(int g)
{
	if (g == bystander)
		shim_set_current_core(1);
	else
		assert_int_equal(virt_set_guest((uint16_t)g), TEE_SUCCESS);
}

static void leave(int g)
{
	if (g == bystander)
		shim_set_current_core(0);
	else
		virt_unset_guest();
}

static void bystander_off(void)
{
	if (!bystander)
		return;
	shim_set_current_core(1);
	virt_unset_guest();
	shim_set_current_core(0);
}

static void bystander_on(void)
{
	if (!bystander)
		return;
	shim_set_current_core(1);
	assert_int_equal(virt_set_guest((uint16_t)bystander), TEE_SUCCESS);
	shim_set_current_core(0);
}

static void check_all(unsigned int step, const char *what)
{
	size_t n = 0;
	size_t k = 0;
	int g = 0;
	struct shim_stats st;

	shim_get_stats(&st);
	if (st.ns_maps_live != model_live() ||
	    st.ns_maps_inherited != model_inherited) {
		fprintf(stderr, "step %u (%s): ns_maps_live %llu (model %zu), "
			"ns_maps_inherited %llu (model %llu)\n", step, what,
			(unsigned long long)st.ns_maps_live, model_live(),
			(unsigned long long)st.ns_maps_inherited,
			(unsigned long long)model_inherited);
		fail();
	}

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
	struct shim_stats st0;
	unsigned int step = 0;
	int g = 0;
	size_t n = 0;

	harness_stop();
	harness_config(&cfg, "default");
	cfg.ns_map_cache = cache;
	cfg.platform.guest_count = (uint32_t)guest_count;
	if (bystander)
		cfg.platform.core_count = 2;
	harness_start(&cfg);
	shim_get_stats(&st0);
	model_inherited = st0.ns_maps_inherited;
	assert_int_equal(st0.ns_maps_live, 0);
	cache_mode = cache;
	rng = seed;
	guests = guest_count;
	nrec = 0;
	memset(recs, 0, sizeof(recs));
	for (g = 1; g <= guests; g++) {
		assert_int_equal(sim_vm_created((uint32_t)g), OK);
		alive[g] = true;
	}
	bystander_on();
	for (step = 0; step < steps; step++) {
		uint32_t op = rnd(10);
		const char *what = "";

		g = 1 + (int)rnd((uint32_t)guests);
		if (op < 5) {
			paddr_t pages[3];
			uint64_t pas[3];
			size_t count = 1 + (rnd(single_pages ? 8 : 3) == 0 ?
					    rnd(3) : 0);
			bool per_call = rnd(2);
			uint8_t *va = NULL;
			struct rec *r = NULL;
			size_t k = 0;

			what = "map";
			for (k = 0; k < count; k++) {
				pas[k] = nsec_page(rnd(npages));
				pages[k] = pa_init(pas[k]);
			}
			enter(g);
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
			leave(g);
			r = by_va(va);
			if (r) {
				if (r->owner != g)
					model_inherited++;
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
			enter(g);
			arch_nsec_unmap(r->va, r->per_call);
			/* Out of reach at once, its guest still active. */
			if (!(cache_mode && r->per_call && r->count == 1)) {
				struct shim_violation v;
				struct poke pk = { r->va + 7 };

				if (!shim_try(poke, &pk, &v)) {
					fprintf(stderr, "step %u: %p released "
						"still reachable by guest %d "
						"at once\n", step,
						(void *)r->va, g);
					fail();
				}
			}
			leave(g);
			r->live = false;
		} else if (rnd(8) == 0) {
			/* A power-on: every guest dies; they come back. */
			char err[128];

			what = "reset";
			bystander_off();
			assert_int_equal(sim_machine_reset(&harness_machine,
							   err, sizeof(err)),
					 0);
			for (n = 0; n < nrec; n++) {
				recs[n].owner = 0;
				recs[n].live = false;
			}
			/* A reset zeroes the stats. */
			shim_get_stats(&st0);
			model_inherited = st0.ns_maps_inherited;
			for (g = 1; g <= guests; g++)
				assert_int_equal(
					sim_vm_created((uint32_t)g), OK);
			bystander_on();
		} else {
			/* Guest g dies and comes back. */
			what = "destroy";
			if (g == bystander)
				bystander_off();
			assert_int_equal(sim_vm_destroyed((uint32_t)g), OK);
			for (n = 0; n < nrec; n++)
				if (recs[n].owner == g) {
					recs[n].owner = 0;
					recs[n].live = false;
				}
			assert_int_equal(sim_vm_created((uint32_t)g), OK);
			if (g == bystander)
				bystander_on();
		}
		check_all(step, what);
	}
	bystander_off();
	if (getenv("NSMAP_MODEL_VERBOSE"))
		fprintf(stderr, "run cache %d seed %llu guests %d pages %u: "
			"%llu take-overs since the last reset, %zu mappings\n",
			cache, (unsigned long long)seed, guest_count, npages,
			(unsigned long long)model_inherited, nrec);
	for (g = 1; g <= guests; g++)
		assert_int_equal(sim_vm_destroyed((uint32_t)g), OK);
}

/*
 * Steps: about a second per MMU strategy; fewer under ASan, where each
 * caught fault costs far more.
 */
#define SEEDS	seeds()

static uint64_t seeds(void)
{
	const char *e = getenv("NSMAP_MODEL_SEEDS");

	return e ? strtoull(e, NULL, 0) : 1;
}
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

/*
 * Many guests over few pages, lists of one page mostly, so parked
 * mappings change hands at most steps; on odd seeds a guest is kept
 * active on a second core all along; the live and taken-over counts
 * against the model's.
 */
static void test_taken_over_mappings_match_the_model(void **state)
{
	uint64_t s = 0;
	int cache = 0;

	(void)state;
	for (cache = 0; cache < 2; cache++) {
		for (s = 1; s <= SEEDS; s++) {
			single_pages = true;
			bystander = (s & 1) ? 1 : 0;
			run(cache, s + 200, STEPS, 6, 3);
			run(cache, s + 300, STEPS, 8, 6);
			bystander = 0;
			single_pages = false;
		}
	}
}

/*
 * A power-on while a guest is active on the current core (its
 * partition still open: mprotect's open_prtn, pkeys' PKRU). Its live and
 * released mappings are orphaned: reachable by no one afterwards, in every
 * guard mode, with and without ns_map_cache.
 */
static void test_reset_while_a_guest_is_active_orphans_out_of_reach(
	void **state)
{
	int cache = 0;

	(void)state;
	for (cache = 0; cache < 2; cache++) {
		struct nexsim_config cfg;
		char err[128];
		paddr_t pl = pa_init(nsec_page(1));
		paddr_t pc = pa_init(nsec_page(2));
		paddr_t pp[2] = { pa_init(nsec_page(3)), pa_init(nsec_page(5)) };
		uint8_t *live = NULL;
		uint8_t *cached = NULL;
		uint8_t *parked = NULL;
		int g = 0;

		harness_stop();
		harness_config(&cfg, "default");
		cfg.ns_map_cache = cache;
		harness_start(&cfg);
		assert_int_equal(sim_vm_created(1), OK);
		assert_int_equal(sim_vm_created(2), OK);
		assert_int_equal(virt_set_guest(1), TEE_SUCCESS);
		live = arch_nsec_map(&pl, 1, false);
		cached = arch_nsec_map(&pc, 1, true);
		parked = arch_nsec_map(pp, 2, false);
		assert_non_null(live);
		assert_non_null(cached);
		assert_non_null(parked);
		arch_nsec_unmap(cached, true);
		arch_nsec_unmap(parked, false);
		live[0] = 1;		/* guest 1 still active: reset now */
		assert_int_equal(sim_machine_reset(&harness_machine, err,
						   sizeof(err)), 0);
		assert_int_equal(sim_vm_created(1), OK);
		assert_int_equal(sim_vm_created(2), OK);
		for (g = 0; g <= 2; g++) {
			assert_false(reach(g, live));
			assert_false(reach(g, cached));
			assert_false(reach(g, parked));
			assert_false(reach(g, parked + 4096));
		}
		assert_int_equal(sim_vm_destroyed(1), OK);
		assert_int_equal(sim_vm_destroyed(2), OK);
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_taken_over_mappings_match_the_model),
		cmocka_unit_test(test_reset_while_a_guest_is_active_orphans_out_of_reach),
		cmocka_unit_test(test_strict_mappings_match_the_model),
		cmocka_unit_test(test_strict_mappings_beyond_the_keys_match_the_model),
		cmocka_unit_test(test_cached_mappings_match_the_model),
	};

	harness_init(argc, argv);
	return HARNESS_RUN("nsmap-model", tests, harness_setup_default,
			   harness_teardown);
}
