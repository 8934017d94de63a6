// SPDX-License-Identifier: BSD-2-Clause
/*
 * The hypervisor. Non-secure DRAM is one memfd; the hypervisor maps it
 * once (its own view, as a real one has a direct map) and hands out pages
 * in a shuffled order, so a VM's RAM is scattered over DRAM and every IPA
 * really needs its stage-2 translation. Free pages go back on top of the
 * pool.
 *
 * The hypervisor's own pages (the mediator's shadow arguments and page
 * lists) come first from a few it keeps, as Xen has its own heap apart
 * from the domains': taken at start in the same order every time, given
 * back to the top of its stack. So the mediator's pages are the same few
 * call after call, VM after VM and, after hyp_reset(), input after fuzz
 * input, whatever the VMs took meanwhile, and the TEE's mappings of them
 * are found again (core-shim/host/nsmap.c) instead of made anew.
 *
 * A page is handed out zeroed, but zeroed only if it may hold data: one
 * that anything may have written since it was last zeroed (a pointer into
 * it was handed out, the TEE was given it pinned) is "dirty". So a VM's
 * creation costs the pages its predecessors touched, not its RAM size.
 * With hyp_set_check_clean(true) (the tests), a clean page is checked to
 * be zero when handed out: a write that went around the tracking aborts.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <sim/guest.h>
#include <sim/hyp.h>
#include <sim/sched.h>
#include <sim/trace.h>

#define SMC_VM_CREATED		0xb200000du
#define SMC_VM_DESTROYED	0xb200000eu
#define SMC_GET_THREAD_COUNT	0xb200000fu
#define OWNER_FREE		0u
#define OWNER_HYP		0xffffffffu
#define OWNER_SPARE		0xfffffffeu	/* the hypervisor's, unused */
/*
 * The hypervisor's own pages kept: enough for the calls a few guests have
 * in flight (a shadow argument each, and the page lists of their memory
 * references); beyond them, pages come from the common pool.
 */
#define HYP_OWN_PAGES		16u

static struct {
	bool up;
	struct sim_machine *m;
	uint8_t *view;
	uint64_t base;
	uint64_t pages;
	uint32_t *owner;	/* client ID, or OWNER_ above */
	uint32_t *pins;
	uint8_t *dirty;		/* 1: may hold data (see above) */
	uint32_t *free_list;	/* page indexes, a stack */
	uint32_t *shuffled;	/* the free list as hyp_init made it */
	uint64_t free_count;
	/*
	 * The lowest free_count since hyp_init or hyp_reset: below it the
	 * stack is as shuffled, and no page there was ever taken.
	 */
	uint64_t low_free;
	uint64_t pinned;
	struct vm *vms[HYP_MAX_VMS];
	uint32_t vm_count;
	uint32_t thread_limit;
	uint64_t generations;
	uint64_t undrained;
	uint64_t zeroed;
	uint32_t own[HYP_OWN_PAGES];	/* its spare pages, a stack */
	uint32_t own_count;
} hyp;

static bool check_clean;

void hyp_set_check_clean(bool on)
{
	check_clean = on;
}

static uint64_t idx_of(uint64_t pa)
{
	return (pa - hyp.base) / HYP_PAGE;
}

static bool is_ns_page(uint64_t pa)
{
	return pa >= hyp.base && pa < hyp.base + hyp.pages * HYP_PAGE &&
	       !(pa % HYP_PAGE);
}

static void take_own_pages(void);

/* How many calls the TEE runs at once for a guest (GET_THREAD_COUNT). */
static void query_thread_limit(void)
{
	struct shim_regs r;

	shim_smc_args(sched_core_get(), &r, SMC_GET_THREAD_COUNT, 0, 0, 0, 0);
	sched_core_put();
	hyp.thread_limit = r.x[0] == 0 ? (uint32_t)r.x[1] : 1;
}

