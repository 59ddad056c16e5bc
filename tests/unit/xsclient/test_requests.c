/* test_requests.c: libxsclient against a scripted peer: the bytes of each
 * request, replies split across reads, error names, and every reply shape. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fake_server.h"

#define S(lit) lit, sizeof(lit) - 1 /* payload with its explicit NULs */

static struct fake_server srv;

static void reset(void)
{
	memset(&srv, 0, sizeof(srv));
}

TestSuite(requests, .init = reset);

static void assert_req(int step, uint32_t type, uint32_t tx, const char *payload, size_t len)
{
	struct fs_step *st = &srv.steps[step];

	cr_assert_eq(st->got.type, type, "step %d type %u", step, st->got.type);
	cr_assert_eq(st->got.tx_id, tx, "step %d tx", step);
	cr_assert_eq(st->got.len, len, "step %d len %u", step, st->got.len);
	cr_assert_eq(memcmp(st->got_payload, payload, len), 0, "step %d payload", step);
}

Test(requests, read_write_split_byte_by_byte)
{
	struct xsc *h;
	char *v;
	size_t len;

	srv.chunk = 1;
	fs_expect(&srv, fs_reply(XS_READ, S("hello")));
	fs_expect(&srv, fs_reply(XS_WRITE, S("OK\0")));
	fs_expect(&srv, fs_reply(XS_READ, S("")));
	h = fs_start(&srv);
	cr_assert_eq(xsc_read(h, 0, "/a/b", &v, &len), 0);
	cr_assert_eq(len, 5);
	cr_assert_str_eq(v, "hello");
	free(v);
	cr_assert_eq(xsc_write_str(h, 0, "/x", "val"), 0);
	cr_assert_eq(xsc_read(h, 0, "empty", &v, &len), 0);
	cr_assert_eq(len, 0);
	cr_assert_str_eq(v, "");
	free(v);
	fs_stop(&srv, h);
	assert_req(0, XS_READ, 0, S("/a/b\0"));
	assert_req(1, XS_WRITE, 0, S("/x\0val"));
	assert_req(2, XS_READ, 0, S("empty\0"));
	cr_assert_neq(srv.steps[0].got.req_id, srv.steps[1].got.req_id, "req ids differ");
}

Test(requests, error_names_map_and_keep_the_handle)
{
	struct xsc *h;
	char *v;

	fs_expect(&srv, fs_reply(XS_ERROR, S("ENOENT\0")));
	fs_expect(&srv, fs_reply(XS_ERROR, S("EACCES\0")));
	fs_expect(&srv, fs_reply(XS_ERROR, S("EWHATEVER\0")));
	fs_expect(&srv, fs_reply(XS_ERROR, S("E2BIG\0")));
	fs_expect(&srv, fs_reply(XS_MKDIR, S("OK\0")));
	h = fs_start(&srv);
	cr_assert_eq(xsc_read(h, 0, "/nope", &v, NULL), -ENOENT);
	cr_assert_null(v);
	cr_assert_eq(xsc_rm(h, 0, "/x"), -EACCES);
	cr_assert_eq(xsc_rm(h, 0, "/x"), -EINVAL, "unknown names are EINVAL");
	cr_assert_eq(xsc_mkdir(h, 0, "/x"), -E2BIG);
	cr_assert_eq(xsc_mkdir(h, 0, "/y"), 0, "an error reply leaves the handle usable");
	fs_stop(&srv, h);
	assert_req(4, XS_MKDIR, 0, S("/y\0"));
}

