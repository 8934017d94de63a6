// SPDX-License-Identifier: BSD-2-Clause
/*
 * A guest's supplicant (see supplicant.h). Everything in an RPC argument
 * comes from the TEE through the mediator; it is still checked, since a
 * buggy TEE must not crash the simulator.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <shim/shim.h>
#include <sim/guest.h>
#include <sim/hyp.h>
#include <sim/supplicant.h>
#include <sim/trace.h>

#define MAX_FILES	256
#define MAX_FDS		64
#define MAX_NAME	256
#define MAX_FILE_SIZE	(16u << 20)
#define MAX_PAYLOADS	64
#define MAX_KEYS	64

struct file {
	char name[MAX_NAME];
	uint8_t *data;
	size_t size;
};

struct payload {
	struct drv_shm shm;
	uint64_t list_ipa;
	size_t list_pages;
};

struct supp {
	struct file *files[MAX_FILES];
	size_t files_end;	/* no file at or past this slot */
	struct file *fds[MAX_FDS];
	struct payload *payloads[MAX_PAYLOADS];
	uint64_t next_cookie;
	/* Notifications sent and not waited for yet. */
	uint64_t keys[MAX_KEYS];
	uint32_t key_count;
	uint64_t commands;
	uint64_t payloads_allocated;
	uint64_t payload_bytes;
};

static const struct supp_waiter *waiter;

void supp_set_waiter(const struct supp_waiter *w)
{
	waiter = w;
}

struct supp *supp_new(void)
{
	struct supp *s = calloc(1, sizeof(*s));

	if (s)
		s->next_cookie = 0x5000;
	return s;
}

static void payload_free(struct vm *vm, struct payload *p)
{
	guest_pages_free(vm, p->shm.ipa, p->shm.pages);
	guest_pages_free(vm, p->list_ipa, p->list_pages);
	free(p);
}

void supp_free(struct vm *vm, struct supp *s)
{
	size_t n = 0;

	if (!s)
		return;
	for (n = 0; n < s->files_end; n++) {
		if (s->files[n]) {
			free(s->files[n]->data);
			free(s->files[n]);
		}
	}
	for (n = 0; n < MAX_PAYLOADS; n++)
		if (s->payloads[n])
			payload_free(vm, s->payloads[n]);
	free(s);
}

/* ---- payload memory (SHM_ALLOC / SHM_FREE) ---- */

static void shm_alloc(struct vm *vm, struct supp *s, struct msg_arg *arg)
{
	struct msg_param *p = &arg->params[0];
	uint64_t size = p->u.value.b;
	struct payload *pl = NULL;
	size_t slot = 0;

	while (slot < MAX_PAYLOADS && s->payloads[slot])
		slot++;
	if (arg->num_params != 1 || p->attr != MSG_ATTR_TYPE_VALUE_INPUT ||
	    !size || size > MAX_FILE_SIZE) {
		arg->ret = MSG_RES_BAD_PARAMETERS;
		return;
	}
	pl = slot < MAX_PAYLOADS ? calloc(1, sizeof(*pl)) : NULL;
	if (!pl)
		goto nomem;
	pl->shm.size = size;
	pl->shm.pages = (size + HYP_PAGE - 1) / HYP_PAGE;
	pl->shm.ipa = guest_pages_alloc(vm, pl->shm.pages);
	if (!pl->shm.ipa)
		goto nomem;
	pl->list_ipa = guest_shm_page_list(vm, &pl->shm, &pl->list_pages);
	if (!pl->list_ipa) {
		guest_pages_free(vm, pl->shm.ipa, pl->shm.pages);
		goto nomem;
	}
	pl->shm.cookie = s->next_cookie++;
	s->payloads[slot] = pl;
	s->payloads_allocated++;
	s->payload_bytes += size;
	p->attr = MSG_ATTR_TYPE_TMEM_OUTPUT | MSG_ATTR_NONCONTIG;
	p->u.tmem.buf_ptr = pl->list_ipa;
	p->u.tmem.size = size;
	p->u.tmem.shm_ref = pl->shm.cookie;
	arg->ret = MSG_RES_SUCCESS;
	return;
nomem:
	free(pl);
	arg->ret = MSG_RES_OUT_OF_MEMORY;
}

static struct payload **find_payload(struct supp *s, uint64_t cookie)
{
	size_t n = 0;

	for (n = 0; n < MAX_PAYLOADS; n++)
		if (s->payloads[n] && s->payloads[n]->shm.cookie == cookie)
			return &s->payloads[n];
	return NULL;
}

