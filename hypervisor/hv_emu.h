/* hv_emu.h: the software-CPU accelerator: the operations of hv_kvm.h for
 * a domain whose vCPUs run on Hospes's x86-64 interpreter (emu/emu.h)
 * instead of KVM. Only hv_kvm.c (dispatch) and hv_upcall_emu.c call it. */
#ifndef HOSPES_HV_EMU_H
#define HOSPES_HV_EMU_H

#include "hv.h"

/* Process-wide set-up: TSC calibration, the guest-RAM fault guard, upcall
 * delivery through the emulated APICs. 0 or -errno. */
int hv_emu_open(void);

int hv_emu_vm_create(struct hv_domain *d);
void hv_emu_vm_destroy(struct hv_domain *d);
int hv_emu_vcpu_create(struct hv_vcpu *v);
void hv_emu_vcpu_destroy(struct hv_vcpu *v);
int hv_emu_vcpu_boot(struct hv_vcpu *v, uint64_t entry, uint64_t start_info);
int hv_emu_vcpu_load_start(struct hv_vcpu *v, const struct kvm_regs *regs,
			   const struct kvm_sregs *sregs);
int hv_emu_vcpu_tsc(struct hv_vcpu *v, int64_t *offset, uint32_t *khz);
int hv_emu_signal_msi(struct hv_domain *d, unsigned apic_id, uint8_t vector);
int hv_emu_interrupt(struct hv_vcpu *v, uint8_t vector);
int hv_emu_run(struct hv_vcpu *v);

/* Makes v leave the interpreter (or its HLT) soon; any thread. */
void hv_emu_kick(struct hv_vcpu *v);

/* Upcall delivery through the emulated APICs (hv_upcall_emu.c). */
void hv_upcall_use_emu(void);

#endif
