/* xbb_state.c: the backend's xenbus state machine for one device
 * (SPEC.md §17.1) and the key helpers. Every xenstore event leads to
 * re-reading state, never to trusting the event: watches only say "look
 * again". */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xbb_int.h"
#include "xsclient.h"

struct xsc *xbb_xs;
const struct xbb_ops *xbb_ops;

int xbb_be_write(struct xbb_dev *d, const char *key, const char *fmt, ...)
{
	char path[XBB_PATH_MAX + 48], val[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "%s/%s", d->bepath, key);
	/* Only while the directory exists: a plain write would recreate a
	 * device directory the toolstack has just removed. */
	for (int tries = 0; tries < 8; tries++) {
		uint32_t tx;
		char *cur = NULL;
		int r = xsc_transaction_start(xbb_xs, &tx);

		if (r)
			return r;
		r = xsc_read(xbb_xs, tx, d->bepath, &cur, NULL);
		free(cur);
		if (!r)
			r = xsc_write_str(xbb_xs, tx, path, val);
		if (r) {
			xsc_transaction_end(xbb_xs, tx, false);
			return r;
		}
		r = xsc_transaction_end(xbb_xs, tx, true);
		if (r != -EAGAIN)
			return r;
	}
	return -EAGAIN;
}

static int read_rel(const char *dir, const char *key, char **val)
{
	char path[XBB_PATH_MAX + 48];
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	return xsc_read(xbb_xs, 0, path, val, &len);
}

int xbb_be_read(struct xbb_dev *d, const char *key, char **val)
{
	return read_rel(d->bepath, key, val);
}

int xbb_fe_read(struct xbb_dev *d, const char *key, char **val)
{
	return read_rel(d->fepath, key, val);
}

void xbb_set_state(struct xbb_dev *d, int st)
{
	int r = xbb_be_write(d, XENBUS_KEY_STATE, "%d", st);

	if (r < 0)
		xbb_log((int)d->domid, "%s %u: writing state %d: %s", xbb_ops->type, d->devid, st,
			xsc_strerror(r));
	d->state = st;
}

void xbb_disconnect(struct xbb_dev *d)
{
	if (d->connected) {
		xbb_ops->disconnect(d);
		d->connected = false;
	}
}

void xbb_fail(struct xbb_dev *d, const char *why)
{
	xbb_log((int)d->domid, "%s %u dropped: %s", xbb_ops->type, d->devid, why);
	snprintf(d->error, sizeof(d->error), "%s", why);
	xbb_disconnect(d);
	xbb_be_write(d, "error", "%s", why);
	xbb_set_state(d, XenbusStateClosed);
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
	struct xbb_ring_keys k = {0};
	const char *why = NULL;
	int r = xbb_ops->own_ring_keys
		    ? 0
		    : xbb_parse_ring_keys(fe_get, &fk, xbb_ops->max_ring_order, &k, &why);

	for (unsigned i = 0; i < fk.n; i++)
		free(fk.val[i]);
	if (r < 0) {
		xbb_fail(d, why);
		return;
	}
	if ((r = xbb_ops->connect(d, xbb_ops->own_ring_keys ? NULL : &k)) < 0) {
		xbb_fail(d, "connect failed");
		return;
	}
	d->connected = true;
	d->ring = k;
	xbb_set_state(d, XenbusStateConnected);
	if (xbb_ops->own_ring_keys)
		xbb_log((int)d->domid, "%s %u connected", xbb_ops->type, d->devid);
	else
		xbb_log((int)d->domid, "%s %u connected (ring order %u, port %u%s)",
			xbb_ops->type, d->devid, k.order, k.port,
			k.persistent ? ", persistent grants" : "");
}

/* Initialised read again while connected: a second look at the keys we
 * connected on (a watch event queued behind the one we acted on), or a
 * fresh ring whose Initialising we did not see. Our mapping keeps the old
 * grants in use, so a fresh ring has other refs: equal keys are the same
 * ring. A class reading its own keys cannot tell: fresh ring. */
