/* kvm_floor.h: modes of the kvm_floor benchmark program. */
#ifndef KVM_FLOOR_H
#define KVM_FLOOR_H

#include <linux/kvm.h>

/* 64-bit flat code/data segments and paging from the PML4 at pml4. */
void kvm_floor_long_mode(struct kvm_sregs *s, unsigned long pml4);
/* kvm_floor_irqfd.c: the event round-trip floor; returns the exit status. */
int kvm_floor_irqfd(unsigned long n);

#endif
