/* test_ring_dom0.c: a guest and dom0 (this test process) share a ring in
 * `hospes-hv daemon`. The bench-ring guest grants a ring page, read-only
 * data pages and a port to dom0 and streams numbered chunks; dom0 maps the
 * grants through libhvctl (GNT_MAP offsets into the RAM memfd from
 * GET_MEMFD), binds the port (eventfds), checks every byte of every chunk
 * and answers. Variants: payload through persistent mappings, through
 * grant copy, and a two-page ring. Afterwards the guest must revoke every
 * grant cleanly. A guest overrunning the ring is a protocol error for
 * dom0, and grants dom0 was not given must be refused. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pvabi/grant_table.h>

#include "../bench/ring_dom0.h"
#include "daemon_fixture.h"
#include "harness.h"

#define CHUNKS 300

static void start(void)
{
	harness_require_kvm();
	dfx_start("ringdom0");
}

static void stop(void)
{
	dfx_stop();
}

TestSuite(ring_dom0, .init = start, .fini = stop, .timeout = 120);

/* Boots bench-ring in ring mode and reads its READY line into r. */
static void boot_guest(struct rd0 *r, unsigned chunks, const char *opts)
{
	char cmd[128], *out;

	memset(r, 0, sizeof(*r));
	r->h = dfx_connect();
	snprintf(cmd, sizeof(cmd), "mode=ring chunks=%u %s", chunks, opts);
	r->dom = dfx_create(r->h, "bench-ring", 32ull << 20, cmd, true);
	cr_assert(dfx_console_wait(r->dom, "RING READY", 20000), "%s", dfx_console(r->dom));
	out = dfx_console(r->dom);
	cr_assert_eq(rd0_parse_ready(r, out), 0, "%s", out);
	free(out);
	cr_assert_eq(r->chunks, chunks);
}

/* Serves the whole stream of an attached guest, detaches and checks
 * both sides' reports. */
static void serve_and_check(struct rd0 *r)
{
	struct hvctl_dominfo i;
	char want[96], *out;
	int rc;

	rc = rd0_serve(r);
	cr_assert_eq(rc, 0, "serve: %s\n%s", hvctl_strerror(rc), dfx_console(r->dom));
	cr_assert_eq(r->answered, r->chunks);
	cr_assert_eq(r->bad, 0, "every chunk arrives intact and in order");
	cr_assert_eq(rd0_detach(r), 0);
	i = dfx_wait_end(r->h, r->dom, 30000);
	out = dfx_console(r->dom);
	cr_assert_eq(i.state, HVCTL_STATE_SHUTDOWN, "%s", out);
	snprintf(want, sizeof(want), "RING DONE chunks=%lu ok=%lu", r->chunks, r->chunks);
	cr_assert_not_null(strstr(out, want), "guest saw every answer:\n%s", out);
	cr_assert_not_null(strstr(out, "RING REVOKE 0"), "grants ended cleanly:\n%s", out);
	free(out);
	cr_log_info("%lu chunks of %u bytes (%s) in %.1f ms", r->chunks, r->chunk,
		    r->use_copy ? "grant copy" : "mapped", r->ns / 1e6);
	hvctl_close(r->h);
}

static void stream_and_check(struct rd0 *r)
{
	int rc;

	r->verify = 1;
	rc = rd0_attach(r);
	cr_assert_eq(rc, 0, "attach: %s", hvctl_strerror(rc));
	serve_and_check(r);
}

Test(ring_dom0, stream_through_mapped_grants)
{
	struct rd0 r;

	boot_guest(&r, CHUNKS, "chunk=16384 slots=8");
	stream_and_check(&r);
}

Test(ring_dom0, stream_through_grant_copy)
{
	struct rd0 r;

	boot_guest(&r, CHUNKS, "chunk=8192 slots=4");
	r.use_copy = 1;
	stream_and_check(&r);
}

/* A two-page ring (256 slots of 16 bytes) with 32 chunks in flight:
 * 1200 requests take the indices around it more than four times. */
Test(ring_dom0, stream_through_a_two_page_ring)
{
	struct rd0 r;

	boot_guest(&r, 1200, "chunk=4096 slots=32 ring_order=1");
	cr_assert_eq(r.order, 1);
	stream_and_check(&r);
}

/* The start event lets the guest publish its first batch at once, maybe
 * before dom0 looks at the ring: here dom0 waits until it has, and every
 * request of that batch must still be served (none skipped, no stall). */
