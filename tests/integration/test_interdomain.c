/* test_interdomain.c: interdomain event channels between two real guests
 * in one `hospes-hv daemon`: the evtchn-pair server offers ports to the
 * client, the client binds and the two exchange ROUNDS events ping-pong;
 * both counts must be exact and both must power off. The failure cases
 * of binding (a port offered to another domain, a withdrawn offer, never
 * allocated, port 0, no such domain, twice) and the client's end turning
 * unbound when the server closes its own are CHECK lines of the guests. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon_fixture.h"
#include "harness.h"

/* 2 events per round; about 2.5 s for 10000 rounds on an emulating host. */
#define ROUNDS 10000

static void start(void)
{
	dfx_start("interdomain");
}

static void stop(void)
{
	dfx_stop();
}

TestSuite(interdomain, .init = start, .fini = stop, .timeout = 120);

static const struct harness_check server_rows[] = {
	{ "pair.server_alloc", "0" },
	{ "pair.server_alloc_bye", "0" },
	{ "pair.server_alloc_other", "0" },
	{ "pair.server_alloc_closed", "0" },
	{ "pair.server_close_offer", "0" },
	{ "pair.server_status_unbound", "1" },   /* EVTCHNSTAT_unbound */
	{ "pair.server_unbound_for_peer", "1" },
	{ "pair.server_status_bound", "2" },     /* EVTCHNSTAT_interdomain */
	{ "pair.server_bound_to_peer", "1" },
	{ "pair.server_close", "0" },
	{ "pair.server_send_bye", "0" },
	{ "pair.server_send_closed", "-22" },
};

static const struct harness_check client_rows[] = {
	{ "pair.bind_offered_to_other", "-22" }, /* EINVAL: offered to the server itself */
	{ "pair.bind_closed_offer", "-22" },
	{ "pair.bind_never_allocated", "-22" },
	{ "pair.bind_port0", "-22" },
	{ "pair.bind_no_such_domain", "-3" },    /* ESRCH */
	{ "pair.bind", "0" },
	{ "pair.bind_twice", "-22" },
	{ "pair.bind_bye", "0" },
	{ "pair.bind_initial_event", "1" },
	{ "pair.status_bound", "2" },
	{ "pair.bound_to_server", "1" },
	{ "pair.first_send", "0" },
	{ "pair.status_after_peer_close", "1" }, /* unbound, waiting for the server again */
	{ "pair.unbound_for_server", "1" },
	{ "pair.send_unbound", "0" },            /* dropped silently, as on Xen */
	{ "pair.close", "0" },
	{ "pair.status_closed", "0" },
	{ "pair.close_twice", "-22" },
};

/* Starts the server for client id cid and returns the client's port
 * arguments ("port=.. bye=.. other=.. closed=..") from its console. */
static void start_server(struct hvctl *h, uint32_t sid, uint32_t cid, unsigned rounds,
			 char *ports, size_t len)
{
	char cmd[96], val[64];
	unsigned p, b, o, c;
	char *out;

	snprintf(cmd, sizeof(cmd), "role=server peer=%u n=%u", cid, rounds);
	cr_assert_eq(dfx_create(h, "evtchn-pair", 16ull << 20, cmd, true), sid,
		     "the daemon hands out the lowest free id");
	cr_assert(dfx_console_wait(sid, "PAIR PORTS", 20000), "no ports:\n%s", dfx_console(sid));
	out = dfx_console(sid);
	cr_assert_not_null(harness_value(out, "PAIR PORTS", val, sizeof(val)));
	cr_assert_eq(sscanf(strstr(out, "PAIR PORTS"), "PAIR PORTS %u %u %u %u", &p, &b, &o, &c),
		     4, "%s", out);
	snprintf(ports, len, "port=%u bye=%u other=%u closed=%u", p, b, o, c);
	free(out);
}

static void assert_pair_done(struct hvctl *h, uint32_t id, const struct harness_check *rows,
			     size_t n, unsigned rounds)
{
	struct hvctl_dominfo i = dfx_wait_end(h, id, 60000);
	char *out = dfx_console(id), want[32], got[32];

	cr_assert_eq(i.state, HVCTL_STATE_SHUTDOWN, "dom %u state %u:\n%s", id, i.state, out);
	cr_assert_eq(i.shutdown_reason, 0, "poweroff");
	harness_assert_checks(out, rows, n);
	snprintf(want, sizeof(want), "%u", rounds);
	cr_assert_not_null(harness_value(out, "PAIR COUNT", got, sizeof(got)), "%s", out);
	cr_assert_str_eq(got, want, "dom %u counted %s events, want %s", id, got, want);
	free(out);
}

Test(interdomain, two_guests_exchange_events_exactly)
{
	struct hvctl *h = dfx_connect();
	uint32_t sid = dfx_free_id(h, 0), cid = dfx_free_id(h, 1);
	char ports[96], cmd[192];
	double t0;

	start_server(h, sid, cid, ROUNDS, ports, sizeof(ports));
	snprintf(cmd, sizeof(cmd), "role=client peer=%u n=%u %s", sid, ROUNDS, ports);
	t0 = dfx_now_ms();
	cr_assert_eq(dfx_create(h, "evtchn-pair", 16ull << 20, cmd, true), cid);
	assert_pair_done(h, cid, client_rows, sizeof(client_rows) / sizeof(client_rows[0]), ROUNDS);
	assert_pair_done(h, sid, server_rows, sizeof(server_rows) / sizeof(server_rows[0]), ROUNDS);
	cr_log_info("%u interdomain round trips in %.0f ms", ROUNDS, dfx_now_ms() - t0);
	cr_assert_eq(hvctl_destroy(h, sid), 0);
	cr_assert_eq(hvctl_destroy(h, cid), 0);
	cr_assert(dfx_alive());
	hvctl_close(h);
}