int hyp_init(struct sim_machine *m, char *err, size_t err_size)
{
	const struct arch_platform *p = &m->cfg.platform;
	uint64_t seed = p->random_seed;
	uint64_t n = 0;
	int fd = -1;

	for (n = 0; n < m->region_count; n++)
		if (!m->regions[n].secure)
			fd = m->regions[n].fd;
	memset(&hyp, 0, sizeof(hyp));
	hyp.m = m;
	hyp.base = pa_addr(p->nsec_ddr_base);
	hyp.pages = p->nsec_ddr_size / HYP_PAGE;
	hyp.view = mmap(NULL, p->nsec_ddr_size, PROT_READ | PROT_WRITE,
			MAP_SHARED, fd, 0);
	hyp.owner = calloc(hyp.pages, sizeof(*hyp.owner));
	hyp.pins = calloc(hyp.pages, sizeof(*hyp.pins));
	hyp.dirty = malloc(hyp.pages);
	hyp.free_list = calloc(hyp.pages, sizeof(*hyp.free_list));
	hyp.shuffled = calloc(hyp.pages, sizeof(*hyp.shuffled));
	if (fd < 0 || hyp.view == MAP_FAILED || !hyp.owner || !hyp.pins ||
	    !hyp.dirty || !hyp.free_list || !hyp.shuffled) {
		snprintf(err, err_size, "hypervisor: cannot take non-secure DRAM: %s",
			 strerror(errno));
		if (hyp.view == MAP_FAILED)
			hyp.view = NULL;
		hyp_fini();
		return -1;
	}
	/* Whatever was written before the hypervisor came, it does not know. */
	memset(hyp.dirty, 1, hyp.pages);
	/* A seeded shuffle: scattered, and the same every run. */
	for (n = 0; n < hyp.pages; n++)
		hyp.free_list[n] = (uint32_t)n;
	for (n = hyp.pages - 1; n > 0; n--) {
		uint64_t k = 0;
		uint32_t t = 0;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		k = (seed >> 33) % (n + 1);
		t = hyp.free_list[n];
		hyp.free_list[n] = hyp.free_list[k];
		hyp.free_list[k] = t;
	}
	memcpy(hyp.shuffled, hyp.free_list, hyp.pages * sizeof(*hyp.shuffled));
	hyp.free_count = hyp.pages;
	hyp.low_free = hyp.pages;
	take_own_pages();
	query_thread_limit();
	hyp.up = true;
	return 0;
}

int hyp_reset(void)
{
	uint32_t n = 0;

	if (!hyp.up)
		return -1;
	/* Until none is left (VMs take the lowest free slots: soon). */
	for (n = 0; n < HYP_MAX_VMS && hyp.vm_count; n++)
		if (hyp.vms[n])
			hyp_vm_destroy(hyp.vms[n]);
	/* Only the pages ever taken since the last reset need it. */
	for (n = (uint32_t)hyp.low_free; n < hyp.pages; n++) {
		hyp.owner[hyp.shuffled[n]] = OWNER_FREE;
		hyp.pins[hyp.shuffled[n]] = 0;
	}
	memcpy(hyp.free_list + hyp.low_free, hyp.shuffled + hyp.low_free,
	       (hyp.pages - hyp.low_free) * sizeof(*hyp.free_list));
	hyp.free_count = hyp.pages;
	hyp.low_free = hyp.pages;
	hyp.pinned = 0;
	hyp.generations = 0;
	hyp.undrained = 0;
	take_own_pages();
	query_thread_limit();
	return 0;
}

void hyp_fini(void)
{
	uint32_t n = 0;

	/* Until none is left (VMs take the lowest free slots: soon). */
	for (n = 0; n < HYP_MAX_VMS && hyp.vm_count; n++)
		if (hyp.vms[n])
			hyp_vm_destroy(hyp.vms[n]);
	if (hyp.view)
		munmap(hyp.view, hyp.pages * HYP_PAGE);
	free(hyp.owner);
	free(hyp.pins);
	free(hyp.dirty);
	free(hyp.free_list);
	free(hyp.shuffled);
	memset(&hyp, 0, sizeof(hyp));
}

bool hyp_ready(void)
{
	return hyp.up;
}

