/* hc_timer.c: the timer hypercalls: set_timer_op (15) and the vcpu_op
 * timer sub-ops (rows in hc_vcpu.c). They share the vCPU's timers with
 * hv_vtime.c, which raises VIRQ_TIMER when one expires. */
#include <pvabi/errno.h>
#include <pvabi/vcpu.h>

#include "hc.h"
#include "hv_time.h"
#include "hv_vtime.h"

static int64_t xen_err(int r)
{
	return r ? -XEN_ENOMEM : 0; /* the only failure: no timer thread */
}

/* set_timer_op(timeout): the calling vCPU's single-shot timer at absolute
 * system time timeout; 0 cancels it. */
int64_t hc_set_timer_op(struct hv_vcpu *v, const uint64_t arg[PVABI_HYPERCALL_MAX_ARGS])
{
	if (arg[0] == 0) {
		hv_vtime_stop_singleshot(v);
		return 0;
	}
	return xen_err(hv_vtime_set_singleshot(v, arg[0]));
}

int64_t hc_vcpu_set_singleshot_timer(struct hv_vcpu *self, struct hv_vcpu *target, uint64_t arg)
{
	struct vcpu_set_singleshot_timer s;

	(void)target; /* the table's HC_VCPU_SELF makes it the caller */
	if (gmem_copy_from_guest(self, &s, arg, sizeof(s)))
		return -XEN_EFAULT;
	if ((s.flags & VCPU_SSHOTTMR_future) && s.timeout_abs_ns < hv_system_time_ns(self->dom))
		return -XEN_ETIME;
	return xen_err(hv_vtime_set_singleshot(self, s.timeout_abs_ns));
}

int64_t hc_vcpu_stop_singleshot_timer(struct hv_vcpu *self, struct hv_vcpu *target, uint64_t arg)
{
	(void)target;
	(void)arg;
	hv_vtime_stop_singleshot(self);
	return 0;
}

int64_t hc_vcpu_set_periodic_timer(struct hv_vcpu *self, struct hv_vcpu *target, uint64_t arg)
{
	struct vcpu_set_periodic_timer p;

	if (gmem_copy_from_guest(self, &p, arg, sizeof(p)))
		return -XEN_EFAULT;
	if (p.period_ns < HV_VTIME_PERIOD_MIN_NS || p.period_ns > HV_VTIME_PERIOD_MAX_NS)
		return -XEN_EINVAL;
	return xen_err(hv_vtime_set_periodic(target, p.period_ns));
}

int64_t hc_vcpu_stop_periodic_timer(struct hv_vcpu *self, struct hv_vcpu *target, uint64_t arg)
{
	(void)self;
	(void)arg;
	hv_vtime_stop_periodic(target);
	return 0;
}
