/* test_emu_apic.c: the software CPU's local APIC: reset state, MSI
 * acceptance and refusal, priorities (TPR, in-service vectors), EOI, and
 * the x2APIC MSR interface as the guest library uses it. */
#include <criterion/criterion.h>

#include "emu/emu.h"
#include "hv_emu_apic.h"

#define BASE_ON (HV_APIC_DEFAULT_BASE | HV_APIC_BASE_EN | HV_APIC_BASE_EXTD)

static struct hv_emu_apic apic;

/* What pvabi's events.c does: x2APIC mode, then SVR with the enable bit. */
static void guest_enable(struct hv_emu_apic *a)
{
	uint64_t base;

	cr_assert_eq(hv_emu_apic_rdmsr(a, HV_APIC_BASE_MSR, &base), EMU_MSR_OK);
	cr_assert_eq(
	    hv_emu_apic_wrmsr(a, HV_APIC_BASE_MSR, base | HV_APIC_BASE_EN | HV_APIC_BASE_EXTD),
	    EMU_MSR_OK);
	cr_assert_eq(hv_emu_apic_wrmsr(a, 0x80f, 0x1ff), EMU_MSR_OK);
}

Test(emu_apic, reset_state_is_xapic_enabled_software_disabled)
{
	uint64_t v;

	hv_emu_apic_init(&apic, 0, true);
	cr_assert_eq(hv_emu_apic_rdmsr(&apic, HV_APIC_BASE_MSR, &v), EMU_MSR_OK);
	cr_assert_eq(v, HV_APIC_DEFAULT_BASE | HV_APIC_BASE_EN | HV_APIC_BASE_BSP);
	hv_emu_apic_init(&apic, 3, false);
	cr_assert_eq(hv_emu_apic_rdmsr(&apic, HV_APIC_BASE_MSR, &v), EMU_MSR_OK);
	cr_assert_eq(v, HV_APIC_DEFAULT_BASE | HV_APIC_BASE_EN);
	/* x2APIC registers fault until x2APIC mode is on. */
	cr_assert_eq(hv_emu_apic_rdmsr(&apic, 0x802, &v), EMU_MSR_GP);
	cr_assert_eq(hv_emu_apic_wrmsr(&apic, 0x80b, 0), EMU_MSR_GP);
}

Test(emu_apic, msi_refused_while_software_disabled)
{
	hv_emu_apic_init(&apic, 0, true);
	cr_assert_eq(hv_emu_apic_msi(&apic, 0xf3), 0);
	cr_assert_eq(hv_emu_apic_pending(&apic), -1);
	guest_enable(&apic);
	cr_assert_eq(hv_emu_apic_msi(&apic, 0xf3), 1);
	cr_assert_eq(hv_emu_apic_pending(&apic), 0xf3);
	/* SVR bit 8 cleared again: refused, as KVM_SIGNAL_MSI returns 0. */
	cr_assert_eq(hv_emu_apic_wrmsr(&apic, 0x80f, 0xff), EMU_MSR_OK);
	cr_assert_eq(hv_emu_apic_msi(&apic, 0xf4), 0);
}

Test(emu_apic, illegal_vectors_refused)
{
	hv_emu_apic_init(&apic, 0, true);
	guest_enable(&apic);
	for (unsigned v = 0; v < 16; v++)
		cr_assert_eq(hv_emu_apic_msi(&apic, (uint8_t)v), 0, "vector %u", v);
	cr_assert_eq(hv_emu_apic_pending(&apic), -1);
}

