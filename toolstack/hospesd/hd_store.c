/* hd_store.c: hospesd's xenstore side: each domain's own keys (owned by the
 * domain), /vm/<uuid>, INTRODUCE/RELEASE, and the client watches that
 * store.watch forwards (a second handle polled by the loop). Both handles
 * bound every request (HD_CALL_TIMEOUT_MS); the client watches are kept
 * when the watch handle goes (hospes-stored restarted or not answering)
 * and set again on a new one. */
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
static uv_timer_t *rewatch_timer; /* robust: watches to set again */

struct xsc *hd_xs(void)
{
	/* robust: a handle a timeout (or anything) broke in any caller is
	 * replaced */
	if (hd.xs && xsc_broken(hd.xs)) {
		if (xsc_broken(hd.xs) == -ETIMEDOUT)
			hd_svc_timed_out(&hd.stored, "a request");
		xsc_close(hd.xs);
		hd.xs = NULL;
	}
	if (!hd.xs && hd.stored.pid > 0 && hd_svc_usable(&hd.stored)) {
		int r = xsc_open_timeout(hd.stored.sock, HD_CALL_TIMEOUT_MS, &hd.xs);

		if (r)
			hd.xs = NULL;
		if (r == -ETIMEDOUT)
			hd_svc_timed_out(&hd.stored, "connect");
	}
	return hd.xs;
}

static void on_poll_closed(uv_handle_t *h)
{
	free(h);
}

/* Closes the watch handle; the client watches stay listed, to be set
 * again on the next handle (rewatch). */
static void drop_watch_handle(void)
{
	if (wpoll) {
		uv_close((uv_handle_t *)wpoll, on_poll_closed);
		wpoll = NULL;
	}
	if (wh)
		xsc_close(wh);
	wh = NULL;
}

void hd_store_lost(void)
{
	if (hd.xs)
		xsc_close(hd.xs);
	hd.xs = NULL;
	/* The watches died with the daemon; hd_store_rebuild sets them on
	 * the new one. */
	drop_watch_handle();
}

/* A broken connection is dropped so that the next call reconnects; one
 * that timed out too (a late reply must not answer the next request). */
int hd_xs_result(int r)
{
	if (r == -ETIMEDOUT)
		hd_svc_timed_out(&hd.stored, "a request");
	if (r == -EPIPE || r == -EBADMSG || r == -ECONNRESET || r == -ETIMEDOUT) {
		xsc_close(hd.xs);
		hd.xs = NULL;
	} else {
		hd_svc_answered(&hd.stored);
	}
	return r;
}

static int xs_result(int r)
{
	return hd_xs_result(r);
}

/* Where store_domain writes; keep is set for a domain being taken back
 * whose home is still in the store: a key that exists is left as it is
 * (a rewrite would undo what happened since, e.g. clear a shutdown request
 * the guest has not acted on yet, and fire the guest's watches). */
struct put_to {
	struct xsc *x;
	bool keep;
	unsigned written;
};

static int put(struct put_to *w, const char *dir, const char *key, const char *val,
	       const struct xsc_perm *perm, unsigned np)
{
	char path[HD_PATH_MAX * 2];
	int r;

	snprintf(path, sizeof(path), "%s%s%s", dir, key[0] ? "/" : "", key);
	if (w->keep) {
		char *old = NULL;

		r = xsc_read(w->x, 0, path, &old, &(size_t){ 0 });
		free(old);
		if (r != -ENOENT)
			return r; /* 0: there, kept */
	}
	r = val ? xsc_write_str(w->x, 0, path, val) : xsc_mkdir(w->x, 0, path);
	if (!r && perm)
		r = xsc_set_perms(w->x, 0, path, perm, np);
	if (!r)
		w->written++;
	return r;
}

/* console: the primary console's keys as libxl writes them (ring-ref is
 * a frame number), before INTRODUCE: hospes-consoled reads them when it
 * sees @introduceDomain. Owned by dom0, readable by the domain. */
