/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef TEE_TEE_STORAGE_H
#define TEE_TEE_STORAGE_H

#include <stdint.h>

/* Persistent-object handles open in the current guest (all its TAs). */
uint32_t tee_storage_open_handles(void);

#endif /* TEE_TEE_STORAGE_H */
