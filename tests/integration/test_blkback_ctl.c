/* test_blkback_ctl.c: hospes-blkback's control socket (backend_ctl.h) and
 * its side of a toolstack detach, with hospes-stored and vbd directories
 * the test writes itself (no guest: the frontend's part is played in
 * xenstore, so no KVM is needed): status and devices with states, errors
 * and counters, malformed and oversized requests, non-root peers, many
 * clients, a restart replacing the stale socket, and online 0 + Closing
 * leading to Closed at once (frontend without a ring, or a detach made
 * while blkback was down) or once the frontend let go. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bctl.h"
#include "blk_fixture.h"
#include "harness.h"
#include "xs_fixture.h"

#define DOMID 7u
#define XVDA 51712u
#define XVDB 51728u

static char dir[64], sock[96], logpath[160];
static pid_t bb;
static struct xsc *xs;

static char *bb_log(void)
{
	return harness_read_file(logpath);
}

static void bb_start(void)
{
	struct bctl_status st;

	bb = fork();
	cr_assert_geq(bb, 0);
	if (bb == 0) {
		int fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0600);

		dup2(fd, 2);
		execl(harness_path("bin/hospes-blkback"), "hospes-blkback", "--socket", sock,
		      "--state-dir", dir, "--xs-socket", xsfx_socket(), (char *)NULL);
		_exit(127);
	}
	/* up = the socket answers status (what hospesd checks) */
	for (int i = 0; i < 250 && bctl_get_status(sock, 200, &st); i++)
		usleep(20000);
	cr_assert_eq(bctl_get_status(sock, 1000, &st), 0, "no control socket:\n%s", bb_log());
}

static void setup(void)
{
	int r;

	xsfx_start();
	snprintf(dir, sizeof(dir), "/tmp/hospes-bctl-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/blkback.sock", dir);
	snprintf(logpath, sizeof(logpath), "%s/blkback.log", dir);
	r = xsc_open(xsfx_socket(), &xs);
	cr_assert_eq(r, 0, "xenstore: %s", xsc_strerror(r));
	bb_start();
}

static void teardown(void)
{
	char cmd[96];

	if (bb > 0)
		cr_expect_eq(harness_stop_child(bb, 5000), 0, "blkback exit:\n%s", bb_log());
	bb = 0;
	xsc_close(xs);
	xsfx_stop();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", dir);
}

TestSuite(blkback_ctl, .init = setup, .fini = teardown, .timeout = 60);

static const char *image(const char *name, off_t bytes)
{
	static char paths[4][128];
	static int n;
	char *p = paths[n++ % 4];
	int fd;

	snprintf(p, 128, "%s/%s", dir, name);
	fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0600);
	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, bytes), 0);
	close(fd);
	return p;
}

static char *query(const char *cmd)
{
	char *rep = NULL;
	int r = bctl_query(sock, cmd, 2000, &rep);

	cr_assert_eq(r, 0, "%s: %s\n%s", cmd, strerror(-r), bb_log());
	return rep;
}

/* The "dev" line of domid/devid in a devices reply (static copy), NULL if none. */
static const char *dev_line(const char *rep, unsigned domid, unsigned devid)
{
	static char line[BCTL_LINE_MAX + 1];

	for (const char *p = rep; *p; p = strchr(p, '\n') + 1) {
		const char *end = strchr(p, '\n');
		uint64_t a, b;

		snprintf(line, sizeof(line), "%.*s", (int)(end - p), p);
		if (bctl_line_is(line, BCTL_DEV) && !bctl_line_getu(line, "domid", &a) &&
		    !bctl_line_getu(line, "devid", &b) && a == domid && b == devid)
			return line;
	}
	return NULL;
}

/* The device's state as the control socket reports it; -1 if not listed. */
static int ctl_state(unsigned devid)
{
	char *rep = query(BCTL_CMD_DEVICES);
	const char *l = dev_line(rep, DOMID, devid);
	uint64_t st = 0;
	int r = l && !bctl_line_getu(l, "state", &st) ? (int)st : -1;

	free(rep);
	return r;
}

