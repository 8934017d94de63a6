/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Intermediate physical addresses: what a guest VM calls physical, before
 * the hypervisor's stage-2 translation. A type of its own, like paddr_t and
 * vaddr_t (arch/addr.h), so the three cannot be mixed without a word.
 */
#ifndef SIM_IPA_H
#define SIM_IPA_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
	uint64_t value;
} ipaddr_t;

static inline ipaddr_t ipa_init(uint64_t value)
{
	return (ipaddr_t){ .value = value };
}

static inline uint64_t ipa_addr(ipaddr_t ipa)
{
	return ipa.value;
}

static inline ipaddr_t ipa_add(ipaddr_t ipa, uint64_t offset)
{
	return ipa_init(ipa.value + offset);
}

#endif /* SIM_IPA_H */
