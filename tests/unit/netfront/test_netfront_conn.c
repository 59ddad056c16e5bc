/* test_netfront_conn.c: netfront's connection (frontends/net/netfront_conn.c,
 * SPEC.md §19.2) with pvabi's real xenstore client against a fake xenstore
 * server (../pvabi/xb_fake.h) and the recorded hypervisor of fake_hv.h:
 * the mac parsed, buffer pages granted once (transmit read-only), the ring
 * keys and state Connected in one transaction, receive pages published only
 * once the backend is Connected, reconnection with fresh rings after a
 * backend restart or close, a ring page still mapped abandoned, and the
 * refusals (no rx-copy, bad or missing mac). */
#include "../pvabi/xb_fake.h"

#include <stdio.h>

#include <netfront.h>

#include "fake_hv.h"

#define FE "/local/domain/5/device/vif/0"
#define BE "/local/domain/0/backend/vif/5/0"

static struct {
	struct xb_store kv;
	int in_tx;     /* writes seen inside the open transaction */
	int tx_writes; /* writes of the last committed transaction */
	char state_at_commit[8];
} S;

static void server(struct fake *f, const struct xsd_sockmsg *h, const uint8_t *p)
{
	switch (h->type) {
	case XS_WRITE:
		xb_serve_write(f, &S.kv, h, p);
		if (h->tx_id)
			S.in_tx++;
		break;
	case XS_READ:
		xb_serve_read(f, &S.kv, h, p);
		break;
	case XS_TRANSACTION_START:
		S.in_tx = 0;
		put_msg(f, h->type, h->req_id, "7", 2);
		break;
	case XS_TRANSACTION_END:
		S.tx_writes = S.in_tx;
		snprintf(S.state_at_commit, sizeof(S.state_at_commit), "%s",
			 xb_get(&S.kv, FE "/state") ? xb_get(&S.kv, FE "/state") : "");
		put_msg(f, h->type, h->req_id, "OK", 3);
		break;
	case XS_WATCH:
		xb_serve_watch(f, h, p);
		break;
	case XS_UNWATCH:
		put_msg(f, h->type, h->req_id, "OK", 3);
		break;
	default:
		put_msg(f, XS_ERROR, h->req_id, "ENOSYS", 7);
	}
}

static void *pages[64];
static int npages;
static evtchn_port_t bound;

static void *t_alloc(void *ctx, unsigned int order)
{
	void *p = aligned_alloc(4096, (size_t)4096 << order);

	(void)ctx;
	cr_assert(p && npages < 64);
	return pages[npages++] = p;
}

static void t_bind(void *ctx, evtchn_port_t port)
{
	(void)ctx;
	bound = port;
}

static int waits;
static evtchn_port_t waited;

static int t_wait(void *ctx, evtchn_port_t port)
{
	(void)ctx;
	waits++;
	waited = port;
	return 1;
}

static const struct fe_os os = {t_alloc, t_bind, t_wait, NULL};
static struct netfront nf;

/* The backend writes its state; the event reaches the client's ring. */
static void be_state(const char *st)
{
	xb_set(&S.kv, BE "/state", st);
	put_event(F, BE "/state", "net:0");
	server_step(F);
}

static void attach(void)
{
	struct fake *f = fake_new(server, 0);

	memset(&S, 0, sizeof(S));
	pvabi_xb_attach(&f->intf, fake_notify, fake_wait, f);
	xb_store_pair(&S.kv, FE, BE);
	xb_set(&S.kv, FE "/mac", "00:16:3e:0a:Bc:ff");
	xb_set(&S.kv, BE "/feature-rx-copy", "1");
}

static void detach(void)
{
	for (int i = 0; i < npages; i++)
		free(pages[i]);
	npages = 0;
	fake_fini();
}

TestSuite(netfront_conn, .init = attach, .fini = detach);

static unsigned long num(const char *path)
{
	const char *v = xb_get(&S.kv, path);

	cr_assert_not_null(v, "%s missing", path);
	return strtoul(v, NULL, 10);
}

