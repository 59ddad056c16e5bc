/* test_netback.c: hospes-netback with nido's netfront (SPEC.md §19), in a
 * network namespace the test creates (hsp<pid>; removed by every suite's
 * fini, also after a failure): netback runs inside it with `ip netns
 * exec`, its TAP vif<domid>.0 gets 10.201.X.1/24, the guest 10.201.X.2.
 * Device discovery and keys, TAP creation and removal, ping, UDP echo of
 * several sizes from a socket inside the namespace, the stats file, the
 * recovery after netback was SIGKILLed while the guest served, refused
 * devices, and a hostile frontend (net-hostile). */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest_store_fixture.h"
#include "harness.h"
#include "hvctl.h"
#include "net_fixture.h"
#include "xsclient.h"

#define MEM (64ull << 20)

static char hv_socket[128];
static bool guests; /* hospes-hv running (netback suite) */
static struct xsc *store_conn;

/* The test's one connection to hospes-stored (closed by teardown). */
static struct xsc *store(void)
{
	if (!store_conn)
		store_conn = xsfx_client();
	return store_conn;
}

static void netback_start(void)
{
	nfx_netback_start(hv_socket, xsfx_socket(), 1);
}

static void setup_ns(void)
{
	nfx_dir_create("net");
	if (guests) {
		gsfx_start("nb");
		snprintf(hv_socket, sizeof(hv_socket), "%s", dfx_socket());
	} else {
		/* No hypervisor: connecting fails, discovery works. */
		xsfx_start();
		snprintf(hv_socket, sizeof(hv_socket), "%s/no-hv.sock", nfx_dir());
	}
	nfx_ns_create();
	netback_start();
}

static void teardown(void)
{
	int code = nfx_netback_stop();

	cr_expect_eq(code, 0, "hospes-netback exited %d:\n%s", code, nfx_netback_log());
	if (store_conn)
		xsc_close(store_conn);
	store_conn = NULL;
	if (guests)
		gsfx_stop();
	else
		xsfx_stop();
	nfx_ns_remove();
	nfx_dir_remove();
}

/* Guests: KVM required (fails loudly without it). */
static void setup(void)
{
	harness_require_kvm();
	guests = true;
	setup_ns();
}

TestSuite(netback, .init = setup, .fini = teardown, .timeout = 240);
/* Devices without a running guest: the backend's side of discovery. */
TestSuite(netback_dev, .init = setup_ns, .fini = teardown, .timeout = 120);

/* ---- the toolstack's part: vif directories ---------------------------- */

static void add_vif(struct xsc *xs, uint32_t domid, unsigned devid, const char *bridge)
{
	nfx_add_vif(xs, domid, devid, nfx_mac(domid), NULL, bridge);
}

static uint32_t domain(struct hvctl *h, const char *cmdline, const char *bridge)
{
	return nfx_domain(h, "nido", MEM, cmdline, NULL, NULL, bridge);
}

static char *be_read(uint32_t domid, const char *key)
{
	char p[160], *v = NULL;
	size_t len;

	snprintf(p, sizeof(p), "/local/domain/0/backend/vif/%u/0/%s", domid, key);
	if (xsc_read(store(), 0, p, &v, &len) < 0)
		return NULL;
	return v;
}

static bool be_has(uint32_t domid, const char *key)
{
	char *v = be_read(domid, key);

	free(v);
	return v != NULL;
}

static void wait_be(uint32_t domid, const char *key, const char *want)
{
	for (int i = 0; i < 500; i++) {
		char *v = be_read(domid, key);
		int ok = v && !strcmp(v, want);

		free(v);
		if (ok)
			return;
		usleep(20000);
	}
	cr_assert_fail("backend key %s never became %s\n%s", key, want, nfx_netback_log());
}

static void expect_console(uint32_t dom, const char *text, int ms)
{
	cr_assert(dfx_console_wait(dom, text, ms), "dom%u never printed '%s':\n%s\nnetback:\n%s",
		  dom, text, dfx_console(dom), nfx_netback_log());
}

/* ---- traffic from inside the namespace -------------------------------- */

/* ping from the namespace: 0 if any of count echo requests was answered. */
static int ping(const char *addr, int count)
{
	return nfx_sh("ip netns exec %s ping -q -n -c %d -W 2 %s >/dev/null 2>&1", nfx_ns(), count,
		      addr);
}

