/* xs_ring.c: the shared-ring transport's lifetime: INTRODUCE maps a
 * domain's ring page and binds its port (xs_hv.c), the ring is served as
 * an unprivileged connection of that domid (bytes: xs_ring_io.c); RELEASE,
 * or the domain vanishing from hospes-hv (xs_hv_watch.c), ends it. */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "xs_ring_int.h"

static uv_loop_t *ring_loop;
static struct xs_ring *rings;

static void on_closed(uv_handle_t *h)
{
	struct xs_ring *rg = h->data;

	close(rg->notify_fd);
	close(rg->kick_fd);
	free(rg);
}

/* Unlinks and frees the ring (the poll handle closes first). */
static void ring_free(struct xs_ring *rg)
{
	for (struct xs_ring **pp = &rings; *pp; pp = &(*pp)->next) {
		if (*pp == rg) {
			*pp = rg->next;
			break;
		}
	}
	if (rg->watch)
		xs_hv_watch_stop(rg->watch);
	xs_log(rg->conn.name, "ring released: %u watches, %u transactions dropped",
	       rg->conn.nwatches, rg->conn.ntxns);
	xs_conn_fini(&rg->conn);
	xs_ring_drop_output(rg);
	munmap(rg->intf, 4096);
	rg->intf = NULL;
	uv_close((uv_handle_t *)&rg->poll, on_closed);
}

static struct xs_ring *ring_find(unsigned domid)
{
	for (struct xs_ring *rg = rings; rg; rg = rg->next)
		if (rg->domid == domid)
			return rg;
	return NULL;
}

static void on_notify(uv_poll_t *p, int status, int events)
{
	struct xs_ring *rg = p->data;
	uint64_t v;

	if (status < 0) {
		xs_ring_fail(rg, XENSTORE_ERROR_COMM, uv_strerror(status));
		return;
	}
	while (read(rg->notify_fd, &v, sizeof(v)) == sizeof(v))
		;
	xs_ring_process(rg);
}

/* The domain shut down: privileged watchers hear @releaseDomain (Xen's
 * daemons do the same; the toolstack then sends RELEASE). */
static void on_domain_down(unsigned domid)
{
	struct xs_domain *d = xs_domain_find(domid);

	if (d && !d->shutdown) {
		d->shutdown = true;
		xs_watch_fire("@releaseDomain", false);
	}
}

/* The domain is gone from hospes-hv: released as if RELEASE came. */
static void on_domain_gone(unsigned domid)
{
	if (!xs_domain_find(domid))
		return;
	xs_log(NULL, "dom%u is gone from the hypervisor: releasing it", domid);
	xs_domain_release(domid);
}

static enum xs_err ring_attach(struct xs_domain *d)
{
	struct xs_ring *rg;
	void *page;
	int nfd, kfd;
	enum xs_err e;

	if (ring_find(d->domid))
		return XS_EEXIST;
	e = xs_hv_attach(d->domid, d->gfn, d->port, &page, &nfd, &kfd);
	if (e != XS_OK)
		return e;
	rg = calloc(1, sizeof(*rg));
	if (!rg || uv_poll_init(ring_loop, &rg->poll, nfd) < 0) {
		free(rg);
		munmap(page, 4096);
		close(nfd);
		close(kfd);
		return XS_ENOMEM;
	}
	rg->domid = d->domid;
	rg->notify_fd = nfd;
	rg->kick_fd = kfd;
	rg->intf = page;
	rg->poll.data = rg;
	rg->out_tail = &rg->out;
	xs_conn_init(&rg->conn, d->domid, false, xs_ring_send, rg);
	/* Start where the indices are: a guest may have queued requests
	 * before it was introduced. Impossible ones fail at first use. */
	rg->req_cons = __atomic_load_n(&rg->intf->req_cons, __ATOMIC_ACQUIRE);
	rg->rsp_prod = __atomic_load_n(&rg->intf->rsp_prod, __ATOMIC_ACQUIRE);
	rg->intf->server_features =
		XENSTORE_SERVER_FEATURE_RECONNECTION | XENSTORE_SERVER_FEATURE_ERROR;
	rg->intf->error = XENSTORE_ERROR_NONE;
	__atomic_store_n(&rg->intf->connection, XENSTORE_CONNECTED, __ATOMIC_RELEASE);
	rg->next = rings;
	rings = rg;
	rg->watch = xs_hv_watch_start(ring_loop, d->domid, on_domain_down, on_domain_gone);
	uv_poll_start(&rg->poll, UV_READABLE, on_notify);
	xs_log(rg->conn.name, "ring connected (gfn 0x%llx, port %u)", (unsigned long long)d->gfn,
	       d->port);
	/* Requests already waiting, and the guest may be blocked on us. */
	xs_ring_process(rg);
	xs_ring_kick(rg);
	return XS_OK;
}

static void ring_detach(unsigned domid)
{
	struct xs_ring *rg = ring_find(domid);

	if (rg)
		ring_free(rg);
}

void xs_ring_init(uv_loop_t *loop)
{
	ring_loop = loop;
	xs_ring_attach_hook = ring_attach;
	xs_ring_detach_hook = ring_detach;
}

void xs_ring_close_all(void)
{
	while (rings)
		ring_free(rings);
}
