/* hc_sched.c: sched_op (hypercall 29): yield, block, shutdown, poll.
 * block and poll sleep in hv_vcpu_wait() until an event or a timeout. */
#include <sched.h>

#include <pvabi/errno.h>
#include <pvabi/sched.h>

#include "evtchn.h"
#include "hc.h"
#include "hv_time.h"
#include "hv_vtime_evt.h"
#include "hv_wait.h"

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

struct poll_wait {
	const uint32_t *ports;
	uint32_t nr_ports;
};

/* hv_vcpu_wait predicates: they read state the waker (evtchn.c) publishes
 * before hv_vcpu_wake(), so no wakeup is lost. */
static bool any_port_pending(struct hv_vcpu *v, void *ctx)
{
	const struct poll_wait *w = ctx;

	for (uint32_t i = 0; i < w->nr_ports; i++)
		if (evtchn_port_pending(v->dom, w->ports[i]) > 0)
			return true;
	return false;
}

static bool upcall_pending(struct hv_vcpu *v, void *ctx)
{
	(void)ctx;
	return evtchn_upcall_pending(v->dom, v->id);
}

/* A port poll may wait on: allocated and not closed (port 0 never is). */
static bool port_in_use(struct hv_domain *d, uint32_t port)
{
	struct evtchn_status st = { .dom = DOMID_SELF, .port = port };

	return port < EVTCHN_MAX_PORTS && evtchn_status(d, port, &st) == 0 &&
	       st.status != EVTCHNSTAT_closed;
}

/* Waits until a listed port is pending or the timeout (absolute system
 * time; 0 = none) passes; both give 0, as in Xen. Without ports there is
 * only the timeout to wait for. */
static int64_t sched_poll(struct hv_vcpu *v, uint64_t gva)
{
	uint32_t ports[SCHED_POLL_MAX_PORTS];
	struct sched_poll p;
	struct poll_wait w = { ports, 0 };

	if (gmem_copy_from_guest(v, &p, gva, sizeof(p)))
		return -XEN_EFAULT;
	if (p.nr_ports > SCHED_POLL_MAX_PORTS)
		return -XEN_EINVAL;
	if (gmem_copy_from_guest(v, ports, p.ports, p.nr_ports * sizeof(ports[0])))
		return -XEN_EFAULT;
	for (uint32_t i = 0; i < p.nr_ports; i++)
		if (!port_in_use(v->dom, ports[i]))
			return -XEN_EINVAL;
	w.nr_ports = p.nr_ports;
	if (!p.nr_ports && !p.timeout)
		return 0; /* nothing could ever end the wait */
	if (p.timeout && p.timeout <= hv_system_time_ns(v->dom))
		return 0;
	hv_vcpu_wait(v, any_port_pending, &w,
		     p.timeout ? hv_system_to_monotonic_ns(v->dom, p.timeout) : 0);
	return 0;
}

/* Sleeps until an event is pending for the vCPU or the domain dies. */
static int64_t sched_block(struct hv_vcpu *v)
{
	hv_vtime_evt_unmask(v); /* Xen re-enables event delivery on block */
	hv_vcpu_wait(v, upcall_pending, NULL, 0);
	return 0;
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
		return sched_block(v);
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