/* Pings until one round works (a reconnecting guest), up to tries. */
static int ping_until(const char *addr, int tries)
{
	for (int i = 0; i < tries; i++)
		if (ping(addr, 1) == 0)
			return 0;
	return -1;
}

/* In a child entered into the namespace: UDP datagrams of each size to
 * addr port 7, each answered with the same bytes (3 tries of 2 s). The
 * child's exit code: 0, or the index + 1 of the size that failed. */
static int udp_echo(const char *addr, const unsigned *sizes, unsigned n)
{
	char nspath[64];
	int st;
	pid_t c = fork();

	cr_assert_geq(c, 0);
	if (c == 0) {
		struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(7)};
		struct timeval tv = {.tv_sec = 2};
		static uint8_t out[1472], in[2048];
		int fd, s;

		snprintf(nspath, sizeof(nspath), "/var/run/netns/%s", nfx_ns());
		fd = open(nspath, O_RDONLY);
		if (fd < 0 || setns(fd, CLONE_NEWNET) < 0)
			_exit(100);
		s = socket(AF_INET, SOCK_DGRAM, 0);
		inet_pton(AF_INET, addr, &to.sin_addr);
		setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		for (unsigned i = 0; i < n; i++) {
			int ok = 0;

			for (unsigned b = 0; b < sizes[i]; b++)
				out[b] = (uint8_t)(b * 7 + i + 1);
			for (int t = 0; t < 3 && !ok; t++) {
				ssize_t r;

				if (sendto(s, out, sizes[i], 0, (struct sockaddr *)&to, sizeof(to)) !=
				    (ssize_t)sizes[i])
					continue;
				r = recv(s, in, sizeof(in), 0);
				ok = r == (ssize_t)sizes[i] && !memcmp(in, out, sizes[i]);
			}
			if (!ok)
				_exit((int)i + 1);
		}
		_exit(0);
	}
	cr_assert_eq(waitpid(c, &st, 0), c);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 200;
}

/* The whole reply of the control socket to cmd (malloc'd). */
static char *ctl(const char *cmd)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	size_t n = 0, cap = 65536;
	char *buf = calloc(1, cap);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	cr_assert_not_null(buf);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", nfx_ctl_socket());
	cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0, "control socket: %s",
		     strerror(errno));
	cr_assert_eq(write(fd, cmd, strlen(cmd)), (ssize_t)strlen(cmd));
	/* Up to the "ok"/"err" line. */
	while (n < cap - 1) {
		ssize_t r = read(fd, buf + n, cap - 1 - n);
		char *last;

		if (r <= 0)
			break;
		n += (size_t)r;
		buf[n] = 0;
		if (n && buf[n - 1] == '\n') {
			buf[n - 1] = 0;
			last = strrchr(buf, '\n');
			buf[n - 1] = '\n';
			last = last ? last + 1 : buf;
			if (!strncmp(last, "ok", 2) || !strncmp(last, "err", 3))
				break;
		}
	}
	close(fd);
	return buf;
}

/* ---- tests ------------------------------------------------------------- */

/* A vif directory gets the backend's keys, InitWait and an up TAP; a
 * SIGKILLed daemon leaves the TAP (with its address) and the next one
 * takes the device over; the directory removed, the TAP is deleted. */
