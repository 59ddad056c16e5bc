/* test_timeout.c: xsc_open_timeout against a daemon that never answers (a
 * listening socket nobody reads): a request returns -ETIMEDOUT and breaks
 * the handle, because the late reply would be taken for the next one's. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <pvabi/xs_wire.h>

#include "../silent_socket.h"
#include "xsclient.h"

static struct silent_socket srv;

static void setup(void)
{
	silent_socket_open(&srv, "/tmp/xsct-XXXXXX");
}

static void teardown(void)
{
	silent_socket_close(&srv);
}

TestSuite(timeout, .init = setup, .fini = teardown, .timeout = 30);

Test(timeout, unanswered_request_times_out_and_breaks_the_handle)
{
	struct xsc *h;
	char *v = NULL;

	cr_assert_eq(xsc_open_timeout(srv.path, 200, &h), 0);
	cr_assert_not(xsc_broken(h));
	cr_assert_eq(xsc_read(h, 0, "/a", &v, NULL), -ETIMEDOUT);
	cr_assert_null(v);
	cr_assert_eq(xsc_broken(h), -ETIMEDOUT);
	cr_assert_eq(xsc_write_str(h, 0, "/a", "x"), -EPIPE, "a broken handle is never reused");
	cr_assert_str_eq(xsc_strerror(-ETIMEDOUT), "the xenstore daemon did not answer in time");
	xsc_close(h);
}

Test(timeout, watch_request_times_out_too)
{
	struct xsc *h;

	cr_assert_eq(xsc_open_timeout(srv.path, 100, &h), 0);
	cr_assert_eq(xsc_watch(h, "/w", "t", NULL, NULL), -ETIMEDOUT);
	cr_assert_eq(xsc_broken(h), -ETIMEDOUT);
	xsc_close(h);
}

/* The reply arriving after the timeout is never read as another's: the
 * caller has to open a new handle, which gets its own replies. */
Test(timeout, late_reply_is_not_taken_for_the_next_request)
{
	struct xsc *h;
	int c;

	cr_assert_eq(xsc_open_timeout(srv.path, 100, &h), 0);
	c = accept(srv.fd, NULL, NULL);
	cr_assert_geq(c, 0);
	cr_assert_eq(xsc_read(h, 0, "/a", &(char *){ NULL }, NULL), -ETIMEDOUT);
	/* the daemon wakes up and answers the old request */
	struct xsd_sockmsg m = { .type = XS_READ, .req_id = 1, .len = 3 };
	char buf[sizeof(m) + 3];

	memcpy(buf, &m, sizeof(m));
	memcpy(buf + sizeof(m), "old", 3);
	cr_assert_eq(write(c, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	cr_assert_eq(xsc_read(h, 0, "/b", &(char *){ NULL }, NULL), -EPIPE);
	close(c);
	xsc_close(h);
}

/* Without a bound (xsc_open) nothing changes: no request is cut short. */
Test(timeout, open_without_timeout_is_unbounded)
{
	struct xsc *h;

	cr_assert_eq(xsc_open_timeout(srv.path, 0, &h), 0);
	cr_assert_not(xsc_broken(h));
	xsc_close(h);
	cr_assert_eq(xsc_open(srv.path, &h), 0);
	cr_assert_not(xsc_broken(h));
	xsc_close(h);
}
