/* test_blkfront_xenbus.c: nido's blkfront handshake and reconnection
 * (SPEC.md §17.2, §18.2) against a backend played by the test through
 * xenstore alone: the keys and states the frontend writes, in order, the
 * ring order it picks from max-ring-page-order, the disk keys it reads,
 * and a fresh publish after the backend "restarts" (back to InitWait). No
 * request is sent here (nido only runs blk-info); the data path against
 * hospes-blkback is test_blkfront.c. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guest_store_fixture.h"
#include "harness.h"

#define DEVID 51712u

static void start(void)
{
	gsfx_start("bfxb");
}

static void stop(void)
{
	int code = gsfx_stop();

	cr_assert_eq(code, 0, "hospes-stored exited with %d", code);
}

TestSuite(blkfront_xenbus, .init = start, .fini = stop, .timeout = 120);

static char fe[128], be[128];

static void put(struct xsc *xs, const char *dir, const char *key, const char *val)
{
	char p[192];
	int r;

	snprintf(p, sizeof(p), "%s/%s", dir, key);
	r = xsc_write_str(xs, 0, p, val);
	cr_assert_eq(r, 0, "write %s: %s", p, xsc_strerror(r));
}

/* The value of dir/key, malloc'd, or NULL. */
static char *get(struct xsc *xs, const char *dir, const char *key)
{
	char p[192], *v = NULL;

	snprintf(p, sizeof(p), "%s/%s", dir, key);
	if (xsc_read(xs, 0, p, &v, &(size_t){ 0 }))
		return NULL;
	return v;
}

static void expect_key(struct xsc *xs, const char *dir, const char *key, const char *want)
{
	char *v = get(xs, dir, key);

	cr_assert(v && !strcmp(v, want), "%s/%s = '%s', want '%s'", dir, key, v ? v : "(none)",
		  want);
	free(v);
}

/* Waits (20 s at most) until the frontend's state reads want. */
static void wait_fe_state(struct xsc *xs, uint32_t dom, const char *want)
{
	for (double t0 = dfx_now_ms(); dfx_now_ms() - t0 < 20000;) {
		char *v = get(xs, fe, "state");
		int ok = v && !strcmp(v, want);

		free(v);
		if (ok)
			return;
		usleep(10000);
	}
	cr_assert_fail("frontend state never became %s:\n%s", want, dfx_console(dom));
}

/* The toolstack's part: both directories, state 1 each, the frontend's
 * owned by the guest, the backend's by dom0 and readable by the guest. */
static void make_dirs(struct xsc *xs, uint32_t dom)
{
	struct xsc_perm feperm[2] = { { dom, XSC_NONE }, { 0, XSC_READ } };
	struct xsc_perm beperm[2] = { { 0, XSC_NONE }, { dom, XSC_READ } };
	char v[160];
	int r;

	snprintf(fe, sizeof(fe), "/local/domain/%u/device/vbd/%u", dom, DEVID);
	snprintf(be, sizeof(be), "/local/domain/0/backend/vbd/%u/%u", dom, DEVID);
	cr_assert_eq(xsc_mkdir(xs, 0, be), 0);
	cr_assert_eq(xsc_set_perms(xs, 0, be, beperm, 2), 0);
	put(xs, be, "frontend", fe);
	snprintf(v, sizeof(v), "%u", dom);
	put(xs, be, "frontend-id", v);
	put(xs, be, "state", "1");
	cr_assert_eq(xsc_mkdir(xs, 0, fe), 0);
	put(xs, fe, "backend", be);
	put(xs, fe, "backend-id", "0");
	put(xs, fe, "virtual-device", "51712");
	put(xs, fe, "state", "1");
	r = xsc_set_perms(xs, 0, fe, feperm, 2);
	cr_assert_eq(r, 0, "perms %s: %s", fe, xsc_strerror(r));
	snprintf(v, sizeof(v), "/local/domain/%u/data", dom);
	cr_assert_eq(xsc_mkdir(xs, 0, v), 0);
	cr_assert_eq(xsc_set_perms(xs, 0, v, feperm, 2), 0);
}

static void backend_features(struct xsc *xs, const char *max_order)
{
	put(xs, be, "feature-flush-cache", "1");
	put(xs, be, "feature-discard", "1");
	put(xs, be, "feature-persistent", "1");
	put(xs, be, "feature-max-indirect-segments", "256");
	if (max_order)
		put(xs, be, "max-ring-page-order", max_order);
}

