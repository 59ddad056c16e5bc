/* xsc_internal.h: libxsclient's handle and the helpers its files share
 * (framing and request/reply in xsc_io.c, the watch queue in xsc_watch.c). */
#ifndef HOSPES_XSC_INTERNAL_H
#define HOSPES_XSC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include <pvabi/xs_wire.h>

#include "xsclient.h"

#define XSC_MSG_MAX (sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX)
/* Room for several messages, so one read() can take a burst of events. */
#define XSC_RBUF_SIZE (8 * XSC_MSG_MAX)

struct xsc_qevent { /* a queued watch event; path and token follow it */
	struct xsc_qevent *next;
	struct xsc_event ev;
};

struct xsc_watch {
	struct xsc_watch *next;
	xsc_watch_cb cb;
	void *arg;
	char *path, *token; /* inside the same allocation */
};

struct xsc {
	int fd;       /* the daemon socket */
	int evfd;     /* eventfd: readable while the queue is non-empty */
	int epfd;     /* xsc_fileno: socket + evfd */
	bool broken;  /* the stream lost sync: every call fails with -EPIPE */
	unsigned timeout_ms; /* bound of one request (0: none), xsc_open_timeout */
	int broken_err;      /* what broke it (xsc_broken) */
	uint32_t next_req;
	size_t rlen;  /* bytes buffered in rbuf */
	struct xsc_qevent *qhead, *qtail;
	struct xsc_watch *watches;
	uint8_t rbuf[XSC_RBUF_SIZE];
};

/* One reply: payload NUL-terminated one byte past len for convenience. */
struct xsc_reply {
	struct xsd_sockmsg hdr;
	char payload[XENSTORE_PAYLOAD_MAX + 1];
};

/* Sends type/tx with the parts as payload and waits for its reply, queueing
 * watch events that come first. 0 (reply in r), the daemon's error, or a
 * local/protocol error (-EBADMSG, -EPIPE, -E2BIG). */
int xsc_request(struct xsc *h, uint32_t type, uint32_t tx, const struct iovec *parts,
		int nparts, struct xsc_reply *r);
/* The same with a payload of NUL-terminated strings (NULL-terminated list). */
int xsc_request_strs(struct xsc *h, uint32_t type, uint32_t tx, const char *const strs[],
		     struct xsc_reply *r);
/* A reply that must be exactly "OK\0". */
int xsc_expect_ok(struct xsc *h, const struct xsc_reply *r);

/* Waits up to timeout_ms (-1 forever) for bytes and handles every complete
 * message: events are queued, anything else is a protocol error. Returns
 * 0, -ETIMEDOUT or an error. */
int xsc_pump(struct xsc *h, int timeout_ms);

/* Watch queue. */
int xsc_queue_event(struct xsc *h, const char *payload, size_t len);
void xsc_queue_free(struct xsc *h);
void xsc_watches_free(struct xsc *h);

/* Marks the handle unusable and returns err (for one-line returns). */
int xsc_fail(struct xsc *h, int err);

/* Maps an error reply's name to -errno (unknown names: -EINVAL). */
int xsc_error_from_name(const char *name);

#endif