/* A free page for @owner, zeroed unless @overwritten (all of it, now). */
static uint64_t take_page_for(uint32_t owner, bool overwritten)
{
	uint64_t idx = 0;

	if (!hyp.free_count)
		return 0;
	idx = hyp.free_list[--hyp.free_count];
	if (hyp.free_count < hyp.low_free)
		hyp.low_free = hyp.free_count;
	hyp.owner[idx] = owner;
	if (hyp.dirty[idx]) {
		if (!overwritten) {
			memset(hyp.view + idx * HYP_PAGE, 0, HYP_PAGE);
			hyp.dirty[idx] = 0;
			hyp.zeroed++;
		}
	} else if (check_clean) {
		const uint64_t *w = (const uint64_t *)(hyp.view +
						       idx * HYP_PAGE);
		size_t n = 0;

		for (n = 0; n < HYP_PAGE / sizeof(*w); n++) {
			if (w[n]) {
				fprintf(stderr, "nexsim: hypervisor: page at "
					"0x%llx was written behind the "
					"hypervisor's back\n",
					(unsigned long long)(hyp.base +
							     idx * HYP_PAGE));
				abort();
			}
		}
	}
	/* What the caller writes now makes it dirty. */
	if (overwritten)
		hyp.dirty[idx] = 1;
	return hyp.base + idx * HYP_PAGE;
}

static uint64_t take_page(uint32_t owner)
{
	return take_page_for(owner, false);
}

static void give_back(uint64_t pa)
{
	uint64_t idx = idx_of(pa);

	hyp.owner[idx] = OWNER_FREE;
	hyp.free_list[hyp.free_count++] = (uint32_t)idx;
}

/*
 * Its spare pages, taken first from the top of the pool as hyp_init() or
 * hyp_reset() left it: the same pages, in the same order, every time.
 */
static void take_own_pages(void)
{
	uint32_t n = 0;

	for (n = 0; n < HYP_OWN_PAGES; n++) {
		uint64_t pa = take_page_for(OWNER_SPARE, true);

		if (!pa)
			break;
		hyp.own[n] = (uint32_t)idx_of(pa);
	}
	hyp.own_count = n;
}

/* A page for the hypervisor: a spare one, else one of the pool. */
static uint64_t take_hyp_page(bool overwritten)
{
	uint64_t idx = 0;

	if (!hyp.own_count)
		return take_page_for(OWNER_HYP, overwritten);
	idx = hyp.own[--hyp.own_count];
	hyp.owner[idx] = OWNER_HYP;
	/* Spare pages carried data: zeroed as a page from the pool is. */
	if (!overwritten) {
		memset(hyp.view + idx * HYP_PAGE, 0, HYP_PAGE);
		hyp.zeroed++;
	}
	return hyp.base + idx * HYP_PAGE;
}

uint64_t hyp_page_alloc(void)
{
	uint64_t pa = take_hyp_page(false);

	/* The hypervisor's own pages carry data to and from the TEE. */
	if (pa)
		hyp.dirty[idx_of(pa)] = 1;
	return pa;
}

uint64_t hyp_page_alloc_copy(uint64_t src_pa)
{
	uint64_t pa = 0;

	if (!is_ns_page(src_pa))
		return 0;
	pa = take_hyp_page(true);
	if (pa)
		memcpy(hyp.view + idx_of(pa) * HYP_PAGE,
		       hyp.view + idx_of(src_pa) * HYP_PAGE, HYP_PAGE);
	return pa;
}

void hyp_page_free(uint64_t pa)
{
	if (!is_ns_page(pa) || hyp.owner[idx_of(pa)] != OWNER_HYP) {
		fprintf(stderr, "nexsim: hypervisor: free of a page it does "
			"not own (0x%llx)\n", (unsigned long long)pa);
		abort();
	}
	if (hyp.own_count < HYP_OWN_PAGES) {
		/* Not its owner's in use any more: a second free aborts. */
		hyp.owner[idx_of(pa)] = OWNER_SPARE;
		hyp.own[hyp.own_count++] = (uint32_t)idx_of(pa);
		return;
	}
	give_back(pa);
}

/* The hypervisor's view of @pa; @write: it may be written through. */
static uint8_t *view_of(uint64_t pa, bool write)
{
	if (!is_ns_page(pa & ~(uint64_t)(HYP_PAGE - 1)))
		return NULL;
	if (write)
		hyp.dirty[idx_of(pa)] = 1;
	return hyp.view + (pa - hyp.base);
}

void *hyp_pa_ptr(uint64_t pa)
{
	/* Whoever holds the pointer may write through it. */
	return view_of(pa, true);
}

