// SPDX-License-Identifier: BSD-2-Clause
/*
 * The banked and nexus sections as the linker laid them out
 * (nexsim-bank.ld), and their pristine images.
 *
 * Both images are taken by a constructor, before any core code has run.
 * From then on the bank is guarded: any access to it outside a guest
 * partition is an isolation violation.
 */

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "shim_internal.h"

static uint8_t *bank_pristine_image;
static uint8_t *nexus_pristine_image;

size_t bank_span(void)
{
	return (size_t)(__nexsim_bank_end - __nexsim_bank_start);
}

size_t bank_used(void)
{
	return (size_t)(__nexsim_bank_used_end - __nexsim_bank_start);
}

static size_t nexus_span(void)
{
	return (size_t)(__nexsim_nexus_end - __nexsim_nexus_start);
}

/*
 * ASan places redzones of banked globals inside the bank, so an
 * instrumented memcpy of a whole bank is reported as an overflow. This copy
 * is neither instrumented nor intercepted.
 */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RAW_NO_ASAN __attribute__((no_sanitize_address))
#endif
#endif
#if !defined(RAW_NO_ASAN) && defined(__SANITIZE_ADDRESS__)
#define RAW_NO_ASAN __attribute__((no_sanitize_address))
#endif
#ifndef RAW_NO_ASAN
#define RAW_NO_ASAN
#endif

RAW_NO_ASAN void shim_raw_copy(void *dst, const void *src, size_t len)
{
#if defined(__x86_64__)
	__asm__ volatile("rep movsb"
			 : "+D"(dst), "+S"(src), "+c"(len)
			 :
			 : "memory");
#else
	volatile uint8_t *d = dst;
	const volatile uint8_t *s = src;

	while (len--)
		*d++ = *s++;
#endif
}

static void *image_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("nexsim: pristine image");
		abort();
	}
	return p;
}

void bank_capture_pristine(void)
{
	if (bank_pristine_image)
		return;
	if (!bank_used()) {
		fputs("nexsim: the core has no banked state: was it linked "
		      "with nexsim-bank.ld?\n", stderr);
		abort();
	}
	bank_pristine_image = image_alloc(bank_span());
	shim_raw_copy(bank_pristine_image, __nexsim_bank_start, bank_span());
	if (nexus_span()) {
		nexus_pristine_image = image_alloc(nexus_span());
		shim_raw_copy(nexus_pristine_image, __nexsim_nexus_start,
			      nexus_span());
	}
}

const uint8_t *bank_pristine(void)
{
	return bank_pristine_image;
}

void nexus_restore_pristine(void)
{
	if (nexus_span())
		shim_raw_copy(__nexsim_nexus_start, nexus_pristine_image,
			      nexus_span());
}

void shim_get_sections(struct shim_sections *s)
{
	s->nexus_start = (uintptr_t)__nexsim_nexus_start;
	s->nexus_data_end = (uintptr_t)__nexsim_nexus_data_end;
	s->nexus_used_end = (uintptr_t)__nexsim_nexus_used_end;
	s->nexus_end = (uintptr_t)__nexsim_nexus_end;
	s->bank_start = (uintptr_t)__nexsim_bank_start;
	s->bank_data_end = (uintptr_t)__nexsim_bank_data_end;
	s->bank_used_end = (uintptr_t)__nexsim_bank_used_end;
	s->bank_end = (uintptr_t)__nexsim_bank_end;
	s->bank_symbols = symbols_objects_between(s->bank_start,
						  s->bank_used_end);
}

const char *shim_bank_toolchain_symbol(void)
{
	return symbols_find_toolchain_object((uintptr_t)__nexsim_bank_start,
					     (uintptr_t)__nexsim_bank_end);
}

const uint8_t *shim_bank_pristine(void)
{
	return bank_pristine_image;
}
