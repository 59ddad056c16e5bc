/* elf_load.h: loading a PVH kernel image (ELF32/ELF64, x86) into guest RAM. */
#ifndef HOSPES_ELF_LOAD_H
#define HOSPES_ELF_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "hv.h"

#define ELF_MAX_PHDRS 64

struct elf_image {
	uint64_t entry; /* XEN_ELFNOTE_PHYS32_ENTRY, below 4 GiB */
	uint64_t lo;    /* loaded extent [lo, hi) in guest-physical memory */
	uint64_t hi;
};

/* Validates the whole image (name is the file name used in messages),
 * then copies each PT_LOAD segment to its p_paddr in mem and zeroes its
 * BSS (gmem_ram_zero: its whole pages cost no host memory until the guest
 * touches them). On error returns -ENOEXEC with a message naming the check
 * in err; guest RAM is untouched then. No KVM, no file access but the
 * RAM's memfd. */
int elf_load(const char *name, const uint8_t *file, size_t size, const struct hv_mem *mem,
	     struct elf_image *out, char *err, size_t errlen);

/* Finds the PVH entry in the note data [notes, notes + len) (one PT_NOTE
 * segment). Returns 1 if found (*entry set), 0 if not, -ENOEXEC if a note
 * is malformed (message in err, prefixed with where). */
int elf_find_pvh_entry(const uint8_t *notes, size_t len, uint64_t *entry, const char *where,
		       char *err, size_t errlen);

#endif
