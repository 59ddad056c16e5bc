/* nb_rx.c: the TAP's frames to the guest (RX ring). Each turn reads up to
 * NB_RX_BURST frames, takes one posted request per frame, maps those
 * pages writable with one hospes-hv call, copies each frame to offset 0
 * of its page, unmaps with one call and publishes the responses with at
 * most one notification. A frame that finds no posted page (or a device
 * not connected) is dropped and counted: the guest never holds us up. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "hvctl.h"
#include "nb.h"

/* One byte more than fits: a longer read means a frame too large. */
static uint8_t buf[NB_RX_BURST][NB_RX_MAX_FRAME + 1];
static size_t len[NB_RX_BURST];

static unsigned read_frames(struct nb_dev *d)
{
	unsigned n = 0;

	while (n < NB_RX_BURST) {
		ssize_t r = read(d->tap_fd, buf[n], sizeof(buf[n]));

		if (r < 0) {
			/* e.g. the interface was deleted under us: stop reading it
			 * rather than spin on an fd that stays readable */
			if (errno != EAGAIN && errno != EINTR) {
				xbb_log((int)d->x->domid, "vif %u: %s read: %s; no longer read",
					d->x->devid, d->ifname, strerror(errno));
				uv_poll_stop(d->tap_poll);
			}
			break;
		}
		if (r == 0)
			break;
		if ((size_t)r > NB_RX_MAX_FRAME) {
			d->st.rx_dropped++;
			continue;
		}
		len[n++] = (size_t)r;
	}
	return n;
}

/* Delivers frames [0, n) into posted pages; the rest are dropped. */
static void deliver(struct nb_dev *d, unsigned n)
{
	struct netif_rx_request rq[NB_RX_BURST];
	struct hvctl_gnt_mapping maps[NB_RX_BURST];
	uint32_t refs[NB_RX_BURST], handles[NB_RX_BURST];
	int32_t ust[NB_RX_BURST];
	unsigned avail, nh = 0, f = 0;

	if (netif_rx_back_prod_overflow(&d->rx)) {
		d->failed = "rx ring overflow: req_prod beyond the ring";
		d->st.rx_dropped += n;
		return;
	}
	avail = netif_rx_back_req_avail(&d->rx);
	if (avail > n)
		avail = n;
	for (unsigned i = 0; i < avail; i++) {
		netif_rx_back_copy_req(&d->rx, &rq[i]);
		refs[i] = rq[i].gref;
	}
	if (avail && hvctl_gnt_map(d->hc, d->x->domid, refs, avail, false, maps) < 0)
		for (unsigned i = 0; i < avail; i++)
			maps[i].status = -1;
	d->st.grant_maps += avail;
	for (unsigned i = 0; i < avail; i++) {
		struct netif_rx_response *r = netif_rx_back_next_rsp(&d->rx);

		r->id = rq[i].id;
		r->offset = 0;
		r->flags = 0;
		if (maps[i].status == 0)
			handles[nh++] = maps[i].handle;
		if (maps[i].status != 0 || maps[i].offset > d->ram_size - NB_PAGE) {
			/* This page is unusable; the frame tries the next one. */
			r->status = NETIF_RSP_ERROR;
			d->st.rx_errors++;
			continue;
		}
		memcpy(d->ram + maps[i].offset, buf[f], len[f]);
		r->status = (int16_t)len[f];
		d->st.rx_packets++;
		d->st.rx_bytes += len[f];
		f++;
	}
	if (nh)
		hvctl_gnt_unmap(d->hc, handles, nh, ust);
	d->st.rx_dropped += n - f;
	if (avail && netif_rx_back_push(&d->rx))
		d->kick = true;
}

void nb_rx_on_tap(uv_poll_t *p, int status, int events)
{
	struct nb_dev *d = p->data;
	unsigned n;

	(void)status;
	(void)events;
	n = read_frames(d);
	if (!n)
		return;
	d->stats_dirty = true;
	if (!d->connected || d->failed) {
		d->st.rx_dropped += n;
		return;
	}
	deliver(d, n);
	nb_dev_finish(d);
}
