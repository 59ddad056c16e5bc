/* nb.h: hospes-netback's shared state: devices (nb_dev.c), the TAP devices
 * (nb_tap.c), the guest's transmit path (nb_tx.c), its receive path
 * (nb_rx.c), statistics (nb_stats.c). One libuv loop, one thread. */
#ifndef HOSPES_NB_H
#define HOSPES_NB_H

#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include <pvabi/netif.h>

#include "nb_check.h"
#include "xbb.h"

struct hvctl;

/* Frontend and backend keys of the vif class (Xen's names). */
#define NB_KEY_TX_RING_REF "tx-ring-ref"
#define NB_KEY_RX_RING_REF "rx-ring-ref"
#define NB_KEY_EVENT_CHANNEL "event-channel"
#define NB_KEY_REQUEST_RX_COPY "request-rx-copy"
#define NB_KEY_MAC "mac"
#define NB_KEY_BRIDGE "bridge"

/* Grants mapped by one hospes-hv call (and unmapped by one). */
#define NB_BATCH 64u
/* Frames read from a TAP per loop turn. */
#define NB_RX_BURST 64u
/* Largest frame delivered to the guest: one posted page. */
#define NB_RX_MAX_FRAME NB_PAGE

struct nb_stats {
	uint64_t tx_packets, tx_bytes; /* frames the guest sent, written to the TAP */
	uint64_t tx_errors;	       /* malformed or unmappable packets */
	uint64_t tx_dropped;	       /* the TAP refused them */
	uint64_t rx_packets, rx_bytes; /* frames delivered to the guest */
	uint64_t rx_dropped;	       /* no buffer posted, not connected, too large */
	uint64_t rx_errors;	       /* posted buffer not mappable */
	uint64_t grant_maps;
	uint64_t connects;
};

struct nb_dev {
	struct nb_dev *next; /* nb_devs */
	struct xbb_dev *x;
	char ifname[16];
	int tap_fd;
	uv_poll_t *tap_poll;
	char stats_path[256];
	struct nb_stats st;
	bool stats_dirty;

	/* connection state (valid while connected) */
	struct hvctl *hc; /* own connection: closing it unmaps everything */
	uint8_t *ram;	  /* the domain's RAM memfd, mapped once */
	size_t ram_size;
	struct netif_tx_back tx;
	struct netif_rx_back rx;
	int notify_fd, kick_fd;
	uv_poll_t *poll;
	bool connected;
	const char *failed; /* protocol error seen: dropped after this turn */
	bool kick;	    /* a notification is owed this turn */
	unsigned nbad;	    /* refused requests logged */
};

extern uv_loop_t *nb_loop;
extern const char *nb_state_dir, *nb_hv_socket;
extern bool nb_stopping; /* SIGTERM: keep the TAP devices for a restart */

/* nb_dev.c: the xbb_ops of the vif class. */
extern const struct xbb_ops nb_vif_ops;
extern struct nb_dev *nb_devs;
/* Ends the turn of a device: one kick, drops it on a protocol error. */
void nb_dev_finish(struct nb_dev *d);

/* nb_tap.c */
/* Creates (or re-attaches to) the persistent TAP ifname, non-blocking,
 * up, in bridge if non-NULL and existing. fd or -errno. */
int nb_tap_open(const char *ifname, const char *bridge, int domid);
/* Closes it; destroy also deletes the interface. */
void nb_tap_close(int fd, bool destroy);

/* nb_tx.c: the guest's packets to the TAP. */
void nb_tx_consume(struct nb_dev *d);

/* nb_rx.c: the TAP's frames to the guest. */
void nb_rx_on_tap(uv_poll_t *p, int status, int events);

/* nb_stats.c */
struct bctl_config;
extern const struct bctl_config nb_ctl_config; /* the control socket */
/* Writes the devices whose counters changed (bk_stats_timer_start). */
void nb_stats_flush(void);
void nb_stats_write(struct nb_dev *d);

#endif
