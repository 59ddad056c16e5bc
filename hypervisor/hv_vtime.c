/* hv_vtime.c: a vCPU's PV clock, the domain's wall clock, and the vCPU's
 * timers (single-shot, periodic) that raise VIRQ_TIMER on expiry. All
 * state is [T] (the timer lock), so the timer thread and hypercalls on the
 * vCPU thread never publish the clock at the same time. */
#include <time.h>
#include <x86intrin.h>

#include "hv_time.h"
#include "hv_timer.h"
#include "hv_vtime.h"
#include "hv_vtime_evt.h"

void hv_vtime_sample(uint64_t *host_tsc, uint64_t *mono_ns)
{
	/* Take the TSC reading closest to the clock read out of three tries:
	 * a preemption between the reads shows as a large TSC gap. */
	uint64_t best = UINT64_MAX;

	*host_tsc = *mono_ns = 0;
	for (int i = 0; i < 3; i++) {
		uint64_t t0 = __rdtsc(), ns = hv_monotonic_ns(), t1 = __rdtsc();

		if (i == 0 || t1 - t0 < best) {
			best = t1 - t0;
			*host_tsc = t0 + (t1 - t0) / 2;
			*mono_ns = ns;
		}
	}
}

static void publish_wallclock(struct hv_domain *d, uint64_t mono)
{
	struct timespec rt;
	uint64_t sys = mono - d->time_base_ns, now;

	clock_gettime(CLOCK_REALTIME, &rt);
	now = (uint64_t)rt.tv_sec * 1000000000ull + (uint64_t)rt.tv_nsec;
	/* The wall clock is the UTC time at system time 0. */
	hv_vtime_evt_write_wallclock(d, now > sys ? now - sys : 0);
}

static void publish_locked(struct hv_vcpu *v)
{
	struct hv_vtime *t = &v->vtime;
	uint64_t tsc, mono;

	if (!t->tsc_khz)
		return;
	hv_vtime_sample(&tsc, &mono);
	hv_pvclock_update(&t->clock, tsc + (uint64_t)t->tsc_offset, mono - v->dom->time_base_ns,
			  t->tsc_khz);
	hv_vtime_evt_write_clock(v, &t->clock);
	publish_wallclock(v->dom, mono);
}

static void refresh_fn(struct hv_timer *tm)
{
	publish_locked(tm->ctx);
}

/* Expiry of the single-shot or periodic timer: the clock is republished
 * first, so that a guest reading it after the event never sees a time
 * before the deadline. */
static void expire_fn(struct hv_timer *tm)
{
	struct hv_vcpu *v = tm->ctx;

	publish_locked(v);
	hv_vtime_evt_raise_timer(v);
}

void hv_vtime_start(struct hv_vcpu *v, int64_t tsc_offset, uint32_t tsc_khz)
{
	struct hv_vtime *t = &v->vtime;

	hv_timer_lock();
	t->tsc_offset = tsc_offset;
	t->tsc_khz = tsc_khz;
	publish_locked(v);
	hv_timer_unlock();
	if (!tsc_khz) {
		hv_log(v->dom, HV_LOG_WARN, "vCPU %u: TSC frequency unknown: no PV clock", v->id);
		return;
	}
	if (hv_timer_arm(&t->refresh, refresh_fn, v, hv_monotonic_ns() + HV_VTIME_REFRESH_NS,
			 HV_VTIME_REFRESH_NS))
		hv_log(v->dom, HV_LOG_WARN, "vCPU %u: no timer thread: PV clock not refreshed",
		       v->id);
}

void hv_vtime_fini(struct hv_vcpu *v)
{
	hv_timer_cancel(&v->vtime.singleshot);
	hv_timer_cancel(&v->vtime.periodic);
	hv_timer_cancel(&v->vtime.refresh);
}

void hv_vtime_publish(struct hv_vcpu *v)
{
	hv_timer_lock();
	publish_locked(v);
	hv_timer_unlock();
}

int hv_vtime_set_singleshot(struct hv_vcpu *v, uint64_t t)
{
	return hv_timer_arm(&v->vtime.singleshot, expire_fn, v, hv_system_to_monotonic_ns(v->dom, t),
			    0);
}

void hv_vtime_stop_singleshot(struct hv_vcpu *v)
{
	hv_timer_cancel(&v->vtime.singleshot);
}

int hv_vtime_set_periodic(struct hv_vcpu *v, uint64_t period_ns)
{
	return hv_timer_arm(&v->vtime.periodic, expire_fn, v, hv_monotonic_ns() + period_ns,
			    period_ns);
}

void hv_vtime_stop_periodic(struct hv_vcpu *v)
{
	hv_timer_cancel(&v->vtime.periodic);
}
