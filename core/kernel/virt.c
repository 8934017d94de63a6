// SPDX-License-Identifier: BSD-2-Clause
/*
 * Guest partitions and the equal split of secure memory.
 *
 * Secure DRAM (TZDRAM) is planned once per boot:
 *
 *   TEE RAM (nexus)  nexus heap | guest ID index leaves | free-slot stack |
 *                    slot-in-use bitmap
 *   TA pool          tables[0..N-1] | share[0] | share[1] | ... share[N-1]
 *
 * with N = CFG_VIRT_GUEST_COUNT. A share is the guest's TEE RAM (its copy
 * of the banked sections, its heap, its thread stacks) followed by its TA
 * RAM; every share has the same size, whatever the number of live guests:
 *
 *   ta_ram = rounddown(ta_pool / N - tee_ram_share - table_size, 4 KiB)
 *
 * A guest's table (its struct guest_partition) is nexus memory, always
 * mapped; its share is mapped only by its own partition.
 *
 * Lock order: virt_lock only; it is never held across a call to the MMU.
 */

#include <arch/asan.h>
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <compiler.h>
#include <kernel/panic.h>
#include <kernel/refcount.h>
#include <kernel/spinlock.h>
#include <kernel/mutex.h>
#include <kernel/thread.h>
#include <kernel/virtualization.h>
#include <lib/string.h>
#include <mm/malloc.h>
#include <mm/page_pool.h>
#include <sm/optee_smc.h>
#include <tee/nsbuf.h>
#include <tee/tee_storage.h>
#include <tee/ta.h>
#include <trace.h>
#include <util.h>

#define PRTN_MAGIC		0x7072746eu	/* "prtn" */

/* Two-level guest index over the 16-bit ID space: O(1) on every SMC. */
#define INDEX_LEAF_IDS		256u
#define INDEX_DIR_SIZE		((VIRT_MAX_GUEST_ID + 1) / INDEX_LEAF_IDS)
#define INDEX_LEAF_BYTES	(INDEX_LEAF_IDS * sizeof(uint32_t))
#define INDEX_MAX_BYTES		(INDEX_DIR_SIZE * INDEX_LEAF_BYTES)

/*
 * Physical addresses and sizes of a platform fit 48 bits (Armv8's PA
 * space), so the plan's sums of a few of them cannot overflow.
 */
#define MAX_PA_BITS		48
#define MAX_PA			(1ull << MAX_PA_BITS)

/* Smallest heaps the core can run with. */
#define MIN_NEX_HEAP_SIZE	KiB(4)
#define MIN_HEAP_SIZE		KiB(8)
#define MIN_STACK_SIZE		KiB(4)

struct guest_partition {
	uint32_t magic;
	uint32_t slot;
	uint16_t id;
	bool shutting_down;
	bool runtime_initialized;
	struct refcount refc;
	struct arch_prtn *mmu_prtn;
	uint8_t *private_va;	/* heap | thread stacks | TA RAM */
	uint64_t std_calls;
	uint64_t fast_calls;
	uint32_t threads_suspended;	/* its threads waiting in RPCs */
	/*
	 * Held while its runtime is made: a spinlock, so no preemption point
	 * lets another core's first call in half-way.
	 */
	unsigned int init_lock;
};

/* The memory plan of this boot. */
struct virt_plan {
	const struct arch_platform *plat;
	paddr_t tee_ram_pa;
	uint64_t tee_ram_size;
	uint8_t *tee_ram_va;
	size_t nex_heap_size;
	size_t index_offset;	/* in TEE RAM */
	size_t free_stack_offset;
	size_t slot_bitmap_offset;
	size_t tee_ram_used;
	paddr_t ta_pool_pa;
	uint64_t ta_pool_size;
	paddr_t tables_pa;
	uint8_t *tables_va;
	size_t table_size;
	paddr_t shares_pa;
	size_t bank_size;
	size_t heap_size;
	size_t stack_size;
	size_t stacks_size;
	size_t tee_ram_share;
	size_t ta_ram_share;
	size_t share_stride;
	uint32_t slot_count;
};

