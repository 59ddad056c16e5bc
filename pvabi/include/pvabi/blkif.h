/* blkif.h: the PV block device protocol (requests, responses, the ring).
 * Self-contained, used by both sides: guest frontends (freestanding) and
 * the dom0 backend. Normative: SPEC.md §18.
 *
 * Sectors are always 512-byte units, whatever the disk's sector-size.
 * A segment names one granted 4 KiB page and the inclusive 512-byte
 * sub-range [first_sect, last_sect] of it; the segments of one request
 * are consecutive on disk. */
#ifndef PVABI_BLKIF_H
#define PVABI_BLKIF_H

#include <stddef.h>
#include <stdint.h>

#include "ring.h"

/* ---- Operations (request.operation) -------------------------------------- */
#define BLKIF_OP_READ 0u
#define BLKIF_OP_WRITE 1u
#define BLKIF_OP_WRITE_BARRIER 2u
#define BLKIF_OP_FLUSH_DISKCACHE 3u
#define BLKIF_OP_RESERVED_1 4u
#define BLKIF_OP_DISCARD 5u
#define BLKIF_OP_INDIRECT 6u

/* ---- Response status (response.status) ----------------------------------- */
#define BLKIF_RSP_EOPNOTSUPP (-2)
#define BLKIF_RSP_ERROR (-1)
#define BLKIF_RSP_OKAY 0

/* ---- Limits -------------------------------------------------------------- */
#define BLKIF_SECTOR_SIZE 512u
#define BLKIF_SECTORS_PER_PAGE 8u /* last_sect <= 7 */
#define BLKIF_MAX_SEGMENTS_PER_REQUEST 11u
#define BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST 8u
/* Segment descriptors per indirect page: 4096 / 8. */
#define BLKIF_SEGS_PER_INDIRECT_FRAME 512u

/* ---- Disk info bits (backend key "info") --------------------------------- */
#define VDISK_CDROM 0x1u
#define VDISK_REMOVABLE 0x2u
#define VDISK_READONLY 0x4u

/* discard.flag */
#define BLKIF_DISCARD_SECURE 0x1u

typedef uint16_t blkif_vdev_t;
typedef uint64_t blkif_sector_t;

/* One data segment, 8 bytes. Also the element of an indirect page. */
struct blkif_request_segment {
	uint32_t gref;	    /* IN grant of the 4 KiB data page */
	uint8_t first_sect; /* IN first 512-byte sector in the page, 0..7 */
	uint8_t last_sect;  /* IN last sector (inclusive), first..7 */
	uint16_t pad;
};
_Static_assert(sizeof(struct blkif_request_segment) == 8, "blkif segment is 8 bytes");
_Static_assert(offsetof(struct blkif_request_segment, first_sect) == 4, "first_sect");
_Static_assert(offsetof(struct blkif_request_segment, last_sect) == 5, "last_sect");

/* READ, WRITE, WRITE_BARRIER, FLUSH_DISKCACHE: 112 bytes. */
struct blkif_request {
	uint8_t operation;   /* IN BLKIF_OP_* */
	uint8_t nr_segments; /* IN 1..11 for read/write, 0 allowed for flush */
	blkif_vdev_t handle; /* IN device handle (ignored by Hospes) */
	uint32_t pad;
	uint64_t id;		      /* IN echoed in the response */
	blkif_sector_t sector_number; /* IN first sector, 512-byte units */
	struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST]; /* IN */
};
_Static_assert(sizeof(struct blkif_request) == 112, "blkif_request is 112 bytes");
_Static_assert(offsetof(struct blkif_request, nr_segments) == 1, "nr_segments");
_Static_assert(offsetof(struct blkif_request, handle) == 2, "handle");
_Static_assert(offsetof(struct blkif_request, id) == 8, "id");
_Static_assert(offsetof(struct blkif_request, sector_number) == 16, "sector_number");
_Static_assert(offsetof(struct blkif_request, seg) == 24, "seg");

