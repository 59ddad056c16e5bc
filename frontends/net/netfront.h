/* netfront.h: Hospes's PV network frontend (SPEC.md §19.2), kernel-agnostic
 * freestanding C over pvabi and the OS glue of fe_os.h.
 *
 * Data path design (fewest guest instructions per frame): NETFRONT_RX_BUFS
 * receive pages and NETFRONT_TX_BUFS transmit pages are granted once, when
 * the device is set up, and stay granted for its life. Every receive page
 * is posted on the RX ring and posted again as soon as its frame was
 * handed to the caller; a frame to send is written into a free transmit
 * page (in place through netfront_tx_begin, or copied by netfront_send)
 * and takes one TX slot. Frames are published in batches with one
 * notification check (netfront_push). Everything the backend writes into
 * the rings (ids, status, offsets, sizes, flags, indices) is checked before
 * use: a hostile backend can drop frames but never make the guest read or
 * write outside its buffers. */
#ifndef NETFRONT_H
#define NETFRONT_H

#include <fe_os.h>
#include <pvabi.h>
#include <pvabi/netif.h>

#define NETFRONT_RX_BUFS 64u /* receive pages posted (ids 0..63) */
#define NETFRONT_TX_BUFS 64u /* transmit pages (ids 0..63) */
#define NETFRONT_PAGE 4096u
#define NETFRONT_MAX_FRAME 1514u /* Ethernet header + MTU 1500 */

/* Xenstore keys of the vif protocol (SPEC.md §19.1). */
#define NETFRONT_KEY_MAC "mac"
#define NETFRONT_KEY_TX_RING_REF "tx-ring-ref"
#define NETFRONT_KEY_RX_RING_REF "rx-ring-ref"
#define NETFRONT_KEY_RX_COPY "request-rx-copy"
#define NETFRONT_KEY_RX_NOTIFY "feature-rx-notify"
#define NETFRONT_KEY_NO_CSUM "feature-no-csum-offload"
#define NETFRONT_KEY_BE_RX_COPY "feature-rx-copy"

/* Connection phases (netfront_check's answer). */
enum {
	NETFRONT_DOWN = 0,	/* waiting for the backend's InitWait */
	NETFRONT_PUBLISHED = 1, /* rings offered, waiting for the backend's Connected */
	NETFRONT_CONNECTED = 2, /* both sides Connected */
};

struct netfront_stats {
	uint64_t tx_packets, tx_bytes; /* frames put on the TX ring */
	uint64_t tx_errors;	       /* TX responses other than OKAY */
	uint64_t rx_packets, rx_bytes; /* frames handed to the caller */
	uint64_t rx_errors;  /* RX responses refused (error status, bad size/offset/flags) */
	uint64_t bad_ids;    /* responses naming an id not in flight */
	uint64_t notifies;   /* event channel sends */
	uint64_t reconnects; /* completed reconnections */
};

struct netfront;
/* Receives one frame: valid only during the call (its page is posted again
 * afterwards). */
typedef void (*netfront_rx_fn)(void *arg, const uint8_t *frame, uint32_t len);

struct netfront {
	const struct fe_os *os;
	struct pvabi_xenbus_front xb;
	struct pvabi_ring_conn txc; /* TX ring page and the device's one port */
	grant_ref_t rx_ring_ref;    /* RX ring page's ref (0: none) */
	struct netif_tx_front tx;
	struct netif_rx_front rx;
	void *tx_area, *rx_area; /* ring pages; replaced when still mapped at revoke */
	uint8_t *tx_bufs, *rx_bufs;
	grant_ref_t tx_refs[NETFRONT_TX_BUFS];
	grant_ref_t rx_refs[NETFRONT_RX_BUFS];
	uint16_t tx_free[NETFRONT_TX_BUFS];
	uint32_t tx_nfree;
	uint8_t tx_busy[NETFRONT_TX_BUFS];   /* 1 while id is on the ring */
	uint8_t rx_posted[NETFRONT_RX_BUFS]; /* 1 while id is on the ring */
	uint32_t tx_pending_id;		     /* id handed out by tx_begin, or ~0 */
	int phase;			     /* NETFRONT_* */
	int broken;			     /* ring protocol broken: frozen until reconnect */
	uint8_t mac[6];
	evtchn_port_t port;
	struct netfront_stats st;
};

/* Sets the device up: reads dir's backend, backend-id and mac (e.g.
 * "device/vif/0"), grants the buffer pages and starts the handshake
 * without waiting (netfront_check moves it on). 0 or -errno. */
int netfront_init(struct netfront *nf, const struct fe_os *os, const char *dir);
/* Runs xenstore events that came meanwhile and moves the handshake on:
 * offers fresh rings when the backend is in InitWait, reconnects when a
 * connected backend left Connected. Never blocks. The phase or -errno. */
int netfront_check(struct netfront *nf);

/* A transmit buffer of NETFRONT_PAGE bytes to build a frame in, or NULL
 * when every transmit page is in flight (reap first). */
uint8_t *netfront_tx_begin(struct netfront *nf);
/* Queues the frame of len bytes built in the tx_begin buffer (not yet
 * visible to the backend: netfront_push). 0 or -EINVAL (len outside
 * 14..NETFRONT_PAGE, or no tx_begin). */
int netfront_tx_commit(struct netfront *nf, uint32_t len);
/* Copies frame into a transmit page and queues it. 0, -EAGAIN (no free
 * transmit page), -EINVAL, -ENXIO (never connected). */
int netfront_send(struct netfront *nf, const void *frame, uint32_t len);
/* Frames committed to the TX ring whose answer has not come back yet
 * (the backend may not have read them). */
uint32_t netfront_tx_in_flight(const struct netfront *nf);
/* Publishes queued TX frames and re-posted RX pages; notifies the backend
 * once if it asked. */
void netfront_push(struct netfront *nf);
/* Takes TX responses (freeing their pages) and received frames (at most
 * budget; each handed to fn, its page posted again), then pushes. The
 * number of frames received, or -EIO when the backend broke the ring
 * protocol (the rings are then left alone until it reconnects). */
int netfront_poll(struct netfront *nf, netfront_rx_fn fn, void *arg, unsigned int budget);
/* Before sleeping on the device's port: 1 if received frames (or, with
 * want_tx, TX responses) are waiting; otherwise asks for an event on the
 * next one and looks once more (ring.h final check). */
int netfront_pending(struct netfront *nf, int want_tx);
/* Sleeps in the glue until the device's port or xenstore signals (after
 * netfront_pending said there is nothing), then runs netfront_check. */
int netfront_wait(struct netfront *nf, int want_tx);

/* Internals shared by netfront_conn.c, netfront_ring.c and the unit
 * tests: fresh ring indices on tx_area and rx_area (pages already
 * offered), every transmit page free, every receive page posted. */
void netfront_rings_start(struct netfront *nf);

#endif
