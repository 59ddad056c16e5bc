/* blk_fixture.c: hospes-hv + hospes-stored + hospes-blkback (started,
 * stopped, killed), image files, blkback's stats and log (see
 * blk_fixture.h; the xenstore steps are in blk_fixture_dom.c). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "blk_fixture.h"
#include "harness.h"

#define BFX_IMAGES 8

static char dir[64], logpath[160];
static char images[BFX_IMAGES][160];
static unsigned nimages;
static pid_t pid;

char *bfx_blkback_log(void)
{
	return harness_read_file(logpath);
}

int bfx_blkback_log_wait(const char *text, int ms)
{
	for (int t = 0; t <= ms; t += 20) {
		char *l = bfx_blkback_log();
		int found = strstr(l, text) != NULL;

		free(l);
		if (found)
			return 1;
		usleep(20000);
	}
	return 0;
}

void bfx_blkback_start(void)
{
	char sock[128];
	/* Count "ready" lines so a restart waits for its own. */
	int ready_before = harness_file_count(logpath, "blkback: ready");

	snprintf(sock, sizeof(sock), "%s/blkback.sock", dir);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0600);

		dup2(fd, 2);
		execl(harness_path("bin/hospes-blkback"), "hospes-blkback", "--socket", sock,
		      "--state-dir", dir, "--hv-socket", dfx_socket(), "--xs-socket", xsfx_socket(),
		      (char *)NULL);
		_exit(127);
	}
	harness_wait_ready(pid, logpath, "blkback: ready", ready_before, "hospes-blkback");
}

int bfx_blkback_stop(void)
{
	int code = harness_stop_child(pid, 5000);

	pid = 0;
	return code;
}

void bfx_blkback_kill(void)
{
	cr_assert_gt(pid, 0);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	pid = 0;
}

int bfx_blkback_pid(void)
{
	return (int)pid;
}

void bfx_start(const char *tag)
{
	gsfx_start(tag);
	snprintf(dir, sizeof(dir), "/tmp/hospes-blk-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(logpath, sizeof(logpath), "%s/blkback.err", dir);
	nimages = 0;
	bfx_blkback_start();
}

void bfx_session_open(const char *tag, struct hvctl **hv, struct xsc **xs)
{
	int r;

	bfx_start(tag);
	*hv = dfx_connect();
	r = xsc_open(xsfx_socket(), xs);
	cr_assert_eq(r, 0, "xenstore: %s", xsc_strerror(r));
}

void bfx_session_close(struct hvctl **hv, struct xsc **xs)
{
	if (*xs)
		xsc_close(*xs);
	*xs = NULL;
	if (*hv)
		hvctl_close(*hv);
	*hv = NULL;
	bfx_stop();
}

void bfx_stop(void)
{
	char cmd[128];
	int code = pid > 0 ? bfx_blkback_stop() : 0;

	/* A clean exit on SIGTERM (under ASan: no leak, no error report). */
	cr_expect_eq(code, 0, "hospes-blkback exited %d:\n%s", code, bfx_blkback_log());
	gsfx_stop();
	if (dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd))
			fprintf(stderr, "cannot remove %s\n", dir);
		dir[0] = 0;
	}
}

const char *bfx_image(const char *name, uint64_t bytes)
{
	char *p;
	int fd;

	cr_assert_lt(nimages, BFX_IMAGES);
	p = images[nimages++];
	snprintf(p, sizeof(images[0]), "%s/%s", dir, name);
	fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0600);
	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, (off_t)bytes), 0);
	close(fd);
	return p;
}

long long bfx_stat(uint32_t domid, unsigned devid, const char *key)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/vbd-%u-%u.stats", dir, domid, devid);
	return harness_stats_value(path, key);
}

void bfx_wait_shutdown(struct hvctl *h, uint32_t domid, uint32_t ms)
{
	struct hvctl_dominfo i;
	double end = dfx_now_ms() + ms;

	for (;;) {
		cr_assert_eq(hvctl_info(h, domid, &i), 0, "dom%u is gone", domid);
		if (i.state != HVCTL_STATE_CREATED && i.state != HVCTL_STATE_RUNNING &&
		    i.state != HVCTL_STATE_PAUSED)
			break;
		cr_assert_lt(dfx_now_ms(), end,
			     "dom%u still in state %u after %u ms\nblkback:\n%s\nconsole:\n%s",
			     domid, i.state, ms, bfx_blkback_log(), dfx_console(domid));
		usleep(20000);
	}
	cr_assert_eq(i.state, HVCTL_STATE_SHUTDOWN,
		     "dom%u ended in state %u\nconsole:\n%s\nblkback:\n%s", domid, i.state,
		     dfx_console(domid), bfx_blkback_log());
}
