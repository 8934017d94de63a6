/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A simulated machine: physical memory (one memfd per region, Arm-like
 * addresses), the secure world on top of core-shim, and the calls a
 * hypervisor makes to it. One process holds one machine at a time.
 */
#ifndef SIM_MACHINE_H
#define SIM_MACHINE_H

#include <shim/shim.h>
#include <sim/config.h>
#include <stdbool.h>
#include <stdint.h>

struct sim_machine {
	struct nexsim_config cfg;
	struct shim_phys_region regions[SHIM_MAX_REGIONS];
	size_t region_count;
	/* A bus master's view of each non-secure region (NULL: none). */
	uint8_t *bus[SHIM_MAX_REGIONS];
	bool running;
};

/* Create the memory and boot; -1 with a one-line reason in @err. */
int sim_machine_start(struct sim_machine *m, const struct nexsim_config *cfg,
		      char *err, size_t err_size);
/* Power-on reset: no guests, fresh nexus, same configuration. */
int sim_machine_reset(struct sim_machine *m, char *err, size_t err_size);
void sim_machine_stop(struct sim_machine *m);

/* Bytes of simulated RAM the host holds for region @name (0 if none). */
uint64_t sim_machine_resident(const struct sim_machine *m, const char *name);

/*
 * Read or write simulated physical memory (any region), as a bus master
 * would. Returns -1 if the range is not inside one region.
 */
int sim_phys_write(const struct sim_machine *m, uint64_t pa, const void *buf,
		   size_t len);
int sim_phys_read(const struct sim_machine *m, uint64_t pa, void *buf,
		  size_t len);

/* The hypervisor's fast calls (a7 = HYP_CLNT_ID), on core 0. */
uint32_t sim_vm_created(uint32_t guest_id);
uint32_t sim_vm_destroyed(uint32_t guest_id);

/* Region names */
#define SIM_REGION_TZDRAM	"tzdram"
#define SIM_REGION_NSEC_DDR	"nsec-ddr"

#endif /* SIM_MACHINE_H */
