/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The memory and string routines the core uses. They are the platform's
 * (OP-TEE has them in libutils); on the host they resolve to the C
 * library's, so the sanitizers see every copy the core makes.
 */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t len);
void *memmove(void *dst, const void *src, size_t len);
void *memset(void *dst, int value, size_t len);
int memcmp(const void *a, const void *b, size_t len);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

/* The core is built freestanding: let the compiler inline small copies. */
#define memcpy(d, s, n)		__builtin_memcpy((d), (s), (n))
#define memmove(d, s, n)	__builtin_memmove((d), (s), (n))
#define memset(d, v, n)		__builtin_memset((d), (v), (n))
#define memcmp(a, b, n)		__builtin_memcmp((a), (b), (n))

#endif /* LIB_STRING_H */
