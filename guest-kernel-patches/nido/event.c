/* event.c: nido's event loop on real upcalls. pvabi's per-vCPU upcall
 * (vector NIDO_UPCALL_VECTOR through each vCPU's x2APIC) runs the port
 * handlers on the vCPU the port is bound to; a waiting vCPU halts with
 * interrupts enabled (`sti; hlt`: the upcall ends the halt) and checks its
 * condition again with interrupts off, so no event is lost in between. */
#include "nido.h"

#define NIDO_UPCALL_VECTOR 0xf0

long nido_events_init(void)
{
	static int done; /* the console and the script both ask for events */
	long rc;

	if (done)
		return 0;
	rc = pvabi_events_init(NIDO_UPCALL_VECTOR);
	if (rc == 0) {
		pvabi_time_attach(pvabi_shared_info());
		done = 1;
	}
	return rc;
}

long nido_event_bind(evtchn_port_t port, pvabi_evtchn_handler_t fn, void *arg)
{
	return pvabi_evtchn_bind_handler(port, fn, arg);
}

/* Called with interrupts off, after the caller found nothing to do. sti's
 * one-instruction shadow keeps an upcall from slipping in before hlt. */
void nido_event_wait(void)
{
	__asm__ volatile("sti; hlt; cli" : : : "memory");
}

long nido_event_send(evtchn_port_t port)
{
	return pvabi_evtchn_send(port);
}
