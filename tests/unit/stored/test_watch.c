/* test_watch.c: watches: immediate event, matching, depth, relative
 * paths, removal, special watches, limits. */
#include <criterion/criterion.h>
#include <string.h>

#include "capture.h"

TestSuite(watch, .init = store_reset);

Test(watch, immediate_event_then_changes)
{
	struct cap *w = cap_new(0, true), *x = cap_new(0, true);
	struct cap_msg *m = REQ(w, XS_WATCH, 0, "/a\0tok");

	cr_assert(cap_is_ok(m));
	cr_assert_eq(w->n, 2);
	cr_assert_eq(w->msg[1].h.type, XS_WATCH_EVENT);
	cr_assert_eq(w->msg[1].h.req_id, 0);
	cr_assert_eq(w->msg[1].h.len, 7);
	cr_assert_eq(memcmp(w->msg[1].data, "/a\0tok\0", 7), 0);
	w->n = 0;
	WR(x, 0, "/a/b\0v");
	cr_assert_eq(cap_events(w, "/a/b", "tok"), 1);
	w->n = 0;
	WR(x, 0, "/ab\0v");
	WR(x, 0, "/b/a\0v");
	cr_assert_eq(w->n, 0, "no match across component boundaries");
	REQ(x, XS_SET_PERMS, 0, "/a/b\0n0\0r3");
	cr_assert_eq(cap_events(w, "/a/b", "tok"), 1, "perm change fires");
	w->n = 0;
	REQ(x, XS_RM, 0, "/a");
	cr_assert_eq(cap_events(w, "/a", "tok"), 1, "delete fires");
	cap_free(w);
	cap_free(x);
}

Test(watch, removal_of_parent_fires_watches_below)
{
	struct cap *w = cap_new(0, true), *x = cap_new(0, true);

	WR(x, 0, "/p/q/r\0v");
	REQ(w, XS_WATCH, 0, "/p/q/r\0deep");
	w->n = 0;
	REQ(x, XS_RM, 0, "/p");
	cr_assert_eq(cap_events(w, "/p/q/r", "deep"), 1);
	cap_free(w);
	cap_free(x);
}

Test(watch, depth_limits_events)
{
	struct cap *w = cap_new(0, true), *x = cap_new(0, true);

	cr_assert(cap_is_ok(REQ(w, XS_WATCH, 0, "/d\0t1\0" "1")));
	w->n = 0;
	WR(x, 0, "/d/a\0v");
	WR(x, 0, "/d/a/b\0v");
	cr_assert_eq(cap_events(w, "/d/a", "t1"), 1);
	cr_assert_eq(cap_events(w, "/d/a/b", "t1"), 0, "below the depth");
	cr_assert(cap_is_err(REQ(w, XS_WATCH, 0, "/d\0t2\0x"), "EINVAL"));
	cap_free(w);
	cap_free(x);
}

Test(watch, relative_watch_reports_relative_paths)
{
	struct cap *w = cap_new(0, true);

	REQ(w, XS_WATCH, 0, "device\0rel");
	cr_assert_eq(cap_events(w, "device", "rel"), 1, "immediate event is relative");
	w->n = 0;
	WR(w, 0, "/local/domain/0/device/vif\0v");
	cr_assert_eq(cap_events(w, "device/vif", "rel"), 1);
	cap_free(w);
}

Test(watch, unwatch_duplicates_reset)
{
	struct cap *w = cap_new(0, true), *x = cap_new(0, true);

	cr_assert(cap_is_ok(REQ(w, XS_WATCH, 0, "/u\0a")));
	cr_assert(cap_is_err(REQ(w, XS_WATCH, 0, "/u\0a"), "EEXIST"));
	cr_assert(cap_is_ok(REQ(w, XS_WATCH, 0, "/u\0b")), "other token");
	cr_assert(cap_is_ok(REQ(w, XS_UNWATCH, 0, "/u\0a")));
	cr_assert(cap_is_err(REQ(w, XS_UNWATCH, 0, "/u\0a"), "ENOENT"));
	w->n = 0;
	WR(x, 0, "/u\0v");
	cr_assert_eq(cap_events(w, "/u", "a"), 0);
	cr_assert_eq(cap_events(w, "/u", "b"), 1);
	cr_assert(cap_is_ok(REQ(w, XS_RESET_WATCHES, 0, "")));
	w->n = 0;
	WR(x, 0, "/u\0w");
	cr_assert_eq(w->n, 0);
	cap_free(w);
	cap_free(x);
}

Test(watch, special_watches_on_introduce_and_release)
{
	struct cap *w = cap_new(0, true), *g = cap_new(9, false), *x = cap_new(0, true);

	REQ(w, XS_WATCH, 0, "@introduceDomain\0in");
	REQ(w, XS_WATCH, 0, "@releaseDomain\0out");
	REQ(g, XS_WATCH, 0, "@releaseDomain\0g");
	w->n = 0;
	g->n = 0;
	WR(x, 0, "/anything\0v");
	cr_assert_eq(w->n, 0, "special watches ignore the tree");
	cr_assert(cap_is_ok(REQ(x, XS_INTRODUCE, 0, "7\0" "4096\0" "3")));
	cr_assert_eq(cap_events(w, "@introduceDomain", "in"), 1);
	cr_assert(cap_is_ok(REQ(x, XS_RELEASE, 0, "7")));
	cr_assert_eq(cap_events(w, "@releaseDomain", "out"), 1);
	cr_assert_eq(g->n, 0, "unprivileged watcher without permission hears nothing");
	cap_free(w);
	cap_free(g);
	cap_free(x);
}

Test(watch, unprivileged_watchers_need_read_access)
{
	struct cap *g = cap_new(5, false), *x = cap_new(0, true);

	REQ(g, XS_WATCH, 0, "/local/domain/5\0t");
	WR(x, 0, "/local/domain/5/secret\0v");
	g->n = 0;
	WR(x, 0, "/local/domain/5/secret\0w");
	cr_assert_eq(g->n, 0);
	REQ(x, XS_SET_PERMS, 0, "/local/domain/5/secret\0n0\0r5");
	cr_assert_eq(cap_events(g, "/local/domain/5/secret", "t"), 1);
	cap_free(g);
	cap_free(x);
}

Test(watch, quota_for_domains)
{
	struct cap *g = cap_new(5, false);

	xs_quota[XS_Q_WATCHES] = 2;
	cr_assert(cap_is_ok(REQ(g, XS_WATCH, 0, "a\0" "1")));
	cr_assert(cap_is_ok(REQ(g, XS_WATCH, 0, "a\0" "2")));
	cr_assert(cap_is_err(REQ(g, XS_WATCH, 0, "a\0" "3"), "E2BIG"));
	cap_free(g);
}
