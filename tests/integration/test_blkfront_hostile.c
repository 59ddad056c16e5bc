/* test_blkfront_hostile.c: nido's blkfront against a backend played by
 * the test (xenstore handshake, ring mapped through libhvctl, port bound
 * to eventfds) that answers badly: an ERROR status becomes -EIO, an
 * EOPNOTSUPP status -EOPNOTSUPP, and more responses than requests (a
 * broken ring) an -EIO for the caller; the guest keeps running and powers
 * off normally (SPEC.md §18.2). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pvabi/blkif.h>
#include <pvabi/sched.h>

#include "guest_store_fixture.h"
#include "harness.h"

#define DEVID 51712u

static void start(void)
{
	gsfx_start("bfh");
}

static void stop(void)
{
	int code = gsfx_stop();

	cr_assert_eq(code, 0, "hospes-stored exited with %d", code);
}

TestSuite(blkfront_hostile, .init = start, .fini = stop, .timeout = 120);

static char fe[128], be[128];

static void put(struct xsc *xs, const char *dir, const char *key, const char *val)
{
	char p[192];

	snprintf(p, sizeof(p), "%s/%s", dir, key);
	cr_assert_eq(xsc_write_str(xs, 0, p, val), 0, "write %s", p);
}

static unsigned long get_num(struct xsc *xs, const char *key)
{
	char p[192], *v = NULL;
	unsigned long n;

	snprintf(p, sizeof(p), "%s/%s", fe, key);
	cr_assert_eq(xsc_read(xs, 0, p, &v, &(size_t){ 0 }), 0, "read %s", p);
	n = strtoul(v, NULL, 10);
	free(v);
	return n;
}

static void setup_dirs(struct xsc *xs, uint32_t dom)
{
	struct xsc_perm feperm[2] = { { dom, XSC_NONE }, { 0, XSC_READ } };
	struct xsc_perm beperm[2] = { { 0, XSC_NONE }, { dom, XSC_READ } };
	char v[16];

	snprintf(fe, sizeof(fe), "/local/domain/%u/device/vbd/%u", dom, DEVID);
	snprintf(be, sizeof(be), "/local/domain/0/backend/vbd/%u/%u", dom, DEVID);
	cr_assert_eq(xsc_mkdir(xs, 0, be), 0);
	cr_assert_eq(xsc_set_perms(xs, 0, be, beperm, 2), 0);
	put(xs, be, "frontend", fe);
	snprintf(v, sizeof(v), "%u", dom);
	put(xs, be, "frontend-id", v);
	put(xs, be, "feature-flush-cache", "1");
	put(xs, be, "state", "2");
	cr_assert_eq(xsc_mkdir(xs, 0, fe), 0);
	put(xs, fe, "backend", be);
	put(xs, fe, "backend-id", "0");
	put(xs, fe, "state", "1");
	cr_assert_eq(xsc_set_perms(xs, 0, fe, feperm, 2), 0);
}

static void wait_fe_initialised(struct xsc *xs, uint32_t dom)
{
	for (double t0 = dfx_now_ms(); dfx_now_ms() - t0 < 20000; usleep(10000))
		if (get_num(xs, "state") == 3)
			return;
	cr_assert_fail("frontend never Initialised:\n%s", dfx_console(dom));
}

/* Waits until the guest published n requests; returns request n-1. */
static struct blkif_request wait_req(volatile struct blkif_sring *s, uint32_t n, uint32_t dom)
{
	struct blkif_request r;

	for (double t0 = dfx_now_ms(); s->hdr.req_prod < n; usleep(1000))
		cr_assert_lt(dfx_now_ms() - t0, 20000, "no request %u:\n%s", n, dfx_console(dom));
	memcpy(&r, (const void *)&s->ring[(n - 1) & 31].req, sizeof(r));
	return r;
}

