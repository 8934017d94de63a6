// SPDX-License-Identifier: BSD-2-Clause
/*
 * `nexsim layout`: the memory map of a live machine, drawn from what the
 * nexus, the MMU and the linker report, as the banked picture of OP-TEE's
 * virtualization documentation: one nexus, one TEE bank per guest.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arch/entry.h>
#include <sim/layout.h>

#define MAX_COLUMNS	4
#define COLUMN_WIDTH	19

static const char *sz(uint64_t bytes, char *buf, size_t size)
{
	return nexsim_format_size(bytes, buf, size);
}

static void print_physical(FILE *out, const struct arch_platform *p,
			   const struct core_nexus_info *n)
{
	uint64_t tz = pa_addr(p->tzdram_base);
	uint64_t ns = pa_addr(p->nsec_ddr_base);
	uint64_t shares_end = pa_addr(n->shares_pa) +
			      (uint64_t)n->guest_count *
			      (n->tee_ram_share + n->ta_ram_share);
	char a[32], b[32], c[32];

	fprintf(out, "Physical memory\n");
	fprintf(out, "  0x%08" PRIx64 "-0x%08" PRIx64 "  %-9s TZDRAM, secure\n",
		tz, tz + p->tzdram_size, sz(p->tzdram_size, a, sizeof(a)));
	fprintf(out, "    0x%08" PRIx64 "-0x%08" PRIx64 "  %-9s TEE RAM, kept by the nexus\n",
		tz, tz + p->tee_ram_size, sz(p->tee_ram_size, a, sizeof(a)));
	fprintf(out, "      0x%08" PRIx64 "  %-9s nexus heap (%s in use)\n",
		pa_addr(n->nex_heap_pa), sz(n->nex_heap_size, a, sizeof(a)),
		sz(n->nex_heap_used, b, sizeof(b)));
	fprintf(out, "      0x%08" PRIx64 "  %-9s guest ID index, 16-bit IDs (%s in use)\n",
		pa_addr(n->guest_index_pa), sz(n->guest_index_size, a, sizeof(a)),
		sz(n->guest_index_used, b, sizeof(b)));
	fprintf(out, "    0x%08" PRIx64 "-0x%08" PRIx64 "  %-9s TA pool, split in %u equal shares\n",
		pa_addr(n->ta_pool_pa), pa_addr(n->ta_pool_pa) + n->ta_pool_size,
		sz(n->ta_pool_size, a, sizeof(a)), n->guest_count);
	fprintf(out, "      0x%08" PRIx64 "  %-9s guest tables, %u x %s (nexus)\n",
		pa_addr(n->tables_pa),
		sz((uint64_t)n->table_size * n->guest_count, a, sizeof(a)),
		n->guest_count, sz(n->table_size, b, sizeof(b)));
	fprintf(out, "      0x%08" PRIx64 "  %-9s shares: each TEE RAM %s + TA RAM %s\n",
		pa_addr(n->shares_pa),
		sz(shares_end - pa_addr(n->shares_pa), a, sizeof(a)),
		sz(n->tee_ram_share, b, sizeof(b)),
		sz(n->ta_ram_share, c, sizeof(c)));
	fprintf(out, "  0x%08" PRIx64 "-0x%08" PRIx64 "  %-9s non-secure DRAM\n\n",
		ns, ns + p->nsec_ddr_size, sz(p->nsec_ddr_size, a, sizeof(a)));
}

static void print_sections(FILE *out, const struct shim_sections *s,
			   const struct core_nexus_info *n)
{
	char a[32], b[32], c[32];

	fprintf(out, "Core image (link-time sections of this executable)\n");
	fprintf(out, "  .nexsim_nexus  0x%" PRIxPTR "  %-8s nexus state: .nex_data %s, .nex_bss %s; always mapped\n",
		s->nexus_start, sz(s->nexus_end - s->nexus_start, a, sizeof(a)),
		sz(s->nexus_data_end - s->nexus_start, b, sizeof(b)),
		sz(s->nexus_used_end - s->nexus_data_end, c, sizeof(c)));
	fprintf(out, "  .nexsim_bank   0x%" PRIxPTR "  %-8s TEE state: .data %s, .bss %s, %zu objects; one copy per guest\n",
		s->bank_start, sz(n->bank_size, a, sizeof(a)),
		sz(s->bank_data_end - s->bank_start, b, sizeof(b)),
		sz(s->bank_used_end - s->bank_data_end, c, sizeof(c)),
		s->bank_symbols);
	fprintf(out, "\n");
}

static void rule(FILE *out, size_t columns)
{
	size_t n = 0;

	fputs("  +", out);
	for (n = 0; n < columns; n++) {
		for (size_t k = 0; k < COLUMN_WIDTH; k++)
			fputc('-', out);
		fputc('+', out);
	}
	fputc('\n', out);
}

static void row(FILE *out, const char *cells[], size_t columns,
		const char *note)
{
	size_t n = 0;

	fputs("  |", out);
	for (n = 0; n < columns; n++)
		fprintf(out, " %-*.*s|", COLUMN_WIDTH - 1, COLUMN_WIDTH - 1,
			cells[n]);
	fprintf(out, "  %s\n", note);
}

static void print_diagram(FILE *out, const struct core_guest_info *g,
			  size_t count, const struct shim_sections *s,
			  const struct core_nexus_info *n)
{
	size_t columns = count < MAX_COLUMNS ? count : MAX_COLUMNS;
	char text[6][MAX_COLUMNS][40];
	const char *cells[MAX_COLUMNS];
	char a[32], b[32];
	size_t k = 0;
	size_t line = 0;

	if (!columns)
		return;
	for (k = 0; k < columns; k++) {
		snprintf(text[0][k], sizeof(text[0][k]), "guest %u%s", g[k].id,
			 g[k].shutting_down ? " (dying)" : "");
		snprintf(text[1][k], sizeof(text[1][k]), ".data+.bss %s",
			 sz(n->bank_size, a, sizeof(a)));
		snprintf(text[2][k], sizeof(text[2][k]), "heap %s",
			 sz(g[k].heap_size, a, sizeof(a)));
		snprintf(text[3][k], sizeof(text[3][k]), "stacks %s",
			 sz(g[k].stacks_size, a, sizeof(a)));
		snprintf(text[4][k], sizeof(text[4][k]), "TA RAM %s",
			 sz(g[k].ta_ram_size, a, sizeof(a)));
		snprintf(text[5][k], sizeof(text[5][k]), "PA 0x%08" PRIx64,
			 pa_addr(g[k].bank_pa));
	}
	fprintf(out, "Partitions (one active per core; the default partition maps none)\n");
	rule(out, columns);
	for (line = 0; line < 6; line++) {
		static const char *const notes[] = {
			"TEE, banked",
			"at the bank's link address",
			"at a guest-distinct address",
			"thread stacks, after the heap",
			"this guest's share of the pool",
			"where this copy lives",
		};
		char note[96];

		for (k = 0; k < columns; k++)
			cells[k] = text[line][k];
		snprintf(note, sizeof(note), "%s", notes[line]);
		if (line == 1)
			snprintf(note, sizeof(note), "at 0x%" PRIxPTR " (link address)",
				 s->bank_start);
		row(out, cells, columns, note);
	}
	rule(out, columns);
	{
		char nexus_line[COLUMN_WIDTH * MAX_COLUMNS + 8];
		size_t width = columns * (COLUMN_WIDTH + 1) - 1;

		snprintf(nexus_line, sizeof(nexus_line),
			 "nexus: .nex_data/.nex_bss, heap %s, guest index, %u tables",
			 sz(n->nex_heap_size, b, sizeof(b)), n->guest_count);
		fprintf(out, "  | %-*.*s|  always mapped\n", (int)width - 1,
			(int)width - 1, nexus_line);
		rule(out, columns);
	}
	if (count > columns)
		fprintf(out, "  ... and %zu more guests, listed below\n", count - columns);
	fputc('\n', out);
}

static void print_guests(FILE *out, const struct core_guest_info *g,
			 size_t count)
{
	char a[32], b[32], c[32];
	size_t k = 0;

	fprintf(out, "Guests\n");
	fprintf(out, "  %-6s %-4s %-10s %-10s %-14s %-18s %-10s %-10s %s\n",
		"id", "slot", "table PA", "bank PA", "private PA",
		"private VA", "heap", "TA RAM", "runtime");
	for (k = 0; k < count; k++) {
		char heap[48];
		char ta[48];

		if (g[k].runtime_initialized) {
			snprintf(heap, sizeof(heap), "%s/%s",
				 sz(g[k].heap_used, a, sizeof(a)),
				 sz(g[k].heap_size, b, sizeof(b)));
			snprintf(ta, sizeof(ta), "%s/%s",
				 sz(g[k].ta_ram_used, a, sizeof(a)),
				 sz(g[k].ta_ram_size, c, sizeof(c)));
		} else {
			snprintf(heap, sizeof(heap), "%s",
				 sz(g[k].heap_size, a, sizeof(a)));
			snprintf(ta, sizeof(ta), "%s",
				 sz(g[k].ta_ram_size, c, sizeof(c)));
		}
		fprintf(out, "  %-6u %-4u 0x%08" PRIx64 " 0x%08" PRIx64 " 0x%08" PRIx64 "     %-18p %-10s %-10s %s\n",
			g[k].id, g[k].slot, pa_addr(g[k].table_pa),
			pa_addr(g[k].bank_pa), pa_addr(g[k].private_pa),
			g[k].private_va, heap, ta,
			g[k].shutting_down ? "shutting down" :
			g[k].runtime_initialized ? "running" :
						   "not started (first std call)");
	}
}

int nexsim_print_layout(FILE *out, const struct sim_machine *m)
{
	const struct arch_platform *p = &m->cfg.platform;
	struct core_guest_info *guests = NULL;
	struct core_nexus_info n;
	struct shim_sections s;
	size_t count = 0;
	uint32_t slot = 0;

	core_get_nexus_info(&n);
	shim_get_sections(&s);
	guests = calloc(n.guest_count ? n.guest_count : 1, sizeof(*guests));
	if (!guests)
		return -1;
	for (slot = 0; slot < n.guest_count; slot++)
		if (core_get_slot_info(slot, &guests[count]))
			count++;

	fprintf(out, "nexsim layout: profile %s, %u core%s, CFG_VIRT_GUEST_COUNT %u, "
		"CFG_NUM_THREADS %u, %zu guests live\n",
		p->name, p->core_count, p->core_count == 1 ? "" : "s",
		p->guest_count, p->thread_count, count);
	fprintf(out, "MMU: guards by %s, bank switch by %s\n\n",
		shim_guard_name(shim_guard_in_use()),
		shim_bank_switch_name(shim_bank_switch_in_use()));
	print_physical(out, p, &n);
	print_sections(out, &s, &n);
	print_diagram(out, guests, count, &s, &n);
	print_guests(out, guests, count);
	free(guests);
	return 0;
}
