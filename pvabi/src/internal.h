/* internal.h: state shared between pvabi's own files; not for kernels. */
#ifndef PVABI_INTERNAL_H
#define PVABI_INTERNAL_H

#include <pvabi.h>

/* Nonzero once the hypercall page has been installed. */
extern int pvabi_hypercall_ready;

/* traps.c: load the IDT with the exception stubs. */
void pvabi_traps_init(void);
/* traps.c: called by the common exception stub in traps.S. */
void pvabi_trap_dispatch(struct pvabi_trap_frame *frame);
/* features.c: remember submap 0 read at boot. */
void pvabi_features_set(uint32_t submap0);

#endif
