/* xbb_state.c: device discovery under /local/domain/0/backend/<type>/ and
 * the backend's xenbus state machine (SPEC.md §17.1). Every xenstore
 * event leads to re-reading state, never to trusting the event's path:
 * watches only say "look again". */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xbb.h"
#include "xsclient.h"

#define XBB_TOKEN_BE "xbb-be"
#define XBB_TOKEN_FE "xbb-fe"

static struct xsc *xs;
static const struct xbb_ops *ops;
static struct xbb_dev *devs;
static char root[96];
static size_t root_len;
static uv_poll_t xs_poll;
static bool started;

int xbb_be_write(struct xbb_dev *d, const char *key, const char *fmt, ...)
{
	char path[XBB_PATH_MAX + 48], val[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "%s/%s", d->bepath, key);
	return xsc_write_str(xs, 0, path, val);
}

static int read_rel(const char *dir, const char *key, char **val)
{
	char path[XBB_PATH_MAX + 48];
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	return xsc_read(xs, 0, path, val, &len);
}

int xbb_be_read(struct xbb_dev *d, const char *key, char **val)
{
	return read_rel(d->bepath, key, val);
}

int xbb_fe_read(struct xbb_dev *d, const char *key, char **val)
{
	return read_rel(d->fepath, key, val);
}

static void set_state(struct xbb_dev *d, int st)
{
	int r = xbb_be_write(d, XENBUS_KEY_STATE, "%d", st);

	if (r < 0)
		xbb_log((int)d->domid, "vbd %u: writing state %d: %s", d->devid, st,
			xsc_strerror(r));
	d->state = st;
}

static void disconnect(struct xbb_dev *d)
{
	if (d->connected) {
		ops->disconnect(d);
		d->connected = false;
	}
}

void xbb_fail(struct xbb_dev *d, const char *why)
{
	xbb_log((int)d->domid, "%s %u dropped: %s", ops->type, d->devid, why);
	disconnect(d);
	xbb_be_write(d, "error", "%s", why);
	set_state(d, XenbusStateClosed);
}

/* Frontend keys read for xbb_parse_ring_keys; freed after parsing. */
struct fe_keys {
	struct xbb_dev *d;
	char *val[24];
	unsigned n;
};

static const char *fe_get(void *arg, const char *key)
{
	struct fe_keys *fk = arg;
	char *v = NULL;

	if (fk->n >= sizeof(fk->val) / sizeof(fk->val[0]) || xbb_fe_read(fk->d, key, &v) < 0)
		return NULL;
	fk->val[fk->n++] = v;
	return v;
}

static void connect_dev(struct xbb_dev *d)
{
	struct fe_keys fk = {.d = d};
	struct xbb_ring_keys k;
	const char *why = NULL;
	int r = xbb_parse_ring_keys(fe_get, &fk, ops->max_ring_order, &k, &why);

	for (unsigned i = 0; i < fk.n; i++)
		free(fk.val[i]);
	if (r < 0) {
		xbb_fail(d, why);
		return;
	}
	if ((r = ops->connect(d, &k)) < 0) {
		xbb_fail(d, "connect failed");
		return;
	}
	d->connected = true;
	set_state(d, XenbusStateConnected);
	xbb_log((int)d->domid, "%s %u connected (ring order %u, port %u%s)", ops->type, d->devid,
		k.order, k.port, k.persistent ? ", persistent grants" : "");
}

/* The frontend's state changed (or may have): follow it. */
static void fe_changed(struct xbb_dev *d)
{
	char *v = NULL;
	long long st = 0;

	if (xsc_read(xs, 0, d->fe_state_path, &v, &(size_t){0}) == 0)
		st = xbb_parse_num(v, 8);
	free(v);
	if (d->broken)
		return;
	switch (st) {
	case XenbusStateInitialising:
		d->stale = false;
		if (d->connected || d->state == XenbusStateClosed) {
			disconnect(d);
			set_state(d, XenbusStateInitWait);
		}
		break;
	case XenbusStateInitialised:
		d->stale = false;
		if (d->connected) /* a fresh ring replaces the old one */
			disconnect(d);
		if (d->state == XenbusStateInitWait || d->state == XenbusStateConnected)
			connect_dev(d);
		break;
	case XenbusStateConnected:
		if (d->state == XenbusStateInitWait && !d->stale)
			connect_dev(d);
		break;
	case XenbusStateClosing:
	case XenbusStateClosed:
	case XenbusStateUnknown:
	case -1:
		d->stale = false;
		if (d->state != XenbusStateClosed) {
			disconnect(d);
			set_state(d, XenbusStateClosed);
		}
		break;
	default:
		break;
	}
}