static int wait_ctl_state(unsigned devid, int state, int ms)
{
	for (int t = 0; t <= ms; t += 20) {
		if (ctl_state(devid) == state)
			return 1;
		usleep(20000);
	}
	return 0;
}

static int xs_state(const char *fmt, unsigned devid)
{
	char path[128], *v = NULL;
	int st = -1;

	snprintf(path, sizeof(path), fmt, DOMID, devid);
	if (xsc_read(xs, 0, path, &v, &(size_t){0}) == 0)
		st = atoi(v);
	free(v);
	return st;
}

#define BE_STATE "/local/domain/0/backend/vbd/%u/%u/state"
#define FE_STATE "/local/domain/%u/device/vbd/%u/state"

static void xs_write(const char *fmt, unsigned devid, const char *val)
{
	char path[128];
	int r;

	snprintf(path, sizeof(path), fmt, DOMID, devid);
	r = xsc_write_str(xs, 0, path, val);
	cr_assert_eq(r, 0, "write %s: %s", path, xsc_strerror(r));
}

/* The toolstack's detach request (what hospesd and libxl write). */
static void detach(unsigned devid)
{
	xs_write("/local/domain/0/backend/vbd/%u/%u/online", devid, "0");
	xs_write(BE_STATE, devid, "5");
}

static int raw_conn(void)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", sock);
	cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

/* Reads until a line starting with ok/err came, or EOF; returns it. */
static char *raw_reply(int fd, size_t *n)
{
	static char buf[8192];

	*n = 0;
	for (;;) {
		ssize_t k = read(fd, buf + *n, sizeof(buf) - 1 - *n);

		if (k <= 0)
			break;
		*n += (size_t)k;
		buf[*n] = 0;
		if (strstr(buf, "ok ") || strstr(buf, "ok\n") || strstr(buf, "err "))
			if (buf[*n - 1] == '\n')
				break;
	}
	buf[*n] = 0;
	return buf;
}

Test(blkback_ctl, status_and_devices)
{
	struct bctl_status st;
	const char *img = image("a.img", 1 << 20);
	char *rep;
	const char *l;
	char v[128];
	uint64_t n;

	cr_assert_eq(bctl_get_status(sock, 1000, &st), 0);
	cr_assert_str_eq(st.name, "hospes-blkback");
	cr_assert_eq(st.version, BCTL_VERSION);
	cr_assert_eq(st.devices, 0);
	rep = query(BCTL_CMD_DEVICES);
	cr_assert_str_eq(rep, "ok devices=0\n");
	free(rep);

	bfx_add_disk(xs, DOMID, XVDA, img, false);
	cr_assert(wait_ctl_state(XVDA, 2, 5000), "xvda not InitWait:\n%s", bb_log());
	cr_assert_eq(bctl_get_status(sock, 1000, &st), 0);
	cr_assert_eq(st.devices, 1);
	rep = query(BCTL_CMD_DEVICES);
	l = dev_line(rep, DOMID, XVDA);
	cr_assert(l, "%s", rep);
	cr_assert_eq(bctl_line_getu(l, "connected", &n), 0);
	cr_assert_eq(n, 0);
	cr_assert_eq(bctl_line_get(l, "error", v, sizeof(v)), 0);
	cr_assert_str_eq(v, "");
	cr_assert_eq(bctl_line_getu(l, "sectors", &n), 0, "%s", l);
	cr_assert_eq(n, 2048);
	cr_assert_eq(bctl_line_getu(l, "reqs", &n), 0, "%s", l);
	cr_assert_eq(n, 0);
	cr_assert(strstr(rep, "\nok devices=1\n"), "%s", rep);
	free(rep);
	/* the same state in xenstore */
	cr_assert_eq(xs_state(BE_STATE, XVDA), 2);
}

