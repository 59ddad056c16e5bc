/* hv_pvclock.c: PV clock math: scaling TSC deltas and monotonic updates. */
#include <pvabi/shared_info.h>

#include "hv_cpuid.h"
#include "hv_pvclock.h"

uint64_t hv_pvclock_scale(uint64_t delta, uint32_t mul, int8_t shift)
{
	if (shift >= 0)
		delta <<= shift;
	else
		delta >>= -shift;
	return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

uint64_t hv_pvclock_read(const struct hv_pvclock *p, uint64_t tsc)
{
	if (tsc < p->tsc_timestamp)
		return p->system_time;
	return p->system_time + hv_pvclock_scale(tsc - p->tsc_timestamp, p->mul, p->shift);
}

void hv_pvclock_update(struct hv_pvclock *p, uint64_t tsc, uint64_t sys, uint32_t tsc_khz)
{
	if (p->mul) {
		uint64_t prev = hv_pvclock_read(p, tsc);

		if (prev > sys)
			sys = prev;
	}
	p->tsc_timestamp = tsc;
	p->system_time = sys;
	/* The same scale CPUID leaf base+3 reports (hv_cpuid.c). */
	hv_tsc_to_ns_scale(tsc_khz, &p->mul, &p->shift);
}

/* Odd version, fields, even version; the fences keep the guest from seeing
 * new fields under an old even version. */
static uint32_t begin(uint32_t *version)
{
	uint32_t v = (__atomic_load_n(version, __ATOMIC_RELAXED) + 1) | 1;

	__atomic_store_n(version, v, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return v;
}

static void end(uint32_t *version, uint32_t v)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(version, v + 1, __ATOMIC_RELAXED);
}

void hv_pvclock_write(struct vcpu_time_info *ti, const struct hv_pvclock *p, uint8_t flags)
{
	uint32_t v = begin(&ti->version);

	ti->tsc_timestamp = p->tsc_timestamp;
	ti->system_time = p->system_time;
	ti->tsc_to_system_mul = p->mul;
	ti->tsc_shift = p->shift;
	ti->flags = flags;
	end(&ti->version, v);
}

void hv_wallclock_write(struct shared_info *s, uint64_t utc_ns_at_zero)
{
	uint64_t sec = utc_ns_at_zero / 1000000000ull;
	uint32_t v = begin(&s->wc_version);

	s->wc_sec = (uint32_t)sec;
	s->wc_nsec = (uint32_t)(utc_ns_at_zero % 1000000000ull);
	s->wc_sec_hi = (uint32_t)(sec >> 32);
	end(&s->wc_version, v);
}
