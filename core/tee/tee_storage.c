// SPDX-License-Identifier: BSD-2-Clause
/*
 * GP persistent objects (data objects) on the REE file system of the
 * guest's supplicant, reached with RPC FS commands. Each object is one
 * file, "<TA UUID>/<object ID in hex>", holding a 16-byte header (magic,
 * version, data size) and then the data. The supplicant is per guest, so
 * one guest's objects are out of every other guest's reach; the UUID in
 * the name keeps TAs of one guest apart.
 *
 * Unlike OP-TEE's REE FS, nothing is encrypted or authenticated here: the
 * normal world can read and change the files. Whatever it answers is
 * still checked (a bad header is CORRUPT_OBJECT, never a crash).
 *
 * The handles and the open-object list are banked (per guest) and guarded
 * by storage_mutex, held across the RPCs of one operation: two calls of a
 * guest that use storage at once contend on it. A normal world that will
 * not let a thread sleep on it gets STORAGE_NOT_AVAILABLE.
 */

#include <kernel/mutex.h>
#include <kernel/panic.h>
#include <kernel/thread.h>
#include <lib/string.h>
#include <mm/malloc.h>
#include <optee_msg.h>
#include <optee_rpc_cmd.h>
#include <tee/nsbuf.h>
#include <tee/ta.h>
#include <tee/tee_storage.h>
#include <tee_internal_api.h>
#include <trace.h>
#include <util.h>

#define HANDLE_MAGIC	0x706f626au	/* "pobj" */
#define FILE_MAGIC	0x6e787330u	/* "nxs0" */
#define FILE_VERSION	1u
#define HDR_SIZE	16u
/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx/" + 2 hex digits per ID byte */
#define NAME_MAX_LEN	(37u + 2u * TEE_OBJECT_ID_MAX_LEN)

#define OPEN_FLAGS	(TEE_DATA_FLAG_ACCESS_READ | \
			 TEE_DATA_FLAG_ACCESS_WRITE | \
			 TEE_DATA_FLAG_ACCESS_WRITE_META | \
			 TEE_DATA_FLAG_SHARE_READ | TEE_DATA_FLAG_SHARE_WRITE)
#define SHARE_FLAGS	(TEE_DATA_FLAG_SHARE_READ | TEE_DATA_FLAG_SHARE_WRITE)

struct __TEE_ObjectHandle {
	uint32_t magic;
	uint32_t flags;
	bool orphan;		/* closed by its TA, its file not yet */
	uint64_t fd;
	uint64_t pos;
	char name[NAME_MAX_LEN + 1];
	TEE_UUID uuid;		/* of the TA that opened it */
	const void *inst;	/* ... and its instance */
	struct __TEE_ObjectHandle *next;
};

static struct __TEE_ObjectHandle *handles;
static struct mutex storage_mutex = MUTEX_INITIALIZER;

/* ---- the REE file system, through RPCs ---- */

static TEE_Result fs_result(TEE_Result res)
{
	switch (res) {
	case TEE_SUCCESS:
	case TEE_ERROR_ITEM_NOT_FOUND:
	case TEE_ERROR_ACCESS_CONFLICT:
	case TEE_ERROR_STORAGE_NO_SPACE:
	case TEE_ERROR_OUT_OF_MEMORY:
		return res;
	default:
		return TEE_ERROR_STORAGE_NOT_AVAILABLE;
	}
}

static void set_value(struct thread_param *p, uint32_t attr, uint64_t a,
		      uint64_t b, uint64_t c)
{
	memset(p, 0, sizeof(*p));
	p->attr = attr;
	p->u.value.a = a;
	p->u.value.b = b;
	p->u.value.c = c;
}

static void set_memref(struct thread_param *p, uint32_t attr,
		       const struct nsbuf *b, size_t offs, size_t size)
{
	memset(p, 0, sizeof(*p));
	p->attr = attr;
	p->u.memref.cookie = b->cookie;
	p->u.memref.offs = offs;
	p->u.memref.size = size;
}

