// SPDX-License-Identifier: BSD-2-Clause

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arch/console.h>
#include <sim/config.h>

#define KIB	UINT64_C(1024)
#define MIB	(UINT64_C(1024) * KIB)
#define GIB	(UINT64_C(1024) * MIB)

/*
 * OP-TEE's defaults (CFG_VIRT_GUEST_COUNT 2, CFG_CORE_NEX_HEAP_SIZE 16 KiB,
 * CFG_CORE_HEAP_SIZE 64 KiB, CFG_NUM_THREADS 2) on an Arm-like memory map.
 * Thread stacks are larger than OP-TEE's 8 KiB: they will hold host code.
 */
static const struct arch_platform default_platform = {
	.name = "default",
	.core_count = 1,
	.guest_count = 2,
	.thread_count = 2,
	.nex_heap_size = 16 * KIB,
	.heap_size = 64 * KIB,
	.thread_stack_size = 32 * KIB,
	.xlat_table_size = 4 * KIB,
	.tzdram_base = { 0x0e100000 },
	.tzdram_size = 0x00f00000,
	.tee_ram_size = 2 * MIB,
	.nsec_ddr_base = { 0x40000000 },
	.nsec_ddr_size = 1 * GIB,
	.implicit_guest_create = false,
	.random_seed = 0x6e657873696d0001ull,
	.os_revision_major = 4,
	.os_revision_minor = 10,
	.os_build_id = 0,
};

struct profile {
	const char *name;
	const char *summary;
	void (*apply)(struct arch_platform *p);
};

static void apply_default(struct arch_platform *p)
{
	(void)p;
}

/* OP-TEE's plat-vexpress flavor qemu_armv8a, as QEMU's virt machine. */
static void apply_qemu_v8(struct arch_platform *p)
{
	p->name = "qemu_v8";
	p->core_count = 4;		/* CFG_TEE_CORE_NB_CORE */
	p->tzdram_base.value = 0x0e100000;	/* CFG_TZDRAM_START */
	p->tzdram_size = 0x00f00000;		/* CFG_TZDRAM_SIZE */
	p->nsec_ddr_base.value = 0x40000000;	/* QEMU virt RAM */
	p->nsec_ddr_size = 1 * GIB;
}

static const struct profile profiles[] = {
	{ "default", "OP-TEE defaults, 1 core, TZDRAM 15 MiB at 0x0e100000",
	  apply_default },
	{ "qemu_v8", "QEMU virt (OP-TEE qemu_armv8a): 4 cores, TZDRAM 15 MiB "
		     "at 0x0e100000, DRAM at 0x40000000", apply_qemu_v8 },
};

const char *const *nexsim_profile_names(void)
{
	static const char *names[sizeof(profiles) / sizeof(profiles[0]) + 1];
	size_t n = 0;

	for (n = 0; n < sizeof(profiles) / sizeof(profiles[0]); n++)
		names[n] = profiles[n].name;
	names[n] = NULL;
	return names;
}

static const struct profile *find_profile(const char *name)
{
	size_t n = 0;

	for (n = 0; n < sizeof(profiles) / sizeof(profiles[0]); n++)
		if (!strcmp(profiles[n].name, name))
			return &profiles[n];
	return NULL;
}

const char *nexsim_profile_summary(const char *name)
{
	const struct profile *p = find_profile(name);

	return p ? p->summary : NULL;
}

int nexsim_config_profile(const char *name, struct nexsim_config *cfg,
			  char *err, size_t err_size)
{
	const struct profile *p = find_profile(name ? name : "default");

	if (!p) {
		snprintf(err, err_size,
			 "unknown profile '%s' (expected default or qemu_v8)",
			 name);
		return -1;
	}
	memset(cfg, 0, sizeof(*cfg));
	cfg->platform = default_platform;
	p->apply(&cfg->platform);
	cfg->guard = SHIM_GUARD_AUTO;
	cfg->bank_switch = SHIM_BANK_AUTO;
	cfg->on_violation = SHIM_VIOLATION_ABORT;
	cfg->console_level = ARCH_TRACE_ERROR;
	return 0;
}

void nexsim_config_place_nsec_ddr(struct nexsim_config *cfg)
{
	struct arch_platform *p = &cfg->platform;
	uint64_t tz_end = pa_addr(p->tzdram_base) + p->tzdram_size;
	uint64_t ns = pa_addr(p->nsec_ddr_base);

	if (tz_end > ns && pa_addr(p->tzdram_base) < ns + p->nsec_ddr_size)
		p->nsec_ddr_base = pa_init((tz_end + GIB - 1) & ~(GIB - 1));
}

int nexsim_parse_uint(const char *text, uint64_t min, uint64_t max,
		      uint64_t *value)
{
	char *end = NULL;
	unsigned long long v = 0;

	if (!text || !*text || *text == '-' || *text == '+' || *text == ' ')
		return -1;
	errno = 0;
	v = strtoull(text, &end, 0);
	if (errno || *end || v < min || v > max)
		return -1;
	*value = v;
	return 0;
}

int nexsim_parse_size(const char *text, uint64_t *value)
{
	static const struct {
		const char *suffix;
		uint64_t unit;
	} units[] = {
		{ "", 1 }, { "K", KIB }, { "KiB", KIB }, { "M", MIB },
		{ "MiB", MIB }, { "G", GIB }, { "GiB", GIB },
	};
	char *end = NULL;
	unsigned long long v = 0;
	size_t n = 0;

	if (!text || !*text || *text == '-' || *text == '+' || *text == ' ')
		return -1;
	errno = 0;
	v = strtoull(text, &end, 0);
	if (errno || end == text)
		return -1;
	for (n = 0; n < sizeof(units) / sizeof(units[0]); n++) {
		if (strcmp(end, units[n].suffix))
			continue;
		if (v > UINT64_MAX / units[n].unit)
			return -1;
		*value = v * units[n].unit;
		return 0;
	}
	return -1;
}

const char *nexsim_format_size(uint64_t bytes, char *buf, size_t size)
{
	if (bytes >= GIB && bytes % GIB == 0)
		snprintf(buf, size, "%" PRIu64 " GiB", bytes / GIB);
	else if (bytes >= MIB && bytes % MIB == 0)
		snprintf(buf, size, "%" PRIu64 " MiB", bytes / MIB);
	else if (bytes >= MIB)
		snprintf(buf, size, "%.2f MiB", (double)bytes / MIB);
	else if (bytes >= KIB && bytes % KIB == 0)
		snprintf(buf, size, "%" PRIu64 " KiB", bytes / KIB);
	else if (bytes >= KIB)
		snprintf(buf, size, "%.1f KiB", (double)bytes / KIB);
	else
		snprintf(buf, size, "%" PRIu64 " B", bytes);
	return buf;
}
