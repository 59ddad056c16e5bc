/* test_hvctl_timeout.c: libhvctl's bounded connections against a hospes-hv
 * that never answers (a listening socket nobody reads): a call returns
 * -ETIMEDOUT, and the connection is then refused (-EPIPE) so that a late
 * reply cannot be read as another request's. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../silent_socket.h"
#include "hvctl.h"

static struct silent_socket srv;

static void setup(void)
{
	silent_socket_open(&srv, "/tmp/hvct-XXXXXX");
}

static void teardown(void)
{
	silent_socket_close(&srv);
}

TestSuite(hvctl_timeout, .init = setup, .fini = teardown, .timeout = 30);

Test(hvctl_timeout, unanswered_call_times_out_and_breaks_the_connection)
{
	struct hvctl_dominfo info;
	struct hvctl *h;

	cr_assert_eq(hvctl_connect_timeout(srv.path, 200, &h), 0);
	cr_assert_not(hvctl_broken(h));
	cr_assert_eq(hvctl_info(h, 1, &info), -ETIMEDOUT);
	cr_assert(hvctl_broken(h));
	cr_assert_eq(hvctl_pause(h, 1), -EPIPE, "a broken connection is never reused");
	hvctl_close(h);
}

/* The late reply to the timed-out INFO is never taken for the next call. */
Test(hvctl_timeout, late_reply_is_not_taken_for_the_next_call)
{
	struct hvctl_dominfo info;
	struct hvctl *h;
	int c;

	cr_assert_eq(hvctl_connect_timeout(srv.path, 100, &h), 0);
	c = accept(srv.fd, NULL, NULL);
	cr_assert_geq(c, 0);
	cr_assert_eq(hvctl_info(h, 1, &info), -ETIMEDOUT);
	struct {
		struct hvctl_hdr h;
		struct hvctl_reply r;
	} late = { { HVCTL_REPLY_BIT | HVCTL_INFO, sizeof(struct hvctl_reply), 1, 0 }, { -3, 0 } };

	cr_assert_eq(write(c, &late, sizeof(late)), (ssize_t)sizeof(late));
	cr_assert_eq(hvctl_destroy(h, 1), -EPIPE);
	close(c);
	hvctl_close(h);
}

Test(hvctl_timeout, unbounded_connection_stays_usable_after_set_timeout_zero)
{
	struct hvctl *h;

	cr_assert_eq(hvctl_connect(srv.path, &h), 0);
	cr_assert_eq(hvctl_set_timeout(h, 0), 0);
	cr_assert_not(hvctl_broken(h));
	hvctl_close(h);
}
