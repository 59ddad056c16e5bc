/* hd_vbd.c: a domain's PV disks in xenstore for hospes-blkback: the vbd
 * frontend and backend directories libxl writes (one transaction, same
 * owners and permissions), the Xen virtual-device numbers, detaching the
 * Xen way (backend Closing, waiting for Closed, then the directories go)
 * and the disk counters blkback writes to its state dir. A disk whose
 * directories are in xenstore already is never written again. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hd.h"
#include "hd_dev.h"
#include "xsclient.h"

/* The directories of disk k (libxl's keys). */
static int add_disk(const struct hd_dom *d, long devid, const struct hd_disk *k, char *msg,
		    size_t len)
{
	const char *type = k->cdrom ? "cdrom" : "disk";
	char fid[16], vdevnum[24];
	const struct hd_dev_key be[] = {
	    {"frontend-id", fid}, {"params", k->target}, {"mode", k->readonly ? "r" : "w"},
	    {"type", "file"},	  {"online", "1"},	 {"removable", "0"},
	    {"bootable", "1"},	  {"device-type", type}, {"dev", k->vdev},
	    {"state", "1"},	  {NULL, NULL},
	};
	const struct hd_dev_key fe[] = {
	    {"virtual-device", vdevnum},
	    {"device-type", type},
	    {"state", "1"},
	    {NULL, NULL},
	};

	snprintf(fid, sizeof(fid), "%u", d->domid);
	snprintf(vdevnum, sizeof(vdevnum), "%ld", devid);
	return hd_dev_add(d, "vbd", devid, be, fe, msg, len);
}

int hd_vbd_add(const struct hd_dom *d, const char *spec, char *msg, size_t len)
{
	struct hd_disk k;
	long devid;
	int r;

	if (hd_disk_spec_parse(spec, &k, msg, len))
		return -EINVAL;
	devid = hd_vdev_devid(k.vdev);
	if (devid < 0)
		return snprintf(msg, len, "vdev '%s' has no Xen device number", k.vdev), -EINVAL;
	/* hospes-blkback serves raw files only */
	if (strcmp(k.format, "raw") || !k.target[0])
		return snprintf(msg, len, "only format=raw with a target is supported"), -EINVAL;
	r = add_disk(d, devid, &k, msg, len);
	if (!r)
		hd_log((int)d->domid, "disk %s (%ld) -> %s%s", k.vdev, devid, k.target,
		       k.readonly ? " read-only" : "");
	return r;
}

/* Only disks not in xenstore yet: a restarted hospesd leaves the disks
 * of the domains it adopted alone (they are connected). */
int hd_vbd_add_all(const struct hd_dom *d)
{
	char msg[160];
	int r = 0;

	for (unsigned i = 0; i < d->cfg.nr_disks; i++) {
		struct hd_disk k;
		long devid;

		if (!hd_disk_spec_parse(d->cfg.disks[i], &k, msg, sizeof(msg)) &&
		    (devid = hd_vdev_devid(k.vdev)) >= 0 && hd_dev_present(d, "vbd", devid))
			continue;
		if (hd_vbd_add(d, d->cfg.disks[i], msg, sizeof(msg))) {
			hd_log((int)d->domid, "disk '%s': %s", d->cfg.disks[i], msg);
			r = -EIO;
		}
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
	hd_dev_forget(d, "vbd");
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

bool hd_vbd_detaching(const struct hd_dom *d, const char *vdev)
{
	char name[48];

	snprintf(name, sizeof(name), "disk %s", vdev);
	return hd_dev_detaching(d, name);
}

/* Detach, the Xen way: the backend goes offline and Closing; blkback
 * closes once the frontend let go (or at once if it never connected). */
int hd_vbd_detach(const struct hd_dom *d, const char *vdev, unsigned timeout_ms,
		  hd_vbd_done_fn done, void *arg)
{
	long devid = hd_vdev_devid(vdev);
	char name[48], label[64];

	if (devid < 0)
		return -EINVAL;
	snprintf(name, sizeof(name), "disk %s", vdev);
	snprintf(label, sizeof(label), "disk %s (%ld)", vdev, devid);
	return hd_dev_detach(d, "vbd", devid, name, label, true, timeout_ms, done, arg);
}

/* One disk's counters from blkback's stats file; NULL if it has none. */
static json_object *disk_stats(const struct hd_dom *d, const char *spec)
{
	static const char *const keys[] = { "reads", "writes", "bytes_read", "bytes_written",
					    "errors", "connected", NULL };
	char msg[8], *txt;
	struct hd_disk k;
	json_object *o;
	long devid;

	if (hd_disk_spec_parse(spec, &k, msg, sizeof(msg)) || (devid = hd_vdev_devid(k.vdev)) < 0)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "vdev", json_object_new_string(k.vdev));
	json_object_object_add(o, "devid", json_object_new_int64(devid));
	/* the backend's reason when it refused the disk */
	hd_dev_add_error(o, "vbd", d->domid, devid);
	txt = hd_dev_stats_read(hd.blkback.dir, "vbd", d->domid, devid);
	for (int i = 0; keys[i]; i++)
		json_object_object_add(o, keys[i],
				       json_object_new_int64(hd_dev_stat(txt, keys[i])));
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
