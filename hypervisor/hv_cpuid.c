/* hv_cpuid.c: building the vCPU's CPUID table with the Xen leaves. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <pvabi/cpuid.h>

#include "hv_cpuid.h"
#include "hv_version.h"

void hv_tsc_to_ns_scale(uint32_t tsc_khz, uint32_t *mul, int8_t *shift)
{
	/* ns per tick = 1e6 / kHz = num / den. Scale by powers of two until
	 * num / den lies in [1/2, 1), so the 32.32 multiplier fits. */
	uint64_t num = 1000000, den = tsc_khz;
	int s = 0;

	*mul = 0;
	*shift = 0;
	if (!tsc_khz)
		return;
	while (num >= den) {
		den <<= 1;
		s++;
	}
	while (num * 2 < den) {
		num <<= 1;
		s--;
	}
	*mul = (uint32_t)((num << 32) / den);
	*shift = (int8_t)s;
}

static struct kvm_cpuid_entry2 *add(struct kvm_cpuid2 *out, uint32_t max, uint32_t fn,
				    uint32_t index, bool indexed)
{
	struct kvm_cpuid_entry2 *e;

	if (out->nent >= max)
		return NULL;
	e = &out->entries[out->nent++];
	memset(e, 0, sizeof(*e));
	e->function = fn;
	e->index = index;
	e->flags = indexed ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0;
	return e;
}

static int add_xen_leaves(struct kvm_cpuid2 *out, uint32_t max, const struct hv_cpuid_params *p)
{
	const uint32_t base = XEN_CPUID_FIRST_BASE;
	struct kvm_cpuid_entry2 *e[8];
	uint32_t mul;
	int8_t shift;

	hv_tsc_to_ns_scale(p->guest_tsc_khz, &mul, &shift);
	e[0] = add(out, max, base, 0, false);
	e[1] = add(out, max, base + XEN_CPUID_LEAF_VERSION, 0, false);
	e[2] = add(out, max, base + XEN_CPUID_LEAF_HYPERCALL, 0, false);
	e[3] = add(out, max, base + XEN_CPUID_LEAF_TIME, 0, true);
	e[4] = add(out, max, base + XEN_CPUID_LEAF_TIME, 1, true);
	e[5] = add(out, max, base + XEN_CPUID_LEAF_TIME, 2, true);
	e[6] = add(out, max, base + XEN_CPUID_LEAF_HVM, 0, true);
	e[7] = add(out, max, base + XEN_CPUID_MAX_NUM_LEAVES, 0, false);
	if (!e[7])
		return -E2BIG;
	e[0]->eax = base + XEN_CPUID_MAX_NUM_LEAVES;
	e[0]->ebx = XEN_CPUID_SIGNATURE_EBX;
	e[0]->ecx = XEN_CPUID_SIGNATURE_ECX;
	e[0]->edx = XEN_CPUID_SIGNATURE_EDX;
	e[1]->eax = HV_XEN_VERSION;
	e[2]->eax = 1; /* one hypercall page */
	e[2]->ebx = XEN_HYPERCALL_MSR;
	e[3]->ecx = p->guest_tsc_khz;
	e[4]->ecx = mul;
	e[4]->edx = (uint32_t)(int32_t)shift; /* Xen sign-extends the shift */
	e[5]->eax = p->host_tsc_khz;
	/* UPCALL_VECTOR: per-vCPU upcall vectors (HVMOP_set_evtchn_upcall_vector). */
	e[6]->eax = XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_DOMID_PRESENT |
		    XEN_HVM_CPUID_UPCALL_VECTOR;
	e[6]->ebx = p->vcpu_id;
	e[6]->ecx = p->domid;
	return 0;
}

int hv_cpuid_build(struct kvm_cpuid2 *out, uint32_t max, const struct kvm_cpuid2 *supported,
		   const struct hv_cpuid_params *p)
{
	out->nent = 0;
	for (uint32_t i = 0; i < supported->nent; i++) {
		const struct kvm_cpuid_entry2 *s = &supported->entries[i];

		/* KVM's own signature and PV leaves must not show through. */
		if (s->function >= 0x40000000u && s->function <= 0x4fffffffu)
			continue;
		if (out->nent >= max)
			return -E2BIG;
		out->entries[out->nent++] = *s;
	}
	return add_xen_leaves(out, max, p);
}
