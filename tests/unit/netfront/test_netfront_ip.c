/* test_netfront_ip.c: the guest's whole data path without the hypervisor:
 * nido's IP stack (net_ip.c) on netfront's rings (netfront_ring.c), as
 * nido's net.c wires them, against a peer stack on the far side of a
 * backend played by the test (TX slots copied out of the transmit pages,
 * the peer's frames copied into posted receive pages). ARP both ways, a
 * ping answered, UDP echo replies built inside the receive callback, and
 * a flood of echo requests larger than the transmit pages. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include <netfront.h>

#include "fake_hv.h"
#include "nido_net.h"

#define PAGE 4096u
#define GUEST_IP 0x0ac90002u
#define PEER_IP 0x0ac90001u

static struct netfront nf;
static struct netif_tx_back btx;
static struct netif_rx_back brx;
static struct nido_ip guest, peer;

/* The peer's outgoing frames, waiting for the backend to deliver them. */
static struct {
	uint8_t f[512][1514];
	uint32_t len[512];
	unsigned n;
} q;
/* Frames the guest sent that the peer did not handle: UDP echo replies. */
static unsigned echoes_back, echo_bytes_ok;

static uint8_t *peer_begin(void *ctx)
{
	(void)ctx;
	return q.n < 512 ? q.f[q.n] : NULL;
}

static int peer_commit(void *ctx, uint32_t len)
{
	(void)ctx;
	q.len[q.n++] = len;
	return 0;
}

static uint8_t *guest_begin(void *ctx)
{
	return netfront_tx_begin(ctx);
}

static int guest_commit(void *ctx, uint32_t len)
{
	return netfront_tx_commit(ctx, len);
}

static void on_frame(void *arg, const uint8_t *frame, uint32_t len)
{
	nido_ip_input(arg, frame, len);
}

static void setup(void)
{
	memset(&nf, 0, sizeof(nf));
	nf.tx_area = aligned_alloc(PAGE, PAGE);
	nf.rx_area = aligned_alloc(PAGE, PAGE);
	nf.tx_bufs = aligned_alloc(PAGE, NETFRONT_TX_BUFS * PAGE);
	nf.rx_bufs = aligned_alloc(PAGE, NETFRONT_RX_BUFS * PAGE);
	cr_assert(nf.tx_area && nf.rx_area && nf.tx_bufs && nf.rx_bufs);
	nf.port = 3;
	nf.phase = NETFRONT_CONNECTED;
	netfront_rings_start(&nf);
	netif_tx_back_init(&btx, nf.tx_area, PAGE);
	netif_rx_back_init(&brx, nf.rx_area, PAGE);
	netfront_push(&nf);
	guest = (struct nido_ip){.ops = {guest_begin, guest_commit, &nf},
				 .mac = {0x00, 0x16, 0x3e, 0, 0, 2},
				 .addr = GUEST_IP,
				 .prefix = 24,
				 .ip_id = 1};
	peer = (struct nido_ip){.ops = {peer_begin, peer_commit, NULL},
				.mac = {0x02, 0, 0, 0, 0, 1},
				.addr = PEER_IP,
				.prefix = 24,
				.ip_id = 1000};
	q.n = 0;
	echoes_back = echo_bytes_ok = 0;
}

static void teardown(void)
{
	free(nf.tx_area);
	free(nf.rx_area);
	free(nf.tx_bufs);
	free(nf.rx_bufs);
}

TestSuite(netfront_ip, .init = setup, .fini = teardown);

/* Backend, TX: every published frame goes to the peer stack (UDP echo
 * replies, which the peer ignores, are checked here instead). */
static void wire_tx(void)
{
	struct netif_tx_request req;

	while (netif_tx_back_req_avail(&btx)) {
		const uint8_t *f;

		netif_tx_back_copy_req(&btx, &req);
		cr_assert_lt(req.id, NETFRONT_TX_BUFS);
		f = nf.tx_bufs + (size_t)req.id * PAGE;
		if (req.size >= 42 && f[23] == 17 && f[34] == 0 && f[35] == 7) {
			uint32_t plen = req.size - 42u, ok = 1;

			for (uint32_t i = 0; i < plen; i++)
				ok &= f[42 + i] == (uint8_t)(plen + i);
			echoes_back++;
			echo_bytes_ok += ok;
		} else {
			nido_ip_input(&peer, f, req.size);
		}
		*netif_tx_back_next_rsp(&btx) = (struct netif_tx_response){.id = req.id};
	}
	netif_tx_back_push(&btx);
}

/* Backend, RX: the peer's queued frames into posted pages (as many as
 * are posted; the rest stay queued). */
