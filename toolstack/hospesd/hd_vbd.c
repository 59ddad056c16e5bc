/* hd_vbd.c: a domain's PV disks in xenstore for hospes-blkback: the vbd
 * frontend and backend directories libxl writes (one transaction, same
 * owners and permissions), the Xen virtual-device numbers, detaching the
 * Xen way (backend Closing, then the directories go) and the disk
 * counters blkback writes to its state dir. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd.h"
#include "xsclient.h"

#define XENBUS_CLOSING "5"

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

/* Detach, the Xen way: the backend goes offline and Closing (the
 * frontend and blkback close the ring), then both directories go. */
int hd_vbd_remove(const struct hd_dom *d, const char *vdev)
{
	struct xsc *x = hd_xs();
	long devid = hd_vdev_devid(vdev);
	char b[96], p[128];

	if (devid < 0)
		return -EINVAL;
	if (!x)
		return -ENOTCONN;
	snprintf(b, sizeof(b), "/local/domain/0/backend/vbd/%u/%ld", d->domid, devid);
	snprintf(p, sizeof(p), "%s/online", b);
	xsc_write_str(x, 0, p, "0");
	snprintf(p, sizeof(p), "%s/state", b);
	xsc_write_str(x, 0, p, XENBUS_CLOSING);
	/* the backend dir first: blkback drops the device on seeing it go,
	 * before the frontend's removal could make it write a state again */
	xsc_rm(x, 0, b);
	snprintf(p, sizeof(p), "/local/domain/%u/device/vbd/%ld", d->domid, devid);
	xsc_rm(x, 0, p);
	hd_log((int)d->domid, "disk %s (%ld) detached", vdev, devid);
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
