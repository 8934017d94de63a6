// SPDX-License-Identifier: BSD-2-Clause

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nexsim/ta_ids.h>
#include <sim/catalog.h>

static const struct ta_cmd_name hello_cmds[] = {
	{ "inc", TA_HELLO_WORLD_CMD_INC_VALUE },
	{ "dec", TA_HELLO_WORLD_CMD_DEC_VALUE },
	{ NULL, 0 },
};

static const struct ta_cmd_name kv_cmds[] = {
	{ "put", TA_KV_CMD_PUT },
	{ "get", TA_KV_CMD_GET },
	{ "delete", TA_KV_CMD_DELETE },
	{ "count", TA_KV_CMD_COUNT },
	{ NULL, 0 },
};

static const struct ta_cmd_name stress_cmds[] = {
	{ "hold", TA_STRESS_CMD_HOLD },
	{ "release", TA_STRESS_CMD_RELEASE },
	{ "held", TA_STRESS_CMD_HELD },
	{ NULL, 0 },
};

static const struct ta_cmd_name panic_cmds[] = {
	{ "ping", TA_PANIC_CMD_PING },
	{ "panic", TA_PANIC_CMD_PANIC },
	{ NULL, 0 },
};

static const struct ta_cmd_name storage_cmds[] = {
	{ "write", TA_STORAGE_CMD_WRITE },
	{ "read", TA_STORAGE_CMD_READ },
	{ "delete", TA_STORAGE_CMD_DELETE },
	{ "rename", TA_STORAGE_CMD_RENAME },
	{ "append", TA_STORAGE_CMD_APPEND },
	{ "truncate", TA_STORAGE_CMD_TRUNCATE },
	{ "size", TA_STORAGE_CMD_SIZE },
	{ "ree-time", TA_STORAGE_CMD_REE_TIME },
	{ "wait", TA_STORAGE_CMD_WAIT },
	{ "count", TA_STORAGE_CMD_COUNT },
	{ "time-loop", TA_STORAGE_CMD_TIME_LOOP },
	{ "clock-loop", TA_STORAGE_CMD_CLOCK_LOOP },
	{ NULL, 0 },
};

static const struct ta_cmd_name guest_cmds[] = {
	{ "id", PTA_GUEST_CMD_ID },
	{ "counter", PTA_GUEST_CMD_COUNTER },
	{ "stats", PTA_GUEST_CMD_STATS },
	{ "sessions", PTA_GUEST_CMD_SESSIONS },
	{ NULL, 0 },
};

static const struct ta_info catalog[] = {
	{ "hello_world", "hello", TA_HELLO_WORLD_UUID, hello_cmds },
	{ "kv_store", "kv", TA_KV_STORE_UUID, kv_cmds },
	{ "stress", "stress", TA_STRESS_UUID, stress_cmds },
	{ "panic_ta", "panic", TA_PANIC_UUID, panic_cmds },
	{ "storage", "storage", TA_STORAGE_UUID, storage_cmds },
	{ "guest.pta", "guest", PTA_GUEST_UUID, guest_cmds },
};

int catalog_parse_uuid(const char *t, TEEC_UUID *u)
{
	unsigned int v[11] = { 0 };
	int n = 0;
	int k = 0;

	if (strlen(t) != 36 ||
	    sscanf(t, "%8x-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x%n", &v[0], &v[1],
		   &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9],
		   &v[10], &n) != 11 || n != 36)
		return -1;
	u->timeLow = v[0];
	u->timeMid = (uint16_t)v[1];
	u->timeHiAndVersion = (uint16_t)v[2];
	for (k = 0; k < 8; k++)
		u->clockSeqAndNode[k] = (uint8_t)v[3 + k];
	return 0;
}

