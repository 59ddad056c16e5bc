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
#include <stdarg.h>
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
#include "xsclient.h"

#define MEM (64ull << 20)

static char ns[32], dir[64], logpath[160];
static pid_t nb_pid;

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int r;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	r = system(cmd);
	return WIFEXITED(r) ? WEXITSTATUS(r) : -1;
}

static char *nb_log(void)
{
	return harness_read_file(logpath);
}

static int ready_lines(void)
{
	char *l = nb_log();
	int n = 0;

	for (const char *p = l; p && (p = strstr(p, "netback: ready")); p++)
		n++;
	free(l);
	return n;
}

static void netback_start(void)
{
	int before = ready_lines();

	nb_pid = fork();
	cr_assert_geq(nb_pid, 0);
	if (nb_pid == 0) {
		int fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0600);

		dup2(fd, 2);
		execlp("ip", "ip", "netns", "exec", ns, harness_path("bin/hospes-netback"),
		       "--state-dir", dir, "--hv-socket", dfx_socket(), "--xs-socket",
		       xsfx_socket(), (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 250; i++) {
		if (ready_lines() > before)
			return;
		cr_assert_eq(waitpid(nb_pid, NULL, WNOHANG), 0, "hospes-netback died:\n%s",
			     nb_log());
		usleep(20000);
	}
	cr_assert_fail("hospes-netback did not start:\n%s", nb_log());
}

static void setup(void)
{
	harness_require_kvm();
	snprintf(ns, sizeof(ns), "hsp%d", (int)getpid());
	snprintf(dir, sizeof(dir), "/tmp/hospes-nf-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(logpath, sizeof(logpath), "%s/netback.err", dir);
	gsfx_start("nf");
	cr_assert_eq(sh("ip netns add %s", ns), 0, "cannot create network namespace %s", ns);
	cr_assert_eq(sh("ip netns exec %s ip link set lo up", ns), 0);
	netback_start();
}

static void teardown(void)
{
	int code = nb_pid > 0 ? harness_stop_child(nb_pid, 5000) : 0;

	nb_pid = 0;
	cr_expect_eq(code, 0, "hospes-netback exited %d", code);
	gsfx_stop();
	if (ns[0] && sh("ip netns del %s 2>/dev/null", ns))
		fprintf(stderr, "cannot remove network namespace %s\n", ns);
	ns[0] = 0;
	if (dir[0] && sh("rm -rf %s", dir))
		fprintf(stderr, "cannot remove %s\n", dir);
	dir[0] = 0;
}

TestSuite(netfront, .init = setup, .fini = teardown, .timeout = 240);

/* ---- the toolstack's part: one vif, libxl's layout and permissions ----- */

static void node(struct xsc *xs, uint32_t tx, const char *path, const char *val,
		 const struct xsc_perm *perms)
{
	int r = val ? xsc_write_str(xs, tx, path, val) : xsc_mkdir(xs, tx, path);

	cr_assert_eq(r, 0, "write %s: %s", path, xsc_strerror(r));
	r = xsc_set_perms(xs, tx, path, perms, 2);
	cr_assert_eq(r, 0, "set perms %s: %s", path, xsc_strerror(r));
}

static void add_vif(struct xsc *xs, uint32_t domid)
{
	struct xsc_perm fe[2] = {{domid, XSC_NONE}, {0, XSC_READ}};
	struct xsc_perm be[2] = {{0, XSC_NONE}, {domid, XSC_READ}};
	static const char *const be_keys[][2] = {
	    {"online", "1"}, {"state", "1"}, {"handle", "0"}, {"mac", "00:16:3e:4e:46:01"}};
	static const char *const fe_keys[][2] = {
	    {"backend-id", "0"}, {"state", "1"}, {"handle", "0"}, {"mac", "00:16:3e:4E:46:01"}};
	char f[96], b[96], p[160], v[16];
	uint32_t tx;
	int r;

	snprintf(f, sizeof(f), "/local/domain/%u/device/vif/0", domid);
	snprintf(b, sizeof(b), "/local/domain/0/backend/vif/%u/0", domid);
	snprintf(v, sizeof(v), "%u", domid);
	do {
		cr_assert_eq(xsc_transaction_start(xs, &tx), 0);
		snprintf(p, sizeof(p), "/local/domain/%u/device", domid);
		node(xs, tx, p, NULL, be);
		snprintf(p, sizeof(p), "/local/domain/%u/device/vif", domid);
		node(xs, tx, p, NULL, be);
		node(xs, tx, b, NULL, be);
		snprintf(p, sizeof(p), "%s/frontend", b);
		node(xs, tx, p, f, be);
		snprintf(p, sizeof(p), "%s/frontend-id", b);
		node(xs, tx, p, v, be);
		for (unsigned i = 0; i < 4; i++) {
			snprintf(p, sizeof(p), "%s/%s", b, be_keys[i][0]);
			node(xs, tx, p, be_keys[i][1], be);
		}
		node(xs, tx, f, NULL, fe);
		snprintf(p, sizeof(p), "%s/backend", f);
		node(xs, tx, p, b, fe);
		for (unsigned i = 0; i < 4; i++) {
			snprintf(p, sizeof(p), "%s/%s", f, fe_keys[i][0]);
			node(xs, tx, p, fe_keys[i][1], fe);
		}
		r = xsc_transaction_end(xs, tx, true);
	} while (r == -EAGAIN);
	cr_assert_eq(r, 0, "commit: %s", xsc_strerror(r));
}

/* A nido with vif 0 whose TAP is up with host address net.1/24 (set
 * before the guest starts); started. */
static uint32_t boot(struct hvctl *h, unsigned net, const char *script)
{
	struct hvctl_domain_config c = {.mem = MEM, .cmdline = script, .xenstore = true};
	uint32_t domid;
	int r, up = 0;

	c.kernel = harness_path("guests/nido.elf");
	r = hvctl_create(h, &c, &domid);
	cr_assert_eq(r, 0, "create: %s\n%s", hvctl_strerror(r), dfx_log());
	gsfx_home(xsfx_client(), domid, "nido");
	add_vif(xsfx_client(), domid);
	gsfx_introduce(h, xsfx_client(), domid);
	for (int i = 0; i < 250 && !up; i++) {
		up = sh("ip netns exec %s ip -o link show vif%u.0 2>/dev/null | grep -q "
			"'[<,]UP[,>]'",
			ns, domid) == 0;
		if (!up)
			usleep(20000);
	}
	cr_assert(up, "vif%u.0 not up in %s:\n%s", domid, ns, nb_log());
	cr_assert_eq(sh("ip netns exec %s ip addr add 10.201.%u.1/24 dev vif%u.0", ns, net, domid),
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
	l = nb_log();
	cr_assert_fail("dom%u never printed '%s':\n%s\nnetback:\n%s", dom, text, c, l);
}

static long long stat_of(uint32_t dom, const char *key)
{
	char path[200], *s, *p;
	size_t kl = strlen(key);
	long long v = -1;

	snprintf(path, sizeof(path), "%s/vif-%u-0.stats", dir, dom);
	s = harness_read_file(path);
	for (p = s; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, kl) && p[kl] == ' ') {
			v = strtoll(p + kl + 1, NULL, 10);
			break;
		}
	free(s);
	return v;
}

/* The counter once it reached min (the stats file is written
 * periodically), or its last value after 5 s. */
static long long stat_at_least(uint32_t dom, const char *key, long long min)
{
	long long v = stat_of(dom, key);

	for (int i = 0; i < 250 && v < min; i++) {
		usleep(20000);
		v = stat_of(dom, key);
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
	cr_assert_geq(stat_at_least(dom, "tx_packets", 5), 5, "%s", nb_log());
	cr_assert_geq(stat_at_least(dom, "rx_packets", 4), 4);
	cr_assert_eq(stat_of(dom, "tx_errors"), 0);
	hvctl_destroy(h, dom);
	hvctl_close(h);
}

/* In a child entered into the namespace: counts datagrams to port 9000
 * for up to secs seconds of silence; writes "<n1000> <n1472> <n0> <bad>"
 * to fd. Each datagram must be filled with one byte value. */
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
		char path[64], line[64];

		snprintf(path, sizeof(path), "/var/run/netns/%s", ns);
		nsfd = open(path, O_RDONLY);
		if (nsfd < 0 || setns(nsfd, CLONE_NEWNET) < 0)
			_exit(100);
		s = socket(AF_INET, SOCK_DGRAM, 0);
		inet_pton(AF_INET, "10.201.6.1", &a.sin_addr);
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
		snprintf(line, sizeof(line), "%u %u %u %u", n1000, n1472, n0, bad);
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
	char line[64] = "", c;
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
	expect_console(dom, "net-udp-send: sent 300", 0);
	expect_console(dom, "net-udp-send: sent 1", 0);
	cr_assert_eq(waitpid(sink, &st, 0), sink);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "sink status %d", st);
	r = read(out[0], line, sizeof(line) - 1);
	cr_assert_gt(r, 0);
	line[r] = 0;
	cr_assert_eq(sscanf(line, "%u %u %u %u", &n1000, &n1472, &n0, &bad), 4);
	cr_assert_eq(bad, 0, "datagrams not as sent: %s", line);
	cr_assert_eq(n1000, 300, "%s\nnetback:\n%s", line, nb_log());
	cr_assert_eq(n1472, 1);
	cr_assert_eq(n0, 1);
	cr_assert_geq(stat_at_least(dom, "tx_packets", 303), 303);
	cr_assert_eq(stat_of(dom, "tx_errors"), 0);
	for (int i = 0; i < 2; i++) {
		close(ready[i]);
		close(out[i]);
	}
	hvctl_destroy(h, dom);
	hvctl_close(h);
}

static int ping(const char *addr, int count)
{
	return sh("ip netns exec %s ping -q -n -c %d -W 2 %s >/dev/null 2>&1", ns, count, addr);
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
		     nb_log());
	kill(nb_pid, SIGKILL);
	waitpid(nb_pid, NULL, 0);
	nb_pid = 0;
	netback_start();
	for (int i = 0; i < 15 && !ok; i++)
		ok = ping("10.201.7.2", 1) == 0;
	cr_assert(ok, "no reply after the restart\n%s\n%s", dfx_console(dom), nb_log());
	expect_console(dom, "net-ping 10.201.7.1: 2/2 replies", 90000);
	expect_console(dom, "state connected", 10000);
	hvctl_destroy(h, dom);
	hvctl_close(h);
}
