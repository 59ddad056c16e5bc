/* elfnote.h: the Xen ELF notes a kernel image carries; Hospes reads
 * PHYS32_ENTRY (the PVH entry point). Self-contained, used by both sides.
 * SPEC.md §1.1. */
#ifndef PVABI_ELFNOTE_H
#define PVABI_ELFNOTE_H

/* Notes are named "Xen" (namesz 4 with the NUL) and live in a PT_NOTE
 * segment. Numeric descriptors are little-endian, 4 or 8 bytes. */
#define XEN_ELFNOTE_NAME "Xen"

#define XEN_ELFNOTE_INFO 0
#define XEN_ELFNOTE_ENTRY 1
#define XEN_ELFNOTE_HYPERCALL_PAGE 2
#define XEN_ELFNOTE_VIRT_BASE 3
#define XEN_ELFNOTE_PADDR_OFFSET 4
#define XEN_ELFNOTE_XEN_VERSION 5
#define XEN_ELFNOTE_GUEST_OS 6
#define XEN_ELFNOTE_GUEST_VERSION 7
#define XEN_ELFNOTE_LOADER 8
#define XEN_ELFNOTE_PAE_MODE 9
#define XEN_ELFNOTE_FEATURES 10
#define XEN_ELFNOTE_BSD_SYMTAB 11
#define XEN_ELFNOTE_SUSPEND_CANCEL 14
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17
#define XEN_ELFNOTE_PHYS32_ENTRY 18

#endif
