// SPDX-License-Identifier: BSD-2-Clause
/*
 * The GP TEE Internal Core API subset for built-in TAs (nexsim's libutee).
 * Every call acts on the current session of the calling thread: its
 * instance heap, its instance data, its cancellation state.
 */

#include <arch/ta.h>
#include <kernel/panic.h>
#include <kernel/thread.h>
#include <kernel/virtualization.h>
#include <lib/string.h>
#include <mm/malloc.h>
#include <mm/page_pool.h>
#include <optee_msg.h>
#include <optee_rpc_cmd.h>
#include <tee/ta.h>
#include <tee_internal_api.h>
#include <trace.h>
#include <util.h>

/* The non-NULL pointer TEE_Malloc(0) returns (OP-TEE's). */
#define ZERO_SIZE_PTR	((void *)1)

static struct ta_session *current(void)
{
	struct ta_session *s = ta_current_session();

	/* GP calls outside TA code are a core bug. */
	CHECK(s);
	return s;
}

void TEE_Panic(TEE_Result panicCode)
{
	struct ta_session *s = ta_current_session();

	EMSG("TA %s: TEE_Panic(0x%x)", s ? ta_session_head(s)->name : "?",
	     (unsigned int)panicCode);
	arch_ta_panic();
}

static struct malloc_ctx *heap_of(struct ta_session *s)
{
	return ta_session_heap(s);
}

void *TEE_Malloc(size_t size, uint32_t hint)
{
	struct malloc_ctx *heap = NULL;
	void *p = NULL;

	thread_preempt_point(ARCH_PREEMPT_TA_API);
	heap = heap_of(current());
	/* OP-TEE: NO_FILL alone panics, NO_SHARE needs a heap nexsim lacks. */
	if (hint == TEE_MALLOC_NO_FILL)
		TEE_Panic(0);
	if (hint != TEE_MALLOC_FILL_ZERO &&
	    hint != TEE_USER_MEM_HINT_NO_FILL_ZERO)
		return NULL;
	if (!size)
		return ZERO_SIZE_PTR;
	p = heap ? malloc_ctx_alloc(heap, size, MALLOC_ALIGN) :
		   guest_malloc(size);
	if (p && hint == TEE_MALLOC_FILL_ZERO)
		memset(p, 0, size);
	return p;
}

void TEE_Free(void *buffer)
{
	struct malloc_ctx *heap = NULL;

	if (!buffer || buffer == ZERO_SIZE_PTR)
		return;
	heap = heap_of(current());
	if (heap)
		malloc_ctx_free(heap, buffer);
	else
		guest_free(buffer);
}

void *TEE_Realloc(void *buffer, size_t newSize)
{
	struct malloc_ctx *heap = heap_of(current());
	void *p = NULL;
	size_t old = 0;

	if (!buffer || buffer == ZERO_SIZE_PTR)
		return TEE_Malloc(newSize, TEE_MALLOC_FILL_ZERO);
	if (!newSize) {
		TEE_Free(buffer);
		return ZERO_SIZE_PTR;
	}
	if (!heap)
		return guest_realloc(buffer, newSize);
	/* Memory that grows is zero-filled. */
	old = malloc_ctx_size_of(heap, buffer);
	p = malloc_ctx_realloc(heap, buffer, newSize);
	if (p && newSize > old)
		memset((uint8_t *)p + old, 0, newSize - old);
	return p;
}

void TEE_MemMove(void *dest, const void *src, size_t size)
{
	memmove(dest, src, size);
}

int32_t TEE_MemCompare(const void *buffer1, const void *buffer2, size_t size)
{
	const uint8_t *a = buffer1;
	const uint8_t *b = buffer2;
	int32_t diff = 0;
	size_t n = 0;

	/* Constant time: every byte is looked at, whatever differs. */
	for (n = 0; n < size; n++) {
		int32_t d = (int32_t)a[n] - (int32_t)b[n];

		diff = diff ? diff : d;
	}
	return diff;
}

void TEE_MemFill(void *buff, uint32_t x, size_t size)
{
	memset(buff, (int)(x & 0xff), size);
}

void TEE_SetInstanceData(const void *instanceData)
{
	*ta_session_instance_data(current()) = instanceData;
}

const void *TEE_GetInstanceData(void)
{
	return *ta_session_instance_data(current());
}

bool TEE_GetCancellationFlag(void)
{
	bool *masked = NULL;
	bool *cancel = ta_session_cancel(current(), &masked);

	return *cancel && !*masked;
}

bool TEE_UnmaskCancellation(void)
{
	bool *masked = NULL;
	bool was = false;

	ta_session_cancel(current(), &masked);
	was = *masked;
	*masked = false;
	return was;
}

