/* net_guest_bench.c: the toolstack's steps for one nido with one PV
 * network interface served by a running hospes-netback: create with a
 * store page, home directory, the vif frontend and backend directories
 * in one transaction (mac 00:16:3e:00:07:<domid>), INTRODUCE, start with
 * "script=SCRIPT". Prints "domid N" and exits; the caller destroys the
 * domain (hospes-hvctl destroy) when it is done.
 * usage: net_guest_bench HV_SOCKET XS_SOCKET NIDO_ELF SCRIPT */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hvctl.h"
#include "xsclient.h"

static int fail(const char *what, const char *why)
{
	fprintf(stderr, "net_guest_bench: %s: %s\n", what, why);
	return 1;
}

static int node(struct xsc *xs, uint32_t tx, const char *path, const char *val,
		const struct xsc_perm *perms)
{
	int r = val ? xsc_write_str(xs, tx, path, val) : xsc_mkdir(xs, tx, path);

	return r ? r : xsc_set_perms(xs, tx, path, perms, 2);
}

/* Home, name, domid, and the vif directories as libxl writes them. */
static int keys(struct xsc *xs, uint32_t dom)
{
	const struct xsc_perm own = {dom, XSC_NONE};
	const struct xsc_perm dom0[2] = {{0, XSC_NONE}, {dom, XSC_READ}};
	const struct xsc_perm guest[2] = {{dom, XSC_NONE}, {0, XSC_READ}};
	char p[192], f[96], b[96], id[16], mac[24];
	uint32_t tx;
	int r;

	snprintf(p, sizeof(p), "/local/domain/%u", dom);
	if ((r = xsc_mkdir(xs, 0, p)) || (r = xsc_set_perms(xs, 0, p, &own, 1)))
		return r;
	snprintf(id, sizeof(id), "%u", dom);
	snprintf(mac, sizeof(mac), "00:16:3e:00:07:%02x", dom & 0xff);
	snprintf(f, sizeof(f), "/local/domain/%u/device/vif/0", dom);
	snprintf(b, sizeof(b), "/local/domain/0/backend/vif/%u/0", dom);
	do {
		const char *bk[][2] = {{"frontend", f}, {"frontend-id", id}, {"online", "1"},
				       {"handle", "0"}, {"mac", mac},	     {"state", "1"}};
		const char *fk[][2] = {
		    {"backend", b}, {"backend-id", "0"}, {"handle", "0"}, {"mac", mac}, {"state", "1"}};

		if ((r = xsc_transaction_start(xs, &tx)))
			return r;
		snprintf(p, sizeof(p), "/local/domain/%u/name", dom);
		r = node(xs, tx, p, "netbench", dom0);
		snprintf(p, sizeof(p), "/local/domain/%u/domid", dom);
		r = r ? r : node(xs, tx, p, id, dom0);
		snprintf(p, sizeof(p), "/local/domain/%u/device", dom);
		r = r ? r : node(xs, tx, p, NULL, dom0);
		snprintf(p, sizeof(p), "/local/domain/%u/device/vif", dom);
		r = r ? r : node(xs, tx, p, NULL, dom0);
		r = r ? r : node(xs, tx, b, NULL, dom0);
		for (unsigned i = 0; !r && i < sizeof(bk) / sizeof(bk[0]); i++) {
			snprintf(p, sizeof(p), "%s/%s", b, bk[i][0]);
			r = node(xs, tx, p, bk[i][1], dom0);
		}
		r = r ? r : node(xs, tx, f, NULL, guest);
		for (unsigned i = 0; !r && i < sizeof(fk) / sizeof(fk[0]); i++) {
			snprintf(p, sizeof(p), "%s/%s", f, fk[i][0]);
			r = node(xs, tx, p, fk[i][1], guest);
		}
		if (r) {
			xsc_transaction_end(xs, tx, false);
			return r;
		}
		r = xsc_transaction_end(xs, tx, true);
	} while (r == -EAGAIN);
	return r;
}

int main(int argc, char **argv)
{
	char cmdline[512];
	struct hvctl_domain_config c = {.mem = 64ull << 20, .xenstore = true};
	struct hvctl_dominfo info;
	struct hvctl *h;
	struct xsc *xs;
	uint32_t dom;
	int r;

	if (argc != 5)
		return fail("usage", "HV_SOCKET XS_SOCKET NIDO_ELF SCRIPT");
	snprintf(cmdline, sizeof(cmdline), "script=%s", argv[4]);
	c.kernel = argv[3];
	c.cmdline = cmdline;
	if ((r = hvctl_connect(argv[1], &h)))
		return fail("hypervisor", hvctl_strerror(r));
	if ((r = xsc_open(argv[2], &xs)))
		return fail("xenstore", xsc_strerror(r));
	if ((r = hvctl_create(h, &c, &dom)) || (r = hvctl_info(h, dom, &info)))
		return fail("create", hvctl_strerror(r));
	if ((r = keys(xs, dom)) || (r = xsc_introduce(xs, dom, info.store_pfn, info.store_port)))
		return fail("keys/introduce", xsc_strerror(r));
	if ((r = hvctl_start(h, dom)))
		return fail("start", hvctl_strerror(r));
	printf("domid %u\n", dom);
	xsc_close(xs);
	hvctl_close(h);
	return 0;
}
