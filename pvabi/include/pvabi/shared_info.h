/* shared_info.h: the shared_info page, vcpu_info and vcpu_time_info (x86-64
 * layout). Self-contained, used by both sides. SPEC.md §8 "Event channels"
 * (shared_info, vcpu_info, the 2-level algorithm). */
#ifndef PVABI_SHARED_INFO_H
#define PVABI_SHARED_INFO_H

#include <stdint.h>
#include "xen.h"

/* vCPUs 0..31 have a vcpu_info slot in shared_info until they register one
 * elsewhere (VCPUOP_register_vcpu_info). */
#define XEN_LEGACY_MAX_VCPUS 32

/* pvclock: written by the hypervisor with the version protocol (odd while
 * updating). All fields OUT (hypervisor -> guest). */
struct vcpu_time_info {
	uint32_t version;
	uint32_t pad0;
	uint64_t tsc_timestamp;     /* guest TSC at the last update */
	uint64_t system_time;       /* ns of system time at tsc_timestamp */
	uint32_t tsc_to_system_mul; /* 32.32 fixed point */
	int8_t tsc_shift;
	uint8_t flags;              /* XEN_PVCLOCK_* */
	uint8_t pad1[2];
};
_Static_assert(sizeof(struct vcpu_time_info) == 32, "vcpu_time_info");
_Static_assert(__builtin_offsetof(struct vcpu_time_info, tsc_timestamp) == 8, "tsc_timestamp");
_Static_assert(__builtin_offsetof(struct vcpu_time_info, system_time) == 16, "system_time");
_Static_assert(__builtin_offsetof(struct vcpu_time_info, tsc_to_system_mul) == 24, "mul");
_Static_assert(__builtin_offsetof(struct vcpu_time_info, tsc_shift) == 28, "shift");
_Static_assert(__builtin_offsetof(struct vcpu_time_info, flags) == 29, "flags");
#define XEN_PVCLOCK_TSC_STABLE_BIT (1u << 0)
#define XEN_PVCLOCK_GUEST_STOPPED (1u << 1)

struct arch_vcpu_info {
	uint64_t cr2; /* PV only */
	uint64_t pad;
};
_Static_assert(sizeof(struct arch_vcpu_info) == 16, "arch_vcpu_info");

/* Per-vCPU event state. evtchn_upcall_pending and evtchn_pending_sel are
 * set by the hypervisor with atomic operations and cleared by the guest
 * (pending first, then xchg the selector). */
struct vcpu_info {
	uint8_t evtchn_upcall_pending; /* IN-OUT */
	uint8_t evtchn_upcall_mask;    /* PV only; not consulted for vector delivery */
	uint8_t pad0[6];
	uint64_t evtchn_pending_sel;   /* IN-OUT: bit w = word w may have events */
	struct arch_vcpu_info arch;
	struct vcpu_time_info time;    /* OUT */
};
_Static_assert(sizeof(struct vcpu_info) == 64, "vcpu_info");
_Static_assert(__builtin_offsetof(struct vcpu_info, evtchn_upcall_mask) == 1, "upcall_mask");
_Static_assert(__builtin_offsetof(struct vcpu_info, evtchn_pending_sel) == 8, "pending_sel");
_Static_assert(__builtin_offsetof(struct vcpu_info, arch) == 16, "arch");
_Static_assert(__builtin_offsetof(struct vcpu_info, time) == 32, "time");

struct arch_shared_info {
	uint64_t max_pfn;                   /* PV only */
	uint64_t pfn_to_mfn_frame_list_list; /* PV only */
	uint64_t nmi_reason;
	uint64_t p2m_cr3;                   /* PV only */
	uint64_t p2m_vaddr;                 /* PV only */
	uint64_t p2m_generation;            /* PV only */
};
_Static_assert(sizeof(struct arch_shared_info) == 48, "arch_shared_info");

/* The shared_info frame (the page is 4 KiB; the structure 3136 bytes). */
struct shared_info {
	struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
	uint64_t evtchn_pending[64]; /* bit p % 64 of word p / 64: port p pending */
	uint64_t evtchn_mask[64];    /* same layout: port masked (guest-owned) */
	uint32_t wc_version;         /* wall clock: version protocol as vcpu_time_info */
	uint32_t wc_sec;             /* UTC at system time 0 (low 32 bits) */
	uint32_t wc_nsec;
	uint32_t wc_sec_hi;          /* high 32 bits of wc_sec (x86-64) */
	struct arch_shared_info arch;
};
_Static_assert(sizeof(struct shared_info) == 3136, "shared_info");
_Static_assert(__builtin_offsetof(struct shared_info, evtchn_pending) == 2048, "evtchn_pending");
_Static_assert(__builtin_offsetof(struct shared_info, evtchn_mask) == 2560, "evtchn_mask");
_Static_assert(__builtin_offsetof(struct shared_info, wc_version) == 3072, "wc_version");
_Static_assert(__builtin_offsetof(struct shared_info, wc_sec) == 3076, "wc_sec");
_Static_assert(__builtin_offsetof(struct shared_info, wc_nsec) == 3080, "wc_nsec");
_Static_assert(__builtin_offsetof(struct shared_info, wc_sec_hi) == 3084, "wc_sec_hi");
_Static_assert(__builtin_offsetof(struct shared_info, arch.max_pfn) == 3088, "max_pfn");
_Static_assert(__builtin_offsetof(struct shared_info, arch.pfn_to_mfn_frame_list_list) == 3096,
	       "pfn_to_mfn_frame_list_list");
_Static_assert(__builtin_offsetof(struct shared_info, arch.nmi_reason) == 3104, "nmi_reason");
_Static_assert(__builtin_offsetof(struct shared_info, arch.p2m_cr3) == 3112, "p2m_cr3");
_Static_assert(__builtin_offsetof(struct shared_info, arch.p2m_vaddr) == 3120, "p2m_vaddr");
_Static_assert(__builtin_offsetof(struct shared_info, arch.p2m_generation) == 3128,
	       "p2m_generation");

#endif
