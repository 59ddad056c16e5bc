/* events.h: the check groups of the event-channel conformance guest. */
#ifndef CONF_EVENTS_H
#define CONF_EVENTS_H

#include "conf.h"

/* A port number no test allocates (4095, the last 2-level port). */
#define EVTCHN_MAX_PORTS_GUEST 4095u

/* Handler calls per port (ports < 64 are counted). */
extern volatile unsigned int ev_count[64];
void ev_count_handler(evtchn_port_t port, void *arg);

void ev_callback_type2(void);
void ev_delivery(void);
void ev_ops(void);
void ev_hvm(void);
void ev_physmap(void);
void ev_vcpu_info(void);
void ev_hlt_wake(void);

#endif