static struct virt_plan plan __nex_bss;
static unsigned int virt_lock __nex_bss;
static uint16_t index_dir[INDEX_DIR_SIZE] __nex_bss;	/* leaf number + 1 */
static uint32_t index_leaf_count __nex_bss;
static uint32_t *free_slots __nex_bss;
static uint32_t free_slot_count __nex_bss;
/*
 * Slots whose table holds a guest. The tables themselves survive a reset
 * (they are RAM): only this bitmap, cleared at boot, says which are valid.
 */
static uint64_t *slot_used __nex_bss;
static uint32_t guests_live __nex_bss;
static uint32_t guests_dying __nex_bss;
static uint64_t undrained_destroys __nex_bss;
static struct guest_partition *current_prtn[ARCH_MAX_CORES] __nex_bss;

static struct guest_partition *slot_prtn(uint32_t slot)
{
	return (struct guest_partition *)(plan.tables_va +
					  (size_t)slot * plan.table_size);
}

static paddr_t slot_share_pa(uint32_t slot)
{
	return pa_add(plan.shares_pa, (uint64_t)slot * plan.share_stride);
}

static size_t private_size(void)
{
	return plan.heap_size + plan.stacks_size + plan.ta_ram_share;
}

static bool slot_in_use(uint32_t slot)
{
	return slot_used[slot / 64] & (1ull << (slot % 64));
}

static void slot_mark(uint32_t slot, bool used)
{
	if (used)
		slot_used[slot / 64] |= 1ull << (slot % 64);
	else
		slot_used[slot / 64] &= ~(1ull << (slot % 64));
}

static uint32_t *index_leaf(uint32_t leaf_number)
{
	return (uint32_t *)(plan.tee_ram_va + plan.index_offset +
			    (size_t)(leaf_number - 1) * INDEX_LEAF_BYTES);
}

/* Slot + 1 of the live guest @id, 0 if none. Caller holds virt_lock. */
static uint32_t index_lookup(uint16_t id)
{
	uint16_t leaf = index_dir[id / INDEX_LEAF_IDS];

	if (!leaf)
		return 0;
	return index_leaf(leaf)[id % INDEX_LEAF_IDS];
}

/* Caller holds virt_lock; a leaf is always available (see plan). */
static void index_set(uint16_t id, uint32_t value)
{
	uint16_t *leaf = &index_dir[id / INDEX_LEAF_IDS];

	if (!*leaf) {
		CHECK(index_leaf_count < INDEX_DIR_SIZE);
		index_leaf_count++;
		*leaf = (uint16_t)index_leaf_count;
		memset(index_leaf(*leaf), 0, INDEX_LEAF_BYTES);
	}
	index_leaf(*leaf)[id % INDEX_LEAF_IDS] = value;
}

static struct guest_partition *get_current_prtn(void)
{
	return current_prtn[arch_get_core_pos()];
}

static void set_current_prtn(struct guest_partition *prtn)
{
	current_prtn[arch_get_core_pos()] = prtn;
}

static bool fits_pa_space(uint64_t base, uint64_t size)
{
	return size && base < MAX_PA && size <= MAX_PA - base;
}

static enum core_boot_status check_platform(const struct arch_platform *plat)
{
	uint64_t tz = plat->tzdram_size;

