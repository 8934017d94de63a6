// SPDX-License-Identifier: BSD-2-Clause

#include <kernel/panic.h>
#include <kernel/refcount.h>

bool refcount_inc(struct refcount *r)
{
	if (!r->val)
		return false;
	if (r->val == UINT32_MAX)
		panic("refcount overflow");
	r->val++;
	return true;
}

bool refcount_dec(struct refcount *r)
{
	if (!r->val)
		panic("refcount underflow");
	r->val--;
	return r->val == 0;
}
