/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef TEE_TEE_STORAGE_H
#define TEE_TEE_STORAGE_H

#include <stdint.h>

/* Persistent-object handles open in the current guest (all its TAs). */
uint32_t tee_storage_open_handles(void);

/*
 * The TA instance @inst is gone (destroyed, or dead of a panic): close the
 * handles it left open (GP: they do not outlive it). From its thread.
 */
void tee_storage_close_instance(const void *inst);

#endif /* TEE_TEE_STORAGE_H */
