/* xs_hostile.h: shared parts of the xs-hostile guest. */
#ifndef XS_HOSTILE_H
#define XS_HOSTILE_H

#include <pvabi/xs_wire.h>

/* main.c: blocks until port is pending, then clears it. */
void xs_wait_port(uint32_t port);
/* wrap.c: mode=wrap (run before INTRODUCE). */
void xs_wrap(volatile struct xenstore_domain_interface *x, uint32_t port);
/* reconnect.c: mode=reconnect. */
void xs_reconnect(volatile struct xenstore_domain_interface *x, uint32_t port);
/* flood.c: mode=flood. */
void xs_flood(volatile struct xenstore_domain_interface *x, uint32_t port);

#endif
