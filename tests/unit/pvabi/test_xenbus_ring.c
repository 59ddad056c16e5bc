/* test_xenbus_ring.c: pvabi's xenstore ring client (the same source the
 * guests link) against a fake server that runs step-wise in the client's
 * wait callback, on an in-memory ring page. */
#include "xb_fake.h"

static long req1(struct fake *f, uint32_t type, const char *s, void *buf, size_t size)
{
	struct xb_iov iov = {s, strlen(s) + 1};

	return pvabi_xb_ring_request(&f->r, type, 0, &iov, 1, buf, size);
}

TestSuite(xenbus_ring, .fini = fake_fini);

Test(xenbus_ring, requests_wrap_around_the_ring_end_and_the_index_overflow)
{
	struct fake *f = fake_new(echo, 0xfffffe10u);
	char path[200], buf[256];
	uint32_t before = f->intf.req_prod;

	for (int i = 0; i < 40; i++) {
		size_t n = 1 + (size_t)(i * 37) % 150;
		memset(path, 'a' + i % 26, n);
		path[n] = 0;
		long r = req1(f, XS_READ, path, buf, sizeof(buf));
		cr_assert_eq(r, (long)n + 1, "request %d", i);
		cr_assert_eq(memcmp(buf, path, n + 1), 0);
		cr_assert_eq(f->last.type, XS_READ);
		cr_assert_eq(f->last.req_id, f->r.req_id);
	}
	cr_assert_gt((uint32_t)(f->intf.req_prod - before), 3 * RING, "several laps");
	cr_assert_lt(f->intf.req_prod, before, "u32 index wrapped through 0");
	cr_assert_eq(f->intf.rsp_cons, f->intf.rsp_prod, "every reply consumed");
	cr_assert_geq(f->notifies, 40);
}

Test(xenbus_ring, gathers_the_payload_and_sends_tx_id)
{
	struct fake *f = fake_new(echo, 0);
	struct xb_iov iov[2] = {{"/a/b", 5}, {"val", 3}};
	char buf[16];

	cr_assert_eq(pvabi_xb_ring_request(&f->r, XS_WRITE, 7, iov, 2, buf, sizeof(buf)), 8);
	cr_assert_eq(f->last.tx_id, 7);
	cr_assert_eq(f->last.len, 8);
	cr_assert_eq(memcmp(f->last_payload, "/a/b\0val", 8), 0);
}

Test(xenbus_ring, replies_in_one_byte_pieces)
{
	struct fake *f = fake_new(echo, 0x3f0);
	char path[600], buf[600];

	memset(path, 'x', 599);
	path[599] = 0;
	f->out_chunk = 1;
	cr_assert_eq(req1(f, XS_READ, path, buf, sizeof(buf)), 600);
	cr_assert_str_eq(buf, path);
	cr_assert_geq(f->steps, 600 + 16, "one byte per step");
}

static void events_then_reply(struct fake *f, const struct xsd_sockmsg *h, const uint8_t *p)
{
	put_event(f, "/w/1", "tok1");
	put_event(f, "/w/2", "tok2");
	put_event(f, "/w/3", "tok1");
	put_msg(f, h->type, h->req_id, "OK", 3);
}

Test(xenbus_ring, watch_events_before_a_reply_are_queued_in_order)
{
	struct fake *f = fake_new(events_then_reply, 1000);
	char buf[8], ev[XENSTORE_PAYLOAD_MAX + 1];

	f->out_chunk = 7; /* events split across steps too */
	cr_assert_eq(req1(f, XS_MKDIR, "/x", buf, sizeof(buf)), 3);
	cr_assert_str_eq(buf, "OK");
	cr_assert_eq(f->r.ev_count, 3);
	cr_assert_eq(pvabi_xb_ring_next_event(&f->r, ev, sizeof(ev)), 10);
	cr_assert_eq(memcmp(ev, "/w/1\0tok1\0", 10), 0);
	cr_assert_eq(pvabi_xb_ring_next_event(&f->r, ev, sizeof(ev)), 10);
	cr_assert_eq(memcmp(ev, "/w/2\0tok2\0", 10), 0);
	cr_assert_eq(pvabi_xb_ring_next_event(&f->r, ev, sizeof(ev)), 10);
	cr_assert_eq(memcmp(ev, "/w/3\0tok1\0", 10), 0);
	cr_assert_eq(pvabi_xb_ring_next_event(&f->r, ev, sizeof(ev)), 0);
	cr_assert_eq(f->r.ev_dropped, 0);
}

