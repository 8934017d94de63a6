/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Non-secure buffers the core maps: a non-contiguous page list given in a
 * message (temporary, for one call) or registered with REGISTER_SHM (until
 * UNREGISTER_SHM). The registry is banked: a guest finds only the cookies
 * it registered itself.
 */
#ifndef TEE_NSBUF_H
#define TEE_NSBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tee/tee_result.h>

/* Pages one buffer may span: 256 MiB, far beyond any real driver's. */
#define NSBUF_MAX_PAGES		65536u

struct nsbuf {
	uint8_t *va;		/* the mapping, page aligned */
	size_t offset;		/* of the data in the first page */
	size_t size;
	size_t pages;
	uint64_t cookie;
	uint32_t users;		/* calls using a registered buffer now */
	bool registered;
	bool per_call;		/* mapped for one call (arch_nsec_map()) */
	struct nsbuf *next;
};

static inline void *nsbuf_data(const struct nsbuf *b)
{
	return b->va + b->offset;
}

/*
 * Map the buffer described by a NONCONTIG tmem (@buf_ptr: PA of the first
 * list page, its low 12 bits the data offset). @call_scoped: for the
 * running call only (a temporary memref, an RPC payload), not a
 * registration. Returns BAD_PARAMETERS for a malformed list or a page
 * that is not non-secure RAM.
 */
TEE_Result nsbuf_map_noncontig(uint64_t buf_ptr, uint64_t size,
			       uint64_t cookie, bool call_scoped,
			       struct nsbuf **out);
void nsbuf_unmap(struct nsbuf *b);
/* @b lives for the running call only (not a registered buffer). */
void nsbuf_note_call_scoped(struct nsbuf *b);

/* REGISTER_SHM / UNREGISTER_SHM and lookups by cookie. */
TEE_Result nsbuf_register(struct nsbuf *b);
TEE_Result nsbuf_unregister(uint64_t cookie);
struct nsbuf *nsbuf_get_registered(uint64_t cookie);
void nsbuf_put_registered(struct nsbuf *b);
uint32_t nsbuf_registered_count(void);

#endif /* TEE_NSBUF_H */
