/* hvm_start_info.h: the PVH start-of-day structure the vCPU finds at EBX,
 * with its memory map and module list. Self-contained, used by both sides.
 * SPEC.md §1.3. All fields little-endian; all addresses guest-physical. */
#ifndef PVABI_HVM_START_INFO_H
#define PVABI_HVM_START_INFO_H

#include <stdint.h>

#define XEN_HVM_START_MAGIC_VALUE 0x336ec578u

#define SIF_PRIVILEGED (1u << 0)
#define SIF_INITDOMAIN (1u << 1)

struct hvm_start_info {
	uint32_t magic;          /* XEN_HVM_START_MAGIC_VALUE */
	uint32_t version;        /* 1: the memmap fields are valid */
	uint32_t flags;          /* SIF_*; 0 for an unprivileged domain */
	uint32_t nr_modules;     /* entries at modlist_paddr */
	uint64_t modlist_paddr;  /* struct hvm_modlist_entry[nr_modules] */
	uint64_t cmdline_paddr;  /* NUL-terminated ASCII, 0 = none */
	uint64_t rsdp_paddr;     /* ACPI RSDP, 0 = none (always 0 on Hospes) */
	uint64_t memmap_paddr;   /* struct hvm_memmap_table_entry[memmap_entries] */
	uint32_t memmap_entries;
	uint32_t reserved;       /* 0 */
};
_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info");
_Static_assert(__builtin_offsetof(struct hvm_start_info, modlist_paddr) == 16, "modlist");
_Static_assert(__builtin_offsetof(struct hvm_start_info, cmdline_paddr) == 24, "cmdline");
_Static_assert(__builtin_offsetof(struct hvm_start_info, rsdp_paddr) == 32, "rsdp");
_Static_assert(__builtin_offsetof(struct hvm_start_info, memmap_paddr) == 40, "memmap");
_Static_assert(__builtin_offsetof(struct hvm_start_info, memmap_entries) == 48, "entries");

struct hvm_modlist_entry {
	uint64_t paddr;         /* start of the module */
	uint64_t size;          /* bytes */
	uint64_t cmdline_paddr; /* NUL-terminated, 0 = none */
	uint64_t reserved;
};
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "modlist_entry");

struct hvm_memmap_table_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type; /* XEN_HVM_MEMMAP_TYPE_* (e820 numbering) */
	uint32_t reserved;
};
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "memmap_entry");

#define XEN_HVM_MEMMAP_TYPE_RAM 1
#define XEN_HVM_MEMMAP_TYPE_RESERVED 2
#define XEN_HVM_MEMMAP_TYPE_ACPI 3
#define XEN_HVM_MEMMAP_TYPE_NVS 4
#define XEN_HVM_MEMMAP_TYPE_UNUSABLE 5
#define XEN_HVM_MEMMAP_TYPE_DISABLED 6
#define XEN_HVM_MEMMAP_TYPE_PMEM 7

#endif
