/* test_daemon.c: `hospes-hv daemon` on a private socket in a temp dir,
 * driven through libhvctl: several domains at once, info, pause/unpause,
 * wait, destroy, memory fd, refusing a non-root peer, malformed messages,
 * and a clean exit on SIGTERM. Every domain is a real guest on KVM. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "hvctl.h"

static char dir[64], sock[128], logpath[160];
static pid_t daemon_pid;

static void start_daemon(void)
{
	harness_require_kvm();
	strcpy(dir, "/tmp/hospes-daemon-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/hv.sock", dir);
	snprintf(logpath, sizeof(logpath), "%s/daemon.log", dir);
	daemon_pid = fork();
	if (daemon_pid == 0) {
		int fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		dup2(fd, 2);
		execl(harness_path("bin/hospes-hv"), "hospes-hv", "daemon", "--socket", sock,
		      "--state-dir", dir, "--verbose", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200 && access(sock, F_OK); i++)
		usleep(20000);
	cr_assert_eq(access(sock, F_OK), 0, "daemon did not create %s", sock);
}

/* SIGTERM, and the daemon must exit 0 within 20 s. */
static int stop_daemon(void)
{
	int st = -1;

	if (daemon_pid <= 0)
		return -1;
	kill(daemon_pid, SIGTERM);
	for (int i = 0; i < 400; i++) {
		if (waitpid(daemon_pid, &st, WNOHANG) == daemon_pid) {
			daemon_pid = 0;
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		}
		usleep(50000);
	}
	kill(daemon_pid, SIGKILL);
	waitpid(daemon_pid, &st, 0);
	daemon_pid = 0;
	return -2;
}

static void teardown(void)
{
	char cmd[128];

	stop_daemon();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", dir);
}

TestSuite(daemon, .init = start_daemon, .fini = teardown, .timeout = 120);

static struct hvctl *conn(void)
{
	struct hvctl *h;
	int r = hvctl_connect(sock, &h);

	cr_assert_eq(r, 0, "connect: %s", hvctl_strerror(r));
	return h;
}

static uint32_t create(struct hvctl *h, const char *guest, const char *cmdline, unsigned vcpus,
		       bool start)
{
	struct hvctl_domain_config c = { .kernel = harness_path(guest), .mem = 32ull << 20,
					 .vcpus = vcpus, .cmdline = cmdline, .start = start };
	uint32_t domid = 0;
	int r = hvctl_create(h, &c, &domid);

	cr_assert_eq(r, 0, "create %s: %s\n%s", guest, hvctl_strerror(r), harness_read_file(logpath));
	return domid;
}

static char *console_of(uint32_t domid)
{
	char path[192];

	snprintf(path, sizeof(path), "%s/console-%u.log", dir, domid);
	return harness_read_file(path);
}

/* Polls the console log for text (the guest writes it asynchronously). */
static int console_has(uint32_t domid, const char *text)
{
	for (int i = 0; i < 300; i++) {
		if (strstr(console_of(domid), text))
			return 1;
		usleep(20000);
	}
	return 0;
}

Test(daemon, two_domains_run_at_once_and_are_listed)
{
	struct hvctl *h = conn();
	struct hvctl_dominfo a, b;
	uint32_t ids[8], d1 = create(h, "guests/idle.elf", "", 1, true);
	uint32_t d2 = create(h, "guests/idle.elf", "mode=spin", 2, true);
	unsigned n;

	cr_assert_neq(d1, d2);
	cr_assert(console_has(d1, "idle: halt"), "%s", console_of(d1));
	cr_assert(console_has(d2, "idle: spin"), "%s", console_of(d2));
	cr_assert_eq(hvctl_info(h, d1, &a), 0);
	cr_assert_eq(hvctl_info(h, d2, &b), 0);
	cr_assert_eq(a.state, HVCTL_STATE_RUNNING);
	cr_assert_eq(b.state, HVCTL_STATE_RUNNING);
	cr_assert_eq(b.vcpus, 2);
	cr_assert_eq(b.online_vcpus, 1, "APs stay offline until VCPUOP_up");
	cr_assert_eq(a.mem_cur_bytes, 32ull << 20);
	cr_assert_eq(a.mem_max_bytes, 32ull << 20);
	cr_assert_eq(a.owner_uid, 0);
	cr_assert_eq(a.owner_pid, (uint32_t)getpid());
	cr_assert_gt(b.cpu_ns, 0);
	cr_assert_eq(hvctl_list(h, ids, 8, &n), 0);
	cr_assert_eq(n, 2);
	cr_assert(ids[0] == (d1 < d2 ? d1 : d2) && ids[1] == (d1 < d2 ? d2 : d1));
	cr_assert_eq(hvctl_destroy(h, d1), 0);
	cr_assert_eq(hvctl_destroy(h, d2), 0);
	hvctl_close(h);
}