void hyp_pin(uint64_t pa)
{
	/* Pinned for the TEE, which may write it. */
	hyp.dirty[idx_of(pa)] = 1;
	if (!hyp.pins[idx_of(pa)]++)
		hyp.pinned++;
}

void hyp_unpin(uint64_t pa)
{
	uint64_t idx = idx_of(pa);

	if (!hyp.pins[idx]) {
		fprintf(stderr, "nexsim: hypervisor: unpin of an unpinned page\n");
		abort();
	}
	if (!--hyp.pins[idx])
		hyp.pinned--;
}

uint32_t hyp_pin_count(uint64_t pa)
{
	return is_ns_page(pa) ? hyp.pins[idx_of(pa)] : 0;
}

static void free_vm(struct vm *vm)
{
	size_t n = 0;

	for (n = 0; n < vm->ram_pages; n++) {
		if (!vm->p2m[n])
			continue;
		/* The mediator unpinned everything before: an invariant. */
		if (hyp.pins[idx_of(vm->p2m[n])]) {
			fprintf(stderr, "nexsim: hypervisor: VM page still "
				"pinned at destruction\n");
			abort();
		}
		give_back(vm->p2m[n]);
	}
	free(vm->p2m);
	free(vm);
}

struct vm *hyp_vm_create(size_t ram_bytes, char *err, size_t err_size)
{
	struct vm *vm = NULL;
	uint32_t ret = 0;
	size_t n = 0;
	uint16_t domid = 0;

	if (!hyp.up) {
		snprintf(err, err_size, "no hypervisor");
		return NULL;
	}
	for (domid = 0; domid < HYP_MAX_VMS && hyp.vms[domid]; domid++)
		;
	if (domid == HYP_MAX_VMS) {
		snprintf(err, err_size, "too many VMs");
		return NULL;
	}
	vm = calloc(1, sizeof(*vm));
	if (!vm) {
		snprintf(err, err_size, "out of host memory");
		return NULL;
	}
	vm->domid = domid;
	vm->client_id = (uint32_t)domid + 1;
	vm->generation = ++hyp.generations;
	vm->ram_pages = (ram_bytes + HYP_PAGE - 1) / HYP_PAGE;
	vm->p2m = calloc(vm->ram_pages ? vm->ram_pages : 1, sizeof(uint64_t));
	if (!vm->p2m || vm->ram_pages > hyp.free_count) {
		snprintf(err, err_size, "not enough non-secure DRAM for %zu pages",
			 vm->ram_pages);
		free(vm->p2m);
		free(vm);
		return NULL;
	}
	for (n = 0; n < vm->ram_pages; n++)
		vm->p2m[n] = take_page(vm->client_id);

	/* The TEE must accept the VM, or the VM is not created. */
	ret = sim_vm_created(vm->client_id);
	sim_trace("hyp   VM_CREATED client %u (dom%u, %zu pages) -> %#x",
		  vm->client_id, domid, vm->ram_pages, ret);
	if (ret) {
		snprintf(err, err_size, "the TEE refused VM_CREATED for client "
			 "%u (%#x)", vm->client_id, ret);
		free_vm(vm);
		return NULL;
	}
	med_vm_init(vm, hyp.thread_limit);
	vm->running = true;
	hyp.vms[domid] = vm;
	hyp.vm_count++;
	return vm;
}

static bool vm_quiet(void *arg)
{
	const struct vm *vm = arg;

	return !vm->in_call && !vm->in_smc;
}

void hyp_vm_stop(struct vm *vm)
{
	/*
	 * No new call from now on; calls in the middle (of other vCPUs of
	 * the VM, under the scheduler) first get back to the guest.
	 */
	vm->stopping = true;
	/*
	 * Without a running scheduler nobody else can move (a run that ended
	 * in a deadlock leaves its vCPUs where they stopped): go on.
	 */
	while (!vm_quiet(vm))
		if (!sched_block_until(vm_quiet, vm))
			break;
}

static void destroy(struct vm *vm, bool drain)
{
	uint32_t ret = 0;

	hyp_vm_stop(vm);
	vm->running = false;
	sched_core_get();
	/* Calls left suspended in RPCs are finished first, then released. */
	if (drain)
		hyp.undrained += med_vm_release(vm) != 0;
	else
		med_vm_forget(vm);
	guest_drv_detach(vm);
	ret = sim_vm_destroyed(vm->client_id);
	sim_trace("hyp   VM_DESTROYED client %u -> %#x", vm->client_id, ret);
	hyp.vms[vm->domid] = NULL;
	hyp.vm_count--;
	free_vm(vm);
	sched_core_put();
}