static void wire_rx(void)
{
	unsigned done = 0;

	while (done < q.n && netif_rx_back_req_avail(&brx)) {
		struct netif_rx_request req;

		netif_rx_back_copy_req(&brx, &req);
		memcpy(nf.rx_bufs + (size_t)req.id * PAGE, q.f[done], q.len[done]);
		*netif_rx_back_next_rsp(&brx) =
		    (struct netif_rx_response){.id = req.id, .status = (int16_t)q.len[done]};
		done++;
	}
	memmove(q.f, q.f[done], (q.n - done) * sizeof(q.f[0]));
	memmove(q.len, q.len + done, (q.n - done) * sizeof(q.len[0]));
	q.n -= done;
	netif_rx_back_push(&brx);
}

/* The guest's service loop (nido's nido_net_service), then the wire. */
static void turn(void)
{
	netfront_push(&nf);
	wire_tx();
	wire_rx();
	while (netfront_poll(&nf, on_frame, &guest, 64) > 0)
		;
	netfront_push(&nf);
}

Test(netfront_ip, arp_then_ping)
{
	cr_assert_eq(nido_ip_send_arp_request(&guest, PEER_IP), 0);
	cr_assert_null(nido_ip_arp_lookup(&guest, PEER_IP));
	turn(); /* request out, answer back in */
	cr_assert_eq(peer.arp_answered, 1);
	cr_assert_not_null(nido_ip_arp_lookup(&peer, GUEST_IP), "the peer learned us");
	cr_assert_not_null(nido_ip_arp_lookup(&guest, PEER_IP), "we learned the peer");
	guest.ping_id = 0x4e44;
	guest.ping_seq = 1;
	cr_assert_eq(
	    nido_ip_send_ping(&guest, PEER_IP, nido_ip_arp_lookup(&guest, PEER_IP), 0x4e44, 1, 56),
	    0);
	cr_assert_eq(guest.ping_got, 0);
	turn();
	cr_assert_eq(peer.icmp_echoed, 1);
	cr_assert_eq(guest.ping_got, 1);
	cr_assert_eq(nf.st.rx_errors + nf.st.tx_errors + nf.st.bad_ids + guest.ignored, 0);
}

Test(netfront_ip, peer_pings_guest_through_its_arp)
{
	static const uint8_t guest_mac[6] = {0x00, 0x16, 0x3e, 0, 0, 2};

	cr_assert_eq(nido_ip_send_arp_request(&peer, GUEST_IP), 0);
	turn(); /* request in, answer queued on the guest's TX ring */
	cr_assert_eq(guest.arp_answered, 1);
	cr_assert_null(nido_ip_arp_lookup(&peer, GUEST_IP));
	turn();
	cr_assert_not_null(nido_ip_arp_lookup(&peer, GUEST_IP));
	cr_assert_arr_eq(nido_ip_arp_lookup(&peer, GUEST_IP), guest_mac, 6);
	peer.ping_id = 9;
	peer.ping_seq = 4;
	cr_assert_eq(nido_ip_send_ping(&peer, GUEST_IP, guest_mac, 9, 4, 1400), 0);
	turn();
	cr_assert_eq(guest.icmp_echoed, 1);
	turn();
	cr_assert_eq(peer.ping_got, 1);
}

/* 2000 UDP echo requests of all sizes, 200 per turn: more than the
 * guest's 64 transmit pages and receive pages, so replies built in the
 * callback may find no page (dropped and counted, as on a real
 * link) and requests wait for posted pages. Every reply that went out is
 * whole. */
Test(netfront_ip, udp_echo_flood)
{
	static const uint8_t guest_mac[6] = {0x00, 0x16, 0x3e, 0, 0, 2};
	unsigned sent = 0;

	for (int round = 0; round < 10; round++) {
		for (int i = 0; i < 200; i++, sent++) {
			uint32_t size = (sent * 37) % 1473;
			uint8_t *f = peer_begin(NULL);

			cr_assert_not_null(f);
			cr_assert_eq(nido_ip_send_udp(&peer, GUEST_IP, guest_mac,
						      40000 + (sent & 7), 7, size, 0),
				     0);
			/* Payload bytes the echo must bring back. */
			for (uint32_t b = 0; b < size; b++)
				f[42 + b] = (uint8_t)(size + b);
		}
		for (int t = 0; t < 20 && q.n; t++)
			turn();
	}
	for (int t = 0; t < 5; t++)
		turn();
	cr_log_info("sent %u rx %lu echoes %u dropped %lu udp_echoed %lu ignored %lu", sent,
		    (unsigned long)nf.st.rx_packets, echoes_back, (unsigned long)guest.tx_dropped,
		    (unsigned long)guest.udp_echoed, (unsigned long)guest.ignored);
	cr_assert_eq(q.n, 0, "every request delivered");
	cr_assert_eq(nf.st.rx_packets, sent);
	cr_assert_eq(echoes_back + guest.tx_dropped, sent);
	cr_assert_eq(echo_bytes_ok, echoes_back);
	cr_assert_gt(echoes_back, sent / 4, "most requests answered");
	cr_assert_eq(guest.udp_echoed, echoes_back);
	cr_assert_eq(nf.tx_nfree, NETFRONT_TX_BUFS, "every transmit page came back");
}