	/* Every size is bounded by the PA space, so the plan cannot overflow. */
	if (!fits_pa_space(pa_addr(plat->tzdram_base), tz) ||
	    !fits_pa_space(pa_addr(plat->nsec_ddr_base), plat->nsec_ddr_size))
		return CORE_BOOT_BAD_REGIONS;
	if (plat->nex_heap_size > tz || plat->heap_size > tz ||
	    plat->thread_stack_size > tz || plat->xlat_table_size > tz ||
	    plat->nex_heap_size < MIN_NEX_HEAP_SIZE ||
	    plat->heap_size < MIN_HEAP_SIZE ||
	    plat->thread_stack_size < MIN_STACK_SIZE)
		return CORE_BOOT_BAD_SIZES;
	if (!plat->core_count || plat->core_count > ARCH_MAX_CORES ||
	    !plat->guest_count || plat->guest_count > VIRT_MAX_GUEST_ID ||
	    !plat->thread_count || plat->thread_count > THREAD_MAX_COUNT)
		return CORE_BOOT_BAD_COUNTS;
	if (!IS_ALIGNED(pa_addr(plat->tzdram_base), (uint64_t)SMALL_PAGE_SIZE) ||
	    !IS_ALIGNED(plat->tee_ram_size, (uint64_t)SMALL_PAGE_SIZE) ||
	    plat->tee_ram_size >= plat->tzdram_size)
		return CORE_BOOT_BAD_TEE_RAM;
	return CORE_BOOT_OK;
}

/* Plan the nexus part of TEE RAM and map it. */
static enum core_boot_status plan_tee_ram(const struct arch_platform *plat)
{
	size_t heap = ROUNDUP(plat->nex_heap_size, (size_t)SMALL_PAGE_SIZE);
	size_t stack = ROUNDUP((size_t)plat->guest_count * sizeof(uint32_t),
			       (size_t)SMALL_PAGE_SIZE);
	size_t bitmap = ROUNDUP(((size_t)plat->guest_count + 63) / 64 *
				sizeof(uint64_t), (size_t)SMALL_PAGE_SIZE);

	plan.tee_ram_pa = plat->tzdram_base;
	plan.tee_ram_size = plat->tee_ram_size;
	plan.nex_heap_size = heap;
	plan.index_offset = heap;
	plan.free_stack_offset = heap + INDEX_MAX_BYTES;
	plan.slot_bitmap_offset = plan.free_stack_offset + stack;
	plan.tee_ram_used = plan.slot_bitmap_offset + bitmap;
	if (plan.tee_ram_used > plat->tee_ram_size)
		return CORE_BOOT_NO_TEE_RAM;
	plan.tee_ram_va = arch_map_nexus(plan.tee_ram_pa, plan.tee_ram_used);
	if (!plan.tee_ram_va)
		return CORE_BOOT_MAP_FAILED;
	return CORE_BOOT_OK;
}

/* Plan the TA pool: tables, then N equal shares. */
static enum core_boot_status plan_ta_pool(const struct arch_platform *plat)
{
	size_t share = 0;
	size_t need = 0;
	size_t tables = 0;

	plan.ta_pool_pa = pa_add(plat->tzdram_base, plat->tee_ram_size);
	plan.ta_pool_size = plat->tzdram_size - plat->tee_ram_size;
	plan.bank_size = arch_bank_size();
	plan.heap_size = ROUNDUP(plat->heap_size, (size_t)SMALL_PAGE_SIZE);
	plan.stack_size = ROUNDUP(plat->thread_stack_size,
				  (size_t)SMALL_PAGE_SIZE);
	plan.stacks_size = plan.stack_size * plat->thread_count;
	plan.tee_ram_share = plan.bank_size + plan.heap_size +
			     plan.stacks_size;
	plan.table_size = ROUNDUP(MAX(plat->xlat_table_size,
				      sizeof(struct guest_partition)),
				  (size_t)SMALL_PAGE_SIZE);

	share = (size_t)(plan.ta_pool_size / plat->guest_count);
	need = plan.tee_ram_share + plan.table_size + SMALL_PAGE_SIZE;
	if (share < need)
		return CORE_BOOT_NO_TA_RAM;
	plan.ta_ram_share = ROUNDDOWN(share - plan.tee_ram_share -
				      plan.table_size, (size_t)SMALL_PAGE_SIZE);
	plan.share_stride = plan.tee_ram_share + plan.ta_ram_share;
	plan.slot_count = plat->guest_count;