void hyp_vm_destroy(struct vm *vm)
{
	destroy(vm, true);
}

void hyp_vm_destroy_undrained(struct vm *vm)
{
	destroy(vm, false);
}

struct vm *hyp_vm_by_client_id(uint32_t client_id)
{
	if (!client_id || client_id > HYP_MAX_VMS)
		return NULL;
	return hyp.vms[client_id - 1];
}

bool hyp_ipa_to_pa(const struct vm *vm, ipaddr_t ipa, uint64_t *pa)
{
	uint64_t a = ipa_addr(ipa);
	uint64_t page = 0;

	if (a < HYP_VM_IPA_BASE)
		return false;
	page = (a - HYP_VM_IPA_BASE) / HYP_PAGE;
	if (page >= vm->ram_pages || !vm->p2m[page])
		return false;
	*pa = vm->p2m[page] + (a % HYP_PAGE);
	return true;
}

void *hyp_ipa_ptr(const struct vm *vm, ipaddr_t ipa)
{
	uint64_t pa = 0;

	return hyp_ipa_to_pa(vm, ipa, &pa) ? hyp_pa_ptr(pa) : NULL;
}

static int vm_copy(const struct vm *vm, ipaddr_t ipa, void *buf, size_t len,
		   bool to_vm)
{
	uint8_t *b = buf;

	while (len) {
		uint64_t pa = 0;
		uint8_t *p = hyp_ipa_to_pa(vm, ipa, &pa) ? view_of(pa, to_vm) :
							  NULL;
		size_t room = HYP_PAGE - ipa_addr(ipa) % HYP_PAGE;
		size_t n = len < room ? len : room;

		if (!p)
			return -1;
		if (to_vm)
			memcpy(p, b, n);
		else
			memcpy(b, p, n);
		b += n;
		len -= n;
		ipa = ipa_add(ipa, n);
	}
	return 0;
}

int hyp_vm_write(const struct vm *vm, ipaddr_t ipa, const void *buf,
		 size_t len)
{
	return vm_copy(vm, ipa, (void *)buf, len, true);
}

int hyp_vm_read(const struct vm *vm, ipaddr_t ipa, void *buf, size_t len)
{
	return vm_copy(vm, ipa, buf, len, false);
}

int hyp_vm_release_page(struct vm *vm, ipaddr_t ipa)
{
	uint64_t pa = 0;
	uint64_t page = 0;

	if (!hyp_ipa_to_pa(vm, ipa, &pa))
		return -1;
	pa &= ~(uint64_t)(HYP_PAGE - 1);
	/* A page the TEE holds stays where it is. */
	if (hyp.pins[idx_of(pa)])
		return -1;
	page = (ipa_addr(ipa) - HYP_VM_IPA_BASE) / HYP_PAGE;
	vm->p2m[page] = 0;
	give_back(pa);
	return 0;
}

void hyp_vm_smc(struct vm *vm, uint64_t regs[8])
{
	if (!vm->running) {
		/* A stopped vCPU issues nothing: the caller is a bug. */
		fprintf(stderr, "nexsim: SMC from a stopped VM (dom%u)\n",
			vm->domid);
		abort();
	}
	/* Which vCPU issues the next SMC is the scheduler's choice. */
	sched_point();
	sched_core_get();
	vm->smcs++;
	vm->in_smc++;
	med_smc(vm, regs);
	vm->in_smc--;
	sched_core_put();
}

unsigned int hyp_smc_core(const struct vm *vm)
{
	return sched_active() ? sched_core() : vm->vcpu_core;
}

void hyp_get_stats(struct hyp_stats *st)
{
	st->pages_total = hyp.pages;
	st->pages_free = hyp.free_count;
	st->pages_spare = hyp.own_count;
	st->pages_pinned = hyp.pinned;
	st->vms = hyp.vm_count;
	st->undrained = hyp.undrained;
	st->pages_zeroed = hyp.zeroed;
}