static void shm_free(struct vm *vm, struct supp *s, struct msg_arg *arg)
{
	struct payload **pp = NULL;

	if (arg->num_params != 1 ||
	    arg->params[0].attr != MSG_ATTR_TYPE_VALUE_INPUT) {
		arg->ret = MSG_RES_BAD_PARAMETERS;
		return;
	}
	pp = find_payload(s, arg->params[0].u.value.b);
	if (!pp) {
		arg->ret = MSG_RES_ITEM_NOT_FOUND;
		return;
	}
	payload_free(vm, *pp);
	*pp = NULL;
	arg->ret = MSG_RES_SUCCESS;
}

/* The bytes a memref param names, checked against its payload. */
static bool memref(struct supp *s, const struct msg_param *p, uint64_t *ipa,
		   uint64_t *size)
{
	uint64_t type = p->attr & MSG_ATTR_TYPE_MASK;
	struct payload **pp = NULL;
	uint64_t end = 0;

	if (type < MSG_ATTR_TYPE_RMEM_INPUT || type > MSG_ATTR_TYPE_RMEM_INOUT)
		return false;
	pp = find_payload(s, p->u.rmem.shm_ref);
	if (!pp || __builtin_add_overflow(p->u.rmem.offs, p->u.rmem.size, &end) ||
	    end > (*pp)->shm.size)
		return false;
	*ipa = (*pp)->shm.ipa + p->u.rmem.offs;
	*size = p->u.rmem.size;
	return true;
}

/* ---- the REE file system ---- */

static bool read_name(struct vm *vm, struct supp *s, const struct msg_param *p,
		      char name[MAX_NAME])
{
	uint64_t ipa = 0;
	uint64_t size = 0;

	if (!memref(s, p, &ipa, &size) || !size || size >= MAX_NAME ||
	    hyp_vm_read(vm, ipa_init(ipa), name, size))
		return false;
	name[size] = 0;
	/* A C string of its own size: no NUL inside. */
	return strlen(name) == size;
}

static struct file **find_file(struct supp *s, const char *name)
{
	size_t n = 0;

	for (n = 0; n < s->files_end; n++)
		if (s->files[n] && !strcmp(s->files[n]->name, name))
			return &s->files[n];
	return NULL;
}

static struct file **free_file_slot(struct supp *s)
{
	size_t n = 0;

	for (n = 0; n < MAX_FILES; n++) {
		if (!s->files[n]) {
			/* The caller may fill it: within the slots looked at. */
			if (n >= s->files_end)
				s->files_end = n + 1;
			return &s->files[n];
		}
	}
	return NULL;
}

static bool fd_in_use(const struct supp *s, const struct file *f)
{
	size_t n = 0;

	for (n = 0; n < MAX_FDS; n++)
		if (s->fds[n] == f)
			return true;
	return false;
}

static struct file *file_of(struct supp *s, uint64_t fd)
{
	return fd < MAX_FDS ? s->fds[fd] : NULL;
}

static uint32_t fs_open(struct vm *vm, struct supp *s, struct msg_arg *arg,
			bool create)
{
	char name[MAX_NAME];
	struct file **fp = NULL;
	size_t fd = 0;

	if (arg->num_params != 3 || !read_name(vm, s, &arg->params[1], name) ||
	    (arg->params[2].attr & MSG_ATTR_TYPE_MASK) !=
	    MSG_ATTR_TYPE_VALUE_OUTPUT)
		return MSG_RES_BAD_PARAMETERS;
	while (fd < MAX_FDS && s->fds[fd])
		fd++;
	if (fd == MAX_FDS)
		return MSG_RES_OUT_OF_MEMORY;
	fp = find_file(s, name);
	if (create) {
		/* A new file, or an existing one emptied (O_CREAT|O_TRUNC). */
		if (!fp) {
			fp = free_file_slot(s);
			if (!fp)
				return MSG_RES_STORAGE_NO_SPACE;
			*fp = calloc(1, sizeof(**fp));
			if (!*fp)
				return MSG_RES_OUT_OF_MEMORY;
			snprintf((*fp)->name, sizeof((*fp)->name), "%s", name);
		} else {
			free((*fp)->data);
			(*fp)->data = NULL;
			(*fp)->size = 0;
		}
	} else if (!fp) {
		return MSG_RES_ITEM_NOT_FOUND;
	}
	s->fds[fd] = *fp;
	arg->params[2].u.value.a = fd;
	return MSG_RES_SUCCESS;
}

static uint32_t resize(struct file *f, uint64_t size)
{
	uint8_t *d = NULL;

	if (size > MAX_FILE_SIZE)
		return MSG_RES_STORAGE_NO_SPACE;
	if (size == f->size)
		return MSG_RES_SUCCESS;
	d = realloc(f->data, size ? size : 1);
	if (!d)
		return MSG_RES_OUT_OF_MEMORY;
	if (size > f->size)
		memset(d + f->size, 0, size - f->size);
	f->data = d;
	f->size = size;
	return MSG_RES_SUCCESS;
}

