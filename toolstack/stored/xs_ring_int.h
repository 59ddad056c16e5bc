/* xs_ring_int.h: what the two halves of the ring transport share:
 * xs_ring.c (lifetime: attach, release, domain events) and xs_ring_io.c
 * (moving bytes: indices, queues, flow control, protocol errors). */
#ifndef XS_RING_INT_H
#define XS_RING_INT_H

#include "xs_ring.h"

struct xs_omsg;

struct xs_ring {
	struct xs_ring *next;
	unsigned domid;
	struct xs_conn conn;
	uv_poll_t poll;
	int notify_fd, kick_fd;
	struct xenstore_domain_interface *intf;
	/* Our indices: the guest's copies in the page are only ever written
	 * by us, so a guest scribbling on them changes nothing here. */
	uint32_t req_cons, rsp_prod;
	struct xs_omsg *out, **out_tail;
	unsigned out_replies; /* replies queued, not yet in the ring */
	size_t out_bytes;
	unsigned dropped;     /* watch events dropped (queue full) */
	bool in_process;      /* kick once at the end instead of per message */
	bool broken;
	struct xs_hv_watch *watch;
};

/* Kicks the guest's store port. */
void xs_ring_kick(struct xs_ring *rg);
/* Drops queued replies and events (release, reconnect). */
void xs_ring_drop_output(struct xs_ring *rg);
/* A protocol error: the ring stops for good, error is set in the page
 * and the guest kicked. Never frees (callers may be walking lists). */
void xs_ring_fail(struct xs_ring *rg, uint32_t error, const char *why);
/* Serves the ring after a notification: output out, requests in. */
void xs_ring_process(struct xs_ring *rg);
/* The connection's send function (xs_conn.send). */
void xs_ring_send(struct xs_conn *c, const struct xsd_sockmsg *h, const void *payload);

#endif