static void big_events_then_reply(struct fake *f, const struct xsd_sockmsg *h, const uint8_t *p)
{
	static char big[4000];

	for (int i = 0; i < 5; i++) {
		memset(big, 'a' + i, sizeof(big));
		put_msg(f, XS_WATCH_EVENT, 0, big, sizeof(big));
	}
	put_msg(f, h->type, h->req_id, "OK", 3);
}

Test(xenbus_ring, event_queue_overflow_is_counted_not_overrun)
{
	struct fake *f = fake_new(big_events_then_reply, 0);
	char buf[8], ev[XENSTORE_PAYLOAD_MAX + 1];

	cr_assert_eq(req1(f, XS_RM, "/x", buf, sizeof(buf)), 3);
	cr_assert_eq(f->r.ev_count, 4, "16 KiB holds four 4000-byte events");
	cr_assert_eq(f->r.ev_dropped, 1);
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(pvabi_xb_ring_next_event(&f->r, ev, sizeof(ev)), 4000);
		cr_assert_eq(ev[0], 'a' + i);
		cr_assert_eq(ev[3999], 'a' + i);
	}
	/* Space is reused after the queue empties. */
	cr_assert_eq(req1(f, XS_RM, "/x", buf, sizeof(buf)), 3);
	cr_assert_eq(f->r.ev_count, 4);
}

Test(xenbus_ring, drain_takes_only_complete_events)
{
	struct fake *f = fake_new(echo, 0xffffffffu);
	char ev[64];

	put_event(f, "/d", "t");
	put_event(f, "/e", "u");
	f->out_chunk = 16 + 5 + 16 + 2; /* first whole, second header + 2 bytes */
	server_step(f);
	cr_assert_eq(pvabi_xb_ring_drain(&f->r), 0);
	cr_assert_eq(f->r.ev_count, 1);
	cr_assert_eq(f->intf.rsp_cons, f->intf.rsp_prod - 18, "partial event left on the ring");
	server_step(f);
	cr_assert_eq(pvabi_xb_ring_drain(&f->r), 0);
	cr_assert_eq(f->r.ev_count, 2);
	cr_assert_eq(pvabi_xb_ring_next_event(&f->r, ev, sizeof(ev)), 5);
	cr_assert_eq(memcmp(ev, "/d\0t\0", 5), 0);
	cr_assert_eq(pvabi_xb_ring_next_event(&f->r, ev, sizeof(ev)), 5);
	cr_assert_eq(memcmp(ev, "/e\0u\0", 5), 0);
}

Test(xenbus_ring, drain_rejects_a_reply_outside_a_request)
{
	struct fake *f = fake_new(echo, 0);

	put_msg(f, XS_READ, 1, "x", 1);
	server_step(f);
	cr_assert_eq(pvabi_xb_ring_drain(&f->r), -XEN_EIO);
}

Test(xenbus_ring, a_full_request_ring_makes_the_writer_wait)
{
	struct fake *f = fake_new(echo, 0x200);
	static char val[4000];
	struct xb_iov iov[2] = {{"/big", 5}, {val, sizeof(val)}};
	char buf[8];

	for (size_t i = 0; i < sizeof(val); i++)
		val[i] = (char)('0' + i % 10);
	f->in_chunk = 100;
	cr_assert_eq(pvabi_xb_ring_request(&f->r, XS_WRITE, 0, iov, 2, buf, sizeof(buf)), 4005);
	cr_assert(f->saw_full, "the writer filled the ring and waited");
	cr_assert_eq(f->last.len, 4005);
	cr_assert_eq(memcmp(f->last_payload + 5, val, sizeof(val)), 0);
	cr_assert_leq(f->intf.req_prod - f->intf.req_cons, RING);
}

static void long_reply(struct fake *f, const struct xsd_sockmsg *h, const uint8_t *p)
{
	static char val[3000];

	memset(val, 'v', sizeof(val));
	put_msg(f, h->type, h->req_id, val, sizeof(val));
}

Test(xenbus_ring, the_reader_notifies_after_draining_a_full_reply_ring)
{
	struct fake *f = fake_new(long_reply, 0);
	static char buf[3000];

	cr_assert_eq(req1(f, XS_READ, "/long", buf, sizeof(buf)), 3000);
	cr_assert_eq(buf[0], 'v');
	cr_assert_eq(buf[2999], 'v');
	/* One for the request, then one each time the reply had filled the
	 * ring (the server may be waiting for space). */
	cr_assert_geq(f->notifies, 3, "%d", f->notifies);
}

