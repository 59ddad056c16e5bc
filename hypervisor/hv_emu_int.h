/* hv_emu_int.h: private to hv_emu*.c: a vCPU on the software CPU. */
#ifndef HOSPES_HV_EMU_INT_H
#define HOSPES_HV_EMU_INT_H

#include "emu/emu.h"
#include "hv_emu.h"
#include "hv_emu_apic.h"

/* kvm_run plus the port I/O data page after it, as KVM maps it. */
#define HV_EMU_RUN_SIZE 8192u

struct hv_emu_vcpu {
	struct hv_vcpu *v;
	struct emu_cpu *cpu;
	struct emu_ops ops;
	struct kvm_cpuid2 *cpuid; /* the table the guest sees */
	struct hv_emu_apic apic;
	/* Nonzero: leave emu_run at the next instruction boundary (an
	 * interrupt arrived, a kick, guest memory changed). Any thread. */
	volatile uint32_t attention;
	int extint;	  /* queued ExtINT vector, -1 if none */
	bool halted;	  /* left the run while in HLT */
	uint64_t mem_gen; /* dom->mem_gen the TLB was filled under */
};

/* TSC kHz measured once per process (hv_emu.c). */
extern uint32_t hv_emu_tsc_khz;

/* CPUID (hv_emu_cpuid.c): builds e->cpuid (0 or -errno) and answers the
 * interpreter's CPUID callback from it. */
int hv_emu_cpuid_build(struct hv_emu_vcpu *e);
void hv_emu_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf, uint32_t out[4]);

/* The guest-RAM fault guard (hv_emu_run.c): installs the SIGSEGV handler. */
int hv_emu_guard_init(void);

#endif