Test(ring_dom0, a_batch_published_before_serving_is_served)
{
	struct rd0 r;
	int rc;

	boot_guest(&r, CHUNKS, "chunk=4096 slots=4");
	r.verify = 1;
	rc = rd0_attach(&r);
	cr_assert_eq(rc, 0, "attach: %s", hvctl_strerror(rc));
	for (int i = 0; i < 20000 && !PVABI_RING_GET(r.back.sring->hdr.req_prod); i++)
		usleep(1000);
	cr_assert_eq(PVABI_RING_GET(r.back.sring->hdr.req_prod), 4,
		     "the guest published one batch before dom0 served:\n%s", dfx_console(r.dom));
	serve_and_check(&r);
}

/* A guest that moves req_prod past the ring: dom0 stops with -EPROTO
 * instead of reading beyond what it may answer, and still detaches. */
Test(ring_dom0, an_overrunning_guest_is_a_protocol_error)
{
	struct hvctl_dominfo i;
	struct rd0 r;
	char *out;

	memset(&r, 0, sizeof(r));
	r.h = dfx_connect();
	r.dom = dfx_create(r.h, "bench-ring", 32ull << 20, "mode=overrun chunks=1 chunk=4096 slots=1",
			   true);
	cr_assert(dfx_console_wait(r.dom, "RING READY", 20000), "%s", dfx_console(r.dom));
	out = dfx_console(r.dom);
	cr_assert_eq(rd0_parse_ready(&r, out), 0, "%s", out);
	free(out);
	cr_assert_eq(rd0_attach(&r), 0);
	cr_assert_eq(rd0_serve(&r), -EPROTO);
	cr_assert_eq(r.answered, 0, "nothing taken from a broken ring");
	cr_assert_eq(rd0_detach(&r), 0);
	i = dfx_wait_end(r.h, r.dom, 30000);
	out = dfx_console(r.dom);
	cr_assert_eq(i.state, HVCTL_STATE_SHUTDOWN, "%s", out);
	cr_assert_not_null(strstr(out, "RING OVERRUN req_prod=384"), "%s", out);
	cr_assert_not_null(strstr(out, "RING REVOKE 0"), "%s", out);
	free(out);
	cr_assert(dfx_alive());
	hvctl_close(r.h);
}

/* One map of ref; its GNTST_* status (or the call's -errno). */
static int map_status(struct rd0 *r, uint32_t ref, bool ro)
{
	struct hvctl_gnt_mapping m;
	int rc = hvctl_gnt_map(r->h, r->dom, &ref, 1, ro, &m);

	if (rc == 0 && m.status == GNTST_okay)
		cr_assert_eq(hvctl_gnt_unmap(r->h, &m.handle, 1, NULL), 0);
	return rc ? rc : m.status;
}

static int copy_status(struct rd0 *r, uint32_t ref, uint16_t off, uint16_t len, bool to_guest)
{
	struct hvctl_gnt_seg seg = { .ref = ref, .offset = off, .len = len,
				     .flags = to_guest ? HVCTL_GNT_TO_GUEST : 0 };
	uint8_t buf[4096] = { 0 };
	int32_t st;
	int rc = hvctl_gnt_copy(r->h, r->dom, &seg, 1, to_guest ? buf : NULL,
				to_guest ? NULL : buf, &st);

	return rc ? rc : st;
}

Test(ring_dom0, grants_dom0_was_not_given_are_refused)
{
	struct rd0 r;

	boot_guest(&r, CHUNKS, "chunk=4096 slots=2");
	cr_assert_eq(map_status(&r, r.data_ref, true), GNTST_okay, "read-only map of a read-only grant");
	cr_assert_neq(map_status(&r, r.data_ref, false), GNTST_okay,
		      "data pages are granted read-only");
	cr_assert_neq(map_status(&r, r.data_ref + r.pages, true), GNTST_okay,
		      "a ref that was never granted");
	cr_assert_neq(copy_status(&r, r.data_ref, 0, 64, true), GNTST_okay,
		      "no copying into a read-only grant");
	cr_assert_neq(copy_status(&r, r.data_ref, 4090, 16, false), GNTST_okay,
		      "a copy may not cross the page");
	cr_assert_eq(copy_status(&r, r.data_ref, 0, 64, false), GNTST_okay,
		     "reading a read-only grant is fine");
	cr_assert_eq(hvctl_destroy(r.h, r.dom), 0);
	cr_assert(dfx_alive());
	hvctl_close(r.h);
}
