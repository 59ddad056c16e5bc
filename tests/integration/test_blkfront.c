/* test_blkfront.c: nido's blkfront against hospes-blkback (SPEC.md §18.2):
 * patterns written by the guest are checked in the image by the host and
 * the other way round; partial pages, multi-page ring, indirect requests,
 * flush, discard, the blk-bench line, the reconnection after the
 * backend was killed and restarted while requests were in flight, and a
 * backend looking at the same Initialised twice. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blk_fixture.h"
#include "harness.h"

#define MEM (64ull << 20)

static struct xsc *xs_conn; /* one xenstore client per test */

static void start(void)
{
	bfx_start("bf");
}

static void stop(void)
{
	if (xs_conn)
		xsc_close(xs_conn);
	xs_conn = NULL;
	bfx_stop();
}

TestSuite(blkfront, .init = start, .fini = stop, .timeout = 180);

static struct xsc *xs(void)
{
	if (!xs_conn)
		xs_conn = xsfx_client();
	return xs_conn;
}

static void expect_console(uint32_t dom, const char *text)
{
	cr_assert(dfx_console_wait(dom, text, 30000), "dom%u never printed '%s':\n%s\nblkback:\n%s",
		  dom, text, dfx_console(dom), bfx_blkback_log());
}

/* The decimal after "key=" in the last line of dom's console that has it. */
static unsigned long console_num(uint32_t dom, const char *key)
{
	char *c = dfx_console(dom), *p, *last = NULL;
	unsigned long v;

	for (p = c; (p = strstr(p, key)); p += strlen(key))
		last = p;
	cr_assert_not_null(last, "no '%s' in:\n%s", key, c);
	v = strtoul(last + strlen(key), NULL, 10);
	free(c);
	return v;
}

static uint32_t boot(struct hvctl *h, const char *img, const char *script)
{
	return bfx_domain(h, xs(), "nido", MEM, script, BFX_XVDA, img, false, true);
}

/* Guest writes (2 MiB through indirect requests, a 5-sector write inside
 * one page, a 300-sector one), host checks every sector; what was not
 * written keeps the host's pattern. */
Test(blkfront, guest_writes_host_checks)
{
	const char *img = bfx_image("gw", 8 << 20);
	struct hvctl *h = dfx_connect();
	uint32_t dom;

	bfx_fill(img, 1, 0, 16384);
	dom = boot(h, img, "script=blk-write 7 0 4096; blk-write 9 8003 5; blk-write 5 9001 300; "
			   "blk-flush; blk-info; poweroff");
	bfx_wait_shutdown(h, dom, 60000);
	expect_console(dom, "blk-write: seed=7 start=0 count=4096 ok");
	expect_console(dom, "blk-write: seed=9 start=8003 count=5 ok");
	expect_console(dom, "blk-write: seed=5 start=9001 count=300 ok");
	expect_console(dom, "blk-flush: 0");
	expect_console(dom, "max-indirect=256 ring-order=2 ring-slots=128 ids=128");
	cr_assert_eq(bfx_check(img, 7, 0, 4096), 0);
	cr_assert_eq(bfx_check(img, 9, 8003, 5), 0);
	cr_assert_eq(bfx_check(img, 5, 9001, 300), 0);
	/* Neighbours untouched (and the check does notice a wrong seed). */
	cr_assert_eq(bfx_check(img, 1, 4096, 8003 - 4096), 0);
	cr_assert_eq(bfx_check(img, 1, 8008, 9001 - 8008), 0);
	cr_assert_eq(bfx_check(img, 1, 9301, 16384 - 9301), 0);
	cr_assert_eq(bfx_check(img, 1, 8003, 5), 5);
	/* 2 MiB in 1 MiB chunks: indirect requests of 256 segments. */
	cr_assert_geq(console_num(dom, "indirect="), 2);
	hvctl_close(h);
}

