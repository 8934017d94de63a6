// SPDX-License-Identifier: BSD-2-Clause
/*
 * Non-secure memory as the secure world sees it: never all of it, only the
 * pages a partition mapped — for the length of a call (a message argument,
 * a temporary memory reference) or until it is unmapped (registered shared
 * memory). A mapping belongs to the guest partition that made it and is
 * guarded like that guest's private range: with the guest's protection key
 * (pkeys), or open only while the guest is active (mprotect). A touch of a
 * page that is not mapped, or mapped by another guest, is an isolation
 * violation.
 *
 * Mappings live in one reserved range, handed out in next-fit order so a
 * released range is not reused soon: a stale pointer faults.
 *
 * Reuse of mappings (the mediator's shadow argument page, a call's
 * temporary buffers, registered memory), so a call need not cost an mmap
 * per page and its undoing. A mapping is known again by its list of pages:
 *
 * - Strict (the default): a released one is parked — kept mapped, but
 *   reachable from no partition (PROT_NONE), so a stale
 *   pointer still faults, reported as unmapped memory (as another guest's
 *   memory once that guest has taken the mapping over, below). The same guest
 *   mapping the same pages again un-parks it: one pkey_mprotect. With
 *   protection keys, better still: the map keys (what the guest windows
 *   leave, at most NS_MAP_KEYS: mmu_mapkey_count()) are lent to single
 *   mappings, the most recently used, of at most CACHE_MAX_RUNS runs. A
 *   mapping with a map key is tagged with it once; PKRU enables that key
 *   only while the mapping is live and its owner active. Releasing it
 *   closes the key (WRPKRU) and mapping it again opens it: no system call
 *   at all, whatever else the guest maps meanwhile. A key no live
 *   mapping holds goes to the next mapping that needs one, its holder
 *   released (or orphaned) longest ago parked first.
 * - Cache (ns_map_cache, off by default): a released single page mapped
 *   for one call stays mapped with its guest's key, reused the same way
 *   (runs of pages, and what outlived a call, are parked as in strict
 *   mode). The price: between its calls, that guest's partition can still
 *   reach its last argument pages.
 *
 * When a guest dies, its mappings (released ones, and live ones it leaked,
 * such as its cached RPC argument, within the limits released ones are
 * kept in: CACHE_MAX_RUNS, KEPT_RUNS_MAX) are not unmapped but kept parked,
 * unowned (at most ORPHAN_MAX, the oldest go first), with the map
 * key any of them has: the next guest to map the same pages takes the
 * mapping over, key and all. So a guest that follows another on the same
 * pages (a VM re-created, a fuzz input after the last) maps nothing anew,
 * and reaches them with no system call. The price: a stale pointer of the
 * dead guest into such a page reaches it again once its heir maps that
 * same physical page — memory the heir was given anyway; until then it
 * faults as before.
 *
 * A live guest's parked mapping is taken over the same way by another
 * guest mapping the same pages, when that one has none of its own: the
 * hypervisor's shadow argument pages, which go from guest to guest call
 * after call, keep one mapping and its map key instead of one per guest.
 * The guest that released it cannot reach it meanwhile (its PKRU does
 * not open the key; without one it is guarded for its new owner), and
 * takes it back the same way. Mappings are indexed by their first page
 * (ns.hash) to be found whoever holds them.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "shim_internal.h"

/* Reserved address space for all non-secure mappings. */
#define NS_AREA_SIZE	(64ull << 30)
#define PAGE		4096u
/*
 * Released call mappings kept per guest: its argument and RPC argument
 * pages, page list pages, temporary buffers.
 */
#define CACHE_PER_GUEST	8
/* Mappings of dead guests (released or leaked) kept for their heirs. */
#define ORPHAN_MAX	32
/*
 * Each run of contiguous pages of a mapping is a host memory map, and a
 * process has at most vm.max_map_count (65530) of them: a released
 * mapping of more runs than this is not kept, nor any once the kept ones
 * hold KEPT_RUNS_MAX runs in all, whatever the guests and their buffers.
 */
