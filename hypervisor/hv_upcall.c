/* hv_upcall.c: choosing how an owed upcall reaches a vCPU (per-vCPU APIC
 * vector or the domain's type-2 callback vector) and waking it. */
#include <pthread.h>

#include "hv_upcall.h"
#include "hv_wait.h"

const struct hv_upcall_ops *hv_upcall_ops;

/* The type-2 callback: injected by the vCPU's own thread (KVM_INTERRUPT is
 * a vCPU ioctl), so another thread records the debt and kicks it. */
static void owe_extint(struct hv_domain *d, struct hv_vcpu *v)
{
	atomic_store(&d->evtchn->vcpu[v->id].extint, true);
	if (hv_upcall_ops && hv_upcall_ops->kick && !pthread_equal(pthread_self(), v->thread))
		hv_upcall_ops->kick(v);
}

void hv_upcall_raise(struct hv_domain *d, unsigned vcpu)
{
	struct evtchn_domain *ev = d->evtchn;
	struct hv_vcpu *v;
	uint64_t cb;
	uint8_t vec;

	if (vcpu >= d->nr_vcpus || !(v = d->vcpus[vcpu]) || atomic_load(&d->dying))
		return;
	vec = atomic_load(&ev->vcpu[vcpu].vector);
	cb = atomic_load(&ev->callback);
	if (vec) {
		/* APIC id = vCPU id (KVM_CREATE_VCPU). A refused MSI (APIC
		 * software-disabled, e.g. an AP not set up yet) is owed: the
		 * guest clears upcall_pending only in an upcall, so a lost one
		 * would silence the vCPU for good. */
		if (hv_upcall_ops && hv_upcall_ops->msi && !hv_upcall_ops->msi(d, vcpu, vec))
			atomic_store(&ev->vcpu[vcpu].msi_owed, true);
	} else if ((cb >> HVM_PARAM_CALLBACK_TYPE_SHIFT) == HVM_PARAM_CALLBACK_TYPE_VECTOR) {
		owe_extint(d, v);
	}
	/* Other callback types (GSI, PCI INTx) have no device to raise here:
	 * the event stays pending in shared memory, as it would with no
	 * callback at all. A vCPU sleeping in SCHEDOP_block/poll sees it. */
	hv_vcpu_wake(v);
}

/* A refused per-vCPU MSI, retried from the vCPU's own thread before it
 * enters the guest (after its APIC may have been enabled). Still owed only
 * while upcall_pending is set: the guest has not seen the events yet. */
static void retry_msi(struct hv_vcpu *v)
{
	struct evtchn_domain *ev = v->dom->evtchn;
	uint8_t vec = atomic_load(&ev->vcpu[v->id].vector);

	if (!vec || !evtchn_upcall_pending(v->dom, v->id) || !hv_upcall_ops || !hv_upcall_ops->msi)
		return;
	if (!hv_upcall_ops->msi(v->dom, v->id, vec))
		atomic_store(&ev->vcpu[v->id].msi_owed, true);
}

void hv_upcall_inject_owed(struct hv_vcpu *v)
{
	struct evtchn_domain *ev = v->dom->evtchn;
	uint64_t cb;

	if (atomic_exchange(&ev->vcpu[v->id].msi_owed, false))
		retry_msi(v);
	if (!atomic_exchange(&ev->vcpu[v->id].extint, false))
		return;
	cb = atomic_load(&ev->callback);
	/* Xen injects the callback whenever upcall_pending is set at entry;
	 * if the guest already cleared it, the upcall is no longer owed. */
	if ((cb >> HVM_PARAM_CALLBACK_TYPE_SHIFT) != HVM_PARAM_CALLBACK_TYPE_VECTOR ||
	    !evtchn_upcall_pending(v->dom, v->id))
		return;
	if (hv_upcall_ops && hv_upcall_ops->extint)
		hv_upcall_ops->extint(v, (uint8_t)cb);
}