Test(requests, directory_and_domain_replies)
{
	struct xsc *h;
	char **names, *path;
	unsigned n;
	bool yes;

	srv.chunk = 3;
	fs_expect(&srv, fs_reply(XS_DIRECTORY, S("a\0bb\0ccc\0")));
	fs_expect(&srv, fs_reply(XS_DIRECTORY, S("")));
	fs_expect(&srv, fs_reply(XS_GET_DOMAIN_PATH, S("/local/domain/7\0")));
	fs_expect(&srv, fs_reply(XS_INTRODUCE, S("OK\0")));
	fs_expect(&srv, fs_reply(XS_IS_DOMAIN_INTRODUCED, S("T\0")));
	fs_expect(&srv, fs_reply(XS_RELEASE, S("OK\0")));
	fs_expect(&srv, fs_reply(XS_IS_DOMAIN_INTRODUCED, S("F\0")));
	h = fs_start(&srv);
	cr_assert_eq(xsc_directory(h, 0, "/d", &names, &n), 0);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(names[0], "a");
	cr_assert_str_eq(names[1], "bb");
	cr_assert_str_eq(names[2], "ccc");
	cr_assert_null(names[3]);
	free(names);
	cr_assert_eq(xsc_directory(h, 0, "/e", &names, &n), 0);
	cr_assert_eq(n, 0);
	cr_assert_null(names[0]);
	free(names);
	cr_assert_eq(xsc_get_domain_path(h, 7, &path), 0);
	cr_assert_str_eq(path, "/local/domain/7");
	free(path);
	cr_assert_eq(xsc_introduce(h, 7, 0xfeffc, 3), 0);
	cr_assert_eq(xsc_is_introduced(h, 7, &yes), 0);
	cr_assert(yes);
	cr_assert_eq(xsc_release(h, 7), 0);
	cr_assert_eq(xsc_is_introduced(h, 7, &yes), 0);
	cr_assert_not(yes);
	fs_stop(&srv, h);
	assert_req(2, XS_GET_DOMAIN_PATH, 0, S("7\0"));
	assert_req(3, XS_INTRODUCE, 0, S("7\0001044476\0003\0"));
	assert_req(5, XS_RELEASE, 0, S("7\0"));
}

Test(requests, transactions_carry_ids_and_surface_eagain)
{
	struct xsc *h;
	struct fs_msg start = fs_reply(XS_TRANSACTION_START, S("42\0"));
	uint32_t tx;

	start.tx_id = 0;
	fs_expect(&srv, start);
	fs_expect(&srv, fs_reply(XS_WRITE, S("OK\0")));
	fs_expect(&srv, fs_reply(XS_ERROR, S("EAGAIN\0")));
	fs_expect(&srv, fs_reply(XS_TRANSACTION_END, S("OK\0")));
	h = fs_start(&srv);
	cr_assert_eq(xsc_transaction_start(h, &tx), 0);
	cr_assert_eq(tx, 42);
	cr_assert_eq(xsc_write_str(h, tx, "/c", "1"), 0);
	cr_assert_eq(xsc_transaction_end(h, tx, true), -EAGAIN);
	cr_assert_eq(xsc_transaction_end(h, 43, false), 0);
	cr_assert_eq(xsc_transaction_end(h, 0, true), -EINVAL, "0 is no transaction");
	fs_stop(&srv, h);
	assert_req(0, XS_TRANSACTION_START, 0, S("\0"));
	assert_req(1, XS_WRITE, 42, S("/c\0001"));
	assert_req(2, XS_TRANSACTION_END, 42, S("T\0"));
	assert_req(3, XS_TRANSACTION_END, 43, S("F\0"));
}

Test(requests, perms_round_trip)
{
	struct xsc *h;
	struct xsc_perm *p, set[2] = { { 3, XSC_NONE }, { 0, XSC_READ } };
	unsigned n;

	fs_expect(&srv, fs_reply(XS_GET_PERMS, S("n0\0r5\0b4294967295\0")));
	fs_expect(&srv, fs_reply(XS_SET_PERMS, S("OK\0")));
	h = fs_start(&srv);
	cr_assert_eq(xsc_get_perms(h, 0, "/p", &p, &n), 0);
	cr_assert_eq(n, 3);
	cr_assert_eq(p[0].access, 'n');
	cr_assert_eq(p[0].domid, 0);
	cr_assert_eq(p[1].access, 'r');
	cr_assert_eq(p[1].domid, 5);
	cr_assert_eq(p[2].access, 'b');
	cr_assert_eq(p[2].domid, 4294967295u);
	free(p);
	cr_assert_eq(xsc_set_perms(h, 0, "/p", set, 2), 0);
	fs_stop(&srv, h);
	assert_req(1, XS_SET_PERMS, 0, S("/p\0n3\0r0\0"));
}

Test(requests, oversized_requests_are_refused_locally)
{
	struct xsc *h;
	char big[XENSTORE_PAYLOAD_MAX];

	memset(big, 'v', sizeof(big));
	fs_expect(&srv, fs_reply(XS_WRITE, S("OK\0")));
	h = fs_start(&srv);
	cr_assert_eq(xsc_write(h, 0, "/x", big, sizeof(big)), -E2BIG);
	cr_assert_eq(xsc_write(h, 0, "/x", big, sizeof(big) - 3), 0, "exactly 4096 bytes");
	fs_stop(&srv, h);
	cr_assert_eq(srv.steps[0].got.len, XENSTORE_PAYLOAD_MAX);
}
