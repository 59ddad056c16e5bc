/* clock.c: PV clock and wall clock checks. */
#include "ctime.h"

uint64_t ct_now(void)
{
	return pvabi_pvclock_read(&ct_vcpu->time);
}

static uint64_t get_time(void)
{
	struct xen_hvm_get_time t = { 0 };

	if (pvabi_hypercall2(HYPERCALL_hvm_op, HVMOP_get_time, (unsigned long)&t))
		return 0;
	return t.now;
}

void ct_clock_checks(long host)
{
	volatile struct vcpu_time_info *t = &ct_vcpu->time;
	struct pvabi_cpuid leaf = pvabi_cpuid(0x40000003, 1);
	uint64_t prev, now, hv;
	int mono = 1;

	conf_check("time.pvclock_published", t->version != 0 && !(t->version & 1) && t->tsc_to_system_mul);
	/* Same scale as CPUID base+3 subleaf 1 (ECX = mul, EDX = shift). */
	conf_check("time.pvclock_scale_is_cpuid", t->tsc_to_system_mul == leaf.ecx &&
							  (int32_t)t->tsc_shift == (int32_t)leaf.edx);
	prev = ct_now();
	for (int i = 0; i < 200; i++) {
		now = ct_now();
		if (now < prev)
			mono = 0;
		prev = now;
	}
	conf_check("time.pvclock_monotonic", mono);
	/* HVMOP_get_time reads the host's clock; the PV clock must agree
	 * within 5 ms (both reads and a hypercall lie between them). */
	prev = ct_now();
	hv = get_time();
	now = ct_now();
	conf_check("time.pvclock_matches_get_time", hv + 5 * MS >= prev && hv <= now + 5 * MS);
	conf_check("time.pvclock_advances", now > prev);
	/* Wall clock: the host's time from the command line, within 60 s. */
	uint64_t utc = pvabi_utc_ns() / 1000000000ull;
	conf_check("time.wallclock_plausible",
		   host > 0 && utc + 60 >= (uint64_t)host && utc <= (uint64_t)host + 60);
	conf_check("time.wallclock_version_even", !(ct_shinfo->wc_version & 1) && ct_shinfo->wc_version);
}