static uint64_t cpu_ns(struct hvctl *h, uint32_t d)
{
	struct hvctl_dominfo i;

	cr_assert_eq(hvctl_info(h, d, &i), 0);
	return i.cpu_ns;
}

Test(daemon, pause_stops_the_vcpus_and_unpause_resumes_them)
{
	struct hvctl *h = conn();
	uint32_t d = create(h, "guests/idle.elf", "mode=spin", 1, true);
	struct hvctl_dominfo i;
	uint64_t t0, t1, t2;

	cr_assert(console_has(d, "idle: spin"));
	cr_assert_eq(hvctl_pause(h, d), 0);
	cr_assert_eq(hvctl_info(h, d, &i), 0);
	cr_assert_eq(i.state, HVCTL_STATE_PAUSED);
	usleep(100000);
	t0 = cpu_ns(h, d);
	usleep(300000);
	t1 = cpu_ns(h, d);
	/* A spinning vCPU would burn ~300 ms here; a parked one nothing. */
	cr_assert_lt(t1 - t0, 20000000ull, "paused domain used %llu ns",
		     (unsigned long long)(t1 - t0));
	cr_assert_eq(hvctl_unpause(h, d), 0);
	usleep(300000);
	t2 = cpu_ns(h, d);
	cr_assert_gt(t2 - t1, 50000000ull, "unpaused spinner used only %llu ns",
		     (unsigned long long)(t2 - t1));
	cr_assert_eq(hvctl_info(h, d, &i), 0);
	cr_assert_eq(i.state, HVCTL_STATE_RUNNING);
	cr_assert_eq(hvctl_destroy(h, d), 0);
	cr_assert_eq(hvctl_info(h, d, &i), -ESRCH);
	hvctl_close(h);
}

Test(daemon, wait_sees_start_and_guest_shutdown)
{
	struct hvctl *h = conn();
	uint32_t d = create(h, "guests/nido.elf", "", 1, false);
	struct hvctl_dominfo i, w;

	cr_assert_eq(hvctl_info(h, d, &i), 0);
	cr_assert_eq(i.state, HVCTL_STATE_CREATED);
	cr_assert_eq(hvctl_wait(h, d, i.generation, 100, &w), -ETIMEDOUT);
	cr_assert_eq(hvctl_start(h, d), 0);
	cr_assert_eq(hvctl_start(h, d), -EALREADY);
	cr_assert_eq(hvctl_wait(h, d, i.generation, 0, &w), 0);
	cr_assert_gt(w.generation, i.generation);
	/* nido powers off at once: wait until the domain reaches it. */
	while (w.state == HVCTL_STATE_RUNNING)
		cr_assert_eq(hvctl_wait(h, d, w.generation, 30000, &w), 0);
	cr_assert_eq(w.state, HVCTL_STATE_SHUTDOWN);
	cr_assert_eq(w.shutdown_reason, 0);
	cr_assert(console_has(d, "nido "), "%s", console_of(d));
	/* The CPU time a domain used outlives its vCPU threads. */
	for (int n = 0; n < 100 && hvctl_info(h, d, &i) == 0 && i.cpu_ns == 0; n++)
		usleep(10000);
	cr_assert_gt(i.cpu_ns, 0, "CPU time of an ended domain");
	cr_assert_eq(hvctl_pause(h, d), -ESRCH, "an ended domain cannot be paused");
	cr_assert_eq(hvctl_destroy(h, d), 0);
	cr_assert_eq(hvctl_wait(h, d, 0, 0, &w), -ESRCH);
	hvctl_close(h);
}