/* OPEN or CREATE of @name; the descriptor in @fd. */
static TEE_Result fs_open(const char *name, bool create, uint64_t *fd)
{
	size_t len = strlen(name);
	struct nsbuf *b = thread_rpc_shm_cache_alloc(len);
	struct thread_param p[3];
	TEE_Result res = TEE_SUCCESS;

	if (!b)
		return TEE_ERROR_OUT_OF_MEMORY;
	memcpy(nsbuf_data(b), name, len);
	set_value(&p[0], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT,
		  create ? OPTEE_RPC_FS_CREATE : OPTEE_RPC_FS_OPEN, 0, 0);
	set_memref(&p[1], OPTEE_MSG_ATTR_TYPE_RMEM_INPUT, b, 0, len);
	set_value(&p[2], OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0, 0, 0);
	res = fs_result(thread_rpc_cmd(OPTEE_RPC_CMD_FS, 3, p));
	*fd = p[2].u.value.a;
	return res;
}

static void fs_close(uint64_t fd)
{
	struct thread_param p;

	set_value(&p, OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, OPTEE_RPC_FS_CLOSE, fd,
		  0);
	thread_rpc_cmd(OPTEE_RPC_CMD_FS, 1, &p);
}

/* READ (@out) or WRITE (@in) of @len bytes at @offs of the file. */
static TEE_Result fs_rw(uint64_t fd, uint64_t offs, void *out,
			const void *in, size_t len, size_t *done)
{
	struct nsbuf *b = NULL;
	struct thread_param p[2];
	TEE_Result res = TEE_SUCCESS;

	*done = 0;
	if (!len)
		return TEE_SUCCESS;
	b = thread_rpc_shm_cache_alloc(len);
	if (!b)
		return TEE_ERROR_OUT_OF_MEMORY;
	if (in)
		memcpy(nsbuf_data(b), in, len);
	set_value(&p[0], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT,
		  in ? OPTEE_RPC_FS_WRITE : OPTEE_RPC_FS_READ, fd, offs);
	set_memref(&p[1], in ? OPTEE_MSG_ATTR_TYPE_RMEM_INPUT :
			       OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT, b, 0, len);
	res = fs_result(thread_rpc_cmd(OPTEE_RPC_CMD_FS, 2, p));
	if (!res && !in) {
		/* More than asked for is a lie of the normal world. */
		if (p[1].u.memref.size > len)
			res = TEE_ERROR_CORRUPT_OBJECT;
		else
			memcpy(out, nsbuf_data(b), p[1].u.memref.size);
		*done = (size_t)p[1].u.memref.size;
	} else if (!res) {
		*done = len;
	}
	return res;
}

static TEE_Result fs_truncate(uint64_t fd, uint64_t len)
{
	struct thread_param p;

	set_value(&p, OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, OPTEE_RPC_FS_TRUNCATE,
		  fd, len);
	return fs_result(thread_rpc_cmd(OPTEE_RPC_CMD_FS, 1, &p));
}

static TEE_Result fs_remove(const char *name)
{
	size_t len = strlen(name);
	struct nsbuf *b = thread_rpc_shm_cache_alloc(len);
	struct thread_param p[2];
	TEE_Result res = TEE_SUCCESS;

	if (!b)
		return TEE_ERROR_OUT_OF_MEMORY;
	memcpy(nsbuf_data(b), name, len);
	set_value(&p[0], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, OPTEE_RPC_FS_REMOVE,
		  0, 0);
	set_memref(&p[1], OPTEE_MSG_ATTR_TYPE_RMEM_INPUT, b, 0, len);
	res = fs_result(thread_rpc_cmd(OPTEE_RPC_CMD_FS, 2, p));
	return res;
}

static TEE_Result fs_rename(const char *from, const char *to)
{
	size_t l1 = strlen(from);
	size_t l2 = strlen(to);
	struct nsbuf *b = thread_rpc_shm_cache_alloc(l1 + l2);
	struct thread_param p[3];
	TEE_Result res = TEE_SUCCESS;

	if (!b)
		return TEE_ERROR_OUT_OF_MEMORY;
	memcpy(nsbuf_data(b), from, l1);
	memcpy((uint8_t *)nsbuf_data(b) + l1, to, l2);
	set_value(&p[0], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, OPTEE_RPC_FS_RENAME,
		  0, 0);
	set_memref(&p[1], OPTEE_MSG_ATTR_TYPE_RMEM_INPUT, b, 0, l1);
	set_memref(&p[2], OPTEE_MSG_ATTR_TYPE_RMEM_INPUT, b, l1, l2);
	res = fs_result(thread_rpc_cmd(OPTEE_RPC_CMD_FS, 3, p));
	return res;
}