Test(emu_apic, delivery_moves_irr_to_isr_and_eoi_clears_it)
{
	uint64_t v;

	hv_emu_apic_init(&apic, 1, false);
	guest_enable(&apic);
	cr_assert_eq(hv_emu_apic_msi(&apic, 0x40), 1);
	cr_assert_eq(hv_emu_apic_rdmsr(&apic, 0x820 + 0x40 / 32, &v), EMU_MSR_OK);
	cr_assert_eq(v, 1u << (0x40 % 32));
	hv_emu_apic_ack(&apic, 0x40);
	cr_assert_eq(hv_emu_apic_rdmsr(&apic, 0x820 + 0x40 / 32, &v), EMU_MSR_OK);
	cr_assert_eq(v, 0);
	cr_assert_eq(hv_emu_apic_rdmsr(&apic, 0x810 + 0x40 / 32, &v), EMU_MSR_OK);
	cr_assert_eq(v, 1u << (0x40 % 32));
	/* In service: a second one of the same class waits for the EOI. */
	cr_assert_eq(hv_emu_apic_msi(&apic, 0x41), 1);
	cr_assert_eq(hv_emu_apic_pending(&apic), -1);
	cr_assert_eq(hv_emu_apic_rdmsr(&apic, 0x80a, &v), EMU_MSR_OK);
	cr_assert_eq(v, 0x40, "PPR follows the in-service class");
	cr_assert_eq(hv_emu_apic_wrmsr(&apic, 0x80b, 0), EMU_MSR_OK);
	cr_assert_eq(hv_emu_apic_rdmsr(&apic, 0x810 + 0x40 / 32, &v), EMU_MSR_OK);
	cr_assert_eq(v, 0);
	cr_assert_eq(hv_emu_apic_pending(&apic), 0x41);
	/* x2APIC: only a zero EOI write is valid. */
	cr_assert_eq(hv_emu_apic_wrmsr(&apic, 0x80b, 1), EMU_MSR_GP);
}

Test(emu_apic, higher_class_preempts_in_service_vector)
{
	hv_emu_apic_init(&apic, 0, true);
	guest_enable(&apic);
	cr_assert_eq(hv_emu_apic_msi(&apic, 0x30), 1);
	hv_emu_apic_ack(&apic, 0x30);
	cr_assert_eq(hv_emu_apic_msi(&apic, 0xf3), 1);
	cr_assert_eq(hv_emu_apic_msi(&apic, 0x20), 1);
	cr_assert_eq(hv_emu_apic_pending(&apic), 0xf3);
	hv_emu_apic_ack(&apic, 0xf3);
	cr_assert_eq(hv_emu_apic_pending(&apic), -1, "0x20 is below the in-service class");
	cr_assert_eq(hv_emu_apic_wrmsr(&apic, 0x80b, 0), EMU_MSR_OK); /* ends 0xf3 */
	cr_assert_eq(hv_emu_apic_pending(&apic), -1, "0x30 still in service");
	cr_assert_eq(hv_emu_apic_wrmsr(&apic, 0x80b, 0), EMU_MSR_OK); /* ends 0x30 */
	cr_assert_eq(hv_emu_apic_pending(&apic), 0x20);
}

Test(emu_apic, tpr_masks_lower_classes)
{
	uint64_t v;

	hv_emu_apic_init(&apic, 0, true);
	guest_enable(&apic);
	cr_assert_eq(hv_emu_apic_wrmsr(&apic, 0x808, 0x50), EMU_MSR_OK);
	cr_assert_eq(hv_emu_apic_msi(&apic, 0x50), 1);
	cr_assert_eq(hv_emu_apic_pending(&apic), -1);
	cr_assert_eq(hv_emu_apic_msi(&apic, 0x61), 1);
	cr_assert_eq(hv_emu_apic_pending(&apic), 0x61);
	cr_assert_eq(hv_emu_apic_rdmsr(&apic, 0x808, &v), EMU_MSR_OK);
	cr_assert_eq(v, 0x50);
	cr_assert_eq(hv_emu_apic_wrmsr(&apic, 0x808, 0x100), EMU_MSR_GP);
}