static void answer(volatile struct blkif_sring *s, uint32_t idx, uint64_t id, uint8_t op,
		   int16_t status)
{
	volatile struct blkif_response *o = &s->ring[idx & 31].rsp;

	o->id = id;
	o->operation = op;
	o->status = status;
}

static void kick(int kfd)
{
	uint64_t one = 1;

	cr_assert_eq(write(kfd, &one, sizeof(one)), (ssize_t)sizeof(one));
}

Test(blkfront_hostile, bad_answers_are_errors_not_crashes)
{
	struct hvctl *h = dfx_connect();
	struct xsc *xs = xsfx_client();
	struct hvctl_gnt_pages pg = { 0 };
	volatile struct blkif_sring *s;
	struct blkif_request r;
	struct hvctl_dominfo info;
	uint32_t dom, ref, port, ep;
	int nfd, kfd;

	dom = gsfx_domain(h, xs, "nido", "bfh", "blk-order=0 script=blk-read 0 8; blk-flush; "
			  "blk-read 8 8; blk-info; poweroff", false);
	setup_dirs(xs, dom);
	cr_assert_eq(hvctl_start(h, dom), 0);
	wait_fe_initialised(xs, dom);
	ref = (uint32_t)get_num(xs, "ring-ref");
	port = (uint32_t)get_num(xs, "event-channel");
	cr_assert_eq(hvctl_gnt_map_pages(h, dom, &ref, 1, false, &pg), 0);
	cr_assert_eq(pg.status[0], 0);
	s = pg.page[0];
	cr_assert_eq(hvctl_bind_evtchn(h, dom, port, &ep, &nfd, &kfd), 0);
	put(xs, be, "sectors", "1024");
	put(xs, be, "info", "0");
	put(xs, be, "state", "4");

	/* 1: a read answered with ERROR. */
	r = wait_req(s, 1, dom);
	cr_assert_eq(r.operation, BLKIF_OP_READ);
	cr_assert_eq(r.nr_segments, 1);
	cr_assert_eq(r.sector_number, 0);
	cr_assert_eq(r.seg[0].first_sect, 0);
	cr_assert_eq(r.seg[0].last_sect, 7);
	answer(s, 0, r.id, r.operation, BLKIF_RSP_ERROR);
	s->hdr.rsp_prod = 1;
	kick(kfd);
	/* 2: a flush answered with EOPNOTSUPP. */
	r = wait_req(s, 2, dom);
	cr_assert_eq(r.operation, BLKIF_OP_FLUSH_DISKCACHE);
	cr_assert_eq(r.nr_segments, 0);
	answer(s, 1, r.id, r.operation, BLKIF_RSP_EOPNOTSUPP);
	s->hdr.rsp_prod = 2;
	kick(kfd);
	/* 3: a read answered with an unknown id and one answer too many. */
	r = wait_req(s, 3, dom);
	cr_assert_eq(r.sector_number, 8);
	answer(s, 2, 999, 0, 0);
	answer(s, 3, r.id, 0, 0);
	s->hdr.rsp_prod = 4;
	kick(kfd);

	info = dfx_wait_end(h, dom, 30000);
	cr_assert_eq(info.state, HVCTL_STATE_SHUTDOWN, "state %u:\n%s", info.state,
		     dfx_console(dom));
	cr_assert_eq(info.shutdown_reason, SHUTDOWN_poweroff);
	cr_assert(dfx_console_wait(dom, "blk-read: start=0 count=8 error=-5", 1000), "%s",
		  dfx_console(dom));
	cr_assert(dfx_console_wait(dom, "blk-flush: -95", 1000), "%s", dfx_console(dom));
	cr_assert(dfx_console_wait(dom, "blk-read: start=8 count=8 error=-5", 1000), "%s",
		  dfx_console(dom));
	cr_assert(dfx_console_wait(dom, "blk-info: sectors=1024", 1000), "%s", dfx_console(dom));
	close(nfd);
	close(kfd);
	hvctl_gnt_unmap_pages(h, &pg);
	hvctl_close(h);
}
