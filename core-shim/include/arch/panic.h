/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_PANIC_H
#define ARCH_PANIC_H

/*
 * Stop the secure world: an internal invariant of the core is broken. Never
 * used for bad input from outside the secure world.
 */
void arch_panic(const char *file, int line, const char *func, const char *msg)
	__attribute__((noreturn));

#endif /* ARCH_PANIC_H */
