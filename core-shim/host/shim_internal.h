/* SPDX-License-Identifier: BSD-2-Clause */
/* Internal interfaces between the files of core-shim/host. */
#ifndef SHIM_INTERNAL_H
#define SHIM_INTERNAL_H

#include <arch/mmu.h>
#include <setjmp.h>
#include <shim/shim.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* bank.c: the link-time sections and their pristine images */
extern char __nexsim_nexus_start[], __nexsim_nexus_data_end[];
extern char __nexsim_nexus_used_end[], __nexsim_nexus_end[];
extern char __nexsim_bank_start[], __nexsim_bank_data_end[];
extern char __nexsim_bank_used_end[], __nexsim_bank_end[];

size_t bank_span(void);		/* page-rounded size of the bank */
size_t bank_used(void);		/* bytes of it holding objects */
void bank_capture_pristine(void);
const uint8_t *bank_pristine(void);
void nexus_restore_pristine(void);
/* Copy without sanitizer checks: banks hold ASan redzones. */
void shim_raw_copy(void *dst, const void *src, size_t len);

/* symbols.c: this executable's symbol table */
void symbols_load(void);
/* Name and offset of the object at @addr; false if none covers it. */
bool symbols_object_at(uintptr_t addr, const char **name, uintptr_t *offset);
size_t symbols_objects_between(uintptr_t start, uintptr_t end);
/* "function+0xoff (object)" for a code address. */
void symbols_describe_code(uintptr_t pc, char *buf, size_t size);
/* First toolchain-generated symbol found inside [start,end), or NULL. */
const char *symbols_find_toolchain_object(uintptr_t start, uintptr_t end);

/* mmu.c */
int mmu_machine_init(const struct shim_machine_params *p, char *err,
		     size_t err_size);
void mmu_machine_reset(void);
void mmu_machine_fini(void);
/* Re-apply the host state of core @core's partition (after a recovery). */
void mmu_reload_core(unsigned int core);
bool mmu_classify(uintptr_t addr, struct shim_violation *v);
/* A fault at @addr opened the active window (the access can be retried). */
bool mmu_open_on_demand(uintptr_t addr, void *ucontext);
/* The SMC @core runs now is a fast call (@fast), or not. */
void mmu_smc_kind(unsigned int core, bool fast);
int mmu_active_guest(unsigned int core);
struct arch_prtn *mmu_find_prtn(uint16_t guest_id);
uint64_t mmu_prtn_switches(const struct arch_prtn *prtn);
void mmu_activate_on(unsigned int core, struct arch_prtn *prtn);
void mmu_make_all_accessible(void);
/* The bank readable by any thread while idle, and guarded again. */
void mmu_expose_bank(void);
void mmu_cover_bank(void);
/* pkeys: every key of ours open, for host code running amid core code. */
void mmu_open_keys(void);
struct arch_prtn *mmu_current_prtn(void);
uint16_t mmu_prtn_guest_id(const struct arch_prtn *prtn);
struct nsmap;
struct nsmap **mmu_prtn_nsmaps(struct arch_prtn *prtn);
const struct shim_phys_region *mmu_region_of(uint64_t pa, uint64_t size,
					     bool secure);
/*
 * Copy @len bytes at offset @off of non-secure region @r (mmu_region_of())
 * through the MMU's view of it; false if there is none (mprotect), for
 * the caller to read it otherwise.
 */
bool mmu_nsec_read(const struct shim_phys_region *r, uint64_t off,
		   void *buf, size_t len);
/* Guard a new non-secure mapping of @owner as @owner's memory. */
void mmu_guard_nsec(void *va, size_t size, struct arch_prtn *owner);
/*
 * Map keys (pkeys, strict mapping only; see nsmap.c): protection keys lent
 * to single non-secure mappings. A key is open only for its mapping's
 * owner, while that owner is active and the mapping live. How many: what
 * guest windows leave (mmu.c, map_key_share()), within these bounds.
 */
#define NS_MAP_KEYS_MIN	2
#define NS_MAP_KEYS	8
/* How many there are (0: none, with mprotect or ns_map_cache). */
unsigned int mmu_mapkey_count(void);
/* Tag @va..@va+@size with map key @slot. */
void mmu_mapkey_tag(unsigned int slot, void *va, size_t size);
/* A mapping of @owner on map key @slot went live / was released. */
void mmu_mapkey_open(struct arch_prtn *owner, unsigned int slot);
void mmu_mapkey_close(struct arch_prtn *owner, unsigned int slot);
/* Park a released mapping: reachable from no partition (PROT_NONE). */
void mmu_park_nsec(void *va, size_t size);
/* Give a parked mapping back to @owner (as mmu_guard_nsec, opening if active). */
void mmu_unpark_nsec(void *va, size_t size, struct arch_prtn *owner);

/* ta_call.c: the open TA calls of a thread (or of a core, unthreaded) */
#define MAX_TA_DEPTH	4
struct ta_frames {
	jmp_buf env[MAX_TA_DEPTH];
	unsigned int depth;
};

void ta_call_reset(void);
void ta_call_tick(void);
/* TA calls open on @core (a fault inside one is the TA's). */
unsigned int ta_call_depth(unsigned int core);
/* Abandon the innermost TA call of @core as a panic. */
void ta_call_unwind(unsigned int core) __attribute__((noreturn));

/* thread_ctx.c */
struct ta_frames *ta_frames_of(unsigned int core);
/* A recovery is about to leave the thread @core runs, if any ... */
void thread_ctx_abandon(unsigned int core);
/* ... and has landed on the stack of that thread's entry. */
void thread_ctx_abandoned(void);
void thread_ctx_reset(void);

/* nsmap.c: non-secure mappings */
int nsmap_init(bool cache, char *err, size_t err_size);
void nsmap_fini(void);
void nsmap_release_all(struct arch_prtn *owner);
void nsmap_for_each(struct arch_prtn *owner,
		    void (*fn)(void *va, size_t size, void *arg), void *arg);
bool nsmap_classify(uintptr_t addr, struct shim_violation *v);
extern struct shim_stats shim_stats_counters;

/* machine.c */
unsigned int machine_current_core(void);
const struct shim_machine_params *machine_params(void);

/* fault.c */
void fault_install(void);
void fault_set_mode(enum shim_on_violation mode, bool quiet);
/* Recovery point of an SMC in END_CALL mode (a sigjmp_buf). */
void fault_arm_smc(void *env);
void fault_disarm_smc(void *env);

#endif /* SHIM_INTERNAL_H */
