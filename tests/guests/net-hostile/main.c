/* net-hostile: a PV network frontend that breaks the rules on purpose
 * (SPEC.md §19). It connects vif 0 (device/vif/0) like a frontend should,
 * then sends one batch of TX packets, malformed ones among valid ones (too
 * short, a piece beyond its page, a grant it never gave, extra info it did
 * not negotiate, chain sizes that do not add up, a chain of 19 slots) and
 * prints "CHECK <name> <status>" for each slot's answer. It then posts two
 * RX pages, the first under a grant it never gave, and prints the answers
 * to both once a frame came ("CHECK rx_bad <status>", "CHECK rx_good
 * <1 if a frame arrived>"): the host makes one arrive. With "overflow" in
 * its command line it finally moves the TX req_prod a thousand slots ahead
 * and waits until the backend drops the device ("net-hostile: backend
 * state <s> after overflow"). */
#include <pvabi.h>

#include <pvabi/netif.h>

#define FOREIGN_GREF 7777u

static uint8_t gnt_frames[2 * 4096] __attribute__((aligned(4096)));
static uint8_t tx_area[4096] __attribute__((aligned(4096)));
static uint8_t rx_area[4096] __attribute__((aligned(4096)));
static uint8_t tx_data[4096] __attribute__((aligned(4096)));
static uint8_t rx_data[4096] __attribute__((aligned(4096)));
static struct pvabi_ring_conn conn;
static struct pvabi_xenbus_front xb;
static struct netif_tx_front tx;
static struct netif_rx_front rx;
static grant_ref_t rx_ring_ref, tx_ref, rx_ref;
static volatile unsigned kicks;

/* Slot ids: 100 * packet + slot within the packet. */
static const char *const names[] = {
    "tx_ok", "short", "beyond_page", "foreign_gref", "extra_info", "chain_ok", "chain_bad", "chain_19",
};
#define NPKT (sizeof(names) / sizeof(names[0]))

static void on_kick(evtchn_port_t port, void *arg)
{
	(void)port;
	(void)arg;
	kicks++;
}

static int publish(struct pvabi_xenbus_front *x, uint32_t t, void *arg)
{
	int r;

	(void)arg;
	if ((r = pvabi_xenbus_front_write_num(x, t, "tx-ring-ref", conn.refs[0])) ||
	    (r = pvabi_xenbus_front_write_num(x, t, "rx-ring-ref", rx_ring_ref)) ||
	    (r = pvabi_xenbus_front_write_num(x, t, "event-channel", conn.port)))
		return r;
	return pvabi_xenbus_front_write(x, t, "request-rx-copy", "1");
}

static void slot(unsigned pkt, unsigned i, uint32_t gref, uint16_t off, uint16_t size,
		 uint16_t flags)
{
	struct netif_tx_request *q = netif_tx_front_next_req(&tx);

	q->gref = gref;
	q->offset = off;
	q->size = size;
	q->flags = flags;
	q->id = (uint16_t)(pkt * 100 + i);
}

static unsigned send_batch(void)
{
	unsigned n = 0;

	/* a broadcast frame of an experimental ethertype: the host ignores it */
	memset(tx_data, 0xff, 6);
	memcpy(tx_data + 6, "\x00\x16\x3e\x4e\x48\x01\x88\xb5", 8);
	slot(0, 0, tx_ref, 0, 60, 0), n++;
	slot(1, 0, tx_ref, 0, 10, 0), n++;
	slot(2, 0, tx_ref, 4000, 200, 0), n++;
	slot(3, 0, FOREIGN_GREF, 0, 60, 0), n++;
	slot(4, 0, tx_ref, 0, 60, NETTXF_extra_info), n++;
	/* 100 bytes: 60 in the first piece, 40 in the second */
	slot(5, 0, tx_ref, 0, 100, NETTXF_more_data), n++;
	slot(5, 1, tx_ref, 200, 40, 0), n++;
	/* the second piece is as large as the whole packet */
	slot(6, 0, tx_ref, 0, 50, NETTXF_more_data), n++;
	slot(6, 1, tx_ref, 200, 60, 0), n++;
	for (unsigned i = 0; i < 19; i++, n++)
		slot(7, i, tx_ref, 0, i ? 10 : 19 * 10, i < 18 ? NETTXF_more_data : 0);
	if (netif_tx_front_push(&tx))
		pvabi_evtchn_send(conn.port);
	return n;
}

static void wait_kick(void)
{
	__asm__ volatile("sti; hlt; cli" : : : "memory");
}

