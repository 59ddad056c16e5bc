/* hd_vbd.c: a domain's PV disks in xenstore for hospes-blkback: the vbd
 * frontend and backend directories libxl writes (one transaction, same
 * owners and permissions), the Xen virtual-device numbers, detaching the
 * Xen way (backend Closing, waiting for Closed, then the directories go)
 * and the disk counters blkback writes to its state dir. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hd.h"
#include "xsclient.h"

#define XENBUS_CLOSING "5"
#define XENBUS_CLOSED 6

static int node(struct xsc *x, uint32_t tx, const char *path, const char *val,
		const struct xsc_perm *perm)
{
	int r = val ? xsc_write_str(x, tx, path, val) : xsc_mkdir(x, tx, path);

	return r ? r : xsc_set_perms(x, tx, path, perm, 2);
}

static int write_dirs(struct xsc *x, uint32_t tx, uint32_t domid, long devid,
		      const struct hd_disk *k)
{
	/* frontend: the guest's, dom0 may read; backend: dom0's, guest reads */
	struct xsc_perm fe[2] = { { domid, XSC_NONE }, { 0, XSC_READ } };
	struct xsc_perm be[2] = { { 0, XSC_NONE }, { domid, XSC_READ } };
	char f[96], b[96], p[160], v[HD_SPEC_MAX];
	int r = 0;

	snprintf(p, sizeof(p), "/local/domain/%u/device/vbd", domid);
	r |= node(x, tx, p, NULL, be);
	snprintf(f, sizeof(f), "/local/domain/%u/device/vbd/%ld", domid, devid);
	snprintf(b, sizeof(b), "/local/domain/0/backend/vbd/%u/%ld", domid, devid);
#define BE(key, val) (snprintf(p, sizeof(p), "%s%s%s", b, *key ? "/" : "", key), \
			r |= node(x, tx, p, val, be))
#define FE(key, val) (snprintf(p, sizeof(p), "%s%s%s", f, *key ? "/" : "", key), \
			r |= node(x, tx, p, val, fe))
	/* the backend dir first: a frontend requires it to exist */
	BE("", NULL);
	BE("frontend", f);
	snprintf(v, sizeof(v), "%u", domid);
	BE("frontend-id", v);
	BE("params", k->target);
	BE("mode", k->readonly ? "r" : "w");
	BE("type", "file");
	BE("online", "1");
	BE("removable", "0");
	BE("bootable", "1");
	BE("device-type", k->cdrom ? "cdrom" : "disk");
	BE("dev", k->vdev);
	BE("state", "1");
	FE("", NULL);
	FE("backend", b);
	FE("backend-id", "0");
	snprintf(v, sizeof(v), "%ld", devid);
	FE("virtual-device", v);
	FE("device-type", k->cdrom ? "cdrom" : "disk");
	FE("state", "1");
#undef BE
#undef FE
	return r ? -EIO : 0;
}

int hd_vbd_add(const struct hd_dom *d, const char *spec, char *msg, size_t len)
{
	struct xsc *x = hd_xs();
	struct hd_disk k;
	long devid;
	uint32_t tx;
	int r;

	if (hd_disk_spec_parse(spec, &k, msg, len))
		return -EINVAL;
	devid = hd_vdev_devid(k.vdev);
	if (devid < 0)
		return snprintf(msg, len, "vdev '%s' has no Xen device number", k.vdev), -EINVAL;
	/* hospes-blkback serves raw files only */
	if (strcmp(k.format, "raw") || !k.target[0])
		return snprintf(msg, len, "only format=raw with a target is supported"), -EINVAL;
	if (!x)
		return snprintf(msg, len, "xenstore is not reachable"), -ENOTCONN;
	for (int tries = 0; tries < 10; tries++) {
		r = xsc_transaction_start(x, &tx);
		if (r)
			break;
		r = write_dirs(x, tx, d->domid, devid, &k);
		r = xsc_transaction_end(x, tx, r == 0) ?: r;
		if (r != -EAGAIN)
			break;
	}
	if (r)
		snprintf(msg, len, "writing the vbd keys failed: %s", xsc_strerror(r));
	else
		hd_log((int)d->domid, "disk %s (%ld) -> %s%s", k.vdev, devid, k.target,
		       k.readonly ? " read-only" : "");
	return r;
}

int hd_vbd_add_all(const struct hd_dom *d)
{
	char msg[160];
	int r = 0;

	for (unsigned i = 0; i < d->cfg.nr_disks; i++)
		if (hd_vbd_add(d, d->cfg.disks[i], msg, sizeof(msg))) {
			hd_log((int)d->domid, "disk '%s': %s", d->cfg.disks[i], msg);
			r = -EIO;
		}
	return r;
}

/* What hospes-blkback's probe will need of the image, checked before a
 * domain is built: an absolute path to a regular file it can open with
 * the disk's access mode. */
