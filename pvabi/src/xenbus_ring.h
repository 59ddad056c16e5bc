/* xenbus_ring.h: the guest side of the xenstore ring (byte stream, framing,
 * one request at a time, watch events queued). Plain C, no hypercalls, so
 * the host unit tests build it too; xenbus.c supplies notify and wait. */
#ifndef PVABI_XENBUS_RING_H
#define PVABI_XENBUS_RING_H

#include <stddef.h>
#include <stdint.h>

#include <pvabi/xs_wire.h>

/* Watch events kept while a reply is awaited: payloads packed in a byte
 * arena with a length prefix. Bounded; overflow is counted, see below. */
#define XB_EVENT_ARENA 16384u

struct xb_iov {
	const void *base;
	size_t len;
};

struct xb_ring {
	volatile struct xenstore_domain_interface *intf;
	/* Tells the server there are new request bytes or freed reply space. */
	void (*notify)(void *ctx);
	/* Called when no progress is possible (request ring full or no reply
	 * bytes); returns when something may have changed (guest: blocks on
	 * the port's event; host test: runs the fake server). */
	void (*wait)(void *ctx);
	void *ctx;
	uint32_t req_id; /* last request id sent */
	int broken;	 /* stream lost sync (bad index or length): -EIO forever */
	/* Queued watch events: [u32 len][len bytes] records, FIFO. */
	uint32_t ev_head, ev_tail, ev_count;
	uint32_t ev_dropped; /* events that did not fit in the arena */
	uint8_t ev_buf[XB_EVENT_ARENA];
};

/* Sets up r over intf (indices as found: they need not start at 0). */
void pvabi_xb_ring_init(struct xb_ring *r, volatile struct xenstore_domain_interface *intf,
			void (*notify)(void *), void (*wait)(void *), void *ctx);

/* Sends request type with the payload gathered from iov[0..n) (at most
 * XENSTORE_PAYLOAD_MAX bytes in all) and waits for its reply; watch events
 * read meanwhile are queued. The reply payload is copied to buf (at most
 * size bytes, the rest is read and dropped). Returns the full reply length
 * (> size means truncated), or -XEN_E* from an XS_ERROR reply (its name
 * mapped through xs_wire.h's table; unknown names give -EINVAL), -EINVAL
 * for a request too long, -EIO when the ring or a reply is malformed. */
long pvabi_xb_ring_request(struct xb_ring *r, uint32_t type, uint32_t tx_id,
			   const struct xb_iov *iov, unsigned int n, void *buf, size_t size);

/* Reads every complete message already on the ring without waiting
 * (outside a request only watch events may be there; anything else is a
 * protocol error: -EIO), queueing events. 0 or -EIO. */
int pvabi_xb_ring_drain(struct xb_ring *r);

/* Removes the oldest queued event into buf ("path\0token\0", size >= 4097
 * holds any); returns its length, 0 when none is queued. */
size_t pvabi_xb_ring_next_event(struct xb_ring *r, char *buf, size_t size);

/* Maps an XS_ERROR payload ("ENAME\0") to a negative Xen errno. */
int pvabi_xb_error_to_errno(const char *name, size_t len);

/* xenbus_api.c: connects the pvabi_xenbus_* calls to the ring at intf
 * (connected); before that they return -EINVAL. */
void pvabi_xb_attach(volatile struct xenstore_domain_interface *intf, void (*notify)(void *),
		     void (*wait)(void *), void *ctx);
int pvabi_xb_attached(void);

#endif
