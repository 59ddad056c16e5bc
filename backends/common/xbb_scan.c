/* xbb_scan.c: device discovery under /local/domain/0/backend/<type>/:
 * takes over every device found (at start, after a restart, when a
 * directory appears or is written again), follows the frontends' state
 * watches and tears devices down when their directory goes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xbb_int.h"
#include "xsclient.h"

static struct xbb_dev *devs;
static char root[96];
static size_t root_len;
static uv_poll_t xs_poll;
static bool started;

static void remove_dev(struct xbb_dev *d)
{
	struct xbb_dev **pp;

	for (pp = &devs; *pp && *pp != d; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = d->next;
	xbb_disconnect(d);
	xsc_unwatch(xbb_xs, d->fe_state_path, XBB_TOKEN_FE);
	if (d->priv)
		xbb_ops->remove(d);
	xbb_log((int)d->domid, "%s %u removed", xbb_ops->type, d->devid);
	free(d);
}

static struct xbb_dev *find(unsigned domid, unsigned devid)
{
	for (struct xbb_dev *d = devs; d; d = d->next)
		if (d->domid == domid && d->devid == devid)
			return d;
	return NULL;
}

/* A device directory appeared (or was there at start): take it over. */
static void add_dev(unsigned domid, unsigned devid)
{
	struct xbb_dev *d = calloc(1, sizeof(*d));
	char *fe = NULL, *fid = NULL, *fst = NULL;
	int r;

	if (!d)
		return;
	d->domid = domid;
	d->devid = devid;
	d->state = XenbusStateInitialising;
	snprintf(d->bepath, sizeof(d->bepath), "%s/%u/%u", root, domid, devid);
	/* Written by the toolstack; without them the directory is still being
	 * created: the next event retries. */
	if (xbb_be_read(d, XENBUS_KEY_FRONTEND, &fe) < 0 ||
	    xbb_be_read(d, XENBUS_KEY_FRONTEND_ID, &fid) < 0 ||
	    xbb_parse_num(fid, 0x7fef) != (long long)domid || strlen(fe) >= sizeof(d->fepath) ||
	    fe[0] != '/') {
		free(fe);
		free(fid);
		free(d);
		return;
	}
	snprintf(d->fepath, sizeof(d->fepath), "%s", fe);
	snprintf(d->fe_state_path, sizeof(d->fe_state_path), "%s/state", fe);
	free(fe);
	free(fid);
	d->next = devs;
	devs = d;
	/* detached before we looked (or while we were down): nothing to serve */
	if (xbb_detach_requested(d)) {
		d->closing = true;
		xbb_set_state(d, XenbusStateClosed);
		xbb_log((int)domid, "%s %u: detach requested before it was served: Closed",
			xbb_ops->type, devid);
		return;
	}
	r = xbb_ops->probe(d);
	if (r == -EAGAIN) { /* class keys not written yet: next event retries */
		devs = d->next;
		if (d->priv)
			xbb_ops->remove(d);
		free(d);
		return;
	}
	if (r < 0) {
		/* the class may have said why */
		if (!d->error[0])
			snprintf(d->error, sizeof(d->error), "probe failed");
		xbb_log((int)domid, "%s %u: probe failed: %s", xbb_ops->type, devid, d->error);
		xbb_be_write(d, "error", "%s", d->error);
		d->broken = true;
		xbb_set_state(d, XenbusStateClosed);
	} else {
		if (!xbb_ops->own_ring_keys)
			xbb_be_write(d, XENBUS_KEY_MAX_RING_PAGE_ORDER, "%u",
				     xbb_ops->max_ring_order);
		/* A frontend already Connected is using a ring of a previous
		 * backend: it must re-initialise before we connect. */
		if (xbb_fe_read(d, XENBUS_KEY_STATE, &fst) == 0 &&
		    xbb_parse_num(fst, 8) == XenbusStateConnected)
			d->stale = true;
		free(fst);
		xbb_set_state(d, XenbusStateInitWait);
		xbb_log((int)domid, "%s %u: InitWait%s", xbb_ops->type, devid,
			d->stale ? " (taking over a connected frontend)" : "");
	}
	/* Fires once at once: fe_changed then sees the current state. */
	if (xsc_watch(xbb_xs, d->fe_state_path, XBB_TOKEN_FE, NULL, NULL) < 0)
		xbb_log((int)domid, "%s %u: cannot watch %s", xbb_ops->type, devid,
			d->fe_state_path);
}

/* The toolstack removed and wrote the directory again (e.g. a new domain
 * with the same id) between two looks: the state key is no longer ours.
 * Closing is the toolstack's detach request, not a new directory (whose
 * state starts at Initialising). */
static bool recreated(struct xbb_dev *d)
{
	char *v = NULL;
	long long st = xbb_be_read(d, XENBUS_KEY_STATE, &v) < 0 ? -1 : xbb_parse_num(v, 8);
	bool r = st != d->state && st != XenbusStateClosing;

	free(v);
	return r;
}

