/* hd_store.c: hospesd's xenstore side: each domain's own keys (owned by the
 * domain), /vm/<uuid>, INTRODUCE/RELEASE, and the client watches that
 * store.watch forwards (a second handle polled by the loop). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd.h"
#include "xsclient.h"

struct cwatch {
	struct cwatch *next;
	unsigned conn;
	char path[HD_PATH_MAX], token[HD_PATH_MAX + 16];
};

static struct xsc *wh;      /* the watch handle */
static uv_poll_t *wpoll;
static struct cwatch *cwatches;

struct xsc *hd_xs(void)
{
	if (!hd.xs && hd.stored.pid > 0 && xsc_open(hd.stored.sock, &hd.xs))
		hd.xs = NULL;
	return hd.xs;
}

static void on_poll_closed(uv_handle_t *h)
{
	free(h);
}

void hd_store_lost(void)
{
	if (hd.xs)
		xsc_close(hd.xs);
	hd.xs = NULL;
	if (wpoll) {
		uv_close((uv_handle_t *)wpoll, on_poll_closed);
		wpoll = NULL;
	}
	if (wh)
		xsc_close(wh);
	wh = NULL;
	/* The watches died with the daemon: the clients are told by the
	 * service event and may watch again. */
	while (cwatches) {
		struct cwatch *w = cwatches;

		cwatches = w->next;
		free(w);
	}
}

/* A broken connection is dropped so that the next call reconnects. */
static int xs_result(int r)
{
	if (r == -EPIPE || r == -EBADMSG || r == -ECONNRESET) {
		xsc_close(hd.xs);
		hd.xs = NULL;
	}
	return r;
}

static int put(struct xsc *x, const char *dir, const char *key, const char *val,
	       const struct xsc_perm *perm, unsigned np)
{
	char path[HD_PATH_MAX * 2];
	int r;

	snprintf(path, sizeof(path), "%s%s%s", dir, key[0] ? "/" : "", key);
	r = val ? xsc_write_str(x, 0, path, val) : xsc_mkdir(x, 0, path);
	if (!r && perm)
		r = xsc_set_perms(x, 0, path, perm, np);
	return r;
}

/* console: the primary console's keys as libxl writes them (ring-ref is
 * a frame number), before INTRODUCE: hospes-consoled reads them when it
 * sees @introduceDomain. Owned by dom0, readable by the domain. */
static int hd_store_console(struct xsc *x, const char *dp, const struct hd_dom *d,
			    const struct xsc_perm *ro)
{
	char num[32];
	int r = 0;

	if (!d->info.console_pfn || !d->info.console_port)
		return 0;
	r |= put(x, dp, "console", NULL, ro, 2);
	snprintf(num, sizeof(num), "%" PRIu64, (uint64_t)d->info.console_pfn);
	r |= put(x, dp, "console/ring-ref", num, ro, 2);
	snprintf(num, sizeof(num), "%u", (unsigned)d->info.console_port);
	r |= put(x, dp, "console/port", num, ro, 2);
	r |= put(x, dp, "console/type", "xenconsoled", ro, 2);
	r |= put(x, dp, "console/limit", "1048576", ro, 2);
	r |= put(x, dp, "console/output", "pty", ro, 2);
	r |= put(x, dp, "console/tty", "", ro, 2);
	r |= put(x, dp, "console/backend-id", "0", ro, 2);
	return r;
}

int hd_store_domain(struct hd_dom *d)
{
	struct xsc *x = hd_xs();
	char dp[64], vm[64], num[32];
	struct xsc_perm own = { d->domid, XSC_NONE };            /* the domain owns it */
	struct xsc_perm ro[2] = { { 0, XSC_NONE }, { d->domid, XSC_READ } };
	int r = 0;

	if (!x)
		return -ENOTCONN;
	snprintf(dp, sizeof(dp), "/local/domain/%u", d->domid);
	snprintf(vm, sizeof(vm), "/vm/%s", d->uuid);
	/* The home and what the guest writes are the domain's; facts set by
	 * the toolstack (identity, memory targets, vCPUs) it may only read. */
	r |= put(x, dp, "", NULL, &own, 1);
	r |= put(x, dp, "name", d->cfg.name, ro, 2);
	snprintf(num, sizeof(num), "%u", d->domid);
	r |= put(x, dp, "domid", num, ro, 2);
	r |= put(x, dp, "vm", vm, ro, 2);
	r |= put(x, dp, "memory", NULL, &own, 1);
	snprintf(num, sizeof(num), "%" PRIu64, d->mem_target >> 10);
	r |= put(x, dp, "memory/target", num, ro, 2);
	snprintf(num, sizeof(num), "%" PRIu64, d->cfg.maxmem >> 10);
	r |= put(x, dp, "memory/static-max", num, ro, 2);
	r |= put(x, dp, "control", NULL, &own, 1);
	r |= put(x, dp, "control/shutdown", "", &own, 1);
	r |= put(x, dp, "device", NULL, &own, 1);
	r |= put(x, dp, "data", NULL, &own, 1);
	r |= put(x, dp, "cpu", NULL, ro, 2);
	for (unsigned i = 0; i < d->cfg.vcpus; i++) {
		char key[32];

		snprintf(key, sizeof(key), "cpu/%u/availability", i);
		r |= put(x, dp, key, "online", ro, 2);
	}
	r |= put(x, vm, "", NULL, ro, 2);
	r |= put(x, vm, "uuid", d->uuid, ro, 2);
	r |= put(x, vm, "name", d->cfg.name, ro, 2);
	r |= hd_store_console(x, dp, d, ro);
	/* block: the disks, before INTRODUCE like the console */
	if (!r)
		hd_vbd_add_all(d);
	if (r) {
		hd_log((int)d->domid, "writing xenstore keys failed");
		xs_result(-EPIPE);
		return -EIO;
	}
	if (d->cfg.xenstore && d->info.store_pfn) {
		r = xsc_introduce(x, d->domid, d->info.store_pfn, d->info.store_port);
		if (r)
			hd_log((int)d->domid, "INTRODUCE: %s", xsc_strerror(r));
		return xs_result(r);
	}
	return 0;
}

