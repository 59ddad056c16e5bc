/* cons-hostile: a guest that breaks the console ring protocol on purpose
 * (SPEC.md §16): it moves out_prod more than a ring ahead of out_cons,
 * notifies, says so on console_io and then sleeps on its console port
 * (the backend must drop it, not crash or stall). */
#include <pvabi.h>

#include <pvabi/console_ring.h>

static long param(uint32_t index, uint64_t *value)
{
	struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };
	long r = pvabi_hvm_op(HVMOP_get_param, &p);

	*value = p.value;
	return r;
}

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	static const char msg[] = "cons-hostile: indices scribbled\n";
	uint64_t pfn = 0, port = 0;
	volatile struct xencons_interface *r;
	uint32_t p;

	(void)boot;
	if (param(HVM_PARAM_CONSOLE_PFN, &pfn) ||
	    param(HVM_PARAM_CONSOLE_EVTCHN, &port) || !pfn || !port || pfn >= (1ull << 20)) {
		pvabi_printf("cons-hostile: no console ring\n");
		return;
	}
	r = (volatile struct xencons_interface *)(uintptr_t)(pfn << 12);
	for (unsigned i = 0; i < 16; i++)
		r->out[i] = 'X';
	p = r->out_cons + XENCONS_OUT_SIZE + 1000;
	__atomic_store_n(&r->out_prod, p, __ATOMIC_RELEASE);
	pvabi_evtchn_send((evtchn_port_t)port);
	pvabi_console_io(CONSOLEIO_write, sizeof(msg) - 1, (void *)msg);
	for (;;) {
		uint32_t pt = (uint32_t)port;
		struct sched_poll sp = { .nr_ports = 1 };

		sp.ports = &pt;
		pvabi_sched_op(SCHEDOP_poll, &sp);
	}
}
