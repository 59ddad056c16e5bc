/* test_watches.c: events interleaved with replies are queued in order,
 * returned by xsc_read_watch or given to callbacks, and xsc_fileno polls
 * readable exactly while one is waiting. */
#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_server.h"

#define S(lit) lit, sizeof(lit) - 1

static struct fake_server srv;

static void reset(void)
{
	memset(&srv, 0, sizeof(srv));
}

TestSuite(watches, .init = reset);

static int readable(struct xsc *h, int ms)
{
	struct pollfd p = { .fd = xsc_fileno(h), .events = POLLIN };

	return poll(&p, 1, ms);
}

static void expect_event(struct xsc *h, const char *path, const char *token)
{
	struct xsc_event *ev;

	cr_assert_eq(xsc_read_watch(h, &ev, 1000), 0, "waiting for %s", path);
	cr_assert_str_eq(ev->path, path);
	cr_assert_str_eq(ev->token, token);
	free(ev);
}

Test(watches, events_around_replies_are_queued_in_order)
{
	struct xsc *h;
	struct xsc_event *ev;
	char *v;

	srv.chunk = 5;
	fs_expect(&srv, fs_reply(XS_WATCH, S("OK\0")));
	fs_also(&srv, fs_event("/w", "tok"), 1);  /* before the reply */
	fs_also(&srv, fs_event("/w/a", "tok"), 0); /* right behind it */
	fs_expect(&srv, fs_reply(XS_READ, S("x")));
	fs_also(&srv, fs_event("/w/b", "tok"), 1);
	fs_expect(&srv, fs_reply(XS_MKDIR, S("OK\0"))); /* keeps the peer open */
	h = fs_start(&srv);
	cr_assert_eq(xsc_watch(h, "/w", "tok", NULL, NULL), 0);
	cr_assert_eq(xsc_read(h, 0, "/r", &v, NULL), 0);
	cr_assert_str_eq(v, "x");
	free(v);
	cr_assert_eq(readable(h, 0), 1, "queued events make the fd readable");
	expect_event(h, "/w", "tok");
	expect_event(h, "/w/a", "tok");
	expect_event(h, "/w/b", "tok");
	cr_assert_eq(readable(h, 0), 0, "drained queue: not readable");
	cr_assert_eq(xsc_read_watch(h, &ev, 0), -ETIMEDOUT);
	cr_assert_null(ev);
	cr_assert_eq(xsc_mkdir(h, 0, "/m"), 0);
	fs_stop(&srv, h);
	cr_assert_eq(srv.steps[0].got.type, XS_WATCH);
	cr_assert_eq(memcmp(srv.steps[0].got_payload, "/w\0tok\0", 7), 0);
}

Test(watches, events_arriving_later_wake_the_fd)
{
	struct xsc *h;

	fs_expect(&srv, fs_reply(XS_WATCH, S("OK\0")));
	fs_expect(&srv, fs_reply(XS_UNWATCH, S("OK\0")));
	srv.pre[srv.npre++] = fs_event("/late", "t2"); /* unsolicited, before any request */
	h = fs_start(&srv);
	cr_assert_eq(readable(h, 2000), 1, "socket bytes make the fd readable");
	expect_event(h, "/late", "t2");
	cr_assert_eq(xsc_watch(h, "/late", "t2", NULL, NULL), 0);
	cr_assert_eq(xsc_unwatch(h, "/late", "t2"), 0);
	fs_stop(&srv, h);
	cr_assert_eq(srv.steps[1].got.type, XS_UNWATCH);
	cr_assert_eq(memcmp(srv.steps[1].got_payload, "/late\0t2\0", 9), 0);
}

struct seen {
	int n;
	char paths[4][32];
};

static void on_event(void *arg, const char *path, const char *token)
{
	struct seen *s = arg;

	if (s->n < 4 && strcmp(token, "cb") == 0)
		snprintf(s->paths[s->n++], sizeof(s->paths[0]), "%s", path);
}

