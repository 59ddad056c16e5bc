/* hv_upcall.h: delivering the event-channel upcall to a vCPU through the
 * in-kernel local APIC. Two modes, as in Xen:
 *  - per-vCPU vector (HVMOP_set_evtchn_upcall_vector): an MSI to the vCPU's
 *    APIC (KVM_SIGNAL_MSI, any thread); the guest EOIs its APIC;
 *  - domain-wide callback vector (HVM_PARAM_CALLBACK_IRQ type 2): injected
 *    outside the APIC's ISR as an ExtINT (KVM_INTERRUPT with the split
 *    irqchip) from the vCPU's own thread before it re-enters the guest; the
 *    guest does not EOI. The builder leaves LVT0 in ExtINT mode for this.
 * The KVM side installs hv_upcall_ops; without it (unit tests, before KVM)
 * nothing is injected but all shared-memory state is still updated. */
#ifndef HOSPES_HV_UPCALL_H
#define HOSPES_HV_UPCALL_H

#include <stdint.h>

#include "evtchn.h"

struct hv_upcall_ops {
	/* Fixed, edge MSI with vector to APIC id apic_id. Returns 0 when the
	 * APIC refused it (software-disabled), else nonzero. */
	int (*msi)(struct hv_domain *d, unsigned apic_id, uint8_t vector);
	/* From v's own thread: queue an ExtINT with vector. */
	void (*extint)(struct hv_vcpu *v, uint8_t vector);
	/* Get v out of KVM_RUN (it then calls hv_upcall_pre_run). */
	void (*kick)(struct hv_vcpu *v);
};

extern const struct hv_upcall_ops *hv_upcall_ops;

/* The upcall is owed to vcpu (its evtchn_upcall_pending went 0 -> 1). */
void hv_upcall_raise(struct hv_domain *d, unsigned vcpu);

/* Called by the vCPU thread before each KVM_RUN: injects a type-2
 * callback owed to it, or retries a per-vCPU vector MSI its APIC refused
 * while software-disabled. Two relaxed loads when nothing is owed. */
void hv_upcall_inject_owed(struct hv_vcpu *v);
static inline void hv_upcall_pre_run(struct hv_vcpu *v)
{
	struct evtchn_domain *ev = v->dom->evtchn;

	if (__builtin_expect(ev && (atomic_load_explicit(&ev->vcpu[v->id].extint,
							 memory_order_relaxed) ||
				    atomic_load_explicit(&ev->vcpu[v->id].msi_owed,
							 memory_order_relaxed)), 0))
		hv_upcall_inject_owed(v);
}

/* KVM implementation (hv_upcall_kvm.c): installs it. */
void hv_upcall_use_kvm(void);

#endif