Test(blkback_ctl, errors_are_reported)
{
	char *rep, v[128];
	const char *l;
	uint64_t n;

	/* an image that is not there: Closed with the reason */
	bfx_add_disk(xs, DOMID, XVDA, "/nonexistent/disk.img", false);
	cr_assert(wait_ctl_state(XVDA, 6, 5000), "not Closed:\n%s", bb_log());
	rep = query(BCTL_CMD_DEVICES);
	l = dev_line(rep, DOMID, XVDA);
	cr_assert(l, "%s", rep);
	cr_assert_eq(bctl_line_get(l, "error", v, sizeof(v)), 0);
	cr_assert(strstr(v, "/nonexistent/disk.img") && strstr(v, "No such file"), "%s", v);
	free(rep);
	/* a frontend Initialised without ring keys: Closed with the reason */
	bfx_add_disk(xs, DOMID, XVDB, image("b.img", 1 << 20), false);
	cr_assert(wait_ctl_state(XVDB, 2, 5000), "%s", bb_log());
	xs_write(FE_STATE, XVDB, "3");
	cr_assert(wait_ctl_state(XVDB, 6, 5000), "not Closed:\n%s", bb_log());
	rep = query(BCTL_CMD_DEVICES);
	l = dev_line(rep, DOMID, XVDB);
	cr_assert(l, "%s", rep);
	cr_assert_eq(bctl_line_get(l, "error", v, sizeof(v)), 0);
	cr_assert(strstr(v, "ring-ref"), "%s", v);
	cr_assert_eq(bctl_line_getu(l, "connected", &n), 0);
	cr_assert_eq(n, 0);
	free(rep);
}

Test(blkback_ctl, malformed_and_oversized_requests)
{
	int fd = raw_conn();
	char big[300];
	size_t n;
	char *r;

	/* unknown command: an error, the connection stays usable */
	cr_assert_eq(write(fd, "bogus\n", 6), 6);
	r = raw_reply(fd, &n);
	cr_assert(bctl_line_is(r, BCTL_ERR), "%s", r);
	cr_assert(strstr(r, "errno=EINVAL"), "%s", r);
	cr_assert_eq(write(fd, "status\x01\n", 8), 8);
	r = raw_reply(fd, &n);
	cr_assert(strstr(r, "errno=EINVAL"), "%s", r);
	cr_assert_eq(write(fd, "\n", 1), 1);
	r = raw_reply(fd, &n);
	cr_assert(strstr(r, "errno=EINVAL"), "%s", r);
	/* two requests in one write: two replies, in order */
	cr_assert_eq(write(fd, "status\ndevices\n", 15), 15);
	r = raw_reply(fd, &n);
	cr_assert(bctl_line_is(r, BCTL_OK) && strstr(r, "name=hospes-blkback"), "%s", r);
	if (!strstr(r, "\nok devices=0\n"))
		r = raw_reply(fd, &n);
	cr_assert(strstr(r, "ok devices=0\n"), "%s", r);
	/* no '\n' within BCTL_REQ_MAX bytes: E2BIG, then closed */
	memset(big, 'x', sizeof(big));
	cr_assert_eq(write(fd, big, sizeof(big)), (ssize_t)sizeof(big));
	r = raw_reply(fd, &n);
	cr_assert(strstr(r, "errno=E2BIG"), "%s", r);
	/* EOF, or a reset: the rest of the oversized request was never read */
	cr_assert_leq(read(fd, big, sizeof(big)), 0, "the connection stayed open");
	close(fd);
	/* the daemon still serves others */
	free(query(BCTL_CMD_STATUS));
}

Test(blkback_ctl, non_root_peer_is_refused)
{
	pid_t child;
	int st;
	char *log;

	chmod(dir, 0755);
	chmod(sock, 0777);
	child = fork();
	cr_assert_geq(child, 0);
	if (child == 0) {
		char *rep = NULL;
		int r;

		if (setgid(65534) || setuid(65534))
			_exit(3);
		r = bctl_query(sock, BCTL_CMD_STATUS, 2000, &rep);
		if (r == -EACCES || r == -ECONNREFUSED)
			_exit(4);      /* could not even connect: not the check under test */
		_exit(r == 0 ? 1 : 0); /* closed without an answer */
	}
	waitpid(child, &st, 0);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %d", st);
	log = bb_log();
	cr_assert(strstr(log, "uid 65534: not root"), "%s", log);
	free(log);
	free(query(BCTL_CMD_STATUS)); /* root still gets through */
}

