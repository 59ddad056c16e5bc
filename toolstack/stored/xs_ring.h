/* xs_ring.h: the shared-ring transport of hospes-stored (guest domains)
 * and its hospes-hv side (ring page mapping, store port, domain watch). */
#ifndef XS_RING_H
#define XS_RING_H

#include <uv.h>

#include "xs.h"

/* Bytes of watch events a ring may have queued beyond its ring space;
 * further events for it are dropped (and counted in the log). */
#define XS_RING_MAX_EVENT_BYTES (256u << 10)
/* Request bytes one ring may feed per turn of the event loop. */
#define XS_RING_PASS_BUDGET (32l << 10)

/* xs_ring.c: installs the attach/detach hooks (xs.h) on loop. */
void xs_ring_init(uv_loop_t *loop);
/* Tears every ring down (daemon exit). */
void xs_ring_close_all(void);

/* xs_hv.c: maps guest frame gfn of domid (one page, read-write) and binds
 * its store port to a dom0 endpoint. XS_OK, or XS_EIO (hypervisor
 * unreachable, map failed), XS_ENOENT (no such domain), XS_EINVAL (frame
 * not guest RAM, port not unbound for dom0). */
extern const char *xs_hv_socket;
enum xs_err xs_hv_attach(unsigned domid, uint64_t gfn, unsigned port, void **page, int *notify_fd,
			 int *kick_fd);

/* xs_hv_watch.c: follows domid's state in hospes-hv (HVCTL_WAIT on a
 * connection of its own) and calls gone(domid) once the domain was
 * destroyed or failed, down(domid) once when it shut down. */
struct xs_hv_watch;
struct xs_hv_watch *xs_hv_watch_start(uv_loop_t *loop, unsigned domid,
				      void (*down)(unsigned domid), void (*gone)(unsigned domid));
void xs_hv_watch_stop(struct xs_hv_watch *w);

#endif
