/* hv_emu_apic.c: the software CPU's local APIC (x2APIC registers, fixed
 * interrupts, priorities, EOI). */
#include <string.h>

#include "emu/emu.h"
#include "hv_emu_apic.h"

/* x2APIC register MSRs (0x800 + xAPIC offset / 16). */
enum {
	X2_ID = 0x802,
	X2_VERSION = 0x803,
	X2_TPR = 0x808,
	X2_PPR = 0x80a,
	X2_EOI = 0x80b,
	X2_LDR = 0x80d,
	X2_SVR = 0x80f,
	X2_ISR0 = 0x810,
	X2_TMR0 = 0x818,
	X2_IRR0 = 0x820,
	X2_ESR = 0x828,
	X2_LVT_CMCI = 0x82f,
	X2_ICR = 0x830,
	X2_LVT_TIMER = 0x832,
	X2_LVT_ERROR = 0x837,
	X2_TMICT = 0x838,
	X2_TMCCT = 0x839,
	X2_TDCR = 0x83e,
	X2_SELF_IPI = 0x83f,
};

#define LVT_MASKED 0x10000u
#define LVT_EXTINT 0x700u
#define LVT_NMI 0x400u
#define APIC_VERSION 0x50014u /* integrated APIC, 6 LVT entries */
/* IA32_APIC_BASE bits a guest may set: BSP is read-only but may be
 * written back unchanged; the base address stays below 2^36. */
#define BASE_WRITABLE (HV_APIC_BASE_BSP | HV_APIC_BASE_EXTD | HV_APIC_BASE_EN | 0xffffff000ull)

void hv_emu_apic_init(struct hv_emu_apic *a, uint32_t id, bool bsp)
{
	memset(a, 0, sizeof(*a));
	a->id = id;
	atomic_store(&a->base,
		     HV_APIC_DEFAULT_BASE | HV_APIC_BASE_EN | (bsp ? HV_APIC_BASE_BSP : 0));
	atomic_store(&a->svr, 0xffu); /* software-disabled, spurious vector 0xff */
	for (unsigned i = 0; i < 7; i++)
		a->lvt[i] = LVT_MASKED;
	a->lvt[4] = LVT_EXTINT;
	a->lvt[5] = LVT_NMI;
}

static bool enabled(const struct hv_emu_apic *a)
{
	return (atomic_load(&a->base) & HV_APIC_BASE_EN) &&
	       (atomic_load(&a->svr) & HV_APIC_SVR_ENABLE);
}

int hv_emu_apic_msi(struct hv_emu_apic *a, uint8_t vector)
{
	if (vector < 16 || !enabled(a))
		return 0;
	atomic_fetch_or(&a->irr[vector / 32], 1u << (vector % 32));
	return 1;
}

/* Highest set bit of a 256-bit register, or -1. */
static int highest(const uint32_t r[8])
{
	for (int i = 7; i >= 0; i--)
		if (r[i])
			return i * 32 + 31 - __builtin_clz(r[i]);
	return -1;
}

static uint32_t ppr(const struct hv_emu_apic *a)
{
	int isr = highest(a->isr);
	uint32_t isrv = isr < 0 ? 0 : (uint32_t)isr;

	return (a->tpr & 0xf0) >= (isrv & 0xf0) ? a->tpr & 0xff : isrv & 0xf0;
}

int hv_emu_apic_pending(const struct hv_emu_apic *a)
{
	uint32_t irr[8];
	int v;

	for (unsigned i = 0; i < 8; i++)
		irr[i] = atomic_load_explicit(&a->irr[i], memory_order_acquire);
	v = highest(irr);
	if (v < 0 || !enabled(a) || ((uint32_t)v & 0xf0) <= (ppr(a) & 0xf0))
		return -1;
	return v;
}

void hv_emu_apic_ack(struct hv_emu_apic *a, uint8_t vector)
{
	atomic_fetch_and(&a->irr[vector / 32], ~(1u << (vector % 32)));
	a->isr[vector / 32] |= 1u << (vector % 32);
}

static void eoi(struct hv_emu_apic *a)
{
	int v = highest(a->isr);

	if (v >= 0)
		a->isr[v / 32] &= ~(1u << (v % 32));
}

static bool x2apic_mode(const struct hv_emu_apic *a)
{
	uint64_t b = atomic_load(&a->base);

	return (b & HV_APIC_BASE_EN) && (b & HV_APIC_BASE_EXTD);
}

static int write_base(struct hv_emu_apic *a, uint64_t value)
{
	uint64_t old = atomic_load(&a->base);

	if ((value & ~BASE_WRITABLE) || (value & HV_APIC_BASE_BSP) != (old & HV_APIC_BASE_BSP))
		return EMU_MSR_GP;
	/* EXTD without EN, and x2APIC back to xAPIC without a disable, are
	 * invalid transitions (SDM "x2APIC state transitions"). */
	if ((value & HV_APIC_BASE_EXTD) && !(value & HV_APIC_BASE_EN))
		return EMU_MSR_GP;
	if ((old & HV_APIC_BASE_EXTD) && (value & HV_APIC_BASE_EN) && !(value & HV_APIC_BASE_EXTD))
		return EMU_MSR_GP;
	if (!(value & HV_APIC_BASE_EN)) { /* disabling resets the APIC */
		uint32_t id = a->id;
		bool bsp = old & HV_APIC_BASE_BSP;

		hv_emu_apic_init(a, id, bsp);
	}
	atomic_store(&a->base, value);
	return EMU_MSR_OK;
}

