// SPDX-License-Identifier: BSD-2-Clause
/*
 * The MMU of the simulated secure world, done with the host's MMU.
 *
 * What a partition switch must achieve:
 *  - the guest's copy of the banked sections appears at their link-time
 *    address (.nexsim_bank of this executable);
 *  - the guest's private range (heap, stacks, TA RAM), mapped once at a
 *    guest-distinct address, becomes accessible, and every other guest's
 *    is not;
 *  - in the default partition, neither any bank copy nor any private range
 *    is accessible.
 *
 * Guards, two backends:
 *  - pkeys: every guarded range carries a memory protection key and a
 *    switch is one WRPKRU, no system call. The bank has one key; the
 *    private ranges of the most recently active guests hold one of the
 *    remaining keys each (LRU), all others are parked: PROT_NONE, with
 *    no key (a key of their own would take one from the map keys for
 *    the same system call). A guest without a key takes the least
 *    recently used one: two pkey_mprotect() calls. For a fast call the
 *    window stays closed until its code touches it (apply_prtn()).
 *  - mprotect: the active ranges are PROT_READ|PROT_WRITE, all others
 *    PROT_NONE; every switch changes page protections.
 *
 * Bank contents, two strategies:
 *  - copy: the bank stays where the linker put it; on a change of owner,
 *    the old owner's state is copied out to its backing in secure RAM and
 *    the new owner's is copied in. Only the bytes holding objects move.
 *  - remap: the new owner's backing (a window of the secure RAM memfd) is
 *    mapped over the bank with MAP_FIXED.
 * A bank whose owner did not change is not touched at all.
 *
 * docs/banking.md has the measurements behind the defaults.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include <arch/asan.h>
#include <arch/mmu.h>

#include "shim_internal.h"

/*
 * AUTO bank strategy (docs/banking.md, bench_bank_*): with protection keys
 * copying won at every bank size measured (8 KiB to 1 MiB); with mprotect
 * it won up to 68 KiB and lost from 260 KiB on.
 */
#define BANK_COPY_LIMIT_MPROTECT	(128u * 1024u)

/* Nexus mappings are few: TEE RAM and the per-guest tables. */
#define MAX_NEXUS_MAPS		8

/* Protection keys (x86_64 PKU); the kernel manages 16, key 0 is default. */
#define MAX_PKEYS		16

enum window_state {
	WIN_UNUSED,
	WIN_LIVE,
	WIN_RETIRED,
};

/*
 * A window stays mapped over the private range it was last given (@off):
 * the next guest of that range reuses it with no system call. Retired, it
 * is closed (parked: PROT_NONE) so a stale pointer still faults.
 */
struct window {
	uintptr_t va;
	enum window_state state;
	uint16_t guest_id;	/* owner, or last owner when retired */
	struct arch_prtn *prtn;	/* live only */
	off_t off;		/* private range mapped, -1: none */
	uint64_t retired_at;	/* mmu.retires when it was retired */
	int key_slot;		/* LRU key it is tagged with, -1: parked */
};

struct arch_prtn {
	uint16_t guest_id;
	off_t bank_off;		/* in the secure region's memfd */
	off_t private_off;
	size_t private_size;
	struct window *win;
	int key_slot;		/* index in mmu.lru_keys, -1: parked */
	/*
	 * pkeys, in a fast call: its window (and what shares its key) stays
	 * closed until its code touches it (mmu_open_on_demand()).
	 */
	bool win_lazy;
	bool win_opened;	/* its window was open to its code, ever */
	uint64_t lru_tick;
	uint64_t switches;
	uint32_t map_open;	/* AD|WD bits of the map keys it has open */
	struct nsmap *ns_maps;	/* its non-secure mappings (nsmap.c) */
	struct arch_prtn *next;
};

/*
 * SHIM_SCRUB_IN_PLACE: the pages of a share known to hold data. Pages are
 * never given back in that mode, so the memfd's allocated block count only
 * grows: while it is what it was at the last full scan, no page was added
 * anywhere, and the known pages are all there is to zero.
 */
struct scrub_share {
	off_t off;		/* the share's private range */
	uint64_t blocks;	/* st_blocks of the memfd at its last scan */
	uint64_t *bits;		/* its pages holding data */
	size_t pages;
};

struct nexus_map {
	uint64_t pa;
	size_t size;
	void *va;
};

static struct {
	bool up;
	struct shim_machine_params params;
	enum shim_guard guard;
	enum shim_bank_switch bank;
	const struct shim_phys_region *secure;
	size_t page_size;

	/* pkeys backend */
	int key_bank;
	int key_phys;
	int key_map[NS_MAP_KEYS];	/* map keys (see nsmap.c) */
	size_t map_key_count;
	int lru_keys[MAX_PKEYS];
	struct arch_prtn *key_owner[MAX_PKEYS];	/* live holder */
	struct window *key_window[MAX_PKEYS];	/* window tagged with it */
	size_t lru_key_count;
	uint32_t pkru_ours;	/* AD|WD bits of every key we own */
	uint32_t pkru_base;	/* bits of keys owned by someone else */
	uint8_t *phys_map;	/* the secure region, on key_phys */
	/* Non-secure regions (by index of params.regions), on key_phys. */
	uint8_t *ns_view[SHIM_MAX_REGIONS];

	/* mprotect backend: what is open right now */
	bool bank_open;
	/* Readable by anyone, key 0, for a host scan: mmu_expose_bank(). */
	bool bank_exposed;
	struct arch_prtn *open_prtn;	/* its window and non-secure maps */

	/* private-range windows */
	uint8_t *win_base;
	size_t win_size;
	size_t win_stride;
	size_t win_count;
	uint64_t retires;
	uint64_t reset_mark;	/* retires at the last reset */
	struct window *wins;

	/* banks */
	struct arch_prtn *bank_owner;
	bool bank_is_shared_map;	/* remap: a memfd window is mapped */

	struct arch_prtn *core_prtn[ARCH_MAX_CORES];
	bool fast_call[ARCH_MAX_CORES];	/* the core's SMC is a fast call */
	/* Where the signal frame's XSAVE image holds PKRU (0: unknown). */
	uint32_t pkru_offset;
	struct arch_prtn *live;
	struct scrub_share *scrub;
	size_t scrub_count;
	/*
	 * The secure memfd's block count, read while no partition was open
	 * to code, and the writes epoch then (memfd_blocks()). The epoch
	 * moves whenever something could add a page of data to a share: a
	 * partition opened to code (apply_prtn()), phys_write(), punch(),
	 * a reset, a write from outside (shim_secure_ram_written()).
	 */
	struct arch_prtn *view_prtn;	/* the partition applied, if any */
	bool check_scrub;		/* NEXSIM_CHECK_SCRUB: verify the above */
	uint64_t writes_epoch;
	uint64_t blocks_epoch;
	uint64_t blocks_known;
	bool blocks_valid;
	struct nexus_map nexus_maps[MAX_NEXUS_MAPS];
	size_t nexus_map_count;
	uint64_t tick;
} mmu;

struct shim_stats shim_stats_counters;