/* ---- the object file ---- */

static void put_le(uint8_t *p, uint64_t v, size_t n)
{
	size_t k = 0;

	for (k = 0; k < n; k++)
		p[k] = (uint8_t)(v >> (8 * k));
}

static uint64_t get_le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	size_t k = 0;

	for (k = 0; k < n; k++)
		v |= (uint64_t)p[k] << (8 * k);
	return v;
}

static TEE_Result write_size(uint64_t fd, uint64_t size)
{
	uint8_t hdr[HDR_SIZE];
	size_t done = 0;

	put_le(hdr, FILE_MAGIC, 4);
	put_le(hdr + 4, FILE_VERSION, 4);
	put_le(hdr + 8, size, 8);
	return fs_rw(fd, 0, NULL, hdr, sizeof(hdr), &done);
}

static TEE_Result read_size(uint64_t fd, uint64_t *size)
{
	uint8_t hdr[HDR_SIZE];
	size_t done = 0;
	TEE_Result res = fs_rw(fd, 0, hdr, NULL, sizeof(hdr), &done);

	if (res)
		return res;
	if (done != sizeof(hdr) || get_le(hdr, 4) != FILE_MAGIC ||
	    get_le(hdr + 4, 4) != FILE_VERSION ||
	    get_le(hdr + 8, 8) > TEE_DATA_MAX_POSITION)
		return TEE_ERROR_CORRUPT_OBJECT;
	*size = get_le(hdr + 8, 8);
	return TEE_SUCCESS;
}

/* ---- names, handles, sharing ---- */

static const TEE_UUID *current_uuid(void)
{
	struct ta_session *s = ta_current_session();

	CHECK(s);
	return &ta_session_head(s)->uuid;
}

static char *put_hex(char *p, uint64_t v, unsigned int digits)
{
	static const char hex[] = "0123456789abcdef";

	while (digits--)
		*p++ = hex[(v >> (4 * digits)) & 0xf];
	return p;
}

static void make_name(char *name, const TEE_UUID *u, const uint8_t *id,
		      size_t len)
{
	char *p = name;
	size_t n = 0;

	p = put_hex(p, u->timeLow, 8);
	*p++ = '-';
	p = put_hex(p, u->timeMid, 4);
	*p++ = '-';
	p = put_hex(p, u->timeHiAndVersion, 4);
	*p++ = '-';
	p = put_hex(p, u->clockSeqAndNode[0], 2);
	p = put_hex(p, u->clockSeqAndNode[1], 2);
	*p++ = '-';
	for (n = 2; n < 8; n++)
		p = put_hex(p, u->clockSeqAndNode[n], 2);
	*p++ = '/';
	for (n = 0; n < len; n++)
		p = put_hex(p, id[n], 2);
	*p = 0;
}

/* A handle of the calling TA, or a panic (GP: a bad handle panics). */
static struct __TEE_ObjectHandle *check_handle(TEE_ObjectHandle o, bool locked)
{
	struct __TEE_ObjectHandle *h = handles;

	while (h && h != o)
		h = h->next;
	/* Only the instance that opened it uses it. */
	if (!h || h->magic != HANDLE_MAGIC || h->orphan ||
	    h->inst != ta_session_instance(ta_current_session())) {
		if (locked)
			mutex_unlock(&storage_mutex);
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	}
	return h;
}

static void free_handle(struct __TEE_ObjectHandle *h)
{
	struct __TEE_ObjectHandle **pp = &handles;

	while (*pp && *pp != h)
		pp = &(*pp)->next;
	if (*pp)
		*pp = h->next;
	h->magic = 0;
	free(h);
}

/*
 * A handle whose TA closed it (or died) while the lock could not be had:
 * the next holder of the lock closes its file.
 */
static void orphan(struct __TEE_ObjectHandle *h)
{
	h->orphan = true;
	h->inst = NULL;
}

static void close_orphans(void)
{
	struct __TEE_ObjectHandle *h = NULL;
	struct __TEE_ObjectHandle *next = NULL;

	for (h = handles; h; h = next) {
		next = h->next;
		if (!h->orphan)
			continue;
		fs_close(h->fd);
		free_handle(h);
	}
}

