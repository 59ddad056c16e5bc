/* hv_cpuid.h: the CPUID table a vCPU sees: KVM's, with Xen's leaves at
 * 0x40000000 instead of KVM's own. */
#ifndef HOSPES_HV_CPUID_H
#define HOSPES_HV_CPUID_H

#include <linux/kvm.h>
#include <stdint.h>

struct hv_cpuid_params {
	uint32_t guest_tsc_khz;
	uint32_t host_tsc_khz;
	uint32_t vcpu_id;
	uint32_t domid;
};

/* Copies the entries of supported outside 0x40000000-0x4fffffff into out
 * (room for max entries) and appends the Xen leaves. Returns 0 or -E2BIG. */
int hv_cpuid_build(struct kvm_cpuid2 *out, uint32_t max, const struct kvm_cpuid2 *supported,
		   const struct hv_cpuid_params *p);

/* pvclock-style scale: ns = ((tsc << shift) or >> -shift) * mul >> 32. */
void hv_tsc_to_ns_scale(uint32_t tsc_khz, uint32_t *mul, int8_t *shift);

#endif