static void remove_dev(struct xbb_dev *d)
{
	struct xbb_dev **pp;

	for (pp = &devs; *pp && *pp != d; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = d->next;
	disconnect(d);
	xsc_unwatch(xs, d->fe_state_path, XBB_TOKEN_FE);
	if (d->priv)
		ops->remove(d);
	xbb_log((int)d->domid, "%s %u removed", ops->type, d->devid);
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
	r = ops->probe(d);
	if (r == -EAGAIN) { /* class keys not written yet: next event retries */
		devs = d->next;
		if (d->priv)
			ops->remove(d);
		free(d);
		return;
	}
	if (r < 0) {
		xbb_log((int)domid, "%s %u: probe failed", ops->type, devid);
		xbb_be_write(d, "error", "probe failed");
		d->broken = true;
		set_state(d, XenbusStateClosed);
	} else {
		xbb_be_write(d, XENBUS_KEY_MAX_RING_PAGE_ORDER, "%u", ops->max_ring_order);
		/* A frontend already Connected is using a ring of a previous
		 * backend: it must re-initialise before we connect. */
		if (xbb_fe_read(d, XENBUS_KEY_STATE, &fst) == 0 &&
		    xbb_parse_num(fst, 8) == XenbusStateConnected)
			d->stale = true;
		free(fst);
		set_state(d, XenbusStateInitWait);
		xbb_log((int)domid, "%s %u: InitWait%s", ops->type, devid,
			d->stale ? " (taking over a connected frontend)" : "");
	}
	/* Fires once at once: fe_changed then sees the current state. */
	if (xsc_watch(xs, d->fe_state_path, XBB_TOKEN_FE, NULL, NULL) < 0)
		xbb_log((int)domid, "%s %u: cannot watch %s", ops->type, devid, d->fe_state_path);
}

static void scan(void)
{
	char **doms = NULL, **ids;
	unsigned nd = 0, ni;

	for (struct xbb_dev *d = devs; d; d = d->next)
		d->seen = false;
	if (xsc_directory(xs, 0, root, &doms, &nd) < 0)
		nd = 0;
	for (unsigned i = 0; i < nd; i++) {
		long long domid = xbb_parse_num(doms[i], 0x7fef);
		char path[XBB_PATH_MAX];

		if (domid <= 0)
			continue;
		snprintf(path, sizeof(path), "%s/%lld", root, domid);
		if (xsc_directory(xs, 0, path, &ids, &ni) < 0)
			continue;
		for (unsigned j = 0; j < ni; j++) {
			long long devid = xbb_parse_num(ids[j], UINT32_MAX);
			struct xbb_dev *d;

			if (devid < 0)
				continue;
			d = find((unsigned)domid, (unsigned)devid);
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

	while ((r = xsc_read_watch(xs, &ev, 0)) == 0) {
		if (!strcmp(ev->token, XBB_TOKEN_BE)) {
			rescan |= needs_scan(ev->path);
		} else if (!strcmp(ev->token, XBB_TOKEN_FE)) {
			for (struct xbb_dev *d = devs; d; d = d->next)
				if (!strcmp(d->fe_state_path, ev->path))
					fe_changed(d);
		}
		free(ev);
	}
	if (r != -ETIMEDOUT) {
		xbb_log(-1, "xenstore connection lost: %s; devices no longer followed",
			xsc_strerror(r));
		uv_poll_stop(&xs_poll);
		return;
	}
	if (rescan)
		scan();
}

int xbb_start(uv_loop_t *loop, const char *xs_socket, const struct xbb_ops *o)
{
	int r;

	ops = o;
	snprintf(root, sizeof(root), "/local/domain/0/backend/%s", o->type);
	root_len = strlen(root);
	if ((r = xsc_open(xs_socket, &xs)) < 0) {
		xbb_log(-1, "cannot connect to xenstore at %s: %s", xsc_socket_path(xs_socket),
			xsc_strerror(r));
		return r;
	}
	if ((r = xsc_watch(xs, root, XBB_TOKEN_BE, NULL, NULL)) < 0) {
		xbb_log(-1, "cannot watch %s: %s", root, xsc_strerror(r));
		return r;
	}
	uv_poll_init(loop, &xs_poll, xsc_fileno(xs));
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
		disconnect(d);
		if (d->priv)
			ops->remove(d);
		free(d);
	}
	uv_poll_stop(&xs_poll);
	uv_close((uv_handle_t *)&xs_poll, NULL);
}

void xbb_close(void)
{
	xsc_close(xs);
	xs = NULL;
}