#define CACHE_MAX_RUNS	8
#define KEPT_RUNS_MAX	8192
/* Buckets of the index of mappings by their first page. */
#define NS_HASH_SIZE	256

enum nsmap_state {
	NSMAP_LIVE,
	NSMAP_CACHED,
	NSMAP_PARKED,	/* released, kept mapped, reachable by no one */
};

struct nsmap {
	uintptr_t va;
	size_t pages;
	size_t runs;			/* host maps: runs of contiguous PAs */
	uint64_t first_pa;
	uint64_t *pas;			/* every page's PA, if more than one */
	struct arch_prtn *owner;
	uint16_t guest_id;
	enum nsmap_state state;
	uint64_t cached_at;
	int key;			/* slot of the map key lent to it, or -1 */
	struct nsmap *next;		/* every mapping */
	struct nsmap *prev;
	struct nsmap *hash_next;	/* same bucket of ns.hash */
	/* The owner's mappings; an orphan's (owner NULL): the orphans. */
	struct nsmap *owner_next;
};

/* The pages mapped since shim_nsec_take_touched(): a bit per page. */
struct touched {
	const struct shim_phys_region *region;
	uint64_t *bits;
	size_t words;
};

static struct {
	uint8_t *base;
	uintptr_t cursor;
	bool wrapped;			/* the cursor went round once */
	struct nsmap *list;
	struct nsmap *hash[NS_HASH_SIZE];	/* by first page */
	struct nsmap *orphans;		/* dead guests' parked pages */
	size_t orphan_count;
	size_t cached;
	size_t kept_runs;		/* runs of the released ones kept */
	uint64_t tick;
	bool cache;
	bool park;			/* strict: park released arg pages */
	/* Last released range, for reports on stale pointers. */
	uintptr_t last_va;
	size_t last_pages;
	uint16_t last_guest;
	struct touched touched[SHIM_MAX_REGIONS];
	struct nsmap *key_holder[NS_MAP_KEYS];	/* who has each map key */
} ns;

