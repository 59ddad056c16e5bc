/* evtchn_wait.c: sleeping until one port is pending, decided by the
 * hypervisor (SCHEDOP_poll) rather than by `sti; hlt`. */
#include "internal.h"

int pvabi_evtchn_wait(evtchn_port_t port)
{
	struct shared_info *s = pvabi_shared_info();
	struct sched_poll p = { .nr_ports = 1 };
	uint32_t ports[1] = { port };
	long r;

	if (!s || port >= EVTCHN_2L_NR_CHANNELS)
		return -XEN_EINVAL;
	p.ports = ports;
	/* Returns at once if the port is already pending: a send that came
	 * after the caller's last look is never slept through. */
	r = pvabi_sched_op(SCHEDOP_poll, &p);
	/* Taken here (the port is masked: no upcall takes it); a send after
	 * this sets it again. */
	__atomic_fetch_and(&s->evtchn_pending[port / 64], ~(1ull << (port % 64)), __ATOMIC_SEQ_CST);
	return (int)r;
}
