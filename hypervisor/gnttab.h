/* gnttab.h: grant tables v1 (SPEC.md §14): each domain's table (host pages
 * the guest maps with add_to_physmap), the in-use accounting of its entries
 * (pins), and the active mappings a grantee (a domain or a control
 * connection acting as dom0) holds. Ops return GNTST_* statuses. */
#ifndef HOSPES_GNTTAB_H
#define HOSPES_GNTTAB_H

#include <stdbool.h>
#include <stdint.h>

#include <pvabi/grant_table.h>

#include "hv.h"

#define GNTTAB_DEFAULT_MAX_FRAMES 32u
#define GNTTAB_LIMIT_FRAMES 256u     /* highest max_frames accepted */
#define GNTTAB_DEFAULT_MAX_MAPS 1024u /* active mappings per grantee */
#define GNTTAB_LIMIT_MAPS 65536u
#define GNTTAB_NO_GPFN UINT64_MAX
#define GNTTAB_MAX_BATCH 4096u      /* entries per map/unmap/copy call */

struct gnttab_map;

/* Active mappings of one grantee; handle = slot index. */
struct gnttab_maptab {
	pthread_mutex_t lock;
	struct gnttab_map *slots; /* [lock] max entries, NULL until the first map */
	unsigned max;             /* [lock] */
	unsigned used;            /* [lock] */
};

/* Per granted ref while pinned: how many readonly / writable users, and
 * the frame captured by the first pin (later pins use it, as in Xen). */
struct gnttab_active {
	uint32_t rd, wr;
	uint32_t gfn;
};

/* Lock legend: [G] lock; [I] immutable after init. Lock order:
 * mem.maplock -> gnttab lock; never two gnttab locks at once. */
struct gnttab {
	pthread_mutex_t lock;
	unsigned max_frames;     /* [G] */
	unsigned nr_frames;      /* [G] frames the table has grown to */
	int fd;                  /* [I] memfd, max_frames pages */
	uint8_t *tab;            /* [I] hospes-hv's view of the frames */
	unsigned tab_frames;     /* [I] pages mapped at tab (GNTTAB_LIMIT_FRAMES) */
	uint64_t *gpfn;          /* [G] where frame i is overlaid, GNTTAB_NO_GPFN */
	struct gnttab_active *act; /* [G] tab_frames * 512 entries */
	unsigned nr_pinned;      /* [G] refs with rd + wr > 0 */
	uint32_t pin_hi;         /* [G] above every ref ever pinned (bounds scans) */
	struct gnttab_maptab maps; /* this domain as grantee */
};

/* Limits new domains (and control clients) get: hospes-hv's --grant-frames
 * and --grant-maps (set before any domain exists). */
extern unsigned gnttab_default_max_frames, gnttab_default_max_maps;

/* hv_domain_init / hv_domain_fini. fini drops the domain's own mappings of
 * other domains' grants (their in-use bits clear). */
int gnttab_domain_init(struct hv_domain *d);
void gnttab_domain_fini(struct hv_domain *d);
/* Limits (before the guest runs; the control socket's create options):
 * -EINVAL outside 1..GNTTAB_LIMIT_FRAMES / 1..GNTTAB_LIMIT_MAPS. */
int gnttab_set_limits(struct hv_domain *d, unsigned max_frames, unsigned max_maps);

/* XENMEM_add_to_physmap space grant_table: overlays table frame idx at
 * gpfn (a RAM frame); the table grows to idx + 1 frames. 0, -EINVAL. */
int gnttab_physmap(struct hv_domain *d, uint64_t idx, uint64_t gpfn);
/* Grows the table to n frames: GNTST_okay or GNTST_general_error. */
int gnttab_grow(struct hv_domain *d, unsigned n);
void gnttab_size(struct hv_domain *d, unsigned *nr_frames, unsigned *max_frames);
/* Where frame i is overlaid, GNTTAB_NO_GPFN if nowhere or out of range. */
uint64_t gnttab_frame_gpfn(struct hv_domain *d, unsigned i);

/* Granter side: validates ref for grantee (readonly or not) and marks it in
 * use (GTF_reading, GTF_writing). GNTST_okay with the frame in *gfn, or
 * bad_gntref, permission_denied, bad_page. unpin undoes one pin. */
int gnttab_pin(struct hv_domain *granter, domid_t grantee, uint32_t ref, bool ro, uint32_t *gfn);
void gnttab_unpin(struct hv_domain *granter, uint32_t ref, bool ro);
/* Balloon check: true if a frame of [lo, hi) is a table frame, carries a
 * grant mapping, or is granted and pinned by someone. Caller holds the
 * domain's maplock exclusively. */
bool gnttab_frames_in_use(struct hv_domain *d, uint64_t lo, uint64_t hi);
/* Internal (gnttab_pin.c), with the gnttab lock held (and the maplock for
 * is_overlay): a pinned ref grants a frame of [lo, hi); gfn is a page
 * hospes-hv overlays (shared_info, a table frame), so neither grantable
 * nor a place for a table frame. */
bool gnttab_any_pinned(const struct gnttab *g, uint64_t lo, uint64_t hi);
bool gnttab_is_overlay(struct hv_domain *d, uint64_t gfn);
/* Byte offset of guest frame gfn in the RAM memfd, or -1 if not RAM. */
int64_t gnttab_ram_offset(const struct hv_mem *m, uint64_t gfn);

/* ---- grantee side (gnttab_map.c) ---- */

void gnttab_maptab_init(struct gnttab_maptab *t, unsigned max);
/* Drops every mapping (in-use bits clear) without touching host mappings
 * (the owner's memory goes away anyway), frees the slots. self: the domain
 * owning t, or NULL for a control connection. */
void gnttab_maptab_release(struct gnttab_maptab *t, struct hv_domain *self);
/* A domain maps ref of dom at its GPA op->host_addr; fills status/handle. */
void gnttab_map_guest(struct hv_domain *d, struct gnttab_map_grant_ref *op);
void gnttab_unmap_guest(struct hv_domain *d, struct gnttab_unmap_grant_ref *op);
/* Dom0 (a control connection): pins ref of dom for t; GNTST_okay with the
 * frame's byte offset in dom's RAM memfd and the handle. */
int gnttab_map_dom0(struct gnttab_maptab *t, domid_t dom, uint32_t ref, bool ro,
		    uint64_t *offset, uint32_t *handle);
int gnttab_unmap_dom0(struct gnttab_maptab *t, uint32_t handle);

/* ---- copy (gnttab_copy.c) ---- */

void gnttab_copy_guest(struct hv_domain *d, struct gnttab_copy *op);
/* Dom0 copy: write != 0 copies buf into the granted frame (needs a
 * writable grant), else out of it. GNTST_*. */
int gnttab_copy_dom0(domid_t dom, uint32_t ref, uint16_t offset, uint16_t len, void *buf,
		     bool write);

#endif