static uint32_t fs_rw(struct vm *vm, struct supp *s, struct msg_arg *arg,
		      bool write)
{
	struct file *f = file_of(s, arg->params[0].u.value.b);
	uint64_t offs = arg->params[0].u.value.c;
	uint64_t ipa = 0;
	uint64_t size = 0;
	uint64_t end = 0;
	uint32_t res = 0;

	if (arg->num_params != 2 || !f ||
	    !memref(s, &arg->params[1], &ipa, &size) ||
	    __builtin_add_overflow(offs, size, &end))
		return MSG_RES_BAD_PARAMETERS;
	if (write) {
		if (end > f->size) {
			res = resize(f, end);
			if (res)
				return res;
		}
		if (size && hyp_vm_read(vm, ipa_init(ipa), f->data + offs, size))
			return MSG_RES_BAD_PARAMETERS;
		return MSG_RES_SUCCESS;
	}
	/* A read past the end gives what there is; the size says how much. */
	size = offs >= f->size ? 0 : (end > f->size ? f->size - offs : size);
	if (size && hyp_vm_write(vm, ipa_init(ipa), f->data + offs, size))
		return MSG_RES_BAD_PARAMETERS;
	arg->params[1].u.rmem.size = size;
	return MSG_RES_SUCCESS;
}

static uint32_t fs_remove(struct vm *vm, struct supp *s, struct msg_arg *arg)
{
	char name[MAX_NAME];
	struct file **fp = NULL;

	if (arg->num_params != 2 || !read_name(vm, s, &arg->params[1], name))
		return MSG_RES_BAD_PARAMETERS;
	fp = find_file(s, name);
	if (!fp)
		return MSG_RES_ITEM_NOT_FOUND;
	/* As unlink() of an open file: the open descriptors keep it. */
	if (fd_in_use(s, *fp))
		return MSG_RES_ACCESS_CONFLICT;
	free((*fp)->data);
	free(*fp);
	*fp = NULL;
	return MSG_RES_SUCCESS;
}

static uint32_t fs_rename(struct vm *vm, struct supp *s, struct msg_arg *arg)
{
	char from[MAX_NAME];
	char to[MAX_NAME];
	struct file **src = NULL;
	struct file **dst = NULL;

	if (arg->num_params != 3 || !read_name(vm, s, &arg->params[1], from) ||
	    !read_name(vm, s, &arg->params[2], to))
		return MSG_RES_BAD_PARAMETERS;
	src = find_file(s, from);
	if (!src)
		return MSG_RES_ITEM_NOT_FOUND;
	dst = find_file(s, to);
	if (dst && dst != src) {
		if (!arg->params[0].u.value.b || fd_in_use(s, *dst))
			return MSG_RES_ACCESS_CONFLICT;
		free((*dst)->data);
		free(*dst);
		*dst = NULL;
	}
	snprintf((*src)->name, sizeof((*src)->name), "%s", to);
	return MSG_RES_SUCCESS;
}

static uint32_t fs(struct vm *vm, struct supp *s, struct msg_arg *arg)
{
	struct msg_param *p0 = &arg->params[0];
	struct file *f = NULL;

	if (!arg->num_params || p0->attr != MSG_ATTR_TYPE_VALUE_INPUT)
		return MSG_RES_BAD_PARAMETERS;
	switch (p0->u.value.a) {
	case RPC_FS_OPEN:
		return fs_open(vm, s, arg, false);
	case RPC_FS_CREATE:
		return fs_open(vm, s, arg, true);
	case RPC_FS_CLOSE:
		if (arg->num_params != 1 || !file_of(s, p0->u.value.b))
			return MSG_RES_BAD_PARAMETERS;
		s->fds[p0->u.value.b] = NULL;
		return MSG_RES_SUCCESS;
	case RPC_FS_READ:
		return fs_rw(vm, s, arg, false);
	case RPC_FS_WRITE:
		return fs_rw(vm, s, arg, true);
	case RPC_FS_TRUNCATE:
		f = file_of(s, p0->u.value.b);
		if (arg->num_params != 1 || !f)
			return MSG_RES_BAD_PARAMETERS;
		return resize(f, p0->u.value.c);
	case RPC_FS_REMOVE:
		return fs_remove(vm, s, arg);
	case RPC_FS_RENAME:
		return fs_rename(vm, s, arg);
	default:
		return MSG_RES_NOT_SUPPORTED;
	}
}

/* ---- notifications ---- */

struct key_wait {
	struct supp *s;
	uint64_t key;
};