/*
 * The storage lock; then what was left to close is closed. Fails if the
 * normal world will not let this thread sleep for it.
 */
static TEE_Result storage_lock(void)
{
	if (mutex_lock(&storage_mutex))
		return TEE_ERROR_STORAGE_NOT_AVAILABLE;
	close_orphans();
	return TEE_SUCCESS;
}

/* GP's sharing rules against every open handle of @name but @self. */
static bool may_share(const char *name, uint32_t flags,
		      const struct __TEE_ObjectHandle *self)
{
	const struct __TEE_ObjectHandle *h = NULL;

	for (h = handles; h; h = h->next) {
		if (h == self || strcmp(h->name, name))
			continue;
		if ((flags | h->flags) & TEE_DATA_FLAG_ACCESS_WRITE_META)
			return false;
		if ((flags & SHARE_FLAGS) != (h->flags & SHARE_FLAGS))
			return false;
		if (((flags | h->flags) & TEE_DATA_FLAG_ACCESS_READ) &&
		    !(flags & TEE_DATA_FLAG_SHARE_READ))
			return false;
		if (((flags | h->flags) & TEE_DATA_FLAG_ACCESS_WRITE) &&
		    !(flags & TEE_DATA_FLAG_SHARE_WRITE))
			return false;
	}
	return true;
}

static bool open_somewhere(const char *name)
{
	const struct __TEE_ObjectHandle *h = NULL;

	for (h = handles; h; h = h->next)
		if (!strcmp(h->name, name))
			return true;
	return false;
}

static struct __TEE_ObjectHandle *new_handle(const char *name, uint32_t flags,
					     uint64_t fd)
{
	struct __TEE_ObjectHandle *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->magic = HANDLE_MAGIC;
	h->flags = flags;
	h->fd = fd;
	memcpy(h->name, name, strlen(name) + 1);
	h->uuid = *current_uuid();
	h->inst = ta_session_instance(ta_current_session());
	h->next = handles;
	handles = h;
	return h;
}


/* Checks common to Open and Create; the file name in @name. */
static void check_open_args(uint32_t storage, const void *id, size_t len,
			    uint32_t flags, uint32_t allowed, char *name,
			    TEE_Result *res)
{
	*res = TEE_SUCCESS;
	if (storage != TEE_STORAGE_PRIVATE &&
	    storage != TEE_STORAGE_PRIVATE_REE) {
		*res = TEE_ERROR_ITEM_NOT_FOUND;
		return;
	}
	/* A bad flag or ID length is BAD_PARAMETERS, which panics. */
	if ((flags & ~allowed) || len > TEE_OBJECT_ID_MAX_LEN || (!id && len))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	make_name(name, current_uuid(), id, len);
}

/*
 * Touch every page of a TA's buffer before anything is taken for the
 * operation: a bad buffer panics the TA here, with no lock held, no
 * payload mapped, no file open.
 */
static void probe_buffer(const void *buf, size_t len, bool write)
{
	volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)buf;
	size_t off = 0;

	for (off = 0; off < len; off = (off | SMALL_PAGE_MASK) + 1) {
		uint8_t v = p[off];

		if (write)
			p[off] = v;
	}
	if (len) {
		uint8_t v = p[len - 1];

		if (write)
			p[len - 1] = v;
	}
}

/*
 * The lock, and the handle checked (a bad one panics) with the access
 * @need it must have (a missing right panics too). NULL if the normal
 * world would not let this thread sleep for the lock.
 */
static struct __TEE_ObjectHandle *take_object(TEE_ObjectHandle object,
					      uint32_t need)
{
	struct __TEE_ObjectHandle *h = NULL;

	if (storage_lock())
		return NULL;
	h = check_handle(object, true);
	if ((h->flags & need) != need) {
		mutex_unlock(&storage_mutex);
		TEE_Panic(TEE_ERROR_ACCESS_CONFLICT);
	}
	return h;
}

/* ---- the GP API ---- */

