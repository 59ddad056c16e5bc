/* bench-evtchn: the guest side of the evtchn_pingpong benchmark. It finds
 * the port dom0 bound for it (EVTCHNOP_status: interdomain with dom 0),
 * answers every event on it by sending on it again (from the upcall
 * handler), says it is ready with one send, and then halts with interrupts
 * on until the domain is destroyed. */
#include <pvabi.h>

static void echo(evtchn_port_t port, void *arg)
{
	(void)arg;
	pvabi_evtchn_send(port);
}

static evtchn_port_t find_dom0_port(void)
{
	for (evtchn_port_t p = 1; p < 64; p++) {
		struct evtchn_status st = { .dom = DOMID_SELF, .port = p };

		if (pvabi_evtchn_status(&st) == 0 && st.status == EVTCHNSTAT_interdomain &&
		    st.u.interdomain.dom == 0)
			return p;
	}
	return 0;
}

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	evtchn_port_t port;

	(void)boot;
	if (pvabi_events_init(0xf3))
		pvabi_panic("bench-evtchn: no events");
	if (!(port = find_dom0_port()))
		pvabi_panic("bench-evtchn: no port bound by dom0");
	pvabi_evtchn_bind_handler(port, echo, NULL);
	pvabi_evtchn_send(port); /* ready */
	for (;;)
		__asm__ volatile("sti; hlt; cli" : : : "memory");
}
