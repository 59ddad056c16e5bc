/* test_blkback_recovery.c: hospes-blkback crashes (SIGKILL) in the middle
 * of a guest's write workload and is started again: it takes the device
 * over (InitWait), nido's frontend sets up a fresh ring and re-issues what
 * was not answered, and every write the guest saw acknowledged is on the
 * image. Also: a clean restart (SIGTERM drains) while idle. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blk_fixture.h"
#include "harness.h"

#define IMG_BYTES (64ull << 20)
#define MEM (64ull << 20)

static struct hvctl *hv;
static struct xsc *xs;

static void start(void)
{
	bfx_session_open("blkrecov", &hv, &xs);
}

static void stop(void)
{
	bfx_session_close(&hv, &xs);
}

TestSuite(blkback_recovery, .init = start, .fini = stop, .timeout = 150);

/* The workload: 3 passes of 6 MiB writes then a verify of the last. The
 * device is connected first (a one-sector read) and the
 * guest sleeps pause_ms before writing, so the test can act in between. */
static uint32_t boot_paused(const char *img, unsigned pause_ms)
{
	char cmd[512], pre[64] = "";

	if (pause_ms)
		snprintf(pre, sizeof(pre), "blk-read 0 1; sleep %u; ", pause_ms);
	snprintf(cmd, sizeof(cmd),
		 "blk-dev=%u script=%sblk-write 41 0 12288; blk-write 42 0 12288; "
		 "blk-write 43 0 12288; blk-verify 43 0 12288; blk-info",
		 BFX_XVDA, pre);
	return bfx_domain(hv, xs, "nido", MEM, cmd, BFX_XVDA, img, false, true);
}

static void check(uint32_t d, const char *img, int want_reconnect)
{
	char *out;

	bfx_wait_shutdown(hv, d, 120000);
	out = dfx_console(d);
	cr_assert(strstr(out, "blk-write: seed=43 start=0 count=12288 ok"), "%s\n%s", out,
		  bfx_blkback_log());
	cr_assert(strstr(out, "blk-verify: seed=43 start=0 count=12288 bad=0 "), "%s\n%s", out,
		  bfx_blkback_log());
	if (want_reconnect)
		cr_assert_null(strstr(out, "reconnects=0 "), "no reconnection:\n%s\n%s", out,
			       bfx_blkback_log());
	cr_assert_eq(bfx_check(img, 43, 0, 12288), 0, "acknowledged writes missing on the image");
	free(out);
}

Test(blkback_recovery, sigkill_during_writes)
{
	const char *img = bfx_image("disk.img", IMG_BYTES);
	uint32_t d = boot_paused(img, 500);

	cr_assert(dfx_console_wait(d, "blk: connected", 30000), "%s\n%s", dfx_console(d),
		  bfx_blkback_log());
	/* Independent of the guest's speed: the backend stops answering
	 * while the guest sleeps, so the first pass's writes are queued and
	 * unanswered when it dies. */
	cr_assert_eq(kill(bfx_blkback_pid(), SIGSTOP), 0);
	usleep(700000);
	bfx_blkback_kill();
	usleep(200000);
	bfx_blkback_start();
	cr_assert(bfx_blkback_log_wait("taking over a connected frontend", 5000), "%s",
		  bfx_blkback_log());
	check(d, img, 1);
}

Test(blkback_recovery, two_crashes_in_a_row)
{
	const char *img = bfx_image("disk.img", IMG_BYTES);
	uint32_t d = boot_paused(img, 500);

	cr_assert(dfx_console_wait(d, "blk: connected", 30000), "%s\n%s", dfx_console(d),
		  bfx_blkback_log());
	/* As above, independent of the guest's speed: the first backend is
	 * stopped before the writes start and dies with them queued; the
	 * second dies while taking the device over. */
	cr_assert_eq(kill(bfx_blkback_pid(), SIGSTOP), 0);
	usleep(700000);
	for (int i = 0; i < 2; i++) {
		bfx_blkback_kill();
		usleep(50000);
		bfx_blkback_start();
		cr_assert(bfx_blkback_log_wait("taking over a connected frontend", 5000), "%s",
			  bfx_blkback_log());
	}
	check(d, img, 1);
}

Test(blkback_recovery, sigterm_restart_drains)
{
	const char *img = bfx_image("disk.img", IMG_BYTES);
	uint32_t d = boot_paused(img, 500);

	cr_assert(dfx_console_wait(d, "blk: connected", 30000), "%s\n%s", dfx_console(d),
		  bfx_blkback_log());
	/* writes queued while the backend is stopped; then a clean stop */
	cr_assert_eq(kill(bfx_blkback_pid(), SIGSTOP), 0);
	usleep(700000);
	cr_assert_eq(kill(bfx_blkback_pid(), SIGCONT), 0);
	cr_assert_eq(bfx_blkback_stop(), 0, "%s", bfx_blkback_log());
	bfx_blkback_start();
	check(d, img, 1);
}