int hv_emu_apic_rdmsr(struct hv_emu_apic *a, uint32_t index, uint64_t *value)
{
	if (index == HV_APIC_BASE_MSR) {
		*value = atomic_load(&a->base);
		return EMU_MSR_OK;
	}
	if (index < HV_X2APIC_FIRST || index > HV_X2APIC_LAST || !x2apic_mode(a))
		return EMU_MSR_GP;
	if (index >= X2_ISR0 && index < X2_ISR0 + 8) {
		*value = a->isr[index - X2_ISR0];
		return EMU_MSR_OK;
	}
	if (index >= X2_TMR0 && index < X2_TMR0 + 8) {
		*value = 0; /* edge-triggered only */
		return EMU_MSR_OK;
	}
	if (index >= X2_IRR0 && index < X2_IRR0 + 8) {
		*value = atomic_load(&a->irr[index - X2_IRR0]);
		return EMU_MSR_OK;
	}
	if (index >= X2_LVT_TIMER && index <= X2_LVT_ERROR) {
		*value = a->lvt[1 + index - X2_LVT_TIMER];
		return EMU_MSR_OK;
	}
	switch (index) {
	case X2_ID:
		*value = a->id;
		break;
	case X2_VERSION:
		*value = APIC_VERSION;
		break;
	case X2_TPR:
		*value = a->tpr;
		break;
	case X2_PPR:
		*value = ppr(a);
		break;
	case X2_LDR: /* x2APIC logical id: cluster in 31:16, 1 << (id & 15) */
		*value = ((a->id >> 4) << 16) | (1u << (a->id & 15));
		break;
	case X2_SVR:
		*value = atomic_load(&a->svr);
		break;
	case X2_ESR:
		*value = a->esr;
		break;
	case X2_LVT_CMCI:
		*value = a->lvt[0];
		break;
	case X2_ICR:
		*value = 0;
		break;
	case X2_TMICT:
		*value = a->tmict;
		break;
	case X2_TMCCT:
		*value = 0; /* no APIC timer: the count is always spent */
		break;
	case X2_TDCR:
		*value = a->tdcr;
		break;
	default: /* reserved, EOI and SELF_IPI are write-only */
		return EMU_MSR_GP;
	}
	return EMU_MSR_OK;
}

int hv_emu_apic_wrmsr(struct hv_emu_apic *a, uint32_t index, uint64_t value)
{
	if (index == HV_APIC_BASE_MSR)
		return write_base(a, value);
	if (index < HV_X2APIC_FIRST || index > HV_X2APIC_LAST || !x2apic_mode(a))
		return EMU_MSR_GP;
	if (index >= X2_LVT_TIMER && index <= X2_LVT_ERROR) {
		if (value >> 32)
			return EMU_MSR_GP;
		a->lvt[1 + index - X2_LVT_TIMER] = (uint32_t)value;
		return EMU_MSR_OK;
	}
	switch (index) {
	case X2_TPR:
		if (value > 0xff)
			return EMU_MSR_GP;
		a->tpr = (uint32_t)value;
		return EMU_MSR_OK;
	case X2_EOI:
		if (value)
			return EMU_MSR_GP; /* x2APIC: a nonzero EOI write faults */
		eoi(a);
		return EMU_MSR_OK;
	case X2_SVR:
		if (value >> 32)
			return EMU_MSR_GP;
		atomic_store(&a->svr, (uint32_t)value & 0x1ff);
		return EMU_MSR_OK;
	case X2_ESR:
		if (value)
			return EMU_MSR_GP;
		a->esr = 0;
		return EMU_MSR_OK;
	case X2_LVT_CMCI:
		a->lvt[0] = (uint32_t)value;
		return EMU_MSR_OK;
	case X2_ICR:
		/* Fixed IPI to this vCPU (itself or by id); other targets and
		 * modes have no use in a PV guest, which sends event-channel
		 * IPIs, and are dropped. */
		if (((value >> 8) & 7) == 0 &&
		    (((value >> 18) & 3) == 1 ||
		     (((value >> 18) & 3) == 0 && (value >> 32) == a->id)))
			hv_emu_apic_msi(a, (uint8_t)value);
		return EMU_MSR_OK;
	case X2_SELF_IPI:
		if (value > 0xff)
			return EMU_MSR_GP;
		hv_emu_apic_msi(a, (uint8_t)value);
		return EMU_MSR_OK;
	case X2_TMICT:
		a->tmict = (uint32_t)value;
		return EMU_MSR_OK;
	case X2_TDCR:
		a->tdcr = (uint32_t)value & 0xb;
		return EMU_MSR_OK;
	default: /* read-only or reserved */
		return EMU_MSR_GP;
	}
}
