/* bb_check.h: validation of one block request copied out of the ring
 * (pure functions: no I/O, no globals; unit-tested in tests/unit/blkback). */
#ifndef HOSPES_BB_CHECK_H
#define HOSPES_BB_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include <pvabi/blkif.h>

/* Segments one request may carry: feature-max-indirect-segments. */
#define BB_MAX_INDIRECT_SEGS 256u

enum bb_kind {
	BB_READ,
	BB_WRITE,
	BB_FLUSH, /* FLUSH_DISKCACHE; with segments: write them, then flush */
	BB_DISCARD,
};

struct bb_limits {
	uint64_t sectors; /* disk size in 512-byte sectors */
	bool readonly;
	unsigned max_indirect; /* <= BB_MAX_INDIRECT_SEGS */
};

/* A request after the first check. Segment descriptors of an indirect
 * request are not known yet: nr_ind pages in ind_refs hold them. */
struct bb_parsed {
	uint64_t id;
	uint8_t op; /* echoed in the response */
	enum bb_kind kind;
	uint64_t sector;
	uint64_t nr_sectors; /* discard only */
	unsigned nseg;
	unsigned nr_ind;
	uint32_t ind_refs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST]; /* direct only */
};

/* Checks operation, segment count, read-only and (discard) the range.
 * BLKIF_RSP_OKAY with *p filled (id and op always filled), or the status
 * to answer with. */
int bb_check_req(const struct blkif_request *rq, const struct bb_limits *lim, struct bb_parsed *p);

/* Checks n segments (first_sect <= last_sect <= 7) and that the sectors
 * they cover, from sector on, lie within the disk; *bytes gets their
 * total. BLKIF_RSP_OKAY or BLKIF_RSP_ERROR. */
int bb_check_segs(const struct blkif_request_segment *seg, unsigned n, uint64_t sector,
		  uint64_t disk_sectors, uint64_t *bytes);

#endif
