/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef TESTS_CORE_PROBE_H
#define TESTS_CORE_PROBE_H

#include <stdint.h>

#define PROBE_DATA_INIT		0x1234abcdu
#define PROBE_STATIC_INIT	0x00c0ffeeu
#define PROBE_COUNTER_INIT	100u
#define PROBE_NEXUS_INIT	0x4e455855u
#define PROBE_ARRAY_SIZE	5000u

extern uint32_t probe_data;
extern uint32_t probe_bss;
extern uint32_t *probe_ptr;
extern uint8_t probe_array[PROBE_ARRAY_SIZE];
extern uint32_t probe_nexus;
extern uint32_t probe_nexus_bss;
extern uint32_t *const probe_const_ptr;

uint32_t probe_static_get(void);
void probe_static_set(uint32_t v);
uint32_t probe_counter_next(void);
void probe_write_bss(uint32_t v);
uint32_t probe_read_data(void);

#endif /* TESTS_CORE_PROBE_H */