Test(netback_dev, discovery_keys_tap_takeover)
{
	const uint32_t dom = 1000;
	char p[96];
	int r;

	add_vif(store(), dom, 0, NULL);
	wait_be(dom, "state", "2");
	wait_be(dom, "feature-rx-copy", "1");
	wait_be(dom, "feature-rx-flip", "0");
	wait_be(dom, "feature-sg", "1");
	nfx_wait_tap(dom);
	for (int i = 0; i < 50 && nfx_stat(dom, 0, "connected") < 0; i++)
		usleep(20000);
	cr_assert_eq(nfx_stat(dom, 0, "connected"), 0);
	{
		char *st = ctl("status\n"), *dv = ctl("devices\n");

		cr_assert(strstr(st, "ok name=hospes-netback version=1 devices=1"), "%s", st);
		cr_assert(strstr(dv, "dev domid=1000 devid=0 state=2 connected=0"), "%s", dv);
		cr_assert(strstr(dv, "ifname=vif1000.0 tx_packets=0"), "%s", dv);
		free(st);
		free(dv);
	}
	cr_assert_eq(
	    nfx_sh("ip netns exec %s ip addr add 10.201.9.1/24 dev vif%u.0", nfx_ns(), dom), 0);
	nfx_netback_kill();
	cr_assert(nfx_tap_up(dom), "the TAP went away with the daemon");
	/* Its state is written again by the next daemon. */
	snprintf(p, sizeof(p), "/local/domain/0/backend/vif/%u/0/state", dom);
	cr_assert_eq(xsc_write_str(store(), 0, p, "1"), 0);
	netback_start();
	wait_be(dom, "state", "2");
	cr_assert_eq(nfx_sh("ip netns exec %s ip -o addr show dev vif%u.0 | grep -q 10.201.9.1/24",
			    nfx_ns(), dom),
		     0, "the TAP lost its address");
	cr_assert_eq(nfx_netback_log_count("vif0.0") +
			 nfx_netback_log_count("vif1000.0 mac 00:16:3e:00:03:e8"),
		     2, "%s", nfx_netback_log());
	snprintf(p, sizeof(p), "/local/domain/0/backend/vif/%u/0", dom);
	r = xsc_rm(store(), 0, p);
	cr_assert_eq(r, 0, "rm: %s", xsc_strerror(r));
	for (int i = 0; i < 250 && nfx_sh("ip netns exec %s ip link show vif%u.0 >/dev/null 2>&1",
					  nfx_ns(), dom) == 0;
	     i++)
		usleep(20000);
	cr_assert_neq(
	    nfx_sh("ip netns exec %s ip link show vif%u.0 >/dev/null 2>&1", nfx_ns(), dom), 0,
	    "vif%u.0 still there after its directory was removed:\n%s", dom, nfx_netback_log());
}

/* A frontend that says Connected without usable ring keys, and one whose
 * keys are fine but whose domain hospes-hv does not know: each device is
 * dropped (error key, Closed), the daemon goes on serving. */
Test(netback_dev, bad_frontends_dropped)
{
	struct xsc *xs = store();
	char p[128];

	add_vif(xs, 1001, 0, NULL);
	add_vif(xs, 1002, 0, NULL);
	wait_be(1001, "state", "2");
	wait_be(1002, "state", "2");
	snprintf(p, sizeof(p), "/local/domain/1001/device/vif/0/tx-ring-ref");
	cr_assert_eq(xsc_write_str(xs, 0, p, "8x"), 0);
	snprintf(p, sizeof(p), "/local/domain/1001/device/vif/0/state");
	cr_assert_eq(xsc_write_str(xs, 0, p, "4"), 0);
	wait_be(1001, "state", "6");
	cr_assert(be_has(1001, "error"), "no error key");
	cr_assert_eq(nfx_netback_log_count("missing or bad tx-ring-ref"), 1, "%s",
		     nfx_netback_log());
	cr_assert_eq(xsc_write_str(xs, 0, "/local/domain/1002/device/vif/0/tx-ring-ref", "8"), 0);
	cr_assert_eq(xsc_write_str(xs, 0, "/local/domain/1002/device/vif/0/rx-ring-ref", "9"), 0);
	cr_assert_eq(xsc_write_str(xs, 0, "/local/domain/1002/device/vif/0/event-channel", "5"), 0);
	cr_assert_eq(xsc_write_str(xs, 0, "/local/domain/1002/device/vif/0/request-rx-copy", "1"),
		     0);
	cr_assert_eq(xsc_write_str(xs, 0, "/local/domain/1002/device/vif/0/state", "3"), 0);
	wait_be(1002, "state", "6");
	cr_assert(be_has(1002, "error"), "no error key");
	/* Still serving: a new device gets its TAP. */
	add_vif(xs, 1003, 0, NULL);
	wait_be(1003, "state", "2");
	nfx_wait_tap(1003);
}

/* A mac that is not one: the device is refused (Closed, error key) and
 * gets no TAP. No domain needed: the backend looks at its directory. */