void hd_store_forget(struct hd_dom *d)
{
	struct xsc *x = hd_xs();
	char p[64];

	if (!x)
		return;
	if (d->cfg.xenstore && d->info.store_pfn)
		xsc_release(x, d->domid); /* -ENOENT if never introduced: fine */
	/* block: the backend dirs (under dom0) first, so that hospes-blkback
	 * drops the devices before it sees their frontends go */
	hd_vbd_forget(d);
	snprintf(p, sizeof(p), "/local/domain/%u", d->domid);
	xsc_rm(x, 0, p);
	snprintf(p, sizeof(p), "/vm/%s", d->uuid);
	xs_result(xsc_rm(x, 0, p));
}

static int write_kib(struct hd_dom *d, const char *key, uint64_t bytes)
{
	struct xsc *x = hd_xs();
	char p[64], v[32];

	if (!x)
		return -ENOTCONN;
	snprintf(p, sizeof(p), "/local/domain/%u/memory/%s", d->domid, key);
	snprintf(v, sizeof(v), "%" PRIu64, bytes >> 10);
	return xs_result(xsc_write_str(x, 0, p, v));
}

int hd_store_set_target(struct hd_dom *d, uint64_t bytes)
{
	return write_kib(d, "target", bytes);
}

int hd_store_static_max(struct hd_dom *d, uint64_t bytes)
{
	return write_kib(d, "static-max", bytes);
}

int hd_store_control(struct hd_dom *d, const char *what)
{
	struct xsc *x = hd_xs();
	char p[64];

	if (!x)
		return -ENOTCONN;
	snprintf(p, sizeof(p), "/local/domain/%u/control/shutdown", d->domid);
	return xs_result(xsc_write_str(x, 0, p, what));
}

void hd_store_rebuild(void)
{
	for (struct hd_dom *d = hd.doms; d; d = d->next)
		hd_store_domain(d);
}

static void on_watch_readable(uv_poll_t *p, int status, int events)
{
	struct xsc_event *ev;
	int r;

	while ((r = xsc_read_watch(wh, &ev, 0)) == 0) {
		hd_conn_store_event(ev->path, ev->token);
		free(ev);
	}
	if (r != -ETIMEDOUT)
		hd_store_lost();
}

int hd_store_watch(const char *path, const char *token)
{
	struct cwatch *w;
	int r;

	if (!wh) {
		if (hd.stored.pid <= 0 || xsc_open(hd.stored.sock, &wh)) {
			wh = NULL;
			return -ENOTCONN;
		}
		wpoll = calloc(1, sizeof(*wpoll));
		if (!wpoll)
			return -ENOMEM;
		uv_poll_init(hd.loop, wpoll, xsc_fileno(wh));
		uv_poll_start(wpoll, UV_READABLE, on_watch_readable);
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	r = xsc_watch(wh, path, token, NULL, NULL);
	if (r) {
		free(w);
		return r;
	}
	w->conn = (unsigned)strtoul(token + 1, NULL, 10);
	snprintf(w->path, sizeof(w->path), "%s", path);
	snprintf(w->token, sizeof(w->token), "%s", token);
	w->next = cwatches;
	cwatches = w;
	/* The first event (the watch firing at once) may already be queued. */
	on_watch_readable(wpoll, 0, UV_READABLE);
	return 0;
}

void hd_store_unwatch_conn(unsigned connid)
{
	for (struct cwatch **pp = &cwatches; *pp;) {
		struct cwatch *w = *pp;

		if (w->conn != connid) {
			pp = &w->next;
			continue;
		}
		if (wh)
			xsc_unwatch(wh, w->path, w->token);
		*pp = w->next;
		free(w);
	}
}
