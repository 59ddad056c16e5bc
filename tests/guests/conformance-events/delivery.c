/* delivery.c: upcalls: the type-2 callback twice without EOI, the per-vCPU
 * vector, masking with exactly-once re-delivery on unmask, an interdomain
 * loop within the domain, and an upcall waking a halted vCPU. */
#include "events.h"

/* Sends with interrupts on: the upcall for a send to ourselves arrives
 * before the next instruction. */
static long send_open(evtchn_port_t p)
{
	long r;

	pvabi_irq_enable();
	r = pvabi_evtchn_send(p);
	pvabi_irq_disable();
	return r;
}

void ev_callback_type2(void)
{
	struct xen_hvm_param prm = { .domid = DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ };
	evtchn_port_t p = 0;

	conf_check("callback.init", pvabi_events_init_callback(0xf2));
	pvabi_hvm_op(HVMOP_get_param, &prm);
	conf_check_hex("callback.param", prm.value);
	conf_check("callback.bind_ipi", pvabi_evtchn_bind_ipi(0, &p));
	ev_count[p] = 0;
	pvabi_evtchn_bind_handler(p, ev_count_handler, NULL);
	send_open(p);
	conf_check("callback.first", ev_count[p]);
	send_open(p);
	conf_check("callback.second_without_eoi", ev_count[p]);
	send_open(p);
	conf_check("callback.third", ev_count[p]);
	pvabi_evtchn_close(p);
}

static void check_mask(evtchn_port_t p)
{
	unsigned int before = ev_count[p];

	pvabi_evtchn_mask(p);
	conf_check("mask.send", send_open(p));
	conf_check("mask.not_delivered", ev_count[p] - before);
	conf_check("mask.pending", pvabi_evtchn_is_pending(p));
	pvabi_irq_enable();
	pvabi_evtchn_unmask(p); /* pending: EVTCHNOP_unmask re-raises */
	pvabi_irq_disable();
	conf_check("mask.delivered_once_after_unmask", ev_count[p] - before);
	conf_check("mask.pending_after", pvabi_evtchn_is_pending(p));
	pvabi_irq_enable();
	pvabi_evtchn_unmask(p);
	pvabi_irq_disable();
	conf_check("mask.still_once_after_second_unmask", ev_count[p] - before);
}

static void check_loop(void)
{
	evtchn_port_t a = 0, b = 0;

	conf_check("loop.alloc_unbound", pvabi_evtchn_alloc_unbound(DOMID_SELF, &a));
	conf_check("loop.bind_interdomain", pvabi_evtchn_bind_interdomain(DOMID_SELF, a, &b));
	conf_check("loop.binder_pending", pvabi_evtchn_is_pending(b));
	ev_count[a] = ev_count[b] = 0;
	pvabi_evtchn_bind_handler(a, ev_count_handler, NULL);
	pvabi_irq_enable();
	pvabi_evtchn_bind_handler(b, ev_count_handler, NULL); /* delivers the initial event */
	pvabi_irq_disable();
	conf_check("loop.initial_event", ev_count[b]);
	send_open(b);
	conf_check("loop.b_to_a", ev_count[a]);
	send_open(a);
	conf_check("loop.a_to_b", ev_count[b]);
	conf_check("loop.close", pvabi_evtchn_close(b));
	unsigned int before = ev_count[a] + ev_count[b];
	conf_check("loop.send_now_unbound", send_open(a));
	conf_check("loop.not_delivered", ev_count[a] + ev_count[b] - before);
	pvabi_evtchn_close(a);
}

void ev_delivery(void)
{
	evtchn_port_t p = 0;

	conf_check("vector.init", pvabi_events_init(0xf3));
	conf_check("vector.bind_ipi", pvabi_evtchn_bind_ipi(0, &p));
	ev_count[p] = 0;
	pvabi_evtchn_bind_handler(p, ev_count_handler, NULL);
	send_open(p);
	conf_check("vector.first", ev_count[p]);
	send_open(p);
	conf_check("vector.second", ev_count[p]);
	check_mask(p);
	pvabi_evtchn_close(p);
	check_loop();
}

void ev_hlt_wake(void)
{
	struct xen_hvm_get_time t;
	evtchn_port_t p = 0;

	conf_check("hlt.bind_virq_timer", pvabi_evtchn_bind_virq(VIRQ_TIMER, 0, &p));
	ev_count[p] = 0;
	pvabi_evtchn_bind_handler(p, ev_count_handler, NULL);
	pvabi_hvm_op(HVMOP_get_time, &t);
	conf_check("hlt.set_timer", pvabi_hypercall1(HYPERCALL_set_timer_op, t.now + 2000000));
	/* sti; hlt: the in-kernel APIC halts the vCPU in KVM; the timer's
	 * upcall must wake it (else the test times out). */
	__asm__ volatile("sti; hlt; cli" : : : "memory");
	conf_check("hlt.woken_by_upcall", ev_count[p]);
}
