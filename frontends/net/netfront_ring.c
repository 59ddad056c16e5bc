/* netfront_ring.c: netfront's data path: transmit slots from pre-granted
 * pages, receive pages posted again right after use, one notification check
 * per batch, and the checks on every response field (the backend is not
 * trusted). Kept short: every instruction here runs per frame. */
#include "netfront.h"

#define NO_ID 0xffffffffu

static inline uint8_t *tx_page(struct netfront *nf, uint32_t id)
{
	return nf->tx_bufs + ((size_t)id << 12);
}

static inline void rx_post(struct netfront *nf, uint16_t id)
{
	struct netif_rx_request *req = netif_rx_front_next_req(&nf->rx);

	req->id = id;
	req->gref = nf->rx_refs[id];
	nf->rx_posted[id] = 1;
}

void netfront_rings_start(struct netfront *nf)
{
	netif_tx_sring_init(nf->tx_area);
	netif_rx_sring_init(nf->rx_area);
	netif_tx_front_init(&nf->tx, nf->tx_area, NETFRONT_PAGE);
	netif_rx_front_init(&nf->rx, nf->rx_area, NETFRONT_PAGE);
	/* Frames in flight on the old rings are lost (networks drop). */
	nf->tx_nfree = 0;
	for (uint32_t i = 0; i < NETFRONT_TX_BUFS; i++) {
		nf->tx_busy[i] = 0;
		nf->tx_free[nf->tx_nfree++] = (uint16_t)(NETFRONT_TX_BUFS - 1 - i);
	}
	nf->tx_pending_id = NO_ID;
	for (uint16_t i = 0; i < NETFRONT_RX_BUFS; i++)
		rx_post(nf, i);
	/* Published by the first netfront_push once the backend is
	 * Connected: it sets its view of the ring up before that. */
	nf->broken = 0;
}

uint8_t *netfront_tx_begin(struct netfront *nf)
{
	if (nf->tx_pending_id != NO_ID)
		return tx_page(nf, nf->tx_pending_id);
	/* A free id always has a ring slot: at most TX_BUFS requests are
	 * unanswered and the ring holds more; the check costs little. */
	if (!nf->tx_nfree || nf->broken || !nf->tx_area || !netif_tx_front_free(&nf->tx))
		return NULL;
	nf->tx_pending_id = nf->tx_free[--nf->tx_nfree];
	return tx_page(nf, nf->tx_pending_id);
}

int netfront_tx_commit(struct netfront *nf, uint32_t len)
{
	uint32_t id = nf->tx_pending_id;
	struct netif_tx_request *req;

	if (id == NO_ID || len < NETIF_ETH_MIN_FRAME || len > NETFRONT_PAGE)
		return -XEN_EINVAL;
	nf->tx_pending_id = NO_ID;
	req = netif_tx_front_next_req(&nf->tx);
	req->gref = nf->tx_refs[id];
	req->offset = 0;
	req->flags = 0;
	req->id = (uint16_t)id;
	req->size = (uint16_t)len;
	nf->tx_busy[id] = 1;
	nf->st.tx_packets++;
	nf->st.tx_bytes += len;
	return 0;
}

int netfront_send(struct netfront *nf, const void *frame, uint32_t len)
{
	uint8_t *p;

	if (len < NETIF_ETH_MIN_FRAME || len > NETFRONT_PAGE)
		return -XEN_EINVAL;
	if (nf->phase == NETFRONT_DOWN)
		return -XEN_ENXIO; /* not connected */
	if (!(p = netfront_tx_begin(nf)))
		return -XEN_EAGAIN;
	memcpy(p, frame, len);
	return netfront_tx_commit(nf, len);
}

uint32_t netfront_tx_in_flight(const struct netfront *nf)
{
	return NETFRONT_TX_BUFS - nf->tx_nfree - (nf->tx_pending_id != NO_ID);
}

void netfront_push(struct netfront *nf)
{
	int kick;

	if (!nf->tx_area || nf->broken || nf->phase != NETFRONT_CONNECTED)
		return;
	kick = netif_tx_front_push(&nf->tx);
	kick |= netif_rx_front_push(&nf->rx);
	if (kick) {
		pvabi_evtchn_send(nf->port);
		nf->st.notifies++;
	}
}

/* TX responses: each frees its page. 0 or -EIO. */
static int reap_tx(struct netfront *nf)
{
	int64_t n = netif_tx_front_rsp_avail(&nf->tx);

	if (n < 0)
		return -XEN_EIO;
	for (; n > 0; n--) {
		/* Each field read once: the backend may rewrite the slot. */
		const volatile struct netif_tx_response *rsp =
		    netif_tx_front_rsp(&nf->tx, nf->tx.rsp_cons++);
		uint16_t id = rsp->id;
		int16_t status = rsp->status;

		if (id >= NETFRONT_TX_BUFS || !nf->tx_busy[id]) {
			nf->st.bad_ids++;
			continue;
		}
		nf->tx_busy[id] = 0;
		nf->tx_free[nf->tx_nfree++] = id;
		if (status != NETIF_RSP_OKAY)
			nf->st.tx_errors++;
	}
	return 0;
}

int netfront_poll(struct netfront *nf, netfront_rx_fn fn, void *arg, unsigned int budget)
{
	int64_t n;
	int got = 0;

	if (!nf->tx_area || nf->broken)
		return nf->broken ? -XEN_EIO : 0;
	if (reap_tx(nf) || (n = netif_rx_front_rsp_avail(&nf->rx)) < 0) {
		nf->broken = 1;
		return -XEN_EIO;
	}
	if (n > budget)
		n = budget;
	for (; n > 0; n--) {
		const volatile struct netif_rx_response *rsp =
		    netif_rx_front_rsp(&nf->rx, nf->rx.rsp_cons++);
		uint16_t id = rsp->id, off = rsp->offset, flags = rsp->flags;
		int16_t status = rsp->status;

		if (id >= NETFRONT_RX_BUFS || !nf->rx_posted[id]) {
			nf->st.bad_ids++;
			continue;
		}
		nf->rx_posted[id] = 0;
		/* One frame per page: chained or extra-info answers are not
		 * negotiated and are dropped like errors. */
		if (status < (int16_t)NETIF_ETH_MIN_FRAME ||
		    (uint32_t)off + (uint32_t)status > NETFRONT_PAGE ||
		    (flags & (NETRXF_more_data | NETRXF_extra_info))) {
			nf->st.rx_errors++;
		} else {
			nf->st.rx_packets++;
			nf->st.rx_bytes += (uint32_t)status;
			fn(arg, nf->rx_bufs + ((size_t)id << 12) + off, (uint32_t)status);
			got++;
		}
		rx_post(nf, id);
	}
	netfront_push(nf);
	return got;
}

int netfront_pending(struct netfront *nf, int want_tx)
{
	if (!nf->tx_area || nf->broken)
		return 0;
	if (netif_rx_front_final_check(&nf->rx))
		return 1;
	return want_tx && netif_tx_front_final_check(&nf->tx);
}
