/* hv_upcall_emu.c: upcall delivery on the software CPU: MSIs into the
 * emulated local APIC, the type-2 callback queued as an ExtINT, and kicks
 * that need no signal (the run loop watches an attention word). */
#include <errno.h>

#include "hv_emu.h"
#include "hv_upcall.h"

static int msi(struct hv_domain *d, unsigned apic_id, uint8_t vector)
{
	return hv_emu_signal_msi(d, apic_id, vector);
}

static void extint(struct hv_vcpu *v, uint8_t vector)
{
	/* -EEXIST: one is still queued; the guest scans everything anyway. */
	(void)hv_emu_interrupt(v, vector);
}

static void kick(struct hv_vcpu *v)
{
	hv_emu_kick(v);
}

static const struct hv_upcall_ops emu_ops = {.msi = msi, .extint = extint, .kick = kick};

void hv_upcall_use_emu(void)
{
	hv_upcall_ops = &emu_ops;
}