static int hd_store_console(struct put_to *w, const char *dp, const struct hd_dom *d,
			    const struct xsc_perm *ro)
{
	char num[32];
	int r = 0;

	if (!d->info.console_pfn || !d->info.console_port)
		return 0;
	r |= put(w, dp, "console", NULL, ro, 2);
	snprintf(num, sizeof(num), "%" PRIu64, (uint64_t)d->info.console_pfn);
	r |= put(w, dp, "console/ring-ref", num, ro, 2);
	snprintf(num, sizeof(num), "%u", (unsigned)d->info.console_port);
	r |= put(w, dp, "console/port", num, ro, 2);
	r |= put(w, dp, "console/type", "xenconsoled", ro, 2);
	r |= put(w, dp, "console/limit", "1048576", ro, 2);
	r |= put(w, dp, "console/output", "pty", ro, 2);
	r |= put(w, dp, "console/tty", "", ro, 2);
	r |= put(w, dp, "console/backend-id", "0", ro, 2);
	return r;
}

/* The request a pending shutdown made (the record keeps it), so that a
 * control/shutdown written again still asks for it. */
static const char *shutdown_request(const struct hd_dom *d)
{
	return d->pending_shutdown == 2 ? "reboot" : d->pending_shutdown == 1 ? "poweroff" : "";
}

/* adopt: a domain taken back (hospesd or hospes-stored restarted): if its
 * home is still there, only missing keys are written. */
