/* SPDX-License-Identifier: BSD-2-Clause */
/* The built-in TAs by name, for scripts and the demo. */
#ifndef SIM_CATALOG_H
#define SIM_CATALOG_H

#include <stdint.h>

#include <tee_client_api.h>

struct ta_cmd_name {
	const char *name;
	uint32_t id;
};

struct ta_info {
	const char *name;
	const char *alias;
	TEEC_UUID uuid;
	const struct ta_cmd_name *cmds;		/* NULL-name terminated */
};

/* By name, alias or UUID text; NULL if unknown (fills @uuid for UUIDs). */
const struct ta_info *catalog_find(const char *name, TEEC_UUID *uuid);
/* Command @name of @ta, or a number; -1 if neither. */
int catalog_cmd(const struct ta_info *ta, const char *name, uint32_t *id);
int catalog_parse_uuid(const char *text, TEEC_UUID *uuid);
/* @u as the 16 octets of RFC 4122 order that OP-TEE's messages carry. */
void catalog_uuid_octets(const TEEC_UUID *u, uint8_t o[16]);

/* Names of TEE_Result values and origins, for reports. */
const char *result_name(uint32_t res);
int result_parse(const char *text, uint32_t *res);
const char *origin_name(uint32_t origin);
int origin_parse(const char *text, uint32_t *origin);

#endif /* SIM_CATALOG_H */
