/* elf_note.c: walking ELF notes for Xen's PVH entry point. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <pvabi/elfnote.h>

#include "elf_load.h"

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Note fields are padded to 4 bytes; computed in 64 bits, so no overflow. */
static uint64_t pad4(uint64_t n)
{
	return (n + 3) & ~3ull;
}

int elf_find_pvh_entry(const uint8_t *notes, size_t len, uint64_t *entry, const char *where,
		       char *err, size_t errlen)
{
	size_t off = 0;
	int found = 0;

	while (off < len) {
		uint64_t namesz, descsz, type, desc_off, next;

		if (len - off < 12) {
			snprintf(err, errlen, "%s: truncated note header at offset %zu (%zu bytes left)",
				 where, off, len - off);
			return -ENOEXEC;
		}
		namesz = le32(notes + off);
		descsz = le32(notes + off + 4);
		type = le32(notes + off + 8);
		desc_off = off + 12 + pad4(namesz);
		next = desc_off + pad4(descsz);
		if (next > len) {
			snprintf(err, errlen,
				 "%s: note at offset %zu (namesz %llu, descsz %llu) runs past the "
				 "segment end (%zu bytes)",
				 where, off, (unsigned long long)namesz, (unsigned long long)descsz, len);
			return -ENOEXEC;
		}
		if (namesz == sizeof(XEN_ELFNOTE_NAME) &&
		    !memcmp(notes + off + 12, XEN_ELFNOTE_NAME, sizeof(XEN_ELFNOTE_NAME)) &&
		    type == XEN_ELFNOTE_PHYS32_ENTRY) {
			const uint8_t *d = notes + desc_off;

			if (descsz != 4 && descsz != 8) {
				snprintf(err, errlen,
					 "%s: XEN_ELFNOTE_PHYS32_ENTRY has descsz %llu (want 4 or 8)",
					 where, (unsigned long long)descsz);
				return -ENOEXEC;
			}
			*entry = le32(d) | (descsz == 8 ? (uint64_t)le32(d + 4) << 32 : 0);
			found = 1;
		}
		off = next;
	}
	return found;
}
