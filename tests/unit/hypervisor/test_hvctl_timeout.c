/* test_hvctl_timeout.c: libhvctl's bounded connections against a hospes-hv
 * that never answers (a listening socket nobody reads): a call returns
 * -ETIMEDOUT, and the connection is then refused (-EPIPE) so that a late
 * reply cannot be read as another request's. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "hvctl.h"

static char dir[32], path[64];
static int lfd = -1;

static void setup(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	snprintf(dir, sizeof(dir), "/tmp/hvct-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/s", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert_geq(lfd, 0);
	cr_assert_eq(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(listen(lfd, 8), 0);
}

static void teardown(void)
{
	close(lfd);
	unlink(path);
	rmdir(dir);
}

TestSuite(hvctl_timeout, .init = setup, .fini = teardown, .timeout = 30);

Test(hvctl_timeout, unanswered_call_times_out_and_breaks_the_connection)
{
	struct hvctl_dominfo info;
	struct hvctl *h;

	cr_assert_eq(hvctl_connect_timeout(path, 200, &h), 0);
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

	cr_assert_eq(hvctl_connect_timeout(path, 100, &h), 0);
	c = accept(lfd, NULL, NULL);
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

	cr_assert_eq(hvctl_connect(path, &h), 0);
	cr_assert_eq(hvctl_set_timeout(h, 0), 0);
	cr_assert_not(hvctl_broken(h));
	hvctl_close(h);
}
