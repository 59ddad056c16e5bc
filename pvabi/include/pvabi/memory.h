/* memory.h: memory_op (hypercall 12) sub-ops, reservations, the memory map
 * and add_to_physmap. Self-contained, used by both sides. SPEC.md §11. */
#ifndef PVABI_MEMORY_H
#define PVABI_MEMORY_H

#include <stdint.h>
#include "xen.h"

/* RDI = sub-op, RSI = argument. Only the low 6 bits select the sub-op; the
 * bits above carry Xen's internal continuation index and must be 0. */
#define XENMEM_increase_reservation 0  /* struct xen_memory_reservation */
#define XENMEM_decrease_reservation 1  /* struct xen_memory_reservation */
#define XENMEM_maximum_ram_page 2      /* no argument */
#define XENMEM_current_reservation 3   /* domid_t *, IN */
#define XENMEM_maximum_reservation 4   /* domid_t *, IN */
#define XENMEM_machphys_mfn_list 5     /* PV only */
#define XENMEM_populate_physmap 6      /* struct xen_memory_reservation */
#define XENMEM_add_to_physmap 7        /* struct xen_add_to_physmap */
#define XENMEM_memory_map 9            /* struct xen_memory_map, IN-OUT */
#define XENMEM_machine_memory_map 10   /* struct xen_memory_map; privileged */
#define XENMEM_exchange 11
#define XENMEM_machphys_mapping 12     /* refused for PVH: -ENOSYS */
#define XENMEM_set_memory_map 13       /* toolstack */
#define XENMEM_maximum_gpfn 14         /* domid_t *, IN */
#define XENMEM_remove_from_physmap 15
#define XENMEM_set_pod_target 16
#define XENMEM_get_pod_target 17
#define XENMEM_add_to_physmap_batch 23
#define XENMEM_claim_pages 24
#define XENMEM_machphys_compat_mfn_list 25
#define XENMEM_get_vnumainfo 26
#define XENMEM_reserved_device_memory_map 27
#define XENMEM_acquire_resource 28

#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK ((1u << MEMOP_EXTENT_SHIFT) - 1)

/* mem_flags of a reservation. */
#define XENMEMF_address_bits(x) (x)           /* bits 0-7, 0 = any */
#define XENMEMF_get_address_bits(x) ((x) & 0xffu)
#define XENMEMF_node(x) (((x) + 1) << 8)      /* bits 8-15: NUMA node + 1 */
#define XENMEMF_populate_on_demand (1u << 16)
#define XENMEMF_exact_node_request (1u << 17)
#define XENMEMF_vnode (1u << 18)

/* increase/decrease_reservation and populate_physmap. The hypercall
 * returns the number of extents processed; a short count means the extent
 * at that index failed. */
struct xen_memory_reservation {
	/* IN (decrease, populate): guest frame numbers, each the first of an
	 * aligned 2^extent_order run. OUT (increase): frames allocated. */
	PVABI_GUEST_HANDLE(xen_pfn_t) extent_start;
	xen_ulong_t nr_extents; /* IN: entries in extent_start */
	uint32_t extent_order;  /* IN: log2 pages per extent (Hospes: 0 or 9) */
	uint32_t mem_flags;     /* IN: XENMEMF_* */
	domid_t domid;          /* IN: DOMID_SELF or the caller's own id */
	uint16_t pad[3];
};
_Static_assert(sizeof(struct xen_memory_reservation) == 32, "reservation");
_Static_assert(__builtin_offsetof(struct xen_memory_reservation, nr_extents) == 8, "nr_extents");
_Static_assert(__builtin_offsetof(struct xen_memory_reservation, extent_order) == 16, "order");
_Static_assert(__builtin_offsetof(struct xen_memory_reservation, mem_flags) == 20, "mem_flags");
_Static_assert(__builtin_offsetof(struct xen_memory_reservation, domid) == 24, "domid");

/* One entry of the memory map: 20 bytes, packed, as in the e820 table. */
struct xen_e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type; /* 1 RAM, 2 reserved, 3 ACPI, 4 NVS, 5 unusable */
} __attribute__((packed));
_Static_assert(sizeof(struct xen_e820_entry) == 20, "e820 entry");
_Static_assert(__builtin_offsetof(struct xen_e820_entry, type) == 16, "e820 type");

#define XEN_E820_RAM 1
#define XEN_E820_RESERVED 2

/* XENMEM_memory_map: the domain's map, the same as in hvm_start_info. */
struct xen_memory_map {
	uint32_t nr_entries; /* IN: capacity of buffer; OUT: entries written */
	uint32_t pad;
	PVABI_GUEST_HANDLE(struct xen_e820_entry) buffer; /* OUT */
};
_Static_assert(sizeof(struct xen_memory_map) == 16, "memory_map");
_Static_assert(__builtin_offsetof(struct xen_memory_map, buffer) == 8, "buffer");

/* XENMEM_add_to_physmap: map a hypervisor page at a guest frame. */
#define XENMAPSPACE_shared_info 0  /* idx must be 0 */
#define XENMAPSPACE_grant_table 1  /* idx = grant frame; | status flag */
#define XENMAPSPACE_gmfn 2
#define XENMAPSPACE_gmfn_range 3
#define XENMAPSPACE_gmfn_foreign 4
#define XENMAPSPACE_dev_mmio 5
#define XENMAPIDX_grant_table_status 0x80000000u

struct xen_add_to_physmap {
	domid_t domid;  /* IN: DOMID_SELF */
	uint16_t size;  /* IN: pages, XENMAPSPACE_gmfn_range only */
	uint32_t space; /* IN: XENMAPSPACE_* */
	xen_ulong_t idx; /* IN: index within the space */
	xen_pfn_t gpfn;  /* IN: guest frame to map it at */
};
_Static_assert(sizeof(struct xen_add_to_physmap) == 24, "add_to_physmap");
_Static_assert(__builtin_offsetof(struct xen_add_to_physmap, space) == 4, "space");
_Static_assert(__builtin_offsetof(struct xen_add_to_physmap, idx) == 8, "idx");
_Static_assert(__builtin_offsetof(struct xen_add_to_physmap, gpfn) == 16, "gpfn");

/* XENMEM_remove_from_physmap. */
struct xen_remove_from_physmap {
	domid_t domid; /* IN */
	uint16_t pad[3];
	xen_pfn_t gpfn; /* IN */
};
_Static_assert(sizeof(struct xen_remove_from_physmap) == 16, "remove_from_physmap");

#endif