TEE_Result TEE_OpenPersistentObject(uint32_t storageID, const void *objectID,
				    size_t objectIDLen, uint32_t flags,
				    TEE_ObjectHandle *object)
{
	char name[NAME_MAX_LEN + 1];
	uint64_t size = 0;
	uint64_t fd = 0;
	TEE_Result res = TEE_SUCCESS;

	thread_preempt_point(ARCH_PREEMPT_TA_API);
	*object = TEE_HANDLE_NULL;
	check_open_args(storageID, objectID, objectIDLen, flags, OPEN_FLAGS,
			name, &res);
	if (res)
		return res;
	if (storage_lock())
		return TEE_ERROR_STORAGE_NOT_AVAILABLE;
	if (!may_share(name, flags, NULL)) {
		res = TEE_ERROR_ACCESS_CONFLICT;
		goto out;
	}
	res = fs_open(name, false, &fd);
	if (res)
		goto out;
	res = read_size(fd, &size);
	if (!res && !(*object = new_handle(name, flags, fd)))
		res = TEE_ERROR_OUT_OF_MEMORY;
	if (res)
		fs_close(fd);
out:
	mutex_unlock(&storage_mutex);
	return res;
}

TEE_Result TEE_CreatePersistentObject(uint32_t storageID, const void *objectID,
				      size_t objectIDLen, uint32_t flags,
				      TEE_ObjectHandle attributes,
				      const void *initialData,
				      size_t initialDataLen,
				      TEE_ObjectHandle *object)
{
	char name[NAME_MAX_LEN + 1];
	struct __TEE_ObjectHandle *h = NULL;
	uint64_t fd = 0;
	size_t done = 0;
	TEE_Result res = TEE_SUCCESS;

	thread_preempt_point(ARCH_PREEMPT_TA_API);
	if (object)
		*object = TEE_HANDLE_NULL;
	/* Data objects only: no attributes in this core. */
	if (attributes != TEE_HANDLE_NULL ||
	    initialDataLen > TEE_DATA_MAX_POSITION ||
	    (!initialData && initialDataLen))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	probe_buffer(initialData, initialDataLen, false);
	check_open_args(storageID, objectID, objectIDLen, flags,
			OPEN_FLAGS | TEE_DATA_FLAG_OVERWRITE, name, &res);
	if (res)
		return res;
	if (storage_lock())
		return TEE_ERROR_STORAGE_NOT_AVAILABLE;
	/* An object someone has open is never replaced under them. */
	if (open_somewhere(name)) {
		res = TEE_ERROR_ACCESS_CONFLICT;
		goto out;
	}
	if (!(flags & TEE_DATA_FLAG_OVERWRITE)) {
		res = fs_open(name, false, &fd);
		if (!res) {
			fs_close(fd);
			res = TEE_ERROR_ACCESS_CONFLICT;
			goto out;
		}
		if (res != TEE_ERROR_ITEM_NOT_FOUND)
			goto out;
	}
	res = fs_open(name, true, &fd);
	if (res)
		goto out;
	res = write_size(fd, initialDataLen);
	if (!res)
		res = fs_rw(fd, HDR_SIZE, NULL, initialData, initialDataLen,
			    &done);
	if (!res && object) {
		h = new_handle(name, flags & OPEN_FLAGS, fd);
		if (!h)
			res = TEE_ERROR_OUT_OF_MEMORY;
		*object = h;
	}
	if (res || !object)
		fs_close(fd);
	/* A half-made object is not left behind. */
	if (res)
		fs_remove(name);
out:
	mutex_unlock(&storage_mutex);
	return res;
}

TEE_Result TEE_ReadObjectData(TEE_ObjectHandle object, void *buffer,
			      size_t size, size_t *count)
{
	struct __TEE_ObjectHandle *h = NULL;
	uint64_t data_size = 0;
	uint64_t n = 0;
	size_t done = 0;
	TEE_Result res = TEE_SUCCESS;

	thread_preempt_point(ARCH_PREEMPT_TA_API);
	probe_buffer(buffer, size, true);
	h = take_object(object, TEE_DATA_FLAG_ACCESS_READ);
	if (!h)
		return TEE_ERROR_STORAGE_NOT_AVAILABLE;
	*count = 0;
	res = read_size(h->fd, &data_size);
	if (!res && h->pos < data_size) {
		n = MIN((uint64_t)size, data_size - h->pos);
		res = fs_rw(h->fd, HDR_SIZE + h->pos, buffer, NULL, (size_t)n,
			    &done);
		/* The header promised those bytes. */
		if (!res && done != n)
			res = TEE_ERROR_CORRUPT_OBJECT;
		if (!res) {
			h->pos += n;
			*count = (size_t)n;
		}
	}
	mutex_unlock(&storage_mutex);
	return res;
}

