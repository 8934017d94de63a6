// SPDX-License-Identifier: BSD-2-Clause

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sim/machine.h>
#include <sim/sched.h>

/* OP-TEE's SMC function IDs the hypervisor uses here. */
#define SMC_VM_CREATED		0xb200000du
#define SMC_VM_DESTROYED	0xb200000eu
#define HYP_CLNT_ID		0u

static int add_region(struct sim_machine *m, const char *name, paddr_t base,
		      uint64_t size, bool secure, char *err, size_t err_size)
{
	struct shim_phys_region *r = &m->regions[m->region_count];
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd < 0 || ftruncate(fd, (off_t)size)) {
		snprintf(err, err_size, "cannot create %s memory (%llu bytes): %s",
			 name, (unsigned long long)size, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	r->name = name;
	r->base = base;
	r->size = size;
	r->fd = fd;
	r->secure = secure;
	/*
	 * Non-secure memory is written and read by the normal world all the
	 * time (fuzz targets, tests): through a mapping, not a system call.
	 */
	m->bus[m->region_count] = NULL;
	if (!secure) {
		void *va = mmap(NULL, size, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_NORESERVE, fd, 0);

		if (va != MAP_FAILED)
			m->bus[m->region_count] = va;
	}
	m->region_count++;
	return 0;
}

static void close_regions(struct sim_machine *m)
{
	size_t n = 0;

	for (n = 0; n < m->region_count; n++) {
		if (m->bus[n])
			munmap(m->bus[n], m->regions[n].size);
		m->bus[n] = NULL;
		close(m->regions[n].fd);
	}
	m->region_count = 0;
}

int sim_machine_start(struct sim_machine *m, const struct nexsim_config *cfg,
		      char *err, size_t err_size)
{
	const struct arch_platform *plat = &cfg->platform;
	struct shim_machine_params params;

	memset(m, 0, sizeof(*m));
	m->cfg = *cfg;
	if (add_region(m, SIM_REGION_TZDRAM, plat->tzdram_base,
		       plat->tzdram_size, true, err, err_size) ||
	    add_region(m, SIM_REGION_NSEC_DDR, plat->nsec_ddr_base,
		       plat->nsec_ddr_size, false, err, err_size)) {
		close_regions(m);
		return -1;
	}

	memset(&params, 0, sizeof(params));
	params.platform = m->cfg.platform;
	memcpy(params.regions, m->regions, sizeof(m->regions));
	params.region_count = m->region_count;
	params.guard = cfg->guard;
	params.bank_switch = cfg->bank_switch;
	params.on_violation = cfg->on_violation;
	params.console_level = cfg->console_level;
	params.quiet_violations = cfg->quiet_violations;
	params.ns_map_cache = cfg->ns_map_cache;
	params.scrub = cfg->scrub;
	params.eager_windows = cfg->eager_windows;
	if (shim_machine_create(&params, err, err_size)) {
		close_regions(m);
		return -1;
	}
	m->running = true;
	return 0;
}

int sim_machine_reset(struct sim_machine *m, char *err, size_t err_size)
{
	if (!m->running) {
		snprintf(err, err_size, "machine is not running");
		return -1;
	}
	return shim_machine_reset(err, err_size);
}

void sim_machine_stop(struct sim_machine *m)
{
	if (!m->running)
		return;
	shim_machine_destroy();
	close_regions(m);
	m->running = false;
}

uint64_t sim_machine_resident(const struct sim_machine *m, const char *name)
{
	struct stat st;
	size_t n = 0;

	for (n = 0; n < m->region_count; n++) {
		if (strcmp(m->regions[n].name, name))
			continue;
		if (fstat(m->regions[n].fd, &st))
			return 0;
		return (uint64_t)st.st_blocks * 512u;
	}
	return 0;
}

static const struct shim_phys_region *region_for(const struct sim_machine *m,
						uint64_t pa, size_t len)
{
	size_t n = 0;

	for (n = 0; n < m->region_count; n++) {
		const struct shim_phys_region *r = &m->regions[n];
		uint64_t base = pa_addr(r->base);

		if (pa >= base && len <= r->size && pa - base <= r->size - len)
			return r;
	}
	return NULL;
}

int sim_phys_write(const struct sim_machine *m, uint64_t pa, const void *buf,
		   size_t len)
{
	const struct shim_phys_region *r = region_for(m, pa, len);
	uint8_t *bus = r ? m->bus[r - m->regions] : NULL;

	if (bus) {
		memcpy(bus + (pa - pa_addr(r->base)), buf, len);
		return 0;
	}
	if (!r)
		return -1;
	if (r->secure)
		shim_secure_ram_written();
	if (pwrite(r->fd, buf, len, (off_t)(pa - pa_addr(r->base))) !=
	    (ssize_t)len)
		return -1;
	return 0;
}

int sim_phys_read(const struct sim_machine *m, uint64_t pa, void *buf,
		  size_t len)
{
	const struct shim_phys_region *r = region_for(m, pa, len);
	uint8_t *bus = r ? m->bus[r - m->regions] : NULL;

	if (bus) {
		memcpy(buf, bus + (pa - pa_addr(r->base)), len);
		return 0;
	}
	if (!r || pread(r->fd, buf, len, (off_t)(pa - pa_addr(r->base))) !=
			  (ssize_t)len)
		return -1;
	return 0;
}

uint32_t sim_vm_created(uint32_t guest_id)
{
	struct shim_regs r;

	shim_smc_args(sched_core_get(), &r, SMC_VM_CREATED, guest_id, 0, 0,
		      HYP_CLNT_ID);
	sched_core_put();
	return (uint32_t)r.x[0];
}

uint32_t sim_vm_destroyed(uint32_t guest_id)
{
	struct shim_regs r;

	shim_smc_args(sched_core_get(), &r, SMC_VM_DESTROYED, guest_id, 0, 0,
		      HYP_CLNT_ID);
	sched_core_put();
	return (uint32_t)r.x[0];
}
