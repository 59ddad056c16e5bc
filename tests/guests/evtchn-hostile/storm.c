/* storm.c: the event storm. Each multicall carries 64 EVTCHNOP_send: on
 * an IPI port of vCPU 0 and on a loopback interdomain pair (both ends in
 * this domain). Between batches the guest clears the pending bits, so each
 * batch makes new edges (selector, upcall_pending, wake-ups), not only the
 * cheap already-pending path. No upcall vector is set: nothing interrupts
 * the loop. Every 65536 sends it prints "STORM SENT <total>". */
#include "hostile.h"

#define BATCH 64

static struct multicall_entry calls[BATCH];
static uint32_t ports[BATCH];

void hostile_storm(void)
{
	evtchn_port_t ipi = 0, a = 0, b = 0;
	volatile struct shared_info *s;
	static uint8_t page[4096] __attribute__((aligned(4096)));
	struct xen_add_to_physmap map = { .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info,
					  .gpfn = (uintptr_t)page >> 12 };

	if (pvabi_memory_op(XENMEM_add_to_physmap, &map) || pvabi_evtchn_bind_ipi(0, &ipi) ||
	    pvabi_evtchn_alloc_unbound(DOMID_SELF, &a) ||
	    pvabi_evtchn_bind_interdomain(DOMID_SELF, a, &b))
		pvabi_panic("storm: setup failed");
	s = (volatile struct shared_info *)page;
	for (unsigned int i = 0; i < BATCH; i++) {
		ports[i] = i % 2 ? ipi : b;
		calls[i].op = HYPERCALL_event_channel_op;
		calls[i].args[0] = EVTCHNOP_send;
		calls[i].args[1] = (uintptr_t)&ports[i];
	}
	pvabi_printf("STORM START ports %u %u %u\n", ipi, a, b);
	for (uint64_t n = 1;; n++) {
		pvabi_multicall(calls, BATCH);
		if (n % 1024 == 0) /* proof of progress for the host */
			pvabi_printf("STORM SENT %lu\n", n * BATCH);
		s->evtchn_pending[0] = 0;
		s->vcpu_info[0].evtchn_pending_sel = 0;
		s->vcpu_info[0].evtchn_upcall_pending = 0;
	}
}