static bool take_key(void *arg)
{
	struct key_wait *w = arg;
	uint32_t n = 0;

	for (n = 0; n < w->s->key_count; n++) {
		if (w->s->keys[n] == w->key) {
			w->s->keys[n] = w->s->keys[--w->s->key_count];
			return true;
		}
	}
	return false;
}

static uint32_t notification(struct supp *s, struct msg_arg *arg)
{
	const struct msg_param *p = &arg->params[0];
	struct key_wait w = { s, p->u.value.b };

	if (arg->num_params != 1 || p->attr != MSG_ATTR_TYPE_VALUE_INPUT)
		return MSG_RES_BAD_PARAMETERS;
	switch (p->u.value.a) {
	case RPC_NOTIFICATION_WAIT:
		if (take_key(&w))
			return MSG_RES_SUCCESS;
		if (waiter && waiter->block_until(take_key, &w))
			return MSG_RES_SUCCESS;
		return MSG_RES_BAD_STATE;
	case RPC_NOTIFICATION_SEND:
		/* Latched: each send wakes one wait, now or later. */
		if (s->key_count == MAX_KEYS)
			return MSG_RES_OUT_OF_MEMORY;
		s->keys[s->key_count++] = w.key;
		return MSG_RES_SUCCESS;
	default:
		return MSG_RES_BAD_PARAMETERS;
	}
}

/* ---- dispatch ---- */

void supp_handle(struct vm *vm, struct supp *s, struct msg_arg *arg)
{
	struct msg_param *p0 = &arg->params[0];
	uint64_t now = 0;

	s->commands++;
	arg->ret_origin = MSG_ORIGIN_COMMS;
	if (arg->num_params > RPC_MAX_PARAMS) {
		arg->ret = MSG_RES_BAD_PARAMETERS;
		return;
	}
	switch (arg->cmd) {
	case RPC_CMD_GET_TIME:
		if (arg->num_params != 1 ||
		    p0->attr != MSG_ATTR_TYPE_VALUE_OUTPUT) {
			arg->ret = MSG_RES_BAD_PARAMETERS;
			break;
		}
		/* The REE clock is the simulated one: deterministic. */
		now = shim_time_ns();
		p0->u.value.a = now / 1000000000u;
		p0->u.value.b = now % 1000000000u;
		arg->ret = MSG_RES_SUCCESS;
		break;
	case RPC_CMD_SUSPEND:
		if (arg->num_params != 1 ||
		    p0->attr != MSG_ATTR_TYPE_VALUE_INPUT) {
			arg->ret = MSG_RES_BAD_PARAMETERS;
			break;
		}
		/* The guest sleeps that long, in simulated time. */
		shim_advance_time(p0->u.value.a * 1000000u);
		arg->ret = MSG_RES_SUCCESS;
		break;
	case RPC_CMD_SHM_ALLOC:
		shm_alloc(vm, s, arg);
		break;
	case RPC_CMD_SHM_FREE:
		shm_free(vm, s, arg);
		break;
	case RPC_CMD_NOTIFICATION:
		arg->ret = notification(s, arg);
		break;
	case RPC_CMD_FS:
		arg->ret = fs(vm, s, arg);
		break;
	default:
		arg->ret = MSG_RES_NOT_SUPPORTED;
		break;
	}
	sim_trace("supp  client %u: RPC cmd %u -> %#x", vm->client_id,
		  (unsigned int)arg->cmd, (unsigned int)arg->ret);
}

void supp_get_stats(const struct supp *s, struct supp_stats *st)
{
	size_t n = 0;

	memset(st, 0, sizeof(*st));
	if (!s)
		return;
	for (n = 0; n < s->files_end; n++) {
		if (s->files[n]) {
			st->files++;
			st->bytes += s->files[n]->size;
		}
	}
	for (n = 0; n < MAX_FDS; n++)
		st->open_fds += s->fds[n] != NULL;
	for (n = 0; n < MAX_PAYLOADS; n++)
		st->payloads += s->payloads[n] != NULL;
	st->payloads_allocated = s->payloads_allocated;
	st->payload_bytes = s->payload_bytes;
	st->commands = s->commands;
}

const char *supp_file_name(const struct supp *s, uint32_t index)
{
	size_t n = 0;

	for (n = 0; s && n < s->files_end; n++)
		if (s->files[n] && !index--)
			return s->files[n]->name;
	return NULL;
}

bool supp_file_bytes(struct supp *s, const char *name, uint8_t **data,
		     size_t *size)
{
	struct file **fp = s ? find_file(s, name) : NULL;

	if (!fp)
		return false;
	*data = (*fp)->data;
	*size = (*fp)->size;
	return true;
}
