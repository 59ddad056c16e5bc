/* test_blkback_hostile.c: a hostile block frontend (blk-hostile) next to
 * a well-behaved nido on the same hospes-blkback. Every malformed request
 * gets the status Xen's backend gives (EOPNOTSUPP for unknown and barrier
 * operations, ERROR for bad segments, ranges and grants) while valid
 * requests in the same batch succeed; overrunning the ring drops the
 * hostile device (state Closed); the other domain's disk is served
 * throughout and the daemon survives. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blk_fixture.h"
#include "harness.h"

#define IMG_BYTES (32ull << 20)
#define MEM (64ull << 20)

static struct hvctl *hv;
static struct xsc *xs;

static void start(void)
{
	bfx_session_open("blkhostile", &hv, &xs);
}

static void stop(void)
{
	bfx_session_close(&hv, &xs);
}

TestSuite(blkback_hostile, .init = start, .fini = stop, .timeout = 150);

static const struct {
	const char *name;
	int status;
} want[] = {
    {"read_ok", 0},	  {"bad_op", -2},	{"barrier", -2},	  {"nseg_0", -1},
    {"nseg_12", -1},	  {"last_sect_8", -1},	{"first_gt_last", -1},	  {"beyond_disk", -1},
    {"foreign_gref", -1}, {"indirect_300", -1}, {"indirect_nogrant", -1}, {"discard_beyond", -1},
    {"indirect_ok", 0},	  {"flush_ok", 0},
};

Test(blkback_hostile, bad_requests_and_overflow_beside_a_good_guest)
{
	const char *good = bfx_image("good.img", IMG_BYTES), *bad = bfx_image("bad.img", IMG_BYTES);
	char cmd[256], line[96], *out;
	uint32_t dg, dh;

	snprintf(cmd, sizeof(cmd),
		 "blk-dev=%u script=blk-write 51 0 8192; blk-verify 51 0 8192; blk-write 52 0 "
		 "8192; blk-verify 52 0 8192",
		 BFX_XVDA);
	dg = bfx_domain(hv, xs, "nido", MEM, cmd, BFX_XVDA, good, false, true);
	dh = bfx_domain(hv, xs, "blk-hostile", MEM, "dev=51712 overflow", BFX_XVDA, bad, false,
			true);
	bfx_wait_shutdown(hv, dh, 60000);
	out = dfx_console(dh);
	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		snprintf(line, sizeof(line), "CHECK %s %d\n", want[i].name, want[i].status);
		cr_expect(strstr(out, line), "missing '%s'\n%s\n%s", line, out, bfx_blkback_log());
	}
	cr_assert_null(strstr(out, "unknown_id"), "%s", out);
	cr_assert(strstr(out, "blk-hostile: backend state 6 after overflow"), "%s\n%s", out,
		  bfx_blkback_log());
	free(out);
	snprintf(line, sizeof(line), "dom%u: vbd %u dropped: ring overflow", dh, BFX_XVDA);
	cr_assert(bfx_blkback_log_wait(line, 2000), "%s", bfx_blkback_log());
	bfx_wait_shutdown(hv, dg, 120000);
	out = dfx_console(dg);
	cr_assert(strstr(out, "blk-verify: seed=52 start=0 count=8192 bad=0 "), "%s\n%s", out,
		  bfx_blkback_log());
	free(out);
	cr_assert_eq(bfx_check(good, 52, 0, 8192), 0);
	cr_assert_eq(kill(bfx_blkback_pid(), 0), 0, "hospes-blkback died");
}

/* Ring keys naming nothing (closed, then a clean restart of the
 * handshake), full rings and extra notifications 300 times over, then a
 * grant revoked under a request: all answered, nothing else disturbed. */
Test(blkback_hostile, flood_and_revoke_beside_a_good_guest)
{
	const char *good = bfx_image("good.img", IMG_BYTES), *bad = bfx_image("bad.img", IMG_BYTES);
	char cmd[256], *out, *p;
	unsigned ok = 0, n = 1;
	long e = 1;
	int st = 99;
	uint32_t dg, dh;

	snprintf(cmd, sizeof(cmd), "blk-dev=%u script=blk-write 61 0 8192; blk-verify 61 0 8192",
		 BFX_XVDA);
	dg = bfx_domain(hv, xs, "nido", MEM, cmd, BFX_XVDA, good, false, true);
	dh = bfx_domain(hv, xs, "blk-hostile", MEM, "dev=51712 badkeys flood", BFX_XVDA, bad, false,
			true);
	bfx_wait_shutdown(hv, dh, 90000);
	out = dfx_console(dh);
	cr_assert(strstr(out, "blk-hostile: backend state 6 after bad keys"), "%s\n%s", out,
		  bfx_blkback_log());
	p = strstr(out, "blk-hostile: flood ");
	cr_assert(p && sscanf(p, "blk-hostile: flood %u/%u", &ok, &n) == 2, "%s\n%s", out,
		  bfx_blkback_log());
	cr_assert_eq(ok, n, "%s", out);
	cr_assert_gt(n, 300 * 30);
	p = strstr(out, "blk-hostile: revoke ");
	cr_assert(p && sscanf(p, "blk-hostile: revoke %ld status %d", &e, &st) == 2, "%s", out);
	/* Revoked before the backend mapped it: the read fails; otherwise the
	 * revocation is refused (-EBUSY) or came after the answer. */
	cr_assert(st == 0 || (st == -1 && e == 0), "revoke %ld status %d", e, st);
	free(out);
	bfx_wait_shutdown(hv, dg, 120000);
	out = dfx_console(dg);
	cr_assert(strstr(out, "blk-verify: seed=61 start=0 count=8192 bad=0 "), "%s\n%s", out,
		  bfx_blkback_log());
	free(out);
	cr_assert_eq(kill(bfx_blkback_pid(), 0), 0, "hospes-blkback died");
}