	/*
	 * TA RAM bookkeeping and the thread table live in the guest heap:
	 * a quarter of it each at most, the rest for sessions and TAs.
	 */
	if (page_pool_bitmap_words(plan.ta_ram_share) * sizeof(uint64_t) >
	    plan.heap_size / 4 ||
	    thread_table_size(plat->thread_count) > plan.heap_size / 4)
		return CORE_BOOT_HEAP_TOO_SMALL;

	tables = plan.table_size * plan.slot_count;
	plan.tables_pa = plan.ta_pool_pa;
	plan.shares_pa = pa_add(plan.tables_pa, tables);
	plan.tables_va = arch_map_nexus(plan.tables_pa, tables);
	if (!plan.tables_va)
		return CORE_BOOT_MAP_FAILED;
	return CORE_BOOT_OK;
}

enum core_boot_status virt_init(const struct arch_platform *plat)
{
	enum core_boot_status st = check_platform(plat);
	uint32_t n = 0;

	if (st)
		return st;
	memset(&plan, 0, sizeof(plan));
	plan.plat = plat;
	st = plan_tee_ram(plat);
	if (st)
		return st;
	st = plan_ta_pool(plat);
	if (st)
		return st;

	/* Power-on state: an empty heap, no guests, every slot free. */
	arch_asan_unpoison(plan.tee_ram_va, plan.nex_heap_size);
	memset(plan.tee_ram_va, 0, plan.nex_heap_size);
	nex_malloc_init(plan.tee_ram_va, plan.nex_heap_size);
	free_slots = (uint32_t *)(plan.tee_ram_va + plan.free_stack_offset);
	for (n = 0; n < plan.slot_count; n++)
		free_slots[n] = plan.slot_count - 1 - n;
	free_slot_count = plan.slot_count;
	slot_used = (uint64_t *)(plan.tee_ram_va + plan.slot_bitmap_offset);
	memset(slot_used, 0, (plan.slot_count + 63) / 64 * sizeof(uint64_t));
	memset(index_dir, 0, sizeof(index_dir));
	index_leaf_count = 0;
	guests_live = 0;
	guests_dying = 0;
	memset(current_prtn, 0, sizeof(current_prtn));

	IMSG("TA pool %#llx+%#llx: %u shares of %zu bytes TEE RAM, %zu bytes TA RAM",
	     (unsigned long long)pa_addr(plan.ta_pool_pa),
	     (unsigned long long)plan.ta_pool_size, plan.slot_count,
	     plan.tee_ram_share, plan.ta_ram_share);
	return CORE_BOOT_OK;
}

/* Enter @prtn's partition on this core (no reference is taken). */
static void enter_prtn(struct guest_partition *prtn)
{
	set_current_prtn(prtn);
	arch_prtn_activate(prtn->mmu_prtn);
}

static void leave_prtn(void)
{
	arch_prtn_deactivate();
	set_current_prtn(NULL);
}

TEE_Result virt_guest_created(uint32_t guest_id)
{
	struct guest_partition *prtn = NULL;
	struct arch_prtn *mmu_prtn = NULL;
	paddr_t share_pa = pa_init(0);
	void *private_va = NULL;
	uint32_t slot = 0;

	/* Decode: the ID is a 16-bit client ID and never the hypervisor's. */
	if (guest_id == HYP_CLNT_ID || guest_id > VIRT_MAX_GUEST_ID)
		return TEE_ERROR_BAD_PARAMETERS;
	/* Guests are created from the default partition only. */
	CHECK(!get_current_prtn());

	cpu_spin_lock(&virt_lock);
	if (index_lookup((uint16_t)guest_id)) {
		cpu_spin_unlock(&virt_lock);
		return TEE_ERROR_ACCESS_CONFLICT;
	}
	if (!free_slot_count) {
		cpu_spin_unlock(&virt_lock);
		return TEE_ERROR_OUT_OF_MEMORY;
	}
	slot = free_slots[--free_slot_count];
	cpu_spin_unlock(&virt_lock);

	share_pa = slot_share_pa(slot);
	mmu_prtn = arch_prtn_create((uint16_t)guest_id, share_pa,
				    pa_add(share_pa, plan.bank_size),
				    private_size(), &private_va);
	if (!mmu_prtn) {
		cpu_spin_lock(&virt_lock);
		free_slots[free_slot_count++] = slot;
		cpu_spin_unlock(&virt_lock);
		EMSG("no mapping for guest %u", (unsigned int)guest_id);
		return TEE_ERROR_OUT_OF_MEMORY;
	}

	prtn = slot_prtn(slot);
	memset(prtn, 0, sizeof(*prtn));
	prtn->magic = PRTN_MAGIC;
	prtn->slot = slot;
	prtn->id = (uint16_t)guest_id;
	prtn->mmu_prtn = mmu_prtn;
	prtn->private_va = private_va;
	refcount_set(&prtn->refc, 1);

	cpu_spin_lock(&virt_lock);
	index_set(prtn->id, slot + 1);
	slot_mark(slot, true);
	guests_live++;
	cpu_spin_unlock(&virt_lock);

	IMSG("Added guest %u in slot %u", (unsigned int)guest_id,
	     (unsigned int)slot);
	return TEE_SUCCESS;
}