static void backend_connect(struct xsc *xs)
{
	put(xs, be, "sectors", "8192");
	put(xs, be, "sector-size", "512");
	put(xs, be, "info", "0");
	put(xs, be, "state", "4");
}

/* The frontend's ring keys for a 2^order ring are all there and decimal. */
static void expect_ring_keys(struct xsc *xs, unsigned order)
{
	char key[32], *v;

	if (order) {
		snprintf(key, sizeof(key), "%u", order);
		expect_key(xs, fe, "ring-page-order", key);
		for (unsigned i = 0; i < (1u << order); i++) {
			snprintf(key, sizeof(key), "ring-ref%u", i);
			v = get(xs, fe, key);
			cr_assert(v && strtoul(v, NULL, 10) >= 8, "%s = %s", key, v ? v : "(none)");
			free(v);
		}
		snprintf(key, sizeof(key), "ring-ref%u", 1u << order);
		cr_assert_null(get(xs, fe, key), "one ring-ref too many");
	} else {
		v = get(xs, fe, "ring-ref");
		cr_assert(v && strtoul(v, NULL, 10) >= 8, "ring-ref = %s", v ? v : "(none)");
		free(v);
		cr_assert_null(get(xs, fe, "ring-page-order"));
	}
	v = get(xs, fe, "event-channel");
	cr_assert(v && strtoul(v, NULL, 10) > 0, "event-channel = %s", v ? v : "(none)");
	free(v);
	expect_key(xs, fe, "protocol", "x86_64-abi");
	expect_key(xs, fe, "feature-persistent", "1");
}

static void expect_console(uint32_t dom, const char *text)
{
	cr_assert(dfx_console_wait(dom, text, 20000), "dom%u never printed '%s':\n%s", dom, text,
		  dfx_console(dom));
}

/* Handshake order: nothing is published before InitWait; the ring keys
 * and Initialised come together; Connected after the backend's. Then a
 * backend restart (Connected -> InitWait) gets a fresh publish and the
 * frontend counts one reconnection. */
Test(blkfront_xenbus, handshake_and_reconnect)
{
	struct hvctl *h = dfx_connect();
	struct xsc *xs = xsfx_client();
	char go[96];
	uint32_t dom = gsfx_domain(h, xs, "nido", "bf", "script=blk-info; xs-watch data/go 2; "
					  "blk-info; poweroff", false);

	make_dirs(xs, dom);
	cr_assert_eq(hvctl_start(h, dom), 0);
	/* The frontend waits for InitWait: its dir stays without ring keys. */
	usleep(300000);
	cr_assert_null(get(xs, fe, "event-channel"), "published before InitWait");
	backend_features(xs, "4");
	put(xs, be, "state", "2");
	wait_fe_state(xs, dom, "3");
	expect_ring_keys(xs, 2);
	backend_connect(xs);
	wait_fe_state(xs, dom, "4");
	expect_console(dom, "blk-info: sectors=8192 sector-size=512 info=0 flush=1 discard=1 "
			    "persistent=1 max-indirect=256 ring-order=2 ring-slots=128 ids=128");
	/* Restart: back to InitWait; the frontend sets up a new ring. */
	put(xs, be, "state", "2");
	snprintf(go, sizeof(go), "/local/domain/%u/data/go", dom);
	cr_assert_eq(xsc_write_str(xs, 0, go, "1"), 0);
	wait_fe_state(xs, dom, "3");
	expect_ring_keys(xs, 2);
	backend_connect(xs);
	wait_fe_state(xs, dom, "4");
	expect_console(dom, "reconnects=1 reissued=0");
	dfx_wait_end(h, dom, 20000);
	hvctl_close(h);
}

/* No max-ring-page-order: a one-page ring under the plain ring-ref key. */
Test(blkfront_xenbus, single_page_ring)
{
	struct hvctl *h = dfx_connect();
	struct xsc *xs = xsfx_client();
	uint32_t dom = gsfx_domain(h, xs, "nido", "bf1", "script=blk-info; poweroff", false);

	make_dirs(xs, dom);
	backend_features(xs, NULL);
	put(xs, be, "state", "2");
	cr_assert_eq(hvctl_start(h, dom), 0);
	wait_fe_state(xs, dom, "3");
	expect_ring_keys(xs, 0);
	backend_connect(xs);
	expect_console(dom, "ring-order=0 ring-slots=32 ids=32");
	dfx_wait_end(h, dom, 20000);
	hvctl_close(h);
}
