/* bb_dev.c: the vbd device class for the xenbus backend (backends/common):
 * probe opens the image named by params and advertises the disk and its
 * features; connect maps the frontend's ring and RAM and binds its event
 * channel through a libhvctl connection of the device's own (closing it
 * drops every grant mapping at once); disconnect drains in-flight I/O. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bb.h"
#include "hvctl.h"

struct bb_dev *bb_devs;

static void on_notify(uv_poll_t *p, int status, int events)
{
	struct bb_dev *d = p->data;
	uint64_t v;

	if (read(d->notify_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		xbb_log((int)d->x->domid, "vbd %u: notify read: %s", d->x->devid, strerror(errno));
	bb_ring_consume(d);
}

static int probe(struct xbb_dev *x)
{
	struct bb_dev *d = calloc(1, sizeof(*d));
	char *params = NULL, *mode = NULL;
	struct stat st;
	int r = -EINVAL;

	if (!d)
		return -ENOMEM;
	d->x = x;
	d->next = bb_devs;
	bb_devs = d;
	d->img_fd = -1;
	d->notify_fd = d->kick_fd = -1;
	x->priv = d;
	snprintf(d->stats_path, sizeof(d->stats_path), "%s/vbd-%u-%u.stats", bb_state_dir, x->domid,
		 x->devid);
	if (xbb_be_read(x, XENBUS_KEY_PARAMS, &params) < 0) {
		r = -EAGAIN;
		goto out;
	}
	if (params[0] != '/') {
		snprintf(x->error, sizeof(x->error), "params is not an absolute path");
		xbb_log((int)x->domid, "vbd %u: %s", x->devid, x->error);
		goto out;
	}
	d->readonly = xbb_be_read(x, XENBUS_KEY_MODE, &mode) == 0 && mode[0] == 'r';
	d->img_fd = open(params, (d->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (d->img_fd < 0 || fstat(d->img_fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		r = d->img_fd < 0 ? -errno : -EINVAL;
		snprintf(x->error, sizeof(x->error), "image %.40s: %s", params,
			 d->img_fd < 0 ? strerror(-r) : "not a regular file");
		xbb_log((int)x->domid, "vbd %u: %s", x->devid, x->error);
		goto out;
	}
	d->sectors = (uint64_t)st.st_size / BLKIF_SECTOR_SIZE;
	xbb_be_write(x, XENBUS_KEY_SECTORS, "%llu", (unsigned long long)d->sectors);
	xbb_be_write(x, XENBUS_KEY_SECTOR_SIZE, "%u", BLKIF_SECTOR_SIZE);
	xbb_be_write(x, XENBUS_KEY_PHYS_SECTOR_SIZE, "%u", BLKIF_SECTOR_SIZE);
	xbb_be_write(x, XENBUS_KEY_INFO, "%u", d->readonly ? VDISK_READONLY : 0u);
	xbb_be_write(x, XENBUS_KEY_FEATURE_FLUSH, "1");
	xbb_be_write(x, XENBUS_KEY_FEATURE_DISCARD, "%d", d->readonly ? 0 : 1);
	xbb_be_write(x, XENBUS_KEY_DISCARD_GRANULARITY, "%u", BB_DISCARD_GRANULARITY);
	xbb_be_write(x, XENBUS_KEY_DISCARD_ALIGNMENT, "0");
	xbb_be_write(x, XENBUS_KEY_FEATURE_PERSISTENT, "1");
	xbb_be_write(x, XENBUS_KEY_FEATURE_MAX_INDIRECT, "%u", BB_MAX_INDIRECT_SEGS);
	r = 0;
out:
	free(params);
	free(mode);
	return r;
}

/* Maps the ring's pages (not contiguous in the memfd) into one range. */
static int map_ring(struct bb_dev *d, const struct xbb_ring_keys *k, int memfd)
{
	uint64_t off[XBB_MAX_RING_PAGES];
	uint8_t *area;

	if (bb_grant_map_raw(d, k->refs, k->nr_refs, false, off) < 0)
		return -EFAULT;
	d->ring_bytes = (size_t)k->nr_refs * BB_PAGE;
	area = mmap(NULL, d->ring_bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		return -ENOMEM;
	d->ring_area = area;
	for (unsigned i = 0; i < k->nr_refs; i++)
		if (mmap(area + i * BB_PAGE, BB_PAGE, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, memfd, (off_t)off[i]) == MAP_FAILED)
			return -errno;
	if (blkif_back_init(&d->back, d->ring_area, d->ring_bytes) < 0)
		return -EINVAL;
	return 0;
}

static void unmap_all(struct bb_dev *d)
{
	if (d->ring_area)
		munmap(d->ring_area, d->ring_bytes);
	d->ring_area = NULL;
	if (d->ram)
		munmap(d->ram, d->ram_size);
	d->ram = NULL;
	for (unsigned i = 0; i < BB_HV_CONNS; i++) {
		if (d->hc[i])
			hvctl_close(d->hc[i]); /* drops every grant mapping on it */
		d->hc[i] = NULL;
		d->hc_maps[i] = 0;
	}
	if (d->notify_fd >= 0)
		close(d->notify_fd);
	if (d->kick_fd >= 0)
		close(d->kick_fd);
	d->notify_fd = d->kick_fd = -1;
	free(d->pgnt);
	d->pgnt = NULL;
	d->npgnt = 0;
	free(d->reqs);
	d->reqs = d->free_reqs = NULL;
}

static void on_poll_closed(uv_handle_t *h)
{
	free(h);
}

static int connect_dev(struct xbb_dev *x, const struct xbb_ring_keys *k)
{
	struct bb_dev *d = x->priv;
	struct hvctl_memory mem;
	uint32_t ep;
	int memfd = -1, r;

	d->failed = NULL;
	d->nbad = 0;
	d->persistent = k->persistent;
	d->flush_parked = false;
	d->parked = NULL;
	d->inflight = d->inflight_writes = 0;
	if ((r = hvctl_connect(bb_hv_socket, &d->hc[0])) < 0 ||
	    (r = hvctl_get_memfd(d->hc[0], x->domid, &mem, &memfd)) < 0) {
		xbb_log((int)x->domid, "vbd %u: hospes-hv: %s", x->devid, hvctl_strerror(r));
		goto fail;
	}
	d->ram_size = mem.size;
	d->ram = mmap(NULL, d->ram_size, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (d->ram == MAP_FAILED || d->ram_size < BB_PAGE) {
		d->ram = NULL;
		r = -ENOMEM;
		goto fail;
	}
	if ((r = map_ring(d, k, memfd)) < 0) {
		xbb_log((int)x->domid, "vbd %u: cannot map the ring: %s", x->devid, strerror(-r));
		goto fail;
	}
	close(memfd);
	memfd = -1;
	if ((r = hvctl_bind_evtchn(d->hc[0], x->domid, k->port, &ep, &d->notify_fd, &d->kick_fd)) <
	    0) {
		xbb_log((int)x->domid, "vbd %u: cannot bind port %u: %s", x->devid, k->port,
			hvctl_strerror(r));
		goto fail;
	}
	d->nreqs = d->back.size;
	d->reqs = calloc(d->nreqs, sizeof(*d->reqs));
	d->pgnt = d->persistent ? calloc(BB_PGNT_SLOTS, sizeof(*d->pgnt)) : NULL;
	d->poll = malloc(sizeof(*d->poll));
	if (!d->reqs || (d->persistent && !d->pgnt) || !d->poll) {
		free(d->poll);
		d->poll = NULL;
		r = -ENOMEM;
		goto fail;
	}
	for (unsigned i = 0; i < d->nreqs; i++) {
		d->reqs[i].dev = d;
		bb_req_free(d, &d->reqs[i]);
	}
	d->poll->data = d;
	uv_poll_init(bb_loop, d->poll, d->notify_fd);
	uv_poll_start(d->poll, UV_READABLE, on_notify);
	d->connected = true;
	d->st.connects++;
	d->stats_dirty = true;
	bb_ring_consume(d); /* requests queued before we came */
	return 0;
fail:
	if (memfd >= 0)
		close(memfd);
	unmap_all(d);
	return r < 0 ? r : -EINVAL;
}

static void disconnect(struct xbb_dev *x)
{
	struct bb_dev *d = x->priv;

	d->connected = false;
	if (d->poll) {
		uv_poll_stop(d->poll);
		uv_close((uv_handle_t *)d->poll, on_poll_closed);
		d->poll = NULL;
	}
	bb_io_drain(d); /* answers what is in flight while the ring is mapped */
	bb_ring_flush(d);
	bb_stats_write(d);
	unmap_all(d);
}

static void remove_dev(struct xbb_dev *x)
{
	struct bb_dev *d = x->priv, **pp;

	for (pp = &bb_devs; *pp && *pp != d; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = d->next;
	if (d->img_fd >= 0)
		close(d->img_fd);
	bb_stats_write(d);
	free(d);
	x->priv = NULL;
}

const struct xbb_ops bb_vbd_ops = {
    .type = "vbd",
    .max_ring_order = BB_MAX_RING_ORDER,
    .probe = probe,
    .connect = connect_dev,
    .disconnect = disconnect,
    .remove = remove_dev,
};
