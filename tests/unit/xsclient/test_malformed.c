/* test_malformed.c: every reply that breaks the protocol gives -EBADMSG (or
 * -EPIPE when the peer goes away), and the handle then refuses to continue. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake_server.h"

#define S(lit) lit, sizeof(lit) - 1

static struct fake_server srv;

static void reset(void)
{
	memset(&srv, 0, sizeof(srv));
}

TestSuite(malformed, .init = reset);

/* One request answered by m must fail with err, and the next with -EPIPE. */
typedef int (*op_fn)(struct xsc *h);

static void check(struct fs_msg m, op_fn op, int err)
{
	struct xsc *h;
	char *v;

	reset();
	fs_expect(&srv, m);
	h = fs_start(&srv);
	cr_assert_eq(op(h), err, "type %u payload len %zu", m.type, m.len);
	cr_assert_eq(xsc_read(h, 0, "/after", &v, NULL), -EPIPE, "handle is unusable");
	fs_stop(&srv, h);
}

static int op_read(struct xsc *h)
{
	char *v;
	int r = xsc_read(h, 0, "/a", &v, NULL);

	free(v);
	return r;
}

static int op_mkdir(struct xsc *h)
{
	return xsc_mkdir(h, 0, "/a");
}

static int op_dir(struct xsc *h)
{
	char **n;
	int r = xsc_directory(h, 0, "/a", &n, NULL);

	free(n);
	return r;
}

static int op_perms(struct xsc *h)
{
	struct xsc_perm *p;
	unsigned n;
	int r = xsc_get_perms(h, 0, "/a", &p, &n);

	free(p);
	return r;
}

static int op_txstart(struct xsc *h)
{
	uint32_t tx;

	return xsc_transaction_start(h, &tx);
}

static int op_domain_path(struct xsc *h)
{
	char *p;
	int r = xsc_get_domain_path(h, 1, &p);

	free(p);
	return r;
}

static int op_introduced(struct xsc *h)
{
	bool y;

	return xsc_is_introduced(h, 1, &y);
}

static struct fs_msg with_req(struct fs_msg m, uint32_t req)
{
	m.req_id = req;
	return m;
}

static struct fs_msg with_tx(struct fs_msg m, uint32_t tx)
{
	m.tx_id = tx;
	return m;
}

static struct fs_msg lying_len(struct fs_msg m, int32_t len)
{
	m.len_override = len;
	return m;
}

Test(malformed, wrong_ids_and_types)
{
	check(with_req(fs_reply(XS_READ, S("v")), 12345), op_read, -EBADMSG);
	check(with_tx(fs_reply(XS_READ, S("v")), 9), op_read, -EBADMSG);
	check(fs_reply(XS_WRITE, S("v")), op_read, -EBADMSG);
	check(fs_reply(XS_INVALID, S("")), op_read, -EBADMSG);
}

Test(malformed, bad_ok_and_error_payloads)
{
	check(fs_reply(XS_MKDIR, S("OK")), op_mkdir, -EBADMSG);
	check(fs_reply(XS_MKDIR, S("OK\0\0")), op_mkdir, -EBADMSG);
	check(fs_reply(XS_MKDIR, S("KO\0")), op_mkdir, -EBADMSG);
	check(fs_reply(XS_ERROR, S("ENOENT")), op_mkdir, -EBADMSG);
	check(fs_reply(XS_ERROR, S("ENOENT\0x")), op_mkdir, -EBADMSG);
	check(fs_reply(XS_ERROR, S("")), op_mkdir, -EBADMSG);
}

Test(malformed, bad_lists_numbers_and_paths)
{
	check(fs_reply(XS_DIRECTORY, S("a\0b")), op_dir, -EBADMSG);
	check(fs_reply(XS_DIRECTORY, S("a\0\0")), op_dir, -EBADMSG);
	check(fs_reply(XS_GET_PERMS, S("x0\0")), op_perms, -EBADMSG);
	check(fs_reply(XS_GET_PERMS, S("n0\0r\0")), op_perms, -EBADMSG);
	check(fs_reply(XS_GET_PERMS, S("n0")), op_perms, -EBADMSG);
	check(fs_reply(XS_GET_PERMS, S("")), op_perms, -EBADMSG);
	check(fs_reply(XS_TRANSACTION_START, S("abc\0")), op_txstart, -EBADMSG);
	check(fs_reply(XS_TRANSACTION_START, S("0\0")), op_txstart, -EBADMSG);
	check(fs_reply(XS_TRANSACTION_START, S("4294967296\0")), op_txstart, -EBADMSG);
	check(fs_reply(XS_TRANSACTION_START, S("7")), op_txstart, -EBADMSG);
	check(fs_reply(XS_GET_DOMAIN_PATH, S("local\0")), op_domain_path, -EBADMSG);
	check(fs_reply(XS_IS_DOMAIN_INTRODUCED, S("Y\0")), op_introduced, -EBADMSG);
}

Test(malformed, oversized_header_and_bad_events)
{
	check(lying_len(fs_reply(XS_READ, S("v")), XENSTORE_PAYLOAD_MAX + 1), op_read, -EBADMSG);
	check(fs_event("/p", "t"), op_read, -EPIPE); /* event, then the peer closes */
	/* events whose payload is not exactly "path\0token\0" */
	struct fs_msg bad[] = {
		{ XS_WATCH_EVENT, 0, 0, S("/p\0t"), -1 },
		{ XS_WATCH_EVENT, 0, 0, S("/p\0"), -1 },
		{ XS_WATCH_EVENT, 0, 0, S("\0t\0"), -1 },
		{ XS_WATCH_EVENT, 0, 0, S("/p\0t\0x\0"), -1 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		reset();
		fs_expect(&srv, bad[i]);
		fs_also(&srv, fs_reply(XS_READ, S("v")), 0);
		struct xsc *h = fs_start(&srv);
		char *v;

		cr_assert_eq(xsc_read(h, 0, "/a", &v, NULL), -EBADMSG, "bad event %zu", i);
		fs_stop(&srv, h);
	}
}

Test(malformed, peer_closing_mid_message)
{
	struct xsc *h;
	char *v;

	fs_expect(&srv, lying_len(fs_reply(XS_READ, S("abc")), 10));
	srv.steps[0].close_after = 1;
	h = fs_start(&srv);
	cr_assert_eq(xsc_read(h, 0, "/a", &v, NULL), -EPIPE);
	fs_stop(&srv, h);
}

Test(malformed, peer_gone_before_the_request)
{
	struct xsc *h;

	/* no steps: the peer shuts the socket at once; writing must not raise
	 * SIGPIPE (Criterion would report the crash) */
	h = fs_start(&srv);
	usleep(20000);
	cr_assert_eq(xsc_mkdir(h, 0, "/a"), -EPIPE);
	cr_assert_eq(xsc_mkdir(h, 0, "/a"), -EPIPE);
	fs_stop(&srv, h);
}
