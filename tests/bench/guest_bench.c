/* guest_bench.c: the toolstack's steps shared by the guest benchmarks. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "guest_bench.h"

int gbench_fail(const struct gbench *g, const char *what, const char *why)
{
	fprintf(stderr, "%s: %s: %s\n", g->prog, what, why);
	return 1;
}

int gbench_create(struct gbench *g, const char *hv_sock, const char *xs_sock, const char *kernel,
		  const char *cmdline)
{
	struct hvctl_domain_config c = {.mem = 64ull << 20, .xenstore = true};
	int r;

	c.kernel = kernel;
	c.cmdline = cmdline;
	if ((r = hvctl_connect(hv_sock, &g->h)))
		return gbench_fail(g, "hypervisor", hvctl_strerror(r));
	if ((r = xsc_open(xs_sock, &g->xs)))
		return gbench_fail(g, "xenstore", xsc_strerror(r));
	if ((r = hvctl_create(g->h, &c, &g->dom)) || (r = hvctl_info(g->h, g->dom, &g->info)))
		return gbench_fail(g, "create", hvctl_strerror(r));
	return 0;
}

static int node(struct xsc *xs, uint32_t tx, const char *path, const char *val,
		const struct xsc_perm *perms)
{
	int r = val ? xsc_write_str(xs, tx, path, val) : xsc_mkdir(xs, tx, path);

	return r ? r : xsc_set_perms(xs, tx, path, perms, 2);
}

/* dir, its link to the other end (peer, peer-id), keys, state 1. */
static int dev_dir(struct xsc *xs, uint32_t tx, const char *dir, const char *peer,
		   const char *peer_path, const char *peer_id, const char *const (*keys)[2],
		   size_t n, const struct xsc_perm *perms)
{
	char p[192];
	int r = node(xs, tx, dir, NULL, perms);

	snprintf(p, sizeof(p), "%s/%s", dir, peer);
	r = r ? r : node(xs, tx, p, peer_path, perms);
	snprintf(p, sizeof(p), "%s/%s-id", dir, peer);
	r = r ? r : node(xs, tx, p, peer_id, perms);
	for (size_t i = 0; !r && i < n; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, keys[i][0]);
		r = node(xs, tx, p, keys[i][1], perms);
	}
	snprintf(p, sizeof(p), "%s/state", dir);
	return r ? r : node(xs, tx, p, "1", perms);
}

static int keys_tx(struct xsc *xs, uint32_t tx, uint32_t dom, const char *name,
		   const struct gbench_dev *dev)
{
	const struct xsc_perm dom0[2] = {{0, XSC_NONE}, {dom, XSC_READ}};
	const struct xsc_perm guest[2] = {{dom, XSC_NONE}, {0, XSC_READ}};
	char p[192], f[96], b[96], id[16];
	int r;

	snprintf(id, sizeof(id), "%u", dom);
	snprintf(p, sizeof(p), "/local/domain/%u/name", dom);
	r = node(xs, tx, p, name, dom0);
	snprintf(p, sizeof(p), "/local/domain/%u/domid", dom);
	r = r ? r : node(xs, tx, p, id, dom0);
	if (r || !dev)
		return r;
	snprintf(f, sizeof(f), "/local/domain/%u/device/%s/%u", dom, dev->type, dev->devid);
	snprintf(b, sizeof(b), "/local/domain/0/backend/%s/%u/%u", dev->type, dom, dev->devid);
	snprintf(p, sizeof(p), "/local/domain/%u/device", dom);
	r = node(xs, tx, p, NULL, dom0);
	snprintf(p, sizeof(p), "/local/domain/%u/device/%s", dom, dev->type);
	r = r ? r : node(xs, tx, p, NULL, dom0);
	r = r ? r : dev_dir(xs, tx, b, "frontend", f, id, dev->back, dev->nback, dom0);
	return r ? r : dev_dir(xs, tx, f, "backend", b, "0", dev->front, dev->nfront, guest);
}

int gbench_keys(struct gbench *g, const char *name, const struct gbench_dev *dev)
{
	const struct xsc_perm own = {g->dom, XSC_NONE};
	char p[64];
	uint32_t tx;
	int r;

	snprintf(p, sizeof(p), "/local/domain/%u", g->dom);
	if ((r = xsc_mkdir(g->xs, 0, p)) || (r = xsc_set_perms(g->xs, 0, p, &own, 1)))
		return gbench_fail(g, "keys", xsc_strerror(r));
	do {
		if ((r = xsc_transaction_start(g->xs, &tx)))
			break;
		if ((r = keys_tx(g->xs, tx, g->dom, name, dev))) {
			xsc_transaction_end(g->xs, tx, false);
			break;
		}
		r = xsc_transaction_end(g->xs, tx, true);
	} while (r == -EAGAIN);
	if (r || (r = xsc_introduce(g->xs, g->dom, g->info.store_pfn, g->info.store_port)))
		return gbench_fail(g, "keys/introduce", xsc_strerror(r));
	return 0;
}

int gbench_start(struct gbench *g)
{
	int r = hvctl_start(g->h, g->dom);

	return r ? gbench_fail(g, "start", hvctl_strerror(r)) : 0;
}

int gbench_wait_end(struct gbench *g, int timeout_ms)
{
	uint32_t gen = ~0u;
	int r;

	do {
		if ((r = hvctl_wait(g->h, g->dom, gen, timeout_ms, &g->info)))
			return gbench_fail(g, "wait", hvctl_strerror(r));
		gen = g->info.generation;
	} while (g->info.state < HVCTL_STATE_SHUTDOWN);
	return 0;
}

FILE *gbench_console_log(const struct gbench *g, const char *dir)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/console-%u.log", dir, g->dom);
	if (!(f = fopen(path, "r")))
		gbench_fail(g, path, "no console log");
	return f;
}

void gbench_close(struct gbench *g)
{
	xsc_close(g->xs);
	hvctl_close(g->h);
}
