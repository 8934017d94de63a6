// SPDX-License-Identifier: BSD-2-Clause
/*
 * The scenario language (docs/scenarios.md): parse every line into a step
 * first, then boot a machine and run the steps as client code in the
 * script's VMs, through the GP Client API and the whole path.
 */

#define _GNU_SOURCE
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arch/entry.h>
#include <sim/catalog.h>
#include <sim/config.h>
#include <sim/guest.h>
#include <sim/hyp.h>
#include <sim/machine.h>
#include <sim/scenario.h>
#include <sim/sched.h>
#include <sim/trace.h>
#include <tee_client_api.h>

#define NAME_MAX_LEN	32
#define MAX_TOKENS	16
#define MAX_OBJECTS	256
#define DEFAULT_VM_RAM	(4u << 20)
#define MAX_VCPUS	16
#define MAX_PROGRAMS	64
#define MAX_PHASE_STEPS	256

enum op {
	OP_VM_CREATE,
	OP_VM_DESTROY,
	OP_OPEN,
	OP_INVOKE,
	OP_CLOSE,
	OP_CANCEL,
	OP_SHM_ALLOC,
	OP_SHM_WRITE,
	OP_SHM_EXPECT,
	OP_SHM_RELEASE,
	OP_CHECK,
};

/* One operation parameter, in TEEC terms. */
struct pspec {
	uint32_t type;		/* TEEC_* */
	uint32_t a;
	uint32_t b;
	char *text;		/* memref contents (input) */
	size_t text_len;
	size_t size;		/* output room, or registered range size */
	size_t offset;
	char shm[NAME_MAX_LEN];	/* registered memrefs */
	bool range;		/* offset/size given */
};

struct expect {
	bool ret_set;
	uint32_t ret;
	bool origin_set;
	uint32_t origin;
	bool a_set[4];
	uint32_t a[4];
	bool b_set[4];
	uint32_t b[4];
	bool size_set[4];
	size_t size[4];
	char *out[4];
	size_t out_len[4];
	bool violations_set;
	uint64_t violations;
};

struct step {
	enum op op;
	int line;
	uint32_t repeat;
	int vcpu;		/* @N: on that vCPU of its VM, with the others */
	uint32_t vcpus;		/* vm create: its vCPUs */
	char vm[NAME_MAX_LEN];
	char label[NAME_MAX_LEN];
	const struct ta_info *ta;
	TEEC_UUID uuid;
	char cmd_name[NAME_MAX_LEN];	/* resolved against the session's TA */
	size_t size;		/* vm ram, shm size, shm offset */
	uint32_t flags;		/* shm flags */
	char *text;		/* shm write/expect */
	size_t text_len;
	struct pspec p[4];
	struct expect ex;
	char source[160];	/* the line, for the log */
};

/* A session or buffer name and the VM an earlier line gave it. */
struct owner {
	char name[NAME_MAX_LEN];
	char vm[NAME_MAX_LEN];
};

struct scenario {
	char *path;
	struct nexsim_config cfg;
	struct step *steps;
	size_t count;
	size_t cap;
	struct owner owners[MAX_OBJECTS];
	size_t owner_count;
};

/* ---- parsing ---- */

struct parser {
	const char *path;
	int line;
	char *err;
	size_t err_size;
	bool unquoted[MAX_TOKENS];
};

