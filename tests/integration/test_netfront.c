/* test_netfront.c: nido's side of the network (frontends/net, nido's net-*
 * commands; SPEC.md §19.2) against hospes-netback, in a network namespace
 * the test creates (hsp<pid>, removed by the suite's fini, also after a
 * failure): the guest pings the host (its own ARP request first), a
 * host on another subnet is refused, net-info's counters, net-udp-send's
 * datagrams counted and checked by a socket in the namespace, the network
 * served while the shell sleeps, and the guest's reconnection after
 * netback was SIGKILLed and restarted during that sleep. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest_store_fixture.h"
#include "harness.h"
#include "hvctl.h"
#include "net_fixture.h"
#include "xsclient.h"

#define MEM (64ull << 20)

static void netback_start(void)
{
	nfx_netback_start(dfx_socket(), xsfx_socket(), 0);
}

static void setup(void)
{
	harness_require_kvm();
	nfx_dir_create("nf");
	gsfx_start("nf");
	nfx_ns_create();
	netback_start();
}

static void teardown(void)
{
	int code = nfx_netback_stop();

	cr_expect_eq(code, 0, "hospes-netback exited %d", code);
	gsfx_stop();
	nfx_ns_remove();
	nfx_dir_remove();
}

TestSuite(netfront, .init = setup, .fini = teardown, .timeout = 240);

/* A nido with vif 0 whose TAP is up with host address net.1/24 (set
 * before the guest starts); started. */
static uint32_t boot(struct hvctl *h, unsigned net, const char *script)
{
	/* The frontend's mac in capitals: the guest reads that one (and
	 * prints it in lower case). */
	uint32_t domid =
	    nfx_domain(h, "nido", MEM, script, "00:16:3e:4e:46:01", "00:16:3e:4E:46:01", NULL);

	nfx_wait_tap(domid);
	cr_assert_eq(
	    nfx_sh("ip netns exec %s ip addr add 10.201.%u.1/24 dev vif%u.0", nfx_ns(), net, domid),
	    0);
	cr_assert_eq(hvctl_start(h, domid), 0);
	return domid;
}

static void expect_console(uint32_t dom, const char *text, int ms)
{
	char *c, *l;

	if (dfx_console_wait(dom, text, ms))
		return;
	c = dfx_console(dom);
	l = nfx_netback_log();
	cr_assert_fail("dom%u never printed '%s':\n%s\nnetback:\n%s", dom, text, c, l);
}

/* The counter once it reached min (the stats file is written
 * periodically), or its last value after 5 s. */
static long long stat_at_least(uint32_t dom, const char *key, long long min)
{
	long long v = nfx_stat(dom, 0, key);

	for (int i = 0; i < 250 && v < min; i++) {
		usleep(20000);
		v = nfx_stat(dom, 0, key);
	}
	return v;
}

/* ---- tests ------------------------------------------------------------- */

/* The guest resolves and pings the host; an absent neighbour gets no
 * reply, an address off the subnet is refused; net-info's line. */
Test(netfront, guest_pings_host)
{
	struct hvctl *h = dfx_connect();
	uint32_t dom = boot(h, 5,
			    "script=net-info; net-up 10.201.5.2/24; net-ping 10.201.5.1 3; "
			    "net-ping 10.201.5.77 1; net-ping 10.9.9.9 1; net-info; poweroff");

	expect_console(dom, "nido: shutting down", 60000);
	expect_console(dom, "net: error not up", 0);
	expect_console(dom, "net: vif0 up mac 00:16:3e:4e:46:01 ip 10.201.5.2/24", 0);
	expect_console(dom, "net-ping 10.201.5.1: 3/3 replies", 0);
	expect_console(dom, "net-ping 10.201.5.77: 0/1 replies", 0);
	expect_console(dom, "net: error no route to 10.9.9.9", 0);
	expect_console(dom, "net: vif0 mac 00:16:3e:4e:46:01 ip 10.201.5.2/24 state connected tx ",
		       0);
	expect_console(dom, " dropped 0", 0);
	/* The ARP request, three echo requests, the one to .77's ARP. */
	cr_assert_geq(stat_at_least(dom, "tx_packets", 5), 5, "%s", nfx_netback_log());
	cr_assert_geq(stat_at_least(dom, "rx_packets", 4), 4);
	cr_assert_eq(nfx_stat(dom, 0, "tx_errors"), 0);
	hvctl_destroy(h, dom);
	hvctl_close(h);
}

/* The namespace's UDP RcvbufErrors (datagrams a full socket buffer
 * dropped), from the calling process's view of /proc/net/snmp. */
static unsigned long udp_rcvbuf_errors(void)
{
	char head[1024], vals[1024], *hs, *vs, *h, *v;
	unsigned long n = 0;
	FILE *f = fopen("/proc/self/net/snmp", "r");

	while (f && fgets(head, sizeof(head), f) && fgets(vals, sizeof(vals), f)) {
		if (strncmp(head, "Udp: ", 5))
			continue;
		h = strtok_r(head, " \n", &hs);
		v = strtok_r(vals, " \n", &vs);
		while ((h = strtok_r(NULL, " \n", &hs)) && (v = strtok_r(NULL, " \n", &vs)))
			if (!strcmp(h, "RcvbufErrors"))
				n = strtoul(v, NULL, 10);
		break;
	}
	if (f)
		fclose(f);
	return n;
}

/* In a child entered into the namespace: counts datagrams to port 9000
 * for up to secs seconds of silence; writes "<n1000> <n1472> <n0> <bad>
 * <rcvbuf_errors>" to fd. Each datagram must be filled with one byte
 * value. The socket buffer is forced large (the test runs as root): the
 * sink may be descheduled while the guest sends, and a full buffer
 * would drop datagrams the network delivered. */
