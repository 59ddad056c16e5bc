/* grant_table.h: grant_table_op (hypercall 20): sub-op numbers, the op
 * structures, v1 grant entries and their flag protocol, GNTMAP_* / GNTST_*
 * / GNTCOPY_* values. Self-contained, used by both sides. SPEC.md §14. */
#ifndef PVABI_GRANT_TABLE_H
#define PVABI_GRANT_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "xen.h"

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;

/* RDI = cmd, RSI = array of the cmd's struct, RDX = count. Returns 0 when
 * the array was processed (per-entry results in each status field) or a
 * negative errno for the call as a whole. */
#define GNTTABOP_map_grant_ref 0
#define GNTTABOP_unmap_grant_ref 1
#define GNTTABOP_setup_table 2
#define GNTTABOP_dump_table 3
#define GNTTABOP_transfer 4
#define GNTTABOP_copy 5
#define GNTTABOP_query_size 6
#define GNTTABOP_unmap_and_replace 7
#define GNTTABOP_set_version 8
#define GNTTABOP_get_status_frames 9
#define GNTTABOP_get_version 10
#define GNTTABOP_swap_grant_ref 11
#define GNTTABOP_cache_flush 12

/* ---- v1 grant entries: 8 bytes, 512 per 4 KiB frame ---- */

struct grant_entry_v1 {
	uint16_t flags; /* GTF_*: written by the granter; reading/writing by the hypervisor */
	domid_t domid;  /* domain allowed to use the grant */
	uint32_t frame; /* granted guest frame number */
};
_Static_assert(sizeof(struct grant_entry_v1) == 8, "grant_entry_v1");
_Static_assert(offsetof(struct grant_entry_v1, domid) == 2, "domid");
_Static_assert(offsetof(struct grant_entry_v1, frame) == 4, "frame");

#define GNTTAB_ENTRIES_PER_FRAME 512
#define GNTTAB_NR_RESERVED_ENTRIES 8 /* refs 0-7: toolstack use */
#define GNTTAB_RESERVED_CONSOLE 0
#define GNTTAB_RESERVED_XENSTORE 1

/* flags: type in bits 1:0, then modifiers. */
#define GTF_invalid 0u
#define GTF_permit_access 1u
#define GTF_accept_transfer 2u
#define GTF_transitive 3u /* v2 only */
#define GTF_type_mask 3u
#define GTF_readonly (1u << 2)
#define GTF_reading (1u << 3) /* hypervisor: peer has it mapped/copying for read */
#define GTF_writing (1u << 4) /* hypervisor: peer has it mapped/copying for write */
#define GTF_PWT (1u << 5)
#define GTF_PCD (1u << 6)
#define GTF_PAT (1u << 7)
#define GTF_sub_page (1u << 8)
#define GTF_transfer_committed (1u << 2)
#define GTF_transfer_completed (1u << 3)

/* ---- map / unmap ---- */

#define GNTMAP_device_map (1u << 0)
#define GNTMAP_host_map (1u << 1)
#define GNTMAP_readonly (1u << 2)
#define GNTMAP_application_map (1u << 3)
#define GNTMAP_contains_pte (1u << 4)
#define GNTMAP_guest_avail0 (1u << 16) /* bits 16-31: ignored */

struct gnttab_map_grant_ref {
	uint64_t host_addr;    /* IN: GPA (page aligned) to map the frame at */
	uint32_t flags;        /* IN: GNTMAP_* */
	grant_ref_t ref;       /* IN: ref in the granter's table */
	domid_t dom;           /* IN: granting domain */
	int16_t status;        /* OUT: GNTST_* */
	grant_handle_t handle; /* OUT: for unmap */
	uint64_t dev_bus_addr; /* OUT: GNTMAP_device_map only */
};
_Static_assert(sizeof(struct gnttab_map_grant_ref) == 32, "map_grant_ref");
_Static_assert(offsetof(struct gnttab_map_grant_ref, flags) == 8, "flags");
_Static_assert(offsetof(struct gnttab_map_grant_ref, ref) == 12, "ref");
_Static_assert(offsetof(struct gnttab_map_grant_ref, dom) == 16, "dom");
_Static_assert(offsetof(struct gnttab_map_grant_ref, status) == 18, "status");
_Static_assert(offsetof(struct gnttab_map_grant_ref, handle) == 20, "handle");
_Static_assert(offsetof(struct gnttab_map_grant_ref, dev_bus_addr) == 24, "dev_bus_addr");

struct gnttab_unmap_grant_ref {
	uint64_t host_addr;    /* IN: the GPA given to map */
	uint64_t dev_bus_addr; /* IN: ignored for host maps */
	grant_handle_t handle; /* IN */
	int16_t status;        /* OUT */
	uint16_t pad;
};
_Static_assert(sizeof(struct gnttab_unmap_grant_ref) == 24, "unmap_grant_ref");
_Static_assert(offsetof(struct gnttab_unmap_grant_ref, handle) == 16, "handle");
_Static_assert(offsetof(struct gnttab_unmap_grant_ref, status) == 20, "status");

/* ---- table management ---- */