Test(netfront_conn, handshake_keys_and_grants)
{
	const uint8_t mac[6] = {0x00, 0x16, 0x3e, 0x0a, 0xbc, 0xff};
	grant_ref_t txr, rxr;

	cr_assert_eq(netfront_init(&nf, &os, FE), 0);
	cr_assert_arr_eq(nf.mac, mac, 6);
	cr_assert_eq(nf.phase, NETFRONT_PUBLISHED, "backend in InitWait: rings offered at once");
	/* Buffer pages: transmit read-only, receive writable, to dom0. */
	for (uint32_t i = 0; i < NETFRONT_TX_BUFS; i++) {
		grant_ref_t r = nf.tx_refs[i];

		cr_assert(hv.granted[r] && hv.readonly[r] && hv.dom[r] == 0);
		cr_assert_eq(hv.gfn[r], ((uintptr_t)nf.tx_bufs >> 12) + i);
	}
	for (uint32_t i = 0; i < NETFRONT_RX_BUFS; i++) {
		grant_ref_t r = nf.rx_refs[i];

		cr_assert(hv.granted[r] && !hv.readonly[r]);
		cr_assert_eq(hv.gfn[r], ((uintptr_t)nf.rx_bufs >> 12) + i);
	}
	/* The keys and state 4, written together. */
	txr = (grant_ref_t)num(FE "/tx-ring-ref");
	rxr = (grant_ref_t)num(FE "/rx-ring-ref");
	cr_assert(hv.granted[txr] && !hv.readonly[txr]);
	cr_assert_eq(hv.gfn[txr], (uintptr_t)nf.tx_area >> 12);
	cr_assert(hv.granted[rxr] && !hv.readonly[rxr]);
	cr_assert_eq(hv.gfn[rxr], (uintptr_t)nf.rx_area >> 12);
	cr_assert_eq(num(FE "/event-channel"), nf.port);
	cr_assert_eq(bound, nf.port, "the glue prepared the port");
	cr_assert_str_eq(xb_get(&S.kv, FE "/request-rx-copy"), "1");
	cr_assert_str_eq(xb_get(&S.kv, FE "/feature-rx-notify"), "1");
	cr_assert_str_eq(xb_get(&S.kv, FE "/feature-no-csum-offload"), "1");
	cr_assert_str_eq(xb_get(&S.kv, FE "/state"), "4");
	cr_assert_eq(S.tx_writes, 7, "six keys and the state in the transaction");
	cr_assert_str_eq(S.state_at_commit, "4");
	/* Nothing on the rings until the backend is Connected. */
	cr_assert_eq(((struct netif_rx_sring *)nf.rx_area)->hdr.req_prod, 0);
	cr_assert_eq(netfront_check(&nf), NETFRONT_PUBLISHED, "InitWait still: keep waiting");
	be_state("4");
	cr_assert_eq(netfront_check(&nf), NETFRONT_CONNECTED);
	cr_assert_eq(((struct netif_rx_sring *)nf.rx_area)->hdr.req_prod, NETFRONT_RX_BUFS);
	cr_assert_eq(hv.kicks, 1);
	cr_assert_eq(hv.kicked, nf.port);
	/* Nothing pending: the glue sleeps on the port, then the state is
	 * looked at again. */
	cr_assert_eq(netfront_wait(&nf, 0), NETFRONT_CONNECTED);
	cr_assert_eq(waits, 1);
	cr_assert_eq(waited, nf.port);
	cr_assert_eq(((struct netif_rx_sring *)nf.rx_area)->hdr.rsp_event, 1,
		     "armed at rsp_cons + 1");
}

Test(netfront_conn, waits_for_initwait)
{
	xb_set(&S.kv, BE "/state", "1");
	cr_assert_eq(netfront_init(&nf, &os, FE), 0);
	cr_assert_eq(nf.phase, NETFRONT_DOWN);
	cr_assert_null(xb_get(&S.kv, FE "/tx-ring-ref"));
	cr_assert_eq(netfront_send(&nf, "0123456789abcdef", 16), -XEN_ENXIO);
	be_state("2");
	cr_assert_eq(netfront_check(&nf), NETFRONT_PUBLISHED);
	cr_assert_str_eq(xb_get(&S.kv, FE "/state"), "4");
}

/* Connected, then the backend restarts (InitWait again): fresh rings,
 * a fresh port, the old ring grants ended, frames in flight dropped. */
