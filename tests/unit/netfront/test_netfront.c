/* test_netfront.c: netfront's data path (frontends/net/netfront_ring.c,
 * SPEC.md §19.2) against a backend played by the test on the same ring
 * pages through ring.h's backend helpers: the TX slots and pages, batching
 * with one notification, TX answers freeing pages, RX frames handed over
 * and their pages posted again, and a hostile backend (bad ids, repeated
 * ids, error statuses, sizes and offsets beyond the page, chained or
 * extra-info answers, more answers than requests) that must never make
 * the frontend touch memory outside its buffers. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include <netfront.h>

#include "fake_hv.h"

#define PAGE 4096u

static struct netfront nf;
static struct netif_tx_back btx; /* the test's backend */
static struct netif_rx_back brx;

/* Received frames, as the callback saw them. */
static struct {
	int n;
	uint32_t len[256];
	uint8_t data[8][PAGE];
} got;

static void on_rx(void *arg, const uint8_t *frame, uint32_t len)
{
	cr_assert_eq(arg, &got);
	/* The frame lies inside one receive page. */
	cr_assert(frame >= nf.rx_bufs && frame + len <= nf.rx_bufs + NETFRONT_RX_BUFS * PAGE);
	cr_assert_eq((size_t)(frame - nf.rx_bufs) / PAGE,
		     (size_t)(frame + len - 1 - nf.rx_bufs) / PAGE);
	if (got.n < 8)
		memcpy(got.data[got.n], frame, len);
	got.len[got.n++ & 255] = len;
}

static void setup(void)
{
	memset(&nf, 0, sizeof(nf));
	memset(&got, 0, sizeof(got));
	hv.kicks = 0;
	nf.tx_area = aligned_alloc(PAGE, PAGE);
	nf.rx_area = aligned_alloc(PAGE, PAGE);
	nf.tx_bufs = aligned_alloc(PAGE, NETFRONT_TX_BUFS * PAGE);
	nf.rx_bufs = aligned_alloc(PAGE, NETFRONT_RX_BUFS * PAGE);
	cr_assert(nf.tx_area && nf.rx_area && nf.tx_bufs && nf.rx_bufs);
	for (uint32_t i = 0; i < NETFRONT_TX_BUFS; i++)
		nf.tx_refs[i] = 1000 + i;
	for (uint32_t i = 0; i < NETFRONT_RX_BUFS; i++)
		nf.rx_refs[i] = 2000 + i;
	nf.port = 9;
	nf.phase = NETFRONT_CONNECTED;
	netfront_rings_start(&nf);
	/* The backend connects (its view of the rings), then the frontend
	 * sees Connected and publishes its receive pages. */
	netif_tx_back_init(&btx, nf.tx_area, PAGE);
	netif_rx_back_init(&brx, nf.rx_area, PAGE);
	netfront_push(&nf);
}

static void teardown(void)
{
	free(nf.tx_area);
	free(nf.rx_area);
	free(nf.tx_bufs);
	free(nf.rx_bufs);
}

TestSuite(netfront, .init = setup, .fini = teardown);

static void frame(uint8_t *f, uint32_t len, uint8_t seed)
{
	for (uint32_t i = 0; i < len; i++)
		f[i] = (uint8_t)(seed + i * 7);
}

/* Backend: takes one RX request and answers it with a frame copied into
 * the posted page (as the backend's grant copy would). */
static void be_deliver(const uint8_t *data, uint32_t len, uint16_t off)
{
	struct netif_rx_request req;
	struct netif_rx_response *rsp;

	cr_assert_gt(netif_rx_back_req_avail(&brx), 0);
	netif_rx_back_copy_req(&brx, &req);
	cr_assert_lt(req.id, NETFRONT_RX_BUFS);
	cr_assert_eq(req.gref, 2000u + req.id);
	memcpy(nf.rx_bufs + (size_t)req.id * PAGE + off, data, len);
	rsp = netif_rx_back_next_rsp(&brx);
	*rsp = (struct netif_rx_response){
	    .id = req.id, .offset = off, .flags = 0, .status = (int16_t)len};
}