static void scan(void)
{
	char **doms = NULL, **ids;
	unsigned nd = 0, ni;

	for (struct xbb_dev *d = devs; d; d = d->next)
		d->seen = false;
	if (xsc_directory(xbb_xs, 0, root, &doms, &nd) < 0)
		nd = 0;
	for (unsigned i = 0; i < nd; i++) {
		long long domid = xbb_parse_num(doms[i], 0x7fef);
		char path[XBB_PATH_MAX];

		if (domid <= 0)
			continue;
		snprintf(path, sizeof(path), "%s/%lld", root, domid);
		if (xsc_directory(xbb_xs, 0, path, &ids, &ni) < 0)
			continue;
		for (unsigned j = 0; j < ni; j++) {
			long long devid = xbb_parse_num(ids[j], UINT32_MAX);
			struct xbb_dev *d;

			if (devid < 0)
				continue;
			d = find((unsigned)domid, (unsigned)devid);
			if (d && recreated(d)) {
				remove_dev(d);
				d = NULL;
			}
			if (!d) {
				add_dev((unsigned)domid, (unsigned)devid);
				d = find((unsigned)domid, (unsigned)devid);
			}
			if (d)
				d->seen = true;
		}
		free(ids);
	}
	free(doms);
	for (struct xbb_dev *d = devs, *next; d; d = next) {
		next = d->next;
		if (!d->seen)
			remove_dev(d);
	}
}

/* The toolstack's online or state key of a known device: a detach? */
static void mark_be(const char *path)
{
	unsigned domid, devid;
	int used = 0;
	struct xbb_dev *d;
	const char *key;

	if (sscanf(path + root_len, "/%u/%u%n", &domid, &devid, &used) != 2 ||
	    path[root_len + used] != '/' || !(d = find(domid, devid)))
		return;
	key = path + root_len + used + 1;
	if (!strcmp(key, XENBUS_KEY_ONLINE) || !strcmp(key, XENBUS_KEY_STATE))
		d->be_dirty = true;
}

/* Events about keys below a known device's directory are our own writes
 * or class keys: no rescan. Everything else may add or remove devices. */
static bool needs_scan(const char *path)
{
	unsigned domid, devid;
	int used = 0;

	if (strncmp(path, root, root_len) || (path[root_len] != '/' && path[root_len]))
		return false;
	if (sscanf(path + root_len, "/%u/%u%n", &domid, &devid, &used) == 2 &&
	    path[root_len + used] == '/' && find(domid, devid))
		return false;
	return true;
}

static void on_xs(uv_poll_t *p, int status, int events)
{
	struct xsc_event *ev;
	bool rescan = false;
	int r;

	while ((r = xsc_read_watch(xbb_xs, &ev, 0)) == 0) {
		if (!strcmp(ev->token, XBB_TOKEN_BE)) {
			rescan |= needs_scan(ev->path);
			if (!strncmp(ev->path, root, root_len))
				mark_be(ev->path);
		} else if (!strcmp(ev->token, XBB_TOKEN_FE)) {
			for (struct xbb_dev *d = devs; d; d = d->next)
				if (!strcmp(d->fe_state_path, ev->path)) {
					d->fe_dirty = true;
					d->fe_events++;
				}
		}
		free(ev);
	}
	if (r != -ETIMEDOUT) {
		xbb_log(-1, "xenstore connection lost: %s; devices no longer followed",
			xsc_strerror(r));
		uv_poll_stop(&xs_poll);
		return;
	}
	/* Directories first: a device recreated under the same path must be
	 * replaced before its (new) frontend's state is acted on. */
	if (rescan)
		scan();
	for (struct xbb_dev *d = devs; d; d = d->next) {
		if (d->be_dirty) {
			d->be_dirty = false;
			xbb_be_changed(d);
		}
	}
	for (struct xbb_dev *d = devs; d; d = d->next) {
		if (d->fe_dirty) {
			d->fe_dirty = false;
			xbb_fe_changed(d);
		}
	}
}

int xbb_start(uv_loop_t *loop, const char *xs_socket, const struct xbb_ops *o)
{
	int r;

	xbb_ops = o;
	snprintf(root, sizeof(root), "/local/domain/0/backend/%s", o->type);
	root_len = strlen(root);
	if ((r = xsc_open(xs_socket, &xbb_xs)) < 0) {
		xbb_log(-1, "cannot connect to xenstore at %s: %s", xsc_socket_path(xs_socket),
			xsc_strerror(r));
		return r;
	}
	if ((r = xsc_watch(xbb_xs, root, XBB_TOKEN_BE, NULL, NULL)) < 0) {
		xbb_log(-1, "cannot watch %s: %s", root, xsc_strerror(r));
		return r;
	}
	uv_poll_init(loop, &xs_poll, xsc_fileno(xbb_xs));
	uv_poll_start(&xs_poll, UV_READABLE, on_xs);
	started = true;
	scan(); /* devices already there (e.g. after a restart) */
	return 0;
}

void xbb_stop(void)
{
	if (!started)
		return;
	started = false;
	while (devs) {
		struct xbb_dev *d = devs;

		devs = d->next;
		xbb_disconnect(d);
		if (d->priv)
			xbb_ops->remove(d);
		free(d);
	}
	uv_poll_stop(&xs_poll);
	uv_close((uv_handle_t *)&xs_poll, NULL);
}

struct xbb_dev *xbb_devices(void)
{
	return devs;
}

void xbb_close(void)
{
	xsc_close(xbb_xs);
	xbb_xs = NULL;
}
