/* test_string.c: pvabi's memcpy, memmove and memset (string instructions,
 * 8 bytes per iteration with a byte tail), compiled for the host from the
 * same source under other names, against byte-by-byte references: every
 * length and alignment around the 8-byte boundaries, overlaps both ways. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stddef.h>

#define memcpy pv_memcpy
#define memmove pv_memmove
#define memset pv_memset
#define memcmp pv_memcmp
#define strlen pv_strlen
#define strcmp pv_strcmp
#define strncmp pv_strncmp
#include "../../../pvabi/src/string.c"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strcmp
#undef strncmp

#define AREA 96

static uint8_t buf[AREA], want[AREA];

static void fill(uint8_t *p)
{
	for (unsigned i = 0; i < AREA; i++)
		p[i] = (uint8_t)(i * 37 + 11);
}

static void check(const char *what, size_t off, size_t len)
{
	for (unsigned i = 0; i < AREA; i++)
		cr_assert_eq(buf[i], want[i], "%s at %zu, %zu bytes: byte %u is 0x%x, want 0x%x", what,
			     off, len, i, buf[i], want[i]);
}

Test(string, memset_every_length_and_alignment)
{
	for (size_t off = 0; off < 9; off++)
		for (size_t len = 0; off + len <= 40; len++) {
			fill(buf);
			fill(want);
			for (size_t i = 0; i < len; i++)
				want[off + i] = 0xa5;
			cr_assert_eq(pv_memset(buf + off, 0xa5, len), buf + off);
			check("memset", off, len);
		}
	fill(buf);
	pv_memset(buf, 0x1ff, 17); /* only the low byte of c counts */
	for (unsigned i = 0; i < 17; i++)
		cr_assert_eq(buf[i], 0xff);
}

Test(string, memcpy_every_length_and_alignment)
{
	static uint8_t src[AREA];

	for (unsigned i = 0; i < AREA; i++)
		src[i] = (uint8_t)(255 - i);
	for (size_t doff = 0; doff < 9; doff++)
		for (size_t soff = 0; soff < 9; soff++)
			for (size_t len = 0; len <= 40; len++) {
				fill(buf);
				fill(want);
				for (size_t i = 0; i < len; i++)
					want[doff + i] = src[soff + i];
				cr_assert_eq(pv_memcpy(buf + doff, src + soff, len), buf + doff);
				check("memcpy", doff, len);
			}
}

Test(string, memmove_overlapping_both_ways)
{
	for (size_t from = 0; from < 20; from++)
		for (size_t to = 0; to < 20; to++)
			for (size_t len = 0; len <= 40; len++) {
				fill(buf);
				fill(want);
				uint8_t tmp[AREA];
				for (size_t i = 0; i < len; i++)
					tmp[i] = want[from + i];
				for (size_t i = 0; i < len; i++)
					want[to + i] = tmp[i];
				cr_assert_eq(pv_memmove(buf + to, buf + from, len), buf + to);
				check("memmove", to, len);
			}
}

Test(string, compares_and_lengths)
{
	cr_assert_eq(pv_memcmp("abc", "abd", 2), 0);
	cr_assert_lt(pv_memcmp("abc", "abd", 3), 0);
	cr_assert_eq(pv_strlen(""), 0);
	cr_assert_eq(pv_strlen("nido"), 4);
	cr_assert_gt(pv_strcmp("b", "a"), 0);
	cr_assert_eq(pv_strncmp("script=x", "script=y", 7), 0);
}