/* Backend: a raw RX response (hostile cases), consuming one request. */
static void be_rx_raw(uint16_t id, uint16_t off, uint16_t flags, int16_t status)
{
	struct netif_rx_request req;

	netif_rx_back_copy_req(&brx, &req);
	*netif_rx_back_next_rsp(&brx) =
	    (struct netif_rx_response){.id = id, .offset = off, .flags = flags, .status = status};
}

/* Backend: takes every TX request, checks it, answers with status. */
static int be_take_tx(int16_t status, uint32_t *lens, uint8_t (*data)[64])
{
	struct netif_tx_request req;
	int n = 0;

	while (netif_tx_back_req_avail(&btx)) {
		netif_tx_back_copy_req(&btx, &req);
		cr_assert_lt(req.id, NETFRONT_TX_BUFS);
		cr_assert_eq(req.gref, 1000u + req.id, "slot names the id's own page");
		cr_assert_eq(req.offset, 0);
		cr_assert_eq(req.flags, 0, "one slot per frame");
		if (lens)
			lens[n] = req.size;
		if (data)
			memcpy(data[n], nf.tx_bufs + (size_t)req.id * PAGE, 64);
		*netif_tx_back_next_rsp(&btx) =
		    (struct netif_tx_response){.id = req.id, .status = status};
		n++;
	}
	netif_tx_back_push(&btx);
	return n;
}

Test(netfront, every_receive_page_is_posted_at_start)
{
	const struct netif_rx_sring *s = nf.rx_area;
	uint8_t seen[NETFRONT_RX_BUFS] = {0};

	cr_assert_eq(s->hdr.req_prod, NETFRONT_RX_BUFS);
	for (uint32_t i = 0; i < NETFRONT_RX_BUFS; i++) {
		const struct netif_rx_request *r = &s->ring[i].req;

		cr_assert_lt(r->id, NETFRONT_RX_BUFS);
		cr_assert_eq(r->gref, 2000u + r->id);
		cr_assert_not(seen[r->id]++, "id %u posted twice", r->id);
	}
	cr_assert_eq(hv.kicks, 1, "one kick for the batch (req_event 1)");
	cr_assert_eq(hv.kicked, 9);
	netfront_push(&nf);
	cr_assert_eq(hv.kicks, 1, "nothing new");
}

Test(netfront, nothing_is_published_before_the_backend_is_connected)
{
	struct netfront_stats zero = {0};
	uint8_t f[64] = {0};

	nf.phase = NETFRONT_PUBLISHED;
	netfront_rings_start(&nf);
	hv.kicks = 0;
	cr_assert_eq(netfront_send(&nf, f, 64), 0, "queued meanwhile");
	netfront_push(&nf);
	cr_assert_eq(((struct netif_rx_sring *)nf.rx_area)->hdr.req_prod, 0);
	cr_assert_eq(((struct netif_tx_sring *)nf.tx_area)->hdr.req_prod, 0);
	cr_assert_eq(hv.kicks, 0);
	nf.phase = NETFRONT_CONNECTED;
	netfront_push(&nf);
	cr_assert_eq(((struct netif_rx_sring *)nf.rx_area)->hdr.req_prod, NETFRONT_RX_BUFS);
	cr_assert_eq(((struct netif_tx_sring *)nf.tx_area)->hdr.req_prod, 1);
	cr_assert_eq(hv.kicks, 1);
	cr_assert_eq(nf.st.rx_errors, zero.rx_errors);
}

