/* hd_dev.c: the xenstore side of a PV device that hd_vbd.c and hd_vif.c
 * share: its directories, detach, and its backend's counters. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd_dev.h"
#include "hd_methods.h"
#include "rpc.h"
#include "xsclient.h"

#define XENBUS_CLOSING "5"
#define XENBUS_CLOSED 6
#define DETACH_POLL_MS 25

static int node(struct xsc *x, uint32_t tx, const char *path, const char *val,
		const struct xsc_perm *perm)
{
	int r = val ? xsc_write_str(x, tx, path, val) : xsc_mkdir(x, tx, path);

	return r ? r : xsc_set_perms(x, tx, path, perm, 2);
}

/* dir, or dir/key, with the class's keys after it. */
static int write_dir(struct xsc *x, uint32_t tx, const char *dir, const char *link_key,
		     const char *link, const struct hd_dev_key *keys, const struct xsc_perm *perm)
{
	char p[160];
	int r = node(x, tx, dir, NULL, perm);

	snprintf(p, sizeof(p), "%s/%s", dir, link_key);
	r |= node(x, tx, p, link, perm);
	if (!strcmp(link_key, "backend")) {
		snprintf(p, sizeof(p), "%s/backend-id", dir);
		r |= node(x, tx, p, "0", perm);
	}
	for (; keys->key; keys++)
		if (keys->val) {
			snprintf(p, sizeof(p), "%s/%s", dir, keys->key);
			r |= node(x, tx, p, keys->val, perm);
		}
	return r;
}

static int write_dirs(struct xsc *x, uint32_t tx, uint32_t domid, const char *type, long devid,
		      const struct hd_dev_key *be_keys, const struct hd_dev_key *fe_keys)
{
	/* frontend: the guest's, dom0 may read; backend: dom0's, guest reads */
	struct xsc_perm fe[2] = {{domid, XSC_NONE}, {0, XSC_READ}};
	struct xsc_perm be[2] = {{0, XSC_NONE}, {domid, XSC_READ}};
	char f[96], b[96], p[160];
	int r = 0;

	snprintf(p, sizeof(p), "/local/domain/%u/device/%s", domid, type);
	r |= node(x, tx, p, NULL, be);
	snprintf(f, sizeof(f), "/local/domain/%u/device/%s/%ld", domid, type, devid);
	snprintf(b, sizeof(b), "/local/domain/0/backend/%s/%u/%ld", type, domid, devid);
	/* the backend dir first: a frontend requires it to exist */
	r |= write_dir(x, tx, b, "frontend", f, be_keys, be);
	r |= write_dir(x, tx, f, "backend", b, fe_keys, fe);
	return r ? -EIO : 0;
}

int hd_dev_add(const struct hd_dom *d, const char *type, long devid, const struct hd_dev_key *be,
	       const struct hd_dev_key *fe, char *msg, size_t len)
{
	struct xsc *x = hd_xs();
	uint32_t tx;
	int r = -EIO;

	if (!x)
		return snprintf(msg, len, "xenstore is not reachable"), -ENOTCONN;
	for (int tries = 0; tries < 10; tries++) {
		r = xsc_transaction_start(x, &tx);
		if (r)
			break;
		r = write_dirs(x, tx, d->domid, type, devid, be, fe);
		r = xsc_transaction_end(x, tx, r == 0) ?: r;
		if (r != -EAGAIN)
			break;
	}
	if (r)
		snprintf(msg, len, "writing the %s keys failed: %s", type, xsc_strerror(r));
	return r;
}

bool hd_dev_present(const struct hd_dom *d, const char *type, long devid)
{
	struct xsc *x = hd_xs();
	char p[96], *v = NULL;
	int r;

	if (!x)
		return false;
	snprintf(p, sizeof(p), "/local/domain/0/backend/%s/%u/%ld", type, d->domid, devid);
	r = xsc_read(x, 0, p, &v, &(size_t){ 0 });
	free(v);
	return r == 0;
}