static bool same_ring(struct xbb_dev *d)
{
	struct fe_keys fk = {.d = d};
	struct xbb_ring_keys k = {0};
	const char *why = NULL;
	int r;

	if (xbb_ops->own_ring_keys)
		return false;
	r = xbb_parse_ring_keys(fe_get, &fk, xbb_ops->max_ring_order, &k, &why);
	for (unsigned i = 0; i < fk.n; i++)
		free(fk.val[i]);
	return r == 0 && k.order == d->ring.order && k.nr_refs == d->ring.nr_refs &&
	       k.port == d->ring.port &&
	       !memcmp(k.refs, d->ring.refs, k.nr_refs * sizeof(k.refs[0]));
}

/* The frontend's state changed (or may have): follow it. */
void xbb_fe_changed(struct xbb_dev *d)
{
	char *v = NULL;
	long long st = 0;

	if (xsc_read(xbb_xs, 0, d->fe_state_path, &v, &(size_t){0}) == 0)
		st = xbb_parse_num(v, 8);
	free(v);
	if (d->broken)
		return;
	if (d->closing) {
		/* detach: a frontend holding a ring lets go first (Closing,
		 * Closed, gone); one without a ring has nothing to let go */
		if (st == XenbusStateInitialised || st == XenbusStateConnected)
			return;
		if (d->state != XenbusStateClosed) {
			xbb_disconnect(d);
			xbb_set_state(d, XenbusStateClosed);
			xbb_log((int)d->domid, "%s %u: Closed for detach", xbb_ops->type, d->devid);
		}
		return;
	}
	switch (st) {
	case XenbusStateInitialising:
		d->stale = false;
		if (d->connected || d->state == XenbusStateClosed) {
			xbb_disconnect(d);
			xbb_set_state(d, XenbusStateInitWait);
		}
		break;
	case XenbusStateInitialised:
		d->stale = false;
		if (d->connected && same_ring(d)) {
			xbb_log((int)d->domid, "%s %u: Initialised again, same ring: stays connected",
				xbb_ops->type, d->devid);
			break;
		}
		if (d->connected) /* a fresh ring replaces the old one */
			xbb_disconnect(d);
		if (d->state == XenbusStateInitWait || d->state == XenbusStateConnected)
			connect_dev(d);
		break;
	case XenbusStateConnected:
		/* A frontend that goes straight to Connected (Linux's netfront)
		 * may write Initialising and Connected faster than we look:
		 * a second event means it wrote its state again, so its ring
		 * keys are new. */
		if (d->state == XenbusStateInitWait && (!d->stale || d->fe_events > 1)) {
			d->stale = false;
			connect_dev(d);
		}
		break;
	case XenbusStateClosing:
	case XenbusStateClosed:
	case XenbusStateUnknown:
	case -1:
		d->stale = false;
		if (d->state != XenbusStateClosed) {
			xbb_disconnect(d);
			xbb_set_state(d, XenbusStateClosed);
		}
		break;
	default:
		break;
	}
}

/* Detach, the Xen way: the toolstack writes online = 0 and state Closing,
 * then waits for Closed (which the frontend's letting go leads to) before
 * it removes the directories. */
bool xbb_detach_requested(struct xbb_dev *d)
{
	char *on = NULL, *st = NULL;
	bool detach;

	xbb_be_read(d, XENBUS_KEY_ONLINE, &on);
	xbb_be_read(d, XENBUS_KEY_STATE, &st);
	detach = on && !strcmp(on, "0") && xbb_parse_num(st, 8) == XenbusStateClosing;
	free(on);
	free(st);
	return detach;
}

/* Our own state writes land here too: they are not a detach. */
void xbb_be_changed(struct xbb_dev *d)
{
	if (d->closing || !xbb_detach_requested(d))
		return;
	d->closing = true;
	xbb_log((int)d->domid, "%s %u: detach requested (online 0, Closing)", xbb_ops->type,
		d->devid);
	if (d->broken) { /* never served: nothing to drain */
		xbb_set_state(d, XenbusStateClosed);
		return;
	}
	d->state = XenbusStateClosing; /* the key's value now (see recreated) */
	xbb_fe_changed(d);
}
