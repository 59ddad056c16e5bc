/* time.c: the PV clock and wall clock readers, and the timer hypercalls
 * (set_timer_op, vcpu_op timer sub-ops). Short paths: one clock read is a
 * few dozen instructions, which matters where kernel mode is emulated. */
#include <pvabi/shared_info.h>
#include <pvabi/vcpu.h>

#include "internal.h"

#define barrier() __asm__ volatile("" ::: "memory")

uint64_t pvabi_pvclock_read(const volatile struct vcpu_time_info *t)
{
	uint32_t version;
	uint64_t ns;

	do {
		version = t->version;
		barrier();
		uint64_t delta = pvabi_rdtsc() - t->tsc_timestamp;
		int8_t shift = t->tsc_shift;

		delta = shift >= 0 ? delta << shift : delta >> -shift;
		ns = t->system_time +
		     (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
		barrier();
	} while ((version & 1) || version != t->version);
	return ns;
}

uint64_t pvabi_wallclock_read(const volatile struct shared_info *s)
{
	uint32_t version, sec, hi, nsec;

	do {
		version = s->wc_version;
		barrier();
		sec = s->wc_sec;
		hi = s->wc_sec_hi;
		nsec = s->wc_nsec;
		barrier();
	} while ((version & 1) || version != s->wc_version);
	return (((uint64_t)hi << 32) | sec) * 1000000000ull + nsec;
}

static const volatile struct shared_info *shinfo;

void pvabi_time_attach(const volatile struct shared_info *s)
{
	shinfo = s;
}

uint64_t pvabi_time_ns(void)
{
	unsigned int cpu = pvabi_cpu_id();

	return shinfo && cpu < XEN_LEGACY_MAX_VCPUS ? pvabi_pvclock_read(&shinfo->vcpu_info[cpu].time)
						      : 0;
}

uint64_t pvabi_utc_ns(void)
{
	return shinfo ? pvabi_wallclock_read(shinfo) + pvabi_time_ns() : 0;
}

long pvabi_set_timer_op(uint64_t deadline_ns)
{
	return pvabi_hypercall1(HYPERCALL_set_timer_op, deadline_ns);
}

long pvabi_singleshot_timer(uint64_t deadline_ns, uint32_t flags)
{
	struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = deadline_ns, .flags = flags };

	return pvabi_vcpu_op(VCPUOP_set_singleshot_timer, pvabi_cpu_id(), &t);
}

long pvabi_stop_singleshot_timer(void)
{
	return pvabi_vcpu_op(VCPUOP_stop_singleshot_timer, pvabi_cpu_id(), NULL);
}

long pvabi_periodic_timer(uint64_t period_ns)
{
	struct vcpu_set_periodic_timer p = { .period_ns = period_ns };

	return pvabi_vcpu_op(VCPUOP_set_periodic_timer, pvabi_cpu_id(), &p);
}

long pvabi_stop_periodic_timer(void)
{
	return pvabi_vcpu_op(VCPUOP_stop_periodic_timer, pvabi_cpu_id(), NULL);
}