Test(netfront, frames_go_out_in_one_slot_each_with_one_kick_per_batch)
{
	uint8_t f[1514], out[8][64];
	uint32_t lens[8];

	hv.kicks = 0;
	for (int i = 0; i < 5; i++) {
		frame(f, 60 + i, (uint8_t)i);
		cr_assert_eq(netfront_send(&nf, f, 60 + (uint32_t)i), 0);
	}
	cr_assert_eq(((struct netif_tx_sring *)nf.tx_area)->hdr.req_prod, 0, "not yet published");
	netfront_push(&nf);
	cr_assert_eq(hv.kicks, 1);
	cr_assert_eq(hv.kicked, 9);
	cr_assert_eq(be_take_tx(NETIF_RSP_OKAY, lens, out), 5);
	for (int i = 0; i < 5; i++) {
		frame(f, 64, (uint8_t)i);
		cr_assert_eq(lens[i], 60u + i);
		cr_assert_arr_eq(out[i], f, 60);
	}
	cr_assert_eq(nf.st.tx_packets, 5);
	cr_assert_eq(nf.st.tx_bytes, 60 * 5 + 10);
	/* The backend did not re-arm req_event: a second batch needs no kick. */
	cr_assert_eq(netfront_send(&nf, f, 100), 0);
	netfront_push(&nf);
	cr_assert_eq(hv.kicks, 1);
	/* Once it re-arms (final check before sleeping), the next batch hv.kicks. */
	cr_assert_eq(netif_tx_back_final_check(&btx), 1, "the request above is pending");
	be_take_tx(NETIF_RSP_OKAY, NULL, NULL);
	cr_assert_eq(netif_tx_back_final_check(&btx), 0);
	cr_assert_eq(netfront_send(&nf, f, 100), 0);
	netfront_push(&nf);
	cr_assert_eq(hv.kicks, 2);
}

Test(netfront, in_place_building_and_size_limits)
{
	uint8_t *p = netfront_tx_begin(&nf), f[PAGE + 1] = {0};
	uint32_t lens[4];

	cr_assert_not_null(p);
	cr_assert_eq(netfront_tx_begin(&nf), p, "the same buffer until committed");
	memset(p, 0xab, 1514);
	cr_assert_eq(netfront_tx_commit(&nf, 1514), 0);
	cr_assert_eq(netfront_tx_commit(&nf, 60), -XEN_EINVAL, "no buffer taken");
	cr_assert_eq(netfront_send(&nf, f, 13), -XEN_EINVAL, "shorter than an Ethernet header");
	cr_assert_eq(netfront_send(&nf, f, PAGE + 1), -XEN_EINVAL, "beyond one page");
	cr_assert_eq(netfront_send(&nf, f, PAGE), 0);
	netfront_push(&nf);
	cr_assert_eq(be_take_tx(NETIF_RSP_OKAY, lens, NULL), 2);
	cr_assert_eq(lens[0], 1514);
	cr_assert_eq(lens[1], PAGE);
}

Test(netfront, transmit_pages_run_out_and_answers_free_them)
{
	uint8_t f[64] = {0};

	cr_assert_eq(netfront_tx_in_flight(&nf), 0);
	for (uint32_t i = 0; i < NETFRONT_TX_BUFS; i++)
		cr_assert_eq(netfront_send(&nf, f, 64), 0);
	cr_assert_eq(netfront_tx_in_flight(&nf), NETFRONT_TX_BUFS);
	cr_assert_eq(netfront_send(&nf, f, 64), -XEN_EAGAIN);
	cr_assert_null(netfront_tx_begin(&nf));
	netfront_push(&nf);
	cr_assert_eq(netfront_poll(&nf, on_rx, &got, 64), 0, "no answers yet");
	cr_assert_eq(netfront_send(&nf, f, 64), -XEN_EAGAIN);
	cr_assert_eq(netfront_tx_in_flight(&nf), NETFRONT_TX_BUFS, "published, not answered");
	/* Answers (some errors) free every page. */
	cr_assert_eq(be_take_tx(NETIF_RSP_ERROR, NULL, NULL), (int)NETFRONT_TX_BUFS);
	cr_assert_eq(netfront_poll(&nf, on_rx, &got, 64), 0);
	cr_assert_eq(nf.tx_nfree, NETFRONT_TX_BUFS);
	cr_assert_eq(netfront_tx_in_flight(&nf), 0);
	/* A page taken by tx_begin but not committed is not in flight. */
	cr_assert_not_null(netfront_tx_begin(&nf));
	cr_assert_eq(netfront_tx_in_flight(&nf), 0);
	cr_assert_eq(netfront_tx_commit(&nf, 64), 0);
	cr_assert_eq(netfront_tx_in_flight(&nf), 1);
	netfront_push(&nf);
	cr_assert_eq(be_take_tx(NETIF_RSP_OKAY, NULL, NULL), 1);
	netfront_poll(&nf, on_rx, &got, 64);
	cr_assert_eq(netfront_tx_in_flight(&nf), 0);
	cr_assert_eq(nf.st.tx_errors, NETFRONT_TX_BUFS);
	/* Many more frames than pages or slots, in rounds. */
	for (int round = 0; round < 20; round++) {
		for (uint32_t i = 0; i < NETFRONT_TX_BUFS; i++)
			cr_assert_eq(netfront_send(&nf, f, 64), 0);
		netfront_push(&nf);
		cr_assert_eq(be_take_tx(NETIF_RSP_OKAY, NULL, NULL), (int)NETFRONT_TX_BUFS);
		netfront_poll(&nf, on_rx, &got, 64);
	}
	cr_assert_eq(nf.st.tx_packets, 21 * NETFRONT_TX_BUFS + 1);
}

