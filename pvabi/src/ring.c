/* ring.c: connecting a shared ring between two domains: one side grants
 * its ring pages and offers an unbound port, the other maps the pages and
 * binds the port (SPEC.md §15.5). The ring protocol itself is ring.h. */
#include "internal.h"

static int conn_check(void *area, unsigned int order)
{
	if (!area || ((uintptr_t)area & (PVABI_RING_PAGE_SIZE - 1)) || order > PVABI_RING_MAX_ORDER)
		return -XEN_EINVAL;
	return 0;
}

static uint64_t page_gfn(const struct pvabi_ring_conn *c, unsigned int i)
{
	return ((uintptr_t)c->area >> PVABI_PAGE_SHIFT) + i;
}

/* Marks a ref or handle already given back, so that calling revoke or
 * detach again (after -EBUSY) only retries what is left. */
#define DONE 0xffffffffu

/* Ends access to the first n granted refs and frees them. A ref the peer
 * still has mapped stays granted (and allocated): -EBUSY. */
static int front_ungrant(struct pvabi_ring_conn *c, unsigned int n)
{
	int rc = 0;

	for (unsigned int i = 0; i < n; i++) {
		int r;

		if (c->refs[i] == DONE)
			continue;
		if ((r = pvabi_gnttab_end_access(c->refs[i])) == 0) {
			pvabi_gnttab_free_ref(c->refs[i]);
			c->refs[i] = DONE;
		} else {
			rc = r;
		}
	}
	return rc;
}

int pvabi_ring_offer(struct pvabi_ring_conn *c, void *area, unsigned int order, domid_t peer)
{
	unsigned int n = 1u << order, i;
	long r = conn_check(area, order);

	if (r)
		return (int)r;
	*c = (struct pvabi_ring_conn){ .area = area, .order = order, .peer = peer };
	for (i = 0; i < n; i++) {
		if ((r = pvabi_gnttab_alloc_ref()) < 0)
			goto undo;
		c->refs[i] = (grant_ref_t)r;
		if ((r = pvabi_gnttab_grant_access(c->refs[i], peer, page_gfn(c, i), 0))) {
			pvabi_gnttab_free_ref(c->refs[i]);
			goto undo;
		}
	}
	if ((r = pvabi_evtchn_alloc_unbound(peer, &c->port)) == 0)
		return 0;
undo:
	front_ungrant(c, i);
	return (int)r;
}

int pvabi_ring_revoke(struct pvabi_ring_conn *c)
{
	int rc = front_ungrant(c, 1u << c->order);

	if (c->port) {
		long r = pvabi_evtchn_close(c->port);

		if (r && !rc)
			rc = (int)r;
		c->port = 0;
	}
	return rc;
}

/* Unmaps the first n mapped pages. */
static int back_unmap(struct pvabi_ring_conn *c, unsigned int n)
{
	int rc = 0;

	for (unsigned int i = 0; i < n; i++) {
		long r;

		if (c->handles[i] == DONE)
			continue;
		r = pvabi_gnttab_unmap(page_gfn(c, i) << PVABI_PAGE_SHIFT, c->handles[i]);
		if (r == 0)
			c->handles[i] = DONE;
		else if (!rc)
			rc = -XEN_EINVAL; /* a GNTST_* status or the call's errno */
	}
	return rc;
}

/* Maps the peer's ref i at page i of the area. The raw op keeps the
 * call's errno apart from the entry's GNTST_* status (both negative). */
static long map_one(struct pvabi_ring_conn *c, unsigned int i)
{
	struct gnttab_map_grant_ref m = {
		.host_addr = page_gfn(c, i) << PVABI_PAGE_SHIFT,
		.flags = GNTMAP_host_map,
		.ref = c->refs[i],
		.dom = c->peer,
	};
	long r = pvabi_grant_table_op(GNTTABOP_map_grant_ref, &m, 1);

	if (r)
		return r;
	switch (m.status) {
	case GNTST_okay:
		c->handles[i] = m.handle;
		return 0;
	case GNTST_bad_domain:
		return -XEN_ESRCH;
	case GNTST_permission_denied:
		return -XEN_EPERM;
	case GNTST_eagain:
		return -XEN_EAGAIN;
	default:
		return -XEN_EINVAL;
	}
}

int pvabi_ring_attach(struct pvabi_ring_conn *c, void *area, unsigned int order,
			   domid_t granter, const grant_ref_t *refs, evtchn_port_t remote_port)
{
	unsigned int n = 1u << order, i;
	long r = conn_check(area, order);

	if (r)
		return (int)r;
	*c = (struct pvabi_ring_conn){ .area = area, .order = order, .peer = granter };
	for (i = 0; i < n; i++) {
		c->refs[i] = refs[i];
		if ((r = map_one(c, i)))
			goto undo;
	}
	if ((r = pvabi_evtchn_bind_interdomain(granter, remote_port, &c->port)) == 0)
		return 0;
undo:
	back_unmap(c, i);
	return (int)r;
}

int pvabi_ring_detach(struct pvabi_ring_conn *c)
{
	int rc = back_unmap(c, 1u << c->order);

	if (c->port) {
		long r = pvabi_evtchn_close(c->port);

		if (r && !rc)
			rc = (int)r;
		c->port = 0;
	}
	return rc;
}