Test(emu_apic, id_version_and_read_only_registers)
{
	uint64_t v;

	hv_emu_apic_init(&apic, 5, false);
	guest_enable(&apic);
	cr_assert_eq(hv_emu_apic_rdmsr(&apic, 0x802, &v), EMU_MSR_OK);
	cr_assert_eq(v, 5);
	cr_assert_eq(hv_emu_apic_rdmsr(&apic, 0x803, &v), EMU_MSR_OK);
	cr_assert_eq(v & 0xff, 0x14);
	cr_assert_eq(hv_emu_apic_rdmsr(&apic, 0x80f, &v), EMU_MSR_OK);
	cr_assert_eq(v, 0x1ff);
	cr_assert_eq(hv_emu_apic_wrmsr(&apic, 0x802, 9), EMU_MSR_GP);
	cr_assert_eq(hv_emu_apic_wrmsr(&apic, 0x80a, 0), EMU_MSR_GP);
	cr_assert_eq(hv_emu_apic_rdmsr(&apic, 0x80b, &v), EMU_MSR_GP, "EOI is write-only");
	cr_assert_eq(hv_emu_apic_rdmsr(&apic, 0x8ff, &v), EMU_MSR_GP);
	/* LVT0 stays in ExtINT mode for the type-2 callback. */
	cr_assert_eq(hv_emu_apic_rdmsr(&apic, 0x835, &v), EMU_MSR_OK);
	cr_assert_eq(v, 0x700);
}

Test(emu_apic, apic_base_transitions)
{
	uint64_t v;

	hv_emu_apic_init(&apic, 0, true);
	/* Reserved bits and the read-only BSP flag. */
	cr_assert_eq(hv_emu_apic_wrmsr(&apic, HV_APIC_BASE_MSR, BASE_ON | HV_APIC_BASE_BSP | 1),
		     EMU_MSR_GP);
	cr_assert_eq(hv_emu_apic_wrmsr(&apic, HV_APIC_BASE_MSR, BASE_ON), EMU_MSR_GP);
	cr_assert_eq(hv_emu_apic_wrmsr(&apic, HV_APIC_BASE_MSR,
				       HV_APIC_DEFAULT_BASE | HV_APIC_BASE_BSP | HV_APIC_BASE_EXTD),
		     EMU_MSR_GP, "x2APIC without enable");
	cr_assert_eq(hv_emu_apic_wrmsr(&apic, HV_APIC_BASE_MSR, BASE_ON | HV_APIC_BASE_BSP),
		     EMU_MSR_OK);
	cr_assert_eq(hv_emu_apic_wrmsr(&apic, HV_APIC_BASE_MSR,
				       HV_APIC_DEFAULT_BASE | HV_APIC_BASE_BSP | HV_APIC_BASE_EN),
		     EMU_MSR_GP, "x2APIC straight back to xAPIC");
	/* Disabling resets the APIC: pending vectors and SVR are gone. */
	cr_assert_eq(hv_emu_apic_wrmsr(&apic, 0x80f, 0x1ff), EMU_MSR_OK);
	cr_assert_eq(hv_emu_apic_msi(&apic, 0x80), 1);
	cr_assert_eq(
	    hv_emu_apic_wrmsr(&apic, HV_APIC_BASE_MSR, HV_APIC_DEFAULT_BASE | HV_APIC_BASE_BSP),
	    EMU_MSR_OK);
	cr_assert_eq(hv_emu_apic_msi(&apic, 0x80), 0);
	cr_assert_eq(hv_emu_apic_pending(&apic), -1);
	cr_assert_eq(hv_emu_apic_rdmsr(&apic, HV_APIC_BASE_MSR, &v), EMU_MSR_OK);
	cr_assert_eq(v, HV_APIC_DEFAULT_BASE | HV_APIC_BASE_BSP);
}

Test(emu_apic, self_ipi)
{
	hv_emu_apic_init(&apic, 2, false);
	guest_enable(&apic);
	cr_assert_eq(hv_emu_apic_wrmsr(&apic, 0x83f, 0x90), EMU_MSR_OK);
	cr_assert_eq(hv_emu_apic_pending(&apic), 0x90);
	cr_assert_eq(hv_emu_apic_wrmsr(&apic, 0x83f, 0x190), EMU_MSR_GP);
}