/* Host writes, guest verifies (and catches a wrong seed). */
Test(blkfront, host_writes_guest_verifies)
{
	const char *img = bfx_image("hw", 4 << 20);
	struct hvctl *h = dfx_connect();
	uint32_t dom;

	bfx_fill(img, 11, 100, 2500);
	dom = boot(h, img, "script=blk-verify 11 100 2500; blk-verify 12 100 3; blk-read 100 1; "
			   "poweroff");
	bfx_wait_shutdown(h, dom, 60000);
	expect_console(dom, "blk-verify: seed=11 start=100 count=2500 bad=0 first-bad=0");
	expect_console(dom, "blk-verify: seed=12 start=100 count=3 bad=3 first-bad=100");
	hvctl_close(h);
}

/* Discard: the sectors read back as zeros on the host and in the guest. */
Test(blkfront, discard)
{
	const char *img = bfx_image("dc", 4 << 20);
	struct hvctl *h = dfx_connect();
	static uint8_t buf[64 * 512], zero[64 * 512];
	uint32_t dom;
	int fd;

	bfx_fill(img, 3, 0, 8192);
	dom = boot(h, img, "script=blk-discard 64 64; blk-read 64 64; poweroff");
	bfx_wait_shutdown(h, dom, 60000);
	expect_console(dom, "blk-discard: start=64 count=64 0");
	expect_console(dom, "blk-read: start=64 count=64 word0=0 xor=0");
	fd = open(img, O_RDONLY);
	cr_assert_geq(fd, 0);
	cr_assert_eq(pread(fd, buf, sizeof(buf), 64 * 512), (ssize_t)sizeof(buf));
	close(fd);
	cr_assert_eq(memcmp(buf, zero, sizeof(buf)), 0, "discarded sectors are not zero");
	cr_assert_eq(bfx_check(img, 3, 0, 64), 0);
	cr_assert_eq(bfx_check(img, 3, 128, 8192 - 128), 0);
	hvctl_close(h);
}

/* The benchmark line (format in nido's README) for a queue of 32 reads
 * and 1 MiB sequential writes. */
Test(blkfront, bench_line)
{
	const char *img = bfx_image("bl", 16 << 20);
	struct hvctl *h = dfx_connect();
	uint32_t dom = boot(h, img, "script=blk-bench rand read 4k 32 300; "
				    "blk-bench seq write 1m 2 8; blk-bench seq read 1m 8 16; poweroff");
	char *c;
	unsigned ok = 0;

	bfx_wait_shutdown(h, dom, 60000);
	expect_console(dom, "blk-bench: mode=rand op=read bs=4096 qd=32 ios=300 bytes=1228800 ns=");
	expect_console(dom, "blk-bench: mode=seq op=write bs=1048576 qd=2 ios=8 bytes=8388608 ns=");
	/* 8 x 1 MiB does not fit the 2 MiB pool: the queue is capped at 2. */
	expect_console(dom, "blk-bench: mode=seq op=read bs=1048576 qd=2 ios=16 bytes=16777216 ns=");
	c = dfx_console(dom);
	for (char *p = c; (p = strstr(p, " errors=0\n")); p++)
		ok++;
	free(c);
	cr_assert_eq(ok, 3, "a benchmark saw errors:\n%s", dfx_console(dom));
	hvctl_close(h);
}

/* The backend is killed while a queue of writes is in flight and started
 * again: the frontend reconnects on a fresh ring, re-sends what was not
 * answered, and every write lands (checked by the host). */
Test(blkfront, reconnect_after_backend_kill)
{
	const char *img = bfx_image("rc", 16 << 20);
	struct hvctl *h = dfx_connect();
	uint32_t dom = boot(h, img, "script=blk-info; blk-bench seq write 4k 64 4s; "
				    "blk-write 13 0 4096; blk-verify 13 0 4096; blk-info; poweroff");

	expect_console(dom, "blk-info:");
	usleep(1000000); /* the benchmark is running: 64 writes in flight */
	bfx_blkback_kill();
	usleep(200000);
	bfx_blkback_start();
	bfx_wait_shutdown(h, dom, 60000);
	expect_console(dom, "blk-bench: mode=seq op=write bs=4096 qd=64");
	cr_assert_eq(console_num(dom, "errors="), 0);
	expect_console(dom, "blk-verify: seed=13 start=0 count=4096 bad=0");
	cr_assert_eq(console_num(dom, "reconnects="), 1, "blkback:\n%s", bfx_blkback_log());
	cr_assert_geq(console_num(dom, "reissued="), 1);
	cr_assert_eq(bfx_check(img, 13, 0, 4096), 0);
	hvctl_close(h);
}

