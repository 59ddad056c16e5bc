/* hostile.h: the two modes of the evtchn-hostile guest. */
#ifndef EVTCHN_HOSTILE_H
#define EVTCHN_HOSTILE_H

#include "conf.h"

/* mode=storm: floods sends forever (prints "STORM START" first). */
PVABI_NORETURN void hostile_storm(void);
/* mode=hostile: bad event-channel and vcpu_info requests, CHECK lines. */
void hostile_probe(domid_t victim, evtchn_port_t vport);
void hostile_vcpu_info(void);

#endif
