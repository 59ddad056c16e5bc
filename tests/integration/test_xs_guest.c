/* test_xs_guest.c: guests on xenstore through the ring transport (SPEC.md
 * §13): nido learns its identity from its home directory, reads,
 * writes and watches through its ring; permissions hold for ring
 * connections; RELEASE, shutdown and destroy reach @releaseDomain
 * watchers; a guest breaking the ring protocol loses only its own ring. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guest_store_fixture.h"
#include "harness.h"

static void start(void)
{
	gsfx_start("xsg");
}

/* hospes-stored exits 0 on SIGTERM (under ASan: nothing leaked). */
static void stop(void)
{
	int code = gsfx_stop();

	cr_assert_eq(code, 0, "hospes-stored exited with %d", code);
}

TestSuite(xs_guest, .init = start, .fini = stop, .timeout = 120);

static void expect_console(uint32_t dom, const char *text)
{
	cr_assert(dfx_console_wait(dom, text, 20000), "dom%u never printed '%s':\n%s\nstored:\n%s",
		  dom, text, dfx_console(dom), xsfx_log());
}

static unsigned count(const char *hay, const char *needle)
{
	unsigned n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* Occurrences of needle in dom's console so far. */
static unsigned console_count(uint32_t dom, const char *needle)
{
	char *c = dfx_console(dom);
	unsigned n = count(c, needle);

	free(c);
	return n;
}

static char *dom_read(struct xsc *xs, uint32_t dom, const char *rel)
{
	char path[128], *v = NULL;
	int r;

	snprintf(path, sizeof(path), "/local/domain/%u/%s", dom, rel);
	r = xsc_read(xs, 0, path, &v, NULL);
	cr_assert_eq(r, 0, "read %s: %s", path, xsc_strerror(r));
	return v;
}

static void dom_write(struct xsc *xs, uint32_t dom, const char *rel, const char *val)
{
	char path[128];
	int r;

	snprintf(path, sizeof(path), "/local/domain/%u/%s", dom, rel);
	r = xsc_write_str(xs, 0, path, val);
	cr_assert_eq(r, 0, "write %s: %s", path, xsc_strerror(r));
}

static void expect_event(struct xsc *xs, const char *path)
{
	struct xsc_event *ev = NULL;
	int r = xsc_read_watch(xs, &ev, 10000);

	cr_assert_eq(r, 0, "no watch event for %s: %s\n%s", path, xsc_strerror(r), xsfx_log());
	cr_assert_str_eq(ev->path, path);
	free(ev);
}

Test(xs_guest, nido_prints_its_name_and_domid_from_xenstore)
{
	struct hvctl *h = dfx_connect();
	struct xsc *xs = xsfx_client();
	char line[96];
	uint32_t dom = gsfx_domain(h, xs, "nido", "alpha", "script=echo hi", true);

	snprintf(line, sizeof(line), "nido: xenstore name=alpha domid=%u\n", dom);
	expect_console(dom, line);
	cr_assert_eq(dfx_wait_end(h, dom, 20000).state, HVCTL_STATE_SHUTDOWN);
	cr_assert_eq(console_count(dom, "nido: xenstore"), 1);
	xsc_close(xs);
	hvctl_close(h);
}

Test(xs_guest, guest_reads_writes_and_lists_its_home)
{
	struct hvctl *h = dfx_connect();
	struct xsc *xs = xsfx_client();
	struct xsc_perm *perms;
	unsigned n;
	char path[96], *v;
	uint32_t dom = gsfx_domain(h, xs, "nido", "beta",
				   "script=xs-read data/greeting; xs-write data/out 42; "
				   "xs-ls data; xs-read data/missing",
				   false);

	dom_write(xs, dom, "data/greeting", "hello from dom0");
	cr_assert_eq(hvctl_start(h, dom), 0);
	expect_console(dom, "xs-read data/greeting = \"hello from dom0\"\n");
	expect_console(dom, "xs-write data/out: ok\n");
	expect_console(dom, "xs-ls data: greeting out\n");
	expect_console(dom, "xs-read data/missing: ENOENT\n");
	v = dom_read(xs, dom, "data/out");
	cr_assert_str_eq(v, "42");
	free(v);
	/* The node the guest created is its own. */
	snprintf(path, sizeof(path), "/local/domain/%u/data/out", dom);
	cr_assert_eq(xsc_get_perms(xs, 0, path, &perms, &n), 0);
	cr_assert_eq(perms[0].domid, dom);
	free(perms);
	cr_assert_eq(dfx_wait_end(h, dom, 20000).state, HVCTL_STATE_SHUTDOWN);
	xsc_close(xs);
	hvctl_close(h);
}

Test(xs_guest, guest_watch_sees_the_initial_event_and_a_change)
{
	struct hvctl *h = dfx_connect();
	struct xsc *xs = xsfx_client();
	uint32_t dom = gsfx_domain(h, xs, "nido", "gamma", "script=xs-watch data/w 2", true);

	expect_console(dom, "xs-watch event data/w\n");
	dom_write(xs, dom, "data/w", "changed");
	expect_console(dom, "xs-watch data/w: 2 events\n");
	cr_assert_eq(console_count(dom, "xs-watch event data/w\n"), 2);
	cr_assert_eq(dfx_wait_end(h, dom, 20000).state, HVCTL_STATE_SHUTDOWN);
	xsc_close(xs);
	hvctl_close(h);
}

Test(xs_guest, guest_cannot_read_another_home_or_write_outside_its_own)
{
	struct hvctl *h = dfx_connect();
	struct xsc *xs = xsfx_client();
	char script[512], want[160], path[96], *v = NULL;
	uint32_t other = gsfx_domain(h, xs, "nido", "other", "script=echo idle", false), dom;

	snprintf(script, sizeof(script),
		 "script=xs-read /local/domain/%u/name; xs-ls /local/domain/%u; "
		 "xs-write /local/domain/%u/x 1; xs-write /tool/x 1; xs-write name evil; "
		 "xs-read name",
		 other, other, other);
	dom = gsfx_domain(h, xs, "nido", "delta", script, true);
	snprintf(want, sizeof(want), "xs-read /local/domain/%u/name: EACCES\n", other);
	expect_console(dom, want);
	snprintf(want, sizeof(want), "xs-ls /local/domain/%u: EACCES\n", other);
	expect_console(dom, want);
	snprintf(want, sizeof(want), "xs-write /local/domain/%u/x: EACCES\n", other);
	expect_console(dom, want);
	expect_console(dom, "xs-write /tool/x: EACCES\n");
	/* name is dom0's (read-only for the guest), as a toolstack leaves it. */
	expect_console(dom, "xs-write name: EACCES\n");
	expect_console(dom, "xs-read name = \"delta\"\n");
	snprintf(path, sizeof(path), "/local/domain/%u/x", other);
	cr_assert_eq(xsc_read(xs, 0, path, &v, NULL), -ENOENT);
	cr_assert_eq(xsc_read(xs, 0, "/tool/x", &v, NULL), -ENOENT);
	v = dom_read(xs, dom, "name");
	cr_assert_str_eq(v, "delta");
	free(v);
	cr_assert_eq(dfx_wait_end(h, dom, 20000).state, HVCTL_STATE_SHUTDOWN);
	cr_assert_eq(hvctl_destroy(h, other), 0);
	xsc_close(xs);
	hvctl_close(h);
}

Test(xs_guest, two_guests_at_once_each_see_their_own_home)
{
	struct hvctl *h = dfx_connect();
	struct xsc *xs = xsfx_client();
	const char *script = "script=xs-read name; xs-write data/seen yes; xs-ls data";
	uint32_t a = gsfx_domain(h, xs, "nido", "first", script, false);
	uint32_t b = gsfx_domain(h, xs, "nido", "second", script, false);
	char *v;

	cr_assert_eq(hvctl_start(h, a), 0);
	cr_assert_eq(hvctl_start(h, b), 0);
	expect_console(a, "xs-read name = \"first\"\n");
	expect_console(b, "xs-read name = \"second\"\n");
	expect_console(a, "xs-ls data: seen\n");
	expect_console(b, "xs-ls data: seen\n");
	v = dom_read(xs, a, "data/seen");
	cr_assert_str_eq(v, "yes");
	free(v);
	v = dom_read(xs, b, "data/seen");
	cr_assert_str_eq(v, "yes");
	free(v);
	cr_assert_eq(dfx_wait_end(h, a, 20000).state, HVCTL_STATE_SHUTDOWN);
	cr_assert_eq(dfx_wait_end(h, b, 20000).state, HVCTL_STATE_SHUTDOWN);
	xsc_close(xs);
	hvctl_close(h);
}

Test(xs_guest, release_drops_the_ring_and_fires_release_domain)
{
	struct hvctl *h = dfx_connect();
	struct xsc *xs = xsfx_client(), *w = xsfx_client();
	char path[96], want[96], *v = NULL;
	bool yes = true;
	uint32_t dom = gsfx_domain(h, xs, "nido", "eps", "script=xs-watch data/w 3", true);

	expect_console(dom, "xs-watch event data/w\n");
	cr_assert_eq(xsc_watch(w, "@releaseDomain", "rel", NULL, NULL), 0);
	expect_event(w, "@releaseDomain");
	cr_assert_eq(xsc_release(xs, dom), 0);
	expect_event(w, "@releaseDomain");
	cr_assert_eq(xsc_is_introduced(xs, dom, &yes), 0);
	cr_assert(!yes);
	/* data/w and nido's own control/shutdown watch */
	snprintf(want, sizeof(want), "dom%u: ring released: 2 watches", dom);
	cr_assert(strstr(xsfx_log(), want), "no '%s' in\n%s", want, xsfx_log());
	/* The home was the domain's: gone with it. */
	snprintf(path, sizeof(path), "/local/domain/%u/name", dom);
	cr_assert_eq(xsc_read(xs, 0, path, &v, NULL), -ENOENT);
	/* Its watch is gone: a change there reaches nobody. */
	dom_write(xs, dom, "data/w", "after");
	cr_assert_eq(xsc_read(xs, 0, "/local/domain", &v, NULL), 0); /* a round trip */
	free(v);
	usleep(200000);
	cr_assert_eq(console_count(dom, "xs-watch event data/w\n"), 1);
	cr_assert_eq(hvctl_destroy(h, dom), 0);
	xsc_close(w);
	xsc_close(xs);
	hvctl_close(h);
}

Test(xs_guest, shutdown_and_destroy_reach_release_domain_watchers)
{
	struct hvctl *h = dfx_connect();
	struct xsc *xs = xsfx_client(), *w = xsfx_client();
	bool yes = false;
	uint32_t dom;

	cr_assert_eq(xsc_watch(w, "@releaseDomain", "rel", NULL, NULL), 0);
	expect_event(w, "@releaseDomain");
	dom = gsfx_domain(h, xs, "nido", "zeta", "script=echo bye", true);
	cr_assert_eq(dfx_wait_end(h, dom, 20000).state, HVCTL_STATE_SHUTDOWN);
	/* Shut down: watchers hear it, the domain stays introduced. */
	expect_event(w, "@releaseDomain");
	cr_assert_eq(xsc_is_introduced(xs, dom, &yes), 0);
	cr_assert(yes);
	/* Destroyed: released by the daemon itself. */
	cr_assert_eq(hvctl_destroy(h, dom), 0);
	expect_event(w, "@releaseDomain");
	cr_assert_eq(xsc_is_introduced(xs, dom, &yes), 0);
	cr_assert(!yes);
	xsc_close(w);
	xsc_close(xs);
	hvctl_close(h);
}

Test(xs_guest, introduce_fails_cleanly_for_an_unknown_domain)
{
	struct xsc *xs = xsfx_client();
	bool yes = true;

	cr_assert_eq(xsc_introduce(xs, 4000, 0x3fff, 5), -ENOENT);
	cr_assert_eq(xsc_is_introduced(xs, 4000, &yes), 0);
	cr_assert(!yes);
	cr_assert(strstr(xsfx_log(), "dom4000: no guest memory from the hypervisor"));
	xsc_close(xs);
}

/* A guest scribbling on its ring (mode) loses its ring; the page's error
 * field says why; another guest and socket clients carry on. */
static void hostile(const char *mode, const char *error)
{
	const struct harness_check checks[] = {
		{ "xs.params", "0" },
		{ "xs.events", "0" },
		{ "xs.init", "0" },
		{ "xs.read_ok", "1" },
		{ "xs.server_features", "3" }, /* RECONNECTION | ERROR */
		{ "xs.error", error },
	};
	struct hvctl *h = dfx_connect();
	struct xsc *xs = xsfx_client();
	char cmd[32], want[96], *v;
	uint32_t good = gsfx_domain(h, xs, "nido", "good", "script=xs-watch data/go 2; xs-read name",
				    true), bad;

	expect_console(good, "xs-watch event data/go\n");
	snprintf(cmd, sizeof(cmd), "mode=%s", mode);
	bad = gsfx_domain(h, xs, "xs-hostile", "bad", cmd, true);
	cr_assert_eq(dfx_wait_end(h, bad, 20000).state, HVCTL_STATE_SHUTDOWN);
	v = dfx_console(bad);
	harness_assert_checks(v, checks, sizeof(checks) / sizeof(checks[0]));
	free(v);
	snprintf(want, sizeof(want), "dom%u: ring protocol error", bad);
	cr_assert(strstr(xsfx_log(), want), "no '%s' in\n%s", want, xsfx_log());
	/* The other guest's ring and the socket still work. */
	dom_write(xs, good, "data/go", "1");
	expect_console(good, "xs-watch data/go: 2 events\n");
	expect_console(good, "xs-read name = \"good\"\n");
	v = dom_read(xs, good, "name");
	cr_assert_str_eq(v, "good");
	free(v);
	cr_assert_eq(dfx_wait_end(h, good, 20000).state, HVCTL_STATE_SHUTDOWN);
	/* The broken ring is still released cleanly. */
	cr_assert_eq(xsc_release(xs, bad), 0);
	cr_assert_eq(hvctl_destroy(h, bad), 0);
	xsc_close(xs);
	hvctl_close(h);
}

Test(xs_guest, producer_index_beyond_the_ring_disconnects_only_that_ring)
{
	hostile("index", "2"); /* XENSTORE_ERROR_RINGIDX */
}

Test(xs_guest, oversized_header_disconnects_only_that_ring)
{
	hostile("header", "3"); /* XENSTORE_ERROR_PROTO */
}

Test(xs_guest, response_consumer_past_producer_disconnects_only_that_ring)
{
	hostile("rspcons", "2");
}

/* Outstanding quota (20): with its reply ring full, the daemon reads 20
 * more requests and then waits for the guest to take replies. */
Test(xs_guest, outstanding_quota_stops_reading_until_replies_are_taken)
{
	static const struct harness_check checks[] = {
		{ "xs.params", "0" },
		{ "xs.events", "0" },
		{ "xs.init", "0" },
		{ "xs.read_ok", "1" },
		{ "xs.server_features", "3" }, /* RECONNECTION | ERROR */
		{ "xs.flood_first_batch", "48" },
		{ "xs.flood_read_when_full", "68" }, /* 48 + outstanding */
		{ "xs.flood_replies", "96" },
		{ "xs.flood_bad_replies", "0" },
	};
	struct hvctl *h = dfx_connect();
	struct xsc *xs = xsfx_client();
	uint32_t dom = gsfx_domain(h, xs, "xs-hostile", "flood", "mode=flood", true);
	char *out;

	cr_assert_eq(dfx_wait_end(h, dom, 30000).state, HVCTL_STATE_SHUTDOWN);
	out = dfx_console(dom);
	harness_assert_checks(out, checks, sizeof(checks) / sizeof(checks[0]));
	free(out);
	cr_assert(!strstr(xsfx_log(), "ring protocol error"), "%s", xsfx_log());
	xsc_close(xs);
	hvctl_close(h);
}

/* Without a reachable hypervisor INTRODUCE fails with EIO and records
 * nothing; the daemon keeps serving. */
static void start_nohv(void)
{
	setenv("HOSPES_HV_SOCKET", "/nonexistent/hospes-hv.sock", 1);
	xsfx_start();
}

static void stop_nohv(void)
{
	int code = xsfx_stop();

	unsetenv("HOSPES_HV_SOCKET");
	cr_assert_eq(code, 0, "hospes-stored exited with %d", code);
}

Test(xs_nohv, introduce_fails_with_eio_when_the_hypervisor_is_unreachable,
     .init = start_nohv, .fini = stop_nohv, .timeout = 30)
{
	struct xsc *xs = xsfx_client();
	bool yes = true;
	char *v;

	cr_assert_eq(xsc_introduce(xs, 3, 0x3fff, 5), -EIO);
	cr_assert_eq(xsc_is_introduced(xs, 3, &yes), 0);
	cr_assert(!yes);
	cr_assert(strstr(xsfx_log(), "dom3: hypervisor unreachable at /nonexistent/hospes-hv.sock"),
		  "%s", xsfx_log());
	cr_assert_eq(xsc_read(xs, 0, "/local/domain", &v, NULL), 0);
	free(v);
	xsc_close(xs);
}

/* connection = RECONNECT: the session (its watch) is dropped, the indices
 * restart at 0, and the guest carries on. */
Test(xs_guest, reconnect_resets_the_session_and_the_indices)
{
	static const struct harness_check checks[] = {
		{ "xs.params", "0" },
		{ "xs.events", "0" },
		{ "xs.init", "0" },
		{ "xs.read_ok", "1" },
		{ "xs.server_features", "3" },
		{ "xs.reconnect_watch", "0" },
		{ "xs.reconnect_moved", "1" },
		{ "xs.reconnect_connected", "1" },
		{ "xs.reconnect_indices_zero", "1" },
		{ "xs.reconnect_read", "1" },
		{ "xs.reconnect_name", "again" },
	};
	struct hvctl *h = dfx_connect();
	struct xsc *xs = xsfx_client();
	uint32_t dom = gsfx_domain(h, xs, "xs-hostile", "again", "mode=reconnect", true);
	char want[96], *out;

	cr_assert_eq(dfx_wait_end(h, dom, 30000).state, HVCTL_STATE_SHUTDOWN);
	out = dfx_console(dom);
	harness_assert_checks(out, checks, sizeof(checks) / sizeof(checks[0]));
	free(out);
	snprintf(want, sizeof(want), "dom%u: ring reconnected: 1 watches", dom);
	cr_assert(strstr(xsfx_log(), want), "no '%s' in\n%s", want, xsfx_log());
	xsc_close(xs);
	hvctl_close(h);
}

/* The store port is taken over by a later endpoint: INTRODUCE works again
 * after RELEASE, and with a restarted hospes-stored, which then answers
 * the request the guest left on its ring. */
Test(xs_guest, introduce_again_after_release_and_after_a_daemon_restart)
{
	struct hvctl *h = dfx_connect();
	struct xsc *xs = xsfx_client();
	char line[96];
	uint32_t dom = gsfx_domain(h, xs, "nido", "theta", "script=xs-read domid", false);

	cr_assert_eq(xsc_release(xs, dom), 0);
	gsfx_home(xs, dom, "theta");
	gsfx_introduce(h, xs, dom);
	/* The daemon dies; the guest starts and leaves its first request on
	 * the ring, unanswered. */
	xsc_close(xs);
	cr_assert_eq(xsfx_stop(), 0);
	cr_assert_eq(hvctl_start(h, dom), 0);
	usleep(300000);
	cr_assert_eq(console_count(dom, "nido: xenstore name="), 0, "answered without a daemon?");
	/* A new daemon (empty tree) takes over from the stale endpoint. */
	xsfx_start();
	xs = xsfx_client();
	gsfx_home(xs, dom, "theta");
	gsfx_introduce(h, xs, dom);
	snprintf(line, sizeof(line), "nido: xenstore name=theta domid=%u\n", dom);
	expect_console(dom, line);
	snprintf(line, sizeof(line), "xs-read domid = \"%u\"\n", dom);
	expect_console(dom, line);
	cr_assert_eq(dfx_wait_end(h, dom, 20000).state, HVCTL_STATE_SHUTDOWN);
	xsc_close(xs);
	hvctl_close(h);
}

/* Indices are free-running: a ring found just below 2^32 is served through
 * the wrap. */
Test(xs_guest, indices_wrap_through_2_to_the_32)
{
	static const struct harness_check checks[] = {
		{ "xs.params", "0" },   { "xs.events", "0" },	    { "xs.init", "0" },
		{ "xs.wrap_reads", "100" }, { "xs.wrap_wrapped", "1" }, { "xs.wrap_error", "0" },
	};
	struct hvctl *h = dfx_connect();
	struct xsc *xs = xsfx_client();
	uint32_t dom;
	int r;
	char *out;
	struct hvctl_domain_config c = { .kernel = harness_path("guests/xs-hostile.elf"),
					 .mem = 64ull << 20, .cmdline = "mode=wrap",
					 .xenstore = true, .start = true };

	r = hvctl_create(h, &c, &dom);
	cr_assert_eq(r, 0, "create: %s", hvctl_strerror(r));
	expect_console(dom, "WRAP READY\n");
	gsfx_home(xs, dom, "wrap");
	gsfx_introduce(h, xs, dom);
	cr_assert_eq(dfx_wait_end(h, dom, 30000).state, HVCTL_STATE_SHUTDOWN);
	out = dfx_console(dom);
	harness_assert_checks(out, checks, sizeof(checks) / sizeof(checks[0]));
	free(out);
	xsc_close(xs);
	hvctl_close(h);
}
