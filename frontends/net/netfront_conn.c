/* netfront_conn.c: netfront's connection: buffer pages granted once, the
 * two ring pages and the one event channel, the vif handshake (SPEC.md
 * §19.2: straight to Connected, as Linux's netfront does) and the
 * reconnection after the backend restarted. Nothing here blocks: the
 * caller's wait loop calls netfront_check. */
#include "netfront.h"

#define BIT(s) (1u << (s))

static uint64_t gfn_of(const void *p)
{
	return (uintptr_t)p >> 12;
}

static int grant_pages(struct netfront *nf, uint8_t *base, uint32_t n, grant_ref_t *refs,
		       int readonly)
{
	for (uint32_t i = 0; i < n; i++) {
		long r = pvabi_gnttab_alloc_ref();

		if (r < 0)
			return (int)r;
		refs[i] = (grant_ref_t)r;
		if ((r = pvabi_gnttab_grant_access(refs[i], nf->xb.backend_id,
						   gfn_of(base + ((size_t)i << 12)), readonly)))
			return (int)r;
	}
	return 0;
}

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "xx:xx:xx:xx:xx:xx" exactly; anything else is refused. */
static int parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		int h = hex(s[3 * i]), l = hex(s[3 * i + 1]);
		char sep = s[3 * i + 2];

		if (h < 0 || l < 0 || sep != (i == 5 ? '\0' : ':'))
			return -XEN_EINVAL;
		mac[i] = (uint8_t)(h << 4 | l);
	}
	return 0;
}

/* Lets the current rings go. A page the backend still maps stays granted
 * and is abandoned: the next setup takes a new one. */
static void rings_drop(struct netfront *nf)
{
	nf->broken = 1;
	if (nf->txc.area && pvabi_ring_revoke(&nf->txc))
		nf->tx_area = NULL;
	nf->txc.area = NULL;
	nf->port = 0;
	if (nf->rx_ring_ref) {
		if (pvabi_gnttab_end_access(nf->rx_ring_ref) == 0)
			pvabi_gnttab_free_ref(nf->rx_ring_ref);
		else
			nf->rx_area = NULL;
		nf->rx_ring_ref = 0;
	}
}

/* Fresh rings and port; ring keys and state Connected in one transaction. */
static int rings_offer(struct netfront *nf)
{
	struct pvabi_xenbus_front *xb = &nf->xb;
	long r;

	if (pvabi_xenbus_front_be_num(xb, NETFRONT_KEY_BE_RX_COPY, 0) != 1)
		return -XEN_EOPNOTSUPP; /* receive by page flipping: not supported */
	if (!nf->tx_area && !(nf->tx_area = nf->os->alloc_pages(nf->os->ctx, 0)))
		return -XEN_ENOMEM;
	if (!nf->rx_area && !(nf->rx_area = nf->os->alloc_pages(nf->os->ctx, 0)))
		return -XEN_ENOMEM;
	netif_tx_sring_init(nf->tx_area);
	netif_rx_sring_init(nf->rx_area);
	if ((r = pvabi_ring_offer(&nf->txc, nf->tx_area, 0, xb->backend_id))) {
		nf->txc.area = NULL; /* nothing stayed granted */
		return (int)r;
	}
	nf->port = nf->txc.port;
	if ((r = pvabi_gnttab_alloc_ref()) < 0)
		return (int)r;
	nf->rx_ring_ref = (grant_ref_t)r;
	if ((r = pvabi_gnttab_grant_access(nf->rx_ring_ref, xb->backend_id, gfn_of(nf->rx_area),
					   0)))
		return (int)r;
	nf->os->bind(nf->os->ctx, nf->port);
	netfront_rings_start(nf);
	for (;;) {
		uint32_t tx;

		if ((r = pvabi_xenbus_transaction_start(&tx)))
			return (int)r;
		if ((r = pvabi_xenbus_front_write_num(xb, tx, NETFRONT_KEY_TX_RING_REF,
						      nf->txc.refs[0])) ||
		    (r = pvabi_xenbus_front_write_num(xb, tx, NETFRONT_KEY_RX_RING_REF,
						      nf->rx_ring_ref)) ||
		    (r = pvabi_xenbus_front_write_num(xb, tx, XENBUS_KEY_EVENT_CHANNEL,
						      nf->port)) ||
		    (r = pvabi_xenbus_front_write(xb, tx, NETFRONT_KEY_RX_COPY, "1")) ||
		    (r = pvabi_xenbus_front_write(xb, tx, NETFRONT_KEY_RX_NOTIFY, "1")) ||
		    (r = pvabi_xenbus_front_write(xb, tx, NETFRONT_KEY_NO_CSUM, "1")) ||
		    (r = pvabi_xenbus_front_write_num(xb, tx, XENBUS_KEY_STATE,
						      XenbusStateConnected))) {
			pvabi_xenbus_transaction_end(tx, 1);
			return (int)r;
		}
		r = pvabi_xenbus_transaction_end(tx, 0);
		if (r == -XEN_EAGAIN)
			continue;
		if (r)
			return (int)r;
		xb->state = XenbusStateConnected;
		nf->phase = NETFRONT_PUBLISHED;
		return 0;
	}
}