Test(netfront, received_frames_are_handed_over_and_pages_posted_again)
{
	uint8_t f[1514];
	const struct netif_rx_sring *s = nf.rx_area;

	netfront_push(&nf);
	frame(f, 1514, 3);
	be_deliver(f, 1514, 0);
	frame(f, 60, 4);
	be_deliver(f, 60, 0);
	frame(f, 100, 5);
	be_deliver(f, 100, 200); /* data at an offset */
	netif_rx_back_push(&brx);
	cr_assert_eq(netfront_pending(&nf, 0), 1);
	cr_assert_eq(netfront_poll(&nf, on_rx, &got, 64), 3);
	cr_assert_eq(got.n, 3);
	cr_assert_eq(got.len[0], 1514);
	frame(f, 1514, 3);
	cr_assert_arr_eq(got.data[0], f, 1514);
	frame(f, 100, 5);
	cr_assert_arr_eq(got.data[2], f, 100);
	cr_assert_eq(s->hdr.req_prod, NETFRONT_RX_BUFS + 3, "each page posted again");
	cr_assert_eq(nf.st.rx_packets, 3);
	cr_assert_eq(nf.st.rx_bytes, 1514 + 60 + 100);
	/* Nothing left: the final check arms rsp_event for the next one. */
	cr_assert_eq(netfront_pending(&nf, 0), 0);
	cr_assert_eq(s->hdr.rsp_event, nf.rx.rsp_cons + 1);
}

Test(netfront, budget_limits_one_poll)
{
	uint8_t f[60] = {0};

	for (int i = 0; i < 10; i++)
		be_deliver(f, 60, 0);
	netif_rx_back_push(&brx);
	cr_assert_eq(netfront_poll(&nf, on_rx, &got, 4), 4);
	cr_assert_eq(netfront_pending(&nf, 0), 1);
	cr_assert_eq(netfront_poll(&nf, on_rx, &got, 64), 6);
}

Test(netfront, many_more_frames_than_pages)
{
	uint8_t f[200];

	for (int round = 0; round < 50; round++) {
		for (int i = 0; i < 40; i++) {
			frame(f, 200, (uint8_t)(round + i));
			be_deliver(f, 200, 0);
		}
		netif_rx_back_push(&brx);
		cr_assert_eq(netfront_poll(&nf, on_rx, &got, 64), 40);
	}
	cr_assert_eq(nf.st.rx_packets, 2000);
	cr_assert_eq(nf.st.rx_errors + nf.st.bad_ids, 0);
}

Test(netfront, hostile_rx_answers_are_dropped)
{
	uint8_t f[60] = {0};
	uint32_t posted = NETFRONT_RX_BUFS;

	be_rx_raw(NETFRONT_RX_BUFS, 0, 0, 60);	/* id out of range */
	be_rx_raw(0xffff, 0, 0, 60);		/* id far out of range */
	be_rx_raw(0, 0, 0, -1);			/* ERROR */
	be_rx_raw(1, 0, 0, 13);			/* shorter than a header */
	be_rx_raw(2, 0, 0, 4097);		/* beyond the page */
	be_rx_raw(3, 4000, 0, 200);		/* offset + size beyond the page */
	be_rx_raw(4, 0xffff, 0, 0x7fff);	/* both huge */
	be_rx_raw(5, 0, NETRXF_more_data, 60);	/* chained: not negotiated */
	be_rx_raw(6, 0, NETRXF_extra_info, 60); /* extra info: not negotiated */
	be_rx_raw(7, 0, 0, 60);			/* fine */
	/* id 7 again: its page was posted again right after the first
	 * answer, so this reads that page once more (still our buffer). */
	be_rx_raw(7, 0, 0, 60);
	netif_rx_back_push(&brx);
	cr_assert_eq(netfront_poll(&nf, on_rx, &got, 64), 2);
	cr_assert_eq(got.n, 2);
	cr_assert_eq(nf.st.bad_ids, 2);
	cr_assert_eq(nf.st.rx_errors, 7);
	/* Every page named by a valid answer is posted again. */
	posted += 9;
	cr_assert_eq(((struct netif_rx_sring *)nf.rx_area)->hdr.req_prod, posted);
	/* The device keeps working. */
	be_deliver(f, 60, 0);
	netif_rx_back_push(&brx);
	cr_assert_eq(netfront_poll(&nf, on_rx, &got, 64), 1);
}

