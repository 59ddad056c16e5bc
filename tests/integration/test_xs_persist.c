/* test_xs_persist.c: hospes-stored keeps its tree in --state-dir across
 * restarts (SPEC.md §13): after SIGKILL once the save happened, after
 * SIGTERM at once; an unusable file is moved aside. No KVM needed. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "xsclient.h"

static char dir[64], sock[128], state[128], tree[160];
static pid_t pid;

static void spawn(void)
{
	char log[160];

	snprintf(log, sizeof(log), "%s/stored.log", dir);
	unlink(sock);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);

		dup2(fd, 2);
		execl(harness_path("bin/hospes-stored"), "hospes-stored", "--socket", sock,
		      "--state-dir", state, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 250 && access(sock, F_OK); i++)
		usleep(20000);
	cr_assert_eq(access(sock, F_OK), 0, "hospes-stored did not start");
}

static int stop(int sig)
{
	int st;

	kill(pid, sig);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	pid = 0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/hospes-xsp-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/xs.sock", dir);
	snprintf(state, sizeof(state), "%s/state", dir);
	snprintf(tree, sizeof(tree), "%s/tree", state);
	spawn();
}

static void teardown(void)
{
	char cmd[96];

	if (pid > 0)
		stop(SIGKILL);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", dir);
}

TestSuite(xs_persist, .init = setup, .fini = teardown, .timeout = 60);

static struct xsc *client(void)
{
	struct xsc *h;

	cr_assert_eq(xsc_open(sock, &h), 0);
	return h;
}

/* 1 once the saved file holds text (the save follows changes shortly). */
static int saved(const char *text)
{
	char buf[8192];

	for (int i = 0; i < 300; i++, usleep(10000)) {
		int fd = open(tree, O_RDONLY);
		ssize_t n = fd < 0 ? 0 : read(fd, buf, sizeof(buf) - 1);

		if (fd >= 0)
			close(fd);
		buf[n > 0 ? n : 0] = 0;
		if (strstr(buf, text))
			return 1;
	}
	return 0;
}

static void write_some(struct xsc *h)
{
	const struct xsc_perm p[2] = { { 5, XSC_NONE }, { 7, XSC_READ } };

	cr_assert_eq(xsc_write(h, 0, "/vm/a/bin", "\0\xff\n", 3), 0);
	cr_assert_eq(xsc_write_str(h, 0, "/local/domain/5/name", "five"), 0);
	cr_assert_eq(xsc_set_perms(h, 0, "/local/domain/5", p, 2), 0);
	cr_assert_eq(xsc_rm(h, 0, "/tool/xenstored"), 0);
}

static void check_some(struct xsc *h)
{
	struct xsc_perm *p;
	unsigned n;
	char *v;
	size_t len;

	cr_assert_eq(xsc_read(h, 0, "/vm/a/bin", &v, &len), 0);
	cr_assert_eq(len, 3);
	cr_assert_eq(memcmp(v, "\0\xff\n", 3), 0);
	free(v);
	cr_assert_eq(xsc_read(h, 0, "/local/domain/5/name", &v, NULL), 0);
	cr_assert_str_eq(v, "five");
	free(v);
	cr_assert_eq(xsc_get_perms(h, 0, "/local/domain/5", &p, &n), 0);
	cr_assert_eq(n, 2);
	cr_assert(p[0].domid == 5 && p[0].access == XSC_NONE && p[1].domid == 7 &&
		  p[1].access == XSC_READ);
	free(p);
	cr_assert_eq(xsc_read(h, 0, "/tool/xenstored", &v, NULL), -ENOENT, "removal kept");
}

Test(xs_persist, tree_survives_sigkill_after_the_save)
{
	struct xsc *h = client();

	write_some(h);
	xsc_close(h);
	cr_assert(saved("/local/domain/5 n5,r7"), "no save");
	cr_assert_eq(stop(SIGKILL), 128 + SIGKILL);
	spawn();
	h = client();
	check_some(h);
	xsc_close(h);
	cr_assert_eq(stop(SIGTERM), 0);
}

Test(xs_persist, sigterm_saves_at_once)
{
	struct xsc *h = client();

	write_some(h);
	xsc_close(h);
	cr_assert_eq(stop(SIGTERM), 0);
	spawn();
	h = client();
	check_some(h);
	xsc_close(h);
	cr_assert_eq(stop(SIGTERM), 0);
}

Test(xs_persist, unusable_file_is_moved_aside)
{
	char bad[192], *v;
	struct xsc *h;
	int fd;

	cr_assert_eq(stop(SIGTERM), 0);
	fd = open(tree, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "hospes-stored tree 1\n/ n0 -\n/x", 30), 30); /* torn */
	close(fd);
	spawn();
	h = client();
	cr_assert_eq(xsc_read(h, 0, "/tool/xenstored", &v, NULL), 0, "initial tree");
	free(v);
	xsc_close(h);
	snprintf(bad, sizeof(bad), "%s.bad", tree);
	cr_assert_eq(access(bad, F_OK), 0, "no %s", bad);
	cr_assert_eq(stop(SIGTERM), 0);
}