const struct ta_info *catalog_find(const char *name, TEEC_UUID *uuid)
{
	size_t n = 0;

	for (n = 0; n < sizeof(catalog) / sizeof(catalog[0]); n++) {
		if (!strcmp(name, catalog[n].name) ||
		    !strcmp(name, catalog[n].alias)) {
			*uuid = catalog[n].uuid;
			return &catalog[n];
		}
	}
	if (!catalog_parse_uuid(name, uuid)) {
		for (n = 0; n < sizeof(catalog) / sizeof(catalog[0]); n++)
			if (!memcmp(&catalog[n].uuid, uuid, sizeof(*uuid)))
				return &catalog[n];
	}
	return NULL;
}

int catalog_cmd(const struct ta_info *ta, const char *name, uint32_t *id)
{
	char *end = NULL;
	unsigned long v = 0;
	size_t n = 0;

	for (n = 0; ta && ta->cmds[n].name; n++) {
		if (!strcmp(ta->cmds[n].name, name)) {
			*id = ta->cmds[n].id;
			return 0;
		}
	}
	v = strtoul(name, &end, 0);
	if (!*name || *end || v > 0xffffffffu)
		return -1;
	*id = (uint32_t)v;
	return 0;
}

static const struct {
	const char *name;
	uint32_t value;
} results[] = {
	{ "SUCCESS", 0x00000000 }, { "GENERIC", 0xffff0000 },
	{ "ACCESS_DENIED", 0xffff0001 }, { "CANCEL", 0xffff0002 },
	{ "ACCESS_CONFLICT", 0xffff0003 }, { "EXCESS_DATA", 0xffff0004 },
	{ "BAD_FORMAT", 0xffff0005 }, { "BAD_PARAMETERS", 0xffff0006 },
	{ "BAD_STATE", 0xffff0007 }, { "ITEM_NOT_FOUND", 0xffff0008 },
	{ "NOT_IMPLEMENTED", 0xffff0009 }, { "NOT_SUPPORTED", 0xffff000a },
	{ "NO_DATA", 0xffff000b }, { "OUT_OF_MEMORY", 0xffff000c },
	{ "BUSY", 0xffff000d }, { "COMMUNICATION", 0xffff000e },
	{ "SECURITY", 0xffff000f }, { "SHORT_BUFFER", 0xffff0010 },
	{ "EXTERNAL_CANCEL", 0xffff0011 }, { "OVERFLOW", 0xffff300f },
	{ "TARGET_DEAD", 0xffff3024 }, { "STORAGE_NO_SPACE", 0xffff3041 },
};

const char *result_name(uint32_t res)
{
	size_t n = 0;

	for (n = 0; n < sizeof(results) / sizeof(results[0]); n++)
		if (results[n].value == res)
			return results[n].name;
	return "?";
}

int result_parse(const char *text, uint32_t *res)
{
	char *end = NULL;
	unsigned long v = 0;
	size_t n = 0;

	for (n = 0; n < sizeof(results) / sizeof(results[0]); n++) {
		if (!strcmp(results[n].name, text)) {
			*res = results[n].value;
			return 0;
		}
	}
	v = strtoul(text, &end, 0);
	if (!*text || *end || v > 0xffffffffu)
		return -1;
	*res = (uint32_t)v;
	return 0;
}

static const char *const origins[] = { "?", "API", "COMMS", "TEE", "TA" };

const char *origin_name(uint32_t origin)
{
	return origin < 5 ? origins[origin] : "?";
}

int origin_parse(const char *text, uint32_t *origin)
{
	uint32_t n = 0;

	for (n = 1; n < 5; n++) {
		if (!strcmp(text, origins[n])) {
			*origin = n;
			return 0;
		}
	}
	return -1;
}

void catalog_uuid_octets(const TEEC_UUID *u, uint8_t o[16])
{
	o[0] = (uint8_t)(u->timeLow >> 24);
	o[1] = (uint8_t)(u->timeLow >> 16);
	o[2] = (uint8_t)(u->timeLow >> 8);
	o[3] = (uint8_t)u->timeLow;
	o[4] = (uint8_t)(u->timeMid >> 8);
	o[5] = (uint8_t)u->timeMid;
	o[6] = (uint8_t)(u->timeHiAndVersion >> 8);
	o[7] = (uint8_t)u->timeHiAndVersion;
	memcpy(o + 8, u->clockSeqAndNode, 8);
}