TEE_Result TEE_WriteObjectData(TEE_ObjectHandle object, const void *buffer,
			       size_t size)
{
	struct __TEE_ObjectHandle *h = NULL;
	uint64_t data_size = 0;
	uint64_t end = 0;
	size_t done = 0;
	TEE_Result res = TEE_SUCCESS;

	thread_preempt_point(ARCH_PREEMPT_TA_API);
	probe_buffer(buffer, size, false);
	h = take_object(object, TEE_DATA_FLAG_ACCESS_WRITE);
	if (!h)
		return TEE_ERROR_STORAGE_NOT_AVAILABLE;
	if (ADD_OVERFLOW(h->pos, (uint64_t)size, &end) ||
	    end > TEE_DATA_MAX_POSITION) {
		res = TEE_ERROR_OVERFLOW;
		goto out;
	}
	res = read_size(h->fd, &data_size);
	/* A gap before the new bytes reads as zeros (the file grows). */
	if (!res && h->pos > data_size)
		res = fs_truncate(h->fd, HDR_SIZE + h->pos);
	if (!res)
		res = fs_rw(h->fd, HDR_SIZE + h->pos, NULL, buffer, size,
			    &done);
	if (!res && end > data_size)
		res = write_size(h->fd, end);
	if (!res)
		h->pos = end;
out:
	mutex_unlock(&storage_mutex);
	return res;
}

TEE_Result TEE_TruncateObjectData(TEE_ObjectHandle object, size_t size)
{
	struct __TEE_ObjectHandle *h = NULL;
	TEE_Result res = TEE_SUCCESS;

	thread_preempt_point(ARCH_PREEMPT_TA_API);
	h = take_object(object, TEE_DATA_FLAG_ACCESS_WRITE);
	if (!h)
		return TEE_ERROR_STORAGE_NOT_AVAILABLE;
	if (size > TEE_DATA_MAX_POSITION) {
		res = TEE_ERROR_STORAGE_NO_SPACE;
		goto out;
	}
	res = fs_truncate(h->fd, HDR_SIZE + (uint64_t)size);
	if (!res)
		res = write_size(h->fd, size);
out:
	mutex_unlock(&storage_mutex);
	return res;
}

TEE_Result TEE_SeekObjectData(TEE_ObjectHandle object, intmax_t offset,
			      TEE_Whence whence)
{
	struct __TEE_ObjectHandle *h = NULL;
	uint64_t data_size = 0;
	intmax_t base = 0;
	intmax_t pos = 0;
	TEE_Result res = TEE_SUCCESS;

	thread_preempt_point(ARCH_PREEMPT_TA_API);
	h = take_object(object, 0);
	if (!h)
		return TEE_ERROR_STORAGE_NOT_AVAILABLE;
	switch (whence) {
	case TEE_DATA_SEEK_SET:
		base = 0;
		break;
	case TEE_DATA_SEEK_CUR:
		base = (intmax_t)h->pos;
		break;
	case TEE_DATA_SEEK_END:
		res = read_size(h->fd, &data_size);
		base = (intmax_t)data_size;
		break;
	default:
		mutex_unlock(&storage_mutex);
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	}
	if (res)
		goto out;
	if (__builtin_add_overflow(base, offset, &pos) ||
	    (pos > 0 && (uintmax_t)pos > TEE_DATA_MAX_POSITION)) {
		res = TEE_ERROR_OVERFLOW;
		goto out;
	}
	/* A negative result clamps to the start. */
	h->pos = pos < 0 ? 0 : (uint64_t)pos;
out:
	mutex_unlock(&storage_mutex);
	return res;
}

