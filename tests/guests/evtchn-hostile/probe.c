/* probe.c: event-channel requests a guest has no right to make. Each must
 * fail with its Xen errno and change nothing for anyone else. */
#include "hostile.h"

static long op_port(int cmd, evtchn_port_t port)
{
	return pvabi_event_channel_op(cmd, &port);
}

/* How many of the victim's ports 1..64 a bind succeeds on (none were
 * offered to us). */
static long scan_victim(domid_t victim)
{
	long ok = 0;

	for (evtchn_port_t p = 1; p <= 64; p++) {
		evtchn_port_t local;

		if (pvabi_evtchn_bind_interdomain(victim, p, &local) == 0)
			ok++;
	}
	return ok;
}

void hostile_probe(domid_t victim, evtchn_port_t vport)
{
	struct evtchn_alloc_unbound au = { .dom = victim, .remote_dom = DOMID_SELF };
	struct evtchn_status st = { .dom = victim, .port = vport };
	struct evtchn_reset rs = { .dom = victim };
	evtchn_port_t local, ipi = 0;
	long sends = 0;

	conf_check("hostile.send_never_allocated", op_port(EVTCHNOP_send, 77));
	conf_check("hostile.send_port0", op_port(EVTCHNOP_send, 0));
	conf_check("hostile.send_4096", op_port(EVTCHNOP_send, 4096));
	conf_check("hostile.send_huge", op_port(EVTCHNOP_send, 0xffffffffu));
	conf_check("hostile.close_port0", op_port(EVTCHNOP_close, 0));
	conf_check("hostile.close_4095", op_port(EVTCHNOP_close, 4095));
	conf_check("hostile.close_huge", op_port(EVTCHNOP_close, 0x80000000u));
	conf_check("hostile.unmask_huge", op_port(EVTCHNOP_unmask, 0xffffffffu));
	conf_check("hostile.bind_vcpu_huge_port",
		   pvabi_event_channel_op(EVTCHNOP_bind_vcpu,
					  &(struct evtchn_bind_vcpu){ 0xffffffffu, 0 }));
	conf_check("hostile.bind_offered_to_other", pvabi_evtchn_bind_interdomain(victim, vport, &local));
	conf_check("hostile.bind_scan_victim", scan_victim(victim));
	conf_check("hostile.bind_dom0", pvabi_evtchn_bind_interdomain(0, 1, &local));
	conf_check("hostile.alloc_in_victim", pvabi_event_channel_op(EVTCHNOP_alloc_unbound, &au));
	conf_check("hostile.status_of_victim", pvabi_event_channel_op(EVTCHNOP_status, &st));
	conf_check("hostile.reset_victim", pvabi_event_channel_op(EVTCHNOP_reset, &rs));
	conf_check("hostile.bind_ipi_no_vcpu", pvabi_evtchn_bind_ipi(7, &local));
	conf_check("hostile.bind_virq_24", pvabi_evtchn_bind_virq(24, 0, &local));
	conf_check("hostile.bind_ipi", pvabi_evtchn_bind_ipi(0, &ipi));
	/* Sweep the whole port space (and past it) with sends: only our own
	 * IPI port may succeed. */
	for (uint32_t p = 0; p < 4200; p++)
		sends += op_port(EVTCHNOP_send, p) == 0;
	conf_check("hostile.send_sweep_ok", sends);
	conf_check("hostile.ipi_pending", pvabi_evtchn_is_pending(ipi));
	conf_check("hostile.close_ipi", op_port(EVTCHNOP_close, ipi));
}
