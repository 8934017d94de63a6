/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Raw OP-TEE messages for tests of the secure side: an optee_msg_arg and
 * page lists written straight into non-secure RAM, the SMC, the results
 * read back. No hypervisor or driver in between: this is what a hostile
 * or buggy normal world could send.
 */
#ifndef TESTS_RAWMSG_H
#define TESTS_RAWMSG_H

#include <optee_msg.h>
#include <stdint.h>
#include <tee_api_types.h>

#define RAW_ARG_BYTES	4096

struct raw_arg {
	union {
		struct optee_msg_arg hdr;
		uint8_t bytes[RAW_ARG_BYTES];
	};
};

/* A page of non-secure RAM no other test helper hands out (bump). */
uint64_t raw_page(void);
/* Forget the pages handed out (a new machine). */
void raw_reset(void);

/* A zeroed arg for @cmd with @num_params params. */
void raw_init(struct raw_arg *a, uint32_t cmd, uint32_t num_params);

/* The open-session META params for @uuid, login PUBLIC. */
void raw_open(struct raw_arg *a, const TEE_UUID *uuid, uint32_t extra_params);

/* Write @a at @pa, CALL_WITH_ARG from @guest, read it back; returns a0. */
uint32_t raw_call_at(uint32_t guest, uint64_t pa, struct raw_arg *a);
/* The same at a fresh page. */
uint32_t raw_call(uint32_t guest, struct raw_arg *a);

/*
 * Put @len bytes of @data in non-secure RAM, scattered over fresh pages
 * that start at @offset in the first one, and build their page list.
 * Returns the tmem buf_ptr (list PA | offset); the data pages are in
 * @pages (up to @max) for reading back.
 */
uint64_t raw_buffer(const void *data, size_t len, size_t offset,
		    uint64_t *pages, size_t max);
/* Read back @len bytes of a raw_buffer(). */
void raw_buffer_read(const uint64_t *pages, size_t offset, void *out,
		     size_t len);

/* Open a session to @uuid from @guest; returns its ID (asserts success). */
uint32_t raw_open_session(uint32_t guest, const TEE_UUID *uuid);
/* Invoke @cmd with one VALUE_INOUT param; returns ret, value in/out @a. */
uint32_t raw_invoke_value(uint32_t guest, uint32_t session, uint32_t cmd,
			  uint32_t *a, uint32_t *origin);
uint32_t raw_close_session(uint32_t guest, uint32_t session);

#endif /* TESTS_RAWMSG_H */