static int store_domain(struct hd_dom *d, bool adopt)
{
	struct xsc *x = hd_xs();
	char dp[64], vm[64], num[32];
	struct xsc_perm own = { d->domid, XSC_NONE };            /* the domain owns it */
	struct xsc_perm ro[2] = { { 0, XSC_NONE }, { d->domid, XSC_READ } };
	struct put_to w = { .x = x };
	int r = 0;

	if (!x)
		return -ENOTCONN;
	snprintf(dp, sizeof(dp), "/local/domain/%u", d->domid);
	snprintf(vm, sizeof(vm), "/vm/%s", d->uuid);
	if (adopt) {
		char *old = NULL;

		r = xsc_read(x, 0, dp, &old, &(size_t){ 0 });
		free(old);
		w.keep = r == 0;
		r = r == -ENOENT ? 0 : r;
	}
	/* The home and what the guest writes are the domain's; facts set by
	 * the toolstack (identity, memory targets, vCPUs) it may only read. */
	r |= put(&w, dp, "", NULL, &own, 1);
	r |= put(&w, dp, "name", d->cfg.name, ro, 2);
	snprintf(num, sizeof(num), "%u", d->domid);
	r |= put(&w, dp, "domid", num, ro, 2);
	r |= put(&w, dp, "vm", vm, ro, 2);
	r |= put(&w, dp, "memory", NULL, &own, 1);
	snprintf(num, sizeof(num), "%" PRIu64, d->mem_target >> 10);
	r |= put(&w, dp, "memory/target", num, ro, 2);
	snprintf(num, sizeof(num), "%" PRIu64, d->cfg.maxmem >> 10);
	r |= put(&w, dp, "memory/static-max", num, ro, 2);
	r |= put(&w, dp, "control", NULL, &own, 1);
	r |= put(&w, dp, "control/shutdown", shutdown_request(d), &own, 1);
	r |= put(&w, dp, "device", NULL, &own, 1);
	r |= put(&w, dp, "data", NULL, &own, 1);
	r |= put(&w, dp, "cpu", NULL, ro, 2);
	for (unsigned i = 0; i < d->cfg.vcpus; i++) {
		char key[32];

		snprintf(key, sizeof(key), "cpu/%u/availability", i);
		r |= put(&w, dp, key, "online", ro, 2);
	}
	r |= put(&w, vm, "", NULL, ro, 2);
	r |= put(&w, vm, "uuid", d->uuid, ro, 2);
	r |= put(&w, vm, "name", d->cfg.name, ro, 2);
	r |= hd_store_console(&w, dp, d, ro);
	if (w.keep && w.written)
		hd_log((int)d->domid, "%u missing xenstore key%s written again", w.written,
		       w.written == 1 ? "" : "s");
	/* block: the disks, before INTRODUCE like the console */
	if (!r)
		hd_vbd_add_all(d);
	/* net: the vifs, the same way */
	if (!r)
		hd_vif_add_all(d);
	if (r) {
		hd_log((int)d->domid, "writing xenstore keys failed");
		xs_result(xsc_broken(x) ? xsc_broken(x) : -EPIPE); /* robust: a timeout is marked */
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

int hd_store_domain(struct hd_dom *d)
{
	return store_domain(d, false);
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
	hd_vif_forget(d); /* net */
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

static void schedule_rewatch(void);

static void on_watch_readable(uv_poll_t *p, int status, int events)
{
	struct xsc_event *ev;
	int r;

	while ((r = xsc_read_watch(wh, &ev, 0)) == 0) {
		hd_conn_store_event(ev->path, ev->token);
		free(ev);
	}
	if (r != -ETIMEDOUT) {
		/* robust: the watches are set again on a new connection */
		drop_watch_handle();
		schedule_rewatch();
	}
}

static int open_watch_handle(void)
{
	int r;

	if (wh)
		return 0;
	if (hd.stored.pid <= 0 || !hd_svc_usable(&hd.stored))
		return -ENOTCONN;
	r = xsc_open_timeout(hd.stored.sock, HD_CALL_TIMEOUT_MS, &wh);
	if (r) {
		wh = NULL;
		if (r == -ETIMEDOUT)
			hd_svc_timed_out(&hd.stored, "connect");
		return r == -ETIMEDOUT ? r : -ENOTCONN;
	}
	wpoll = calloc(1, sizeof(*wpoll));
	if (!wpoll) {
		drop_watch_handle();
		return -ENOMEM;
	}
	uv_poll_init(hd.loop, wpoll, xsc_fileno(wh));
	uv_poll_start(wpoll, UV_READABLE, on_watch_readable);
	return 0;
}

/* A watch request on the watch handle; a timeout drops the handle (the
 * stream is out of step) and the listed watches wait for rewatch. */
static int watch_one(const char *path, const char *token)
{
	int r = xsc_watch(wh, path, token, NULL, NULL);

	if (r == -ETIMEDOUT)
		hd_svc_timed_out(&hd.stored, "WATCH");
	else if (!r)
		hd_svc_answered(&hd.stored);
	if (r == -ETIMEDOUT || r == -EPIPE || r == -EBADMSG) {
		drop_watch_handle();
		schedule_rewatch();
	}
	return r;
}

/* Sets every client watch on a new watch handle; the daemon fires each
 * once, as for a new watch, so a client sees the current state. */
static int rewatch(void)
{
	unsigned n = 0;
	int r;

	if (wh || !cwatches)
		return 0;
	r = open_watch_handle();
	if (r)
		return r;
	for (struct cwatch *w = cwatches; w; w = w->next, n++) {
		r = watch_one(w->path, w->token);
		if (!wh) /* the handle went (timeout, daemon gone): later */
			return r;
		if (r) /* refused by the daemon (e.g. a quota): this one is lost */
			hd_log(-1, "store watch %s for client %u not set again: %s", w->path,
			       w->conn, xsc_strerror(r));
	}
	hd_log(-1, "%u client watch%s set again on hospes-stored", n, n == 1 ? "" : "es");
	on_watch_readable(wpoll, 0, UV_READABLE);
	return 0;
}

static void on_rewatch(uv_timer_t *t)
{
	if (!cwatches || !rewatch())
		uv_timer_stop(t);
}

/* robust: retries rewatch every 500 ms until it works (hospes-stored
 * being restarted or not answering). */
static void schedule_rewatch(void)
{
	if (!cwatches)
		return;
	if (!rewatch_timer) {
		rewatch_timer = calloc(1, sizeof(*rewatch_timer));
		if (!rewatch_timer)
			return;
		uv_timer_init(hd.loop, rewatch_timer);
		uv_unref((uv_handle_t *)rewatch_timer);
	}
	if (!uv_is_active((uv_handle_t *)rewatch_timer))
		uv_timer_start(rewatch_timer, on_rewatch, 500, 500);
}

void hd_store_rebuild(void)
{
	for (struct hd_dom *d = hd.doms; d; d = d->next)
		store_domain(d, true);
	/* robust: after the keys, so that the first events see them */
	if (rewatch())
		schedule_rewatch();
}

int hd_store_watch(const char *path, const char *token)
{
	struct cwatch *w;
	int r;

	/* the listed watches first, so that none is lost */
	if ((r = rewatch()) || (r = open_watch_handle()))
		return r;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	r = watch_one(path, token);
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
		if (wh && xsc_unwatch(wh, w->path, w->token) == -ETIMEDOUT) {
			hd_svc_timed_out(&hd.stored, "UNWATCH");
			drop_watch_handle(); /* the rest are set again later */
			schedule_rewatch();
		}
		*pp = w->next;
		free(w);
	}
}