Test(blkback_ctl, many_clients_and_a_silent_one)
{
	int fds[20], silent = raw_conn();
	size_t n;

	/* a client that sends half a request and waits: nobody else waits */
	cr_assert_eq(write(silent, "stat", 4), 4);
	for (int i = 0; i < 20; i++)
		fds[i] = raw_conn();
	for (int i = 0; i < 20; i++)
		cr_assert_eq(write(fds[i], "status\n", 7), 7);
	for (int i = 0; i < 20; i++) {
		char *r = raw_reply(fds[i], &n);

		cr_assert(bctl_line_is(r, BCTL_OK), "client %d: %s", i, r);
		close(fds[i]);
	}
	/* the silent one finishes its request later and is answered */
	cr_assert_eq(write(silent, "us\n", 3), 3);
	cr_assert(bctl_line_is(raw_reply(silent, &n), BCTL_OK));
	close(silent);
}

Test(blkback_ctl, restart_replaces_the_stale_socket)
{
	struct bctl_status st;

	kill(bb, SIGKILL);
	waitpid(bb, NULL, 0);
	bb = 0;
	/* the socket file is left behind; nobody answers on it */
	cr_assert_eq(access(sock, F_OK), 0);
	cr_assert_neq(bctl_get_status(sock, 500, &st), 0);
	bb_start();
	cr_assert_eq(bctl_get_status(sock, 1000, &st), 0);
}

Test(blkback_ctl, detach_without_a_ring_closes_at_once)
{
	bfx_add_disk(xs, DOMID, XVDA, image("a.img", 1 << 20), false);
	cr_assert(wait_ctl_state(XVDA, 2, 5000), "%s", bb_log());
	detach(XVDA);
	/* the frontend never connected: nothing to wait for */
	cr_assert(wait_ctl_state(XVDA, 6, 5000), "not Closed:\n%s", bb_log());
	cr_assert_eq(xs_state(BE_STATE, XVDA), 6);
	/* a frontend initialising again does not bring it back */
	xs_write(FE_STATE, XVDA, "1");
	xs_write(FE_STATE, XVDA, "1");
	free(query(BCTL_CMD_STATUS)); /* a round trip: the events were handled */
	cr_assert_eq(ctl_state(XVDA), 6);
}

Test(blkback_ctl, detach_waits_for_the_frontend)
{
	char *log;

	/* taken over while the frontend is Connected (its ring belongs to a
	 * previous backend): it holds a ring the backend must not drop under it */
	cr_assert_eq(harness_stop_child(bb, 5000), 0);
	bb = 0;
	bfx_add_disk(xs, DOMID, XVDA, image("a.img", 1 << 20), false);
	xs_write(FE_STATE, XVDA, "4");
	bb_start();
	cr_assert(wait_ctl_state(XVDA, 2, 5000), "%s", bb_log());
	detach(XVDA);
	for (int i = 0; i < 250; i++) {
		log = bb_log();
		if (strstr(log, "detach requested"))
			break;
		free(log);
		log = NULL;
		usleep(20000);
	}
	cr_assert(log, "the detach was not seen:\n%s", bb_log());
	free(log);
	/* still Closing: the frontend has not let go */
	cr_assert_eq(ctl_state(XVDA), 5);
	cr_assert_eq(xs_state(BE_STATE, XVDA), 5);
	/* the frontend closes: the backend follows with Closed */
	xs_write(FE_STATE, XVDA, "6");
	cr_assert(wait_ctl_state(XVDA, 6, 5000), "not Closed:\n%s", bb_log());
	cr_assert_eq(xs_state(BE_STATE, XVDA), 6);
}

Test(blkback_ctl, detach_before_it_was_served)
{
	/* the toolstack detached while blkback was down: Closed at takeover */
	cr_assert_eq(harness_stop_child(bb, 5000), 0);
	bb = 0;
	bfx_add_disk(xs, DOMID, XVDA, image("a.img", 1 << 20), false);
	detach(XVDA);
	bb_start();
	cr_assert(wait_ctl_state(XVDA, 6, 5000), "not Closed:\n%s", bb_log());
	cr_assert_eq(xs_state(BE_STATE, XVDA), 6);
}
