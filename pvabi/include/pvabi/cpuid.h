/* cpuid.h: hypervisor discovery through CPUID leaves 0x40000000+ and the
 * MSR that installs the hypercall page. Self-contained, used by both sides.
 * SPEC.md §2 "Discovery". */
#ifndef PVABI_CPUID_H
#define PVABI_CPUID_H

/* Guests scan 0x40000000..0x4000ff00 in steps of 0x100 for the signature,
 * requiring EAX - base >= 2. Hospes answers at the first base. */
#define XEN_CPUID_FIRST_BASE 0x40000000u
#define XEN_CPUID_LAST_BASE 0x4000ff00u
#define XEN_CPUID_BASE_STEP 0x100u

/* base + 0: EAX = highest leaf; EBX:ECX:EDX = "XenVMMXenVMM". */
#define XEN_CPUID_SIGNATURE_EBX 0x566e6558u /* "XenV" */
#define XEN_CPUID_SIGNATURE_ECX 0x65584d4du /* "MMXe" */
#define XEN_CPUID_SIGNATURE_EDX 0x4d4d566eu /* "nVMM" */
#define XEN_CPUID_MAX_NUM_LEAVES 5u

/* base + 1: EAX = (major << 16) | minor. */
#define XEN_CPUID_LEAF_VERSION 1u
/* base + 2: EAX = hypercall pages (1), EBX = MSR index, ECX = features. */
#define XEN_CPUID_LEAF_HYPERCALL 2u
/* base + 3: time leaf; subleaf 0: ECX = guest TSC kHz; subleaf 2: EAX =
 * host TSC kHz. */
#define XEN_CPUID_LEAF_TIME 3u
/* base + 4: HVM leaf, subleaf 0: EAX flags, EBX vcpu id, ECX domid. */
#define XEN_CPUID_LEAF_HVM 4u
#define XEN_HVM_CPUID_APIC_ACCESS_VIRT (1u << 0)
#define XEN_HVM_CPUID_X2APIC_VIRT (1u << 1)
#define XEN_HVM_CPUID_IOMMU_MAPPINGS (1u << 2)
#define XEN_HVM_CPUID_VCPU_ID_PRESENT (1u << 3)
#define XEN_HVM_CPUID_DOMID_PRESENT (1u << 4)
#define XEN_HVM_CPUID_EXT_DEST_ID (1u << 5)
#define XEN_HVM_CPUID_UPCALL_VECTOR (1u << 6)
/* base + 5: PV only, all zero. */

/* The hypercall-page MSR (index from base + 2 EBX). Writing GPA | index
 * installs the page; index must be 0 and the GPA a RAM page of the domain,
 * else #GP. Reading returns 0. */
#define XEN_HYPERCALL_MSR 0x40000000u

#endif