struct gnttab_setup_table {
	domid_t dom;        /* IN: DOMID_SELF */
	uint16_t pad0;
	uint32_t nr_frames; /* IN */
	int16_t status;     /* OUT */
	uint16_t pad1[3];
	PVABI_GUEST_HANDLE(uint64_t) frame_list; /* OUT: nr_frames entries */
};
_Static_assert(sizeof(struct gnttab_setup_table) == 24, "setup_table");
_Static_assert(offsetof(struct gnttab_setup_table, nr_frames) == 4, "nr_frames");
_Static_assert(offsetof(struct gnttab_setup_table, status) == 8, "status");
_Static_assert(offsetof(struct gnttab_setup_table, frame_list) == 16, "frame_list");

struct gnttab_query_size {
	domid_t dom;            /* IN: DOMID_SELF */
	uint16_t pad0;
	uint32_t nr_frames;     /* OUT: frames in use */
	uint32_t max_nr_frames; /* OUT: the limit */
	int16_t status;         /* OUT */
	uint16_t pad1;
};
_Static_assert(sizeof(struct gnttab_query_size) == 16, "query_size");
_Static_assert(offsetof(struct gnttab_query_size, nr_frames) == 4, "nr_frames");
_Static_assert(offsetof(struct gnttab_query_size, max_nr_frames) == 8, "max");
_Static_assert(offsetof(struct gnttab_query_size, status) == 12, "status");

struct gnttab_set_version {
	uint32_t version; /* IN: 1 (Hospes: 2 is refused); OUT: the version now */
};
_Static_assert(sizeof(struct gnttab_set_version) == 4, "set_version");

struct gnttab_get_version {
	domid_t dom;      /* IN: DOMID_SELF */
	uint16_t pad;
	uint32_t version; /* OUT */
};
_Static_assert(sizeof(struct gnttab_get_version) == 8, "get_version");
_Static_assert(offsetof(struct gnttab_get_version, version) == 4, "version");

struct gnttab_swap_grant_ref {
	grant_ref_t ref_a; /* IN */
	grant_ref_t ref_b; /* IN */
	int16_t status;    /* OUT */
	uint16_t pad;
};
_Static_assert(sizeof(struct gnttab_swap_grant_ref) == 12, "swap_grant_ref");
_Static_assert(offsetof(struct gnttab_swap_grant_ref, status) == 8, "status");

struct gnttab_transfer {
	xen_pfn_t mfn;   /* IN */
	domid_t domid;   /* IN */
	uint16_t pad0;
	grant_ref_t ref; /* IN */
	int16_t status;  /* OUT */
	uint16_t pad1[3];
};
_Static_assert(sizeof(struct gnttab_transfer) == 24, "transfer");
_Static_assert(offsetof(struct gnttab_transfer, domid) == 8, "domid");
_Static_assert(offsetof(struct gnttab_transfer, ref) == 12, "ref");
_Static_assert(offsetof(struct gnttab_transfer, status) == 16, "status");

struct gnttab_dump_table {
	domid_t dom;    /* IN */
	int16_t status; /* OUT */
};
_Static_assert(sizeof(struct gnttab_dump_table) == 4, "dump_table");

struct gnttab_get_status_frames {
	uint32_t nr_frames; /* IN */
	domid_t dom;        /* IN */
	int16_t status;     /* OUT */
	PVABI_GUEST_HANDLE(uint64_t) frame_list; /* OUT */
};
_Static_assert(sizeof(struct gnttab_get_status_frames) == 16, "get_status_frames");
_Static_assert(offsetof(struct gnttab_get_status_frames, frame_list) == 8, "frame_list");

/* ---- copy ---- */

#define GNTCOPY_source_gref (1u << 0) /* source.u is a grant ref, else a GFN */
#define GNTCOPY_dest_gref (1u << 1)   /* dest.u likewise */

struct gnttab_copy_ptr {
	union {
		grant_ref_t ref;
		xen_pfn_t gmfn;
	} u;            /* IN: grant ref or GFN (see flags) */
	domid_t domid;  /* IN: the ref's granter, or DOMID_SELF for a GFN */
	uint16_t offset; /* IN: byte offset in the page */
	uint32_t pad;
};
_Static_assert(sizeof(struct gnttab_copy_ptr) == 16, "copy ptr");
_Static_assert(offsetof(struct gnttab_copy_ptr, domid) == 8, "domid");
_Static_assert(offsetof(struct gnttab_copy_ptr, offset) == 10, "offset");

struct gnttab_copy {
	struct gnttab_copy_ptr source; /* IN */
	struct gnttab_copy_ptr dest;   /* IN */
	uint16_t len;   /* IN: bytes; neither side may cross its page */
	uint16_t flags; /* IN: GNTCOPY_* */
	int16_t status; /* OUT */
	uint16_t pad;
};
_Static_assert(sizeof(struct gnttab_copy) == 40, "copy");
_Static_assert(offsetof(struct gnttab_copy, dest) == 16, "dest");
_Static_assert(offsetof(struct gnttab_copy, len) == 32, "len");
_Static_assert(offsetof(struct gnttab_copy, flags) == 34, "flags");
_Static_assert(offsetof(struct gnttab_copy, status) == 36, "status");

/* ---- per-entry status codes ---- */

#define GNTST_okay 0
#define GNTST_general_error (-1)
#define GNTST_bad_domain (-2)
#define GNTST_bad_gntref (-3)
#define GNTST_bad_handle (-4)
#define GNTST_bad_virt_addr (-5)
#define GNTST_bad_dev_addr (-6)
#define GNTST_no_device_space (-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page (-9)
#define GNTST_bad_copy_arg (-10)
#define GNTST_address_too_big (-11)
#define GNTST_eagain (-12)
#define GNTST_no_space (-13)

#endif