/* The backend looks at the frontend's state again while it reads the
 * Initialised it already connected on (a watch event queued behind the
 * one it acted on; a fast guest after a takeover): the ring keys are the
 * same, so it stays on that ring and the frontend sees no reconnection.
 * The test writes state 3 again over unchanged keys, then 4 back. */
Test(blkfront, initialised_seen_again_keeps_the_ring)
{
	const char *img = bfx_image("i2", 4 << 20);
	struct hvctl *h = dfx_connect();
	char state[96], go[96], *log;
	uint32_t dom = boot(h, img, "script=blk-info; xs-watch data/go 2; blk-write 3 0 512; "
				    "blk-verify 3 0 512; blk-stats; poweroff");

	expect_console(dom, "blk-info:");
	snprintf(state, sizeof(state), "/local/domain/%u/device/vbd/%u/state", dom, BFX_XVDA);
	snprintf(go, sizeof(go), "/local/domain/%u/data/go", dom);
	cr_assert_eq(xsc_write_str(xs(), 0, state, "3"), 0);
	cr_assert(bfx_blkback_log_wait("Initialised again, same ring: stays connected", 20000),
		  "blkback:\n%s", bfx_blkback_log());
	cr_assert_eq(xsc_write_str(xs(), 0, state, "4"), 0);
	cr_assert_eq(xsc_write_str(xs(), 0, go, "1"), 0);
	bfx_wait_shutdown(h, dom, 60000);
	expect_console(dom, "blk-verify: seed=3 start=0 count=512 bad=0");
	log = bfx_blkback_log();
	cr_assert_eq(console_num(dom, "reconnects="), 0, "blkback:\n%s", log);
	cr_assert_null(strstr(log, "dropped"), "blkback:\n%s", log);
	free(log);
	cr_assert_eq(bfx_check(img, 3, 0, 512), 0);
	hvctl_close(h);
}

/* A one-page ring (blk-order=0): 32 ids, the same data path. */
Test(blkfront, one_page_ring)
{
	const char *img = bfx_image("o0", 4 << 20);
	struct hvctl *h = dfx_connect();
	uint32_t dom = boot(h, img, "blk-order=0 script=blk-write 21 40 3000; blk-verify 21 40 3000; "
				    "blk-info; poweroff");

	bfx_wait_shutdown(h, dom, 60000);
	expect_console(dom, "ring-order=0 ring-slots=32 ids=32");
	expect_console(dom, "blk-verify: seed=21 start=40 count=3000 bad=0");
	cr_assert_eq(bfx_check(img, 21, 40, 3000), 0);
	hvctl_close(h);
}

/* A read-only disk: info has VDISK_READONLY, writes are refused in the
 * guest (-EACCES), discard is not offered (-EOPNOTSUPP), neither reaches
 * the image; reads work. */
Test(blkfront, read_only_disk)
{
	const char *img = bfx_image("ro", 1 << 20);
	struct hvctl *h = dfx_connect();
	uint32_t dom;

	bfx_fill(img, 2, 0, 2048);
	dom = bfx_domain(h, xs(), "nido", MEM, "script=blk-info; blk-write 3 0 8; "
			 "blk-discard 0 8; blk-verify 2 0 2048; poweroff", BFX_XVDA, img, true, true);
	bfx_wait_shutdown(h, dom, 60000);
	expect_console(dom, "blk-info: sectors=2048 sector-size=512 info=4 ");
	expect_console(dom, "blk-write: start=0 count=8 error=-13");
	expect_console(dom, "discard=0 ");
	expect_console(dom, "blk-discard: start=0 count=8 -95");
	expect_console(dom, "blk-verify: seed=2 start=0 count=2048 bad=0");
	cr_assert_eq(bfx_check(img, 2, 0, 2048), 0);
	hvctl_close(h);
}
