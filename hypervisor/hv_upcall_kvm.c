/* hv_upcall_kvm.c: the KVM side of upcall delivery: MSIs into the
 * in-kernel LAPIC, ExtINT injection, and the kick signal. */
#include <errno.h>

#include "hv_kvm.h"
#include "hv_smp.h"
#include "hv_upcall.h"
#include "hv_vcpu.h"

/* 0 only when the APIC refused the MSI (KVM_SIGNAL_MSI returned 0); an
 * error is logged and not retried. */
static int msi(struct hv_domain *d, unsigned apic_id, uint8_t vector)
{
	int r = hv_kvm_signal_msi(d, apic_id, vector);

	if (r < 0 && r != -EBADF)
		hv_log(d, HV_LOG_WARN, "upcall MSI to vCPU %u failed: %d", apic_id, r);
	return r != 0;
}

static void extint(struct hv_vcpu *v, uint8_t vector)
{
	int r = hv_kvm_interrupt(v, vector);

	/* -EEXIST: one is still queued; the guest scans everything anyway. */
	if (r < 0 && r != -EEXIST)
		hv_log(v->dom, HV_LOG_WARN, "callback vector injection failed: %d", r);
}

static void kick(struct hv_vcpu *v)
{
	if (v->dom->smp_ops && v->dom->smp_ops->kick)
		v->dom->smp_ops->kick(v);
	else
		hv_vcpu_kick(v);
}

static const struct hv_upcall_ops kvm_ops = { .msi = msi, .extint = extint, .kick = kick };

void hv_upcall_use_kvm(void)
{
	hv_upcall_ops = &kvm_ops;
}
