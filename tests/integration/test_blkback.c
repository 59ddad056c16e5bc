/* test_blkback.c: nido's disk through hospes-blkback on raw image files:
 * data the guest writes is on the host image (checked sector by sector
 * with the shared pattern), data the host wrote is read back by the
 * guest, flushes reach fdatasync, discards punch holes, a read-only disk
 * refuses writes, and the frontend's indirect and persistent-grant paths
 * are the ones the backend served (its stats file). */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pvabi/blkif.h>

#include "blk_fixture.h"
#include "harness.h"

#define IMG_BYTES (32ull << 20)
#define MEM (64ull << 20)

static struct hvctl *hv;
static struct xsc *xs;

static void start(void)
{
	bfx_session_open("blkback", &hv, &xs);
}

static void stop(void)
{
	bfx_session_close(&hv, &xs);
}

TestSuite(blkback, .init = start, .fini = stop, .timeout = 120);

/* Boots nido with a disk and a script; waits for its shutdown; returns
 * its console (malloc'd). */
static char *run_nido(const char *image, bool ro, const char *script, uint32_t *domid)
{
	char cmd[1024];
	uint32_t d;

	snprintf(cmd, sizeof(cmd), "blk-dev=%u script=%s", BFX_XVDA, script);
	d = bfx_domain(hv, xs, "nido", MEM, cmd, BFX_XVDA, image, ro, true);
	bfx_wait_shutdown(hv, d, 90000);
	if (domid)
		*domid = d;
	return dfx_console(d);
}

Test(blkback, guest_writes_reach_the_image)
{
	const char *img = bfx_image("disk.img", IMG_BYTES);
	uint32_t d;
	char *out =
	    run_nido(img, false, "blk-info; blk-write 11 100 4096; blk-flush; blk-info", &d);

	cr_assert(strstr(out, "blk-write: seed=11 start=100 count=4096 ok"), "%s\n%s", out,
		  bfx_blkback_log());
	cr_assert(strstr(out, "blk-flush: 0"), "%s", out);
	cr_assert(strstr(out, "blk-info: sectors=65536 sector-size=512 info=0 flush=1 discard=1 "
			      "persistent=1"),
		  "%s", out);
	cr_assert_eq(bfx_check(img, 11, 100, 4096), 0, "sectors differ on the host image");
	/* Untouched sectors stay zero (nothing written out of range). */
	cr_assert_eq(bfx_check(img, 11, 4196, 1), 1);
	for (int i = 0; i < 50 && bfx_stat(d, BFX_XVDA, "fdatasyncs") < 1; i++)
		usleep(20000);
	cr_assert_geq(bfx_stat(d, BFX_XVDA, "fdatasyncs"), 1, "no fdatasync for the flush");
	cr_assert_eq(bfx_stat(d, BFX_XVDA, "errors"), 0);
	/* nido sends 1 MiB requests (indirect) from its granted-once pool
	 * (persistent): both paths were the ones served. */
	cr_assert_geq(bfx_stat(d, BFX_XVDA, "indirect"), 2); /* 2 MiB */
	cr_assert_gt(bfx_stat(d, BFX_XVDA, "persistent_hits"), 0);
	cr_assert_gt(bfx_stat(d, BFX_XVDA, "persistent_grants"), 0);
	cr_assert_eq(bfx_stat(d, BFX_XVDA, "bytes_written"), 4096 * 512);
	free(out);
}

Test(blkback, host_data_read_by_guest)
{
	const char *img = bfx_image("disk.img", IMG_BYTES);
	char *out;

	bfx_fill(img, 5, 0, 8192);
	out = run_nido(img, false, "blk-verify 5 0 8192; blk-verify 6 0 16; blk-read 8192 8", NULL);
	cr_assert(strstr(out, "blk-verify: seed=5 start=0 count=8192 bad=0 "), "%s\n%s", out,
		  bfx_blkback_log());
	/* the wrong seed must be noticed: the check is real */
	cr_assert(strstr(out, "blk-verify: seed=6 start=0 count=16 bad=16 "), "%s", out);
	cr_assert(strstr(out, "blk-read: start=8192 count=8 word0=0 xor=0"), "%s", out);
	free(out);
}

