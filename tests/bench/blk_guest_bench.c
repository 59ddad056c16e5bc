/* blk_guest_bench.c: the guest side of the block benchmarks. Does the
 * toolstack's steps for one nido with one PV disk served by a running
 * hospes-blkback (create with a store page, home directory, vbd frontend
 * and backend directories in one transaction, INTRODUCE, start with
 * "blk-dev=51712 script=SCRIPT"), waits for it to end and copies its
 * console's "blk-bench:" lines to stdout, each followed by the backend's
 * CPU time over the whole run: "blk-backend-cpu-us <us>" (utime + stime
 * of BLKBACK_PID from /proc, read before start and after the end).
 * usage: blk_guest_bench HV_SOCKET XS_SOCKET CONSOLE_DIR NIDO_ELF IMAGE BLKBACK_PID SCRIPT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hvctl.h"
#include "xsclient.h"

#define DEVID 51712u

static int fail(const char *what, const char *why)
{
	fprintf(stderr, "blk_guest_bench: %s: %s\n", what, why);
	return 1;
}

/* utime + stime of pid in microseconds, or -1. */
static long long cpu_us(const char *pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut, st;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	if (!(f = fopen(path, "r")))
		return -1;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!p || !(p = strrchr(buf, ')')))
		return -1;
	/* after ") ": state(3) ... utime is field 14, stime 15 */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	return (long long)((ut + st) * 1000000ull / (unsigned long long)sysconf(_SC_CLK_TCK));
}

static int node(struct xsc *xs, uint32_t tx, const char *path, const char *val,
		const struct xsc_perm *perms)
{
	int r = val ? xsc_write_str(xs, tx, path, val) : xsc_mkdir(xs, tx, path);

	return r ? r : xsc_set_perms(xs, tx, path, perms, 2);
}

/* Home, name, domid, and the vbd directories as libxl writes them. */
static int keys(struct xsc *xs, uint32_t dom, const char *image)
{
	const struct xsc_perm own = {dom, XSC_NONE};
	const struct xsc_perm dom0[2] = {{0, XSC_NONE}, {dom, XSC_READ}};
	const struct xsc_perm guest[2] = {{dom, XSC_NONE}, {0, XSC_READ}};
	char p[192], f[96], b[96], id[16];
	uint32_t tx;
	int r;

	snprintf(p, sizeof(p), "/local/domain/%u", dom);
	if ((r = xsc_mkdir(xs, 0, p)) || (r = xsc_set_perms(xs, 0, p, &own, 1)))
		return r;
	snprintf(id, sizeof(id), "%u", dom);
	snprintf(f, sizeof(f), "/local/domain/%u/device/vbd/%u", dom, DEVID);
	snprintf(b, sizeof(b), "/local/domain/0/backend/vbd/%u/%u", dom, DEVID);
	do {
		const char *bk[][2] = {{"frontend", f}, {"frontend-id", id}, {"params", image},
				       {"mode", "w"},	{"type", "file"},    {"online", "1"},
				       {"state", "1"}};
		const char *fk[][2] = {{"backend", b},
				       {"backend-id", "0"},
				       {"virtual-device", "51712"},
				       {"device-type", "disk"},
				       {"state", "1"}};

		if ((r = xsc_transaction_start(xs, &tx)))
			return r;
		snprintf(p, sizeof(p), "/local/domain/%u/name", dom);
		r = node(xs, tx, p, "bench", dom0);
		snprintf(p, sizeof(p), "/local/domain/%u/domid", dom);
		r = r ? r : node(xs, tx, p, id, dom0);
		snprintf(p, sizeof(p), "/local/domain/%u/device", dom);
		r = r ? r : node(xs, tx, p, NULL, dom0);
		snprintf(p, sizeof(p), "/local/domain/%u/device/vbd", dom);
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
	char cmdline[512], path[512], line[512];
	struct hvctl_domain_config c = {.mem = 64ull << 20, .xenstore = true};
	struct hvctl_dominfo info;
	struct hvctl *h;
	struct xsc *xs;
	uint32_t dom, gen = ~0u;
	long long cpu0, cpu1;
	int r, lines = 0;
	FILE *f;

	if (argc != 8)
		return fail("usage",
			    "HV_SOCKET XS_SOCKET CONSOLE_DIR NIDO_ELF IMAGE BLKBACK_PID SCRIPT");
	snprintf(cmdline, sizeof(cmdline), "blk-dev=%u script=%s", DEVID, argv[7]);
	c.kernel = argv[4];
	c.cmdline = cmdline;
	if ((r = hvctl_connect(argv[1], &h)))
		return fail("hypervisor", hvctl_strerror(r));
	if ((r = xsc_open(argv[2], &xs)))
		return fail("xenstore", xsc_strerror(r));
	if ((r = hvctl_create(h, &c, &dom)) || (r = hvctl_info(h, dom, &info)))
		return fail("create", hvctl_strerror(r));
	if ((r = keys(xs, dom, argv[5])) ||
	    (r = xsc_introduce(xs, dom, info.store_pfn, info.store_port)))
		return fail("keys/introduce", xsc_strerror(r));
	cpu0 = cpu_us(argv[6]);
	if ((r = hvctl_start(h, dom)))
		return fail("start", hvctl_strerror(r));
	do {
		if ((r = hvctl_wait(h, dom, gen, 300000, &info)))
			return fail("wait", hvctl_strerror(r));
		gen = info.generation;
	} while (info.state < HVCTL_STATE_SHUTDOWN);
	cpu1 = cpu_us(argv[6]);
	/* The toolstack's teardown: frontend gone, backend dir removed. */
	snprintf(path, sizeof(path), "/local/domain/0/backend/vbd/%u", dom);
	xsc_rm(xs, 0, path);
	xsc_release(xs, dom);
	hvctl_destroy(h, dom);
	snprintf(path, sizeof(path), "/local/domain/%u", dom);
	xsc_rm(xs, 0, path);
	snprintf(path, sizeof(path), "%s/console-%u.log", argv[3], dom);
	if (!(f = fopen(path, "r")))
		return fail(path, "no console log");
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "blk-bench: mode=", 16) && strstr(line, " errors=0\n")) {
			fputs(line, stdout);
			lines++;
		}
	fclose(f);
	if (!lines)
		return fail("guest", "no blk-bench result without errors");
	printf("blk-backend-cpu-us %lld\n", cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0);
	xsc_close(xs);
	hvctl_close(h);
	return 0;
}
