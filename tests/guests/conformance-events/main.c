/* conformance-events: event channels, shared_info, vcpu_info and hvm_op
 * with valid and invalid arguments; upcalls by the domain-wide callback
 * vector (no EOI) and by the per-vCPU vector (EOI). Prints one
 * "CHECK <name> <value>" line each, then "CONFORMANCE DONE <n>".
 * Run with --mem 64M. */
#include "events.h"

volatile unsigned int ev_count[64];

void ev_count_handler(evtchn_port_t port, void *arg)
{
	(void)arg;
	if (port < 64)
		ev_count[port]++;
}

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	(void)boot;
	conf_init();
	ev_hvm();            /* params first: CALLBACK_IRQ still unset */
	ev_callback_type2(); /* before any per-vCPU vector (which would win) */
	ev_delivery();
	ev_ops();
	ev_physmap();
	ev_vcpu_info();
	ev_hlt_wake();
	conf_done();
}