Test(netfront_conn, backend_restart_reconnects_with_fresh_rings)
{
	unsigned long old_tx, old_rx, old_port;
	uint8_t f[60] = {0};

	cr_assert_eq(netfront_init(&nf, &os, FE), 0);
	be_state("4");
	cr_assert_eq(netfront_check(&nf), NETFRONT_CONNECTED);
	cr_assert_eq(netfront_send(&nf, f, 60), 0);
	netfront_push(&nf);
	old_tx = num(FE "/tx-ring-ref");
	old_rx = num(FE "/rx-ring-ref");
	old_port = num(FE "/event-channel");
	be_state("2");
	cr_assert_eq(netfront_check(&nf), NETFRONT_PUBLISHED);
	cr_assert_eq(nf.st.reconnects, 1);
	cr_assert_neq(num(FE "/tx-ring-ref"), old_tx);
	cr_assert_neq(num(FE "/rx-ring-ref"), old_rx);
	cr_assert_neq(num(FE "/event-channel"), old_port);
	cr_assert_not(hv.granted[old_tx]);
	cr_assert_not(hv.granted[old_rx]);
	cr_assert_eq(hv.open_ports, 1);
	cr_assert_str_eq(xb_get(&S.kv, FE "/state"), "4");
	cr_assert_eq(nf.tx_nfree, NETFRONT_TX_BUFS, "frames in flight are dropped");
	cr_assert_eq(((struct netif_tx_sring *)nf.tx_area)->hdr.req_prod, 0);
	/* Buffer pages stay granted across the reconnection. */
	cr_assert(hv.granted[nf.rx_refs[0]] && hv.granted[nf.tx_refs[NETFRONT_TX_BUFS - 1]]);
	be_state("4");
	cr_assert_eq(netfront_check(&nf), NETFRONT_CONNECTED);
	cr_assert_eq(netfront_send(&nf, f, 60), 0);
}

Test(netfront_conn, backend_closing_waits_for_it_to_come_back)
{
	cr_assert_eq(netfront_init(&nf, &os, FE), 0);
	be_state("4");
	cr_assert_eq(netfront_check(&nf), NETFRONT_CONNECTED);
	be_state("6");
	cr_assert_eq(netfront_check(&nf), NETFRONT_DOWN);
	cr_assert_str_eq(xb_get(&S.kv, FE "/state"), "1");
	cr_assert_eq(hv.open_ports, 0);
	cr_assert_eq(nf.port, 0);
	cr_assert_eq(netfront_poll(&nf, NULL, NULL, 64), -XEN_EIO, "no rings meanwhile");
	cr_assert_null(netfront_tx_begin(&nf));
	cr_assert_eq(netfront_check(&nf), NETFRONT_DOWN);
	be_state("2");
	cr_assert_eq(netfront_check(&nf), NETFRONT_PUBLISHED);
	be_state("4");
	cr_assert_eq(netfront_check(&nf), NETFRONT_CONNECTED);
	cr_assert_eq(nf.st.reconnects, 1);
}

/* A ring page the old backend still maps is left granted and never
 * reused: the next rings get new pages. */
Test(netfront_conn, ring_page_still_mapped_is_abandoned)
{
	void *old_tx, *old_rx;
	grant_ref_t txr;

	cr_assert_eq(netfront_init(&nf, &os, FE), 0);
	be_state("4");
	netfront_check(&nf);
	old_tx = nf.tx_area;
	old_rx = nf.rx_area;
	txr = (grant_ref_t)num(FE "/tx-ring-ref");
	hv.busy[txr] = 1;
	be_state("2");
	cr_assert_eq(netfront_check(&nf), NETFRONT_PUBLISHED);
	cr_assert_neq(nf.tx_area, old_tx);
	cr_assert_eq(nf.rx_area, old_rx, "the receive ring page was free: reused");
	cr_assert(hv.granted[txr]);
}

Test(netfront_conn, refusals)
{
	static const char *bad[] = {
	    "00:16:3e:0a:bc",	"00:16:3e:0a:bc:fg", "00-16-3e-0a-bc-ff", "00:16:3e:0a:bc:ff:", "",
	    "0:16:3e:0a:bc:ff0"};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		xb_set(&S.kv, FE "/mac", bad[i]);
		cr_assert_eq(netfront_init(&nf, &os, FE), -XEN_EINVAL, "mac '%s'", bad[i]);
		cr_assert_eq(pvabi_xenbus_unwatch(BE "/state", "net:0"), 0);
	}
	cr_assert_eq(hv.open_ports, 0);
	cr_assert_eq(netfront_init(&nf, &os, FE "/nope"), -XEN_ENOENT);
}

Test(netfront_conn, backend_without_rx_copy_is_refused)
{
	xb_set(&S.kv, BE "/feature-rx-copy", "0");
	cr_assert_eq(netfront_init(&nf, &os, FE), -XEN_EOPNOTSUPP);
	cr_assert_eq(hv.open_ports, 0, "nothing left offered");
}