static pid_t udp_sink(int fd_ready, int fd_out, int secs)
{
	pid_t c = fork();

	cr_assert_geq(c, 0);
	if (c == 0) {
		struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(9000)};
		struct timeval tv = {.tv_sec = secs};
		int rcv = 8 << 20, s, nsfd;
		unsigned n1000 = 0, n1472 = 0, n0 = 0, bad = 0;
		static uint8_t buf[2048];
		char path[64], line[96];

		snprintf(path, sizeof(path), "/var/run/netns/%s", nfx_ns());
		nsfd = open(path, O_RDONLY);
		if (nsfd < 0 || setns(nsfd, CLONE_NEWNET) < 0)
			_exit(100);
		s = socket(AF_INET, SOCK_DGRAM, 0);
		inet_pton(AF_INET, "10.201.6.1", &a.sin_addr);
		if (setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) < 0)
			setsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
		setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		/* The address appears when the test configures the TAP. */
		while (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0)
			usleep(20000);
		if (write(fd_ready, "r", 1) != 1)
			_exit(101);
		for (;;) {
			ssize_t r = recv(s, buf, sizeof(buf), 0);

			if (r < 0)
				break;
			for (ssize_t i = 1; i < r; i++)
				bad += buf[i] != buf[0];
			if (r == 1000)
				n1000++;
			else if (r == 1472)
				n1472++;
			else if (r == 0)
				n0++;
			else
				bad++;
		}
		snprintf(line, sizeof(line), "%u %u %u %u %lu", n1000, n1472, n0, bad,
			 udp_rcvbuf_errors());
		_exit(write(fd_out, line, strlen(line)) > 0 ? 0 : 102);
	}
	return c;
}

/* net-udp-send: every datagram reaches a socket in the namespace, whole,
 * including many more than the guest has transmit pages. */
Test(netfront, udp_send_reaches_the_host)
{
	struct hvctl *h = dfx_connect();
	int ready[2], out[2], st;
	unsigned n1000 = 0, n1472 = 0, n0 = 0, bad = 1;
	char line[96] = "", c;
	uint32_t dom;
	pid_t sink;
	ssize_t r;

	cr_assert_eq(pipe(ready), 0);
	cr_assert_eq(pipe(out), 0);
	sink = udp_sink(ready[1], out[1], 20);
	dom =
	    boot(h, 6,
		 "script=net-up 10.201.6.2/24; sleep 3000; net-udp-send 10.201.6.1 9000 1000 300; "
		 "net-udp-send 10.201.6.1 9000 1472 1; net-udp-send 10.201.6.1 9000 0 1; "
		 "net-info; poweroff");
	cr_assert_eq(read(ready[0], &c, 1), 1, "the UDP sink did not start");
	expect_console(dom, "nido: shutting down", 120000);
	/* each count is reported once netback answered every datagram */
	expect_console(dom, "net-udp-send: sent 300 errors 0", 0);
	expect_console(dom, "net-udp-send: sent 1 errors 0", 0);
	cr_assert_eq(waitpid(sink, &st, 0), sink);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "sink status %d", st);
	r = read(out[0], line, sizeof(line) - 1);
	cr_assert_gt(r, 0);
	line[r] = 0;
	cr_assert_eq(sscanf(line, "%u %u %u %u", &n1000, &n1472, &n0, &bad), 4);
	/* line: the counts, then the namespace's UDP RcvbufErrors */
	cr_assert_eq(bad, 0, "datagrams not as sent: %s", line);
	cr_assert_eq(n1000, 300, "%s\nnetback:\n%s", line, nfx_netback_log());
	cr_assert_eq(n1472, 1, "%s\nnetback:\n%s", line, nfx_netback_log());
	cr_assert_eq(n0, 1, "%s\nnetback:\n%s", line, nfx_netback_log());
	cr_assert_geq(stat_at_least(dom, "tx_packets", 303), 303);
	cr_assert_eq(nfx_stat(dom, 0, "tx_errors"), 0);
	for (int i = 0; i < 2; i++) {
		close(ready[i]);
		close(out[i]);
	}
	hvctl_destroy(h, dom);
	hvctl_close(h);
}

static int ping(const char *addr, int count)
{
	return nfx_sh("ip netns exec %s ping -q -n -c %d -W 2 %s >/dev/null 2>&1", nfx_ns(), count,
		      addr);
}

/* The network is served during `sleep`; netback SIGKILLed and restarted
 * meanwhile: the sleeping guest reconnects, answers again and, awake,
 * pings the host itself. */
Test(netfront, served_while_asleep_and_reconnected)
{
	struct hvctl *h = dfx_connect();
	uint32_t dom = boot(h, 7,
			    "script=net-up 10.201.7.2/24; sleep 40000; net-ping 10.201.7.1 2; "
			    "net-info; poweroff");
	int ok = 0;

	expect_console(dom, "net: vif0 up", 30000);
	cr_assert_eq(ping("10.201.7.2", 3), 0, "no reply while asleep\n%s\n%s", dfx_console(dom),
		     nfx_netback_log());
	nfx_netback_kill();
	netback_start();
	for (int i = 0; i < 15 && !ok; i++)
		ok = ping("10.201.7.2", 1) == 0;
	cr_assert(ok, "no reply after the restart\n%s\n%s", dfx_console(dom), nfx_netback_log());
	expect_console(dom, "net-ping 10.201.7.1: 2/2 replies", 90000);
	expect_console(dom, "state connected", 10000);
	hvctl_destroy(h, dom);
	hvctl_close(h);
}