TEE_Result TEE_RenamePersistentObject(TEE_ObjectHandle object,
				      const void *newObjectID,
				      size_t newObjectIDLen)
{
	char name[NAME_MAX_LEN + 1];
	struct __TEE_ObjectHandle *h = NULL;
	uint64_t fd = 0;
	TEE_Result res = TEE_SUCCESS;

	thread_preempt_point(ARCH_PREEMPT_TA_API);
	h = take_object(object, 0);
	if (!h)
		return TEE_ERROR_STORAGE_NOT_AVAILABLE;
	if (!(h->flags & TEE_DATA_FLAG_ACCESS_WRITE_META) ||
	    newObjectIDLen > TEE_OBJECT_ID_MAX_LEN ||
	    (!newObjectID && newObjectIDLen)) {
		mutex_unlock(&storage_mutex);
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	}
	make_name(name, &h->uuid, newObjectID, newObjectIDLen);
	if (!strcmp(name, h->name))
		goto out;
	/* The new ID must be free. */
	res = fs_open(name, false, &fd);
	if (!res) {
		fs_close(fd);
		res = TEE_ERROR_ACCESS_CONFLICT;
		goto out;
	}
	if (res != TEE_ERROR_ITEM_NOT_FOUND)
		goto out;
	res = fs_rename(h->name, name);
	if (!res)
		memcpy(h->name, name, strlen(name) + 1);
out:
	mutex_unlock(&storage_mutex);
	return res;
}

TEE_Result TEE_CloseAndDeletePersistentObject1(TEE_ObjectHandle object)
{
	struct __TEE_ObjectHandle *h = NULL;
	char name[NAME_MAX_LEN + 1];
	TEE_Result res = TEE_SUCCESS;

	if (object == TEE_HANDLE_NULL)
		return TEE_SUCCESS;
	thread_preempt_point(ARCH_PREEMPT_TA_API);
	h = take_object(object, TEE_DATA_FLAG_ACCESS_WRITE_META);
	if (!h)
		return TEE_ERROR_STORAGE_NOT_AVAILABLE;
	memcpy(name, h->name, sizeof(name));
	fs_close(h->fd);
	free_handle(h);
	res = fs_remove(name);
	mutex_unlock(&storage_mutex);
	return res == TEE_ERROR_ITEM_NOT_FOUND ? TEE_SUCCESS : res;
}

void TEE_CloseObject(TEE_ObjectHandle object)
{
	struct __TEE_ObjectHandle *h = NULL;

	if (object == TEE_HANDLE_NULL)
		return;
	thread_preempt_point(ARCH_PREEMPT_TA_API);
	/* The handle is checked first: the list never changes mid-way. */
	h = check_handle(object, false);
	if (storage_lock()) {
		orphan(h);
		return;
	}
	fs_close(h->fd);
	free_handle(h);
	mutex_unlock(&storage_mutex);
}

TEE_Result TEE_GetObjectInfo1(TEE_ObjectHandle object, TEE_ObjectInfo *info)
{
	struct __TEE_ObjectHandle *h = NULL;
	uint64_t data_size = 0;
	TEE_Result res = TEE_SUCCESS;

	thread_preempt_point(ARCH_PREEMPT_TA_API);
	h = take_object(object, 0);
	if (!h)
		return TEE_ERROR_STORAGE_NOT_AVAILABLE;
	res = read_size(h->fd, &data_size);
	if (!res) {
		memset(info, 0, sizeof(*info));
		info->objectType = TEE_TYPE_DATA;
		info->dataSize = (size_t)data_size;
		info->dataPosition = (size_t)h->pos;
		info->handleFlags = TEE_HANDLE_FLAG_PERSISTENT |
				    TEE_HANDLE_FLAG_INITIALIZED | h->flags;
	}
	mutex_unlock(&storage_mutex);
	return res;
}

void tee_storage_close_instance(const void *inst)
{
	struct __TEE_ObjectHandle *h = NULL;
	bool any = false;

	for (h = handles; h; h = h->next) {
		if (h->inst == inst) {
			orphan(h);
			any = true;
		}
	}
	/* Most instances open nothing: no lock, no sleep for them. */
	if (!any)
		return;
	/* Closed now, or by the next holder of the lock. */
	if (storage_lock())
		return;
	mutex_unlock(&storage_mutex);
}

/* Handles still open in this guest (all TAs), for the debug port. */
uint32_t tee_storage_open_handles(void)
{
	const struct __TEE_ObjectHandle *h = NULL;
	uint32_t n = 0;

	for (h = handles; h; h = h->next)
		n++;
	return n;
}
