/* SPDX-License-Identifier: BSD-2-Clause */
/* Test-only TAs: UUIDs and commands (shared by the TAs and the tests). */
#ifndef TESTS_PROBE_TA_H
#define TESTS_PROBE_TA_H

#define TA_API_PROBE_UUID \
	{ 0x74657374, 0x6170, 0x6931, \
	  { 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01 } }
#define TA_SOLO_UUID \
	{ 0x74657374, 0x736f, 0x6c6f, \
	  { 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02 } }

/* api_probe commands; each answers in value param 0 (a, b). */
#define PROBE_CMD_MALLOC_HINTS	0	/* a = 1 if every hint behaves */
#define PROBE_CMD_NO_FILL	1	/* TEE_Malloc(n, NO_FILL): panics */
#define PROBE_CMD_REALLOC	2	/* a = 1 if TEE_Realloc behaves */
#define PROBE_CMD_TIME		3	/* a = seconds, b = millis */
#define PROBE_CMD_RANDOM	4	/* a, b = 8 random bytes */
#define PROBE_CMD_PROPS		5	/* a = 1 if every property is right */
#define PROBE_CMD_CANCEL	6	/* a = flag masked, b = flag unmasked */
#define PROBE_CMD_KEEP_PTR	7	/* memref in: keep a pointer to it */
#define PROBE_CMD_USE_PTR	8	/* read through the kept pointer */
#define PROBE_CMD_MEMORY	9	/* a = 1 if MemCompare/MemFill/MemMove behave */
/* GP persistent-object rules, checked in the TA: a = first failed check
 * (0: none), b = checks passed. */
#define PROBE_CMD_STORAGE	10
/* Opens object "pan" and panics with it open. */
#define PROBE_CMD_STORAGE_PANIC	11
/*
 * TEE_GetPropertyAsString: value in a = the property set handle, memref
 * in = the name, memref out = the string (its size: the buffer length the
 * TA passes; on return, the length GP gives back).
 */
#define PROBE_CMD_PROP_STRING	12
/*
 * A misuse of the storage API that GP says panics the TA, with an object
 * open for writing: value in a = which (PROBE_MISUSE_*). Returns (SUCCESS)
 * only if the core let the misuse pass.
 */
#define PROBE_CMD_STORAGE_MISUSE	13
#define PROBE_MISUSE_FLAG		0	/* open with an unknown flag */
#define PROBE_MISUSE_LONG_ID		1	/* an ID of 65 bytes */
#define PROBE_MISUSE_HUGE_DATA		2	/* initial data past the end */
#define PROBE_MISUSE_READ		3	/* read without the READ right */
#define PROBE_MISUSE_WHENCE		4	/* seek from no known place */
#define PROBE_MISUSE_RENAME		5	/* rename without WRITE_META */
#define PROBE_MISUSE_CLOSED		6	/* a handle used after its close */
#define PROBE_MISUSE_FORGED		7	/* a handle that never was */
#define PROBE_MISUSE_COUNT		8

/* solo: a value in a = SOLO_OPEN_PANIC at open panics in OpenSession. */
#define SOLO_OPEN_PANIC		0x5010dead

#endif /* TESTS_PROBE_TA_H */
