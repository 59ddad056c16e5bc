/* hvm_op.h: hvm_op (hypercall 34) commands, HVM parameters, the callback
 * (upcall) encodings and the per-vCPU upcall vector. Self-contained, used
 * by both sides. SPEC.md §8.5 "hvm_op". */
#ifndef PVABI_HVM_OP_H
#define PVABI_HVM_OP_H

#include <stdint.h>
#include "xen.h"

/* RDI = command, RSI = argument pointer. */
#define HVMOP_set_param 0                /* struct xen_hvm_param, IN */
#define HVMOP_get_param 1                /* struct xen_hvm_param, IN-OUT */
#define HVMOP_flush_tlbs 5
#define HVMOP_pagetable_dying 9          /* struct xen_hvm_pagetable_dying (-ENOSYS) */
#define HVMOP_get_time 10                /* struct xen_hvm_get_time, OUT */
#define HVMOP_get_mem_type 15
#define HVMOP_set_evtchn_upcall_vector 23 /* struct xen_hvm_evtchn_upcall_vector, IN */

struct xen_hvm_param {
	domid_t domid;  /* IN: DOMID_SELF or own id */
	uint16_t pad;
	uint32_t index; /* IN: HVM_PARAM_* */
	uint64_t value; /* IN for set, OUT for get */
};
_Static_assert(sizeof(struct xen_hvm_param) == 16, "xen_hvm_param");
_Static_assert(__builtin_offsetof(struct xen_hvm_param, index) == 4, "index");
_Static_assert(__builtin_offsetof(struct xen_hvm_param, value) == 8, "value");

#define HVM_PARAM_CALLBACK_IRQ 0 /* guest-settable: upcall delivery (below) */
#define HVM_PARAM_STORE_PFN 1    /* xenstore ring frame (toolstack) */
#define HVM_PARAM_STORE_EVTCHN 2 /* xenstore port (toolstack) */
#define HVM_PARAM_PAE_ENABLED 4
#define HVM_PARAM_IOREQ_PFN 5
#define HVM_PARAM_BUFIOREQ_PFN 6
#define HVM_PARAM_VIRIDIAN 9
#define HVM_PARAM_TIMER_MODE 10
#define HVM_PARAM_HPET_ENABLED 11
#define HVM_PARAM_IDENT_PT 12
#define HVM_PARAM_DM_DOMAIN 13
#define HVM_PARAM_ACPI_S_STATE 14
#define HVM_PARAM_VM86_TSS 15
#define HVM_PARAM_VPT_ALIGN 16
#define HVM_PARAM_CONSOLE_PFN 17    /* PV console ring frame (toolstack) */
#define HVM_PARAM_CONSOLE_EVTCHN 18 /* PV console port (toolstack) */
#define HVM_PARAM_ACPI_IOPORTS_LOCATION 19
#define HVM_PARAM_NESTEDHVM 24
#define HVM_PARAM_BUFIOREQ_EVTCHN 26
#define HVM_PARAM_PAGING_RING_PFN 27
#define HVM_PARAM_MONITOR_RING_PFN 28
#define HVM_PARAM_SHARING_RING_PFN 29
#define HVM_PARAM_TRIPLE_FAULT_REASON 31
#define HVM_PARAM_IOREQ_SERVER_PFN 32
#define HVM_PARAM_NR_IOREQ_SERVER_PAGES 33
#define HVM_PARAM_VM_GENERATION_ID_ADDR 34
#define HVM_PARAM_ALTP2M 35
#define HVM_PARAM_X87_FIP_WIDTH 36
#define HVM_PARAM_VM86_TSS_SIZED 37
#define HVM_PARAM_MCA_CAP 38
#define HVM_NR_PARAMS 39

/* HVM_PARAM_CALLBACK_IRQ value: 0 = no delivery; else bits 63:56 = type. */
#define HVM_PARAM_CALLBACK_TYPE_SHIFT 56
#define HVM_PARAM_CALLBACK_TYPE_GSI 0     /* bits 55:0 = GSI (no delivery on Hospes) */
#define HVM_PARAM_CALLBACK_TYPE_PCI_INTX 1 /* (no delivery on Hospes) */
#define HVM_PARAM_CALLBACK_TYPE_VECTOR 2  /* bits 7:0 = IDT vector, no EOI */
#define HVM_PARAM_CALLBACK_VECTOR(v) \
	(((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << HVM_PARAM_CALLBACK_TYPE_SHIFT) | ((v) & 0xffu))

struct xen_hvm_evtchn_upcall_vector {
	uint32_t vcpu;  /* IN */
	uint8_t vector; /* IN: 0x10..0xff; the guest EOIs its local APIC */
	uint8_t pad[3];
};
_Static_assert(sizeof(struct xen_hvm_evtchn_upcall_vector) == 8, "upcall_vector");
_Static_assert(__builtin_offsetof(struct xen_hvm_evtchn_upcall_vector, vector) == 4, "vector");

struct xen_hvm_get_time {
	uint64_t now; /* OUT: system time in ns */
};
_Static_assert(sizeof(struct xen_hvm_get_time) == 8, "get_time");

struct xen_hvm_pagetable_dying {
	domid_t domid; /* IN */
	uint16_t pad[3];
	uint64_t gpa; /* IN */
};
_Static_assert(sizeof(struct xen_hvm_pagetable_dying) == 16, "pagetable_dying");

#endif