Test(netback_dev, bad_mac_refused)
{
	const char *b = "/local/domain/0/backend/vif/1000/1";
	struct xsc *xs = store();
	char p[128], *v = NULL;
	uint32_t tx;
	size_t len;

	cr_assert_eq(xsc_transaction_start(xs, &tx), 0);
	snprintf(p, sizeof(p), "%s/mac", b);
	cr_assert_eq(xsc_write_str(xs, tx, p, "00:16:3e:zz:00:01"), 0);
	snprintf(p, sizeof(p), "%s/frontend", b);
	cr_assert_eq(xsc_write_str(xs, tx, p, "/local/domain/1000/device/vif/1"), 0);
	snprintf(p, sizeof(p), "%s/frontend-id", b);
	cr_assert_eq(xsc_write_str(xs, tx, p, "1000"), 0);
	cr_assert_eq(xsc_transaction_end(xs, tx, true), 0);
	snprintf(p, sizeof(p), "%s/state", b);
	for (int i = 0; i < 250; i++) {
		int ok = xsc_read(xs, 0, p, &v, &len) == 0 && !strcmp(v, "6");

		free(v);
		v = NULL;
		if (ok)
			break;
		usleep(20000);
	}
	cr_assert_eq(xsc_read(xs, 0, p, &v, &len), 0);
	cr_assert_str_eq(v, "6", "state %s\n%s", v, nfx_netback_log());
	free(v);
	snprintf(p, sizeof(p), "%s/error", b);
	cr_assert_eq(xsc_read(xs, 0, p, &v, &len), 0, "no error key");
	free(v);
	cr_assert_neq(nfx_sh("ip netns exec %s ip link show vif1000.1 >/dev/null 2>&1", nfx_ns()),
		      0);
	cr_assert_eq(nfx_netback_log_count("bad mac"), 1, "%s", nfx_netback_log());
	xsc_rm(xs, 0, "/local/domain/0/backend/vif/1000");
}

/* The guest serves; the namespace pings it and echoes UDP of several
 * sizes through it; the counters add up. */
Test(netback, ping_udp_echo_stats)
{
	static const unsigned sizes[] = {1, 18, 100, 512, 1000, 1400, 1472};
	struct hvctl *h = dfx_connect();
	uint32_t dom = domain(h, "script=net-up 10.201.1.2/24; net-serve 40; net-info; poweroff",
			      NULL);
	int r;

	nfx_wait_tap(dom);
	cr_assert_eq(
	    nfx_sh("ip netns exec %s ip addr add 10.201.1.1/24 dev vif%u.0", nfx_ns(), dom), 0);
	cr_assert_eq(hvctl_start(h, dom), 0);
	expect_console(dom, "net: vif0 up mac 00:16:3e:00:", 30000);
	cr_assert_eq(ping("10.201.1.2", 3), 0, "no ping reply\nconsole:\n%s\nnetback:\n%s",
		     dfx_console(dom), nfx_netback_log());
	r = udp_echo("10.201.1.2", sizes, sizeof(sizes) / sizeof(sizes[0]));
	cr_assert_eq(r, 0, "UDP echo failed (size index %d)\nconsole:\n%s\nnetback:\n%s", r - 1,
		     dfx_console(dom), nfx_netback_log());
	/* Counters: at least the echo replies and datagrams both ways. The
	 * file is rewritten at most every 100 ms: poll until all are there
	 * (4503 bytes: the sizes' sum). */
	for (int i = 0; i < 250 && (nfx_stat(dom, 0, "tx_packets") < 1 + 7 ||
				    nfx_stat(dom, 0, "rx_packets") < 1 + 7 ||
				    nfx_stat(dom, 0, "tx_bytes") < 4503 ||
				    nfx_stat(dom, 0, "rx_bytes") < 4503);
	     i++)
		usleep(20000);
	cr_assert_geq(nfx_stat(dom, 0, "tx_packets"), 1 + 7, "%s", nfx_netback_log());
	cr_assert_geq(nfx_stat(dom, 0, "rx_packets"), 1 + 7);
	cr_assert_geq(nfx_stat(dom, 0, "tx_bytes"), 1 + 18 + 100 + 512 + 1000 + 1400 + 1472);
	cr_assert_geq(nfx_stat(dom, 0, "rx_bytes"), 1 + 18 + 100 + 512 + 1000 + 1400 + 1472);
	cr_assert_eq(nfx_stat(dom, 0, "tx_errors"), 0);
	cr_assert_eq(nfx_stat(dom, 0, "connected"), 1);
	cr_assert_eq(nfx_stat(dom, 0, "connects"), 1);
	hvctl_destroy(h, dom);
	hvctl_close(h);
}

/* netback SIGKILLed while the guest serves: restarted, it takes the vif
 * over (the TAP kept its address), the guest reconnects, ping works. */
