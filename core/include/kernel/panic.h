/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <arch/panic.h>

/* Internal invariants only: input from another world gets an error code. */
#define panic(msg)	arch_panic(__FILE__, __LINE__, __func__, (msg))

#define CHECK(cond)							\
	do {								\
		if (!(cond))						\
			arch_panic(__FILE__, __LINE__, __func__,	\
				   "check failed: " #cond);		\
	} while (0)

#endif /* KERNEL_PANIC_H */