/*
 * The hypervisor must stop a guest's vCPUs and let its calls finish before
 * VM_DESTROYED. One that did not leaves threads suspended in RPCs: they
 * are dropped with the partition when it is released (nothing of them can
 * reach another guest), and the nexus says so.
 */
static void report_undrained(struct guest_partition *prtn)
{
	uint32_t suspended = prtn->threads_suspended;

	if (!suspended)
		return;
	cpu_spin_lock(&virt_lock);
	undrained_destroys++;
	cpu_spin_unlock(&virt_lock);
	EMSG("guest %u destroyed with %u call(s) suspended in RPC: the "
	     "hypervisor did not drain them; they are dropped",
	     (unsigned int)prtn->id, (unsigned int)suspended);
}

static void destroy_prtn(struct guest_partition *prtn)
{
	uint32_t slot = prtn->slot;

	report_undrained(prtn);
	/* The sanitizer shadow of its heap must not outlive the guest. */
	arch_asan_unpoison(prtn->private_va, private_size());
	arch_prtn_destroy(prtn->mmu_prtn);
	memset(prtn, 0, sizeof(*prtn));

	cpu_spin_lock(&virt_lock);
	guests_dying--;
	slot_mark(slot, false);
	free_slots[free_slot_count++] = slot;
	cpu_spin_unlock(&virt_lock);
	IMSG("Released slot %u", (unsigned int)slot);
}

void virt_put_guest(struct guest_partition *prtn)
{
	if (!prtn)
		return;
	CHECK(prtn->magic == PRTN_MAGIC);
	if (!refcount_dec(&prtn->refc))
		return;
	/* Only destruction drops the creation reference. */
	CHECK(prtn->shutting_down);
	destroy_prtn(prtn);
}

TEE_Result virt_guest_destroyed(uint32_t guest_id)
{
	struct guest_partition *prtn = NULL;
	uint32_t slot1 = 0;

	if (guest_id == HYP_CLNT_ID || guest_id > VIRT_MAX_GUEST_ID)
		return TEE_ERROR_ITEM_NOT_FOUND;

	cpu_spin_lock(&virt_lock);
	slot1 = index_lookup((uint16_t)guest_id);
	if (!slot1) {
		cpu_spin_unlock(&virt_lock);
		EMSG("no guest with id %u", (unsigned int)guest_id);
		return TEE_ERROR_ITEM_NOT_FOUND;
	}
	prtn = slot_prtn(slot1 - 1);
	prtn->shutting_down = true;
	index_set(prtn->id, 0);
	guests_live--;
	guests_dying++;
	cpu_spin_unlock(&virt_lock);

	IMSG("Removing guest %u", (unsigned int)guest_id);
	virt_put_guest(prtn);
	return TEE_SUCCESS;
}

struct guest_partition *virt_get_guest(uint16_t guest_id)
{
	struct guest_partition *prtn = NULL;
	uint32_t slot1 = 0;

