/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A guest's OP-TEE driver, as Linux's (drivers/tee/optee, SMC ABI) behaves:
 * it checks the OS it talks to, negotiates capabilities (dynamic shared
 * memory is required), registers every shared buffer with the TEE as a
 * non-contiguous page list and passes it by reference (RMEM), and builds
 * each message argument in a page of the guest's own RAM.
 *
 * Guest memory is handed out by a small page allocator over the VM's RAM
 * (the guest kernel's). Client code reaches the driver through the GP
 * Client API (tee_client_api.h) of the selected VM.
 */
#ifndef SIM_GUEST_H
#define SIM_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sim/hyp.h>

struct drv_shm {
	uint64_t ipa;		/* first page, in the guest's RAM */
	size_t pages;
	size_t size;
	uint64_t cookie;	/* shm_ref, once registered */
	bool registered;
	struct drv_shm *next;
};

/* Parameter types as the driver takes them (the TEEC/ioctl values). */
#define DRV_PARAM_NONE		0u
#define DRV_PARAM_VALUE_INPUT	1u
#define DRV_PARAM_VALUE_OUTPUT	2u
#define DRV_PARAM_VALUE_INOUT	3u
#define DRV_PARAM_MEMREF_INPUT	5u
#define DRV_PARAM_MEMREF_OUTPUT	6u
#define DRV_PARAM_MEMREF_INOUT	7u

struct drv_param {
	uint32_t type;
	uint64_t a;		/* value a */
	uint64_t b;		/* value b */
	struct drv_shm *shm;	/* memref: NULL is a NULL memref */
	uint64_t offs;		/* memref: offset in @shm */
	uint64_t size;		/* memref: size, in and out */
};

struct supp;

struct guest_drv {
	struct vm *vm;
	struct supp *supp;		/* its tee-supplicant */
	struct drv_shm *rpc_args;	/* RPC_ALLOC buffers given to the TEE */
	uint64_t rpcs;			/* RPCs answered */
	uint32_t sec_caps;
	bool memref_null;
	uint8_t *page_used;
	uint64_t next_cookie;
	struct drv_shm *shms;
	uint64_t calls;
};

/* Find the TEE, check it, negotiate. 0, or -1 with a reason in @err. */
int guest_drv_probe(struct vm *vm, char *err, size_t err_size);
/*
 * The driver enables the TEE's RPC argument cache at probe, as Linux's
 * does: a thread keeps its RPC argument from call to call. This turns it
 * off again (the TEE hands back each cached argument, the driver frees
 * it), as Linux at removal. False if calls in flight kept it on (EBUSY).
 */
bool guest_drv_disable_shm_cache(struct vm *vm);
/* Drop the driver of a VM that is going away (frees its state only). */
void guest_drv_detach(struct vm *vm);

/* Guest RAM pages, as the guest kernel allocates them. 0 when none. */
uint64_t guest_pages_alloc(struct vm *vm, size_t pages);
void guest_pages_free(struct vm *vm, uint64_t ipa, size_t pages);
size_t guest_pages_in_use(const struct vm *vm);

/* Shared memory: guest pages, registered with the TEE. */
struct drv_shm *guest_shm_alloc(struct vm *vm, size_t size);
uint32_t guest_shm_register(struct vm *vm, struct drv_shm *shm,
			    uint32_t *origin);
void guest_shm_free(struct vm *vm, struct drv_shm *shm);
/* The page list of @shm in fresh guest pages: its IPA (0 if no memory). */
uint64_t guest_shm_page_list(struct vm *vm, const struct drv_shm *shm,
			     size_t *list_pages);

/*
 * The commands. Each returns the TEE_Result the client sees and the
 * origin of it; a failed SMC is COMMUNICATION from COMMS.
 */
uint32_t guest_open_session(struct vm *vm, const uint8_t uuid[16],
			    uint32_t login, const uint8_t client_uuid[16],
			    struct drv_param params[4], uint32_t *session,
			    uint32_t *origin);
uint32_t guest_invoke(struct vm *vm, uint32_t session, uint32_t func,
		      struct drv_param params[4], uint32_t *origin);
uint32_t guest_close_session(struct vm *vm, uint32_t session);
uint32_t guest_cancel(struct vm *vm, uint32_t session, uint32_t cancel_id);

/* The VM whose client code runs now (GP Client API calls go to it). */
void guest_select(struct vm *vm);
struct vm *guest_selected(void);

#endif /* SIM_GUEST_H */
