// SPDX-License-Identifier: BSD-2-Clause
/* The test suite's own TAs, found by the core next to the built-in ones. */

#include <stddef.h>
#include <tee/ta.h>

extern const struct ta_head api_probe_ta_head;
extern const struct ta_head solo_ta_head;

const struct ta_head *const ta_extra_registry[] = {
	&api_probe_ta_head,
	&solo_ta_head,
	NULL,
};