Test(daemon, wait_returns_destroyed_to_another_client)
{
	struct hvctl *h = conn(), *h2 = conn();
	uint32_t d = create(h, "guests/idle.elf", "", 1, true);
	struct hvctl_dominfo i, w;
	pid_t child;
	int st;

	cr_assert_eq(hvctl_info(h, d, &i), 0);
	child = fork();
	if (child == 0) {
		usleep(200000);
		_exit(hvctl_destroy(h2, d) ? 1 : 0);
	}
	cr_assert_eq(hvctl_wait(h, d, i.generation, 20000, &w), 0);
	cr_assert_eq(w.state, HVCTL_STATE_DESTROYED);
	waitpid(child, &st, 0);
	cr_assert_eq(WEXITSTATUS(st), 0);
	hvctl_close(h);
	hvctl_close(h2);
}

Test(daemon, memory_fd_maps_guest_ram_and_maxmem_changes)
{
	static const uint8_t magic[4] = { 0x78, 0xc5, 0x6e, 0x33 }; /* hvm_start_info */
	struct hvctl *h = conn();
	uint32_t d = create(h, "guests/idle.elf", "", 1, false);
	struct hvctl_memory m;
	struct hvctl_dominfo i;
	int fd = -1;

	cr_assert_eq(hvctl_get_memfd(h, d, &m, &fd), 0);
	cr_assert_geq(fd, 0);
	cr_assert_eq(m.size, 32ull << 20);
	cr_assert_eq(m.nr_ranges, 1);
	cr_assert_eq(m.ranges[0].gpa, 0);
	cr_assert_eq(m.ranges[0].size, 32ull << 20);
	uint8_t *p = mmap(NULL, m.size, PROT_READ, MAP_SHARED, fd, 0);
	cr_assert_neq(p, MAP_FAILED);
	cr_assert_not_null(memmem(p, m.size, magic, 4), "no start_info in the guest's RAM");
	munmap(p, m.size);
	close(fd);
	cr_assert_eq(hvctl_set_maxmem(h, d, 64ull << 20), 0);
	cr_assert_eq(hvctl_info(h, d, &i), 0);
	cr_assert_eq(i.mem_max_bytes, 64ull << 20);
	cr_assert_eq(hvctl_set_maxmem(h, d, 4097), -EINVAL);
	cr_assert_eq(hvctl_destroy(h, d), 0);
	hvctl_close(h);
}

Test(daemon, non_root_peer_is_refused)
{
	pid_t child;
	int st;

	chmod(dir, 0755);
	chmod(sock, 0777);
	child = fork();
	if (child == 0) {
		struct hvctl *h;
		unsigned n;

		if (setgid(65534) || setuid(65534))
			_exit(3);
		if (hvctl_connect(sock, &h))
			_exit(4); /* could not even connect: not the check under test */
		_exit(hvctl_list(h, NULL, 0, &n) ? 0 : 1);
	}
	waitpid(child, &st, 0);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %d", st);
	cr_assert(strstr(harness_read_file(logpath), "uid 65534: not root"), "%s", harness_read_file(logpath));
	/* Root still gets through. */
	struct hvctl *h = conn();
	unsigned n;
	cr_assert_eq(hvctl_list(h, NULL, 0, &n), 0);
	hvctl_close(h);
}

