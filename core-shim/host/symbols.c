// SPDX-License-Identifier: BSD-2-Clause
/*
 * This executable's own symbol table, read once from /proc/self/exe: the
 * names of banked objects and of the functions that touch them, for the
 * isolation reports. Static functions and file-local objects are in the
 * symbol table but not in the dynamic one, so dladdr() alone is not enough.
 */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shim_internal.h"

struct sym {
	uintptr_t addr;
	uintptr_t size;
	const char *name;
	bool is_func;
};

static struct sym *syms;
static size_t sym_count;
static const char *exe_name = "?";

static int cmp_sym(const void *a, const void *b)
{
	const struct sym *x = a;
	const struct sym *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* Prefer sized symbols at the same address. */
	return x->size > y->size ? -1 : x->size < y->size;
}

static int find_bias(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	*(uintptr_t *)data = info->dlpi_addr;
	return 1;	/* the first object is the executable */
}

void symbols_load(void)
{
	const Elf64_Ehdr *eh = NULL;
	const Elf64_Shdr *sh = NULL;
	struct stat st;
	uintptr_t bias = 0;
	void *map = NULL;
	size_t n = 0;
	int fd = -1;

	if (syms)
		return;
	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		goto out;
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		goto out;
	eh = map;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || !eh->e_shoff)
		goto out;
	sh = (const Elf64_Shdr *)((const char *)map + eh->e_shoff);
	dl_iterate_phdr(find_bias, &bias);

	for (n = 0; n < eh->e_shnum; n++) {
		const Elf64_Sym *s = NULL;
		const char *strtab = NULL;
		size_t count = 0;
		size_t i = 0;

		if (sh[n].sh_type != SHT_SYMTAB)
			continue;
		s = (const Elf64_Sym *)((const char *)map + sh[n].sh_offset);
		strtab = (const char *)map + sh[sh[n].sh_link].sh_offset;
		count = sh[n].sh_size / sizeof(*s);
		syms = calloc(count, sizeof(*syms));
		if (!syms)
			goto out;
		for (i = 0; i < count; i++) {
			int type = ELF64_ST_TYPE(s[i].st_info);

			if ((type != STT_FUNC && type != STT_OBJECT) ||
			    !s[i].st_value || s[i].st_shndx == SHN_UNDEF)
				continue;
			syms[sym_count].addr = bias + s[i].st_value;
			syms[sym_count].size = s[i].st_size;
			syms[sym_count].name = strtab + s[i].st_name;
			syms[sym_count].is_func = type == STT_FUNC;
			sym_count++;
		}
		qsort(syms, sym_count, sizeof(*syms), cmp_sym);
		break;
	}
	exe_name = program_invocation_short_name;
	/* The file stays mapped: names point into its string table. */
	map = NULL;
out:
	if (map && map != MAP_FAILED)
		munmap(map, (size_t)st.st_size);
	if (fd >= 0)
		close(fd);
}

/* Last symbol of @want_func kind at or below @addr. */
static const struct sym *sym_below(uintptr_t addr, bool want_func)
{
	size_t lo = 0;
	size_t hi = sym_count;
	size_t i = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i-- > 0;)
		if (syms[i].is_func == want_func)
			return &syms[i];
	return NULL;
}

bool symbols_object_at(uintptr_t addr, const char **name, uintptr_t *offset)
{
	const struct sym *s = sym_below(addr, false);

	if (!s)
		return false;
	*name = s->name;
	*offset = addr - s->addr;
	/* Past its end: a redzone or padding after the nearest object. */
	return addr < s->addr + (s->size ? s->size : 1);
}

size_t symbols_objects_between(uintptr_t start, uintptr_t end)
{
	size_t count = 0;
	size_t i = 0;

	for (i = 0; i < sym_count; i++)
		if (!syms[i].is_func && syms[i].addr >= start &&
		    syms[i].addr < end)
			count++;
	return count;
}

static bool is_toolchain_name(const char *name)
{
	static const char *const prefixes[] = {
		".L", "__gcov", "__asan", "__odr_asan", "__llvm", "__sancov",
		"__ubsan", "__unnamed", "__profc", "__profd",
	};
	size_t i = 0;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

const char *symbols_find_toolchain_object(uintptr_t start, uintptr_t end)
{
	size_t i = 0;

	for (i = 0; i < sym_count; i++)
		if (syms[i].addr >= start && syms[i].addr < end &&
		    is_toolchain_name(syms[i].name))
			return syms[i].name;
	return NULL;
}

void symbols_describe_code(uintptr_t pc, char *buf, size_t size)
{
	const struct sym *s = sym_below(pc, true);
	Dl_info info;

	if (s && pc < s->addr + (s->size ? s->size : 1)) {
		snprintf(buf, size, "%s+0x%lx (%s)", s->name,
			 (unsigned long)(pc - s->addr), exe_name);
		return;
	}
	memset(&info, 0, sizeof(info));
	if (dladdr((void *)pc, &info) && info.dli_fname) {
		const char *obj = strrchr(info.dli_fname, '/');

		obj = obj ? obj + 1 : info.dli_fname;
		if (info.dli_sname)
			snprintf(buf, size, "%s+0x%lx (%s)", info.dli_sname,
				 (unsigned long)(pc - (uintptr_t)info.dli_saddr),
				 obj);
		else
			snprintf(buf, size, "0x%lx (%s+0x%lx)",
				 (unsigned long)pc, obj,
				 (unsigned long)(pc - (uintptr_t)info.dli_fbase));
		return;
	}
	snprintf(buf, size, "0x%lx", (unsigned long)pc);
}