	cpu_spin_lock(&virt_lock);
	slot1 = guest_id ? index_lookup(guest_id) : 0;
	if (slot1) {
		prtn = slot_prtn(slot1 - 1);
		if (!refcount_inc(&prtn->refc))
			panic("live guest without references");
	}
	cpu_spin_unlock(&virt_lock);
	return prtn;
}

struct guest_partition *virt_get_current_guest(void)
{
	struct guest_partition *prtn = get_current_prtn();

	if (prtn && !refcount_inc(&prtn->refc))
		panic("active guest without references");
	return prtn;
}

uint16_t virt_get_guest_id(const struct guest_partition *prtn)
{
	return prtn ? prtn->id : HYP_CLNT_ID;
}

uint16_t virt_get_current_guest_id(void)
{
	return virt_get_guest_id(get_current_prtn());
}

TEE_Result virt_set_guest(uint32_t guest_id)
{
	struct guest_partition *prtn = NULL;

	/* A core starts every call in the default partition. */
	CHECK(!get_current_prtn());
	if (guest_id == HYP_CLNT_ID)
		return TEE_SUCCESS;
	if (guest_id > VIRT_MAX_GUEST_ID)
		return TEE_ERROR_ITEM_NOT_FOUND;
	prtn = virt_get_guest((uint16_t)guest_id);
	if (!prtn)
		return TEE_ERROR_ITEM_NOT_FOUND;
	enter_prtn(prtn);
	return TEE_SUCCESS;
}

void virt_unset_guest(void)
{
	struct guest_partition *prtn = get_current_prtn();

	if (!prtn)
		return;
	leave_prtn();
	virt_put_guest(prtn);
}

void virt_count_call(bool fast)
{
	struct guest_partition *prtn = get_current_prtn();

	if (!prtn)
		return;
	if (fast)
		prtn->fast_calls++;
	else
		prtn->std_calls++;
}

/*
 * OP-TEE's init_tee_runtime(): the guest's heap and TA RAM. The plan
 * guarantees that the TA RAM bitmaps fit a quarter of the heap and the
 * thread table the rest, so only an injected allocation failure makes it
 * fail: then nothing is kept (a retry starts from a fresh heap).
 */
static bool init_tee_runtime(struct guest_partition *prtn)
{
	uint8_t *ta_ram = prtn->private_va + plan.heap_size + plan.stacks_size;

	guest_malloc_init(prtn->private_va, plan.heap_size);
	if (!ta_ram_init(ta_ram, plan.ta_ram_share))
		return false;
	/* Its threads are banked state, their table in its heap. */
	if (!thread_init_threads(prtn->private_va + plan.heap_size,
				 plan.stack_size, plan.plat->thread_count))
		return false;
	DMSG("guest %u runtime initialised", (unsigned int)prtn->id);
	return true;
}

void virt_count_suspended(int delta)
{
	struct guest_partition *prtn = get_current_prtn();

	CHECK(prtn);
	prtn->threads_suspended += (uint32_t)delta;
}

bool virt_on_stdcall(void)
{
	struct guest_partition *prtn = get_current_prtn();

	CHECK(prtn);
	if (prtn->runtime_initialized)
		return true;
	cpu_spin_lock(&prtn->init_lock);
	if (!prtn->runtime_initialized)
		prtn->runtime_initialized = init_tee_runtime(prtn);
	cpu_spin_unlock(&prtn->init_lock);
	return prtn->runtime_initialized;
}

bool core_abort_call(struct arch_smc_args *args)
{
	bool goes_on = false;

	if (!get_current_prtn())
		return false;
	thread_abort_current();
	if (mutex_owes_sends() || thread_rpc_owes_payloads())
		goes_on = thread_pay_owed_sends(args);
	virt_unset_guest();
	return goes_on;
}