static int perr(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int perr(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(p->err, p->err_size, "%s:%d: ", p->path, p->line);

	va_start(ap, fmt);
	if (n > 0 && (size_t)n < p->err_size)
		vsnprintf(p->err + n, p->err_size - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * Split @line into tokens in place: spaces separate, "..." quotes (with
 * \" \\ \n \t \xHH escapes) join. '#' outside quotes starts a comment.
 */
static int tokenize(struct parser *p, char *line, char **tok, size_t *len)
{
	char *r = line;
	char *w = line;
	int n = 0;

	while (*r) {
		while (*r == ' ' || *r == '\t' || *r == '\r' || *r == '\n')
			r++;
		if (!*r || *r == '#')
			break;
		if (n == MAX_TOKENS)
			return perr(p, "more than %d words on one line", MAX_TOKENS);
		tok[n] = w;
		while (*r && *r != ' ' && *r != '\t' && *r != '\r' &&
		       *r != '\n') {
			if (*r != '"') {
				*w++ = *r++;
				continue;
			}
			for (r++; *r != '"'; r++) {
				if (!*r || *r == '\n')
					return perr(p, "a closing quote (\")");
				if (*r != '\\') {
					*w++ = *r;
					continue;
				}
				r++;
				if (*r == 'n')
					*w++ = '\n';
				else if (*r == 't')
					*w++ = '\t';
				else if (*r == '\\' || *r == '"')
					*w++ = *r;
				else if (*r == 'x' && isxdigit((unsigned char)r[1]) &&
					 isxdigit((unsigned char)r[2])) {
					char hex[3] = { r[1], r[2], 0 };

					*w++ = (char)strtoul(hex, NULL, 16);
					r += 2;
				} else
					return perr(p, "an escape \\n, \\t, \\\\, \\\" or \\xHH");
			}
			r++;
		}
		len[n] = (size_t)(w - tok[n]);
		/* The terminator may overwrite the separator: step past it first. */
		if (*r)
			r++;
		*w++ = '\0';
		n++;
	}
	return n;
}

static char *dup_bytes(const char *s, size_t len)
{
	char *d = malloc(len + 1);

	if (d) {
		memcpy(d, s, len);
		d[len] = '\0';
	}
	return d;
}

static int name_of(struct parser *p, const char *tok, char *out,
		   const char *what)
{
	size_t n = 0;

	if (!tok || !*tok)
		return perr(p, "%s", what);
	for (n = 0; tok[n]; n++)
		if (!isalnum((unsigned char)tok[n]) && tok[n] != '_' &&
		    tok[n] != '-' && tok[n] != '.')
			return perr(p, "%s (letters, digits, _ - .), got '%s'",
				    what, tok);
	if (n >= NAME_MAX_LEN)
		return perr(p, "a name shorter than %d characters", NAME_MAX_LEN);
	memcpy(out, tok, n + 1);
	return 0;
}

static int u32_of(struct parser *p, const char *tok, uint32_t *v,
		  const char *what)
{
	uint64_t x = 0;

	if (nexsim_parse_uint(tok, 0, 0xffffffffu, &x))
		return perr(p, "%s, got '%s'", what, tok);
	*v = (uint32_t)x;
	return 0;
}

/* "A" or "A,B" */
static int pair_of(struct parser *p, char *s, uint32_t *a, uint32_t *b)
{
	char *comma = strchr(s, ',');

	if (comma)
		*comma = '\0';
	if (u32_of(p, s, a, "a number for the value's a"))
		return -1;
	return comma ? u32_of(p, comma + 1, b, "a number for the value's b") : 0;
}

/* "SHM" or "SHM,OFFSET,SIZE" */
static int shm_range_of(struct parser *p, char *s, struct pspec *ps)
{
	char *c1 = strchr(s, ',');
	uint64_t v = 0;

	if (c1) {
		char *c2 = strchr(c1 + 1, ',');

		*c1 = '\0';
		if (!c2)
			return perr(p, "SHM,OFFSET,SIZE");
		*c2 = '\0';
		if (nexsim_parse_size(c1 + 1, &v) && strcmp(c1 + 1, "0"))
			return perr(p, "an offset, got '%s'", c1 + 1);
		ps->offset = (size_t)v;
		if (nexsim_parse_size(c2 + 1, &v) && strcmp(c2 + 1, "0"))
			return perr(p, "a size, got '%s'", c2 + 1);
		ps->size = (size_t)v;
		ps->range = true;
	}
	return name_of(p, s, ps->shm, "a shared-memory name");
}

/* A temporary buffer bigger than any VM's RAM is refused by the parser. */
#define MAX_TEMP_BYTES	(1ull << 30)

static int param_of(struct parser *p, char *tok, size_t tok_len,
		    struct pspec *ps)
{
	char *colon = strchr(tok, ':');
	char *v = colon ? colon + 1 : NULL;
	size_t vlen = colon ? tok_len - (size_t)(v - tok) : 0;
	uint64_t size = 0;

	if (colon)
		*colon = '\0';
	if (!strcmp(tok, "none") && !v) {
		ps->type = TEEC_NONE;
	} else if (!strcmp(tok, "vin") && v) {
		ps->type = TEEC_VALUE_INPUT;
		return pair_of(p, v, &ps->a, &ps->b);
	} else if (!strcmp(tok, "vinout") && v) {
		ps->type = TEEC_VALUE_INOUT;
		return pair_of(p, v, &ps->a, &ps->b);
	} else if (!strcmp(tok, "vout") && !v) {
		ps->type = TEEC_VALUE_OUTPUT;
	} else if (!strcmp(tok, "null") && !v) {
		ps->type = TEEC_MEMREF_TEMP_INPUT;
	} else if ((!strcmp(tok, "min") || !strcmp(tok, "minout")) && v) {
		ps->type = tok[3] ? TEEC_MEMREF_TEMP_INOUT :
				    TEEC_MEMREF_TEMP_INPUT;
		ps->text = dup_bytes(v, vlen);
		ps->text_len = vlen;
		ps->size = vlen;
	} else if (!strcmp(tok, "mout") && v) {
		ps->type = TEEC_MEMREF_TEMP_OUTPUT;
		if ((nexsim_parse_size(v, &size) && strcmp(v, "0")) ||
		    size > MAX_TEMP_BYTES)
			return perr(p, "mout:SIZE (up to 1G), got '%s'", v);
		ps->size = (size_t)size;
	} else if (!strcmp(tok, "whole") && v) {
		ps->type = TEEC_MEMREF_WHOLE;
		return name_of(p, v, ps->shm, "whole:SHM");
	} else if ((!strcmp(tok, "rin") || !strcmp(tok, "rout") ||
		    !strcmp(tok, "rinout")) && v) {
		ps->type = !strcmp(tok, "rin") ? TEEC_MEMREF_PARTIAL_INPUT :
			   !strcmp(tok, "rout") ? TEEC_MEMREF_PARTIAL_OUTPUT :
						  TEEC_MEMREF_PARTIAL_INOUT;
		return shm_range_of(p, v, ps);
	} else {
		return perr(p, "a parameter (none, vin:A[,B], vout, vinout:A[,B], "
			    "null, min:TEXT, mout:SIZE, minout:TEXT, whole:SHM, "
			    "rin|rout|rinout:SHM[,OFF,SIZE]), got '%s%s%s'", tok,
			    v ? ":" : "", v ? v : "");
	}
	return 0;
}

/* pN.field */
static int param_index(const char *key, const char *field, int *idx)
{
	size_t fl = strlen(field);

	if (key[0] != 'p' || key[1] < '0' || key[1] > '3' || key[2] != '.' ||
	    strncmp(key + 3, field, fl) || key[3 + fl])
		return -1;
	*idx = key[1] - '0';
	return 0;
}

/* Which expectations a command takes. */
#define EXP_RESULT	1u	/* ret=, origin= */
#define EXP_PARAMS	2u	/* pN.a=, pN.b=, pN.size=, pN.out= */
#define EXP_VIOLATIONS	4u	/* violations= */

static int expect_of(struct parser *p, char *tok, size_t tok_len,
		     unsigned int allowed, struct expect *ex)
{
	char *eq = strchr(tok, '=');
	char *v = eq ? eq + 1 : NULL;
	int i = 0;
	uint64_t n = 0;
	bool is_result = false;
	bool is_param = false;
	const char *what =
		allowed == EXP_RESULT ? "an expectation of open (ret=, origin=)" :
		allowed == EXP_VIOLATIONS ? "check violations=N" :
		"an expectation of invoke (ret=, origin=, pN.a=, pN.b=, "
		"pN.size=, pN.out=)";

	if (!eq)
		return perr(p, "an expectation KEY=VALUE, got '%s'", tok);
	*eq = '\0';
	is_result = !strcmp(tok, "ret") || !strcmp(tok, "origin");
	is_param = !param_index(tok, "a", &i) || !param_index(tok, "b", &i) ||
		   !param_index(tok, "size", &i) ||
		   !param_index(tok, "out", &i);
	if ((is_result && !(allowed & EXP_RESULT)) ||
	    (is_param && !(allowed & EXP_PARAMS)) ||
	    (!strcmp(tok, "violations") && !(allowed & EXP_VIOLATIONS)))
		return perr(p, "%s, got '%s='", what, tok);
	if (!strcmp(tok, "ret")) {
		if (result_parse(v, &ex->ret))
			return perr(p, "a result name (SUCCESS, BAD_PARAMETERS, ...) "
				    "or number, got '%s'", v);
		ex->ret_set = true;
	} else if (!strcmp(tok, "origin")) {
		if (origin_parse(v, &ex->origin))
			return perr(p, "origin API, COMMS, TEE or TA, got '%s'", v);
		ex->origin_set = true;
	} else if (!param_index(tok, "a", &i)) {
		ex->a_set[i] = true;
		return u32_of(p, v, &ex->a[i], "a number");
	} else if (!param_index(tok, "b", &i)) {
		ex->b_set[i] = true;
		return u32_of(p, v, &ex->b[i], "a number");
	} else if (!param_index(tok, "size", &i)) {
		if (nexsim_parse_uint(v, 0, UINT32_MAX, &n))
			return perr(p, "a size, got '%s'", v);
		ex->size_set[i] = true;
		ex->size[i] = (size_t)n;
	} else if (!param_index(tok, "out", &i)) {
		ex->out_len[i] = tok_len - (size_t)(v - tok);
		ex->out[i] = dup_bytes(v, ex->out_len[i]);
	} else if (!strcmp(tok, "violations")) {
		if (nexsim_parse_uint(v, 0, UINT64_MAX, &ex->violations))
			return perr(p, "a count, got '%s'", v);
		ex->violations_set = true;
	} else {
		return perr(p, "%s, got '%s='", what, tok);
	}
	return 0;
}

/* Optional "expect K=V..." at @tok[@from...]. */
static int expectations(struct parser *p, char **tok, size_t *len, int n,
			int from, unsigned int allowed, struct expect *ex)
{
	int i = 0;

	if (from >= n)
		return 0;
	if (strcmp(tok[from], "expect"))
		return perr(p, "'expect' or the end of the line, got '%s'",
			    tok[from]);
	if (from + 1 == n)
		return perr(p, "at least one KEY=VALUE after 'expect'");
	for (i = from + 1; i < n; i++)
		if (expect_of(p, tok[i], len[i], allowed, ex))
			return -1;
	return 0;
}

static int machine_line(struct parser *p, struct scenario *s, char **tok,
			int n)
{
	struct nexsim_config *c = &s->cfg;
	struct sim_machine trial;
	char why[256] = "";
	int i = 0;

	/* The profile first: the other settings change it. */
	for (i = 1; i < n; i++) {
		if (strncmp(tok[i], "profile=", 8))
			continue;
		if (nexsim_config_profile(tok[i] + 8, c, p->err, p->err_size))
			return perr(p, "a profile (default, qemu_v8), got '%s'",
				    tok[i] + 8);
		c->console_level = 0;
	}
	for (i = 1; i < n; i++) {
		char *eq = strchr(tok[i], '=');
		uint64_t v = 0;

		if (!eq)
			return perr(p, "a machine setting KEY=VALUE, got '%s'", tok[i]);
		*eq++ = '\0';
		if (!strcmp(tok[i], "profile")) {
			continue;
		} else if (!strcmp(tok[i], "guests")) {
			if (nexsim_parse_uint(eq, 1, 4096, &v))
				return perr(p, "guests=1..4096, got '%s'", eq);
			c->platform.guest_count = (uint32_t)v;
		} else if (!strcmp(tok[i], "cores")) {
			if (nexsim_parse_uint(eq, 1, 16, &v))
				return perr(p, "cores=1..16, got '%s'", eq);
			c->platform.core_count = (uint32_t)v;
		} else if (!strcmp(tok[i], "threads")) {
			if (nexsim_parse_uint(eq, 1, 32, &v))
				return perr(p, "threads=1..32, got '%s'", eq);
			c->platform.thread_count = (uint32_t)v;
		} else if (!strcmp(tok[i], "heap") || !strcmp(tok[i], "tzdram")) {
			if (nexsim_parse_size(eq, &v) || !v)
				return perr(p, "%s=SIZE, got '%s'", tok[i], eq);
			if (tok[i][0] == 'h')
				c->platform.heap_size = v;
			else
				c->platform.tzdram_size = v;
		} else if (!strcmp(tok[i], "seed")) {
			if (nexsim_parse_uint(eq, 0, UINT64_MAX, &v))
				return perr(p, "seed=NUMBER, got '%s'", eq);
			c->platform.random_seed = v;
		} else if (!strcmp(tok[i], "nsmap")) {
			if (strcmp(eq, "strict") && strcmp(eq, "cache"))
				return perr(p, "nsmap=strict|cache, got '%s'", eq);
			c->ns_map_cache = !strcmp(eq, "cache");
		} else if (!strcmp(tok[i], "violations")) {
			if (strcmp(eq, "abort") && strcmp(eq, "end-call"))
				return perr(p, "violations=abort|end-call, got '%s'",
					    eq);
			c->on_violation = strcmp(eq, "abort") ?
					  SHIM_VIOLATION_END_CALL :
					  SHIM_VIOLATION_ABORT;
		} else {
			return perr(p, "a machine setting (profile, guests, cores, "
				    "threads, heap, tzdram, seed, nsmap, "
				    "violations), got '%s'", tok[i]);
		}
	}
	nexsim_config_place_nsec_ddr(c);
	/* Settings the core refuses are an error of this line: try them. */
	if (!shim_machine_exists()) {
		if (sim_machine_start(&trial, c, why, sizeof(why)))
			return perr(p, "settings the core can boot with (%s)", why);
		sim_machine_stop(&trial);
	}
	return 0;
}

static struct step *new_step(struct scenario *s, struct parser *p)
{
	struct step *st = NULL;

	if (s->count == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct step *grown = realloc(s->steps, cap * sizeof(*grown));

		if (!grown)
			return NULL;
		s->steps = grown;
		s->cap = cap;
	}
	st = &s->steps[s->count++];
	memset(st, 0, sizeof(*st));
	st->line = p->line;
	st->repeat = 1;
	return st;
}

static int step_line(struct parser *p, struct scenario *s, char **tok,
		     size_t *len, int n, const char *source)
{
	struct step *st = new_step(s, p);
	int at = 0;
	uint64_t v = 0;

	if (!st)
		return perr(p, "memory for the script");
	snprintf(st->source, sizeof(st->source), "%s", source);
	st->vcpu = -1;
	if (tok[0][0] == '@') {
		uint32_t cpu = 0;

		if (n < 2)
			return perr(p, "@VCPU COMMAND ...");
		if (u32_of(p, tok[0] + 1, &cpu, "@VCPU, a vCPU number"))
			return -1;
		if (cpu >= MAX_VCPUS)
			return perr(p, "@VCPU, a vCPU below %d, got '%s'",
				    MAX_VCPUS, tok[0]);
		st->vcpu = (int)cpu;
		tok++;
		len++;
		n--;
	}
	if (!strcmp(tok[0], "repeat")) {
		if (n < 3 || u32_of(p, tok[1], &st->repeat,
				    "repeat COUNT COMMAND ..., a count"))
			return n < 3 ? perr(p, "repeat COUNT COMMAND ...") : -1;
		at = 2;
	}
	tok += at;
	len += at;
	n -= at;

	if (st->vcpu >= 0 && (!strcmp(tok[0], "vm") || !strcmp(tok[0], "check")))
		return perr(p, "@VCPU before a client command (open, invoke, "
			    "close, cancel, shm), not '%s'", tok[0]);
	if (!strcmp(tok[0], "vm") && n >= 3 && !strcmp(tok[1], "create")) {
		int i = 0;

		st->op = OP_VM_CREATE;
		st->size = DEFAULT_VM_RAM;
		st->vcpus = 1;
		if (n > 5)
			return perr(p, "vm create NAME [ram=SIZE] [vcpus=N]");
		for (i = 3; i < n; i++) {
			if (!strncmp(tok[i], "ram=", 4)) {
				if (nexsim_parse_size(tok[i] + 4, &v) ||
				    v < 65536)
					return perr(p, "ram=SIZE of 64K or more, "
						    "got '%s'", tok[i] + 4);
				st->size = (size_t)v;
			} else if (!strncmp(tok[i], "vcpus=", 6)) {
				if (u32_of(p, tok[i] + 6, &st->vcpus,
					   "vcpus=N, a count") ||
				    !st->vcpus || st->vcpus > MAX_VCPUS)
					return perr(p, "vcpus=N, 1 to %d",
						    MAX_VCPUS);
			} else {
				return perr(p, "vm create NAME [ram=SIZE] "
					    "[vcpus=N]");
			}
		}
		return name_of(p, tok[2], st->vm, "vm create NAME");
	}
	if (!strcmp(tok[0], "vm") && n == 3 && !strcmp(tok[1], "destroy")) {
		st->op = OP_VM_DESTROY;
		return name_of(p, tok[2], st->vm, "vm destroy NAME");
	}
	if (!strcmp(tok[0], "vm"))
		return perr(p, "vm create NAME [ram=SIZE] or vm destroy NAME");
	if (!strcmp(tok[0], "open")) {
		st->op = OP_OPEN;
		if (n < 4 || name_of(p, tok[1], st->vm, "open VM SESSION TA") ||
		    name_of(p, tok[2], st->label, "open VM SESSION TA"))
			return n < 4 ? perr(p, "open VM SESSION TA [expect ...]") : -1;
		st->ta = catalog_find(tok[3], &st->uuid);
		if (!st->ta && catalog_parse_uuid(tok[3], &st->uuid))
			return perr(p, "a TA name (hello, kv, stress, panic, guest) "
				    "or UUID, got '%s'", tok[3]);
		return expectations(p, tok, len, n, 4, EXP_RESULT, &st->ex);
	}
	if (!strcmp(tok[0], "invoke")) {
		int i = 0;
		int k = 0;

		st->op = OP_INVOKE;
		if (n < 3 || name_of(p, tok[1], st->label, "invoke SESSION CMD"))
			return n < 3 ? perr(p, "invoke SESSION CMD [PARAM...] [expect ...]") : -1;
		if (strlen(tok[2]) >= NAME_MAX_LEN)
			return perr(p, "a command name or number, got '%s'", tok[2]);
		snprintf(st->cmd_name, sizeof(st->cmd_name), "%s", tok[2]);
		for (i = 3; i < n && strcmp(tok[i], "expect"); i++, k++) {
			if (k == 4)
				return perr(p, "at most 4 parameters");
			if (param_of(p, tok[i], len[i], &st->p[k]))
				return -1;
		}
		return expectations(p, tok, len, n, i, EXP_RESULT | EXP_PARAMS,
				    &st->ex);
	}
	if ((!strcmp(tok[0], "close") || !strcmp(tok[0], "cancel")) && n == 2) {
		st->op = tok[0][1] == 'l' ? OP_CLOSE : OP_CANCEL;
		return name_of(p, tok[1], st->label, "a session name");
	}
	if (!strcmp(tok[0], "shm") && n >= 2) {
		if (!strcmp(tok[1], "alloc") && (n == 5 || n == 6)) {
			st->op = OP_SHM_ALLOC;
			if (name_of(p, tok[2], st->vm, "shm alloc VM SHM SIZE") ||
			    name_of(p, tok[3], st->label, "shm alloc VM SHM SIZE"))
				return -1;
			if (nexsim_parse_size(tok[4], &v))
				return perr(p, "a size, got '%s'", tok[4]);
			st->size = (size_t)v;
			st->flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT;
			if (n == 6) {
				if (!strcmp(tok[5], "in"))
					st->flags = TEEC_MEM_INPUT;
				else if (!strcmp(tok[5], "out"))
					st->flags = TEEC_MEM_OUTPUT;
				else if (strcmp(tok[5], "inout"))
					return perr(p, "in, out or inout, got '%s'", tok[5]);
			}
			return 0;
		}
		if ((!strcmp(tok[1], "write") || !strcmp(tok[1], "expect")) &&
		    n == 5) {
			st->op = tok[1][0] == 'w' ? OP_SHM_WRITE : OP_SHM_EXPECT;
			if (name_of(p, tok[2], st->label, "a shared-memory name"))
				return -1;
			if (nexsim_parse_size(tok[3], &v) && strcmp(tok[3], "0"))
				return perr(p, "an offset, got '%s'", tok[3]);
			st->size = (size_t)v;
			st->text = dup_bytes(tok[4], len[4]);
			st->text_len = len[4];
			return 0;
		}
		if (!strcmp(tok[1], "release") && n == 3) {
			st->op = OP_SHM_RELEASE;
			return name_of(p, tok[2], st->label, "a shared-memory name");
		}
		return perr(p, "shm alloc VM SHM SIZE [in|out|inout], shm write|expect "
			    "SHM OFFSET TEXT or shm release SHM");
	}
	if (!strcmp(tok[0], "check")) {
		int i = 0;

		st->op = OP_CHECK;
		for (i = 1; i < n; i++)
			if (expect_of(p, tok[i], len[i], EXP_VIOLATIONS,
				      &st->ex))
				return -1;
		if (n < 2 || !st->ex.violations_set)
			return perr(p, "check violations=N");
		return 0;
	}
	return perr(p, "a command (machine, vm, open, invoke, close, cancel, "
		    "shm, check, repeat), got '%s'", tok[0]);
}

static struct owner *owner_of(struct scenario *s, const char *name)
{
	size_t n = 0;

	for (n = 0; n < s->owner_count; n++)
		if (!strcmp(s->owners[n].name, name))
			return &s->owners[n];
	return NULL;
}

/*
 * Sessions and buffers belong to the VM of the line that made them. A
 * step on a vCPU (@N) runs with the other vCPUs' steps: its VM must be
 * known before the run, from those lines.
 */
static int resolve_vm(struct parser *p, struct scenario *s, struct step *st)
{
	struct owner *o = NULL;

	if (st->op == OP_OPEN || st->op == OP_SHM_ALLOC) {
		o = owner_of(s, st->label);
		if (!o) {
			if (s->owner_count == MAX_OBJECTS)
				return perr(p, "at most %d sessions and buffers",
					    MAX_OBJECTS);
			o = &s->owners[s->owner_count++];
			snprintf(o->name, sizeof(o->name), "%s", st->label);
		}
		snprintf(o->vm, sizeof(o->vm), "%s", st->vm);
		return 0;
	}
	if (st->vcpu < 0 || st->op == OP_VM_CREATE ||
	    st->op == OP_VM_DESTROY || st->op == OP_CHECK)
		return 0;
	o = owner_of(s, st->label);
	if (!o)
		return perr(p, "'%s' opened or allocated by an earlier line",
			    st->label);
	snprintf(st->vm, sizeof(st->vm), "%s", o->vm);
	return 0;
}

/* Longest line a script may have, its newline included. */
#define MAX_LINE	4096

int scenario_load(const char *path, struct scenario **out, char *err,
		  size_t err_size)
{
	struct parser p = { .path = path, .err = err, .err_size = err_size };
	struct scenario *s = calloc(1, sizeof(*s));
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t line_cap = 0;
	ssize_t got = 0;
	bool body = false;

	if (!f || !s) {
		snprintf(err, err_size, "%s: cannot open: %s", path,
			 f ? "out of memory" : "no such file or not readable");
		if (f)
			fclose(f);
		free(s);
		return -1;
	}
	s->path = strdup(path);
	nexsim_config_profile("default", &s->cfg, err, err_size);
	s->cfg.console_level = 0;
	while ((got = getline(&line, &line_cap, f)) >= 0) {
		char source[MAX_LINE];
		char *tok[MAX_TOKENS];
		size_t len[MAX_TOKENS];
		int n = 0;

		p.line++;
		if (got >= MAX_LINE) {
			perr(&p, "a line shorter than %d characters", MAX_LINE);
			goto fail;
		}
		if (strlen(line) != (size_t)got) {
			perr(&p, "text, got a NUL byte");
			goto fail;
		}
		snprintf(source, sizeof(source), "%s", line);
		source[strcspn(source, "\r\n")] = '\0';
		n = tokenize(&p, line, tok, len);
		if (n < 0)
			goto fail;
		if (!n)
			continue;
		if (!strcmp(tok[0], "machine")) {
			if (body) {
				perr(&p, "'machine' before any other command");
				goto fail;
			}
			if (machine_line(&p, s, tok, n))
				goto fail;
			body = true;
			continue;
		}
		body = true;
		if (step_line(&p, s, tok, len, n, source + strspn(source, " \t")) ||
		    resolve_vm(&p, s, &s->steps[s->count - 1]))
			goto fail;
	}
	free(line);
	fclose(f);
	*out = s;
	return 0;
fail:
	free(line);
	fclose(f);
	scenario_free(s);
	return -1;
}

static void free_expect(struct expect *ex)
{
	size_t n = 0;

	for (n = 0; n < 4; n++)
		free(ex->out[n]);
}

void scenario_free(struct scenario *s)
{
	size_t n = 0;
	size_t k = 0;

	if (!s)
		return;
	for (n = 0; n < s->count; n++) {
		for (k = 0; k < 4; k++)
			free(s->steps[n].p[k].text);
		free(s->steps[n].text);
		free_expect(&s->steps[n].ex);
	}
	free(s->steps);
	free(s->path);
	free(s);
}

/* ---- running ---- */

struct vm_rec {
	char name[NAME_MAX_LEN];
	struct vm *vm;
	uint32_t vcpus;
	TEEC_Context ctx;
	bool live;
	uint32_t client_id;
	uint64_t calls;
	struct core_guest_info last;	/* taken at destruction */
	uint64_t switches;
};

struct sess_rec {
	char name[NAME_MAX_LEN];
	struct vm_rec *vm;
	const struct ta_info *ta;
	TEEC_Session s;
	bool open;
};

struct shm_rec {
	char name[NAME_MAX_LEN];
	struct vm_rec *vm;
	TEEC_SharedMemory m;
	bool live;
};

struct runner {
	const struct scenario *s;
	const struct scenario_options *opt;
	FILE *out;
	struct sim_machine m;
	struct vm_rec vms[MAX_OBJECTS];
	size_t vm_count;
	struct sess_rec sess[MAX_OBJECTS];
	size_t sess_count;
	struct shm_rec shm[MAX_OBJECTS];
	size_t shm_count;
	unsigned int passed;
	unsigned int failed;
	struct sched_stats sched;
};

static struct vm_rec *find_vm(struct runner *r, const char *name)
{
	size_t n = 0;

	for (n = 0; n < r->vm_count; n++)
		if (!strcmp(r->vms[n].name, name))
			return &r->vms[n];
	return NULL;
}

static struct sess_rec *find_sess(struct runner *r, const char *name)
{
	size_t n = 0;

	for (n = 0; n < r->sess_count; n++)
		if (!strcmp(r->sess[n].name, name))
			return &r->sess[n];
	return NULL;
}

static struct shm_rec *find_shm(struct runner *r, const char *name)
{
	size_t n = 0;

	for (n = 0; n < r->shm_count; n++)
		if (!strcmp(r->shm[n].name, name))
			return &r->shm[n];
	return NULL;
}

static void fail(struct runner *r, const struct step *st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct runner *r, const struct step *st, const char *fmt, ...)
{
	va_list ap;

	r->failed++;
	fprintf(stderr, "%s:%d: ", r->s->path, st->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void log_step(struct runner *r, const struct step *st, const char *fmt,
		     ...) __attribute__((format(printf, 3, 4)));

static void log_step(struct runner *r, const struct step *st, const char *fmt,
		     ...)
{
	va_list ap;

	if (r->opt->json)
		return;
	fprintf(r->out, "%4d  %-44.44s  ", st->line, st->source);
	va_start(ap, fmt);
	vfprintf(r->out, fmt, ap);
	va_end(ap);
	fputc('\n', r->out);
}

static bool has_expectations(const struct expect *ex)
{
	size_t n = 0;

	if (ex->ret_set || ex->origin_set)
		return true;
	for (n = 0; n < 4; n++)
		if (ex->a_set[n] || ex->b_set[n] || ex->size_set[n] || ex->out[n])
			return true;
	return false;
}

static bool check_result(struct runner *r, const struct step *st,
			 uint32_t res, uint32_t origin)
{
	const struct expect *ex = &st->ex;

	if (ex->ret_set && res != ex->ret) {
		fail(r, st, "expected ret=%s (0x%08x), got %s (0x%08x) origin %s",
		     result_name(ex->ret), ex->ret, result_name(res), res,
		     origin_name(origin));
		return false;
	}
	if (ex->origin_set && origin != ex->origin) {
		fail(r, st, "expected origin=%s, got %s", origin_name(ex->origin),
		     origin_name(origin));
		return false;
	}
	/* Without an expectation, anything but success is a failure. */
	if (!ex->ret_set && res) {
		fail(r, st, "got %s (0x%08x) origin %s, and no 'expect ret='",
		     result_name(res), res, origin_name(origin));
		return false;
	}
	return true;
}

static int op_vm_create(struct runner *r, const struct step *st)
{
	struct vm_rec *v = find_vm(r, st->vm);
	char err[256];

	if (v && v->live) {
		fail(r, st, "VM '%s' exists already", st->vm);
		return 0;
	}
	if (!v) {
		if (r->vm_count == MAX_OBJECTS) {
			fail(r, st, "more than %d VMs in one script", MAX_OBJECTS);
			return 0;
		}
		v = &r->vms[r->vm_count++];
		memset(v, 0, sizeof(*v));
		snprintf(v->name, sizeof(v->name), "%s", st->vm);
	}
	v->vm = hyp_vm_create(st->size, err, sizeof(err));
	if (!v->vm) {
		fail(r, st, "VM '%s' not created: %s", st->vm, err);
		return 0;
	}
	guest_select(v->vm);
	if (TEEC_InitializeContext(NULL, &v->ctx)) {
		fail(r, st, "VM '%s' finds no TEE", st->vm);
		return 0;
	}
	v->live = true;
	v->vcpus = st->vcpus;
	v->client_id = v->vm->client_id;
	log_step(r, st, "dom%u, client ID %u", v->vm->domid, v->client_id);
	return 0;
}

static void snapshot(struct vm_rec *v)
{
	int32_t slot = core_find_guest_slot((uint16_t)v->client_id);

	if (slot >= 0)
		core_get_slot_info((uint32_t)slot, &v->last);
	v->switches = shim_prtn_switches_of((uint16_t)v->client_id);
}

static int op_vm_destroy(struct runner *r, const struct step *st)
{
	struct vm_rec *v = find_vm(r, st->vm);
	size_t n = 0;

	if (!v || !v->live) {
		fail(r, st, "no VM '%s' to destroy", st->vm);
		return 0;
	}
	/* No step starts on it now; those of other vCPUs finish first. */
	v->live = false;
	hyp_vm_stop(v->vm);
	/* Read its figures from a core of our own, no call on it. */
	sched_core_get();
	snapshot(v);
	sched_core_put();
	v->calls = v->vm->smcs;
	TEEC_FinalizeContext(&v->ctx);
	hyp_vm_destroy(v->vm);
	v->vm = NULL;
	for (n = 0; n < r->sess_count; n++)
		if (r->sess[n].vm == v)
			r->sess[n].open = false;
	for (n = 0; n < r->shm_count; n++)
		if (r->shm[n].vm == v && r->shm[n].live) {
			TEEC_ReleaseSharedMemory(&r->shm[n].m);
			r->shm[n].live = false;
		}
	log_step(r, st, "destroyed");
	return 0;
}

static int op_open(struct runner *r, const struct step *st)
{
	struct vm_rec *v = find_vm(r, st->vm);
	struct sess_rec *s = find_sess(r, st->label);
	uint32_t origin = 0;
	TEEC_Result res = 0;

	if (!v || !v->live) {
		fail(r, st, "no VM '%s'", st->vm);
		return 0;
	}
	if (s && s->open) {
		fail(r, st, "session '%s' is open already", st->label);
		return 0;
	}
	if (!s) {
		if (r->sess_count == MAX_OBJECTS) {
			fail(r, st, "more than %d sessions", MAX_OBJECTS);
			return 0;
		}
		s = &r->sess[r->sess_count++];
		memset(s, 0, sizeof(*s));
		snprintf(s->name, sizeof(s->name), "%s", st->label);
	}
	s->vm = v;
	s->ta = st->ta;
	res = TEEC_OpenSession(&v->ctx, &s->s, &st->uuid, TEEC_LOGIN_PUBLIC,
			       NULL, NULL, &origin);
	s->open = !res;
	if (check_result(r, st, res, origin))
		r->passed += has_expectations(&st->ex);
	log_step(r, st, "%s origin %s%s", result_name(res), origin_name(origin),
		 res ? "" : ", session open");
	return 0;
}

static bool prepare_op(struct runner *r, const struct step *st,
		       TEEC_Operation *op, char **bufs)
{
	size_t n = 0;

	memset(op, 0, sizeof(*op));
	op->paramTypes = TEEC_PARAM_TYPES(st->p[0].type, st->p[1].type,
					  st->p[2].type, st->p[3].type);
	for (n = 0; n < 4; n++) {
		const struct pspec *ps = &st->p[n];
		TEEC_Parameter *p = &op->params[n];
		struct shm_rec *sh = NULL;

		bufs[n] = NULL;
		switch (ps->type) {
		case TEEC_VALUE_INPUT:
		case TEEC_VALUE_INOUT:
			p->value.a = ps->a;
			p->value.b = ps->b;
			break;
		case TEEC_MEMREF_TEMP_INPUT:
		case TEEC_MEMREF_TEMP_OUTPUT:
		case TEEC_MEMREF_TEMP_INOUT:
			if (!ps->text && !ps->size)
				break;	/* null: a NULL memref */
			bufs[n] = calloc(1, ps->size ? ps->size : 1);
			if (!bufs[n]) {
				fail(r, st, "cannot allocate the %zu bytes of p%zu",
				     ps->size, n);
				return false;
			}
			if (ps->text)
				memcpy(bufs[n], ps->text, ps->text_len);
			p->tmpref.buffer = bufs[n];
			p->tmpref.size = ps->size;
			break;
		case TEEC_MEMREF_WHOLE:
		case TEEC_MEMREF_PARTIAL_INPUT:
		case TEEC_MEMREF_PARTIAL_OUTPUT:
		case TEEC_MEMREF_PARTIAL_INOUT:
			sh = find_shm(r, ps->shm);
			if (!sh || !sh->live) {
				fail(r, st, "no shared memory '%s'", ps->shm);
				return false;
			}
			p->memref.parent = &sh->m;
			p->memref.offset = ps->offset;
			p->memref.size = ps->range ? ps->size : sh->m.size;
			break;
		default:
			break;
		}
	}
	return true;
}

static bool check_outputs(struct runner *r, const struct step *st,
			  const TEEC_Operation *op)
{
	const struct expect *ex = &st->ex;
	size_t n = 0;

	for (n = 0; n < 4; n++) {
		const TEEC_Parameter *p = &op->params[n];
		uint32_t type = st->p[n].type;
		size_t size = type == TEEC_MEMREF_WHOLE ||
			      type >= TEEC_MEMREF_PARTIAL_INPUT ?
			      p->memref.size : p->tmpref.size;
		const char *data = NULL;
		size_t avail = 0;	/* bytes of the client's buffer there */
		size_t shown = 0;

		if (ex->a_set[n] && p->value.a != ex->a[n]) {
			fail(r, st, "expected p%zu.a=%u, got %u", n, ex->a[n],
			     p->value.a);
			return false;
		}
		if (ex->b_set[n] && p->value.b != ex->b[n]) {
			fail(r, st, "expected p%zu.b=%u, got %u", n, ex->b[n],
			     p->value.b);
			return false;
		}
		if (ex->size_set[n] && size != ex->size[n]) {
			fail(r, st, "expected p%zu.size=%zu, got %zu", n,
			     ex->size[n], size);
			return false;
		}
		if (!ex->out[n])
			continue;
		if (type == TEEC_MEMREF_TEMP_OUTPUT ||
		    type == TEEC_MEMREF_TEMP_INOUT) {
			data = p->tmpref.buffer;
			avail = data ? st->p[n].size : 0;
		} else if (p->memref.parent &&
			   p->memref.offset <= p->memref.parent->size) {
			data = (const char *)p->memref.parent->buffer +
			       p->memref.offset;
			avail = p->memref.parent->size - p->memref.offset;
		}
		/* After SHORT_BUFFER the size is more than the buffer holds. */
		if (!data || size != ex->out_len[n] || size > avail ||
		    memcmp(data, ex->out[n], size)) {
			shown = size < avail ? size : avail;
			shown = shown < 64 ? shown : 64;
			fail(r, st, "expected p%zu.out=\"%s\", got %zu bytes \"%.*s\"%s",
			     n, ex->out[n], size, (int)shown, data ? data : "",
			     size > avail ? " (more than the buffer holds)" : "");
			return false;
		}
	}
	return true;
}

static void describe_outputs(const struct step *st, const TEEC_Operation *op,
			     char *buf, size_t size)
{
	size_t used = 0;
	size_t n = 0;

	buf[0] = '\0';
	for (n = 0; n < 4 && used < size; n++) {
		uint32_t type = st->p[n].type;
		int w = 0;

		if (type == TEEC_VALUE_OUTPUT || type == TEEC_VALUE_INOUT)
			w = snprintf(buf + used, size - used, " p%zu.a=%u p%zu.b=%u",
				     n, op->params[n].value.a, n,
				     op->params[n].value.b);
		else if (type == TEEC_MEMREF_TEMP_OUTPUT ||
			 type == TEEC_MEMREF_TEMP_INOUT)
			w = snprintf(buf + used, size - used, " p%zu.size=%zu", n,
				     op->params[n].tmpref.size);
		else if (type == TEEC_MEMREF_PARTIAL_OUTPUT ||
			 type == TEEC_MEMREF_PARTIAL_INOUT || type == TEEC_MEMREF_WHOLE)
			w = snprintf(buf + used, size - used, " p%zu.size=%zu", n,
				     op->params[n].memref.size);
		if (w > 0)
			used += (size_t)w;
	}
}

static int op_invoke(struct runner *r, const struct step *st)
{
	struct sess_rec *s = find_sess(r, st->label);
	TEEC_Operation op;
	char *bufs[4] = { 0 };
	char outs[160];
	uint32_t origin = 0;
	uint32_t cmd = 0;
	TEEC_Result res = 0;
	size_t n = 0;
	bool ok = false;

	if (!s || !s->vm) {
		fail(r, st, "no session '%s'", st->label);
		return 0;
	}
	if (catalog_cmd(s->ta, st->cmd_name, &cmd)) {
		fail(r, st, "'%s' is not a command of %s (a number, or one of "
		     "its command names)", st->cmd_name,
		     s->ta ? s->ta->name : "this TA");
		return 0;
	}
	if (!prepare_op(r, st, &op, bufs))
		goto out;
	res = TEEC_InvokeCommand(&s->s, cmd, &op, &origin);
	ok = check_result(r, st, res, origin) && check_outputs(r, st, &op);
	if (ok)
		r->passed += has_expectations(&st->ex);
	describe_outputs(st, &op, outs, sizeof(outs));
	log_step(r, st, "%s origin %s%s", result_name(res), origin_name(origin),
		 outs);
out:
	for (n = 0; n < 4; n++)
		free(bufs[n]);
	return 0;
}

static int op_close_cancel(struct runner *r, const struct step *st)
{
	struct sess_rec *s = find_sess(r, st->label);

	if (!s || !s->open) {
		fail(r, st, "no open session '%s'", st->label);
		return 0;
	}
	if (st->op == OP_CLOSE) {
		TEEC_CloseSession(&s->s);
		s->open = false;
		log_step(r, st, "closed");
	} else {
		TEEC_Operation op;

		memset(&op, 0, sizeof(op));
		op.imp.session = &s->s;
		TEEC_RequestCancellation(&op);
		log_step(r, st, "cancel sent");
	}
	return 0;
}

static int op_shm(struct runner *r, const struct step *st)
{
	struct shm_rec *sh = find_shm(r, st->label);
	struct vm_rec *v = NULL;
	TEEC_Result res = 0;

	switch (st->op) {
	case OP_SHM_ALLOC:
		v = find_vm(r, st->vm);
		if (!v || !v->live || (sh && sh->live)) {
			fail(r, st, v && v->live ? "shared memory '%s' exists" :
			     "no VM '%s'", v && v->live ? st->label : st->vm);
			return 0;
		}
		if (!sh) {
			if (r->shm_count == MAX_OBJECTS) {
				fail(r, st, "more than %d buffers", MAX_OBJECTS);
				return 0;
			}
			sh = &r->shm[r->shm_count++];
			snprintf(sh->name, sizeof(sh->name), "%s", st->label);
		}
		memset(&sh->m, 0, sizeof(sh->m));
		sh->vm = v;
		sh->m.size = st->size;
		sh->m.flags = st->flags;
		res = TEEC_AllocateSharedMemory(&v->ctx, &sh->m);
		if (res) {
			fail(r, st, "allocation failed: %s", result_name(res));
			return 0;
		}
		sh->live = true;
		log_step(r, st, "registered, %zu bytes", st->size);
		return 0;
	case OP_SHM_WRITE:
	case OP_SHM_EXPECT:
		if (!sh || !sh->live || st->size > sh->m.size ||
		    st->text_len > sh->m.size - st->size) {
			fail(r, st, "no shared memory '%s' with room for that",
			     st->label);
			return 0;
		}
		if (st->op == OP_SHM_WRITE) {
			memcpy((char *)sh->m.buffer + st->size, st->text,
			       st->text_len);
			log_step(r, st, "written");
		} else if (memcmp((char *)sh->m.buffer + st->size, st->text,
				  st->text_len)) {
			fail(r, st, "shared memory '%s' does not hold that",
			     st->label);
		} else {
			r->passed++;
			log_step(r, st, "as expected");
		}
		return 0;
	case OP_SHM_RELEASE:
		if (!sh || !sh->live) {
			fail(r, st, "no shared memory '%s'", st->label);
			return 0;
		}
		TEEC_ReleaseSharedMemory(&sh->m);
		sh->live = false;
		log_step(r, st, "released");
		return 0;
	default:
		return 0;
	}
}

static int op_check(struct runner *r, const struct step *st)
{
	struct shim_stats stats;

	shim_get_stats(&stats);
	if (st->ex.violations_set && stats.violations != st->ex.violations) {
		fail(r, st, "expected violations=%" PRIu64 ", got %" PRIu64,
		     st->ex.violations, stats.violations);
		return 0;
	}
	r->passed++;
	log_step(r, st, "violations=%" PRIu64, stats.violations);
	return 0;
}

static int dispatch(struct runner *r, const struct step *st)
{
	switch (st->op) {
	case OP_VM_CREATE:
		return op_vm_create(r, st);
	case OP_VM_DESTROY:
		return op_vm_destroy(r, st);
	case OP_OPEN:
		return op_open(r, st);
	case OP_INVOKE:
		return op_invoke(r, st);
	case OP_CLOSE:
	case OP_CANCEL:
		return op_close_cancel(r, st);
	case OP_SHM_ALLOC:
	case OP_SHM_WRITE:
	case OP_SHM_EXPECT:
	case OP_SHM_RELEASE:
		return op_shm(r, st);
	case OP_CHECK:
		return op_check(r, st);
	}
	return 0;
}

/* The VM a client step works in, if it can be told now. */
static struct vm_rec *vm_of_step(struct runner *r, const struct step *st)
{
	struct sess_rec *se = NULL;
	struct shm_rec *sh = NULL;

	switch (st->op) {
	case OP_OPEN:
	case OP_SHM_ALLOC:
		return find_vm(r, st->vm);
	case OP_INVOKE:
	case OP_CLOSE:
	case OP_CANCEL:
		se = find_sess(r, st->label);
		return se ? se->vm : NULL;
	case OP_SHM_WRITE:
	case OP_SHM_EXPECT:
	case OP_SHM_RELEASE:
		sh = find_shm(r, st->label);
		return sh ? sh->vm : NULL;
	default:
		return NULL;
	}
}

/*
 * One step. A client step keeps its VM busy while it runs, so that a
 * destroy from another vCPU waits for it (as Xen waits for vCPUs).
 */
static int run_step(struct runner *r, const struct step *st)
{
	struct vm_rec *v = vm_of_step(r, st);
	struct vm *vm = v && v->live ? v->vm : NULL;
	int rc = 0;

	if (st->vcpu >= 0 && v && v->live && (uint32_t)st->vcpu >= v->vcpus) {
		fail(r, st, "VM '%s' has %u vCPU(s) (vm create ... vcpus=N)",
		     v->name, v->vcpus);
		return 0;
	}
	if (vm)
		vm->in_call++;
	rc = dispatch(r, st);
	if (vm)
		vm->in_call--;
	return rc;
}

/* The steps one vCPU runs in a phase, in order. */
struct program {
	struct runner *r;
	char vm[NAME_MAX_LEN];
	int vcpu;
	const struct step *steps[MAX_PHASE_STEPS];
	size_t count;
};

static void program_main(void *arg)
{
	struct program *pg = arg;
	size_t n = 0;
	uint32_t k = 0;

	for (n = 0; n < pg->count; n++)
		for (k = 0; k < pg->steps[n]->repeat; k++)
			run_step(pg->r, pg->steps[n]);
}

static struct program *program_for(struct program *pgs, size_t *count,
				   const struct step *st)
{
	size_t n = 0;

	for (n = 0; n < *count; n++)
		if (pgs[n].vcpu == st->vcpu && !strcmp(pgs[n].vm, st->vm))
			return &pgs[n];
	if (*count == MAX_PROGRAMS)
		return NULL;
	memset(&pgs[*count], 0, sizeof(pgs[0]));
	snprintf(pgs[*count].vm, sizeof(pgs[0].vm), "%s", st->vm);
	pgs[*count].vcpu = st->vcpu;
	return &pgs[(*count)++];
}

/*
 * Steps [@first, @end): one step without @, or a run of steps with @N,
 * one vCPU program each, run together under the scheduler.
 */
static int run_phase(struct runner *r, size_t first, size_t end, char *err,
		     size_t err_size)
{
	static struct program pgs[MAX_PROGRAMS];
	size_t count = 0;
	size_t n = 0;

	for (n = first; n < end; n++) {
		const struct step *st = &r->s->steps[n];
		struct program *pg = program_for(pgs, &count, st);

		if (!pg || pg->count == MAX_PHASE_STEPS) {
			snprintf(err, err_size, "%s:%d: at most %d vCPU "
				 "programs of %d steps run together",
				 r->s->path, st->line, MAX_PROGRAMS,
				 MAX_PHASE_STEPS);
			return -1;
		}
		pg->r = r;
		pg->steps[pg->count++] = st;
	}
	for (n = 0; n < count; n++) {
		char label[NAME_MAX_LEN + 8];
		const struct step *st = pgs[n].steps[0];

		if (st->op == OP_VM_CREATE || st->op == OP_VM_DESTROY ||
		    st->op == OP_CHECK)
			snprintf(label, sizeof(label), "hyp");
		else if (pgs[n].vcpu < 0)
			snprintf(label, sizeof(label), "%s.0",
				 vm_of_step(r, st) ? vm_of_step(r, st)->name :
						     st->vm);
		else
			snprintf(label, sizeof(label), "%s.%d", pgs[n].vm,
				 pgs[n].vcpu);
		if (sched_spawn(label, program_main, &pgs[n])) {
			snprintf(err, err_size, "cannot start vCPU %s", label);
			return -1;
		}
	}
	if (sched_run(err, err_size)) {
		char why[200];

		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, err_size, "%s:%d: %s", r->s->path,
			 r->s->steps[first].line, why);
		return -1;
	}
	return 0;
}

static void json_guest(FILE *out, const struct vm_rec *v,
		       const struct core_guest_info *g, uint64_t calls,
		       uint64_t switches, bool first)
{
	fprintf(out, "%s\n    {\"vm\": \"%s\", \"id\": %u, \"live\": %s, "
		"\"calls\": %" PRIu64 ", \"std_calls\": %" PRIu64
		", \"fast_calls\": %" PRIu64 ", \"heap_used\": %zu, "
		"\"heap_share\": %zu, \"ta_ram_used\": %zu, "
		"\"ta_ram_share\": %zu, \"partition_switches\": %" PRIu64
		", \"mutex_contentions\": %" PRIu64 "}",
		first ? "" : ",", v->name, v->client_id, v->live ? "true" : "false",
		calls, g->std_calls, g->fast_calls, g->heap_used, g->heap_size,
		g->ta_ram_used, g->ta_ram_size, switches, g->mutex_contentions);
}

static void report(struct runner *r)
{
	struct shim_stats st;
	struct core_nexus_info nx;
	size_t n = 0;

	shim_get_stats(&st);
	core_get_nexus_info(&nx);
	if (!r->opt->json) {
		fprintf(r->out, "\n%u expectations held, %u failed; %" PRIu64
			" fast and %" PRIu64 " std SMCs, %" PRIu64
			" partition switches, %" PRIu64 " isolation violations\n",
			r->passed, r->failed, st.fast_smcs, st.std_smcs,
			st.prtn_switches, st.violations);
		return;
	}
	fprintf(r->out, "{\n  \"script\": \"%s\",\n  \"profile\": \"%s\",\n"
		"  \"guest_count\": %u,\n  \"tee_ram_share\": %zu,\n"
		"  \"ta_ram_share\": %zu,\n  \"guests\": [",
		r->s->path, r->m.cfg.platform.name, nx.guest_count,
		nx.tee_ram_share, nx.ta_ram_share);
	for (n = 0; n < r->vm_count; n++) {
		struct vm_rec *v = &r->vms[n];

		if (v->live) {
			snapshot(v);
			v->calls = v->vm->smcs;
		}
		json_guest(r->out, v, &v->last, v->calls, v->switches, n == 0);
	}
	fprintf(r->out, "\n  ],\n  \"totals\": {\"fast_smcs\": %" PRIu64
		", \"std_smcs\": %" PRIu64 ", \"partition_switches\": %" PRIu64
		", \"isolation_violations\": %" PRIu64
		", \"ns_maps\": %" PRIu64 ", \"ns_map_cache_hits\": %" PRIu64
		", \"expectations_passed\": %u, \"expectations_failed\": %u},\n"
		"  \"scheduler\": {\"cores\": %u, \"seed\": %" PRIu64
		", \"preempt_permille\": %u, \"switches\": %" PRIu64
		", \"preemption_points\": %" PRIu64 ", \"preemptions\": %" PRIu64
		", \"foreign_interrupts\": %" PRIu64 ", \"blocked_waits\": %" PRIu64
		"}\n}\n",
		st.fast_smcs, st.std_smcs, st.prtn_switches, st.violations,
		st.ns_maps, st.ns_map_cache_hits, r->passed, r->failed,
		r->m.cfg.platform.core_count, r->opt->seed,
		r->opt->preempt_permille, r->sched.switches, r->sched.points,
		r->sched.preemptions, r->sched.interrupts, r->sched.blocks);
}

int scenario_run(struct scenario *s, const struct scenario_options *opt,
		 FILE *out, char *err, size_t err_size)
{
	struct runner *r = calloc(1, sizeof(*r));
	struct sched_params sp = { 0 };
	size_t end = 0;
	size_t n = 0;
	int rc = 0;

	if (!r) {
		snprintf(err, err_size, "out of memory");
		return -1;
	}
	r->s = s;
	r->opt = opt;
	r->out = out;
	/* --cores: the platform has that many cores, the scheduler uses all. */
	if (opt->cores)
		s->cfg.platform.core_count = opt->cores;
	if (sim_machine_start(&r->m, &s->cfg, err, err_size)) {
		free(r);
		return -1;
	}
	if (hyp_init(&r->m, err, err_size)) {
		sim_machine_stop(&r->m);
		free(r);
		return -1;
	}
	sp.cores = s->cfg.platform.core_count;
	sp.seed = opt->seed;
	sp.preempt_permille = opt->preempt_permille;
	if (sched_start(&sp, err, err_size)) {
		hyp_fini();
		sim_machine_stop(&r->m);
		free(r);
		return -1;
	}
	if (opt->trace) {
		sim_trace_start(opt->trace);
		sim_trace_shim_events(true);
	}
	rc = 0;
	for (n = 0; n < s->count && !rc; n = end) {
		end = n + 1;
		if (s->steps[n].vcpu >= 0)
			while (end < s->count && s->steps[end].vcpu >= 0)
				end++;
		rc = run_phase(r, n, end, err, err_size);
	}
	sim_trace_shim_events(false);
	sim_trace_stop();
	if (rc) {
		/* A deadlock: what is half-done stays so; report and stop. */
		fprintf(stderr, "nexsim: %s\n", err);
		r->failed++;
	}
	sched_get_stats(&r->sched);
	report(r);
	sched_stop();
	rc = r->failed ? 1 : 0;
	for (n = 0; n < r->shm_count; n++)
		if (r->shm[n].live)
			TEEC_ReleaseSharedMemory(&r->shm[n].m);
	hyp_fini();
	sim_machine_stop(&r->m);
	free(r);
	return rc;
}
