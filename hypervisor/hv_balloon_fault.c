/* hv_balloon_fault.c: the fault reported when a guest touches a frame it
 * gave back. Such a frame is not mapped on the host at all, so the access
 * reaches hospes-hv as an MMIO exit (emulated instructions) or as KVM_RUN
 * failing with a memory-fault exit (hardware-run code). */
#include "hv_balloon.h"
#include "hv_vcpu.h"

bool hv_balloon_fault(struct hv_vcpu *v, uint64_t gpa, int access, unsigned len)
{
	if (!hv_balloon_is_absent(&v->dom->mem, gpa / HV_PAGE_SIZE))
		return false;
	hv_vcpu_fault(v, "access to given-back guest frame 0x%llx at 0x%llx (%s, %u bytes)",
		      (unsigned long long)(gpa / HV_PAGE_SIZE), (unsigned long long)gpa,
		      access < 0 ? "access" : access ? "write" : "read", len);
	return true;
}
