/* xs_guest_bench.c: a guest's xenstore READ round trip over its ring.
 * Does the toolstack's steps for one nido (create with a store page, home
 * directory, name, INTRODUCE, start with script "xs-bench N"), waits for
 * it to end and prints "xenstore_guest_read_ns <ns>" from its console.
 * usage: xs_guest_bench HV_SOCKET XS_SOCKET CONSOLE_DIR NIDO_ELF N */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvctl.h"
#include "xsclient.h"

static int fail(const char *what, const char *why)
{
	fprintf(stderr, "xs_guest_bench: %s: %s\n", what, why);
	return 1;
}

static int home(struct xsc *xs, uint32_t dom)
{
	const struct xsc_perm own = { dom, XSC_NONE };
	const struct xsc_perm ro[2] = { { 0, XSC_NONE }, { dom, XSC_READ } };
	char p[64], id[16];
	int r;

	snprintf(p, sizeof(p), "/local/domain/%u", dom);
	if ((r = xsc_mkdir(xs, 0, p)) || (r = xsc_set_perms(xs, 0, p, &own, 1)))
		return r;
	snprintf(p, sizeof(p), "/local/domain/%u/name", dom);
	if ((r = xsc_write_str(xs, 0, p, "bench")) || (r = xsc_set_perms(xs, 0, p, ro, 2)))
		return r;
	snprintf(p, sizeof(p), "/local/domain/%u/domid", dom);
	snprintf(id, sizeof(id), "%u", dom);
	if ((r = xsc_write_str(xs, 0, p, id)) || (r = xsc_set_perms(xs, 0, p, ro, 2)))
		return r;
	return 0;
}

int main(int argc, char **argv)
{
	char cmdline[64], path[512], line[256];
	struct hvctl_domain_config c = { .mem = 64ull << 20, .xenstore = true };
	struct hvctl_dominfo info;
	struct hvctl *h;
	struct xsc *xs;
	uint32_t dom, gen = ~0u;
	unsigned long n, fails, ns = 0;
	FILE *f;
	int r;

	if (argc != 6)
		return fail("usage", "HV_SOCKET XS_SOCKET CONSOLE_DIR NIDO_ELF N");
	snprintf(cmdline, sizeof(cmdline), "script=xs-bench %lu", strtoul(argv[5], NULL, 10));
	c.kernel = argv[4];
	c.cmdline = cmdline;
	if ((r = hvctl_connect(argv[1], &h)))
		return fail("hypervisor", hvctl_strerror(r));
	if ((r = xsc_open(argv[2], &xs)))
		return fail("xenstore", xsc_strerror(r));
	if ((r = hvctl_create(h, &c, &dom)) || (r = hvctl_info(h, dom, &info)))
		return fail("create", hvctl_strerror(r));
	if ((r = home(xs, dom)) || (r = xsc_introduce(xs, dom, info.store_pfn, info.store_port)))
		return fail("home/introduce", xsc_strerror(r));
	if ((r = hvctl_start(h, dom)))
		return fail("start", hvctl_strerror(r));
	do {
		if ((r = hvctl_wait(h, dom, gen, 120000, &info)))
			return fail("wait", hvctl_strerror(r));
		gen = info.generation;
	} while (info.state < HVCTL_STATE_SHUTDOWN);
	xsc_release(xs, dom);
	hvctl_destroy(h, dom);
	snprintf(path, sizeof(path), "%s/console-%u.log", argv[3], dom);
	f = fopen(path, "r");
	if (!f)
		return fail(path, "no console log");
	r = 1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "xs-bench: %lu reads, %lu failed, %lu ns per read", &n, &fails,
			   &ns) == 3 && fails == 0)
			r = 0;
	fclose(f);
	if (r)
		return fail("guest", "no xs-bench result (or failed reads)");
	printf("xenstore_guest_read_ns %lu\n", ns);
	xsc_close(xs);
	hvctl_close(h);
	return 0;
}