void hd_dev_forget(const struct hd_dom *d, const char *type)
{
	struct xsc *x = hd_xs();
	char p[64];

	if (!x)
		return;
	snprintf(p, sizeof(p), "/local/domain/0/backend/%s/%u", type, d->domid);
	xsc_rm(x, 0, p); /* -ENOENT without devices: fine */
}

/* A detach waiting for the device to close (one per device at a time). */
struct detach {
	struct detach *next;
	uint32_t domid;
	uint64_t serial; /* the domain's life it belongs to */
	char name[48], label[64];
	char be[96], fe[96];
	double deadline;
	uv_timer_t *timer;
	hd_vbd_done_fn done;
	void *arg;
};

static struct detach *detaches;

/* A state key's value, -1 if the node is gone (or unreadable). */
static int read_state(struct xsc *x, const char *dir)
{
	char p[128], *v = NULL;
	int st = -1;

	snprintf(p, sizeof(p), "%s/state", dir);
	if (x && xsc_read(x, 0, p, &v, &(size_t){0}) == 0)
		st = atoi(v);
	free(v);
	return st;
}

static void on_detach_timer_closed(uv_handle_t *h)
{
	free(h->data);
	free(h);
}

static void detach_finish(struct detach *t, struct hd_vbd_detached *res)
{
	for (struct detach **pp = &detaches; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	uv_timer_stop(t->timer);
	t->done(t->arg, res);
	uv_close((uv_handle_t *)t->timer, on_detach_timer_closed); /* frees t */
}

/* Polls the states (a few keys every DETACH_POLL_MS, never blocking the
 * loop on the guest): the backend Closed, the frontend Closed or gone,
 * or the deadline. Then both directories go, the backend's first so that
 * the backend drops the device before its frontend's removal is seen. */
static void on_detach_tick(uv_timer_t *tm)
{
	struct detach *t = tm->data;
	struct hd_dom *d = hd_dom_by_domid(t->domid);
	struct xsc *x = hd_xs();
	struct hd_vbd_detached res = {.be_state = read_state(x, t->be),
				      .fe_state = read_state(x, t->fe)};

	if (!d || d->serial != t->serial) {
		/* destroyed meanwhile: its keys went with it */
		res.domain_gone = true;
		detach_finish(t, &res);
		return;
	}
	if (res.be_state != XENBUS_CLOSED && res.fe_state != XENBUS_CLOSED && res.fe_state >= 0 &&
	    hd_now() < t->deadline)
		return;
	res.forced =
	    res.be_state != XENBUS_CLOSED && res.fe_state != XENBUS_CLOSED && res.fe_state >= 0;
	if (x) {
		xsc_rm(x, 0, t->be);
		xsc_rm(x, 0, t->fe);
	}
	hd_log((int)t->domid, "%s detached%s (backend state %d, frontend %d)", t->label,
	       res.forced ? " by force: the device did not close in time" : "", res.be_state,
	       res.fe_state);
	detach_finish(t, &res);
}

bool hd_dev_detaching(const struct hd_dom *d, const char *name)
{
	for (struct detach *t = detaches; t; t = t->next)
		if (t->domid == d->domid && t->serial == d->serial && !strcmp(t->name, name))
			return true;
	return false;
}

int hd_dev_detach(const struct hd_dom *d, const char *type, long devid, const char *name,
		  const char *label, bool check_backend, unsigned timeout_ms, hd_vbd_done_fn done,
		  void *arg)
{
	struct xsc *x = hd_xs();
	struct detach *t;
	char p[128];
	int r;

	if (hd_dev_detaching(d, name))
		return -EBUSY;
	if (!x)
		return -ENOTCONN;
	t = calloc(1, sizeof(*t));
	if (!t || !(t->timer = calloc(1, sizeof(*t->timer)))) {
		free(t);
		return -ENOMEM;
	}
	t->domid = d->domid;
	t->serial = d->serial;
	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(t->label, sizeof(t->label), "%s", label);
	snprintf(t->be, sizeof(t->be), "/local/domain/0/backend/%s/%u/%ld", type, d->domid, devid);
	snprintf(t->fe, sizeof(t->fe), "/local/domain/%u/device/%s/%ld", d->domid, type, devid);
	t->deadline = hd_now() + timeout_ms / 1000.0;
	t->done = done;
	t->arg = arg;
	/* a write would create a backend directory that is not there */
	r = check_backend && read_state(x, t->be) < 0 ? -ENOENT : 0;
	snprintf(p, sizeof(p), "%s/online", t->be);
	if (!r)
		r = xsc_write_str(x, 0, p, "0");
	snprintf(p, sizeof(p), "%s/state", t->be);
	if (!r)
		r = xsc_write_str(x, 0, p, XENBUS_CLOSING);
	if (r)
		hd_log((int)d->domid, "%s: asking the backend to close: %s", name, xsc_strerror(r));
	uv_timer_init(hd.loop, t->timer);
	t->timer->data = t;
	t->next = detaches;
	detaches = t;
	uv_timer_start(t->timer, on_detach_tick, r ? 0 : DETACH_POLL_MS, DETACH_POLL_MS);
	hd_log((int)d->domid, "%s: detaching (backend Closing, up to %u ms)", label, timeout_ms);
	return 0;
}

char *hd_dev_stats_read(const char *dir, const char *type, uint32_t domid, long devid)
{
	char path[HD_PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s-%u-%ld.stats", dir, type, domid, devid);
	return hd_read_file(path, 4096);
}

int64_t hd_dev_stat(const char *txt, const char *key)
{
	size_t n = strlen(key);

	/* "key value" lines; a key must start a line */
	for (const char *s = txt; s && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : "")
		if (!strncmp(s, key, n) && s[n] == ' ')
			return strtoll(s + n + 1, NULL, 10);
	return 0;
}

void hd_dev_add_error(json_object *o, const char *type, uint32_t domid, long devid)
{
	struct xsc *x = hd_xs();
	char path[128], *err = NULL;

	snprintf(path, sizeof(path), "/local/domain/0/backend/%s/%u/%ld/error", type, domid, devid);
	if (x && xsc_read(x, 0, path, &err, &(size_t){0}) == 0 && err[0])
		json_object_object_add(o, "error", json_object_new_string(err));
	free(err);
}

bool hd_dev_timeout_param(json_object *p, int64_t *timeout)
{
	json_object *v;

	*timeout = HD_DEV_DETACH_TIMEOUT_MS;
	if (!p || !json_object_object_get_ex(p, "timeout_ms", &v))
		return true;
	return json_object_is_type(v, json_type_int) &&
	       (*timeout = json_object_get_int64(v)) >= 0 &&
	       *timeout <= HD_DEV_DETACH_TIMEOUT_MAX_MS;
}

void hd_dev_detach_refused(struct hd_later *later, int r, const char *what, uint32_t domid,
			   char *msg, size_t msglen)
{
	json_object *e = hd_m_errno(r);

	snprintf(msg, msglen, "detaching %s of domain %u: %s", what, domid, strerror(-r));
	hd_reply_send(later, NULL, r == -ENOTCONN ? RPC_UNAVAILABLE : RPC_OP_FAILED, msg, e);
}

void hd_dev_detached_json(json_object *res, const struct hd_vbd_detached *dr)
{
	json_object_object_add(res, "forced", json_object_new_boolean(dr->forced));
	json_object_object_add(res, "backend_state", json_object_new_int(dr->be_state));
	json_object_object_add(res, "frontend_state", json_object_new_int(dr->fe_state));
	if (dr->domain_gone)
		json_object_object_add(res, "domain_gone", json_object_new_boolean(true));
}
