/* test_proto.c: framing and dispatcher: partial and batched input,
 * malformed messages, domain bookkeeping and CONTROL. */
#include <criterion/criterion.h>
#include <string.h>

#include "capture.h"

TestSuite(proto, .init = store_reset);

static size_t frame(char *buf, uint32_t type, uint32_t req, const char *p, uint32_t len)
{
	struct xsd_sockmsg h = { .type = type, .req_id = req, .tx_id = 0, .len = len };

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), p, len);
	return sizeof(h) + len;
}

Test(proto, byte_at_a_time_and_batched)
{
	struct cap *c = cap_new(0, true);
	char buf[256];
	size_t n = frame(buf, XS_WRITE, 7, "/f\0v", 4);

	n += frame(buf + n, XS_READ, 8, "/f", 3);
	for (size_t i = 0; i < n; i++) {
		cr_assert(xs_conn_feed(&c->conn, buf + i, 1));
		if (i + 1 < 16)
			cr_assert_eq(c->n, 0, "no reply before a whole message");
	}
	cr_assert_eq(c->n, 2);
	cr_assert(cap_is_ok(&c->msg[0]));
	cr_assert_eq(c->msg[0].h.req_id, 7);
	cr_assert_eq(c->msg[1].h.req_id, 8);
	cr_assert_str_eq(c->msg[1].data, "v");
	c->n = 0;
	cr_assert(xs_conn_feed(&c->conn, buf, n), "both in one read");
	cr_assert_eq(c->n, 2);
	cap_free(c);
}

Test(proto, oversized_disconnects)
{
	struct cap *c = cap_new(0, true);
	struct xsd_sockmsg h = { .type = XS_READ, .len = XENSTORE_PAYLOAD_MAX + 1 };

	cr_assert_not(xs_conn_feed(&c->conn, &h, sizeof(h)));
	cr_assert(c->conn.dead);
	cr_assert_eq(c->n, 0);
	cap_free(c);
}

Test(proto, max_payload_accepted)
{
	struct cap *c = cap_new(0, true);
	static char big[XENSTORE_PAYLOAD_MAX];

	memcpy(big, "/big\0", 5);
	memset(big + 5, 'q', sizeof(big) - 5);
	cr_assert(cap_is_ok(cap_req(c, XS_WRITE, 0, big, sizeof(big))));
	cr_assert_eq(REQ(c, XS_READ, 0, "/big")->h.len, XENSTORE_PAYLOAD_MAX - 5);
	cap_free(c);
}

Test(proto, malformed_payloads)
{
	struct cap *c = cap_new(0, true);

	cr_assert(cap_is_err(cap_req(c, XS_READ, 0, "/a", 2), "EINVAL"), "missing NUL");
	cr_assert(cap_is_err(cap_req(c, XS_READ, 0, "", 0), "EINVAL"), "empty");
	cr_assert(cap_is_err(cap_req(c, XS_WRITE, 0, "/a", 2), "EINVAL"), "path without NUL");
	cr_assert(cap_is_err(REQ(c, XS_WATCH, 0, "/a"), "EINVAL"), "token missing");
	cr_assert(cap_is_err(REQ(c, XS_INTRODUCE, 0, "1\0" "2"), "EINVAL"));
	cr_assert(cap_is_err(REQ(c, XS_SET_PERMS, 0, "/"), "EINVAL"), "no permissions");
	cr_assert(cap_is_err(REQ(c, 12345, 0, "/"), "ENOSYS"), "unknown type");
	cr_assert(cap_is_err(REQ(c, XS_WATCH_EVENT, 0, "/"), "ENOSYS"));
	cr_assert(cap_is_err(REQ(c, XS_RESTRICT, 0, "1"), "ENOSYS"));
	cr_assert(cap_is_err(REQ(c, XS_GET_QUOTA, 0, "1"), "ENOSYS"));
	cr_assert_eq(c->msg[0].h.req_id, 0x1234, "errors echo req_id");
	cr_assert_not(c->conn.dead, "errors keep the connection");
	cap_free(c);
}

