/* string.c: the freestanding mem and str functions (the compiler may call
 * memcpy, memmove, memset and memcmp on its own). Copies and fills use
 * string instructions: where kernel mode is emulated, one string
 * instruction costs far less than a loop of several instructions a byte,
 * and each of its iterations is emulated alone (about an instruction's
 * cost), so forward copies and fills move 8 bytes per iteration. */
#include "internal.h"

void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t q = n / 8, b = n % 8;

	/* Forward, in order: also right for memmove with dst below src. */
	__asm__ volatile("rep movsq; movq %3, %%rcx; rep movsb"
			 : "+D"(d), "+S"(src), "+c"(q)
			 : "r"(b)
			 : "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	/* Overlap with dst above src: copy backwards. */
	d += n - 1;
	s += n - 1;
	__asm__ volatile("std; rep movsb; cld" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;
	size_t q = n / 8, b = n % 8;
	uint64_t v = 0x0101010101010101ull * (uint8_t)c;

	__asm__ volatile("rep stosq; movq %3, %%rcx; rep stosb"
			 : "+D"(d), "+c"(q)
			 : "a"(v), "r"(b)
			 : "memory");
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n > 0; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (*a == '\0')
			return 0;
	}
	return 0;
}