int nsmap_init(bool cache, char *err, size_t err_size)
{
	void *base = mmap(NULL, NS_AREA_SIZE, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	memset(&ns, 0, sizeof(ns));
	if (base == MAP_FAILED) {
		snprintf(err, err_size, "cannot reserve non-secure mappings: %s",
			 strerror(errno));
		return -1;
	}
	ns.base = base;
	ns.cursor = (uintptr_t)base;
	ns.cache = cache;
	ns.park = !cache;
	return 0;
}

static uintptr_t area_end(void)
{
	return (uintptr_t)ns.base + NS_AREA_SIZE;
}

/* First free range of @size bytes at or after @from; 0 if none. */
static uintptr_t find_gap(uintptr_t from, size_t size)
{
	uintptr_t at = from;
	bool moved = true;

	/* Rare (after 64 GiB of mappings): a plain search is enough. */
	while (moved && at + size <= area_end()) {
		struct nsmap *m = NULL;

		moved = false;
		for (m = ns.list; m; m = m->next) {
			if (m->va < at + size + PAGE &&
			    at < m->va + (m->pages + 1) * PAGE) {
				at = m->va + (m->pages + 1) * PAGE;
				moved = true;
			}
		}
	}
	return at + size <= area_end() ? at : 0;
}

/*
 * Next-fit: until the cursor first reaches the end, everything mapped lies
 * below it and it simply advances; after that, gaps are searched.
 */
static uintptr_t alloc_va(size_t size)
{
	uintptr_t va = 0;

	if (!ns.wrapped && ns.cursor + size <= area_end()) {
		va = ns.cursor;
	} else {
		ns.wrapped = true;
		va = find_gap(ns.cursor, size);
		if (!va)
			va = find_gap((uintptr_t)ns.base, size);
	}
	if (va)
		ns.cursor = va + size + PAGE;	/* leave a guard page */
	return va;
}

static struct nsmap **bucket_of(uint64_t first_pa)
{
	return &ns.hash[(first_pa / PAGE) % NS_HASH_SIZE];
}

static void link_map(struct nsmap *m)
{
	struct nsmap **head = mmu_prtn_nsmaps(m->owner);
	struct nsmap **b = bucket_of(m->first_pa);

	m->prev = NULL;
	m->next = ns.list;
	if (ns.list)
		ns.list->prev = m;
	ns.list = m;
	m->hash_next = *b;
	*b = m;
	m->owner_next = *head;
	*head = m;
}

static struct nsmap **owner_list(struct nsmap *m)
{
	return m->owner ? mmu_prtn_nsmaps(m->owner) : &ns.orphans;
}

/* Off its owner's list (or the orphans'). */
static void unlink_owner(struct nsmap *m)
{
	struct nsmap **pp = owner_list(m);

	while (*pp && *pp != m)
		pp = &(*pp)->owner_next;
	if (*pp) {
		*pp = m->owner_next;
		ns.orphan_count -= !m->owner;
	}
}

static void unlink_map(struct nsmap *m)
{
	struct nsmap **pp = bucket_of(m->first_pa);

	while (*pp && *pp != m)
		pp = &(*pp)->hash_next;
	if (*pp)
		*pp = m->hash_next;
	if (m->prev)
		m->prev->next = m->next;
	else
		ns.list = m->next;
	if (m->next)
		m->next->prev = m->prev;
	unlink_owner(m);
}

static void retire(struct nsmap *m)
{
	void *va = (void *)m->va;

	if (mmap(va, m->pages * PAGE, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1,
		 0) != va) {
		perror("nexsim: release of a non-secure mapping");
		abort();
	}
	if (m->key >= 0) {
		if (m->state == NSMAP_LIVE)
			mmu_mapkey_close(m->owner, (unsigned int)m->key);
		ns.key_holder[m->key] = NULL;
	}
	if (m->state != NSMAP_LIVE) {
		ns.cached--;
		ns.kept_runs -= m->runs;
	}
	ns.last_va = m->va;
	ns.last_pages = m->pages;
	ns.last_guest = m->guest_id;
	unlink_map(m);
	shim_stats_counters.ns_maps_live -= m->state == NSMAP_LIVE;
	free(m->pas);
	free(m);
}

static size_t span_of(const struct nsmap *m)
{
	return m->pages * PAGE;
}

/* Does @m map exactly @pages[0..@count), in that order? */
static bool maps_pages(const struct nsmap *m, const paddr_t *pages,
		       size_t count)
{
	size_t n = 0;

	if (m->pages != count || m->first_pa != pa_addr(pages[0]))
		return false;
	if (count == 1)
		return true;
	if (!m->pas)
		return false;
	for (n = 1; n < count; n++)
		if (m->pas[n] != pa_addr(pages[n]))
			return false;
	return true;
}

/* Map @pages at @va, a host map per run of them; the runs, or 0. */
static size_t map_runs(uintptr_t va, const paddr_t *pages, size_t count,
		       const struct shim_phys_region *r)
{
	size_t runs = 0;
	size_t n = 0;

	while (n < count) {
		size_t run = 1;
		void *at = (void *)(va + n * PAGE);

		while (n + run < count &&
		       pa_addr(pages[n + run]) == pa_addr(pages[n]) + run * PAGE)
			run++;
		/* Populated now: a first-touch fault costs more than this. */
		if (mmap(at, run * PAGE, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED | MAP_POPULATE, r->fd,
			 (off_t)(pa_addr(pages[n]) - pa_addr(r->base))) != at)
			return 0;
		n += run;
		runs++;
	}
	return runs;
}

/*
 * A released mapping of exactly @pages for @owner to map again: its own
 * (its list is short), else a parked one of a dead guest, else a parked
 * one of another guest (the hypervisor's shadow argument pages go from
 * guest to guest, call after call), one with a map key first. NULL if
 * there is none. A mapping ns_map_cache keeps reachable by its guest
 * stays that guest's.
 */
static struct nsmap *released_of(struct arch_prtn *owner,
				 const paddr_t *pages, size_t count)
{
	struct nsmap *best = NULL;
	unsigned int best_rank = UINT_MAX;
	struct nsmap *m = NULL;

	for (m = *mmu_prtn_nsmaps(owner); m; m = m->owner_next)
		if (m->state != NSMAP_LIVE && maps_pages(m, pages, count))
			return m;
	for (m = *bucket_of(pa_addr(pages[0])); m && best_rank;
	     m = m->hash_next) {
		unsigned int rank = 0;

		if (m->state != NSMAP_PARKED || m->owner == owner ||
		    !maps_pages(m, pages, count))
			continue;
		rank = (m->owner ? 2u : 0u) + (m->key < 0);
		if (rank < best_rank) {
			best = m;
			best_rank = rank;
		}
	}
	return best;
}

/*
 * Lend @m (new, or released) a map key and tag it with it: a free key,
 * else the one whose holder was released (or orphaned: orphan() stamps
 * it anew) longest ago. That one is parked: from then on it costs a
 * system call to reach again, as without a key. False if every key's
 * holder is live.
 */
static bool lend_key(struct nsmap *m)
{
	unsigned int keys = mmu_mapkey_count();
	struct nsmap *h = NULL;
	unsigned int n = 0;
	int slot = -1;

	for (n = 0; n < keys && (slot < 0 || ns.key_holder[slot]); n++) {
		h = ns.key_holder[n];
		if (!h || (h->state != NSMAP_LIVE &&
			   (slot < 0 ||
			    h->cached_at < ns.key_holder[slot]->cached_at)))
			slot = (int)n;
	}
	if (slot < 0)
		return false;
	h = ns.key_holder[slot];
	if (h) {
		mmu_park_nsec((void *)h->va, span_of(h));
		h->key = -1;
	}
	mmu_mapkey_tag((unsigned int)slot, (void *)m->va, span_of(m));
	m->key = slot;
	ns.key_holder[slot] = m;
	return true;
}

/*
 * Parked mapping @m of another guest, live or dead, becomes @owner's,
 * still parked: closed on its map key, or PROT_NONE, it is out of every
 * partition's reach.
 */
static void take_over(struct nsmap *m, struct arch_prtn *owner)
{
	struct nsmap **head = mmu_prtn_nsmaps(owner);

	unlink_owner(m);
	m->owner = owner;
	m->guest_id = mmu_prtn_guest_id(owner);
	m->owner_next = *head;
	*head = m;
	shim_stats_counters.ns_maps_inherited++;
}

/*
 * Keep mapping @m of a dying guest for the next one mapping the same
 * pages: a released one, or one still live (leaked: the guest's banked
 * state, which held it, dies with the guest). A map key it has stays with
 * it, closed.
 */
static void orphan(struct nsmap *m)
{
	struct nsmap *oldest = NULL;
	struct nsmap *o = NULL;

	unlink_owner(m);
	if (m->state == NSMAP_LIVE) {
		/*
		 * Out of reach, as on its release. A map key needs no closing:
		 * only its owner's PKRU opened it, and a dying partition is
		 * active on no core (arch_prtn_destroy()) or, at a power-on,
		 * the MMU reloads the core's PKRU before any code runs
		 * (destroy() in mmu.c).
		 */
		if (m->key < 0)
			mmu_park_nsec((void *)m->va, span_of(m));
		ns.cached++;
		ns.kept_runs += m->runs;
		shim_stats_counters.ns_maps_live--;
	} else if (m->state == NSMAP_CACHED) {
		/* ns_map_cache: off its owner's key, for another guest's. */
		mmu_park_nsec((void *)m->va, span_of(m));
	}
	m->state = NSMAP_PARKED;
	m->owner = NULL;
	m->cached_at = ++ns.tick;
	m->owner_next = ns.orphans;
	ns.orphans = m;
	ns.orphan_count++;
	if (ns.orphan_count <= ORPHAN_MAX)
		return;
	for (o = ns.orphans; o; o = o->owner_next)
		if (!oldest || o->cached_at < oldest->cached_at)
			oldest = o;
	retire(oldest);
}

/* Note @pages[0..@count) of region @r as mapped (made on first use). */
static bool note_touched(const struct shim_phys_region *r,
			 const paddr_t *pages, size_t count)
{
	struct touched *t = NULL;
	size_t n = 0;

	for (n = 0; n < SHIM_MAX_REGIONS && !t; n++)
		if (ns.touched[n].region == r || !ns.touched[n].region)
			t = &ns.touched[n];
	if (!t)
		return false;
	if (!t->region) {
		t->words = (size_t)((r->size / PAGE + 63) / 64);
		t->bits = calloc(t->words, sizeof(*t->bits));
		if (!t->bits)
			return false;
		t->region = r;
	}
	for (n = 0; n < count; n++) {
		uint64_t idx = (pa_addr(pages[n]) - pa_addr(r->base)) / PAGE;

		t->bits[idx / 64] |= 1ull << (idx % 64);
	}
	return true;
}

void shim_nsec_take_touched(void (*fn)(uint64_t pa, void *arg), void *arg)
{
	size_t n = 0;
	size_t w = 0;

	for (n = 0; n < SHIM_MAX_REGIONS && ns.touched[n].region; n++) {
		struct touched *t = &ns.touched[n];

		for (w = 0; w < t->words; w++) {
			while (t->bits[w]) {
				unsigned int b = (unsigned int)__builtin_ctzll(
					t->bits[w]);

				t->bits[w] &= t->bits[w] - 1;
				fn(pa_addr(t->region->base) +
				   ((uint64_t)w * 64 + b) * PAGE, arg);
			}
		}
	}
}

void *arch_nsec_map(const paddr_t *pages, size_t count, bool per_call)
{
	struct arch_prtn *owner = mmu_current_prtn();
	const struct shim_phys_region *r = NULL;
	struct nsmap *m = NULL;
	uintptr_t va = 0;
	size_t n = 0;

	/*
	 * @per_call makes no difference here: any mapping kept when released
	 * may have a map key (strict), and what ns_map_cache keeps reachable
	 * is decided at the release.
	 */
	(void)per_call;
	/* Only a guest partition maps non-secure memory, page by page. */
	if (!owner || !count || count > NS_AREA_SIZE / PAGE / 4)
		return NULL;
	for (n = 0; n < count; n++) {
		const struct shim_phys_region *pr =
			mmu_region_of(pa_addr(pages[n]), PAGE, false);

		if (!pr || pa_addr(pages[n]) % PAGE || (r && pr != r))
			return NULL;
		r = pr;
	}
	/* Not knowing what it may write, map nothing. */
	if (!note_touched(r, pages, count))
		return NULL;
	if (ns.cache || ns.park) {
		m = released_of(owner, pages, count);
		if (m && m->owner != owner)
			take_over(m, owner);
		if (m) {
			/* Closed on its map key, or parked: reached again. */
			if (m->state == NSMAP_PARKED && m->key < 0 &&
			    !lend_key(m))
				mmu_unpark_nsec((void *)m->va, span_of(m),
						owner);
			if (m->key >= 0)
				mmu_mapkey_open(owner, (unsigned int)m->key);
			m->state = NSMAP_LIVE;
			ns.cached--;
			ns.kept_runs -= m->runs;
			shim_stats_counters.ns_map_cache_hits++;
			shim_stats_counters.ns_maps_live++;
			return (void *)m->va;
		}
	}

	m = calloc(1, sizeof(*m));
	va = alloc_va(count * PAGE);
	/* A run of pages is known again by its whole list. */
	if (m && count > 1) {
		m->pas = malloc(count * sizeof(*m->pas));
		for (n = 0; m->pas && n < count; n++)
			m->pas[n] = pa_addr(pages[n]);
	}
	if (!m || !va || (count > 1 && !m->pas)) {
		if (m)
			free(m->pas);
		free(m);
		return NULL;
	}
	m->runs = map_runs(va, pages, count, r);
	if (!m->runs) {
		/*
		 * Give the range back as it was: reserved, inaccessible. If
		 * even that fails (no host map left), pages mapped so far
		 * would stay reachable from every partition: stop here.
		 */
		if (mmap((void *)va, count * PAGE, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED |
			 MAP_NORESERVE, -1, 0) != (void *)va) {
			perror("nexsim: undoing a failed non-secure mapping");
			abort();
		}
		free(m->pas);
		free(m);
		return NULL;
	}
	m->va = va;
	m->pages = count;
	m->first_pa = pa_addr(pages[0]);
	m->owner = owner;
	m->guest_id = mmu_prtn_guest_id(owner);
	m->state = NSMAP_LIVE;
	link_map(m);
	m->key = -1;
	/* One that is kept when released (strict) is worth a map key. */
	if (ns.park && m->runs <= CACHE_MAX_RUNS && lend_key(m))
		mmu_mapkey_open(owner, (unsigned int)m->key);
	else
		mmu_guard_nsec((void *)va, count * PAGE, owner);
	shim_stats_counters.ns_maps++;
	shim_stats_counters.ns_maps_live++;
	return (void *)va;
}

bool arch_nsec_read(paddr_t pa, void *buf, size_t len)
{
	const struct shim_phys_region *r = NULL;
	uint64_t a = pa_addr(pa);

	if (!mmu_current_prtn() || !len)
		return false;
	r = mmu_region_of(a, len, false);
	if (!r)
		return false;
	if (mmu_nsec_read(r, a - pa_addr(r->base), buf, len))
		return true;
	return pread(r->fd, buf, len, (off_t)(a - pa_addr(r->base))) ==
	       (ssize_t)len;
}

static bool covers(const struct nsmap *m, uintptr_t va)
{
	return va >= m->va && va < m->va + m->pages * PAGE;
}

static struct nsmap *find(uintptr_t va)
{
	struct arch_prtn *owner = mmu_current_prtn();
	struct nsmap *m = NULL;

	/* Mostly the active partition's own: look there first. */
	if (owner)
		for (m = *mmu_prtn_nsmaps(owner); m; m = m->owner_next)
			if (covers(m, va))
				return m;
	for (m = ns.list; m; m = m->next)
		if (covers(m, va))
			return m;
	return NULL;
}

/* Make room in @owner's cache: retire its stalest cached mapping. */
static void cache_make_room(struct arch_prtn *owner)
{
	struct nsmap *oldest = NULL;
	struct nsmap *m = NULL;
	unsigned int count = 0;

	for (m = *mmu_prtn_nsmaps(owner); m; m = m->owner_next) {
		if (m->state == NSMAP_LIVE)
			continue;
		count++;
		if (!oldest || m->cached_at < oldest->cached_at)
			oldest = m;
	}
	if (count >= CACHE_PER_GUEST)
		retire(oldest);
}

void arch_nsec_unmap(void *va, bool per_call)
{
	struct nsmap *m = find((uintptr_t)va);

	if (!m || m->va != (uintptr_t)va || m->state != NSMAP_LIVE) {
		fprintf(stderr, "nexsim: unmap of %p, which is not a live "
			"non-secure mapping\n", va);
		abort();
	}
	if ((ns.cache || ns.park) && m->runs <= CACHE_MAX_RUNS) {
		/* Only one call's single page may stay reachable (cache). */
		bool park = ns.park || m->pages > 1 || !per_call;

		cache_make_room(m->owner);
		if (ns.kept_runs + m->runs > KEPT_RUNS_MAX) {
			retire(m);
			return;
		}
		if (m->key >= 0) {
			/* Out of reach, and still tagged for its next use. */
			mmu_mapkey_close(m->owner, (unsigned int)m->key);
		} else if (park) {
			mmu_park_nsec((void *)m->va, span_of(m));
		}
		m->state = park ? NSMAP_PARKED : NSMAP_CACHED;
		m->cached_at = ++ns.tick;
		ns.cached++;
		ns.kept_runs += m->runs;
		shim_stats_counters.ns_maps_live--;
		return;
	}
	retire(m);
}

/*
 * Every mapping of dying @owner is kept for an heir, as its released ones
 * are: also a live one (leaked), if it may be kept at all (arch_nsec_unmap
 * keeps no more), else it goes. A guest's cached RPC argument page is
 * live when the guest dies, and the next guest on the same pages (a fuzz
 * input after the last) maps it again.
 */
void nsmap_release_all(struct arch_prtn *owner)
{
	struct nsmap **head = mmu_prtn_nsmaps(owner);

	while (*head) {
		struct nsmap *m = *head;

		if (m->state != NSMAP_LIVE) {
			orphan(m);
			continue;
		}
		shim_stats_counters.ns_maps_leaked++;
		if ((ns.cache || ns.park) && m->runs <= CACHE_MAX_RUNS &&
		    ns.kept_runs + m->runs <= KEPT_RUNS_MAX)
			orphan(m);
		else
			retire(m);
	}
}

/* Apply @fn to each mapping of @owner (for key moves and protections). */
void nsmap_for_each(struct arch_prtn *owner,
		    void (*fn)(void *va, size_t size, void *arg), void *arg)
{
	struct nsmap *m = NULL;

	/*
	 * Parked ones stay PROT_NONE whoever runs, and ones with a map key
	 * on that key.
	 */
	for (m = *mmu_prtn_nsmaps(owner); m; m = m->owner_next) {
		if (m->state != NSMAP_PARKED && m->key < 0) {
			shim_stats_counters.ns_prot_changes++;
			fn((void *)m->va, m->pages * PAGE, arg);
		}
	}
}

bool nsmap_classify(uintptr_t addr, struct shim_violation *v)
{
	struct nsmap *m = NULL;

	if (!ns.base || addr < (uintptr_t)ns.base || addr >= area_end())
		return false;
	for (m = ns.list; m && !covers(m, addr); m = m->next)
		;
	if (m && m->state == NSMAP_PARKED) {
		/* Released (kept mapped only for reuse): a stale pointer. */
		v->owner = SHIM_OWNER_NSEC_UNMAPPED;
		v->owner_guest = m->guest_id;
		v->symbol_offset = addr - m->va;
		snprintf(v->symbol, sizeof(v->symbol),
			 "unmapped non-secure memory");
		return true;
	}
	if (m) {
		v->owner = SHIM_OWNER_NSEC;
		v->owner_guest = m->guest_id;
		v->symbol_offset = addr - m->va;
		snprintf(v->symbol, sizeof(v->symbol),
			 "non-secure pages at PA 0x%llx",
			 (unsigned long long)m->first_pa);
		return true;
	}
	v->owner = SHIM_OWNER_NSEC_UNMAPPED;
	if (addr >= ns.last_va && addr < ns.last_va + ns.last_pages * PAGE) {
		v->owner_guest = ns.last_guest;
		v->symbol_offset = addr - ns.last_va;
	}
	snprintf(v->symbol, sizeof(v->symbol), "unmapped non-secure memory");
	return true;
}

void nsmap_fini(void)
{
	size_t n = 0;

	while (ns.list)
		retire(ns.list);
	/* What the kept mappings were counted as went with them. */
	if (ns.cached || ns.kept_runs || ns.orphan_count) {
		fprintf(stderr, "nexsim: non-secure mappings miscounted: %zu "
			"kept, %zu runs, %zu orphans left\n", ns.cached,
			ns.kept_runs, ns.orphan_count);
		abort();
	}
	for (n = 0; n < SHIM_MAX_REGIONS; n++)
		free(ns.touched[n].bits);
	if (ns.base)
		munmap(ns.base, NS_AREA_SIZE);
	memset(&ns, 0, sizeof(ns));
}
