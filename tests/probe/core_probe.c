// SPDX-License-Identifier: BSD-2-Clause
/*
 * Core-side probe for the banking tests: one global of every kind the
 * toolchain places differently, built like the core (libnexcore-probe.a,
 * so the link rules bank it). The tests read and write them from inside
 * and outside partitions and check what each guest sees.
 */

#include <compiler.h>
#include <stdint.h>
#include <tests/core_probe.h>

uint32_t probe_data = PROBE_DATA_INIT;		/* .data */
uint32_t probe_bss;				/* .bss */
static uint32_t probe_static = PROBE_STATIC_INIT;	/* file-local .data */
uint32_t *probe_ptr = &probe_data;		/* .data.rel.local in PIE */
uint8_t probe_array[PROBE_ARRAY_SIZE];		/* large .bss */
uint32_t probe_nexus __nex_data = PROBE_NEXUS_INIT;
uint32_t probe_nexus_bss __nex_bss;
/* Read-only after relocation: shared, never banked. */
uint32_t *const probe_const_ptr = &probe_data;

uint32_t probe_static_get(void)
{
	return probe_static;
}

void probe_static_set(uint32_t v)
{
	probe_static = v;
}

uint32_t probe_counter_next(void)
{
	static uint32_t counter = PROBE_COUNTER_INIT;	/* static local */

	return counter++;
}

void probe_write_bss(uint32_t v)
{
	WRITE_ONCE(probe_bss, v);
}

uint32_t probe_read_data(void)
{
	return READ_ONCE(probe_data);
}
