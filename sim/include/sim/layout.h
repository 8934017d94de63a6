/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef SIM_LAYOUT_H
#define SIM_LAYOUT_H

#include <stdio.h>

#include <sim/machine.h>

/* Print the memory map of running machine @m to @out. */
int nexsim_print_layout(FILE *out, const struct sim_machine *m);

#endif /* SIM_LAYOUT_H */
