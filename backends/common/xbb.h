/* xbb.h: the backend half of the xenbus handshake (SPEC.md §17.1) for dom0
 * backend daemons: device discovery under /local/domain/0/backend/<type>/,
 * the state machine and the frontend's ring keys. One libuv loop, one
 * thread; the daemon supplies the device-class callbacks in xbb_ops. */
#ifndef HOSPES_XBB_H
#define HOSPES_XBB_H

#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include <pvabi/ring.h>
#include <pvabi/xenbus_state.h>

#include "xbb_log.h"

struct xsc;

#define XBB_PATH_MAX 160
#define XBB_MAX_RING_PAGES (1u << PVABI_RING_MAX_ORDER)

/* What the frontend wrote for its ring (checked: order within the
 * backend's max, every ref present, port decimal and non-zero). */
struct xbb_ring_keys {
	unsigned order; /* ring-page-order (0 if absent) */
	unsigned nr_refs;
	uint32_t refs[XBB_MAX_RING_PAGES];
	uint32_t port;	 /* event-channel */
	bool persistent; /* feature-persistent = 1 */
};

struct xbb_dev {
	struct xbb_dev *next;
	unsigned domid; /* frontend-id */
	unsigned devid;
	char bepath[XBB_PATH_MAX]; /* /local/domain/0/backend/<type>/<domid>/<devid> */
	char fepath[XBB_PATH_MAX]; /* from the "frontend" key */
	char fe_state_path[XBB_PATH_MAX + 8];
	int state;	/* the backend state we last wrote */
	bool connected; /* ops->connect succeeded, no disconnect since */
	struct xbb_ring_keys ring; /* the keys connected on (not own_ring_keys) */
	bool stale;	/* taken over while the frontend was Connected: its
			 * ring keys predate us, wait until it re-initialises */
	bool broken;	/* probe failed: stays Closed until removed */
	bool seen;	/* scan bookkeeping */
	bool fe_dirty;	/* a frontend state event is pending */
	unsigned fe_events; /* frontend state watch events (the first is the
			     * watch's own): a stale frontend writing its
			     * state again has re-initialised */
	bool be_dirty;	/* the toolstack wrote online or state */
	bool closing;	/* the toolstack detaches it (online 0, state
			 * Closing): Closed once the frontend let go, never
			 * InitWait again */
	char error[96]; /* the last reason it was dropped ("" none) */
	void *priv;	/* the device class's state */
};

struct xbb_ops {
	const char *type;	 /* "vbd" */
	unsigned max_ring_order; /* advertised as max-ring-page-order */
	/* The class has its own ring keys (vif: tx-ring-ref, rx-ring-ref):
	 * xbb neither parses ring-ref nor advertises max-ring-page-order, and
	 * connect gets k == NULL (it reads the frontend's keys itself). */
	bool own_ring_keys;
	/* New device: read class keys, open resources, write feature keys
	 * (the state key is written by xbb). -EAGAIN: keys missing, the
	 * directory is still being written (tried again on the next event);
	 * other <0: the device is set Closed. */
	int (*probe)(struct xbb_dev *d);
	/* The frontend is Initialised: map the ring, bind the port, write the
	 * keys the frontend needs before Connected. <0: Closed. k is NULL
	 * with own_ring_keys. */
	int (*connect)(struct xbb_dev *d, const struct xbb_ring_keys *k);
	/* Finish in-flight work, unmap, unbind (only after a connect). */
	void (*disconnect)(struct xbb_dev *d);
	/* The device directory is gone or the daemon stops: free priv. */
	void (*remove)(struct xbb_dev *d);
};

/* Starts serving: watches the backend directory and takes over every
 * device already there. 0 or -errno (logged). */
int xbb_start(uv_loop_t *loop, const char *xs_socket, const struct xbb_ops *ops);
/* Disconnects and removes every device, stops watching. */
void xbb_stop(void);
/* Closes the xenstore connection (after the loop ended). */
void xbb_close(void);
/* Every device followed, a list through ->next (for the control socket). */
struct xbb_dev *xbb_devices(void);

/* A protocol error on a connected device (e.g. ring overflow): it is
 * disconnected, "error" written, state Closed; logged with the reason. */
void xbb_fail(struct xbb_dev *d, const char *why);

/* Key helpers relative to the backend (xbb_be_*) or frontend directory. */
int xbb_be_write(struct xbb_dev *d, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* *val malloc'd; free() it. */
int xbb_be_read(struct xbb_dev *d, const char *key, char **val);
int xbb_fe_read(struct xbb_dev *d, const char *key, char **val);
/* A decimal number <= max, or -1. */
long long xbb_parse_num(const char *s, unsigned long long max);

/* Parses the frontend's ring keys (pure; used by xbb_state.c and unit
 * tests). get(key) returns the key's value or NULL. 0 or -EINVAL with
 * *why set. */
int xbb_parse_ring_keys(const char *(*get)(void *arg, const char *key), void *arg,
			unsigned max_order, struct xbb_ring_keys *k, const char **why);

#endif