int netfront_check(struct netfront *nf)
{
	int st = pvabi_xenbus_front_poll(&nf->xb), r;

	if (st < 0)
		return st;
	if (nf->phase != NETFRONT_DOWN && st != XenbusStateConnected &&
	    !(nf->phase == NETFRONT_PUBLISHED && st == XenbusStateInitWait)) {
		/* The backend left (restart, close): start over. */
		rings_drop(nf);
		nf->phase = NETFRONT_DOWN;
		if ((r = pvabi_xenbus_front_set_state(&nf->xb, XenbusStateInitialising)))
			return r;
		nf->st.reconnects++;
	}
	if (nf->phase == NETFRONT_DOWN && st == XenbusStateInitWait) {
		if ((r = rings_offer(nf))) {
			rings_drop(nf);
			return r;
		}
	}
	if (nf->phase == NETFRONT_PUBLISHED && st == XenbusStateConnected) {
		nf->phase = NETFRONT_CONNECTED;
		netfront_push(nf); /* the receive pages, and frames queued meanwhile */
	}
	return nf->phase;
}

int netfront_init(struct netfront *nf, const struct fe_os *os, const char *dir)
{
	char mac[24], token[24] = "net:";
	const char *tail = dir;
	long r;

	*nf = (struct netfront){.os = os, .broken = 1, .phase = NETFRONT_DOWN};
	for (const char *p = dir; *p; p++)
		if (*p == '/')
			tail = p + 1;
	for (size_t i = 0; tail[i] && i < sizeof(token) - 5; i++)
		token[4 + i] = tail[i];
	if ((r = pvabi_xenbus_front_init(&nf->xb, dir, token)))
		return (int)r;
	r = pvabi_xenbus_front_read(&nf->xb, 0, NETFRONT_KEY_MAC, mac, sizeof(mac));
	if (r < 0)
		return (int)r;
	if (r >= (long)sizeof(mac) || parse_mac(mac, nf->mac))
		return -XEN_EINVAL;
	nf->tx_bufs = os->alloc_pages(os->ctx, (unsigned int)__builtin_ctz(NETFRONT_TX_BUFS));
	nf->rx_bufs = os->alloc_pages(os->ctx, (unsigned int)__builtin_ctz(NETFRONT_RX_BUFS));
	if (!nf->tx_bufs || !nf->rx_bufs)
		return -XEN_ENOMEM;
	/* Granted once, for the life of the device (across reconnects);
	 * the backend only reads transmit pages. */
	if ((r = grant_pages(nf, nf->tx_bufs, NETFRONT_TX_BUFS, nf->tx_refs, 1)) ||
	    (r = grant_pages(nf, nf->rx_bufs, NETFRONT_RX_BUFS, nf->rx_refs, 0)))
		return (int)r;
	r = netfront_check(nf);
	return r < 0 ? (int)r : 0;
}

int netfront_wait(struct netfront *nf, int want_tx)
{
	if (netfront_pending(nf, want_tx))
		return 0;
	nf->os->wait(nf->os->ctx, nf->port);
	return netfront_check(nf);
}
