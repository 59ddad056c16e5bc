/* ops.c: every EVTCHNOP with good and bad arguments and the status fields
 * of each port state. Results are printed raw; the host table judges. */
#include "events.h"

static long op(int cmd, void *arg)
{
	return pvabi_event_channel_op(cmd, arg);
}

static void check_status(void)
{
	struct evtchn_status st = { .dom = DOMID_SELF };
	evtchn_port_t u = 0, v = 0, i = 0, a = 0, b = 0;

	pvabi_evtchn_alloc_unbound(0, &u);
	st.port = u;
	conf_check("status.unbound", pvabi_evtchn_status(&st));
	conf_check("status.unbound_state", st.status);
	conf_check("status.unbound_dom", st.u.unbound.dom);
	pvabi_evtchn_bind_virq(VIRQ_DEBUG, 0, &v);
	st.port = v;
	pvabi_evtchn_status(&st);
	conf_check("status.virq_state", st.status);
	conf_check("status.virq_virq", st.u.virq);
	conf_check("status.virq_vcpu", st.vcpu);
	pvabi_evtchn_bind_ipi(0, &i);
	st.port = i;
	pvabi_evtchn_status(&st);
	conf_check("status.ipi_state", st.status);
	pvabi_evtchn_alloc_unbound(DOMID_SELF, &a);
	pvabi_evtchn_bind_interdomain(DOMID_SELF, a, &b);
	st.port = a;
	pvabi_evtchn_status(&st);
	conf_check("status.interdomain_state", st.status);
	conf_check("status.interdomain_dom", st.u.interdomain.dom);
	conf_check("status.interdomain_port_is_peer", st.u.interdomain.port == b);
	st.port = 0;
	conf_check("status.port0", pvabi_evtchn_status(&st));
	conf_check("status.port0_state", st.status);
	st.port = EVTCHN_MAX_PORTS_GUEST;
	conf_check("status.never_allocated", pvabi_evtchn_status(&st));
	st = (struct evtchn_status){ .dom = 5, .port = u };
	conf_check("status.other_domain", pvabi_evtchn_status(&st));
	conf_check("status.bad_pointer", op(EVTCHNOP_status, CONF_UNMAPPED));
	conf_check("bind_vcpu.ipi", pvabi_evtchn_bind_vcpu(i, 0));
	conf_check("bind_vcpu.interdomain", pvabi_evtchn_bind_vcpu(a, 0));
	conf_check("bind_vcpu.no_vcpu", pvabi_evtchn_bind_vcpu(a, 9));
	conf_check("bind_vcpu.bad_port", pvabi_evtchn_bind_vcpu(EVTCHN_MAX_PORTS_GUEST, 0));
	conf_check("send.unbound", pvabi_evtchn_send(u));
	conf_check("send.virq", pvabi_evtchn_send(v));
	conf_check("close.unbound", pvabi_evtchn_close(u));
	conf_check("close.twice", pvabi_evtchn_close(u));
	conf_check("send.closed", pvabi_evtchn_send(u));
	conf_check("close.port0", pvabi_evtchn_close(0));
	st = (struct evtchn_status){ .dom = DOMID_SELF, .port = u };
	pvabi_evtchn_status(&st);
	conf_check("status.closed_state", st.status);
	conf_check("bind_interdomain.not_unbound", pvabi_evtchn_bind_interdomain(DOMID_SELF, i, &b));
	conf_check("bind_interdomain.no_domain", pvabi_evtchn_bind_interdomain(999, 1, &b));
	conf_check("reset.other_domain", op(EVTCHNOP_reset, &(struct evtchn_reset){ .dom = 5 }));
	conf_check("reset.self", pvabi_evtchn_reset());
	st = (struct evtchn_status){ .dom = DOMID_SELF, .port = a };
	pvabi_evtchn_status(&st);
	conf_check("reset.ports_closed", st.status);
}

static void check_binds(void)
{
	evtchn_port_t p = 0, q = 0;

	conf_check("bind_virq.timer", pvabi_evtchn_bind_virq(VIRQ_TIMER, 0, &p));
	conf_check("bind_virq.port_nonzero", p != 0);
	conf_check("bind_virq.twice", pvabi_evtchn_bind_virq(VIRQ_TIMER, 0, &q));
	conf_check("bind_virq.global_on_vcpu1", pvabi_evtchn_bind_virq(VIRQ_DOM_EXC, 1, &q));
	conf_check("bind_virq.out_of_range", pvabi_evtchn_bind_virq(NR_VIRQS, 0, &q));
	conf_check("bind_virq.no_vcpu", pvabi_evtchn_bind_virq(VIRQ_DEBUG, 7, &q));
	conf_check("bind_ipi.no_vcpu", pvabi_evtchn_bind_ipi(7, &q));
	conf_check("bind_virq.close", pvabi_evtchn_close(p));
	conf_check("alloc_unbound.other_domain",
		   op(EVTCHNOP_alloc_unbound, &(struct evtchn_alloc_unbound){ .dom = 5 }));
	conf_check("alloc_unbound.bad_pointer", op(EVTCHNOP_alloc_unbound, CONF_UNMAPPED));
}

void ev_ops(void)
{
	check_binds();
	check_status();
	conf_check("send.port0", pvabi_evtchn_send(0));
	conf_check("send.out_of_range", pvabi_evtchn_send(EVTCHN_MAX_PORTS_GUEST));
	conf_check("send.huge", pvabi_evtchn_send(0xffffffffu));
	conf_check("send.bad_pointer", op(EVTCHNOP_send, CONF_UNMAPPED));
	conf_check("unmask.out_of_range", op(EVTCHNOP_unmask, &(struct evtchn_unmask){ 0xffffffffu }));
	conf_check("bind_pirq", op(EVTCHNOP_bind_pirq, &(struct evtchn_bind_pirq){ 0 }));
	conf_check("init_control", op(EVTCHNOP_init_control, &(struct evtchn_init_control){ 0 }));
	conf_check("expand_array", op(EVTCHNOP_expand_array, &(struct evtchn_expand_array){ 0 }));
	conf_check("set_priority", op(EVTCHNOP_set_priority, &(struct evtchn_set_priority){ 0 }));
	conf_check("unknown", op(99, NULL));
}
