/* fake_hv.h: the hypervisor calls netfront makes (grant table, ring
 * offer/revoke, event channels), recorded in memory for the netfront unit
 * tests: which frame each ref grants, read-only or not, which refs are
 * still granted, which ports are open and how often one was kicked. */
#ifndef NETFRONT_FAKE_HV_H
#define NETFRONT_FAKE_HV_H

#include <criterion/criterion.h>

#include <pvabi.h>

#define HV_REFS 1024

static struct {
	int granted[HV_REFS]; /* 1 while access is granted */
	int readonly[HV_REFS];
	uint64_t gfn[HV_REFS];
	domid_t dom[HV_REFS];
	int busy[HV_REFS]; /* end_access refused: the peer maps it */
	grant_ref_t next_ref;
	evtchn_port_t next_port;
	int open_ports, kicks;
	evtchn_port_t kicked;
} hv = {.next_ref = 8, .next_port = 5};

long pvabi_gnttab_alloc_ref(void)
{
	cr_assert_lt(hv.next_ref, HV_REFS);
	return hv.next_ref++;
}

void pvabi_gnttab_free_ref(grant_ref_t ref)
{
	cr_assert_lt(ref, HV_REFS);
	cr_assert_not(hv.granted[ref], "ref %u freed while granted", ref);
}

int pvabi_gnttab_grant_access(grant_ref_t ref, domid_t domid, uint64_t gfn, int readonly)
{
	cr_assert_lt(ref, HV_REFS);
	hv.granted[ref] = 1;
	hv.readonly[ref] = readonly;
	hv.gfn[ref] = gfn;
	hv.dom[ref] = domid;
	return 0;
}

int pvabi_gnttab_end_access(grant_ref_t ref)
{
	cr_assert_lt(ref, HV_REFS);
	if (hv.busy[ref])
		return -XEN_EBUSY;
	hv.granted[ref] = 0;
	return 0;
}

int pvabi_ring_offer(struct pvabi_ring_conn *c, void *area, unsigned int order, domid_t peer)
{
	cr_assert_eq(order, 0);
	*c = (struct pvabi_ring_conn){.area = area, .order = order, .peer = peer};
	c->refs[0] = (grant_ref_t)pvabi_gnttab_alloc_ref();
	pvabi_gnttab_grant_access(c->refs[0], peer, (uintptr_t)area >> 12, 0);
	c->port = hv.next_port++;
	hv.open_ports++;
	return 0;
}

int pvabi_ring_revoke(struct pvabi_ring_conn *c)
{
	int r = pvabi_gnttab_end_access(c->refs[0]);

	if (c->port) {
		hv.open_ports--;
		c->port = 0;
	}
	return r;
}

long pvabi_evtchn_send(evtchn_port_t port)
{
	hv.kicks++;
	hv.kicked = port;
	return 0;
}

#endif