void core_get_nexus_info(struct core_nexus_info *info)
{
	struct malloc_stats st = { 0 };

	memset(info, 0, sizeof(*info));
	nex_malloc_get_stats(&st);
	cpu_spin_lock(&virt_lock);
	info->tee_ram_pa = plan.tee_ram_pa;
	info->tee_ram_size = plan.tee_ram_size;
	info->nex_heap_pa = plan.tee_ram_pa;
	info->nex_heap_size = plan.nex_heap_size;
	info->nex_heap_used = st.allocated;
	info->nex_heap_max_used = st.max_allocated;
	info->guest_index_pa = pa_add(plan.tee_ram_pa, plan.index_offset);
	info->guest_index_size = INDEX_MAX_BYTES;
	info->guest_index_used = index_leaf_count * INDEX_LEAF_BYTES;
	info->ta_pool_pa = plan.ta_pool_pa;
	info->ta_pool_size = plan.ta_pool_size;
	info->tables_pa = plan.tables_pa;
	info->table_size = plan.table_size;
	info->shares_pa = plan.shares_pa;
	info->tee_ram_share = plan.tee_ram_share;
	info->ta_ram_share = plan.ta_ram_share;
	info->bank_size = plan.bank_size;
	info->guest_count = plan.slot_count;
	info->guests_live = guests_live;
	info->guests_dying = guests_dying;
	info->slots_free = free_slot_count;
	info->undrained_destroys = undrained_destroys;
	cpu_spin_unlock(&virt_lock);
}

int32_t core_find_guest_slot(uint16_t id)
{
	uint32_t slot1 = 0;

	cpu_spin_lock(&virt_lock);
	slot1 = id ? index_lookup(id) : 0;
	cpu_spin_unlock(&virt_lock);
	return (int32_t)slot1 - 1;
}

bool core_get_slot_brief(uint32_t slot, struct core_guest_info *info)
{
	struct guest_partition *prtn = NULL;
	paddr_t share_pa = pa_init(0);

	if (slot >= plan.slot_count || !slot_in_use(slot))
		return false;
	prtn = slot_prtn(slot);
	CHECK(prtn->magic == PRTN_MAGIC && prtn->slot == slot);

	share_pa = slot_share_pa(slot);
	memset(info, 0, sizeof(*info));
	info->id = prtn->id;
	info->slot = slot;
	info->shutting_down = prtn->shutting_down;
	info->runtime_initialized = prtn->runtime_initialized;
	info->refcount = refcount_val(&prtn->refc);
	info->table_pa = pa_add(plan.tables_pa, (uint64_t)slot * plan.table_size);
	info->bank_pa = share_pa;
	info->private_pa = pa_add(share_pa, plan.bank_size);
	info->private_va = prtn->private_va;
	info->heap_size = plan.heap_size;
	info->stacks_size = plan.stacks_size;
	info->ta_ram_size = plan.ta_ram_share;
	info->std_calls = prtn->std_calls;
	info->fast_calls = prtn->fast_calls;
	return true;
}

bool core_get_slot_info(uint32_t slot, struct core_guest_info *info)
{
	struct guest_partition *prtn = NULL;

	if (!core_get_slot_brief(slot, info))
		return false;
	prtn = slot_prtn(slot);

	/* Like the nexus, look inside the guest's bank from its partition. */
	if (prtn->runtime_initialized && !get_current_prtn()) {
		struct malloc_stats heap = { 0 };
		struct page_pool_stats ta = { 0 };
		struct ta_counts counts = { 0 };

		enter_prtn(prtn);
		guest_malloc_get_stats(&heap);
		ta_ram_get_stats(&ta);
		ta_get_counts(&counts);
		info->shm_registered = nsbuf_registered_count();
		info->threads_busy = thread_count_busy();
		info->threads_suspended = thread_count_suspended();
		info->mutex_contentions = mutex_contentions();
		info->storage_handles = tee_storage_open_handles();
		leave_prtn();
		info->heap_used = heap.allocated;
		info->heap_max_used = heap.max_allocated;
		info->ta_ram_used = ta.used;
		info->sessions = counts.sessions;
	}
	return true;
}
