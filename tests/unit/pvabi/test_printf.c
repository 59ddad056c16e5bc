/* test_printf.c: pvabi's printf (the guests' formatter, compiled here for
 * the host from the same source): conversions, flags, truncation, and the
 * console path that flushes every 256 bytes. */
#include <criterion/criterion.h>
#include <string.h>

#include "../../../pvabi/src/printf.c"

/* The console the formatter writes to: what reaches it, write by write. */
static char console[4096];
static size_t console_len;
static unsigned console_writes;

int pvabi_console_write(const char *buf, size_t len)
{
	cr_assert_leq(console_len + len, sizeof(console));
	memcpy(console + console_len, buf, len);
	console_len += len;
	console_writes++;
	return 0;
}

static const char *fmt(const char *f, ...)
{
	static char buf[256];
	va_list ap;

	va_start(ap, f);
	pvabi_vsnprintf(buf, sizeof(buf), f, ap);
	va_end(ap);
	return buf;
}

Test(printf, literal_runs_and_conversions)
{
	cr_assert_str_eq(fmt("nido %s on Xen %u.%u%s\n", "0.1", 4u, 19u, ".0-hospes"),
			 "nido 0.1 on Xen 4.19.0-hospes\n");
	cr_assert_str_eq(fmt("%d|%i|%ld", -42, 7, -1234567890123l), "-42|7|-1234567890123");
	cr_assert_str_eq(fmt("%x %X %lx", 0xbeefu, 0xbeefu, 0x1234567890abcdeful),
			 "beef BEEF 1234567890abcdef");
	cr_assert_str_eq(fmt("%p", (void *)0x1000), "0x1000");
	cr_assert_str_eq(fmt("%c%c%%", 'o', 'k'), "ok%");
	cr_assert_str_eq(fmt("%s", (char *)NULL), "(null)");
	cr_assert_str_eq(fmt("%u", 0u), "0");
	cr_assert_str_eq(fmt("%lu", 18446744073709551615ul), "18446744073709551615");
	cr_assert_str_eq(fmt("100%"), "100", "a lone '%' at the end ends the output");
	cr_assert_str_eq(fmt("%q"), "%q", "an unknown conversion is shown");
	cr_assert_str_eq(fmt(""), "");
}

Test(printf, widths_and_flags)
{
	cr_assert_str_eq(fmt("[%5u][%-5u][%05u]", 42u, 42u, 42u), "[   42][42   ][00042]");
	cr_assert_str_eq(fmt("[%016lx]", 0xabcul), "[0000000000000abc]");
	cr_assert_str_eq(fmt("[%6s][%-6s]", "ab", "ab"), "[    ab][ab    ]");
	cr_assert_str_eq(fmt("[%5d][%05d]", -3, -3), "[   -3][-0003]");
	cr_assert_str_eq(fmt("[%3c][%-3c]", 'x', 'y'), "[  x][y  ]");
	cr_assert_str_eq(fmt("[%2s]", "longer"), "[longer]", "width is a minimum");
}

Test(printf, snprintf_truncates_and_counts)
{
	char b[8];

	memset(b, 'z', sizeof(b));
	cr_assert_eq(pvabi_snprintf(b, sizeof(b), "abc%sdef%u", "XYZ", 12345u), 14);
	cr_assert_str_eq(b, "abcXYZd");
	cr_assert_eq(pvabi_snprintf(b, sizeof(b), "%016lx", 0x1ul), 16);
	cr_assert_str_eq(b, "0000000");
	cr_assert_eq(pvabi_snprintf(NULL, 0, "%s-%d", "abc", 42), 6, "size 0 only counts");
	cr_assert_eq(pvabi_snprintf(b, 1, "abc"), 3);
	cr_assert_str_eq(b, "");
}

Test(printf, printf_writes_once_per_call_and_flushes_long_output)
{
	char lit[1001], f[1004], want[1010];
	size_t n = 1000 + 9;

	console_len = 0;
	console_writes = 0;
	cr_assert_eq(pvabi_printf("features: 0x%x\n", 0x2a5u), 16);
	cr_assert_eq(console_writes, 1);
	cr_assert_eq(console_len, 16);
	cr_assert_eq(memcmp(console, "features: 0x2a5\n", 16), 0);

	/* 1000 literal characters and a number: several 256-byte flushes,
	 * nothing lost or reordered across them. */
	for (unsigned i = 0; i < 1000; i++)
		lit[i] = (char)('a' + i % 26);
	lit[1000] = '\0';
	memcpy(f, lit, 1000);
	memcpy(f + 1000, "%u", 3);
	memcpy(want, lit, 1000);
	memcpy(want + 1000, "987654321", 9);
	console_len = 0;
	console_writes = 0;
	cr_assert_eq(pvabi_printf(f, 987654321u), (int)n);
	cr_assert_eq(console_len, n);
	cr_assert_eq(memcmp(console, want, n), 0);
	cr_assert_eq(console_writes, (n + 255) / 256);
}
