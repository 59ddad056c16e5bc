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
#include <stdbool.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
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
#include "xsclient.h"

#define MEM (64ull << 20)

static char ns[32], dir[64], logpath[160], hv_socket[128], ctl_socket[100];
static pid_t nb_pid;
static bool guests; /* hospes-hv running (netback suite) */

/* ---- the namespace and shell helpers ---------------------------------- */

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

static int count(const char *text, const char *what)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, what)); p++)
		n++;
	return n;
}

static int log_count(const char *what)
{
	char *l = nb_log();
	int n = count(l, what);

	free(l);
	return n;
}

static void netback_start(void)
{
	int before = log_count("netback: ready");

	nb_pid = fork();
	cr_assert_geq(nb_pid, 0);
	if (nb_pid == 0) {
		int fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0600);

		dup2(fd, 2);
		execlp("ip", "ip", "netns", "exec", ns, harness_path("bin/hospes-netback"),
		       "--state-dir", dir, "--hv-socket", hv_socket, "--xs-socket",
		       xsfx_socket(), "--socket", ctl_socket, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 250; i++) {
		if (log_count("netback: ready") > before)
			return;
		cr_assert_eq(waitpid(nb_pid, NULL, WNOHANG), 0, "hospes-netback died:\n%s",
			     nb_log());
		usleep(20000);
	}
	cr_assert_fail("hospes-netback did not start:\n%s", nb_log());
}