Test(blkback, discard_punches_holes)
{
	const char *img = bfx_image("disk.img", IMG_BYTES);
	struct stat before, after;
	char *out;
	int fd;

	bfx_fill(img, 9, 0, 8192); /* 4 MiB allocated */
	cr_assert_eq(stat(img, &before), 0);
	out = run_nido(img, false, "blk-discard 0 4096; blk-read 0 4096; blk-verify 9 4096 4096",
		       NULL);
	cr_assert(strstr(out, "blk-discard: start=0 count=4096 0"), "%s\n%s", out,
		  bfx_blkback_log());
	cr_assert(strstr(out, "blk-read: start=0 count=4096 word0=0 xor=0"), "%s", out);
	cr_assert(strstr(out, "blk-verify: seed=9 start=4096 count=4096 bad=0 "), "%s", out);
	cr_assert_eq(stat(img, &after), 0);
	cr_assert_eq(after.st_size, before.st_size, "discard changed the image size");
	cr_assert_leq(after.st_blocks + 2 * 1024 * 2, before.st_blocks,
		      "blocks before %lld after %lld", (long long)before.st_blocks,
		      (long long)after.st_blocks);
	fd = open(img, O_RDONLY);
	cr_assert_eq(lseek(fd, 0, SEEK_HOLE), 0, "no hole at the start of the image");
	close(fd);
	cr_assert_eq(bfx_check(img, 9, 4096, 4096), 0);
	free(out);
}

Test(blkback, readonly_disk_refuses_writes)
{
	const char *img = bfx_image("ro.img", IMG_BYTES);
	uint32_t d;
	char *out;

	bfx_fill(img, 4, 0, 64);
	out = run_nido(img, true, "blk-info; blk-write 8 0 64; blk-discard 0 64; blk-verify 4 0 64",
		       &d);
	cr_assert(strstr(out, "info=4 "), "%s", out);
	cr_assert(strstr(out, "blk-write: start=0 count=64 error="), "%s", out);
	cr_assert_null(strstr(out, "blk-discard: start=0 count=64 0"), "%s", out);
	cr_assert(strstr(out, "blk-verify: seed=4 start=0 count=64 bad=0 "), "%s", out);
	cr_assert_eq(bfx_check(img, 4, 0, 64), 0, "the read-only image changed");
	free(out);
}

Test(blkback, two_domains_at_once)
{
	const char *a = bfx_image("a.img", IMG_BYTES), *b = bfx_image("b.img", IMG_BYTES);
	char cmd[256];
	uint32_t da, db;
	char *oa, *ob;

	snprintf(cmd, sizeof(cmd), "blk-dev=%u script=blk-write 21 0 8192; blk-verify 21 0 8192",
		 BFX_XVDA);
	da = bfx_domain(hv, xs, "nido", MEM, cmd, BFX_XVDA, a, false, true);
	snprintf(cmd, sizeof(cmd), "blk-dev=%u script=blk-write 22 0 8192; blk-verify 22 0 8192",
		 BFX_XVDA);
	db = bfx_domain(hv, xs, "nido", MEM, cmd, BFX_XVDA, b, false, true);
	bfx_wait_shutdown(hv, da, 90000);
	bfx_wait_shutdown(hv, db, 90000);
	oa = dfx_console(da);
	ob = dfx_console(db);
	cr_assert(strstr(oa, "blk-verify: seed=21 start=0 count=8192 bad=0 "), "%s", oa);
	cr_assert(strstr(ob, "blk-verify: seed=22 start=0 count=8192 bad=0 "), "%s", ob);
	cr_assert_eq(bfx_check(a, 21, 0, 8192), 0);
	cr_assert_eq(bfx_check(b, 22, 0, 8192), 0);
	free(oa);
	free(ob);
}

/* The toolstack removing the backend directory tears the device down
 * (the daemon keeps serving and exits cleanly afterwards). */
