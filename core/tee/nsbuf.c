// SPDX-License-Identifier: BSD-2-Clause
/*
 * Non-contiguous buffers: a list of page lists in non-secure memory, each
 * list page holding 511 page addresses and, last, the address of the next
 * list page. Every address is read once, copied out of non-secure memory
 * (arch_nsec_read(): no mapping of the list page); then the data pages
 * are mapped contiguously for the core.
 */

#include <arch/mmu.h>
#include <kernel/panic.h>
#include <kernel/thread.h>
#include <lib/string.h>
#include <mm/malloc.h>
#include <optee_msg.h>
#include <tee/nsbuf.h>
#include <trace.h>
#include <util.h>

static struct nsbuf *registered;

/* Entries read from a list page at a time (on the thread's stack). */
#define LIST_CHUNK	32u

/*
 * Read the data page addresses of a page list into @pages: each entry
 * once, copied out of non-secure memory (so the normal world cannot
 * change it under the core), with no mapping of the list page.
 */
static TEE_Result read_page_list(uint64_t list_pa, paddr_t *pages,
				 size_t count)
{
	const size_t per_page = OPTEE_MSG_NONCONTIG_ENTRIES_PER_PAGE;
	uint64_t chunk[LIST_CHUNK];
	size_t done = 0;

	while (done < count) {
		size_t in_page = MIN(count - done, per_page);
		size_t n = 0;

		if (list_pa & SMALL_PAGE_MASK)
			return TEE_ERROR_BAD_PARAMETERS;
		while (n < in_page) {
			size_t k = MIN(in_page - n, (size_t)LIST_CHUNK);
			size_t i = 0;

			if (!arch_nsec_read(pa_init(list_pa + n * 8u), chunk,
					    k * 8u))
				return TEE_ERROR_BAD_PARAMETERS;
			for (i = 0; i < k; i++)
				pages[done + n + i] = pa_init(chunk[i]);
			n += k;
		}
		done += in_page;
		/* The last entry of a list page: the next one. */
		if (done < count &&
		    !arch_nsec_read(pa_init(list_pa + per_page * 8u), &list_pa,
				    sizeof(list_pa)))
			return TEE_ERROR_BAD_PARAMETERS;
	}
	return TEE_SUCCESS;
}

TEE_Result nsbuf_map_noncontig(uint64_t buf_ptr, uint64_t size,
			       uint64_t cookie, bool call_scoped,
			       struct nsbuf **out)
{
	size_t offset = buf_ptr & SMALL_PAGE_MASK;
	uint64_t span = 0;
	size_t count = 0;
	paddr_t *pages = NULL;
	struct nsbuf *b = NULL;
	TEE_Result res = TEE_SUCCESS;

	/* A buffer has bytes, within the page budget of one buffer. */
	if (!size || ADD_OVERFLOW(size, (uint64_t)offset, &span) ||
	    span > (uint64_t)NSBUF_MAX_PAGES * SMALL_PAGE_SIZE)
		return TEE_ERROR_BAD_PARAMETERS;
	count = (size_t)ROUNDUP(span, (uint64_t)SMALL_PAGE_SIZE) /
		SMALL_PAGE_SIZE;

	pages = malloc(count * sizeof(*pages));
	b = calloc(1, sizeof(*b));
	if (!pages || !b) {
		res = TEE_ERROR_OUT_OF_MEMORY;
		goto out;
	}
	res = read_page_list(buf_ptr & ~(uint64_t)SMALL_PAGE_MASK, pages, count);
	if (res)
		goto out;
	b->per_call = call_scoped;
	b->va = arch_nsec_map(pages, count, b->per_call);
	if (!b->va) {
		res = TEE_ERROR_BAD_PARAMETERS;
		goto out;
	}
	b->offset = offset;
	b->size = (size_t)size;
	b->pages = count;
	b->cookie = cookie;
	*out = b;
	b = NULL;
out:
	free(pages);
	free(b);
	return res;
}

void nsbuf_note_call_scoped(struct nsbuf *b)
{
	thread_note_nsec_map(b->va, b->per_call);
}

void nsbuf_unmap(struct nsbuf *b)
{
	if (!b)
		return;
	CHECK(!b->registered);
	thread_forget_nsec_map(b->va);
	arch_nsec_unmap(b->va, b->per_call);
	free(b);
}

static struct nsbuf *find_registered(uint64_t cookie)
{
	struct nsbuf *b = NULL;

	for (b = registered; b; b = b->next)
		if (b->cookie == cookie)
			return b;
	return NULL;
}

TEE_Result nsbuf_register(struct nsbuf *b)
{
	/* A cookie names one buffer (OP-TEE would shadow the older one). */
	if (find_registered(b->cookie))
		return TEE_ERROR_BAD_PARAMETERS;
	b->registered = true;
	b->next = registered;
	registered = b;
	return TEE_SUCCESS;
}

TEE_Result nsbuf_unregister(uint64_t cookie)
{
	struct nsbuf **pp = &registered;
	struct nsbuf *b = NULL;

	while (*pp && (*pp)->cookie != cookie)
		pp = &(*pp)->next;
	b = *pp;
	if (!b)
		return TEE_ERROR_ITEM_NOT_FOUND;
	if (b->users)
		return TEE_ERROR_BUSY;
	*pp = b->next;
	b->registered = false;
	nsbuf_unmap(b);
	return TEE_SUCCESS;
}

struct nsbuf *nsbuf_get_registered(uint64_t cookie)
{
	struct nsbuf *b = find_registered(cookie);

	if (b)
		b->users++;
	return b;
}

void nsbuf_put_registered(struct nsbuf *b)
{
	CHECK(b->users);
	b->users--;
}

uint32_t nsbuf_registered_count(void)
{
	struct nsbuf *b = NULL;
	uint32_t n = 0;

	for (b = registered; b; b = b->next)
		n++;
	return n;
}