bool TEE_MaskCancellation(void)
{
	bool *masked = NULL;
	bool was = false;

	ta_session_cancel(current(), &masked);
	was = *masked;
	*masked = true;
	return was;
}

void TEE_GetSystemTime(TEE_Time *time)
{
	uint64_t ns = 0;

	thread_preempt_point(ARCH_PREEMPT_TA_API);
	ns = arch_time_ns();

	time->seconds = (uint32_t)(ns / 1000000000u);
	time->millis = (uint32_t)(ns / 1000000u % 1000u);
}

/* The normal world's clock, by RPC GET_TIME; a failure panics (GP). */
void TEE_GetREETime(TEE_Time *time)
{
	struct thread_param p;

	thread_preempt_point(ARCH_PREEMPT_TA_API);
	memset(&p, 0, sizeof(p));
	p.attr = OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT;
	if (thread_rpc_cmd(OPTEE_RPC_CMD_GET_TIME, 1, &p) ||
	    p.u.value.b >= 1000000000u || p.u.value.a > UINT32_MAX)
		TEE_Panic(TEE_ERROR_COMMUNICATION);
	time->seconds = (uint32_t)p.u.value.a;
	time->millis = (uint32_t)(p.u.value.b / 1000000u);
}

/*
 * The thread sleeps in the normal world (RPC SUSPEND, @timeout ms); a
 * cancellation seen before or after it ends the wait with CANCEL.
 */
TEE_Result TEE_Wait(uint32_t timeout)
{
	struct thread_param p;

	thread_preempt_point(ARCH_PREEMPT_TA_API);
	if (TEE_GetCancellationFlag())
		return TEE_ERROR_CANCEL;
	memset(&p, 0, sizeof(p));
	p.attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	p.u.value.a = timeout;
	if (thread_rpc_cmd(OPTEE_RPC_CMD_SUSPEND, 1, &p))
		TEE_Panic(TEE_ERROR_COMMUNICATION);
	return TEE_GetCancellationFlag() ? TEE_ERROR_CANCEL : TEE_SUCCESS;
}

/*
 * Deterministic randomness: a splitmix64 stream per guest (banked state),
 * seeded from the machine's seed and the guest ID.
 */
static uint64_t rng_state;
static bool rng_seeded;

