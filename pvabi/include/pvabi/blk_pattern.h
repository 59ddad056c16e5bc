/* blk_pattern.h: the deterministic disk pattern test guests write and
 * host tests check (SPEC.md §18.2). Self-contained: guest and host code
 * compute the same 64-bit word for a seed and a 512-byte sector number;
 * each 8-byte word of that sector holds it (little-endian), so a sector
 * read back from the wrong place, or not written, is caught, and a guest
 * fills a sector with one `rep stosq`. */
#ifndef PVABI_BLK_PATTERN_H
#define PVABI_BLK_PATTERN_H

#include <stdint.h>

/* splitmix64 of (seed * golden ratio) ^ sector: never 0 for practical
 * inputs, different for neighbouring sectors and seeds. */
static inline uint64_t blk_pattern_word(uint64_t seed, uint64_t sector)
{
	uint64_t z = (seed * 0x9e3779b97f4a7c15ull) ^ sector;

	z += 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

#define BLK_PATTERN_WORDS_PER_SECTOR 64u

#endif
