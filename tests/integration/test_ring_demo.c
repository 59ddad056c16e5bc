/* test_ring_demo.c: two nidos talk over a shared ring in one `hospes-hv
 * daemon`. The server (ring-serve) grants a ring page and offers a port to
 * the client's domain id, which the daemon hands out predictably (the
 * lowest free id); the test reads the printed ref and port from the
 * server's console and passes them on the client's command line
 * (ring-client). Both must report every message verified, the client must
 * unmap cleanly and the server then revoke its grant. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon_fixture.h"
#include "harness.h"

/* The full 100,000 messages: about 6.5 s on a host that emulates guest
 * kernel mode (each message is some tens of guest instructions a side). */
#define MESSAGES 100000

static void start(void)
{
	harness_require_kvm();
	dfx_start("ringdemo");
}

static void stop(void)
{
	dfx_stop();
}

TestSuite(ring_demo, .init = start, .fini = stop, .timeout = 120);

/* Starts the server for peer cid; returns its ref and port. */
static void start_server(struct hvctl *h, uint32_t sid, uint32_t cid, unsigned n, unsigned *ref,
			 unsigned *port)
{
	char cmd[128];
	char *out;
	unsigned slots;

	snprintf(cmd, sizeof(cmd), "peer=%u script=ring-serve %u; poweroff", cid, n);
	cr_assert_eq(dfx_create(h, "nido", 16ull << 20, cmd, true), sid);
	cr_assert(dfx_console_wait(sid, "ring-serve:", 20000), "server:\n%s", dfx_console(sid));
	out = dfx_console(sid);
	cr_assert_eq(sscanf(strstr(out, "ring-serve: ref"), "ring-serve: ref %u port %u slots %u",
			    ref, port, &slots),
		     3, "%s", out);
	cr_assert_eq(slots, 128, "16-byte entries: (4096 - 64) / 16 = 252 -> 128");
	cr_assert_geq(*ref, 8, "refs 0-7 are reserved");
	free(out);
}

static char *wait_poweroff(struct hvctl *h, uint32_t id)
{
	struct hvctl_dominfo i = dfx_wait_end(h, id, 90000);
	char *out = dfx_console(id);

	cr_assert_eq(i.state, HVCTL_STATE_SHUTDOWN, "dom %u state %u:\n%s", id, i.state, out);
	cr_assert_eq(i.shutdown_reason, 0, "dom %u powered off:\n%s", id, out);
	return out;
}

Test(ring_demo, two_nidos_exchange_and_verify_every_message)
{
	struct hvctl *h = dfx_connect();
	uint32_t sid = dfx_free_id(h, 0), cid = dfx_free_id(h, 1);
	unsigned ref, port;
	char cmd[160], want[96];
	char *out;
	double t0;

	start_server(h, sid, cid, MESSAGES, &ref, &port);
	snprintf(cmd, sizeof(cmd), "script=ring-client %u %u %u %u; poweroff", sid, ref, port,
		 MESSAGES);
	t0 = dfx_now_ms();
	cr_assert_eq(dfx_create(h, "nido", 16ull << 20, cmd, true), cid);
	out = wait_poweroff(h, cid);
	snprintf(want, sizeof(want), "ring-client: %u of %u responses verified", MESSAGES, MESSAGES);
	cr_assert_not_null(strstr(out, want), "client:\n%s", out);
	cr_assert_not_null(strstr(out, "ring-client: detach 0"), "client:\n%s", out);
	free(out);
	out = wait_poweroff(h, sid);
	snprintf(want, sizeof(want), "ring-serve: %u requests answered, 0 bad", MESSAGES);
	cr_assert_not_null(strstr(out, want), "server:\n%s", out);
	cr_assert_not_null(strstr(out, "ring-serve: revoke 0"), "server:\n%s", out);
	free(out);
	cr_log_info("%u ring messages in %.0f ms", MESSAGES, dfx_now_ms() - t0);
	cr_assert(dfx_alive());
	hvctl_close(h);
}

Test(ring_demo, a_client_without_the_grant_is_refused)
{
	struct hvctl *h = dfx_connect();
	uint32_t sid = dfx_free_id(h, 0), cid = dfx_free_id(h, 1), other = dfx_free_id(h, 2);
	unsigned ref, port;
	char cmd[160];
	char *out;

	/* Granted to cid, but a third domain tries to map it: the grant
	 * names another domain (GNTST_general_error -> -EINVAL). */
	start_server(h, sid, cid, 1, &ref, &port);
	cr_assert_eq(dfx_create(h, "nido", 16ull << 20, "echo placeholder", false), cid);
	snprintf(cmd, sizeof(cmd), "script=ring-client %u %u %u 1; poweroff", sid, ref, port);
	cr_assert_eq(dfx_create(h, "nido", 16ull << 20, cmd, true), other);
	out = wait_poweroff(h, other);
	cr_assert_not_null(strstr(out, "ring-client: attach failed: -22"), "intruder:\n%s", out);
	free(out);
	/* A ref that was never granted. */
	cr_assert_eq(hvctl_destroy(h, other), 0);
	snprintf(cmd, sizeof(cmd), "script=ring-client %u %u %u 1; poweroff", sid, ref + 100, port);
	/* any id but the server's and the grantee's: the destroyed one may
	 * not be free again yet */
	other = dfx_create(h, "nido", 16ull << 20, cmd, true);
	cr_assert(other != sid && other != cid && other != 0);
	out = wait_poweroff(h, other);
	cr_assert_not_null(strstr(out, "ring-client: attach failed: -22"), "bad ref:\n%s", out);
	free(out);
	cr_assert_eq(hvctl_destroy(h, sid), 0);
	cr_assert_eq(hvctl_destroy(h, cid), 0);
	cr_assert(dfx_alive());
	hvctl_close(h);
}
