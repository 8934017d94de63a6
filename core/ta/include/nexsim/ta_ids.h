/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * UUIDs and command IDs of nexsim's built-in TAs and pseudo-TA: the one
 * header both a TA and its clients include (as OP-TEE's examples do).
 * Plain constants only.
 */
#ifndef NEXSIM_TA_IDS_H
#define NEXSIM_TA_IDS_H

/* A UUID as GP's struct initialiser: { timeLow, timeMid, timeHi, { node } } */

/* OP-TEE's hello-world example TA */
#define TA_HELLO_WORLD_UUID \
	{ 0x8aaaf200, 0x2450, 0x11e4, \
	  { 0xab, 0xe2, 0x00, 0x02, 0xa5, 0xd5, 0xc5, 0x1b } }
#define TA_HELLO_WORLD_CMD_INC_VALUE	0	/* value inout: a += 1 */
#define TA_HELLO_WORLD_CMD_DEC_VALUE	1	/* value inout: a -= 1 */

/* Key/value store kept in the guest's TEE memory (single instance) */
#define TA_KV_STORE_UUID \
	{ 0x6e657873, 0x696d, 0x4b56, \
	  { 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01 } }
#define TA_KV_CMD_PUT		0	/* memref in key, memref in value */
#define TA_KV_CMD_GET		1	/* memref in key, memref out value */
#define TA_KV_CMD_DELETE	2	/* memref in key */
#define TA_KV_CMD_COUNT		3	/* value out: a = entries, b = bytes */
#define TA_KV_MAX_KEY		64
#define TA_KV_MAX_VALUE		4096

/* Stress TA: holds pages of the guest's TA RAM share */
#define TA_STRESS_UUID \
	{ 0x6e657873, 0x696d, 0x5354, \
	  { 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02 } }
#define TA_STRESS_CMD_HOLD	0	/* value in a = bytes; out b = bytes held */
#define TA_STRESS_CMD_RELEASE	1	/* release all */
#define TA_STRESS_CMD_HELD	2	/* value out: a = bytes held, b = blocks */

/* Panic TA: panics on command (one instance per session) */
#define TA_PANIC_UUID \
	{ 0x6e657873, 0x696d, 0x5041, \
	  { 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03 } }
#define TA_PANIC_CMD_PING	0	/* value inout: a += 1 */
#define TA_PANIC_CMD_PANIC	1	/* TEE_Panic(TA_PANIC_CODE) */
#define TA_PANIC_CODE		0x0badc0deu

/* Pseudo-TA with per-guest state, in the core */
#define PTA_GUEST_UUID \
	{ 0x6e657873, 0x696d, 0x5054, \
	  { 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04 } }
#define PTA_GUEST_CMD_ID	0	/* value out: a = caller's guest ID */
#define PTA_GUEST_CMD_COUNTER	1	/* value out: a = ++this guest's counter */
#define PTA_GUEST_CMD_STATS	2	/* value out: a = heap used, b = TA RAM used */
#define PTA_GUEST_CMD_SESSIONS	3	/* value out: a = sessions, b = shm registered */

/*
 * Secure storage TA: GP persistent objects on the guest's REE file system
 * (RPC FS to its supplicant), plus the calls that sleep or ask the normal
 * world (RPC SUSPEND, GET_TIME). One instance per session.
 */
#define TA_STORAGE_UUID \
	{ 0x6e657873, 0x696d, 0x5354, \
	  { 0x4f, 0x52, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05 } }
#define TA_STORAGE_CMD_WRITE	0	/* memref in id, memref in data */
#define TA_STORAGE_CMD_READ	1	/* memref in id, memref out data */
#define TA_STORAGE_CMD_DELETE	2	/* memref in id */
#define TA_STORAGE_CMD_RENAME	3	/* memref in id, memref in new id */
#define TA_STORAGE_CMD_APPEND	4	/* memref in id, memref in data */
#define TA_STORAGE_CMD_TRUNCATE	5	/* memref in id, value in a = size */
#define TA_STORAGE_CMD_SIZE	6	/* memref in id, value out a = size */
#define TA_STORAGE_CMD_REE_TIME	7	/* value out: a = s, b = ms */
#define TA_STORAGE_CMD_WAIT	8	/* value in a = ms; CANCEL if cancelled */
#define TA_STORAGE_CMD_COUNT	9	/* memref in id; value out a = ++count */
#define TA_STORAGE_CMD_TIME_LOOP	10 /* value in a = n: n REE times */
#define TA_STORAGE_CMD_CLOCK_LOOP	11 /* value in a = n: n system times */
#define TA_STORAGE_MAX_ID	64

#endif /* NEXSIM_TA_IDS_H */
