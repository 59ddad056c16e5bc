/* test_stored_daemon.c: hospes-stored as a process: socket from
 * XENSTORED_PATH, a live socket is not stolen, clean SIGTERM exit,
 * bad options, a malformed peer dropped while others carry on. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include <pvabi/xs_wire.h>

static char dir[64], sock[128], logf[128];

static pid_t spawn(const char *env_sock, const char *const extra[])
{
	pid_t pid = fork();

	cr_assert_neq(pid, -1);
	if (pid == 0) {
		const char *argv[12] = { harness_path("bin/hospes-stored"), "--state-dir", dir };
		int n = 3, fd = open(logf, O_WRONLY | O_CREAT | O_APPEND, 0600);
		for (int i = 0; extra && extra[i]; i++)
			argv[n++] = extra[i];
		if (env_sock)
			setenv("XENSTORED_PATH", env_sock, 1);
		dup2(fd, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

static int connect_sock(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	strcpy(a.sun_path, sock);
	for (int i = 0; i < 200; i++) {
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
			return fd;
		usleep(10000);
	}
	cr_assert_fail("daemon socket %s never accepted", sock);
	return -1;
}

static int wait_exit(pid_t pid)
{
	int st;

	for (int i = 0; i < 500; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

/* One request, one reply (type and payload, NUL-terminated). */
static uint32_t roundtrip(int fd, uint32_t type, const char *p, uint32_t len, char *out)
{
	struct xsd_sockmsg h = { .type = type, .req_id = 42, .len = len };
	ssize_t n;
	uint32_t got = 0;

	cr_assert_eq(write(fd, &h, sizeof(h)), (ssize_t)sizeof(h));
	cr_assert_eq(write(fd, p, len), (ssize_t)len);
	while (got < sizeof(h) && (n = read(fd, (char *)&h + got, sizeof(h) - got)) > 0)
		got += (uint32_t)n;
	cr_assert_eq(got, sizeof(h));
	cr_assert_eq(h.req_id, 42);
	cr_assert_leq(h.len, XENSTORE_PAYLOAD_MAX);
	for (got = 0; got < h.len && (n = read(fd, out + got, h.len - got)) > 0;)
		got += (uint32_t)n;
	out[got] = '\0';
	return h.type;
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/xsd-test-XXXXXX");
	cr_assert(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/xs.sock", dir);
	snprintf(logf, sizeof(logf), "%s/log", dir);
}

static void teardown(void)
{
	char cmd[200];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return;
}

TestSuite(stored_daemon, .init = setup, .fini = teardown, .timeout = 30);

Test(stored_daemon, env_socket_serves_and_sigterm_cleans_up)
{
	char out[XENSTORE_PAYLOAD_MAX + 1];
	pid_t pid = spawn(sock, NULL);
	int fd = connect_sock();
	struct stat st;

	cr_assert_eq(roundtrip(fd, XS_WRITE, "/t/k\0value", 10, out), XS_WRITE);
	cr_assert_str_eq(out, "OK");
	cr_assert_eq(roundtrip(fd, XS_READ, "/t/k", 5, out), XS_READ);
	cr_assert_str_eq(out, "value");
	cr_assert_eq(roundtrip(fd, XS_READ, "k", 2, out), XS_ERROR);
	cr_assert_str_eq(out, "ENOENT");
	/* a second daemon on the same live socket refuses to start */
	pid_t second = spawn(NULL, (const char *const[]){ "--socket", sock, NULL });
	cr_assert_eq(wait_exit(second), 1);
	cr_assert_eq(roundtrip(fd, XS_READ, "/t/k", 5, out), XS_READ, "first one unharmed");
	close(fd);
	kill(pid, SIGTERM);
	cr_assert_eq(wait_exit(pid), 0);
	cr_assert_neq(stat(sock, &st), 0, "socket removed on SIGTERM");
}

Test(stored_daemon, malformed_peer_is_dropped_others_continue)
{
	char out[XENSTORE_PAYLOAD_MAX + 1], junk[64];
	pid_t pid = spawn(NULL, (const char *const[]){ "--socket", sock, NULL });
	int good = connect_sock(), bad = connect_sock();
	struct xsd_sockmsg h = { .type = XS_READ, .len = XENSTORE_PAYLOAD_MAX + 1 };

	cr_assert_eq(write(bad, &h, sizeof(h)), (ssize_t)sizeof(h));
	cr_assert_eq(read(bad, junk, sizeof(junk)), 0, "closed by the daemon");
	close(bad);
	cr_assert_eq(roundtrip(good, 9999, "x", 2, out), XS_ERROR);
	cr_assert_str_eq(out, "ENOSYS");
	cr_assert_eq(roundtrip(good, XS_GET_DOMAIN_PATH, "3", 2, out), XS_GET_DOMAIN_PATH);
	cr_assert_str_eq(out, "/local/domain/3");
	close(good);
	kill(pid, SIGTERM);
	cr_assert_eq(wait_exit(pid), 0);
	FILE *f = fopen(logf, "r");
	char log[8192] = "";
	cr_assert(f);
	log[fread(log, 1, sizeof(log) - 1, f)] = '\0';
	fclose(f);
	cr_assert(strstr(log, "exceeds 4096, disconnecting"), "logged: %s", log);
	cr_assert(strstr(log, "ready, listening on"));
}

Test(stored_daemon, bad_options_exit_2)
{
	pid_t pid = spawn(NULL, (const char *const[]){ "--socket", sock, "--quota", "nodes=x", NULL });

	cr_assert_eq(wait_exit(pid), 2);
	pid = spawn(NULL, (const char *const[]){ "--bogus", NULL });
	cr_assert_eq(wait_exit(pid), 2);
	char longp[200];
	memset(longp, 'x', sizeof(longp));
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	pid = spawn(NULL, (const char *const[]){ "--socket", longp, NULL });
	cr_assert_eq(wait_exit(pid), 1, "a path that does not fit sun_path is refused");
}
