/* hv_vtime_evt.c: the time code's use of event-channel state: vcpu_info
 * time, shared_info wall clock, VIRQ_TIMER, and block's unmask. */
#include "evtchn.h"
#include "hv_vtime_evt.h"

static struct vcpu_info *vcpu_info_of(struct hv_vcpu *v)
{
	struct evtchn_domain *ev = v->dom->evtchn;

	return ev && v->id < HV_MAX_VCPUS ? atomic_load(&ev->vcpu[v->id].info) : NULL;
}

void hv_vtime_evt_write_clock(struct hv_vcpu *v, const struct hv_pvclock *c)
{
	struct vcpu_info *vi = vcpu_info_of(v);

	/* No TSC_STABLE flag: each vCPU's clock is refreshed on its own, so
	 * two vCPUs may disagree by the drift of one refresh interval. */
	if (vi)
		hv_pvclock_write(&vi->time, c, 0);
}

void hv_vtime_evt_write_wallclock(struct hv_domain *d, uint64_t utc_ns_at_zero)
{
	if (d->evtchn && d->evtchn->shinfo)
		hv_wallclock_write(d->evtchn->shinfo, utc_ns_at_zero);
}

void hv_vtime_evt_raise_timer(struct hv_vcpu *v)
{
	evtchn_raise_virq(v->dom, v->id, VIRQ_TIMER);
}

void hv_vtime_evt_unmask(struct hv_vcpu *v)
{
	struct vcpu_info *vi = vcpu_info_of(v);

	if (vi)
		__atomic_store_n(&vi->evtchn_upcall_mask, 0, __ATOMIC_SEQ_CST);
}