/* DISCARD, laid over the same slot: 32 bytes used. */
struct blkif_request_discard {
	uint8_t operation;   /* IN BLKIF_OP_DISCARD */
	uint8_t flag;	     /* IN BLKIF_DISCARD_SECURE or 0 */
	blkif_vdev_t handle; /* IN */
	uint32_t pad;
	uint64_t id;		      /* IN */
	blkif_sector_t sector_number; /* IN first sector */
	uint64_t nr_sectors;	      /* IN sectors to discard */
};
_Static_assert(sizeof(struct blkif_request_discard) == 32, "blkif discard is 32 bytes");
_Static_assert(offsetof(struct blkif_request_discard, flag) == 1, "flag");
_Static_assert(offsetof(struct blkif_request_discard, id) == 8, "id");
_Static_assert(offsetof(struct blkif_request_discard, sector_number) == 16, "sector");
_Static_assert(offsetof(struct blkif_request_discard, nr_sectors) == 24, "nr_sectors");

/* INDIRECT, laid over the same slot: 64 bytes used. The segment
 * descriptors live in up to 8 granted pages, 512 per page, in order. */
struct blkif_request_indirect {
	uint8_t operation;    /* IN BLKIF_OP_INDIRECT */
	uint8_t indirect_op;  /* IN BLKIF_OP_READ or BLKIF_OP_WRITE */
	uint16_t nr_segments; /* IN 1..feature-max-indirect-segments */
	uint32_t pad1;
	uint64_t id;		      /* IN */
	blkif_sector_t sector_number; /* IN */
	blkif_vdev_t handle;	      /* IN */
	uint16_t pad2;
	uint32_t indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST]; /* IN */
	uint32_t pad3;
};
_Static_assert(sizeof(struct blkif_request_indirect) == 64, "blkif indirect is 64 bytes");
_Static_assert(offsetof(struct blkif_request_indirect, indirect_op) == 1, "indirect_op");
_Static_assert(offsetof(struct blkif_request_indirect, nr_segments) == 2, "nr_segments");
_Static_assert(offsetof(struct blkif_request_indirect, id) == 8, "id");
_Static_assert(offsetof(struct blkif_request_indirect, sector_number) == 16, "sector");
_Static_assert(offsetof(struct blkif_request_indirect, handle) == 24, "handle");
_Static_assert(offsetof(struct blkif_request_indirect, indirect_grefs) == 28, "grefs");

/* Pages of segment descriptors an indirect request of n segments uses. */
#define BLKIF_INDIRECT_PAGES(n)                                                                    \
	(((n) + BLKIF_SEGS_PER_INDIRECT_FRAME - 1) / BLKIF_SEGS_PER_INDIRECT_FRAME)

/* One response, 16 bytes. */
struct blkif_response {
	uint64_t id;	   /* OUT the request's id */
	uint8_t operation; /* OUT the request's operation (BLKIF_OP_INDIRECT stays 6) */
	uint8_t pad;
	int16_t status; /* OUT BLKIF_RSP_* */
	uint32_t pad2;
};
_Static_assert(sizeof(struct blkif_response) == 16, "blkif_response is 16 bytes");
_Static_assert(offsetof(struct blkif_response, operation) == 8, "operation");
_Static_assert(offsetof(struct blkif_response, status) == 10, "status");

/* The typed ring: struct blkif_sring / blkif_front / blkif_back, 32 slots
 * per 4 KiB page (entry 112 bytes). The request member is the 112-byte
 * struct blkif_request; discard/indirect requests are read from it by
 * casting the copied request (all three share operation at offset 0). */
PVABI_RING_DEFINE(blkif, struct blkif_request, struct blkif_response)
_Static_assert(sizeof(union blkif_entry) == 112, "blkif ring entry is 112 bytes");

#define BLKIF_RING_SLOTS_PER_PAGE 32u

#endif
