/* hv_emu_apic.h: the local APIC of a vCPU on the software CPU, in x2APIC
 * terms: what the in-kernel LAPIC does for a KVM vCPU, reduced to what a
 * PVH guest of Hospes uses (fixed MSIs from the hypervisor, EOI, TPR, SVR
 * software enable, LVT0 in ExtINT mode for the type-2 callback). No timer,
 * no IPIs (guests use event channels for both), no xAPIC MMIO page.
 *
 * Threads: hv_emu_apic_msi may be called from any thread; everything else
 * only from the vCPU's own thread. IRR is a set of atomic words. */
#ifndef HOSPES_HV_EMU_APIC_H
#define HOSPES_HV_EMU_APIC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define HV_APIC_BASE_MSR 0x1bu
#define HV_APIC_BASE_BSP (1ull << 8)
#define HV_APIC_BASE_EXTD (1ull << 10)
#define HV_APIC_BASE_EN (1ull << 11)
#define HV_APIC_DEFAULT_BASE 0xfee00000ull
#define HV_APIC_SVR_ENABLE 0x100u
#define HV_X2APIC_FIRST 0x800u
#define HV_X2APIC_LAST 0x8ffu

struct hv_emu_apic {
	_Atomic(uint32_t) irr[8]; /* requested vectors, set by any thread */
	_Atomic(uint32_t) svr;	  /* read by senders: software enable */
	_Atomic(uint64_t) base;	  /* IA32_APIC_BASE (senders read EN) */
	uint32_t isr[8];	  /* vectors in service */
	uint32_t id;
	uint32_t tpr;
	uint32_t lvt[7]; /* CMCI, timer, thermal, perf, LINT0, LINT1, error */
	uint32_t esr;
	uint32_t tdcr, tmict;
};

/* Reset state of vCPU id (BSP when bsp), except that LVT0 is in ExtINT
 * mode and LVT1 NMI, as firmware leaves them ("virtual wire"). */
void hv_emu_apic_init(struct hv_emu_apic *a, uint32_t id, bool bsp);

/* A fixed, edge-triggered MSI with vector: 1 when accepted (IRR set), 0
 * when refused because the APIC is disabled or software-disabled, as
 * KVM_SIGNAL_MSI reports it. Vectors below 16 are illegal and refused. */
int hv_emu_apic_msi(struct hv_emu_apic *a, uint8_t vector);

/* The vector to deliver now (highest in IRR above the processor
 * priority), or -1. */
int hv_emu_apic_pending(const struct hv_emu_apic *a);
/* The vector is being delivered: IRR -> ISR. */
void hv_emu_apic_ack(struct hv_emu_apic *a, uint8_t vector);

/* x2APIC MSRs (0x800-0x8ff) and IA32_APIC_BASE: EMU_MSR_OK or
 * EMU_MSR_GP (emu.h), as the in-kernel LAPIC answers them. */
int hv_emu_apic_rdmsr(struct hv_emu_apic *a, uint32_t index, uint64_t *value);
int hv_emu_apic_wrmsr(struct hv_emu_apic *a, uint32_t index, uint64_t value);

#endif