Test(watches, callbacks_take_their_tokens_only)
{
	struct xsc *h;
	struct seen seen = { 0 };
	int total = 0;

	fs_expect(&srv, fs_reply(XS_WATCH, S("OK\0")));
	fs_also(&srv, fs_event("/c", "cb"), 0);
	fs_expect(&srv, fs_reply(XS_WATCH, S("OK\0")));
	fs_also(&srv, fs_event("/q", "plain"), 0);
	fs_also(&srv, fs_event("/c/x", "cb"), 0);
	h = fs_start(&srv);
	cr_assert_eq(xsc_watch(h, "/c", "cb", on_event, &seen), 0);
	cr_assert_eq(xsc_watch(h, "/q", "plain", NULL, NULL), 0);
	/* the two events may come in separate reads: dispatch until both */
	for (int i = 0, r; i < 50 && total < 2; i++, total += r)
		cr_assert_geq(r = xsc_dispatch(h, 100), 0);
	cr_assert_eq(total, 2);
	cr_assert_eq(seen.n, 2);
	cr_assert_str_eq(seen.paths[0], "/c");
	cr_assert_str_eq(seen.paths[1], "/c/x");
	expect_event(h, "/q", "plain");
	cr_assert_eq(xsc_dispatch(h, 0), 0);
	fs_stop(&srv, h);
}

Test(watches, socket_path_resolution)
{
	unsetenv("XENSTORED_PATH");
	cr_assert_str_eq(xsc_socket_path(NULL), "/run/hospes/xenstored.sock");
	setenv("XENSTORED_PATH", "/tmp/x.sock", 1);
	cr_assert_str_eq(xsc_socket_path(NULL), "/tmp/x.sock");
	cr_assert_str_eq(xsc_socket_path("/explicit"), "/explicit");
	setenv("XENSTORED_PATH", "", 1);
	cr_assert_str_eq(xsc_socket_path(NULL), "/run/hospes/xenstored.sock");
	unsetenv("XENSTORED_PATH");
}

Test(watches, perm_strings)
{
	struct xsc_perm p;
	char buf[16];

	cr_assert_eq(xsc_perm_parse("r5", &p), 0);
	cr_assert_eq(p.access, 'r');
	cr_assert_eq(p.domid, 5);
	cr_assert_eq(xsc_perm_parse("n0", &p), 0);
	cr_assert_eq(xsc_perm_parse("w4294967295", &p), 0);
	cr_assert_eq(p.domid, 4294967295u);
	const char *bad[] = { "", "r", "x1", "r-1", "r1a", "b4294967296", "R1", " r1" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(xsc_perm_parse(bad[i], &p), -EINVAL, "'%s'", bad[i]);
	p = (struct xsc_perm){ 12, XSC_BOTH };
	cr_assert_eq(xsc_perm_format(&p, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "b12");
	cr_assert_eq(xsc_perm_format(&p, buf, 3), -ENOSPC);
	p.access = 'q';
	cr_assert_eq(xsc_perm_format(&p, buf, sizeof(buf)), -EINVAL);
}

Test(watches, connect_failure_is_an_errno)
{
	struct xsc *h;

	cr_assert_eq(xsc_open("/nonexistent/dir/sock", &h), -ENOENT);
	cr_assert_null(h);
}

Test(watches, half_an_event_is_not_an_event)
{
	struct xsc *h;
	struct xsc_event *ev;
	struct fs_msg half = fs_event("/half", "tok");

	/* the header and 3 of the payload's 10 bytes first; the rest (sent
	 * raw, without a header) comes with the next reply */
	half.len = 3;
	half.len_override = 10;
	srv.pre[srv.npre++] = half;
	fs_expect(&srv, (struct fs_msg){ 0, 0, 0, "lf\0tok\0", 7, FS_RAW });
	fs_also(&srv, fs_reply(XS_MKDIR, S("OK\0")), 0);
	h = fs_start(&srv);
	cr_assert_eq(readable(h, 2000), 1);
	cr_assert_eq(xsc_read_watch(h, &ev, 0), -ETIMEDOUT, "3 payload bytes of 10");
	cr_assert_eq(readable(h, 0), 0, "consumed bytes leave the fd quiet");
	cr_assert_eq(xsc_mkdir(h, 0, "/m"), 0, "the event completes ahead of the reply");
	expect_event(h, "/half", "tok");
	fs_stop(&srv, h);
}
