/* multicall.h: multicall (hypercall 13): several hypercalls in one entry.
 * Self-contained, used by both sides. SPEC.md §12. */
#ifndef PVABI_MULTICALL_H
#define PVABI_MULTICALL_H

#include <stdint.h>
#include "xen.h"

/* RDI = array of nr multicall_entry, RSI = nr (32 bits; the upper half of
 * RSI is ignored). Returns 0 once every entry ran, -EFAULT if an entry
 * cannot be read or its result written (entries before it ran), -EINVAL
 * if nr exceeds PVABI_MULTICALL_MAX. */
struct multicall_entry {
	xen_ulong_t op;      /* IN: hypercall number */
	xen_ulong_t result;  /* OUT: that hypercall's RAX */
	xen_ulong_t args[6]; /* IN: RDI, RSI, RDX, R10, R8 (args[5] unused) */
};
_Static_assert(sizeof(struct multicall_entry) == 64, "multicall_entry");
_Static_assert(__builtin_offsetof(struct multicall_entry, result) == 8, "result");
_Static_assert(__builtin_offsetof(struct multicall_entry, args) == 16, "args");

/* Hospes: entries per multicall (Xen has no limit; Linux batches 32). */
#define PVABI_MULTICALL_MAX 1024u

#endif
