/* guest_store_fixture.c: hospes-hv + hospes-stored, and the toolstack's
 * steps for a guest with xenstore (see guest_store_fixture.h). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "guest_store_fixture.h"
#include "harness.h"

void gsfx_start(const char *tag)
{
	harness_require_kvm();
	dfx_start(tag);
	/* hospes-stored inherits it: how it finds the hypervisor. */
	setenv("HOSPES_HV_SOCKET", dfx_socket(), 1);
	xsfx_start();
}

int gsfx_stop(void)
{
	int code = xsfx_stop();

	dfx_stop();
	unsetenv("HOSPES_HV_SOCKET");
	return code;
}

static void write_node(struct xsc *xs, const char *path, const char *val,
		       const struct xsc_perm *perms, unsigned n)
{
	int r = xsc_write_str(xs, 0, path, val);

	cr_assert_eq(r, 0, "write %s: %s", path, xsc_strerror(r));
	r = xsc_set_perms(xs, 0, path, perms, n);
	cr_assert_eq(r, 0, "set perms %s: %s", path, xsc_strerror(r));
}

void gsfx_home(struct xsc *xs, uint32_t domid, const char *name)
{
	struct xsc_perm home[1] = { { domid, XSC_NONE } };
	struct xsc_perm fixed[2] = { { 0, XSC_NONE }, { domid, XSC_READ } };
	char path[96], id[16];
	int r;

	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	r = xsc_mkdir(xs, 0, path);
	cr_assert_eq(r, 0, "mkdir %s: %s", path, xsc_strerror(r));
	r = xsc_set_perms(xs, 0, path, home, 1);
	cr_assert_eq(r, 0, "set perms %s: %s", path, xsc_strerror(r));
	snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
	write_node(xs, path, name, fixed, 2);
	snprintf(path, sizeof(path), "/local/domain/%u/domid", domid);
	snprintf(id, sizeof(id), "%u", domid);
	write_node(xs, path, id, fixed, 2);
}

void gsfx_introduce(struct hvctl *h, struct xsc *xs, uint32_t domid)
{
	struct hvctl_dominfo info;
	int r = hvctl_info(h, domid, &info);

	cr_assert_eq(r, 0, "info: %s", hvctl_strerror(r));
	cr_assert(info.store_pfn && info.store_port, "no store page for dom%u", domid);
	r = xsc_introduce(xs, domid, info.store_pfn, info.store_port);
	cr_assert_eq(r, 0, "introduce dom%u: %s\n%s", domid, xsc_strerror(r), xsfx_log());
}

uint32_t gsfx_domain(struct hvctl *h, struct xsc *xs, const char *guest, const char *name,
		     const char *cmdline, bool start)
{
	char rel[128];
	struct hvctl_domain_config c = { .mem = 64ull << 20, .cmdline = cmdline, .xenstore = true };
	uint32_t domid;
	int r;

	snprintf(rel, sizeof(rel), "guests/%s.elf", guest);
	c.kernel = harness_path(rel);
	r = hvctl_create(h, &c, &domid);
	cr_assert_eq(r, 0, "create %s: %s\n%s", guest, hvctl_strerror(r), dfx_log());
	gsfx_home(xs, domid, name);
	gsfx_introduce(h, xs, domid);
	if (start) {
		r = hvctl_start(h, domid);
		cr_assert_eq(r, 0, "start dom%u: %s", domid, hvctl_strerror(r));
	}
	return domid;
}
