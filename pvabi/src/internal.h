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

/* events_cpu.c: per-vCPU routing of ports (bit set: that vCPU's upcall
 * takes the port); route_reset routes every port to vCPU 0. */
extern uint64_t pvabi_evtchn_cpu_ports[PVABI_MAX_VCPUS][EVTCHN_2L_NR_CHANNELS / 64];
void pvabi_evtchn_route_reset(void);
/* events.c: brings the calling AP's upcalls up if pvabi_events_init ran
 * (smp.c calls it before the AP's entry); 0 or a negative errno. */
int pvabi_events_ap_init(void);

#endif
