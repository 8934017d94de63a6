// SPDX-License-Identifier: BSD-2-Clause

#include <arch/entry.h>
#include <arch/platform.h>
#include <kernel/virtualization.h>
#include <trace.h>

enum core_boot_status core_boot(void)
{
	const struct arch_platform *plat = arch_get_platform();
	enum core_boot_status st = virt_init(plat);

	if (st) {
		EMSG("boot failed: %d", (int)st);
		return st;
	}
	IMSG("nexsim core on %s: %u cores, %u guests, %u threads per guest",
	     plat->name, (unsigned int)plat->core_count,
	     (unsigned int)plat->guest_count, (unsigned int)plat->thread_count);
	return CORE_BOOT_OK;
}
