/* vcpu.h: vcpu_op (hypercall 24) commands and argument structures, including
 * the PVH vCPU start state (vcpu_hvm_context). Self-contained, used by both
 * sides. Normative text: SPEC.md §10. */
#ifndef PVABI_VCPU_H
#define PVABI_VCPU_H

#include <stdint.h>
#include "xen.h"

/* RDI = command, RSI = vCPU id, RDX = argument (guest pointer or NULL). */
#define VCPUOP_initialise 0                     /* struct vcpu_hvm_context, IN */
#define VCPUOP_up 1                             /* NULL */
#define VCPUOP_down 2                           /* NULL */
#define VCPUOP_is_up 3                          /* NULL; returns 1 or 0 */
#define VCPUOP_get_runstate_info 4              /* struct vcpu_runstate_info, OUT */
#define VCPUOP_register_runstate_memory_area 5  /* struct vcpu_register_runstate_memory_area */
#define VCPUOP_set_periodic_timer 6             /* struct vcpu_set_periodic_timer, IN */
#define VCPUOP_stop_periodic_timer 7            /* NULL */
#define VCPUOP_set_singleshot_timer 8           /* struct vcpu_set_singleshot_timer, IN */
#define VCPUOP_stop_singleshot_timer 9          /* NULL */
#define VCPUOP_register_vcpu_info 10            /* struct vcpu_register_vcpu_info, IN */
#define VCPUOP_send_nmi 11                      /* NULL */
#define VCPUOP_get_physid 12                    /* struct vcpu_get_physid; privileged */
#define VCPUOP_register_vcpu_time_memory_area 13 /* struct vcpu_register_time_memory_area */
#define VCPUOP_MAX 13

/* ---- VCPUOP_initialise: the start state of an offline vCPU ---- */

/* 32-bit start state. Segment attributes (*_ar) use the packed 12-bit
 * descriptor format: bits 0-3 type, 4 S, 5-6 DPL, 7 P, 8 AVL, 9 L, 10 D/B,
 * 11 G; bits 12-15 must be 0. A segment whose P bit is 0 is not loaded
 * (only DS and ES may be absent). All fields IN. */
struct vcpu_hvm_x86_32 {
	uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi, eip, eflags;
	uint32_t cr0, cr3, cr4;
	uint32_t pad1;
	uint64_t efer;
	uint32_t cs_base, ds_base, ss_base, es_base, tr_base;
	uint32_t cs_limit, ds_limit, ss_limit, es_limit, tr_limit;
	uint16_t cs_ar, ds_ar, ss_ar, es_ar, tr_ar;
	uint16_t pad2[3];
};
_Static_assert(sizeof(struct vcpu_hvm_x86_32) == 120, "vcpu_hvm_x86_32");
_Static_assert(__builtin_offsetof(struct vcpu_hvm_x86_32, eflags) == 36, "eflags");
_Static_assert(__builtin_offsetof(struct vcpu_hvm_x86_32, cr0) == 40, "cr0");
_Static_assert(__builtin_offsetof(struct vcpu_hvm_x86_32, efer) == 56, "efer");
_Static_assert(__builtin_offsetof(struct vcpu_hvm_x86_32, cs_base) == 64, "cs_base");
_Static_assert(__builtin_offsetof(struct vcpu_hvm_x86_32, cs_limit) == 84, "cs_limit");
_Static_assert(__builtin_offsetof(struct vcpu_hvm_x86_32, cs_ar) == 104, "cs_ar");
_Static_assert(__builtin_offsetof(struct vcpu_hvm_x86_32, tr_ar) == 112, "tr_ar");

/* 64-bit start state: the vCPU starts in long mode with flat segments
 * (CS 64-bit code, DS/ES/SS flat data, all base 0, TR a 64-bit busy TSS at
 * base 0, limit 0x67), GDTR/IDTR empty: the vCPU must load its own before
 * reloading a segment or taking an exception. All fields IN. */
