/* version.h: xen_version (hypercall 17) sub-ops, buffers and XENFEAT bits.
 * Self-contained, used by both guests and host programs. SPEC.md §5. */
#ifndef PVABI_VERSION_H
#define PVABI_VERSION_H

#include <stdint.h>
#include "xen.h"

/* RDI = sub-op, RSI = buffer (guest pointer, OUT unless noted). */
#define XENVER_version 0            /* NULL; returns (major << 16) | minor */
#define XENVER_extraversion 1       /* char[16] */
#define XENVER_compile_info 2       /* struct xen_compile_info */
#define XENVER_capabilities 3       /* char[1024] */
#define XENVER_changeset 4          /* char[64] */
#define XENVER_platform_parameters 5 /* struct xen_platform_parameters */
#define XENVER_get_features 6       /* struct xen_feature_info, IN-OUT */
#define XENVER_pagesize 7           /* NULL; returns 4096 */
#define XENVER_guest_handle 8       /* uint8_t[16] */
#define XENVER_commandline 9        /* char[1024]; privileged */
#define XENVER_build_id 10          /* struct xen_build_id; privileged */

#define XEN_EXTRAVERSION_LEN 16
#define XEN_CAPABILITIES_INFO_LEN 1024
#define XEN_CHANGESET_INFO_LEN 64
#define XEN_GUEST_HANDLE_LEN 16
#define XEN_COMMANDLINE_LEN 1024

struct xen_compile_info {
	char compiler[64];       /* OUT */
	char compile_by[16];     /* OUT */
	char compile_domain[32]; /* OUT */
	char compile_date[32];   /* OUT */
};
_Static_assert(sizeof(struct xen_compile_info) == 144, "compile_info");

struct xen_platform_parameters {
	xen_ulong_t virt_start; /* OUT */
};
_Static_assert(sizeof(struct xen_platform_parameters) == 8, "platform_parameters");

struct xen_feature_info {
	uint32_t submap_idx; /* IN: 32-bit word index; only 0 exists */
	uint32_t submap;     /* OUT: XENFEAT bits of that word */
};
_Static_assert(sizeof(struct xen_feature_info) == 8, "feature_info");
_Static_assert(__builtin_offsetof(struct xen_feature_info, submap) == 4, "submap");

struct xen_build_id {
	uint32_t len; /* IN: buffer size; OUT: bytes written */
	uint8_t buf[];
};

#define XENFEAT_NR_SUBMAPS 1

#define XENFEAT_writable_page_tables 0
#define XENFEAT_writable_descriptor_tables 1
#define XENFEAT_auto_translated_physmap 2
#define XENFEAT_supervisor_mode_kernel 3
#define XENFEAT_pae_pgdir_above_4gb 4
#define XENFEAT_mmu_pt_update_preserve_ad 5
#define XENFEAT_highmem_assist 6
#define XENFEAT_gnttab_map_avail_bits 7
#define XENFEAT_hvm_callback_vector 8
#define XENFEAT_hvm_safe_pvclock 9
#define XENFEAT_hvm_pirqs 10
#define XENFEAT_dom0 11
#define XENFEAT_memory_op_vnode_supported 13
#define XENFEAT_not_direct_mapped 16
#define XENFEAT_direct_mapped 17

/* Hypervisor virtual-address start reported by platform_parameters. */
#define XEN_HYPERVISOR_VIRT_START 0xffff800000000000ull

#endif
