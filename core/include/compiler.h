/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef COMPILER_H
#define COMPILER_H

/*
 * Nexus state: always mapped, shared by every partition. Everything else
 * the core keeps in .data/.bss is banked, one copy per guest, by the link
 * rules of core-shim (nexsim-bank.ld).
 */
#define __nex_data	__attribute__((section(".nex_data")))
#define __nex_bss	__attribute__((section(".nex_bss")))

#define __noreturn	__attribute__((noreturn))
#define __unused	__attribute__((unused))
#define __maybe_unused	__attribute__((unused))
#define __packed	__attribute__((packed))
#define __aligned(x)	__attribute__((aligned(x)))
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define __must_check	__attribute__((warn_unused_result))

/*
 * Code that walks memory whose ASan shadow it manages itself (allocator
 * headers inside poisoned heap space).
 */
#if defined(__SANITIZE_ADDRESS__)
#define __no_asan	__attribute__((no_sanitize_address))
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define __no_asan	__attribute__((no_sanitize_address))
#endif
#endif
#ifndef __no_asan
#define __no_asan
#endif

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#endif /* COMPILER_H */
