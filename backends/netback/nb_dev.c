/* nb_dev.c: the vif device class for the xenbus backend (backends/common):
 * probe checks the mac, advertises the features and opens the TAP;
 * connect maps the frontend's two rings and the domain's RAM and binds its
 * one event channel through a libhvctl connection of the device's own
 * (closing it drops every grant mapping at once). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hvctl.h"
#include "nb.h"

struct nb_dev *nb_devs;

void nb_dev_finish(struct nb_dev *d)
{
	uint64_t one = 1;

	if (d->kick && d->connected) {
		d->kick = false;
		if (write(d->kick_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
			xbb_log((int)d->x->domid, "vif %u: kick failed: %s", d->x->devid,
				strerror(errno));
	}
	if (d->failed && d->connected) {
		const char *why = d->failed;

		xbb_fail(d->x, why); /* disconnects */
	}
}

static void on_notify(uv_poll_t *p, int status, int events)
{
	struct nb_dev *d = p->data;
	uint64_t v;

	(void)status;
	(void)events;
	if (read(d->notify_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		xbb_log((int)d->x->domid, "vif %u: notify read: %s", d->x->devid, strerror(errno));
	nb_tx_consume(d);
	nb_dev_finish(d);
}

static void on_handle_closed(uv_handle_t *h)
{
	free(h);
}

static int probe(struct xbb_dev *x)
{
	struct nb_dev *d = calloc(1, sizeof(*d));
	char *mac = NULL, *bridge = NULL;
	uint8_t m[6];
	int r = -EINVAL;

	if (!d)
		return -ENOMEM;
	d->x = x;
	d->next = nb_devs;
	nb_devs = d;
	d->tap_fd = d->notify_fd = d->kick_fd = -1;
	x->priv = d;
	snprintf(d->stats_path, sizeof(d->stats_path), "%s/vif-%u-%u.stats", nb_state_dir, x->domid,
		 x->devid);
	snprintf(d->ifname, sizeof(d->ifname), "vif%u.%u", x->domid, x->devid);
	if (xbb_be_read(x, NB_KEY_MAC, &mac) < 0) {
		r = -EAGAIN;
		goto out;
	}
	if (nb_parse_mac(mac, m) < 0) {
		xbb_log((int)x->domid, "vif %u: bad mac \"%s\"", x->devid, mac);
		goto out;
	}
	if (xbb_be_read(x, NB_KEY_BRIDGE, &bridge) < 0)
		bridge = NULL;
	if ((d->tap_fd = nb_tap_open(d->ifname, bridge, (int)x->domid)) < 0) {
		r = d->tap_fd;
		goto out;
	}
	d->tap_poll = malloc(sizeof(*d->tap_poll));
	if (!d->tap_poll) {
		r = -ENOMEM;
		goto out;
	}
	uv_poll_init(nb_loop, d->tap_poll, d->tap_fd);
	d->tap_poll->data = d;
	uv_poll_start(d->tap_poll, UV_READABLE, nb_rx_on_tap);
	xbb_be_write(x, "feature-rx-copy", "1");
	xbb_be_write(x, "feature-rx-flip", "0");
	xbb_be_write(x, "feature-sg", "1");
	xbb_log((int)x->domid, "vif %u: %s mac %s%s%s", x->devid, d->ifname, mac,
		bridge ? " bridge " : "", bridge ? bridge : "");
	d->stats_dirty = true;
	r = 0;
out:
	free(mac);
	free(bridge);
	return r;
}

static void unmap_all(struct nb_dev *d)
{
	if (d->ram)
		munmap(d->ram, d->ram_size);
	d->ram = NULL;
	if (d->hc)
		hvctl_close(d->hc); /* drops every grant mapping */
	d->hc = NULL;
	if (d->notify_fd >= 0)
		close(d->notify_fd);
	if (d->kick_fd >= 0)
		close(d->kick_fd);
	d->notify_fd = d->kick_fd = -1;
}

static void disconnect(struct xbb_dev *x);

static long long fe_num(struct nb_dev *d, const char *key, unsigned long long max)
{
	char *v = NULL;
	long long n = xbb_fe_read(d->x, key, &v) < 0 ? -1 : xbb_parse_num(v, max);

	free(v);
	return n;
}

/* Maps the two ring pages; they stay mapped until the connection closes. */
static int map_rings(struct nb_dev *d, uint32_t tx_ref, uint32_t rx_ref)
{
	uint32_t refs[2] = {tx_ref, rx_ref};
	struct hvctl_gnt_mapping maps[2];
	int r = hvctl_gnt_map(d->hc, d->x->domid, refs, 2, false, maps);

	if (r < 0)
		return r;
	d->st.grant_maps += 2;
	for (unsigned i = 0; i < 2; i++)
		if (maps[i].status != 0 || maps[i].offset > d->ram_size - NB_PAGE ||
		    maps[i].offset % NB_PAGE)
			return -EFAULT;
	if (netif_tx_back_init(&d->tx, (struct netif_tx_sring *)(d->ram + maps[0].offset),
			       NB_PAGE) < 0 ||
	    netif_rx_back_init(&d->rx, (struct netif_rx_sring *)(d->ram + maps[1].offset),
			       NB_PAGE) < 0)
		return -EINVAL;
	return 0;
}

static int connect_dev(struct xbb_dev *x, const struct xbb_ring_keys *k)
{
	struct nb_dev *d = x->priv;
	struct hvctl_memory mem;
	long long tx_ref, rx_ref, port, copy;
	uint32_t ep;
	int memfd = -1, r;

	(void)k;
	d->failed = NULL;
	d->nbad = 0;
	d->kick = false;
	tx_ref = fe_num(d, NB_KEY_TX_RING_REF, UINT32_MAX);
	rx_ref = fe_num(d, NB_KEY_RX_RING_REF, UINT32_MAX);
	port = fe_num(d, NB_KEY_EVENT_CHANNEL, UINT32_MAX);
	copy = fe_num(d, NB_KEY_REQUEST_RX_COPY, 1);
	if (tx_ref < 0 || rx_ref < 0 || port <= 0 || copy != 1) {
		xbb_log((int)x->domid, "vif %u: %s", x->devid,
			tx_ref < 0 || rx_ref < 0 ? "missing or bad tx-ring-ref/rx-ring-ref"
			: port <= 0		 ? "missing or bad event-channel"
						 : "request-rx-copy is not 1");
		return -EINVAL;
	}
	if ((r = hvctl_connect(nb_hv_socket, &d->hc)) < 0 ||
	    (r = hvctl_get_memfd(d->hc, x->domid, &mem, &memfd)) < 0) {
		xbb_log((int)x->domid, "vif %u: hospes-hv: %s", x->devid, hvctl_strerror(r));
		goto fail;
	}
	d->ram_size = mem.size;
	d->ram = mmap(NULL, d->ram_size, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	close(memfd);
	if (d->ram == MAP_FAILED || d->ram_size < NB_PAGE) {
		d->ram = NULL;
		r = -ENOMEM;
		goto fail;
	}
	if ((r = map_rings(d, (uint32_t)tx_ref, (uint32_t)rx_ref)) < 0) {
		xbb_log((int)x->domid, "vif %u: cannot map the rings", x->devid);
		goto fail;
	}
	if ((r = hvctl_bind_evtchn(d->hc, x->domid, (uint32_t)port, &ep, &d->notify_fd,
				   &d->kick_fd)) < 0) {
		xbb_log((int)x->domid, "vif %u: cannot bind port %lld: %s", x->devid, port,
			hvctl_strerror(r));
		goto fail;
	}
	if (!(d->poll = malloc(sizeof(*d->poll)))) {
		r = -ENOMEM;
		goto fail;
	}
	d->poll->data = d;
	uv_poll_init(nb_loop, d->poll, d->notify_fd);
	uv_poll_start(d->poll, UV_READABLE, on_notify);
	d->connected = true;
	d->st.connects++;
	d->stats_dirty = true;
	nb_tx_consume(d); /* packets queued before we came */
	if (d->failed) {
		xbb_log((int)x->domid, "vif %u: %s", x->devid, d->failed);
		disconnect(x);
		return -EINVAL;
	}
	nb_dev_finish(d);
	return 0;
fail:
	unmap_all(d);
	return r < 0 ? r : -EINVAL;
}

static void disconnect(struct xbb_dev *x)
{
	struct nb_dev *d = x->priv;

	d->connected = false;
	if (d->poll) {
		uv_poll_stop(d->poll);
		uv_close((uv_handle_t *)d->poll, on_handle_closed);
		d->poll = NULL;
	}
	nb_stats_write(d);
	unmap_all(d);
}

static void remove_dev(struct xbb_dev *x)
{
	struct nb_dev *d = x->priv, **pp;

	for (pp = &nb_devs; *pp && *pp != d; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = d->next;
	if (d->tap_poll) {
		uv_poll_stop(d->tap_poll);
		uv_close((uv_handle_t *)d->tap_poll, on_handle_closed);
	}
	/* On SIGTERM the vif stays for the next daemon; removed: it goes. */
	nb_tap_close(d->tap_fd, !nb_stopping);
	nb_stats_write(d);
	free(d);
	x->priv = NULL;
}

const struct xbb_ops nb_vif_ops = {
    .type = "vif",
    .own_ring_keys = true,
    .probe = probe,
    .connect = connect_dev,
    .disconnect = disconnect,
    .remove = remove_dev,
};
