/* hc_sched.c: sched_op (hypercall 29): yield, block, shutdown, poll. */
#include <sched.h>

#include <pvabi/errno.h>
#include <pvabi/sched.h>

#include "hc.h"

static int64_t read_shutdown(struct hv_vcpu *v, uint64_t gva, uint32_t *reason)
{
	struct sched_shutdown s;

	if (gmem_copy_from_guest(v, &s, gva, sizeof(s)))
		return -XEN_EFAULT;
	if (s.reason > SHUTDOWN_MAX)
		return -XEN_EINVAL;
	*reason = s.reason;
	return 0;
}

static int64_t sched_poll(struct hv_vcpu *v, uint64_t gva)
{
	uint32_t ports[SCHED_POLL_MAX_PORTS];
	struct sched_poll p;

	if (gmem_copy_from_guest(v, &p, gva, sizeof(p)))
		return -XEN_EFAULT;
	if (p.nr_ports > SCHED_POLL_MAX_PORTS)
		return -XEN_EINVAL;
	if (gmem_copy_from_guest(v, ports, p.ports, p.nr_ports * sizeof(ports[0])))
		return -XEN_EFAULT;
	/* No event channel can be bound yet, so every listed port is invalid;
	 * nr_ports 0 is a timeout-only poll, which returns at once until
	 * timers exist. */
	return p.nr_ports ? -XEN_EINVAL : 0;
}

int64_t hc_sched_op(struct hv_vcpu *v, const uint64_t arg[PVABI_HYPERCALL_MAX_ARGS])
{
	uint32_t reason;
	int64_t r;

	switch (arg[0]) {
	case SCHEDOP_yield:
		sched_yield();
		return 0;
	case SCHEDOP_block:
		return 0; /* nothing can wake a blocked vCPU until event channels exist */
	case SCHEDOP_shutdown:
		if ((r = read_shutdown(v, arg[1], &reason)))
			return r;
		hv_domain_shutdown(v->dom, (int)reason);
		v->stop = true; /* this vCPU never returns to the guest */
		return 0;
	case SCHEDOP_shutdown_code:
		if ((r = read_shutdown(v, arg[1], &reason)))
			return r;
		hv_domain_record_code(v->dom, (int)reason);
		return 0;
	case SCHEDOP_poll:
		return sched_poll(v, arg[1]);
	case SCHEDOP_remote_shutdown:
	case SCHEDOP_pin_override:
		return -XEN_EPERM; /* privileged */
	case SCHEDOP_watchdog:
	default:
		return -XEN_ENOSYS;
	}
}
