/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Address-sanitizer shadow for the core's own allocators. In builds without
 * ASan these do nothing.
 */
#ifndef ARCH_ASAN_H
#define ARCH_ASAN_H

#include <stddef.h>

void arch_asan_poison(const void *addr, size_t size);
void arch_asan_unpoison(const void *addr, size_t size);

#endif /* ARCH_ASAN_H */
