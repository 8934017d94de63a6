// SPDX-License-Identifier: BSD-2-Clause
/*
 * A small formatter for the core's console: the core is freestanding and
 * has no C library printf.
 */

#include <arch/console.h>
#include <arch/cpu.h>
#include <lib/string.h>
#include <stdbool.h>
#include <stdint.h>
#include <trace.h>

struct out {
	char *buf;
	size_t size;
	size_t len;	/* characters produced, even past @size */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_str(struct out *o, const char *s, int width, bool left)
{
	int n = (int)strlen(s);

	while (!left && width-- > n)
		put(o, ' ');
	while (*s)
		put(o, *s++);
	while (left && width-- > n)
		put(o, ' ');
}

static void put_num(struct out *o, uint64_t v, bool negative, unsigned int base,
		    bool upper, int width, bool zero_pad, bool left,
		    const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;
	int len = 0;
	int plen = (int)strlen(prefix) + (negative ? 1 : 0);

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	len = n + plen;
	if (!left && !zero_pad)
		for (; width > len; width--)
			put(o, ' ');
	if (negative)
		put(o, '-');
	while (*prefix)
		put(o, *prefix++);
	if (!left && zero_pad)
		for (; width > len; width--)
			put(o, '0');
	while (n)
		put(o, tmp[--n]);
	if (left)
		for (; width > len; width--)
			put(o, ' ');
}

int core_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size, .len = 0 };

	while (*fmt) {
		bool left = false;
		bool zero_pad = false;
		bool alt = false;
		int width = 0;
		int lng = 0;
		char c = *fmt++;

		if (c != '%') {
			put(&o, c);
			continue;
		}
		for (;; fmt++) {
			if (*fmt == '-')
				left = true;
			else if (*fmt == '0')
				zero_pad = true;
			else if (*fmt == '#')
				alt = true;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		for (;; fmt++) {
			if (*fmt == 'l')
				lng++;
			else if (*fmt == 'z')
				lng = 3;
			else if (*fmt != 'h')
				break;
		}
		c = *fmt ? *fmt++ : '\0';
		switch (c) {
		case 'd':
		case 'i': {
			int64_t v = lng >= 2 ? va_arg(ap, long long) :
				    lng == 1 ? va_arg(ap, long) :
				    lng == 3 ? (int64_t)va_arg(ap, size_t) :
				    va_arg(ap, int);

			put_num(&o, v < 0 ? (uint64_t)0 - (uint64_t)v :
				    (uint64_t)v, v < 0, 10, false, width,
				zero_pad, left, "");
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			uint64_t v = lng >= 2 ? va_arg(ap, unsigned long long) :
				     lng == 1 ? va_arg(ap, unsigned long) :
				     lng == 3 ? va_arg(ap, size_t) :
				     va_arg(ap, unsigned int);

			/* As C: '#' prefixes 0x (0X for %X), and not to 0. */
			put_num(&o, v, false, c == 'u' ? 10 : 16, c == 'X',
				width, zero_pad, left,
				!alt || c == 'u' || !v ? "" :
				c == 'X' ? "0X" : "0x");
			break;
		}
		case 'p':
			put_num(&o, (uintptr_t)va_arg(ap, void *), false, 16,
				false, width, zero_pad, left, "0x");
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);

			put_str(&o, s ? s : "(null)", width, left);
			break;
		}
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case '%':
			put(&o, '%');
			break;
		default:
			put(&o, '%');
			if (c)
				put(&o, c);
			break;
		}
	}
	if (o.size)
		o.buf[o.len < o.size ? o.len : o.size - 1] = '\0';
	return (int)o.len;
}

int core_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	va_start(ap, fmt);
	n = core_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void trace_printf(int level, const char *func, int line, const char *fmt, ...)
{
	static const char level_char[] = "?EIDF";
	char buf[256];
	va_list ap;
	int n = 0;

	if (level > arch_console_level())
		return;
	n = core_snprintf(buf, sizeof(buf), "%c/TC:%u %s:%d ",
			  level_char[level >= 1 && level <= 4 ? level : 0],
			  arch_get_core_pos(), func, line);
	if (n < 0 || (size_t)n >= sizeof(buf))
		n = 0;
	va_start(ap, fmt);
	core_vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	arch_console_write(level, buf, strlen(buf));
}