static uint64_t rng_next(void)
{
	uint64_t z = 0;

	if (!rng_seeded) {
		rng_state = arch_random_seed() ^
			    ((uint64_t)virt_get_current_guest_id() << 48);
		rng_seeded = true;
	}
	z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void TEE_GenerateRandom(void *randomBuffer, size_t randomBufferLen)
{
	uint8_t *p = randomBuffer;

	while (randomBufferLen) {
		uint64_t v = rng_next();
		size_t n = MIN(randomBufferLen, sizeof(v));

		memcpy(p, &v, n);
		p += n;
		randomBufferLen -= n;
	}
}

void *nexsim_ta_ram_alloc(size_t size)
{
	(void)current();
	return ta_ram_alloc(size);
}

void nexsim_ta_ram_free(void *ptr)
{
	(void)current();
	ta_ram_free(ptr);
}

/* ---- properties ---- */

enum prop_type {
	PROP_BOOL,
	PROP_U32,
	PROP_STRING,
	PROP_UUID,
	PROP_IDENTITY,
};

struct prop_value {
	enum prop_type type;
	bool b;
	uint32_t u32;
	const char *str;
	TEE_UUID uuid;
	TEE_Identity identity;
};

static bool lookup(TEE_PropSetHandle set, const char *name,
		   struct prop_value *v)
{
	struct ta_session *s = current();
	const struct ta_head *ta = ta_session_head(s);

	memset(v, 0, sizeof(*v));
	if (set == TEE_PROPSET_CURRENT_TA) {
		if (!strcmp(name, "gpd.ta.appID")) {
			v->type = PROP_UUID;
			v->uuid = ta->uuid;
		} else if (!strcmp(name, "gpd.ta.singleInstance")) {
			v->b = ta->flags & TA_FLAG_SINGLE_INSTANCE;
		} else if (!strcmp(name, "gpd.ta.multiSession")) {
			v->b = ta->flags & TA_FLAG_MULTI_SESSION;
		} else if (!strcmp(name, "gpd.ta.instanceKeepAlive")) {
			v->b = ta->flags & TA_FLAG_INSTANCE_KEEP_ALIVE;
		} else if (!strcmp(name, "gpd.ta.dataSize")) {
			v->type = PROP_U32;
			v->u32 = (uint32_t)ta->data_size;
		} else if (!strcmp(name, "gpd.ta.stackSize")) {
			v->type = PROP_U32;
			v->u32 = (uint32_t)ta->stack_size;
		} else if (!strcmp(name, "gpd.ta.description")) {
			v->type = PROP_STRING;
			v->str = ta->name;
		} else {
			return false;
		}
		return true;
	}
	if (set == TEE_PROPSET_CURRENT_CLIENT) {
		if (!strcmp(name, "gpd.client.identity")) {
			v->type = PROP_IDENTITY;
			v->identity = *ta_session_client(s);
		} else if (!strcmp(name, "gpd.client.endian")) {
			v->type = PROP_U32;
		} else {
			return false;
		}
		return true;
	}
	if (set == TEE_PROPSET_TEE_IMPLEMENTATION) {
		if (!strcmp(name, "gpd.tee.apiversion")) {
			v->type = PROP_STRING;
			v->str = "1.3.1";
		} else if (!strcmp(name, "gpd.tee.description")) {
			v->type = PROP_STRING;
			v->str = "nexsim OP-TEE virtualization simulator";
		} else if (!strcmp(name, "gpd.tee.internalCore.version")) {
			v->type = PROP_U32;
			v->u32 = 0x01030100u;
		} else {
			return false;
		}
		return true;
	}
	return false;
}

/* Look up @name in @set as a property of @type. */
static TEE_Result get_typed(TEE_PropSetHandle set, const char *name,
			    enum prop_type type, struct prop_value *v)
{
	if (!lookup(set, name, v))
		return TEE_ERROR_ITEM_NOT_FOUND;
	return v->type == type ? TEE_SUCCESS : TEE_ERROR_BAD_FORMAT;
}

TEE_Result TEE_GetPropertyAsBool(TEE_PropSetHandle set, const char *name,
				 bool *value)
{
	struct prop_value v;
	TEE_Result res = get_typed(set, name, PROP_BOOL, &v);

	if (!res)
		*value = v.b;
	return res;
}

TEE_Result TEE_GetPropertyAsU32(TEE_PropSetHandle set, const char *name,
				uint32_t *value)
{
	struct prop_value v;
	TEE_Result res = get_typed(set, name, PROP_U32, &v);

	if (!res)
		*value = v.u32;
	return res;
}

TEE_Result TEE_GetPropertyAsUUID(TEE_PropSetHandle set, const char *name,
				 TEE_UUID *value)
{
	struct prop_value v;
	TEE_Result res = get_typed(set, name, PROP_UUID, &v);

	if (!res)
		*value = v.uuid;
	return res;
}

TEE_Result TEE_GetPropertyAsIdentity(TEE_PropSetHandle set, const char *name,
				     TEE_Identity *value)
{
	struct prop_value v;
	TEE_Result res = get_typed(set, name, PROP_IDENTITY, &v);

	if (!res)
		*value = v.identity;
	return res;
}

static int format_uuid(char *buf, size_t size, const TEE_UUID *u)
{
	return core_snprintf(buf, size,
			     "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
			     (unsigned int)u->timeLow, u->timeMid,
			     u->timeHiAndVersion, u->clockSeqAndNode[0],
			     u->clockSeqAndNode[1], u->clockSeqAndNode[2],
			     u->clockSeqAndNode[3], u->clockSeqAndNode[4],
			     u->clockSeqAndNode[5], u->clockSeqAndNode[6],
			     u->clockSeqAndNode[7]);
}

TEE_Result TEE_GetPropertyAsString(TEE_PropSetHandle set, const char *name,
				   char *valueBuffer, size_t *valueBufferLen)
{
	struct prop_value v;
	char text[64];
	size_t need = 0;

	if (!lookup(set, name, &v))
		return TEE_ERROR_ITEM_NOT_FOUND;
	switch (v.type) {
	case PROP_BOOL:
		core_snprintf(text, sizeof(text), "%s", v.b ? "true" : "false");
		break;
	case PROP_U32:
		core_snprintf(text, sizeof(text), "%u", (unsigned int)v.u32);
		break;
	case PROP_STRING:
		core_snprintf(text, sizeof(text), "%s", v.str);
		break;
	case PROP_UUID:
		format_uuid(text, sizeof(text), &v.uuid);
		break;
	case PROP_IDENTITY: {
		int n = core_snprintf(text, sizeof(text), "%u:",
				      (unsigned int)v.identity.login);

		format_uuid(text + n, sizeof(text) - (size_t)n,
			    &v.identity.uuid);
		break;
	}
	}
	need = strlen(text) + 1;
	if (*valueBufferLen < need) {
		*valueBufferLen = need;
		return TEE_ERROR_SHORT_BUFFER;
	}
	memcpy(valueBuffer, text, need);
	*valueBufferLen = need;
	return TEE_SUCCESS;
}