static void setup_ns(void)
{
	snprintf(ns, sizeof(ns), "hsp%d", (int)getpid());
	snprintf(dir, sizeof(dir), "/tmp/hospes-net-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(logpath, sizeof(logpath), "%s/netback.err", dir);
	snprintf(ctl_socket, sizeof(ctl_socket), "%s/netback.sock", dir);
	if (guests) {
		gsfx_start("nb");
		snprintf(hv_socket, sizeof(hv_socket), "%s", dfx_socket());
	} else {
		/* No hypervisor: connecting fails, discovery works. */
		xsfx_start();
		snprintf(hv_socket, sizeof(hv_socket), "%s/no-hv.sock", dir);
	}
	cr_assert_eq(sh("ip netns add %s", ns), 0, "cannot create network namespace %s", ns);
	cr_assert_eq(sh("ip netns exec %s ip link set lo up", ns), 0);
	netback_start();
}

static void teardown(void)
{
	int code = nb_pid > 0 ? harness_stop_child(nb_pid, 5000) : 0;

	nb_pid = 0;
	cr_expect_eq(code, 0, "hospes-netback exited %d:\n%s", code, nb_log());
	if (guests)
		gsfx_stop();
	else
		xsfx_stop();
	/* Takes the TAP devices with it. */
	if (ns[0] && sh("ip netns del %s 2>/dev/null", ns))
		fprintf(stderr, "cannot remove network namespace %s\n", ns);
	ns[0] = 0;
	if (dir[0] && sh("rm -rf %s", dir))
		fprintf(stderr, "cannot remove %s\n", dir);
	dir[0] = 0;
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

static uint32_t tx;

static void node(struct xsc *xs, const char *path, const char *val, const struct xsc_perm *perms)
{
	int r = val ? xsc_write_str(xs, tx, path, val) : xsc_mkdir(xs, tx, path);

	cr_assert_eq(r, 0, "write %s: %s", path, xsc_strerror(r));
	r = xsc_set_perms(xs, tx, path, perms, 2);
	cr_assert_eq(r, 0, "set perms %s: %s", path, xsc_strerror(r));
}

static const char *mac_of(uint32_t domid)
{
	static char m[24];

	snprintf(m, sizeof(m), "00:16:3e:00:%02x:%02x", (domid >> 8) & 0xff, domid & 0xff);
	return m;
}

/* libxl's vif directories and permissions, in one transaction. */
static void add_vif(struct xsc *xs, uint32_t domid, unsigned devid, const char *bridge)
{
	struct xsc_perm fe[2] = {{domid, XSC_NONE}, {0, XSC_READ}};
	struct xsc_perm be[2] = {{0, XSC_NONE}, {domid, XSC_READ}};
	char f[128], b[128], p[192], v[32];
	int r;

again:
	cr_assert_eq(xsc_transaction_start(xs, &tx), 0);
	snprintf(p, sizeof(p), "/local/domain/%u/device", domid);
	node(xs, p, NULL, be);
	snprintf(p, sizeof(p), "/local/domain/%u/device/vif", domid);
	node(xs, p, NULL, be);
	snprintf(f, sizeof(f), "/local/domain/%u/device/vif/%u", domid, devid);
	snprintf(b, sizeof(b), "/local/domain/0/backend/vif/%u/%u", domid, devid);
	node(xs, b, NULL, be);
#define BE(key, val)                                                                               \
	do {                                                                                       \
		snprintf(p, sizeof(p), "%s/%s", b, key);                                           \
		node(xs, p, val, be);                                                              \
	} while (0)
#define FE(key, val)                                                                               \
	do {                                                                                       \
		snprintf(p, sizeof(p), "%s/%s", f, key);                                           \
		node(xs, p, val, fe);                                                              \
	} while (0)
	BE("frontend", f);
	snprintf(v, sizeof(v), "%u", domid);
	BE("frontend-id", v);
	BE("online", "1");
	BE("state", "1");
	snprintf(v, sizeof(v), "%u", devid);
	BE("handle", v);
	BE("mac", mac_of(domid));
	if (bridge)
		BE("bridge", bridge);
	node(xs, f, NULL, fe);
	FE("backend", b);
	FE("backend-id", "0");
	FE("state", "1");
	FE("handle", v);
	FE("mac", mac_of(domid));
	r = xsc_transaction_end(xs, tx, true);
	tx = 0;
	if (r == -EAGAIN)
		goto again;
	cr_assert_eq(r, 0, "commit: %s", xsc_strerror(r));
#undef BE
#undef FE
}

static uint32_t domain(struct hvctl *h, const char *cmdline, const char *bridge)
{
	struct hvctl_domain_config c = {.mem = MEM, .cmdline = cmdline, .xenstore = true};
	uint32_t domid;
	int r;

	c.kernel = harness_path("guests/nido.elf");
	r = hvctl_create(h, &c, &domid);
	cr_assert_eq(r, 0, "create: %s\n%s", hvctl_strerror(r), dfx_log());
	gsfx_home(xsfx_client(), domid, "nido");
	add_vif(xsfx_client(), domid, 0, bridge);
	gsfx_introduce(h, xsfx_client(), domid);
	return domid;
}

static char *be_read(uint32_t domid, const char *key)
{
	char p[160], *v = NULL;
	size_t len;

	snprintf(p, sizeof(p), "/local/domain/0/backend/vif/%u/0/%s", domid, key);
	if (xsc_read(xsfx_client(), 0, p, &v, &len) < 0)
		return NULL;
	return v;
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
	cr_assert_fail("backend key %s never became %s\n%s", key, want, nb_log());
}

/* The TAP of dom's vif 0 exists (and is up) in the namespace. */
static int tap_up(uint32_t dom)
{
	return sh("ip netns exec %s ip -o link show vif%u.0 2>/dev/null | grep -q '[<,]UP[,>]'", ns,
		  dom) == 0;
}

static void wait_tap(uint32_t dom)
{
	for (int i = 0; i < 250 && !tap_up(dom); i++)
		usleep(20000);
	cr_assert(tap_up(dom), "vif%u.0 not up in %s:\n%s", dom, ns, nb_log());
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

static void expect_console(uint32_t dom, const char *text, int ms)
{
	cr_assert(dfx_console_wait(dom, text, ms), "dom%u never printed '%s':\n%s\nnetback:\n%s",
		  dom, text, dfx_console(dom), nb_log());
}

/* ---- traffic from inside the namespace -------------------------------- */

/* ping from the namespace: 0 if any of count echo requests was answered. */
static int ping(const char *addr, int count)
{
	return sh("ip netns exec %s ping -q -n -c %d -W 2 %s >/dev/null 2>&1", ns, count, addr);
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

		snprintf(nspath, sizeof(nspath), "/var/run/netns/%s", ns);
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
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", ctl_socket);
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

	add_vif(xsfx_client(), dom, 0, NULL);
	wait_be(dom, "state", "2");
	wait_be(dom, "feature-rx-copy", "1");
	wait_be(dom, "feature-rx-flip", "0");
	wait_be(dom, "feature-sg", "1");
	wait_tap(dom);
	for (int i = 0; i < 50 && stat_of(dom, "connected") < 0; i++)
		usleep(20000);
	cr_assert_eq(stat_of(dom, "connected"), 0);
	{
		char *st = ctl("status\n"), *dv = ctl("devices\n");

		cr_assert(strstr(st, "ok name=hospes-netback version=1 devices=1"), "%s", st);
		cr_assert(strstr(dv, "dev domid=1000 devid=0 state=2 connected=0"), "%s", dv);
		cr_assert(strstr(dv, "ifname=vif1000.0 tx_packets=0"), "%s", dv);
		free(st);
		free(dv);
	}
	cr_assert_eq(sh("ip netns exec %s ip addr add 10.201.9.1/24 dev vif%u.0", ns, dom), 0);
	kill(nb_pid, SIGKILL);
	waitpid(nb_pid, NULL, 0);
	nb_pid = 0;
	cr_assert(tap_up(dom), "the TAP went away with the daemon");
	/* Its state is written again by the next daemon. */
	snprintf(p, sizeof(p), "/local/domain/0/backend/vif/%u/0/state", dom);
	cr_assert_eq(xsc_write_str(xsfx_client(), 0, p, "1"), 0);
	netback_start();
	wait_be(dom, "state", "2");
	cr_assert_eq(sh("ip netns exec %s ip -o addr show dev vif%u.0 | grep -q 10.201.9.1/24", ns,
			dom),
		     0, "the TAP lost its address");
	cr_assert_eq(log_count("vif0.0") + log_count("vif1000.0 mac 00:16:3e:00:03:e8"), 2, "%s",
		     nb_log());
	snprintf(p, sizeof(p), "/local/domain/0/backend/vif/%u/0", dom);
	r = xsc_rm(xsfx_client(), 0, p);
	cr_assert_eq(r, 0, "rm: %s", xsc_strerror(r));
	for (int i = 0; i < 250 && sh("ip netns exec %s ip link show vif%u.0 >/dev/null 2>&1", ns,
				    dom) == 0;
	     i++)
		usleep(20000);
	cr_assert_neq(sh("ip netns exec %s ip link show vif%u.0 >/dev/null 2>&1", ns, dom), 0,
		      "vif%u.0 still there after its directory was removed:\n%s", dom, nb_log());
}

/* A frontend that says Connected without usable ring keys, and one whose
 * keys are fine but whose domain hospes-hv does not know: each device is
 * dropped (error key, Closed), the daemon goes on serving. */
Test(netback_dev, bad_frontends_dropped)
{
	struct xsc *xs = xsfx_client();
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
	cr_assert_not_null(be_read(1001, "error"));
	cr_assert_eq(log_count("missing or bad tx-ring-ref"), 1, "%s", nb_log());
	cr_assert_eq(xsc_write_str(xs, 0, "/local/domain/1002/device/vif/0/tx-ring-ref", "8"), 0);
	cr_assert_eq(xsc_write_str(xs, 0, "/local/domain/1002/device/vif/0/rx-ring-ref", "9"), 0);
	cr_assert_eq(xsc_write_str(xs, 0, "/local/domain/1002/device/vif/0/event-channel", "5"), 0);
	cr_assert_eq(xsc_write_str(xs, 0, "/local/domain/1002/device/vif/0/request-rx-copy", "1"),
		     0);
	cr_assert_eq(xsc_write_str(xs, 0, "/local/domain/1002/device/vif/0/state", "3"), 0);
	wait_be(1002, "state", "6");
	cr_assert_not_null(be_read(1002, "error"));
	/* Still serving: a new device gets its TAP. */
	add_vif(xs, 1003, 0, NULL);
	wait_be(1003, "state", "2");
	wait_tap(1003);
}

/* A mac that is not one: the device is refused (Closed, error key) and
 * gets no TAP. No domain needed: the backend looks at its directory. */
Test(netback_dev, bad_mac_refused)
{
	const char *b = "/local/domain/0/backend/vif/1000/1";
	struct xsc *xs = xsfx_client();
	char p[128], *v = NULL;
	size_t len;

	cr_assert_eq(xsc_transaction_start(xs, &tx), 0);
	snprintf(p, sizeof(p), "%s/mac", b);
	cr_assert_eq(xsc_write_str(xs, tx, p, "00:16:3e:zz:00:01"), 0);
	snprintf(p, sizeof(p), "%s/frontend", b);
	cr_assert_eq(xsc_write_str(xs, tx, p, "/local/domain/1000/device/vif/1"), 0);
	snprintf(p, sizeof(p), "%s/frontend-id", b);
	cr_assert_eq(xsc_write_str(xs, tx, p, "1000"), 0);
	cr_assert_eq(xsc_transaction_end(xs, tx, true), 0);
	tx = 0;
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
	cr_assert_str_eq(v, "6", "state %s\n%s", v, nb_log());
	free(v);
	snprintf(p, sizeof(p), "%s/error", b);
	cr_assert_eq(xsc_read(xs, 0, p, &v, &len), 0, "no error key");
	free(v);
	cr_assert_neq(sh("ip netns exec %s ip link show vif1000.1 >/dev/null 2>&1", ns), 0);
	cr_assert_eq(log_count("bad mac"), 1, "%s", nb_log());
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

	wait_tap(dom);
	cr_assert_eq(sh("ip netns exec %s ip addr add 10.201.1.1/24 dev vif%u.0", ns, dom), 0);
	cr_assert_eq(hvctl_start(h, dom), 0);
	expect_console(dom, "net: vif0 up mac 00:16:3e:00:", 30000);
	cr_assert_eq(ping("10.201.1.2", 3), 0, "no ping reply\nconsole:\n%s\nnetback:\n%s",
		     dfx_console(dom), nb_log());
	r = udp_echo("10.201.1.2", sizes, sizeof(sizes) / sizeof(sizes[0]));
	cr_assert_eq(r, 0, "UDP echo failed (size index %d)\nconsole:\n%s\nnetback:\n%s", r - 1,
		     dfx_console(dom), nb_log());
	/* Counters: at least the echo replies and datagrams both ways. */
	for (int i = 0; i < 50 && stat_of(dom, "rx_packets") < 9; i++)
		usleep(20000);
	cr_assert_geq(stat_of(dom, "tx_packets"), 1 + 7, "%s", nb_log());
	cr_assert_geq(stat_of(dom, "rx_packets"), 1 + 7);
	cr_assert_geq(stat_of(dom, "tx_bytes"), 1 + 18 + 100 + 512 + 1000 + 1400 + 1472);
	cr_assert_geq(stat_of(dom, "rx_bytes"), 1 + 18 + 100 + 512 + 1000 + 1400 + 1472);
	cr_assert_eq(stat_of(dom, "tx_errors"), 0);
	cr_assert_eq(stat_of(dom, "connected"), 1);
	cr_assert_eq(stat_of(dom, "connects"), 1);
	hvctl_destroy(h, dom);
	hvctl_close(h);
}

/* netback SIGKILLed while the guest serves: restarted, it takes the vif
 * over (the TAP kept its address), the guest reconnects, ping works. */
Test(netback, restart_while_serving)
{
	struct hvctl *h = dfx_connect();
	uint32_t dom = domain(h, "script=net-up 10.201.2.2/24; net-serve 90; poweroff", NULL);

	wait_tap(dom);
	cr_assert_eq(sh("ip netns exec %s ip addr add 10.201.2.1/24 dev vif%u.0", ns, dom), 0);
	cr_assert_eq(hvctl_start(h, dom), 0);
	expect_console(dom, "net: vif0 up", 30000);
	cr_assert_eq(ping("10.201.2.2", 3), 0, "no ping reply\n%s", nb_log());
	kill(nb_pid, SIGKILL);
	waitpid(nb_pid, NULL, 0);
	nb_pid = 0;
	cr_assert(tap_up(dom), "the persistent TAP went away with the daemon");
	netback_start();
	cr_assert_eq(ping_until("10.201.2.2", 20), 0,
		     "no ping reply after the restart\nconsole:\n%s\nnetback:\n%s",
		     dfx_console(dom), nb_log());
	cr_assert_geq(log_count("vif 0 connected"), 2, "%s", nb_log());
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
	struct hvctl_domain_config c = {.mem = MEM, .cmdline = "overflow", .xenstore = true};
	uint32_t dom;
	char *con, *v;
	int r;

	c.kernel = harness_path("guests/net-hostile.elf");
	r = hvctl_create(h, &c, &dom);
	cr_assert_eq(r, 0, "create: %s", hvctl_strerror(r));
	gsfx_home(xsfx_client(), dom, "net-hostile");
	add_vif(xsfx_client(), dom, 0, NULL);
	gsfx_introduce(h, xsfx_client(), dom);
	wait_tap(dom);
	cr_assert_eq(sh("ip netns exec %s ip addr add 10.201.3.1/24 dev vif%u.0", ns, dom), 0);
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
			  nb_log());
	/* Each slot answered: 2 of chain_ok, 2 of chain_bad, 19 of chain_19. */
	cr_assert_eq(count(con, "CHECK chain_ok 0"), 2, "%s", con);
	cr_assert_eq(count(con, "CHECK chain_bad -1"), 2, "%s", con);
	cr_assert_eq(count(con, "CHECK chain_19 -1"), 19, "%s", con);
	free(con);
	v = be_read(dom, "error");
	cr_assert(v && strstr(v, "overflow"), "error key: %s", v ? v : "(none)");
	free(v);
	for (int i = 0; i < 50 && stat_of(dom, "connected") != 0; i++)
		usleep(20000);
	cr_assert_eq(stat_of(dom, "tx_packets"), 2, "%s", nb_log());
	cr_assert_eq(stat_of(dom, "tx_errors"), 6);
	cr_assert_eq(stat_of(dom, "rx_errors"), 1);
	cr_assert_eq(stat_of(dom, "connected"), 0);
	/* The daemon lives on and still serves its control socket. */
	cr_assert_eq(waitpid(nb_pid, NULL, WNOHANG), 0, "netback died:\n%s", nb_log());
	v = ctl("status\n");
	cr_assert(strstr(v, "ok name=hospes-netback"), "%s", v);
	free(v);
	hvctl_destroy(h, dom);
	hvctl_close(h);
}
