/* xenbus.c: the hypercall side of the xenstore client: finds the ring and
 * port, notifies and blocks on the port (the rest is xenbus_api.c). */
#include <pvabi.h>

#include "xenbus_ring.h"

static evtchn_port_t store_port;

static void xb_notify(void *ctx)
{
	(void)ctx;
	pvabi_evtchn_send(store_port);
}

/* Sleeps until the port is pending, then clears it so the next wait
 * sleeps again. The caller re-checks the ring after this: an event sent
 * after the clear leaves the port pending and the next poll returns. The
 * port stays masked, so the upcall never takes the event. */
static void xb_wait(void *ctx)
{
	uint32_t port = store_port;
	struct sched_poll p = {.nr_ports = 1};
	struct shared_info *s = pvabi_shared_info();

	(void)ctx;
	p.ports = &port;
	if (pvabi_sched_op(SCHEDOP_poll, &p) < 0)
		pvabi_sched_op(SCHEDOP_yield, NULL); /* port gone: at least do not spin hard */
	__atomic_fetch_and(&s->evtchn_pending[port / 64], ~(1ull << (port % 64)), __ATOMIC_SEQ_CST);
}

static long get_param(uint32_t index, uint64_t *value)
{
	struct xen_hvm_param p = {.domid = DOMID_SELF, .index = index};
	long r = pvabi_hvm_op(HVMOP_get_param, &p);

	*value = p.value;
	return r;
}

int pvabi_xenbus_init(void)
{
	volatile struct xenstore_domain_interface *intf;
	uint64_t pfn, port;
	long r;

	if (pvabi_xb_attached())
		return 0;
	if (!pvabi_shared_info())
		return -XEN_EINVAL;
	if ((r = get_param(HVM_PARAM_STORE_PFN, &pfn)) ||
	    (r = get_param(HVM_PARAM_STORE_EVTCHN, &port)))
		return (int)r;
	if (!pfn || !port)
		return -XEN_ENOENT; /* no xenstore offered to this domain */
	if (pfn >= (1ull << 20) || port >= 64 * 64)
		return -XEN_EINVAL; /* outside the identity map / the 2-level ABI */
	store_port = (evtchn_port_t)port;
	pvabi_evtchn_mask(store_port);
	intf = (volatile struct xenstore_domain_interface *)(uintptr_t)(pfn << 12);
	while (intf->connection != XENSTORE_CONNECTED)
		xb_wait(NULL);
	pvabi_xb_attach(intf, xb_notify, xb_wait, NULL);
	return 0;
}
