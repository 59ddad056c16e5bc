/* hv_kvm.h: the KVM layer; hv_kvm.c is the only file issuing KVM ioctls. */
#ifndef HOSPES_HV_KVM_H
#define HOSPES_HV_KVM_H

#include "hv.h"

/* Opens /dev/kvm and checks the API version and the capabilities we need.
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

/* One KVM_RUN; 0 or -errno (-EINTR when kicked). */
int hv_kvm_run(struct hv_vcpu *v);

/* Reads the vCPU state into v->regs / v->sregs (slow path). 0 or -errno. */
int hv_kvm_refresh_state(struct hv_vcpu *v);

#endif
