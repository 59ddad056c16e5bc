/* hv_kvm.h: the KVM layer; hv_kvm.c is the only file issuing KVM ioctls. */
#ifndef HOSPES_HV_KVM_H
#define HOSPES_HV_KVM_H

#include "hv.h"

/* The accelerator: KVM, the software CPU (hv_emu.c), or AUTO (KVM when
 * /dev/kvm opens, else the software CPU). Default AUTO; call before
 * hv_kvm_open. hv_accel_parse: "auto", "kvm" or "emu"; 0 or -EINVAL. */
void hv_accel_request(enum hv_accel a);
int hv_accel_parse(const char *s, enum hv_accel *a);
/* The accelerator hv_kvm_open chose (KVM or EMU). */
enum hv_accel hv_accel_current(void);

/* Opens /dev/kvm and checks the API version and the capabilities we need,
 * or sets up the software CPU (see hv_accel_request). Every operation
 * below then dispatches on the domain's accelerator (d->accel).
 * Returns 0 or -errno (message logged). */
int hv_kvm_open(void);
void hv_kvm_close(void);

/* VM with the domain's RAM as memslots and hypercall-MSR exits enabled. */
int hv_kvm_vm_create(struct hv_domain *d);
void hv_kvm_vm_destroy(struct hv_domain *d);

/* vCPU fd, its kvm_run (regs/sregs synced there on every exit) and the
 * CPUID table with the Xen leaves. */
int hv_kvm_vcpu_create(struct hv_vcpu *v);
void hv_kvm_vcpu_destroy(struct hv_vcpu *v);

/* PVH entry state: 32-bit flat protected mode, paging off, RIP = entry,
 * RBX = start_info. */
int hv_kvm_vcpu_boot(struct hv_vcpu *v, uint64_t entry, uint64_t start_info);

/* Loads a VCPUOP_initialise start state (segments, control registers,
 * EFER, GDTR/IDTR from sregs; the APIC base stays) and makes the vCPU
 * runnable: with an in-kernel LAPIC an AP would otherwise wait for
 * INIT/SIPI. Call on the vCPU's own thread. */
int hv_kvm_vcpu_load_start(struct hv_vcpu *v, const struct kvm_regs *regs,
			   const struct kvm_sregs *sregs);

/* Time: the vCPU's TSC offset (guest TSC = host TSC + offset) and TSC
 * frequency (0 if KVM does not say). 0 or -errno. */
int hv_kvm_vcpu_tsc(struct hv_vcpu *v, int64_t *offset, uint32_t *khz);

/* Events: an MSI (fixed, edge) with vector to APIC id apic_id (any
 * thread): > 0 accepted, 0 refused by the APIC (software-disabled), or
 * -errno; and an ExtINT with vector queued on v (v's own thread; -EEXIST
 * while one is still pending): 0 or -errno. */
int hv_kvm_signal_msi(struct hv_domain *d, unsigned apic_id, uint8_t vector);
int hv_kvm_interrupt(struct hv_vcpu *v, uint8_t vector);

/* One KVM_RUN; 0 or -errno (-EINTR when kicked). */
int hv_kvm_run(struct hv_vcpu *v);

/* Reads the vCPU state into v->regs / v->sregs (slow path). 0 or -errno. */
int hv_kvm_refresh_state(struct hv_vcpu *v);

#endif