static int check_image(const struct hd_disk *k, char *msg, size_t len)
{
	struct stat st;
	int fd;

	if (k->target[0] != '/')
		return snprintf(msg, len, "disk %s: target %s is not an absolute path", k->vdev,
				k->target), -EINVAL;
	fd = open(k->target, (k->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		int e = errno;
		bool rw = !k->readonly && (e == EACCES || e == EROFS);

		snprintf(msg, len, "disk %s: image %s: %s%s", k->vdev, k->target, strerror(e),
			 rw ? " (opened for writing)" : "");
		return -e;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return snprintf(msg, len, "disk %s: image %s is not a regular file", k->vdev,
				k->target), -EINVAL;
	}
	close(fd);
	return 0;
}

int hd_vbd_check_config(const struct hd_config *c, char *msg, size_t len)
{
	for (unsigned i = 0; i < c->nr_disks; i++) {
		struct hd_disk k;
		int r;

		if (hd_disk_spec_parse(c->disks[i], &k, msg, len))
			return -EINVAL;
		if (hd_vdev_devid(k.vdev) < 0)
			return snprintf(msg, len, "disk %s: no Xen device number", k.vdev), -EINVAL;
		if (strcmp(k.format, "raw") || !k.target[0])
			return snprintf(msg, len, "disk %s: only format=raw with a target",
					k.vdev), -EINVAL;
		if ((r = check_image(&k, msg, len)))
			return r;
	}
	return 0;
}

int hd_vbd_check_written(const struct hd_dom *d)
{
	struct xsc *x = hd_xs();

	for (unsigned i = 0; i < d->cfg.nr_disks; i++) {
		struct hd_disk k;
		char p[128], msg[8], *v = NULL;
		long devid;
		int r;

		if (hd_disk_spec_parse(d->cfg.disks[i], &k, msg, sizeof(msg)) ||
		    (devid = hd_vdev_devid(k.vdev)) < 0)
			return -EINVAL;
		snprintf(p, sizeof(p), "/local/domain/0/backend/vbd/%u/%ld/params", d->domid,
			 devid);
		r = x ? xsc_read(x, 0, p, &v, &(size_t){ 0 }) : -ENOTCONN;
		free(v);
		if (r) {
			hd_log((int)d->domid, "disk %s: its keys are not in xenstore", k.vdev);
			return -EIO;
		}
	}
	return 0;
}

void hd_vbd_forget(const struct hd_dom *d)
{
	struct xsc *x = hd_xs();
	char p[64];

	if (!x)
		return;
	snprintf(p, sizeof(p), "/local/domain/0/backend/vbd/%u", d->domid);
	xsc_rm(x, 0, p); /* -ENOENT without disks: fine */
}

/* The index in cfg.disks of the disk with this vdev, -1 if none. */
int hd_vbd_find(const struct hd_dom *d, const char *vdev)
{
	struct hd_disk k;
	char msg[8];

	for (unsigned i = 0; i < d->cfg.nr_disks; i++)
		if (!hd_disk_spec_parse(d->cfg.disks[i], &k, msg, sizeof(msg)) &&
		    !strcmp(k.vdev, vdev))
			return (int)i;
	return -1;
}

/* A detach waiting for the device to close (one per disk at a time). */
struct detach {
	struct detach *next;
	uint32_t domid;
	uint64_t serial; /* the domain's life it belongs to */
	long devid;
	char vdev[32];
	char be[96], fe[96];
	double deadline;
	uv_timer_t *timer;
	hd_vbd_done_fn done;
	void *arg;
};

static struct detach *detaches;

#define DETACH_POLL_MS 25

/* A state key's value, -1 if the node is gone (or unreadable). */
static int read_state(struct xsc *x, const char *dir)
{
	char p[128], *v = NULL;
	int st = -1;

	snprintf(p, sizeof(p), "%s/state", dir);
	if (x && xsc_read(x, 0, p, &v, &(size_t){ 0 }) == 0)
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
 * blkback drops the device before its frontend's removal is seen. */
static void on_detach_tick(uv_timer_t *tm)
{
	struct detach *t = tm->data;
	struct hd_dom *d = hd_dom_by_domid(t->domid);
	struct xsc *x = hd_xs();
	struct hd_vbd_detached res = { .be_state = read_state(x, t->be),
				       .fe_state = read_state(x, t->fe) };

	if (!d || d->serial != t->serial) {
		/* destroyed meanwhile: its keys went with it */
		res.domain_gone = true;
		detach_finish(t, &res);
		return;
	}
	if (res.be_state != XENBUS_CLOSED && res.fe_state != XENBUS_CLOSED && res.fe_state >= 0 &&
	    hd_now() < t->deadline)
		return;
	res.forced = res.be_state != XENBUS_CLOSED && res.fe_state != XENBUS_CLOSED &&
		     res.fe_state >= 0;
	if (x) {
		xsc_rm(x, 0, t->be);
		xsc_rm(x, 0, t->fe);
	}
	hd_log((int)t->domid, "disk %s (%ld) detached%s (backend state %d, frontend %d)", t->vdev,
	       t->devid, res.forced ? " by force: the device did not close in time" : "",
	       res.be_state, res.fe_state);
	detach_finish(t, &res);
}

bool hd_vbd_detaching(const struct hd_dom *d, const char *vdev)
{
	for (struct detach *t = detaches; t; t = t->next)
		if (t->domid == d->domid && t->serial == d->serial && !strcmp(t->vdev, vdev))
			return true;
	return false;
}

/* Detach, the Xen way: the backend goes offline and Closing; blkback
 * closes once the frontend let go (or at once if it never connected). */
int hd_vbd_detach(const struct hd_dom *d, const char *vdev, unsigned timeout_ms,
		  hd_vbd_done_fn done, void *arg)
{
	struct xsc *x = hd_xs();
	long devid = hd_vdev_devid(vdev);
	struct detach *t;
	char p[128];
	int r;

	if (devid < 0)
		return -EINVAL;
	if (hd_vbd_detaching(d, vdev))
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
	t->devid = devid;
	snprintf(t->vdev, sizeof(t->vdev), "%s", vdev);
	snprintf(t->be, sizeof(t->be), "/local/domain/0/backend/vbd/%u/%ld", d->domid, devid);
	snprintf(t->fe, sizeof(t->fe), "/local/domain/%u/device/vbd/%ld", d->domid, devid);
	t->deadline = hd_now() + timeout_ms / 1000.0;
	t->done = done;
	t->arg = arg;
	/* a write would create a backend directory that is not there */
	r = read_state(x, t->be) < 0 ? -ENOENT : 0;
	snprintf(p, sizeof(p), "%s/online", t->be);
	if (!r)
		r = xsc_write_str(x, 0, p, "0");
	snprintf(p, sizeof(p), "%s/state", t->be);
	if (!r)
		r = xsc_write_str(x, 0, p, XENBUS_CLOSING);
	if (r)
		hd_log((int)d->domid, "disk %s: asking the backend to close: %s", vdev,
		       xsc_strerror(r));
	uv_timer_init(hd.loop, t->timer);
	t->timer->data = t;
	t->next = detaches;
	detaches = t;
	uv_timer_start(t->timer, on_detach_tick, r ? 0 : DETACH_POLL_MS, DETACH_POLL_MS);
	hd_log((int)d->domid, "disk %s (%ld): detaching (backend Closing, up to %u ms)", vdev,
	       devid, timeout_ms);
	return 0;
}

/* One disk's counters from blkback's stats file; NULL if it has none. */
static json_object *disk_stats(const struct hd_dom *d, const char *spec)
{
	static const char *const keys[] = { "reads", "writes", "bytes_read", "bytes_written",
					    "errors", "connected", NULL };
	char path[HD_PATH_MAX + 64], msg[8], *txt;
	struct hd_disk k;
	json_object *o;
	long devid;

	if (hd_disk_spec_parse(spec, &k, msg, sizeof(msg)) || (devid = hd_vdev_devid(k.vdev)) < 0)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "vdev", json_object_new_string(k.vdev));
	json_object_object_add(o, "devid", json_object_new_int64(devid));
	{
		/* the backend's reason when it refused the disk */
		struct xsc *x = hd_xs();
		char *err = NULL;

		snprintf(path, sizeof(path), "/local/domain/0/backend/vbd/%u/%ld/error", d->domid,
			 devid);
		if (x && xsc_read(x, 0, path, &err, &(size_t){ 0 }) == 0 && err[0])
			json_object_object_add(o, "error", json_object_new_string(err));
		free(err);
	}
	snprintf(path, sizeof(path), "%s/vbd-%u-%ld.stats", hd.blkback.dir, d->domid, devid);
	txt = hd_read_file(path, 4096);
	for (int i = 0; keys[i]; i++) {
		const char *at = NULL;
		size_t n = strlen(keys[i]);

		/* "key value" lines; a key must start a line */
		for (const char *s = txt; s && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : "")
			if (!strncmp(s, keys[i], n) && s[n] == ' ') {
				at = s + n + 1;
				break;
			}
		json_object_object_add(o, keys[i],
				       json_object_new_int64(at ? strtoll(at, NULL, 10) : 0));
	}
	free(txt);
	return o;
}

json_object *hd_vbd_stats(const struct hd_dom *d)
{
	json_object *a = json_object_new_array();

	for (unsigned i = 0; i < d->cfg.nr_disks; i++) {
		json_object *o = disk_stats(d, d->cfg.disks[i]);

		if (o)
			json_object_array_add(a, o);
	}
	return a;
}

/* Read and write requests over all of the domain's disks (for top). */
void hd_vbd_totals(const struct hd_dom *d, int64_t *rd, int64_t *wr)
{
	json_object *a = hd_vbd_stats(d), *v;

	*rd = *wr = 0;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		json_object *o = json_object_array_get_idx(a, i);

		if (json_object_object_get_ex(o, "reads", &v))
			*rd += json_object_get_int64(v);
		if (json_object_object_get_ex(o, "writes", &v))
			*wr += json_object_get_int64(v);
	}
	json_object_put(a);
}