static int raw_conn(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	strcpy(a.sun_path, sock);
	cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

/* Sends hdr + len payload bytes (fd attached if fd >= 0); returns the
 * reply's status, or 1 if the daemon closed the connection instead. */
static int raw_call(int s, uint32_t type, uint32_t len, uint32_t nr_fds, int fd)
{
	uint8_t buf[sizeof(struct hvctl_hdr) + 4096] = { 0 };
	struct hvctl_hdr h = { type, len, 42, nr_fds };
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr al;
	} u;
	struct iovec iov = { buf, sizeof(h) + (len < 4096 ? len : 0) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct hvctl_reply rep;
	struct pollfd p = { s, POLLIN, 0 };

	memcpy(buf, &h, sizeof(h));
	if (fd >= 0) {
		m.msg_control = u.b;
		m.msg_controllen = sizeof(u.b);
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	cr_assert_eq(sendmsg(s, &m, MSG_NOSIGNAL), (ssize_t)iov.iov_len);
	cr_assert_eq(poll(&p, 1, 10000), 1, "no answer");
	if (recv(s, &h, sizeof(h), MSG_WAITALL) != sizeof(h))
		return 1;
	cr_assert_eq(h.request_id, 42);
	cr_assert_eq(h.length, sizeof(rep));
	cr_assert_eq(recv(s, &rep, sizeof(rep), MSG_WAITALL), (ssize_t)sizeof(rep));
	return rep.status;
}

Test(daemon, malformed_messages_do_not_hurt_it)
{
	struct hvctl *good = conn();
	uint32_t d = create(good, "guests/idle.elf", "", 1, true);
	int s = raw_conn(), devnull = open("/dev/null", O_RDONLY);
	struct hvctl_dominfo i;
	unsigned n;

	cr_assert_eq(raw_call(s, 999, 0, 0, -1), -ENOSYS, "unknown type");
	cr_assert_eq(raw_call(s, HVCTL_REPLY_BIT | HVCTL_LIST, 0, 0, -1), -ENOSYS, "reply type");
	cr_assert_eq(raw_call(s, HVCTL_INFO, 4, 0, -1), -EBADMSG, "truncated payload");
	cr_assert_eq(raw_call(s, HVCTL_INFO, 12, 0, -1), -EBADMSG, "long payload");
	cr_assert_eq(raw_call(s, HVCTL_INFO, 8, 1, -1), -EBADF, "fd count without fds");
	cr_assert_eq(raw_call(s, HVCTL_INFO, 8, 0, devnull), -EBADF, "an fd nobody asked for");
	cr_assert_eq(raw_call(s, HVCTL_INFO, 8, 0, -1), -ESRCH, "domid 0 is not a domain");
	cr_assert_eq(raw_call(s, HVCTL_CREATE, sizeof(struct hvctl_create) - 1, 0, -1), -EBADMSG);
	cr_assert_eq(raw_call(s, HVCTL_INFO, HVCTL_MAX_PAYLOAD + 1, 0, -1), 1, "oversized: closed");
	close(s);
	/* A create with garbage fields. */
	s = raw_conn();
	{
		struct { struct hvctl_hdr h; struct hvctl_create c; } msg;
		struct hvctl_reply rep;

		memset(&msg, 0xff, sizeof(msg));
		msg.h = (struct hvctl_hdr){ HVCTL_CREATE, sizeof(msg.c), 1, 0 };
		cr_assert_eq(send(s, &msg, sizeof(msg), MSG_NOSIGNAL), (ssize_t)sizeof(msg));
		cr_assert_eq(recv(s, &msg.h, sizeof(msg.h), MSG_WAITALL), (ssize_t)sizeof(msg.h));
		cr_assert_eq(recv(s, &rep, sizeof(rep), MSG_WAITALL), (ssize_t)sizeof(rep));
		cr_assert_eq(rep.status, -EINVAL);
	}
	/* Half a header, then gone; and a client that never reads. */
	cr_assert_eq(send(s, "\x06\0\0", 3, MSG_NOSIGNAL), 3);
	close(s);
	close(devnull);
	cr_assert_eq(hvctl_list(good, NULL, 0, &n), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(hvctl_info(good, d, &i), 0);
	cr_assert_eq(i.state, HVCTL_STATE_RUNNING);
	cr_assert_eq(hvctl_destroy(good, d), 0);
	hvctl_close(good);
	cr_assert_eq(waitpid(daemon_pid, NULL, WNOHANG), 0, "daemon died");
}

Test(daemon, sigterm_destroys_domains_and_exits_cleanly)
{
	struct hvctl *h = conn();
	uint32_t d = create(h, "guests/idle.elf", "mode=spin", 2, true);

	cr_assert(console_has(d, "idle: spin"));
	hvctl_close(h);
	cr_assert_eq(stop_daemon(), 0, "%s", harness_read_file(logpath));
	cr_assert_neq(access(sock, F_OK), 0, "socket left behind");
	cr_assert(strstr(harness_read_file(logpath), "SIGTERM: stopping"), "%s", harness_read_file(logpath));
	cr_assert(strstr(harness_read_file(logpath), "domain destroyed: hospes-hv is stopping"), "%s",
		  harness_read_file(logpath));
	cr_assert(strstr(harness_read_file(logpath), "stopped"));
}