Test(blkback, backend_dir_removed)
{
	const char *img = bfx_image("disk.img", IMG_BYTES);
	char path[96], want[64];
	uint32_t d;
	char *out = run_nido(img, false, "blk-write 3 0 64; blk-verify 3 0 64", &d);
	int r;

	cr_assert(strstr(out, "blk-verify: seed=3 start=0 count=64 bad=0 "), "%s", out);
	free(out);
	snprintf(path, sizeof(path), "/local/domain/0/backend/vbd/%u", d);
	r = xsc_rm(xs, 0, path);
	cr_assert_eq(r, 0, "rm %s: %s", path, xsc_strerror(r));
	snprintf(want, sizeof(want), "dom%u: vbd %u removed", d, BFX_XVDA);
	cr_assert(bfx_blkback_log_wait(want, 3000), "%s", bfx_blkback_log());
	cr_assert_eq(bfx_stat(d, BFX_XVDA, "connected"), 0);
}

/* A domain ends, the toolstack removes its directories, and the next
 * domain gets the same id and a disk at the same path before the backend
 * looked: it must not keep the old device (stale keys, stale ring). */
Test(blkback, domid_reused_for_a_new_disk)
{
	const char *img = bfx_image("disk.img", IMG_BYTES);
	char path[96], cmd[160];
	uint32_t d1, d2;
	char *out = run_nido(img, false, "blk-write 13 0 64", &d1);
	struct hvctl_dominfo info;

	cr_assert(strstr(out, "blk-write: seed=13 start=0 count=64 ok"), "%s", out);
	free(out);
	cr_assert_eq(hvctl_destroy(hv, d1), 0);
	for (int i = 0; i < 200 && hvctl_info(hv, d1, &info) == 0; i++)
		usleep(10000);
	snprintf(path, sizeof(path), "/local/domain/0/backend/vbd/%u", d1);
	cr_assert_eq(xsc_rm(xs, 0, path), 0);
	xsc_release(xs, d1); /* may already be released: the domain is gone */
	snprintf(path, sizeof(path), "/local/domain/%u", d1);
	cr_assert_eq(xsc_rm(xs, 0, path), 0);
	snprintf(cmd, sizeof(cmd), "blk-dev=%u script=blk-info; blk-verify 13 0 64", BFX_XVDA);
	d2 = bfx_domain(hv, xs, "nido", MEM, cmd, BFX_XVDA, img, false, true);
	cr_assert_eq(d2, d1, "the id was not reused: the test needs it");
	bfx_wait_shutdown(hv, d2, 60000);
	out = dfx_console(d2);
	cr_assert(strstr(out, "blk-info: sectors=65536 sector-size=512"), "%s\n%s", out,
		  bfx_blkback_log());
	cr_assert(strstr(out, "blk-verify: seed=13 start=0 count=64 bad=0 "), "%s", out);
	free(out);
}

/* Two disks in one domain: each request reaches its own image. */
Test(blkback, two_disks_in_one_domain)
{
	const char *a = bfx_image("a.img", IMG_BYTES), *b = bfx_image("b.img", IMG_BYTES);
	char cmd[160];
	uint32_t d;
	char *out;
	int r;

	snprintf(cmd, sizeof(cmd), "blk-dev=%u script=blk-write 71 0 256; blk-verify 71 0 256",
		 BFX_XVDA + 16);
	d = bfx_domain(hv, xs, "nido", MEM, cmd, BFX_XVDA, a, false, false);
	bfx_add_disk(xs, d, BFX_XVDA + 16, b, false);
	r = hvctl_start(hv, d);
	cr_assert_eq(r, 0, "start: %s", hvctl_strerror(r));
	bfx_wait_shutdown(hv, d, 60000);
	out = dfx_console(d);
	cr_assert(strstr(out, "blk: connected device/vbd/51728 "), "%s", out);
	cr_assert(strstr(out, "blk-verify: seed=71 start=0 count=256 bad=0 "), "%s\n%s", out,
		  bfx_blkback_log());
	free(out);
	cr_assert_eq(bfx_check(b, 71, 0, 256), 0, "xvdb's image lacks the data");
	cr_assert_eq(bfx_check(a, 71, 0, 256), 256, "xvda's image was written");
	/* both devices were taken over and advertised */
	for (int i = 0; i < 50 && bfx_stat(d, BFX_XVDA + 16, "writes") < 1; i++)
		usleep(20000); /* the stats file is rewritten every 100 ms */
	cr_assert_geq(bfx_stat(d, BFX_XVDA + 16, "writes"), 1);
}