Test(proto, domain_bookkeeping)
{
	struct cap *d0 = cap_new(0, true), *g = cap_new(4, false);
	struct cap_msg *m = REQ(d0, XS_GET_DOMAIN_PATH, 0, "12");

	cr_assert_eq(m->h.type, XS_GET_DOMAIN_PATH);
	cr_assert_eq(m->h.len, 17);
	cr_assert_str_eq(m->data, "/local/domain/12");
	cr_assert(cap_is_err(REQ(d0, XS_GET_DOMAIN_PATH, 0, "x"), "EINVAL"));
	cr_assert_str_eq(REQ(d0, XS_IS_DOMAIN_INTRODUCED, 0, "3")->data, "F");
	cr_assert(cap_is_err(REQ(g, XS_INTRODUCE, 0, "3\0" "1\0" "2"), "EACCES"));
	cr_assert(cap_is_ok(REQ(d0, XS_INTRODUCE, 0, "3\0" "1000\0" "2")));
	cr_assert(cap_is_ok(REQ(d0, XS_INTRODUCE, 0, "3\0" "1000\0" "2")), "repeat is fine");
	cr_assert(cap_is_err(REQ(d0, XS_INTRODUCE, 0, "3\0" "1001\0" "2"), "EEXIST"));
	cr_assert_str_eq(REQ(d0, XS_IS_DOMAIN_INTRODUCED, 0, "3")->data, "T");
	cr_assert(cap_is_ok(REQ(d0, XS_RESUME, 0, "3")));
	cr_assert(cap_is_err(REQ(d0, XS_RESUME, 0, "8"), "ENOENT"));
	cr_assert(cap_is_ok(REQ(d0, XS_INTRODUCE, 0, "4\0" "5\0" "6")));
	cr_assert(cap_is_ok(REQ(d0, XS_SET_TARGET, 0, "4\0" "3")));
	/* dom4 acts for its target dom3 */
	cr_assert(cap_is_ok(WR(d0, 0, "/local/domain/3/t\0v")));
	cr_assert(cap_is_ok(REQ(d0, XS_SET_PERMS, 0, "/local/domain/3/t\0n3")));
	cr_assert_str_eq(REQ(g, XS_READ, 0, "/local/domain/3/t")->data, "v");
	/* releasing dom3: its nodes go, @releaseDomain fires */
	cr_assert(cap_is_ok(REQ(d0, XS_WATCH, 0, "@releaseDomain\0r")));
	cr_assert(cap_is_ok(REQ(d0, XS_RELEASE, 0, "3")));
	cr_assert_eq(cap_events(d0, "@releaseDomain", "r"), 1);
	cr_assert(cap_is_err(REQ(d0, XS_READ, 0, "/local/domain/3/t"), "ENOENT"));
	cr_assert_eq(REQ(d0, XS_READ, 0, "/local/domain/3")->h.type, XS_READ, "dom0's node stays");
	cr_assert_str_eq(REQ(d0, XS_IS_DOMAIN_INTRODUCED, 0, "3")->data, "F");
	cr_assert(cap_is_err(REQ(d0, XS_RELEASE, 0, "3"), "ENOENT"));
	cap_free(d0);
	cap_free(g);
}

Test(proto, release_drops_the_domains_connections)
{
	struct cap *d0 = cap_new(0, true), *g = cap_new(6, false);

	REQ(d0, XS_INTRODUCE, 0, "6\0" "1\0" "1");
	REQ(g, XS_WATCH, 0, "/local\0t");
	REQ(g, XS_TRANSACTION_START, 0, "");
	cr_assert_eq(g->conn.nwatches, 1);
	cr_assert_eq(g->conn.ntxns, 1);
	REQ(d0, XS_RELEASE, 0, "6");
	cr_assert_eq(g->conn.nwatches, 0);
	cr_assert_eq(g->conn.ntxns, 0);
	cr_assert(g->conn.dead);
	cap_free(d0);
	cap_free(g);
}

Test(proto, control)
{
	struct cap *d0 = cap_new(0, true), *g = cap_new(4, false);

	cr_assert(cap_is_ok(REQ(d0, XS_CONTROL, 0, "print\0hello")));
	cr_assert(cap_is_err(REQ(d0, XS_CONTROL, 0, "bogus"), "EINVAL"));
	cr_assert(cap_is_err(REQ(g, XS_CONTROL, 0, "print\0x"), "EACCES"));
	xs_quota_set("watches=7");
	cr_assert(strstr(REQ(d0, XS_CONTROL, 0, "quota")->data, "watches 7"));
	cr_assert_eq(xs_quota_set("bogus=1"), -1);
	cr_assert_eq(xs_quota_set("nodes=-1"), -1);
	cr_assert_eq(xs_quota_set("nodes"), -1);
	cap_free(d0);
	cap_free(g);
}

Test(proto, error_table_matches_xen)
{
	static const struct xsd_errors t[XSD_ERRORS_COUNT] = XSD_ERRORS_INIT;
	static const char *const order[] = { "EINVAL", "EACCES", "EEXIST", "EISDIR",
					     "ENOENT", "ENOMEM", "ENOSPC", "EIO",
					     "ENOTEMPTY", "ENOSYS", "EROFS", "EBUSY",
					     "EAGAIN", "EISCONN", "E2BIG", "EPERM" };

	for (int i = 0; i < XSD_ERRORS_COUNT; i++) {
		cr_assert_str_eq(t[i].errstring, order[i]);
		cr_assert_str_eq(xs_err_name((enum xs_err)i), order[i]);
	}
	cr_assert_eq(t[0].errnum, 22);
	cr_assert_eq(t[12].errnum, 11);
	cr_assert_eq(t[13].errnum, 106);
	cr_assert_str_eq(xs_err_name(XS_E2BIG), "E2BIG");
}