static void mmu_fatal(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

static void mmu_fatal(const char *fmt, ...)
{
	va_list ap;

	fputs("nexsim: host MMU: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(errno));
	abort();
}

/* ---- protection keys ---- */

#if defined(__x86_64__)
static inline uint32_t rdpkru(void)
{
	uint32_t eax = 0;
	uint32_t edx = 0;

	__asm__ volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
	return eax;
}

static inline void wrpkru(uint32_t value)
{
	__asm__ volatile("wrpkru" : : "a"(value), "c"(0), "d"(0) : "memory");
}
#define HAVE_PKRU 1
#else
static inline uint32_t rdpkru(void)
{
	return 0;
}

static inline void wrpkru(uint32_t value)
{
	(void)value;
}
#define HAVE_PKRU 0
#endif

static uint32_t pkey_deny_bits(int key)
{
	return 3u << (2 * key);	/* access disable | write disable */
}

bool shim_pkeys_supported(void)
{
	static int supported = -1;

	if (supported < 0) {
		int key = HAVE_PKRU ? pkey_alloc(0, 0) : -1;

		supported = key >= 0;
		if (key >= 0)
			pkey_free(key);
	}
	return supported;
}

/*
 * PKRU with access to the bank, to @p's keys (NULL: none) — its window key
 * and the map keys of its live mappings — and to the MMU's view of secure
 * RAM.
 */
static void pkru_allow(bool bank, const struct arch_prtn *p, bool phys)
{
	uint32_t v = mmu.pkru_base | mmu.pkru_ours;

	if (bank)
		v &= ~pkey_deny_bits(mmu.key_bank);
	if (phys)
		v &= ~pkey_deny_bits(mmu.key_phys);
	if (p && p->key_slot >= 0 && !p->win_lazy)
		v &= ~pkey_deny_bits(mmu.lru_keys[p->key_slot]);
	if (p)
		v &= ~p->map_open;
	wrpkru(v);
}

/*
 * Where XSAVE's standard format puts PKRU (CPUID leaf 0xD, sub-leaf 9:
 * size in EAX, offset in EBX), as in a signal frame; 0 if unknown. Without
 * it, no window is left closed for a fast call (apply_prtn()).
 */
static uint32_t xsave_pkru_offset(void)
{
#if defined(__x86_64__)
	unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;

	if (!__get_cpuid_count(0xd, 9, &eax, &ebx, &ecx, &edx) || eax < 4)
		return 0;
	return ebx;
#else
	return 0;
#endif
}

static void free_key(int *key)
{
	if (*key >= 0)
		pkey_free(*key);
	*key = -1;
}

static void free_keys(void)
{
	size_t n = 0;

	for (n = 0; n < mmu.lru_key_count; n++)
		free_key(&mmu.lru_keys[n]);
	mmu.lru_key_count = 0;
	free_key(&mmu.key_bank);
	free_key(&mmu.key_phys);
	for (n = 0; n < mmu.map_key_count; n++)
		free_key(&mmu.key_map[n]);
	mmu.map_key_count = 0;
}

/*
 * How many of @keys (those left after the MMU's own) strict mapping lends
 * to non-secure mappings (nsmap.c). Guest windows want one for each guest
 * the platform holds and one for the next guest of a share's ring; map
 * keys get the rest, but at least NS_MAP_KEYS_MIN (windows then take
 * turns) and at most NS_MAP_KEYS — and always leave windows one, so a
 * host with few keys left gets fewer (none with fewer than two).
 */
static size_t map_key_share(size_t keys)
{
	size_t windows = (size_t)mmu.params.platform.guest_count + 1;
	size_t map = keys > windows ? keys - windows : 0;

	if (mmu.params.ns_map_cache || keys < 2)
		return 0;
	if (map < NS_MAP_KEYS_MIN)
		map = NS_MAP_KEYS_MIN;
	if (map > NS_MAP_KEYS)
		map = NS_MAP_KEYS;
	return map < keys ? map : keys - 1;
}

static int init_pkeys(char *err, size_t err_size)
{
	int key = -1;

	mmu.key_bank = pkey_alloc(0, 0);
	mmu.key_phys = pkey_alloc(0, 0);
	if (mmu.key_bank < 0 || mmu.key_phys < 0) {
		snprintf(err, err_size, "cannot allocate protection keys: %s",
			 strerror(errno));
		goto err;
	}
	mmu.pkru_ours = pkey_deny_bits(mmu.key_bank) |
			pkey_deny_bits(mmu.key_phys);
	while (mmu.lru_key_count < MAX_PKEYS &&
	       (key = pkey_alloc(0, 0)) >= 0) {
		mmu.lru_keys[mmu.lru_key_count++] = key;
		mmu.pkru_ours |= pkey_deny_bits(key);
	}
	/* Map keys first (strict mapping), the rest for guest windows. */
	mmu.map_key_count = map_key_share(mmu.lru_key_count);
	memcpy(mmu.key_map, mmu.lru_keys, mmu.map_key_count * sizeof(int));
	mmu.lru_key_count -= mmu.map_key_count;
	memmove(mmu.lru_keys, mmu.lru_keys + mmu.map_key_count,
		mmu.lru_key_count * sizeof(int));
	if (!mmu.lru_key_count) {
		snprintf(err, err_size, "no protection key left for guests");
		goto err;
	}
	mmu.pkru_base = rdpkru() & ~mmu.pkru_ours;
	mmu.pkru_offset = xsave_pkru_offset();
	return 0;
err:
	free_keys();
	return -1;
}

static void fini_pkeys(void)
{
	/* Leave every key enabled: nothing of ours is guarded any more. */
	wrpkru(mmu.pkru_base & ~mmu.pkru_ours);
	free_keys();
}

static void set_key(void *va, size_t size, int key)
{
	shim_stats_counters.prot_changes++;
	if (pkey_mprotect(va, size, PROT_READ | PROT_WRITE, key))
		mmu_fatal("pkey_mprotect(%p, %#zx, %d)", va, size, key);
}

static void set_prot(void *va, size_t size, int prot)
{
	shim_stats_counters.prot_changes++;
	if (mprotect(va, size, prot))
		mmu_fatal("mprotect(%p, %#zx, %d)", va, size, prot);
}

/* pkeys: park a range, out of every PKRU's reach (set_key() takes it back). */
static void park_range(void *va, size_t size)
{
	shim_stats_counters.prot_changes++;
	if (pkey_mprotect(va, size, PROT_NONE, 0))
		mmu_fatal("pkey_mprotect(%p, %#zx, PROT_NONE)", va, size);
}

/* ---- physical memory ---- */

static const struct shim_phys_region *region_of(uint64_t pa, uint64_t size,
						bool secure)
{
	size_t n = 0;

	for (n = 0; n < mmu.params.region_count; n++) {
		const struct shim_phys_region *r = &mmu.params.regions[n];
		uint64_t base = pa_addr(r->base);

		if (r->secure == secure && pa >= base && size <= r->size &&
		    pa - base <= r->size - size)
			return r;
	}
	return NULL;
}

/* Write @len bytes at offset @off of the secure region. */
static void phys_write(off_t off, const void *src, size_t len)
{
	mmu.writes_epoch++;
	if (mmu.guard == SHIM_GUARD_PKEYS) {
		pkru_allow(false, NULL, true);
		shim_raw_copy(mmu.phys_map + off, src, len);
		return;
	}
	/* The raw system call: the sanitizers' pwrite() checks @src. */
	if (syscall(SYS_pwrite64, mmu.secure->fd, src, len, off) != (long)len)
		mmu_fatal("pwrite to secure RAM at %#llx",
			  (unsigned long long)off);
}

/*
 * pkeys: a view of each non-secure region on key_phys, like the secure
 * one, for reads of non-secure memory the secure world makes without
 * mapping it (mmu_nsec_read()). One that cannot be mapped is read with
 * pread() instead.
 */
static void map_ns_views(void)
{
	size_t n = 0;

	for (n = 0; n < mmu.params.region_count; n++) {
		const struct shim_phys_region *r = &mmu.params.regions[n];
		void *v = NULL;

		if (r->secure)
			continue;
		v = mmap(NULL, r->size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 r->fd, 0);
		if (v == MAP_FAILED)
			continue;
		set_key(v, r->size, mmu.key_phys);
		mmu.ns_view[n] = v;
	}
}

bool mmu_nsec_read(const struct shim_phys_region *r, uint64_t off,
		   void *buf, size_t len)
{
	size_t n = (size_t)(r - mmu.params.regions);
	uint32_t pkru = 0;

	/* @r and the range are mmu_region_of()'s: within the region. */
	if (n >= SHIM_MAX_REGIONS || !mmu.ns_view[n])
		return false;
	/*
	 * Open the view for this copy only; whatever was open stays so, and
	 * so does a window the copy opened on demand (@buf in it).
	 */
	pkru = rdpkru();
	wrpkru(pkru & ~pkey_deny_bits(mmu.key_phys));
	memcpy(buf, mmu.ns_view[n] + off, len);
	wrpkru(rdpkru() | (pkru & pkey_deny_bits(mmu.key_phys)));
	return true;
}

void *arch_map_nexus(paddr_t pa, size_t size)
{
	const struct shim_phys_region *r = region_of(pa_addr(pa), size, true);
	struct nexus_map *m = NULL;
	size_t n = 0;
	void *va = NULL;

	if (!r || !size || pa_addr(pa) % mmu.page_size)
		return NULL;
	/* Maps survive a reset: the same plan asks for the same ranges. */
	for (n = 0; n < mmu.nexus_map_count; n++) {
		m = &mmu.nexus_maps[n];
		if (m->pa == pa_addr(pa) && m->size == size)
			return m->va;
	}
	if (mmu.nexus_map_count == MAX_NEXUS_MAPS)
		return NULL;
	va = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd,
		  (off_t)(pa_addr(pa) - pa_addr(r->base)));
	if (va == MAP_FAILED)
		return NULL;
	m = &mmu.nexus_maps[mmu.nexus_map_count++];
	m->pa = pa_addr(pa);
	m->size = size;
	m->va = va;
	return va;
}

size_t arch_bank_size(void)
{
	return bank_span();
}

/* ---- the bank ---- */

static void bank_swap_copy(struct arch_prtn *to)
{
	void *bank = __nexsim_bank_start;

	if (mmu.guard == SHIM_GUARD_PKEYS) {
		pkru_allow(true, NULL, true);
		if (mmu.bank_owner)
			shim_raw_copy(mmu.phys_map + mmu.bank_owner->bank_off,
				      bank, bank_used());
		shim_raw_copy(bank, mmu.phys_map + to->bank_off, bank_used());
		return;
	}
	if (!mmu.bank_open) {
		set_prot(bank, bank_span(), PROT_READ | PROT_WRITE);
		mmu.bank_open = true;
	}
	if (mmu.bank_owner &&
	    syscall(SYS_pwrite64, mmu.secure->fd, bank, bank_used(),
		    mmu.bank_owner->bank_off) != (long)bank_used())
		mmu_fatal("bank copy-out");
	if (syscall(SYS_pread64, mmu.secure->fd, bank, bank_used(),
		    to->bank_off) != (long)bank_used())
		mmu_fatal("bank copy-in");
}

static void bank_swap_remap(struct arch_prtn *to)
{
	void *bank = __nexsim_bank_start;
	int prot = PROT_READ | PROT_WRITE;
	void *va = mmap(bank, bank_span(), prot,
			MAP_SHARED | MAP_FIXED | MAP_POPULATE, mmu.secure->fd,
			to->bank_off);

	if (va != bank)
		mmu_fatal("remap of the bank");
	mmu.bank_is_shared_map = true;
	if (mmu.guard == SHIM_GUARD_PKEYS)
		set_key(bank, bank_span(), mmu.key_bank);
	else
		mmu.bank_open = true;
}

/*
 * A scan of the host's memory while the machine idles (LeakSanitizer's
 * leak check between fuzz inputs, from a thread of its own, whose PKRU is
 * not ours) reads every writable section of the executable, the bank
 * included: let it, read-only. The bank is guarded again before any core
 * code can run (mmu_cover_bank()).
 */
void mmu_expose_bank(void)
{
	void *bank = __nexsim_bank_start;

	if (!mmu.up || mmu.bank_exposed)
		return;
	if (mmu.guard == SHIM_GUARD_PKEYS) {
		shim_stats_counters.prot_changes++;
		if (pkey_mprotect(bank, bank_span(), PROT_READ, 0))
			mmu_fatal("exposing the bank");
	} else {
		set_prot(bank, bank_span(), PROT_READ);
	}
	mmu.bank_exposed = true;
}

void mmu_cover_bank(void)
{
	void *bank = __nexsim_bank_start;

	if (!mmu.bank_exposed)
		return;
	mmu.bank_exposed = false;
	if (mmu.guard == SHIM_GUARD_PKEYS)
		set_key(bank, bank_span(), mmu.key_bank);
	else
		set_prot(bank, bank_span(), mmu.bank_open ?
			 PROT_READ | PROT_WRITE : PROT_NONE);
}

/* Make @to the owner of the bank's contents. */
static void bank_switch_to(struct arch_prtn *to)
{
	mmu_cover_bank();
	if (mmu.bank_owner == to)
		return;
	if (mmu.bank == SHIM_BANK_COPY)
		bank_swap_copy(to);
	else
		bank_swap_remap(to);
	mmu.bank_owner = to;
	shim_stats_counters.bank_swaps++;
}

/* Put the bank back as the executable had it, accessible, key 0. */
static void bank_restore_plain(void)
{
	void *bank = __nexsim_bank_start;

	if (mmu.bank_is_shared_map) {
		if (mmap(bank, bank_span(), PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != bank)
			mmu_fatal("restore of the bank mapping");
		mmu.bank_is_shared_map = false;
	}
	if (pkey_mprotect(bank, bank_span(), PROT_READ | PROT_WRITE, 0) &&
	    mprotect(bank, bank_span(), PROT_READ | PROT_WRITE))
		mmu_fatal("restore of the bank protection");
	shim_raw_copy(bank, bank_pristine(), bank_span());
	mmu.bank_owner = NULL;
	mmu.bank_open = true;
}

/* ---- private-range windows ---- */

/*
 * Windows each share's guests go round in: a stale pointer into a
 * destroyed guest faults until its share has had this many more guests.
 */
#define WINDOWS_PER_SHARE	4u

static int reserve_windows(size_t private_size)
{
	size_t count = WINDOWS_PER_SHARE *
		       (size_t)mmu.params.platform.guest_count;
	void *base = NULL;

	mmu.win_size = (private_size + mmu.page_size - 1) & ~(mmu.page_size - 1);
	/* One guard page between windows: an overrun never lands in a neighbour. */
	mmu.win_stride = mmu.win_size + mmu.page_size;
	mmu.win_count = count < 4 ? 4 : count;
	base = mmap(NULL, mmu.win_stride * mmu.win_count, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		return -1;
	mmu.wins = calloc(mmu.win_count, sizeof(*mmu.wins));
	if (!mmu.wins) {
		munmap(base, mmu.win_stride * mmu.win_count);
		return -1;
	}
	mmu.win_base = base;
	for (size_t n = 0; n < mmu.win_count; n++) {
		mmu.wins[n].va = (uintptr_t)base + n * mmu.win_stride;
		mmu.wins[n].off = -1;
		mmu.wins[n].key_slot = -1;
	}
	return 0;
}

/*
 * A window for the private range at @off that no live guest holds. Each
 * range's guests go round a ring of WINDOWS_PER_SHARE windows, the one
 * retired longest ago next, so the addresses of a destroyed guest are not
 * handed out again for that many guests: a stale pointer into them faults
 * instead of reaching a new guest. Reusing a window still mapped over
 * @off costs no system call; while the ring is not full, a window never
 * used is mapped afresh (and, should every window be taken, the one
 * retired longest ago). A window retired before the last reset is taken
 * first, whether the ring is full or not: no pointer outlives a power-on
 * (mmu_machine_reset()).
 */
static struct window *take_window(off_t off)
{
	struct window *same = NULL;
	struct window *fresh = NULL;
	struct window *oldest = NULL;
	size_t same_count = 0;
	size_t n = 0;

	for (n = 0; n < mmu.win_count; n++) {
		struct window *w = &mmu.wins[n];

		if (w->off == off)
			same_count++;
		if (w->state == WIN_LIVE)
			continue;
		if (w->state == WIN_UNUSED) {
			if (!fresh)
				fresh = w;
		} else if (w->off == off) {
			if (!same || w->retired_at < same->retired_at)
				same = w;
		} else if (!oldest || w->retired_at < oldest->retired_at) {
			oldest = w;
		}
	}
	/* The ring is full, or starts over: its window retired longest ago. */
	if (same && (same_count >= WINDOWS_PER_SHARE ||
		     same->retired_at <= mmu.reset_mark))
		return same;
	if (fresh)
		return fresh;
	if (same)
		return same;
	return oldest;
}

/*
 * Close @w and retire it. With pkeys it may keep its LRU key: no one holds
 * that key now, so no PKRU enables it, and the window is parked before the
 * key goes to another guest (ensure_key). With mprotect, @open says its
 * range is PROT_READ|PROT_WRITE now.
 */
static void retire_window(struct window *w, bool open)
{
	if (open && mmu.guard != SHIM_GUARD_PKEYS)
		set_prot((void *)w->va, mmu.win_size, PROT_NONE);
	w->state = WIN_RETIRED;
	w->retired_at = ++mmu.retires;
	w->prtn = NULL;
}

/* Map @w over the private range at @off (closed), unless it already is. */
static int map_window(struct window *w, off_t off)
{
	void *va = (void *)w->va;

	if (w->off == off)
		return 0;
	/* Closed either way: with pkeys, parked (ensure_key() opens it). */
	if (mmap(va, mmu.win_size, PROT_NONE, MAP_SHARED | MAP_FIXED,
		 mmu.secure->fd, off) != va) {
		/* Whatever was there is gone: leave the range reserved. */
		if (mmap(va, mmu.win_size, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED |
			 MAP_NORESERVE, -1, 0) != va)
			mmu_fatal("reserve of a guest window");
		if (w->key_slot >= 0) {
			mmu.key_window[w->key_slot] = NULL;
			w->key_slot = -1;
		}
		w->off = -1;
		w->state = WIN_UNUSED;
		return -1;
	}
	w->off = off;
	if (w->key_slot >= 0) {
		/* The new mapping carries key 0, not its old LRU key. */
		mmu.key_window[w->key_slot] = NULL;
		w->key_slot = -1;
	}
	return 0;
}

static void key_range(void *va, size_t size, void *key)
{
	set_key(va, size, *(int *)key);
}

static void park_each(void *va, size_t size, void *arg)
{
	(void)arg;
	park_range(va, size);
}

static void prot_range(void *va, size_t size, void *prot)
{
	set_prot(va, size, *(int *)prot);
}

/* mprotect: open or close @p's window and non-secure mappings. */
static void set_prtn_open(struct arch_prtn *p, bool open)
{
	int prot = open ? PROT_READ | PROT_WRITE : PROT_NONE;

	set_prot((void *)p->win->va, mmu.win_size, prot);
	nsmap_for_each(p, prot_range, &prot);
	mmu.open_prtn = open ? p : NULL;
}

/* Park @w: its key goes to another window. */
static void park_window(struct window *w)
{
	park_range((void *)w->va, mmu.win_size);
	mmu.key_window[w->key_slot] = NULL;
	w->key_slot = -1;
}

/*
 * An LRU key for a guest that has none: a free one no window carries,
 * else a free one a retired window carries (that window gets parked),
 * else the least recently used holder's, taken from it.
 *
 * Of the retired windows, the one retired last gives its key up: a share's
 * guests take its windows in turn, the one retired longest ago first
 * (take_window), so that window is the last to be wanted again. Taking the
 * oldest one's instead would take the key of the window needed next, and
 * with more windows than keys every new guest would move a key.
 */
static size_t pick_key(void)
{
	struct arch_prtn *victim = NULL;
	size_t tagged = SIZE_MAX;
	size_t slot = 0;
	size_t n = 0;

	for (n = 0; n < mmu.lru_key_count; n++) {
		if (mmu.key_owner[n])
			continue;
		if (!mmu.key_window[n])
			return n;
		if (tagged == SIZE_MAX || mmu.key_window[n]->retired_at >
					  mmu.key_window[tagged]->retired_at)
			tagged = n;
	}
	if (tagged != SIZE_MAX)
		return tagged;
	for (n = 0; n < mmu.lru_key_count; n++) {
		if (!victim || mmu.key_owner[n]->lru_tick < victim->lru_tick) {
			victim = mmu.key_owner[n];
			slot = n;
		}
	}
	nsmap_for_each(victim, park_each, NULL);
	victim->key_slot = -1;
	mmu.key_owner[slot] = NULL;
	shim_stats_counters.key_evictions++;
	return slot;
}

/*
 * pkeys: give @p one of the LRU keys. Its window may still carry a key no
 * one holds (from its earlier guest): taken back with no system call.
 */
static int ensure_key(struct arch_prtn *p)
{
	struct window *w = p->win;
	size_t slot = 0;

	p->lru_tick = ++mmu.tick;
	if (p->key_slot >= 0)
		return p->key_slot;
	if (w->key_slot >= 0 && !mmu.key_owner[w->key_slot]) {
		slot = (size_t)w->key_slot;
	} else {
		slot = pick_key();
		if (mmu.key_window[slot])
			park_window(mmu.key_window[slot]);
		/* A key a window carries is no one's, or its guest's. */
		if (w->key_slot >= 0)
			mmu_fatal("guest %u's window carries a key held by "
				  "another guest", (unsigned int)p->guest_id);
		set_key((void *)w->va, mmu.win_size, mmu.lru_keys[slot]);
		w->key_slot = (int)slot;
		mmu.key_window[slot] = w;
		shim_stats_counters.window_keyings++;
	}
	nsmap_for_each(p, key_range, &mmu.lru_keys[slot]);
	mmu.key_owner[slot] = p;
	p->key_slot = (int)slot;
	return p->key_slot;
}

/* ---- applying a partition to the host ---- */

static void apply_default(void)
{
	mmu.view_prtn = NULL;
	mmu_cover_bank();
	if (mmu.guard == SHIM_GUARD_PKEYS) {
		pkru_allow(false, NULL, false);
		return;
	}
	if (mmu.bank_open) {
		set_prot(__nexsim_bank_start, bank_span(), PROT_NONE);
		mmu.bank_open = false;
	}
	if (mmu.open_prtn)
		set_prtn_open(mmu.open_prtn, false);
}

/*
 * Apply @p on a core whose SMC is a fast call if @fast. With pkeys, a fast
 * call leaves the window closed (win_lazy, set at activation): fast calls
 * seldom touch a guest's heap (before its first std call it has none), and
 * a window that needs a key would cost two pkey_mprotect() calls over
 * whole windows, and the opened window a scrub at the guest's death. The
 * first touch faults and opens it then (mmu_open_on_demand()).
 */
static void apply_prtn(struct arch_prtn *p, bool fast)
{
	/* Its code may touch pages of its share no scrub has seen yet. */
	mmu.view_prtn = p;
	mmu.writes_epoch++;
	bank_switch_to(p);
	if (mmu.guard == SHIM_GUARD_PKEYS) {
		if (!fast || !mmu.pkru_offset || mmu.params.eager_windows)
			p->win_lazy = false;
		if (!p->win_lazy) {
			ensure_key(p);
			p->win_opened = true;
		}
		pkru_allow(true, p, false);
		return;
	}
	if (!mmu.bank_open) {
		set_prot(__nexsim_bank_start, bank_span(),
			 PROT_READ | PROT_WRITE);
		mmu.bank_open = true;
	}
	if (mmu.open_prtn != p) {
		if (mmu.open_prtn)
			set_prtn_open(mmu.open_prtn, false);
		set_prtn_open(p, true);
	}
	p->win_opened = true;
}

void mmu_reload_core(unsigned int core)
{
	if (!mmu.up)
		return;
	if (mmu.core_prtn[core])
		apply_prtn(mmu.core_prtn[core], mmu.fast_call[core]);
	else
		apply_default();
}

static void (*switch_hook)(unsigned int core, uint16_t guest_id);

void shim_set_switch_hook(void (*hook)(unsigned int core, uint16_t guest_id))
{
	switch_hook = hook;
}

void mmu_activate_on(unsigned int core, struct arch_prtn *prtn)
{
	mmu.core_prtn[core] = prtn;
	if (switch_hook)
		switch_hook(core, prtn ? prtn->guest_id : 0);
	if (prtn) {
		prtn->switches++;
		shim_stats_counters.prtn_switches++;
		prtn->win_lazy = mmu.fast_call[core];
		apply_prtn(prtn, mmu.fast_call[core]);
	} else {
		apply_default();
	}
}

void arch_prtn_activate(struct arch_prtn *prtn)
{
	if (!prtn)
		mmu_fatal("activation of no partition");
	mmu_activate_on(machine_current_core(), prtn);
}

void arch_prtn_deactivate(void)
{
	mmu_activate_on(machine_current_core(), NULL);
}

/* ---- partitions ---- */

struct arch_prtn *arch_prtn_create(uint16_t guest_id, paddr_t bank_pa,
				   paddr_t private_pa, size_t private_size,
				   void **private_va)
{
	const struct shim_phys_region *r = mmu.secure;
	struct arch_prtn *p = NULL;
	off_t p_off = 0;
	struct window *w = NULL;
	void *va = NULL;

	/* Both ranges are pages of secure RAM. */
	if (!r || !private_size ||
	    region_of(pa_addr(bank_pa), bank_span(), true) != r ||
	    region_of(pa_addr(private_pa), private_size, true) != r ||
	    pa_addr(bank_pa) % mmu.page_size ||
	    pa_addr(private_pa) % mmu.page_size)
		return NULL;
	if (!mmu.wins && reserve_windows(private_size))
		return NULL;
	/* The equal split gives every guest the same private size. */
	if ((private_size + mmu.page_size - 1) / mmu.page_size !=
	    mmu.win_size / mmu.page_size)
		return NULL;
	p_off = (off_t)(pa_addr(private_pa) - pa_addr(r->base));
	w = take_window(p_off);
	p = calloc(1, sizeof(*p));
	if (!w || !p || map_window(w, p_off)) {
		free(p);
		return NULL;
	}

	p->guest_id = guest_id;
	p->bank_off = (off_t)(pa_addr(bank_pa) - pa_addr(r->base));
	p->private_off = p_off;
	p->private_size = private_size;
	p->key_slot = -1;
	p->win = w;
	va = (void *)w->va;
	w->state = WIN_LIVE;
	w->guest_id = guest_id;
	w->prtn = p;
	/* A fresh window may carry the shadow of an older guest's heap. */
	arch_asan_unpoison(va, mmu.win_size);

	/*
	 * The bank copy: pristine .data, zeroed .bss (zero in the image).
	 * Past them, up to the page end, no variable: zero from the memfd's
	 * start, and no one writes there (every copy moves bank_used()).
	 */
	phys_write(p->bank_off, bank_pristine(), bank_used());
	if (mmu.guard == SHIM_GUARD_PKEYS)
		mmu_reload_core(machine_current_core());

	p->next = mmu.live;
	mmu.live = p;
	shim_stats_counters.partitions_created++;
	shim_stats_counters.partitions_live++;
	*private_va = va;
	return p;
}

static void punch(off_t off, size_t len)
{
	/* Scrub and give the pages back: the next owner starts from zeros. */
	mmu.writes_epoch++;
	if (fallocate(mmu.secure->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      off, (off_t)len))
		mmu_fatal("scrub of secure RAM at %#llx",
			  (unsigned long long)off);
}

/*
 * Zero @len bytes of secure RAM at @off, leaving its pages in place. With
 * pkeys it leaves the MMU's view of secure RAM open: the caller closes it
 * (mmu_reload_core()) before any core code runs.
 */
static void zero_in_place(off_t off, size_t len)
{
	static const uint8_t zeros[4096];
	size_t n = 0;

	if (mmu.guard == SHIM_GUARD_PKEYS) {
		pkru_allow(false, NULL, true);
		memset(mmu.phys_map + off, 0, len);
		return;
	}
	for (n = 0; n < len; n += sizeof(zeros)) {
		size_t chunk = len - n < sizeof(zeros) ? len - n : sizeof(zeros);

		if (syscall(SYS_pwrite64, mmu.secure->fd, zeros, chunk,
			    off + (off_t)n) != (long)chunk)
			mmu_fatal("scrub of secure RAM at %#llx",
				  (unsigned long long)off);
	}
}

/*
 * The secure memfd's block count, for the scrub's question: has any share
 * gained a page since it was last scanned? A page holding data is added
 * to a share only by its partition's code, which runs only while the
 * partition is applied, or by a write to secure RAM from outside it, and
 * each of those moves the writes epoch (apply_prtn(), phys_write(),
 * shim_secure_ram_written(); punch() and resets too). So a count read
 * while no partition was applied still holds for every share until the
 * epoch moves: guests destroyed one after another with none run in
 * between cost one fstat. (Pages the nexus adds meanwhile lie outside
 * every share, and a read of a hole, which adds a zero page, is made by
 * partition code alone: at worst either costs a scan later.)
 * NEXSIM_CHECK_SCRUB makes each scrub check this (scrub_in_place()).
 */
static uint64_t memfd_blocks(void)
{
	struct stat st;

	if (mmu.blocks_valid && !mmu.view_prtn &&
	    mmu.blocks_epoch == mmu.writes_epoch)
		return mmu.blocks_known;
	shim_stats_counters.blocks_reads++;
	/*
	 * glibc's fstat() is newfstatat(fd, "", AT_EMPTY_PATH), whose path
	 * lookup costs as much again as the stat: on x86-64 the kernel's own
	 * fstat, with the same struct stat, is one call per guest destroyed.
	 */
#if defined(__x86_64__) && defined(SYS_fstat)
	if (syscall(SYS_fstat, mmu.secure->fd, &st))
#else
	if (fstat(mmu.secure->fd, &st))
#endif
		mmu_fatal("scrub: fstat of secure RAM");
	mmu.blocks_valid = !mmu.view_prtn;
	mmu.blocks_epoch = mmu.writes_epoch;
	mmu.blocks_known = (uint64_t)st.st_blocks;
	return mmu.blocks_known;
}

void shim_secure_ram_written(void)
{
	struct arch_prtn *p = NULL;

	mmu.writes_epoch++;
	/* It may have landed in a live guest's share: scrub each at death. */
	for (p = mmu.live; p; p = p->next)
		p->win_opened = true;
}

/* The scrub record of the share at @off (@pages long), made on first use. */
static struct scrub_share *scrub_share_of(off_t off, size_t pages)
{
	struct scrub_share *grown = NULL;
	struct scrub_share *s = NULL;
	size_t n = 0;

	for (n = 0; n < mmu.scrub_count; n++)
		if (mmu.scrub[n].off == off)
			return &mmu.scrub[n];
	grown = realloc(mmu.scrub, (mmu.scrub_count + 1) * sizeof(*grown));
	if (!grown)
		mmu_fatal("scrub: out of host memory");
	mmu.scrub = grown;
	s = &mmu.scrub[mmu.scrub_count];
	s->bits = calloc((pages + 63) / 64, sizeof(uint64_t));
	if (!s->bits)
		mmu_fatal("scrub: out of host memory");
	s->off = off;
	s->pages = pages;
	s->blocks = UINT64_MAX;		/* never scanned */
	mmu.scrub_count++;
	return s;
}

/* The first page from @n on whose bit in @s is @set (else s->pages). */
static size_t scrub_next(const struct scrub_share *s, size_t n, bool set)
{
	while (n < s->pages) {
		uint64_t word = set ? s->bits[n / 64] : ~s->bits[n / 64];

		word &= ~0ull << (n % 64);
		if (word) {
			n = (n & ~(size_t)63) + (size_t)__builtin_ctzll(word);
			return n < s->pages ? n : s->pages;
		}
		n = (n | 63) + 1;
	}
	return s->pages;
}

/* Note the pages of [@data, @hole) in @s's bitmap. */
static void scrub_note(struct scrub_share *s, off_t data, off_t hole)
{
	size_t first = (size_t)(data - s->off) / mmu.page_size;
	size_t end = (size_t)(hole - s->off + (off_t)mmu.page_size - 1) /
		     mmu.page_size;
	size_t n = 0;

	for (n = first; n < end && n < s->pages; n++)
		s->bits[n / 64] |= 1ull << (n % 64);
}

/*
 * The next run of secure RAM holding data from @from on, before @end: its
 * start (@end if none) and, in @hole, its end (at most @end). The memfd
 * tells (SEEK_DATA, SEEK_HOLE).
 */
static off_t next_data_run(off_t from, off_t end, off_t *hole)
{
	off_t data = lseek(mmu.secure->fd, from, SEEK_DATA);

	if (data < 0 && errno == ENXIO)
		return end;
	if (data < 0)
		mmu_fatal("scrub: SEEK_DATA at %#llx", (unsigned long long)from);
	if (data >= end)
		return end;
	*hole = lseek(mmu.secure->fd, data, SEEK_HOLE);
	if (*hole < 0)
		mmu_fatal("scrub: SEEK_HOLE at %#llx", (unsigned long long)data);
	if (*hole > end)
		*hole = end;
	return data;
}

/*
 * SHIM_SCRUB_IN_PLACE: zero the pages of [@off, @off + @len) that hold
 * data and keep them. Pages never touched are holes and stay so. Which
 * pages hold data: the memfd tells (SEEK_DATA, SEEK_HOLE), unless no page
 * was added since the share's last scan (struct scrub_share).
 */
static void scrub_in_place(off_t off, size_t len)
{
	struct scrub_share *s = scrub_share_of(off, len / mmu.page_size);
	uint64_t blocks = memfd_blocks();
	off_t end = off + (off_t)len;
	off_t data = end;
	off_t hole = 0;
	bool scan = s->blocks != blocks;
	size_t run_end = 0;
	size_t n = 0;

	shim_stats_counters.scrub_scans += scan;
	/*
	 * NEXSIM_CHECK_SCRUB (the test suite sets it): scan anyway, and each
	 * page found holding data must be in the bitmap already.
	 */
	if (scan || mmu.check_scrub)
		data = next_data_run(off, end, &hole);
	for (; data < end; data = next_data_run(hole, end, &hole)) {
		if (!scan && scrub_next(s, (size_t)(data - s->off) /
					mmu.page_size, false) <
			     (size_t)(hole - s->off - 1) / mmu.page_size + 1)
			mmu_fatal("scrub: data at %#llx that the share's "
				  "bitmap missed (the memfd's count said "
				  "no page was added)",
				  (unsigned long long)data);
		scrub_note(s, data, hole);
	}
	s->blocks = blocks;
	/* Each run of pages that held data, found a word of bits at a time. */
	for (n = scrub_next(s, 0, true); n < s->pages;
	     n = scrub_next(s, run_end, true)) {
		run_end = scrub_next(s, n, false);
		zero_in_place(off + (off_t)(n * mmu.page_size),
			      (run_end - n) * mmu.page_size);
		shim_stats_counters.pages_zeroed += run_end - n;
	}
}

/*
 * NEXSIM_CHECK_SCRUB: @p's window was never open to its code, so its
 * share must hold nothing but zeros (what the last scrub left), or the
 * scrub it skips would leave data for the share's next guest.
 */
static void check_unwritten(const struct arch_prtn *p)
{
	static const uint8_t zeros[4096];
	uint8_t page[4096];
	off_t end = p->private_off + (off_t)p->private_size;
	off_t data = 0;
	off_t hole = 0;

	for (data = next_data_run(p->private_off, end, &hole); data < end;
	     data = next_data_run(hole, end, &hole)) {
		for (; data < hole; data += (off_t)sizeof(page)) {
			if (syscall(SYS_pread64, mmu.secure->fd, page,
				    sizeof(page), data) != (long)sizeof(page))
				mmu_fatal("scrub check: pread");
			if (memcmp(page, zeros, sizeof(page)))
				mmu_fatal("scrub: guest %u's share holds data "
					  "at %#llx though its window was "
					  "never open", (unsigned int)p->guest_id,
					  (unsigned long long)data);
		}
	}
}

static void unlink_prtn(struct arch_prtn *p)
{
	struct arch_prtn **pp = &mmu.live;

	while (*pp && *pp != p)
		pp = &(*pp)->next;
	if (*pp)
		*pp = p->next;
}

static void destroy(struct arch_prtn *p)
{
	/* Is its window accessible (holding a key, or open) right now? */
	bool open = mmu.guard == SHIM_GUARD_PKEYS ? p->key_slot >= 0 :
						     mmu.open_prtn == p;
	size_t n = 0;

	nsmap_release_all(p);
	if (mmu.view_prtn == p)
		mmu.view_prtn = NULL;
	if (mmu.open_prtn == p)
		mmu.open_prtn = NULL;
	if (mmu.bank_owner == p)
		mmu.bank_owner = NULL;
	if (p->key_slot >= 0)
		mmu.key_owner[p->key_slot] = NULL;
	/* The core's allocator shadow must not outlive the mapping. */
	arch_asan_unpoison((void *)p->win->va, mmu.win_size);
	retire_window(p->win, open);
	/*
	 * Only the partition's own code, run while it is active, reaches its
	 * private range (the window): never open to it (never activated, or
	 * for fast calls that left it closed), nothing of it was written and
	 * there is nothing to scrub. Its bank copy was (create).
	 */
	if (!p->win_opened && mmu.check_scrub)
		check_unwritten(p);
	if (mmu.params.scrub == SHIM_SCRUB_IN_PLACE) {
		zero_in_place(p->bank_off, bank_used());
		if (p->win_opened)
			scrub_in_place(p->private_off, p->private_size);
		/* With pkeys, zeroing opened the view of secure RAM: close it. */
		if (mmu.guard == SHIM_GUARD_PKEYS)
			mmu_reload_core(machine_current_core());
	} else if (mmu.guard == SHIM_GUARD_PKEYS) {
		/*
		 * The bank copy is zeroed in place: its page stays resident
		 * for the slot's next guest, saving a page fault per create.
		 */
		zero_in_place(p->bank_off, bank_used());
		mmu_reload_core(machine_current_core());
		if (p->win_opened)
			punch(p->private_off, p->private_size);
	} else if (!p->win_opened) {
		punch(p->bank_off, bank_span());
	} else if (p->bank_off + (off_t)bank_span() == p->private_off) {
		punch(p->bank_off, bank_span() + p->private_size);
	} else {
		punch(p->bank_off, bank_span());
		punch(p->private_off, p->private_size);
	}
	for (n = 0; n < ARCH_MAX_CORES; n++)
		if (mmu.core_prtn[n] == p)
			mmu.core_prtn[n] = NULL;
	unlink_prtn(p);
	free(p);
	shim_stats_counters.partitions_destroyed++;
	shim_stats_counters.partitions_live--;
}

void arch_prtn_destroy(struct arch_prtn *prtn)
{
	size_t n = 0;

	for (n = 0; n < ARCH_MAX_CORES; n++)
		if (mmu.core_prtn[n] == prtn)
			mmu_fatal("destroy of a partition active on core %zu", n);
	destroy(prtn);
}

struct arch_prtn *mmu_find_prtn(uint16_t guest_id)
{
	struct arch_prtn *p = mmu.live;

	while (p && p->guest_id != guest_id)
		p = p->next;
	return p;
}

uint64_t mmu_prtn_switches(const struct arch_prtn *prtn)
{
	return prtn->switches;
}

struct arch_prtn *mmu_current_prtn(void)
{
	return mmu.up ? mmu.core_prtn[machine_current_core()] : NULL;
}

struct nsmap **mmu_prtn_nsmaps(struct arch_prtn *prtn)
{
	return &prtn->ns_maps;
}

uint16_t mmu_prtn_guest_id(const struct arch_prtn *prtn)
{
	return prtn->guest_id;
}

const struct shim_phys_region *mmu_region_of(uint64_t pa, uint64_t size,
					     bool secure)
{
	return region_of(pa, size, secure);
}

void mmu_guard_nsec(void *va, size_t size, struct arch_prtn *owner)
{
	if (mmu.guard == SHIM_GUARD_PKEYS) {
		shim_stats_counters.ns_prot_changes++;
		/* Without a key, parked until its owner gets one (ensure_key). */
		if (owner->key_slot >= 0)
			set_key(va, size, mmu.lru_keys[owner->key_slot]);
		else
			park_range(va, size);
	} else if (mmu.open_prtn != owner) {
		shim_stats_counters.ns_prot_changes++;
		set_prot(va, size, PROT_NONE);
	}
}

unsigned int mmu_mapkey_count(void)
{
	return mmu.guard == SHIM_GUARD_PKEYS ? (unsigned int)mmu.map_key_count :
						0;
}

void mmu_mapkey_tag(unsigned int slot, void *va, size_t size)
{
	shim_stats_counters.ns_prot_changes++;
	set_key(va, size, mmu.key_map[slot]);
}

void mmu_mapkey_open(struct arch_prtn *owner, unsigned int slot)
{
	uint32_t bits = pkey_deny_bits(mmu.key_map[slot]);

	owner->map_open |= bits;
	if (mmu.core_prtn[machine_current_core()] == owner)
		wrpkru(rdpkru() & ~bits);
}

void mmu_mapkey_close(struct arch_prtn *owner, unsigned int slot)
{
	uint32_t bits = pkey_deny_bits(mmu.key_map[slot]);

	/* Only @owner can have it open: closing it is right for anyone. */
	owner->map_open &= ~bits;
	wrpkru(rdpkru() | bits);
}

void mmu_park_nsec(void *va, size_t size)
{
	shim_stats_counters.ns_prot_changes++;
	if (mmu.guard == SHIM_GUARD_PKEYS)
		park_range(va, size);
	else
		set_prot(va, size, PROT_NONE);
}

void mmu_unpark_nsec(void *va, size_t size, struct arch_prtn *owner)
{
	/* From PROT_NONE, where a new mapping starts open. */
	if (mmu.guard != SHIM_GUARD_PKEYS) {
		if (mmu.open_prtn == owner) {
			shim_stats_counters.ns_prot_changes++;
			set_prot(va, size, PROT_READ | PROT_WRITE);
		}
		return;
	}
	mmu_guard_nsec(va, size, owner);
}

int mmu_active_guest(unsigned int core)
{
	if (!mmu.up || core >= ARCH_MAX_CORES || !mmu.core_prtn[core])
		return -1;
	return mmu.core_prtn[core]->guest_id;
}

/* ---- fault classification ---- */

bool mmu_classify(uintptr_t addr, struct shim_violation *v)
{
	uintptr_t bank = (uintptr_t)__nexsim_bank_start;
	const char *name = NULL;
	uintptr_t off = 0;
	size_t n = 0;

	if (addr >= bank && addr < (uintptr_t)__nexsim_bank_end) {
		v->owner = SHIM_OWNER_BANK;
		if (symbols_object_at(addr, &name, &off) ||
		    (name && addr < (uintptr_t)__nexsim_bank_used_end)) {
			snprintf(v->symbol, sizeof(v->symbol), "%s", name);
			v->symbol_offset = off;
		} else {
			snprintf(v->symbol, sizeof(v->symbol), ".nexsim_bank");
			v->symbol_offset = addr - bank;
		}
		return true;
	}
	if (mmu.win_base && addr >= (uintptr_t)mmu.win_base &&
	    addr < (uintptr_t)mmu.win_base + mmu.win_stride * mmu.win_count) {
		size_t idx = (addr - (uintptr_t)mmu.win_base) / mmu.win_stride;
		const struct window *w = &mmu.wins[idx];

		v->symbol_offset = addr - w->va;
		if (v->symbol_offset >= mmu.win_size)
			v->owner = SHIM_OWNER_UNUSED_WINDOW;
		else if (w->state == WIN_LIVE)
			v->owner = SHIM_OWNER_GUEST;
		else if (w->state == WIN_RETIRED)
			v->owner = SHIM_OWNER_DESTROYED_GUEST;
		else
			v->owner = SHIM_OWNER_UNUSED_WINDOW;
		v->owner_guest = w->guest_id;
		snprintf(v->symbol, sizeof(v->symbol), "private range");
		return true;
	}
	if (nsmap_classify(addr, v))
		return true;
	if (mmu.phys_map && addr >= (uintptr_t)mmu.phys_map &&
	    addr < (uintptr_t)mmu.phys_map + mmu.secure->size) {
		v->owner = SHIM_OWNER_PHYS_MAP;
		v->symbol_offset = addr - (uintptr_t)mmu.phys_map;
		snprintf(v->symbol, sizeof(v->symbol), "secure RAM (MMU view)");
		return true;
	}
	for (n = 0; n < SHIM_MAX_REGIONS; n++) {
		uintptr_t base = (uintptr_t)mmu.ns_view[n];

		if (base && addr >= base &&
		    addr - base < mmu.params.regions[n].size) {
			v->owner = SHIM_OWNER_PHYS_MAP;
			v->symbol_offset = addr - base;
			snprintf(v->symbol, sizeof(v->symbol),
				 "non-secure RAM (MMU view)");
			return true;
		}
	}
	return false;
}

/*
 * The PKRU that sigreturn gives back to the code a signal interrupted, in
 * the XSAVE image of @ucontext's frame (x86-64): the legacy area's
 * software bytes at 464 say what the image holds (magic, features, size),
 * its header at 512 which components are not in their initial state, and
 * PKRU lies at mmu.pkru_offset. NULL if the frame holds no PKRU. @p is
 * the partition the interrupted code ran in.
 */
static uint32_t *frame_pkru(void *ucontext, const struct arch_prtn *p)
{
#if defined(__x86_64__)
	enum { SW_BYTES = 464, HEADER = 512, XFEATURE_PKRU = 9 };
	ucontext_t *uc = ucontext;
	uint8_t *x = (uint8_t *)uc->uc_mcontext.fpregs;
	uint64_t features = 0;
	uint64_t bv = 0;
	uint32_t magic = 0;
	uint32_t size = 0;

	if (!x || !mmu.pkru_offset)
		return NULL;
	memcpy(&magic, x + SW_BYTES, sizeof(magic));
	memcpy(&features, x + SW_BYTES + 8, sizeof(features));
	memcpy(&size, x + SW_BYTES + 16, sizeof(size));
	if (magic != 0x46505853u || !(features & (1ull << XFEATURE_PKRU)) ||
	    mmu.pkru_offset + sizeof(uint32_t) > size)
		return NULL;
	memcpy(&bv, x + HEADER, sizeof(bv));
	if (!(bv & (1ull << XFEATURE_PKRU))) {
		/*
		 * Marked as in its initial state (0: every key open), which
		 * is not what the interrupted code ran with: give it the
		 * PKRU its partition's code runs with (apply_prtn()).
		 */
		uint32_t v = mmu.pkru_base | mmu.pkru_ours;

		v &= ~pkey_deny_bits(mmu.key_bank);
		if (p->key_slot >= 0 && !p->win_lazy)
			v &= ~pkey_deny_bits(mmu.lru_keys[p->key_slot]);
		v &= ~p->map_open;
		memcpy(x + mmu.pkru_offset, &v, sizeof(v));
		bv |= 1ull << XFEATURE_PKRU;
		memcpy(x + HEADER, &bv, sizeof(bv));
	}
	return (uint32_t *)(x + mmu.pkru_offset);
#else
	(void)ucontext;
	(void)p;
	return NULL;
#endif
}

/*
 * Left closed for a fast call (apply_prtn()), the active partition's
 * window is opened at its code's first touch of it, or of a mapping that
 * shares its key: keyed if need be, and its key enabled in the PKRU the
 * interrupted code gets back. Only once an activation: any other fault
 * is a violation (false).
 */
bool mmu_open_on_demand(uintptr_t addr, void *ucontext)
{
	struct arch_prtn *p = NULL;
	struct shim_violation v;
	uint32_t *pkru = NULL;

	if (!mmu.up || mmu.guard != SHIM_GUARD_PKEYS)
		return false;
	p = mmu.core_prtn[machine_current_core()];
	if (!p || !p->win_lazy || mmu.view_prtn != p)
		return false;
	memset(&v, 0, sizeof(v));
	if (!mmu_classify(addr, &v) || v.owner_guest != p->guest_id ||
	    (v.owner != SHIM_OWNER_GUEST && v.owner != SHIM_OWNER_NSEC))
		return false;
	pkru = frame_pkru(ucontext, p);
	if (!pkru)
		mmu_fatal("no PKRU in the signal frame to open guest %u's "
			  "window with", (unsigned int)p->guest_id);
	p->win_lazy = false;
	ensure_key(p);
	p->win_opened = true;
	*pkru &= ~pkey_deny_bits(mmu.lru_keys[p->key_slot]);
	shim_stats_counters.windows_on_demand++;
	return true;
}

void mmu_smc_kind(unsigned int core, bool fast)
{
	if (core < ARCH_MAX_CORES)
		mmu.fast_call[core] = fast;
}

/* ---- machine ---- */

static enum shim_bank_switch pick_bank_switch(enum shim_bank_switch want,
					      enum shim_guard guard)
{
	if (want != SHIM_BANK_AUTO)
		return want;
	if (guard == SHIM_GUARD_PKEYS)
		return SHIM_BANK_COPY;
	return bank_used() <= BANK_COPY_LIMIT_MPROTECT ? SHIM_BANK_COPY :
							 SHIM_BANK_REMAP;
}

int mmu_machine_init(const struct shim_machine_params *p, char *err,
		     size_t err_size)
{
	const struct arch_platform *plat = &p->platform;
	size_t n = 0;

	memset(&mmu, 0, sizeof(mmu));
	mmu.key_bank = mmu.key_phys = -1;
	mmu.params = *p;
	mmu.check_scrub = getenv("NEXSIM_CHECK_SCRUB") &&
			  strcmp(getenv("NEXSIM_CHECK_SCRUB"), "0");
	mmu.page_size = (size_t)sysconf(_SC_PAGESIZE);
	mmu.secure = region_of(pa_addr(plat->tzdram_base), plat->tzdram_size,
			       true);
	if (!mmu.secure) {
		snprintf(err, err_size,
			 "TZDRAM %#llx+%#llx is not inside a secure region",
			 (unsigned long long)pa_addr(plat->tzdram_base),
			 (unsigned long long)plat->tzdram_size);
		return -1;
	}
	if (pa_addr(mmu.secure->base) % mmu.page_size) {
		snprintf(err, err_size, "secure region not page aligned");
		return -1;
	}

	mmu.guard = p->guard;
	if (mmu.guard == SHIM_GUARD_AUTO)
		mmu.guard = shim_pkeys_supported() ? SHIM_GUARD_PKEYS :
						     SHIM_GUARD_MPROTECT;
	if (mmu.guard == SHIM_GUARD_PKEYS && !shim_pkeys_supported()) {
		snprintf(err, err_size,
			 "this host has no memory protection keys");
		return -1;
	}
	mmu.bank = pick_bank_switch(p->bank_switch, mmu.guard);
	for (n = 0; n < MAX_PKEYS; n++)
		mmu.lru_keys[n] = -1;

	if (mmu.guard == SHIM_GUARD_PKEYS) {
		if (init_pkeys(err, err_size))
			return -1;
		mmu.phys_map = mmap(NULL, mmu.secure->size,
				    PROT_READ | PROT_WRITE, MAP_SHARED,
				    mmu.secure->fd, 0);
		if (mmu.phys_map == MAP_FAILED) {
			mmu.phys_map = NULL;
			fini_pkeys();
			snprintf(err, err_size, "cannot map secure RAM: %s",
				 strerror(errno));
			return -1;
		}
		set_key(mmu.phys_map, mmu.secure->size, mmu.key_phys);
		map_ns_views();
		set_key(__nexsim_bank_start, bank_span(), mmu.key_bank);
		mmu.bank_open = true;
	} else {
		set_prot(__nexsim_bank_start, bank_span(), PROT_NONE);
		mmu.bank_open = false;
	}
	if (nsmap_init(p->ns_map_cache, err, err_size)) {
		mmu.up = true;
		mmu_machine_fini();
		return -1;
	}
	mmu.up = true;
	apply_default();
	return 0;
}

void mmu_machine_reset(void)
{
	size_t n = 0;

	mmu.writes_epoch++;
	mmu_cover_bank();
	for (n = 0; n < ARCH_MAX_CORES; n++) {
		mmu.core_prtn[n] = NULL;
		mmu.fast_call[n] = false;
	}
	while (mmu.live)
		destroy(mmu.live);
	/*
	 * No pointer of the secure world outlives a power-on, so the rings
	 * of windows start over: a share's guests take the windows it had
	 * before, as if retired in this order, and only then new ones
	 * (take_window()): first those still carrying a key, then the
	 * others, each by address. The first guests of each input get
	 * windows with no system call, keyed if their share has a keyed one
	 * (a guest that lived to the end of the last input left its share
	 * one): taking the share's lowest window instead would key it anew
	 * whenever another share's guest had taken its key meanwhile. Of
	 * the retired windows, pick_key() takes the key of the last one.
	 */
	for (n = 0; n < mmu.win_count; n++)
		if (mmu.wins[n].state == WIN_RETIRED)
			mmu.wins[n].retired_at =
				n + 1 + (mmu.wins[n].key_slot >= 0 ?
					 0 : mmu.win_count);
	mmu.retires = 2 * mmu.win_count;
	mmu.reset_mark = mmu.retires;
	mmu.bank_owner = NULL;
	apply_default();
}

void mmu_machine_fini(void)
{
	size_t n = 0;

	if (!mmu.up)
		return;
	mmu_machine_reset();
	for (n = 0; n < mmu.nexus_map_count; n++) {
		arch_asan_unpoison(mmu.nexus_maps[n].va, mmu.nexus_maps[n].size);
		munmap(mmu.nexus_maps[n].va, mmu.nexus_maps[n].size);
	}
	nsmap_fini();
	if (mmu.win_base)
		munmap(mmu.win_base, mmu.win_stride * mmu.win_count);
	free(mmu.wins);
	for (n = 0; n < mmu.scrub_count; n++)
		free(mmu.scrub[n].bits);
	free(mmu.scrub);
	if (mmu.phys_map)
		munmap(mmu.phys_map, mmu.secure->size);
	for (n = 0; n < SHIM_MAX_REGIONS; n++)
		if (mmu.ns_view[n])
			munmap(mmu.ns_view[n], mmu.params.regions[n].size);
	if (mmu.guard == SHIM_GUARD_PKEYS)
		fini_pkeys();
	bank_restore_plain();
	/* Between machines the bank is guarded as at process start. */
	set_prot(__nexsim_bank_start, bank_span(), PROT_NONE);
	memset(&mmu, 0, sizeof(mmu));
}

void mmu_open_keys(void)
{
	if (mmu.guard == SHIM_GUARD_PKEYS && mmu.up)
		wrpkru(mmu.pkru_base & ~mmu.pkru_ours);
}

void mmu_make_all_accessible(void)
{
	if (mmu.guard == SHIM_GUARD_PKEYS && mmu.up)
		wrpkru(mmu.pkru_base & ~mmu.pkru_ours);
	if (pkey_mprotect(__nexsim_bank_start, bank_span(),
			  PROT_READ | PROT_WRITE, 0))
		mprotect(__nexsim_bank_start, bank_span(),
			 PROT_READ | PROT_WRITE);
}

enum shim_guard shim_guard_in_use(void)
{
	return mmu.guard;
}

unsigned int shim_map_keys(void)
{
	return mmu_mapkey_count();
}

unsigned int shim_window_keys(void)
{
	return mmu.guard == SHIM_GUARD_PKEYS ? (unsigned int)mmu.lru_key_count :
						0;
}

enum shim_bank_switch shim_bank_switch_in_use(void)
{
	return mmu.bank;
}
