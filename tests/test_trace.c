// SPDX-License-Identifier: BSD-2-Clause
/*
 * The core's own formatter (it has no C library printf) and its console
 * lines: every conversion it supports formats as C's snprintf does,
 * truncation keeps the return value, and a trace line carries its level,
 * core, function and line, or is not printed at all above the console
 * level.
 */

#define _POSIX_C_SOURCE 200809L	/* fileno, dup */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <tests/harness.h>
#include <trace.h>

/* No format attribute: conversions C's printf lacks can be tried too. */
static int fmt(char *buf, size_t size, const char *f, ...)
{
	va_list ap;
	int n = 0;

	va_start(ap, f);
	n = core_vsnprintf(buf, size, f, ap);
	va_end(ap);
	return n;
}

/* The core and the C library agree on @f with these arguments. */
#define SAME(f, ...)							\
	do {								\
		char want_[128];					\
		char got_[128];						\
		int nw_ = snprintf(want_, sizeof(want_), f, __VA_ARGS__); \
		int ng_ = core_snprintf(got_, sizeof(got_), f, __VA_ARGS__); \
									\
		assert_string_equal(got_, want_);			\
		assert_int_equal(ng_, nw_);				\
	} while (0)

static void test_integers_format_as_c_does(void **state)
{
	(void)state;
	SAME("%d|%d|%d|%d", 0, -1, INT_MIN, INT_MAX);
	SAME("%i and %u", 42, UINT_MAX);
	SAME("[%5d][%-5d][%05d]", -42, 42, -42);
	SAME("%ld %lu", LONG_MIN, ULONG_MAX);
	SAME("%lld %llu", LLONG_MIN, ULLONG_MAX);
	SAME("%zu %zx", (size_t)SIZE_MAX, (size_t)0x1234);
	SAME("%hu %hd", (unsigned short)65535, (short)-3);
	SAME("%x %X %#x %#X", 0xdeadbeefu, 0xdeadbeefu, 0x1fu, 0xabu);
	/* Regressions: %#X once gave 0xAB, and %#x of 0 gave 0x0. */
	SAME("%#X|%#x|%#X|%#5x|%#05x", 0xabu, 0u, 0u, 0u, 0u);
	SAME("[%08x][%#010x][%-8x][%8X]", 0xbeefu, 0x1fu, 0xau, 0xcafeu);
	SAME("%llx %#llx", 0xfedcba9876543210ull, 1ull << 63);
	SAME("%p", (void *)0x12345678);
	SAME("[%12p][%-12p]", (void *)0xabc, (void *)0xabc);
}

static void test_strings_and_characters_format_as_c_does(void **state)
{
	(void)state;
	SAME("%s", "plain");
	SAME("[%8s][%-8s][%2s]", "abc", "abc", "longer");
	SAME("%c%c%c", 'n', 'e', 'x');
	SAME("100%% %s", "sure");
	SAME("%s=%d, %s=%#x", "a", 1, "b", 0x10u);
}

static void test_what_c_leaves_open_is_printed_plainly(void **state)
{
	char buf[32];

	(void)state;
	/* A NULL string, an unknown conversion, a lone % at the end. */
	assert_int_equal(fmt(buf, sizeof(buf), "%s", (const char *)NULL), 6);
	assert_string_equal(buf, "(null)");
	assert_int_equal(fmt(buf, sizeof(buf), "a%qb"), 4);
	assert_string_equal(buf, "a%qb");
	assert_int_equal(fmt(buf, sizeof(buf), "50%"), 3);
	assert_string_equal(buf, "50%");
	/* '-' wins over '0' (C ignores the 0 flag then). */
	assert_int_equal(fmt(buf, sizeof(buf), "[%-05d]", 7), 7);
	assert_string_equal(buf, "[7    ]");
}

static void test_truncation_keeps_the_full_length(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'z', sizeof(buf));
	assert_int_equal(core_snprintf(buf, 5, "%s-%d", "abcdef", 12), 9);
	assert_string_equal(buf, "abcd");
	assert_int_equal(buf[5], 'z');	/* nothing written past @size */
	assert_int_equal(core_snprintf(buf, 1, "%d", 12345), 5);
	assert_string_equal(buf, "");
	/* Size 0: nothing written at all, the length still counted. */
	memset(buf, 'z', sizeof(buf));
	assert_int_equal(core_snprintf(buf, 0, "%x", 0xffffu), 4);
	assert_int_equal(buf[0], 'z');
	assert_int_equal(core_snprintf(NULL, 0, "%s", "counted"), 7);
}

/* Run @fn with stderr (the secure console) captured into @out. */
static void capture_console(void (*fn)(void), char *out, size_t size)
{
	FILE *f = tmpfile();
	int saved = dup(STDERR_FILENO);
	size_t n = 0;

	assert_non_null(f);
	assert_true(saved >= 0);
	fflush(stderr);
	assert_true(dup2(fileno(f), STDERR_FILENO) >= 0);
	fn();
	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	rewind(f);
	n = fread(out, 1, size - 1, f);
	out[n] = '\0';
	fclose(f);
}

static void emit_each_level(void)
{
	trace_printf(ARCH_TRACE_ERROR, "one", 1, "error %d", 1);
	trace_printf(ARCH_TRACE_INFO, "two", 22, "info %s", "ok");
	/* Above the console level: not printed, not even formatted. */
	trace_printf(ARCH_TRACE_DEBUG, "three", 333, "debug %s", "hidden");
	trace_printf(ARCH_TRACE_FLOW, "four", 4, "flow");
}

static void emit_unknown_level(void)
{
	trace_printf(0, "zero", 9, "level %d", 0);
}

static int console_level;

static void restart_with_console(void)
{
	struct nexsim_config cfg;

	harness_stop();
	harness_config(&cfg, "default");
	cfg.console_level = console_level;
	harness_start(&cfg);
}

static void test_console_lines_carry_level_core_and_place(void **state)
{
	char out[512];

	(void)state;
	/* The boot says what it booted, at INFO. */
	console_level = ARCH_TRACE_INFO;
	capture_console(restart_with_console, out, sizeof(out));
	assert_non_null(strstr(out, "I/TC:0 core_boot:"));
	assert_non_null(strstr(out, "nexsim core on default: 1 cores, "
				    "2 guests, 2 threads per guest\n"));
	capture_console(emit_each_level, out, sizeof(out));
	assert_string_equal(out, "E/TC:0 one:1 error 1\n"
				 "I/TC:0 two:22 info ok\n");
	/* A level the console does not name is marked '?'. */
	capture_console(emit_unknown_level, out, sizeof(out));
	assert_string_equal(out, "?/TC:0 zero:9 level 0\n");
	/* A silent console prints nothing at all. */
	console_level = 0;
	capture_console(restart_with_console, out, sizeof(out));
	assert_string_equal(out, "");
	capture_console(emit_each_level, out, sizeof(out));
	assert_string_equal(out, "");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers_format_as_c_does),
		cmocka_unit_test(test_strings_and_characters_format_as_c_does),
		cmocka_unit_test(test_what_c_leaves_open_is_printed_plainly),
		cmocka_unit_test(test_truncation_keeps_the_full_length),
		cmocka_unit_test(test_console_lines_carry_level_core_and_place),
	};

	harness_init(argc, argv);
	return HARNESS_RUN("trace", tests, harness_setup_default,
			   harness_teardown);
}
