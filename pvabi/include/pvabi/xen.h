/* xen.h: base types, hypercall numbers and the x86-64 hypercall convention.
 * Self-contained (only <stdint.h>), used by both guests and host programs.
 * Normative text: SPEC.md §3 "Hypercall convention". */
#ifndef PVABI_XEN_H
#define PVABI_XEN_H

#include <stdint.h>

/* A guest pointer inside an ABI structure. Guests see a real pointer; host
 * programs (built with PVABI_HOST) see an integer guest-virtual address so
 * that dereferencing one is a type error. Both are 8 bytes on x86-64. */
typedef uint64_t pvabi_gva_t;
typedef uint64_t pvabi_gpa_t;
#ifdef PVABI_HOST
#define PVABI_GUEST_HANDLE(type) pvabi_gva_t
#else
#define PVABI_GUEST_HANDLE(type) type *
#endif

typedef uint16_t domid_t;
typedef uint64_t xen_pfn_t;
typedef uint64_t xen_ulong_t;

#define DOMID_FIRST_RESERVED 0x7ff0u
#define DOMID_SELF 0x7ff0u

#define PVABI_PAGE_SHIFT 12
#define PVABI_PAGE_SIZE (1ul << PVABI_PAGE_SHIFT)

/* Hypercall numbers (Xen's __HYPERVISOR_*). Only the ones a PVH guest may
 * use are given names; every other number returns -ENOSYS. */
enum pvabi_hypercall_nr {
	HYPERCALL_memory_op = 12,
	HYPERCALL_multicall = 13,
	HYPERCALL_set_timer_op = 15,
	HYPERCALL_xen_version = 17,
	HYPERCALL_console_io = 18,
	HYPERCALL_grant_table_op = 20,
	HYPERCALL_vm_assist = 21,
	HYPERCALL_iret = 23, /* PV only: its page slot holds ud2 */
	HYPERCALL_vcpu_op = 24,
	HYPERCALL_mmuext_op = 26,
	HYPERCALL_sched_op = 29,
	HYPERCALL_event_channel_op = 32,
	HYPERCALL_physdev_op = 33,
	HYPERCALL_hvm_op = 34,
	HYPERCALL_sysctl = 35,
	HYPERCALL_domctl = 36,
};

/* x86-64 register convention (SPEC.md §3.1):
 *   number RAX; arguments RDI, RSI, RDX, R10, R8; result RAX (a negative
 *   value is -errno). The hypervisor changes only RAX; guests must still
 *   treat RDI, RSI, RDX, R10, R8 as clobbered, as on Xen. */
#define PVABI_HYPERCALL_MAX_ARGS 5

/* The hypercall page: 4096 bytes, 128 stubs of 32 bytes; stub n is at
 * offset n * 32 and is entered with `call`. */
#define PVABI_HYPERCALL_PAGE_STUBS 128u
#define PVABI_HYPERCALL_STUB_SIZE 32u

/* Hospes traps hypercalls with port I/O rather than vmcall (KVM keeps
 * vmcall for itself). Stub n is exactly:
 *   b8 <n:imm32>   mov $n, %eax
 *   e7 <port:imm8> out %eax, $PVABI_HYPERCALL_PORT
 *   c3             ret
 * and the rest of the slot is 0xcc. The slot of hypercall 23 (iret) holds
 * 0f 0b (ud2). A guest may also trap directly with the same `out`. */
#define PVABI_HYPERCALL_PORT 0xecu

/* Xen's debug console port: bytes written with outb appear on the domain's
 * console; inb returns 0xe9. */
#define PVABI_DEBUGCON_PORT 0xe9u

#endif
