// SPDX-License-Identifier: BSD-2-Clause
/* Banked ballast of BALLAST_BYTES, to measure switches of larger banks. */

#include <stddef.h>
#include <stdint.h>

uint8_t ballast_bss[BALLAST_BYTES];
uint32_t ballast_touch(void);

/* Touch one byte per page, as a core touching its state would. */
uint32_t ballast_touch(void)
{
	uint32_t sum = 0;
	size_t n = 0;

	for (n = 0; n < sizeof(ballast_bss); n += 4096)
		sum += ballast_bss[n]++;
	return sum;
}
