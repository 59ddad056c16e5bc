/* net_fixture_vif.c: libxl's vif directories in xenstore (net_fixture.h);
 * apart from net_fixture.c so that tests without a xenstore client (the
 * hospesd one) link the rest alone. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>

#include "guest_store_fixture.h"
#include "harness.h"
#include "hvctl.h"
#include "net_fixture.h"
#include "xsclient.h"

static void node(struct xsc *xs, uint32_t tx, const char *path, const char *val,
		 const struct xsc_perm *perms)
{
	int r = val ? xsc_write_str(xs, tx, path, val) : xsc_mkdir(xs, tx, path);

	cr_assert_eq(r, 0, "write %s: %s", path, xsc_strerror(r));
	r = xsc_set_perms(xs, tx, path, perms, 2);
	cr_assert_eq(r, 0, "set perms %s: %s", path, xsc_strerror(r));
}

/* dir/key = val in the transaction. */
static void key(struct xsc *xs, uint32_t tx, const char *dir, const char *k, const char *val,
		const struct xsc_perm *perms)
{
	char p[192];

	snprintf(p, sizeof(p), "%s/%s", dir, k);
	node(xs, tx, p, val, perms);
}

void nfx_add_vif(struct xsc *xs, uint32_t domid, unsigned devid, const char *mac,
		 const char *fe_mac, const char *bridge)
{
	struct xsc_perm fe[2] = {{domid, XSC_NONE}, {0, XSC_READ}};
	struct xsc_perm be[2] = {{0, XSC_NONE}, {domid, XSC_READ}};
	char f[128], b[128], p[192], id[16], handle[16];
	uint32_t tx;
	int r;

	snprintf(f, sizeof(f), "/local/domain/%u/device/vif/%u", domid, devid);
	snprintf(b, sizeof(b), "/local/domain/0/backend/vif/%u/%u", domid, devid);
	snprintf(id, sizeof(id), "%u", domid);
	snprintf(handle, sizeof(handle), "%u", devid);
	do {
		cr_assert_eq(xsc_transaction_start(xs, &tx), 0);
		snprintf(p, sizeof(p), "/local/domain/%u/device", domid);
		node(xs, tx, p, NULL, be);
		snprintf(p, sizeof(p), "/local/domain/%u/device/vif", domid);
		node(xs, tx, p, NULL, be);
		node(xs, tx, b, NULL, be);
		key(xs, tx, b, "frontend", f, be);
		key(xs, tx, b, "frontend-id", id, be);
		key(xs, tx, b, "online", "1", be);
		key(xs, tx, b, "state", "1", be);
		key(xs, tx, b, "handle", handle, be);
		key(xs, tx, b, "mac", mac, be);
		if (bridge)
			key(xs, tx, b, "bridge", bridge, be);
		node(xs, tx, f, NULL, fe);
		key(xs, tx, f, "backend", b, fe);
		key(xs, tx, f, "backend-id", "0", fe);
		key(xs, tx, f, "state", "1", fe);
		key(xs, tx, f, "handle", handle, fe);
		key(xs, tx, f, "mac", fe_mac ? fe_mac : mac, fe);
		r = xsc_transaction_end(xs, tx, true);
	} while (r == -EAGAIN);
	cr_assert_eq(r, 0, "commit: %s", xsc_strerror(r));
}

const char *nfx_mac(uint32_t domid)
{
	static char m[24];

	snprintf(m, sizeof(m), "00:16:3e:00:%02x:%02x", (domid >> 8) & 0xff, domid & 0xff);
	return m;
}

uint32_t nfx_domain(struct hvctl *h, const char *guest, uint64_t mem, const char *cmdline,
		    const char *mac, const char *fe_mac, const char *bridge)
{
	struct hvctl_domain_config c = {.mem = mem, .cmdline = cmdline, .xenstore = true};
	struct xsc *xs;
	char elf[96];
	uint32_t domid;
	int r;

	snprintf(elf, sizeof(elf), "guests/%s.elf", guest);
	c.kernel = harness_path(elf);
	r = hvctl_create(h, &c, &domid);
	cr_assert_eq(r, 0, "create: %s\n%s", hvctl_strerror(r), dfx_log());
	xs = xsfx_client();
	gsfx_home(xs, domid, guest);
	nfx_add_vif(xs, domid, 0, mac ? mac : nfx_mac(domid), fe_mac, bridge);
	gsfx_introduce(h, xs, domid);
	xsc_close(xs);
	return domid;
}
