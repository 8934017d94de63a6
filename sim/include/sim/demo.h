/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef SIM_DEMO_H
#define SIM_DEMO_H

#include <stddef.h>
#include <stdio.h>

/* Run the demo story to @out. -1 with a one-line reason in @err. */
int nexsim_demo(FILE *out, char *err, size_t err_size);

#endif /* SIM_DEMO_H */
