/* hv_smp.h: vCPU bring-up (VCPUOP_initialise/up/down/is_up), parking of
 * offline or paused vCPUs, and domain pause. No KVM here: threads are
 * started and kicked through dom->smp_ops. */
#ifndef HOSPES_HV_SMP_H
#define HOSPES_HV_SMP_H

#include <stddef.h>

#include <pvabi/vcpu.h>

#include "hv.h"

/* Checks a VCPUOP_initialise context and converts it to KVM register
 * state (segments, control registers, EFER; GDTR/IDTR empty). Returns 0,
 * or -XEN_EINVAL with the failed check in why. mem is used to check that
 * CR3 points into guest RAM when paging is on. Pure. */
int hv_smp_ctx_convert(const struct hv_mem *mem, const struct vcpu_hvm_context *c,
		       struct kvm_regs *regs, struct kvm_sregs *sregs, char *why, size_t len);

/* Marks vCPU 0 initialised and up (the builder boots it) and every other
 * vCPU uninitialised and down. Call before any vCPU thread runs. */
void hv_smp_init(struct hv_domain *d, const struct hv_smp_ops *ops);

/* Starts vCPU 0's thread through dom->smp_ops (the builder has loaded its
 * PVH entry state). 0 or -errno. */
int hv_smp_start_boot(struct hv_domain *d);

/* If VCPUOP_initialise left a start state the vCPU has not loaded yet,
 * copies it out (once) and returns true. Called by the vCPU's thread. */
bool hv_smp_take_start(struct hv_vcpu *v, struct kvm_regs *regs, struct kvm_sregs *sregs);

/* True when the vCPU must not run guest code now (down or paused); a
 * relaxed load each, cheap enough for the run loop. */
static inline bool hv_smp_must_park(struct hv_vcpu *v)
{
	return atomic_load_explicit(&v->smp_down, memory_order_relaxed) ||
	       atomic_load_explicit(&v->dom->paused, memory_order_relaxed);
}

/* Sleeps (outside KVM_RUN) while the vCPU is down or the domain paused;
 * returns early when the domain is dying. */
void hv_smp_park(struct hv_vcpu *v);

/* Pauses or unpauses every vCPU of the domain (idempotent). -ESRCH if the
 * domain has already ended. */
int hv_smp_set_paused(struct hv_domain *d, bool paused);

/* Number of vCPUs that are up (not down). */
unsigned hv_smp_online(struct hv_domain *d);

#endif