static const char *err_name;

static void error_reply(struct fake *f, const struct xsd_sockmsg *h, const uint8_t *p)
{
	put_msg(f, XS_ERROR, h->req_id, err_name, (uint32_t)strlen(err_name) + 1);
}

Test(xenbus_ring, error_replies_map_to_xen_errno)
{
	struct fake *f = fake_new(error_reply, 5);
	char buf[8];
	static const struct {
		const char *name;
		long err;
	} cases[] = {{"ENOENT", -XEN_ENOENT}, {"EAGAIN", -XEN_EAGAIN}, {"EACCES", -XEN_EACCES},
		     {"E2BIG", -XEN_E2BIG},   {"EISCONN", -106},       {"EWHAT", -XEN_EINVAL},
		     {"ENOENTX", -XEN_EINVAL}};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err_name = cases[i].name;
		cr_assert_eq(req1(f, XS_READ, "/nope", buf, sizeof(buf)), cases[i].err, "%s",
			     cases[i].name);
	}
	cr_assert_eq(pvabi_xb_error_to_errno("EINVAL", 6), -XEN_EINVAL, "no NUL: not a match");
}

Test(xenbus_ring, a_long_reply_is_truncated_and_the_stream_stays_in_sync)
{
	struct fake *f = fake_new(echo, 0);
	char buf[10];
	char path[101];

	memset(path, 'q', 100);
	path[100] = 0;
	memset(buf, 0, sizeof(buf));
	cr_assert_eq(req1(f, XS_READ, path, buf, sizeof(buf)), 101, "full length reported");
	cr_assert_eq(memcmp(buf, path, 10), 0);
	cr_assert_eq(req1(f, XS_READ, "ok", buf, sizeof(buf)), 3);
	cr_assert_str_eq(buf, "ok");
}

static void oversized_reply(struct fake *f, const struct xsd_sockmsg *h, const uint8_t *p)
{
	struct xsd_sockmsg bad = {h->type, h->req_id, 0, XENSTORE_PAYLOAD_MAX + 1};

	memcpy(f->out + f->out_tail, &bad, sizeof(bad));
	f->out_tail += sizeof(bad);
	memset(f->out + f->out_tail, 'z', 64);
	f->out_tail += 64;
}

Test(xenbus_ring, an_oversized_reply_is_an_error_not_an_overflow)
{
	struct fake *f = fake_new(oversized_reply, 0);
	char buf[8];

	cr_assert_eq(req1(f, XS_READ, "/a", buf, sizeof(buf)), -XEN_EIO);
	f->handler = echo;
	cr_assert_eq(req1(f, XS_READ, "/a", buf, sizeof(buf)), -XEN_EIO, "connection unusable");
	cr_assert_eq(f->nreq, 1, "nothing more sent");
}

static void wrong_id(struct fake *f, const struct xsd_sockmsg *h, const uint8_t *p)
{
	put_msg(f, h->type, h->req_id + 1, "OK", 3);
}

Test(xenbus_ring, a_reply_to_another_request_is_a_protocol_error)
{
	struct fake *f = fake_new(wrong_id, 0);
	char buf[8];

	cr_assert_eq(req1(f, XS_READ, "/a", buf, sizeof(buf)), -XEN_EIO);
}

Test(xenbus_ring, indices_more_than_a_ring_apart_are_an_error)
{
	struct fake *f = fake_new(echo, 0);
	char buf[8];

	f->intf.rsp_prod = 2000; /* hostile: claims more bytes than the ring holds */
	cr_assert_eq(req1(f, XS_READ, "/a", buf, sizeof(buf)), -XEN_EIO);
	cr_assert(f->r.broken);
}

Test(xenbus_ring, a_request_over_the_payload_limit_is_refused_unsent)
{
	struct fake *f = fake_new(echo, 0);
	static char big[XENSTORE_PAYLOAD_MAX + 1];
	struct xb_iov iov = {big, sizeof(big)};
	char buf[8];

	cr_assert_eq(pvabi_xb_ring_request(&f->r, XS_WRITE, 0, &iov, 1, buf, sizeof(buf)),
		     -XEN_EINVAL);
	cr_assert_eq(f->intf.req_prod, 0);
	iov.len = XENSTORE_PAYLOAD_MAX;
	cr_assert_eq(pvabi_xb_ring_request(&f->r, XS_WRITE, 0, &iov, 1, buf, sizeof(buf)),
		     (long)XENSTORE_PAYLOAD_MAX, "the limit itself is allowed");
}
