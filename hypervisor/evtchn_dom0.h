/* evtchn_dom0.h: event channels between a guest and dom0 programs (the
 * host side: xenstore, consoles, backends). A dom0 endpoint is a pair of
 * eventfds bound to one guest port:
 *   notify_fd  hospes-hv adds 1 each time the guest sends on the port;
 *              dom0 reads it (a counter: several sends may read as one).
 *   kick_fd    dom0 writes any non-zero count; hospes-hv then makes the
 *              guest port pending (one event however large the count).
 * kick_fds are read by one per-process event thread (epoll), never by a
 * vCPU thread, through the same set-pending path as EVTCHNOP_send.
 * Both fds are non-blocking and close-on-exec; the caller owns the two it
 * gets back (pass them over the control socket, then close them). */
#ifndef HOSPES_EVTCHN_DOM0_H
#define HOSPES_EVTCHN_DOM0_H

#include "evtchn.h"

/* Binds a dom0 endpoint to guest port `port` of d, which must be unbound
 * with remote_dom 0 (e.g. from evtchn_alloc_unbound(d, 0, &port) done by
 * the toolstack, or by the guest). The port becomes interdomain with
 * (dom 0, port = the returned endpoint id); the guest port is NOT marked
 * pending (dom0 kicks when it is ready). Returns the endpoint id (> 0), or
 * -EINVAL (port not unbound for dom 0), -EMFILE/-ENOMEM/-errno. */
int evtchn_dom0_bind(struct hv_domain *d, evtchn_port_t port, int *notify_fd, int *kick_fd);

/* dom0 closes its end: the guest port becomes unbound (remote_dom 0) as
 * in Xen, and hospes-hv drops its copies of the eventfds. -EINVAL if port
 * is not bound to a dom0 endpoint. The guest closing its port (or the
 * domain dying) cleans up the same way from the other side; dom0's copies
 * of the fds then simply stay silent. */
int evtchn_dom0_unbind(struct hv_domain *d, evtchn_port_t port);

/* Stops the event thread (end of the process; endpoints must be gone). */
void evtchn_dom0_shutdown(void);

/* ---- used by evtchn.c (called with the domain's evtchn lock held) ---- */

/* The guest sent on the port: notify_fd += 1. */
void evtchn_dom0_notify(struct evtchn_dom0_ep *ep);
/* The guest port is closing: free the endpoint. */
void evtchn_dom0_detach(struct evtchn_dom0_ep *ep);
uint32_t evtchn_dom0_ep_id(const struct evtchn_dom0_ep *ep);

#endif
