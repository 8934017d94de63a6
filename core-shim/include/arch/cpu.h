/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

/* Position of the simulated core that executes the current call. */
unsigned int arch_get_core_pos(void);

#endif /* ARCH_CPU_H */