struct vcpu_hvm_x86_64 {
	uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, rip, rflags;
	uint64_t cr0, cr3, cr4, efer;
};
_Static_assert(sizeof(struct vcpu_hvm_x86_64) == 112, "vcpu_hvm_x86_64");
_Static_assert(__builtin_offsetof(struct vcpu_hvm_x86_64, rip) == 64, "rip");
_Static_assert(__builtin_offsetof(struct vcpu_hvm_x86_64, cr0) == 80, "cr0");
_Static_assert(__builtin_offsetof(struct vcpu_hvm_x86_64, efer) == 104, "efer");

#define VCPU_HVM_MODE_32B 0
#define VCPU_HVM_MODE_64B 1

struct vcpu_hvm_context {
	uint32_t mode; /* IN: VCPU_HVM_MODE_* */
	uint32_t pad;  /* IN: must be 0 */
	union {
		struct vcpu_hvm_x86_32 x86_32;
		struct vcpu_hvm_x86_64 x86_64;
	} cpu_regs;
};
_Static_assert(sizeof(struct vcpu_hvm_context) == 128, "vcpu_hvm_context");
_Static_assert(__builtin_offsetof(struct vcpu_hvm_context, cpu_regs) == 8, "cpu_regs");

/* ---- runstate ---- */

#define RUNSTATE_running 0
#define RUNSTATE_runnable 1
#define RUNSTATE_blocked 2
#define RUNSTATE_offline 3

struct vcpu_runstate_info {
	int32_t state;             /* OUT: RUNSTATE_* */
	uint32_t pad;
	uint64_t state_entry_time; /* OUT: system time (ns) of the last change */
	uint64_t time[4];          /* OUT: ns spent in each RUNSTATE_* */
};
_Static_assert(sizeof(struct vcpu_runstate_info) == 48, "vcpu_runstate_info");
_Static_assert(__builtin_offsetof(struct vcpu_runstate_info, time) == 16, "time");

struct vcpu_register_runstate_memory_area {
	PVABI_GUEST_HANDLE(struct vcpu_runstate_info) addr; /* IN: guest-virtual */
};
_Static_assert(sizeof(struct vcpu_register_runstate_memory_area) == 8, "runstate_area");

/* ---- timers ---- */

struct vcpu_set_periodic_timer {
	uint64_t period_ns; /* IN */
};
_Static_assert(sizeof(struct vcpu_set_periodic_timer) == 8, "set_periodic_timer");

#define VCPU_SSHOTTMR_future (1u << 0) /* -ETIME if the timeout has passed */

struct vcpu_set_singleshot_timer {
	uint64_t timeout_abs_ns; /* IN: absolute system time */
	uint32_t flags;          /* IN: VCPU_SSHOTTMR_* */
	uint32_t pad;
};
_Static_assert(sizeof(struct vcpu_set_singleshot_timer) == 16, "set_singleshot_timer");
_Static_assert(__builtin_offsetof(struct vcpu_set_singleshot_timer, flags) == 8, "flags");

/* ---- vcpu_info placement ---- */

struct vcpu_register_vcpu_info {
	uint64_t mfn;    /* IN: guest frame (a GFN on PVH) */
	uint32_t offset; /* IN: byte offset; the 64-byte vcpu_info must fit in the page */
	uint32_t rsvd;   /* IN: must be 0 */
};
_Static_assert(sizeof(struct vcpu_register_vcpu_info) == 16, "register_vcpu_info");
_Static_assert(__builtin_offsetof(struct vcpu_register_vcpu_info, offset) == 8, "offset");

struct vcpu_get_physid {
	uint64_t phys_id; /* OUT */
};
_Static_assert(sizeof(struct vcpu_get_physid) == 8, "get_physid");

struct vcpu_register_time_memory_area {
	pvabi_gva_t addr; /* IN: guest-virtual address of a vcpu_time_info */
};
_Static_assert(sizeof(struct vcpu_register_time_memory_area) == 8, "time_area");

#endif