Test(netback, restart_while_serving)
{
	struct hvctl *h = dfx_connect();
	uint32_t dom = domain(h, "script=net-up 10.201.2.2/24; net-serve 90; poweroff", NULL);

	nfx_wait_tap(dom);
	cr_assert_eq(
	    nfx_sh("ip netns exec %s ip addr add 10.201.2.1/24 dev vif%u.0", nfx_ns(), dom), 0);
	cr_assert_eq(hvctl_start(h, dom), 0);
	expect_console(dom, "net: vif0 up", 30000);
	cr_assert_eq(ping("10.201.2.2", 3), 0, "no ping reply\n%s", nfx_netback_log());
	nfx_netback_kill();
	cr_assert(nfx_tap_up(dom), "the persistent TAP went away with the daemon");
	netback_start();
	cr_assert_eq(ping_until("10.201.2.2", 20), 0,
		     "no ping reply after the restart\nconsole:\n%s\nnetback:\n%s",
		     dfx_console(dom), nfx_netback_log());
	cr_assert_geq(nfx_netback_log_count("vif 0 connected"), 2, "%s", nfx_netback_log());
	hvctl_destroy(h, dom);
	hvctl_close(h);
}

/* A hostile frontend (net-hostile): every malformed TX packet is answered
 * with an error on each of its slots while the valid ones in the same
 * batch reach the TAP; an RX page under a grant it never gave is answered
 * with an error and the frame goes to the next page; moving req_prod past
 * the ring drops the device (Closed, error key); the daemon lives on. */
Test(netback, hostile_frontend)
{
	static const char *const want[] = {
	    "CHECK tx_ok 0",	    "CHECK short -1",	  "CHECK beyond_page -1",
	    "CHECK foreign_gref -1", "CHECK extra_info -1", "CHECK chain_ok 0",
	    "CHECK chain_bad -1",    "CHECK chain_19 -1",   "CHECK rx_bad -1",
	    "CHECK rx_good 1",
	};
	struct hvctl *h = dfx_connect();
	uint32_t dom = nfx_domain(h, "net-hostile", MEM, "overflow", NULL, NULL, NULL);
	char *con, *v;
	nfx_wait_tap(dom);
	cr_assert_eq(
	    nfx_sh("ip netns exec %s ip addr add 10.201.3.1/24 dev vif%u.0", nfx_ns(), dom), 0);
	cr_assert_eq(hvctl_start(h, dom), 0);
	expect_console(dom, "net-hostile: batch done", 30000);
	expect_console(dom, "net-hostile: rx posted", 10000);
	/* Any frame will do: ARP requests for the guest's would-be address. */
	for (int i = 0; i < 10 && !dfx_console_wait(dom, "net-hostile: rx done", 100); i++)
		ping("10.201.3.2", 1);
	expect_console(dom, "net-hostile: backend state 6 after overflow", 30000);
	con = dfx_console(dom);
	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		cr_assert(strstr(con, want[i]), "no '%s' in:\n%s\nnetback:\n%s", want[i], con,
			  nfx_netback_log());
	/* Each slot answered: 2 of chain_ok, 2 of chain_bad, 19 of chain_19. */
	cr_assert_eq(harness_count(con, "CHECK chain_ok 0"), 2, "%s", con);
	cr_assert_eq(harness_count(con, "CHECK chain_bad -1"), 2, "%s", con);
	cr_assert_eq(harness_count(con, "CHECK chain_19 -1"), 19, "%s", con);
	free(con);
	v = be_read(dom, "error");
	cr_assert(v && strstr(v, "overflow"), "error key: %s", v ? v : "(none)");
	free(v);
	for (int i = 0; i < 50 && nfx_stat(dom, 0, "connected") != 0; i++)
		usleep(20000);
	cr_assert_eq(nfx_stat(dom, 0, "tx_packets"), 2, "%s", nfx_netback_log());
	cr_assert_eq(nfx_stat(dom, 0, "tx_errors"), 6);
	cr_assert_eq(nfx_stat(dom, 0, "rx_errors"), 1);
	cr_assert_eq(nfx_stat(dom, 0, "connected"), 0);
	/* The daemon lives on and still serves its control socket. */
	cr_assert_eq(waitpid(nfx_netback_pid(), NULL, WNOHANG), 0, "netback died:\n%s",
		     nfx_netback_log());
	v = ctl("status\n");
	cr_assert(strstr(v, "ok name=hospes-netback"), "%s", v);
	free(v);
	hvctl_destroy(h, dom);
	hvctl_close(h);
}