static void collect_tx(unsigned n)
{
	for (unsigned got = 0; got < n;) {
		int64_t a = netif_tx_front_rsp_avail(&tx);

		if (a < 0)
			pvabi_panic("net-hostile: backend answered more than asked");
		for (int64_t i = 0; i < a; i++, got++) {
			const struct netif_tx_response *o = netif_tx_front_rsp(&tx, tx.rsp_cons++);
			unsigned k = o->id / 100u;

			pvabi_printf("CHECK %s %d\n", k < NPKT ? names[k] : "unknown_id", o->status);
		}
		if (!a && !netif_tx_front_final_check(&tx))
			wait_kick();
	}
}

static void rx_test(void)
{
	struct netif_rx_request *q;
	unsigned got = 0;

	q = netif_rx_front_next_req(&rx);
	q->id = 1;
	q->gref = FOREIGN_GREF;
	q = netif_rx_front_next_req(&rx);
	q->id = 2;
	q->gref = rx_ref;
	if (netif_rx_front_push(&rx))
		pvabi_evtchn_send(conn.port);
	pvabi_printf("net-hostile: rx posted\n");
	while (got < 2) {
		int64_t a = netif_rx_front_rsp_avail(&rx);

		if (a < 0)
			pvabi_panic("net-hostile: backend answered more rx than posted");
		for (int64_t i = 0; i < a; i++, got++) {
			const struct netif_rx_response *o = netif_rx_front_rsp(&rx, rx.rsp_cons++);

			if (o->id == 1)
				pvabi_printf("CHECK rx_bad %d\n", o->status);
			else
				pvabi_printf("CHECK rx_good %d\n", o->status >= 14 ? 1 : o->status);
		}
		if (!a && !netif_rx_front_final_check(&rx))
			wait_kick();
	}
}

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	long r;

	if ((r = pvabi_events_init(0xf3)))
		pvabi_panic("net-hostile: events %ld", r);
	if ((r = pvabi_xenbus_init()))
		pvabi_panic("net-hostile: xenbus %ld", r);
	if ((r = pvabi_gnttab_init((uintptr_t)gnt_frames >> 12, 2)))
		pvabi_panic("net-hostile: grant table %ld", r);
	if ((r = pvabi_xenbus_front_init(&xb, "device/vif/0", "nh")))
		pvabi_panic("net-hostile: device/vif/0: %ld", r);
	if ((r = pvabi_xenbus_front_wait(&xb, 1u << XenbusStateInitWait)) < 0)
		pvabi_panic("net-hostile: backend %ld", r);
	netif_tx_sring_init((struct netif_tx_sring *)tx_area);
	netif_rx_sring_init((struct netif_rx_sring *)rx_area);
	if ((r = pvabi_ring_offer(&conn, tx_area, 0, 0)) ||
	    netif_tx_front_init(&tx, (struct netif_tx_sring *)tx_area, sizeof(tx_area)) ||
	    netif_rx_front_init(&rx, (struct netif_rx_sring *)rx_area, sizeof(rx_area)))
		pvabi_panic("net-hostile: rings %ld", r);
	rx_ring_ref = (grant_ref_t)pvabi_gnttab_alloc_ref();
	tx_ref = (grant_ref_t)pvabi_gnttab_alloc_ref();
	rx_ref = (grant_ref_t)pvabi_gnttab_alloc_ref();
	pvabi_gnttab_grant_access(rx_ring_ref, 0, (uintptr_t)rx_area >> 12, 0);
	pvabi_gnttab_grant_access(tx_ref, 0, (uintptr_t)tx_data >> 12, 1);
	pvabi_gnttab_grant_access(rx_ref, 0, (uintptr_t)rx_data >> 12, 0);
	if ((r = pvabi_evtchn_bind_handler(conn.port, on_kick, NULL)))
		pvabi_panic("net-hostile: bind %ld", r);
	if ((r = pvabi_xenbus_front_publish(&xb, publish, NULL)))
		pvabi_panic("net-hostile: publish %ld", r);
	if ((r = pvabi_xenbus_front_wait(&xb, 1u << XenbusStateConnected)) < 0)
		pvabi_panic("net-hostile: connect %ld", r);
	pvabi_xenbus_front_set_state(&xb, XenbusStateConnected);
	pvabi_printf("net-hostile: connected\n");
	collect_tx(send_batch());
	pvabi_printf("net-hostile: batch done\n");
	rx_test();
	pvabi_printf("net-hostile: rx done\n");
	if (!pvabi_cmdline_has(boot->cmdline, "overflow"))
		return;
	PVABI_RING_SET(tx.sring->hdr.req_prod, tx.req_prod_pvt + 1000);
	pvabi_evtchn_send(conn.port);
	r = pvabi_xenbus_front_wait(&xb, 1u << XenbusStateClosed);
	pvabi_printf("net-hostile: backend state %ld after overflow\n", r);
}
