/* xs-hostile: a guest that breaks the xenstore ring protocol on purpose
 * (SPEC.md §13). It first proves its ring works (a READ through pvabi's
 * client), then, by mode=, scribbles: "index" moves req_prod more than a
 * ring ahead of req_cons, "header" sends a header announcing a payload
 * above XENSTORE_PAYLOAD_MAX, "rspcons" moves rsp_cons past rsp_prod;
 * "flood" (flood.c), "reconnect" (reconnect.c) and "wrap" (wrap.c) are
 * no errors: requests without taking replies, the reconnection protocol,
 * indices running through 2^32.
 * It notifies, sleeps on the store port until the daemon reports the
 * error in the page's error field, and prints it. Run under hospes-stored
 * (introduced), e.g. by guest_store_fixture. */
#include <pvabi/xs_wire.h>

#include "conf.h"
#include "xs_hostile.h"

static long param(uint32_t index, uint64_t *value)
{
	struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };
	long r = pvabi_hvm_op(HVMOP_get_param, &p);

	*value = p.value;
	return r;
}

/* Blocks until the port is pending, then clears it. */
void xs_wait_port(uint32_t port)
{
	struct sched_poll p = { .nr_ports = 1 };
	struct shared_info *s = pvabi_shared_info();

	p.ports = &port;
	pvabi_sched_op(SCHEDOP_poll, &p);
	__atomic_fetch_and(&s->evtchn_pending[port / 64], ~(1ull << (port % 64)), __ATOMIC_SEQ_CST);
}

static void scribble(volatile struct xenstore_domain_interface *x, const char *mode)
{
	if (!strcmp(mode, "index")) {
		x->req_prod = x->req_cons + XENSTORE_RING_SIZE + 1;
	} else if (!strcmp(mode, "header")) {
		struct xsd_sockmsg h = { .type = XS_WRITE, .req_id = 9, .len = 100000 };
		const char *b = (const char *)&h;
		uint32_t prod = x->req_prod;

		for (unsigned i = 0; i < sizeof(h); i++, prod++)
			x->req[MASK_XENSTORE_IDX(prod)] = b[i];
		__atomic_store_n(&x->req_prod, prod, __ATOMIC_RELEASE);
	} else {
		x->rsp_cons = x->rsp_prod + 2 * XENSTORE_RING_SIZE;
	}
}

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	uint64_t pfn = 0, port = 0;
	char mode[16] = "index", name[64];
	volatile struct xenstore_domain_interface *x;

	conf_init();
	pvabi_cmdline_get(boot->cmdline, "mode", mode, sizeof(mode));
	conf_check("xs.params", param(HVM_PARAM_STORE_PFN, &pfn) || param(HVM_PARAM_STORE_EVTCHN, &port));
	conf_check("xs.events", pvabi_events_init(0xf0));
	if (!strcmp(mode, "wrap")) {
		/* Not introduced yet: the client comes after the indices moved. */
		x = (void *)(uintptr_t)(pfn << 12);
		pvabi_evtchn_mask((evtchn_port_t)port);
		xs_wrap(x, (uint32_t)port);
		conf_done();
		return;
	}
	conf_check("xs.init", pvabi_xenbus_init());
	conf_check("xs.read_ok", pvabi_xenbus_read(0, "name", name, sizeof(name)) > 0);
	x = (void *)(uintptr_t)(pfn << 12);
	conf_check("xs.server_features", x->server_features);
	pvabi_evtchn_mask((evtchn_port_t)port);
	if (!strcmp(mode, "flood") || !strcmp(mode, "reconnect")) {
		if (mode[0] == 'f')
			xs_flood(x, (uint32_t)port);
		else
			xs_reconnect(x, (uint32_t)port);
		conf_done();
		return;
	}
	scribble(x, mode);
	pvabi_evtchn_send((evtchn_port_t)port);
	/* The daemon kicks once when it gives up on the ring. */
	for (unsigned i = 0; i < 8 && !x->error; i++)
		xs_wait_port((uint32_t)port);
	conf_check("xs.error", x->error);
	conf_done();
}
