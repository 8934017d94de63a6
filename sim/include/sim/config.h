/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Runtime configuration of a simulated machine: a named platform profile
 * (OP-TEE's CFG_* values for a known platform) plus the simulator's own
 * choices (guards, bank switching, what a violation does).
 */
#ifndef SIM_CONFIG_H
#define SIM_CONFIG_H

#include <arch/platform.h>
#include <shim/shim.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nexsim_config {
	struct arch_platform platform;
	enum shim_guard guard;
	enum shim_bank_switch bank_switch;
	enum shim_on_violation on_violation;
	int console_level;
	bool quiet_violations;
	bool ns_map_cache;	/* see struct shim_machine_params */
	enum shim_scrub scrub;	/* see struct shim_machine_params */
	bool eager_windows;	/* see struct shim_machine_params */
};

/* Fill @cfg from profile @name; -1 and a message if there is none. */
int nexsim_config_profile(const char *name, struct nexsim_config *cfg,
			  char *err, size_t err_size);

/*
 * Move non-secure DRAM above TZDRAM when a TZDRAM grown for many guests
 * reaches it (the two never overlap on a real board).
 */
void nexsim_config_place_nsec_ddr(struct nexsim_config *cfg);

/* NULL-terminated list of profile names, the default first. */
const char *const *nexsim_profile_names(void);
/* One-line description of a profile. */
const char *nexsim_profile_summary(const char *name);

/*
 * Parse a size: decimal or 0x-hex, with an optional K/KiB, M/MiB, G/GiB
 * suffix. Returns -1 on anything else or on overflow.
 */
int nexsim_parse_size(const char *text, uint64_t *value);
/* Parse an unsigned integer in [@min, @max]; -1 if not one. */
int nexsim_parse_uint(const char *text, uint64_t min, uint64_t max,
		      uint64_t *value);
/* "64 KiB", "6.3 MiB": a size for humans, into @buf. */
const char *nexsim_format_size(uint64_t bytes, char *buf, size_t size);

#endif /* SIM_CONFIG_H */