Test(netfront, hostile_tx_answers_never_free_a_page_twice)
{
	uint8_t f[64] = {0};
	struct netif_tx_request req;

	cr_assert_eq(netfront_send(&nf, f, 64), 0);
	cr_assert_eq(netfront_send(&nf, f, 64), 0);
	netfront_push(&nf);
	netif_tx_back_copy_req(&btx, &req);
	*netif_tx_back_next_rsp(&btx) = (struct netif_tx_response){.id = req.id};
	*netif_tx_back_next_rsp(&btx) = (struct netif_tx_response){.id = req.id}; /* again */
	netif_tx_back_push(&btx);
	cr_assert_eq(netfront_poll(&nf, on_rx, &got, 64), 0);
	cr_assert_eq(nf.tx_nfree, NETFRONT_TX_BUFS - 1, "one page still in flight");
	cr_assert_eq(nf.st.bad_ids, 1);
	/* An id never sent and one out of range. */
	*netif_tx_back_next_rsp(&btx) = (struct netif_tx_response){.id = 63};
	netif_tx_back_push(&btx);
	cr_assert_eq(netfront_poll(&nf, on_rx, &got, 64), -XEN_EIO,
		     "a third answer to two requests breaks the protocol");
	cr_assert_leq(nf.tx_nfree, NETFRONT_TX_BUFS);
}

Test(netfront, more_answers_than_requests_freeze_the_rings)
{
	struct netif_rx_sring *s = nf.rx_area;
	uint8_t f[64] = {0};

	s->hdr.rsp_prod = s->hdr.rsp_prod + NETFRONT_RX_BUFS + 1; /* one more than was posted */
	cr_assert_eq(netfront_poll(&nf, on_rx, &got, 64), -XEN_EIO);
	cr_assert_eq(got.n, 0);
	cr_assert_eq(netfront_poll(&nf, on_rx, &got, 64), -XEN_EIO, "stays broken");
	cr_assert_null(netfront_tx_begin(&nf));
	cr_assert_eq(netfront_send(&nf, f, 64), -XEN_EAGAIN);
	cr_assert_eq(netfront_pending(&nf, 1), 0, "nothing to wait for");
	hv.kicks = 0;
	netfront_push(&nf);
	cr_assert_eq(hv.kicks, 0);
	/* A reconnection starts fresh rings. */
	netfront_rings_start(&nf);
	netif_rx_back_init(&brx, nf.rx_area, PAGE);
	netfront_push(&nf);
	be_deliver(f, 64, 0);
	netif_rx_back_push(&brx);
	cr_assert_eq(netfront_poll(&nf, on_rx, &got, 64), 1);
}

Test(netfront, tx_final_check_only_when_asked)
{
	struct netif_tx_sring *s = nf.tx_area;
	uint8_t f[64] = {0};

	cr_assert_eq(netfront_send(&nf, f, 64), 0);
	netfront_push(&nf);
	cr_assert_eq(netfront_pending(&nf, 0), 0);
	cr_assert_eq(s->hdr.rsp_event, 1, "TX answers not asked for");
	cr_assert_eq(netfront_pending(&nf, 1), 0);
	cr_assert_eq(s->hdr.rsp_event, nf.tx.rsp_cons + 1);
	be_take_tx(NETIF_RSP_OKAY, NULL, NULL);
	cr_assert_eq(netfront_pending(&nf, 1), 1);
}
