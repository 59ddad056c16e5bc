/* test_bb_check.c: hospes-blkback's request validation: every operation,
 * segment bounds, ranges at and beyond the end of the disk (with values
 * chosen to overflow naive arithmetic), indirect limits and read-only. */
#include <criterion/criterion.h>
#include <string.h>

#include "bb_check.h"

static const struct bb_limits rw = {.sectors = 1000, .readonly = false, .max_indirect = 256};
static const struct bb_limits ro = {.sectors = 1000, .readonly = true, .max_indirect = 256};

static struct blkif_request req(uint8_t op, uint8_t nseg, uint64_t sector)
{
	struct blkif_request r;

	memset(&r, 0, sizeof(r));
	r.operation = op;
	r.nr_segments = nseg;
	r.id = 0x1234;
	r.sector_number = sector;
	for (unsigned i = 0; i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++) {
		r.seg[i].gref = 100 + i;
		r.seg[i].first_sect = 0;
		r.seg[i].last_sect = 7;
	}
	return r;
}

Test(bb_check, read_write_segment_counts)
{
	struct bb_parsed p;
	struct blkif_request r = req(BLKIF_OP_READ, 11, 0);

	cr_assert_eq(bb_check_req(&r, &rw, &p), BLKIF_RSP_OKAY);
	cr_assert_eq(p.kind, BB_READ);
	cr_assert_eq(p.nseg, 11);
	cr_assert_eq(p.id, 0x1234);
	cr_assert_eq(p.seg[10].gref, 110);
	r.nr_segments = 0;
	cr_assert_eq(bb_check_req(&r, &rw, &p), BLKIF_RSP_ERROR);
	r.nr_segments = 12;
	cr_assert_eq(bb_check_req(&r, &rw, &p), BLKIF_RSP_ERROR);
	r.nr_segments = 255;
	r.operation = BLKIF_OP_WRITE;
	cr_assert_eq(bb_check_req(&r, &rw, &p), BLKIF_RSP_ERROR);
	cr_assert_eq(p.id, 0x1234, "the id is echoed even for bad requests");
}

Test(bb_check, unknown_and_barrier_ops)
{
	struct bb_parsed p;
	struct blkif_request r = req(BLKIF_OP_WRITE_BARRIER, 1, 0);

	cr_assert_eq(bb_check_req(&r, &rw, &p), BLKIF_RSP_EOPNOTSUPP);
	r.operation = BLKIF_OP_RESERVED_1;
	cr_assert_eq(bb_check_req(&r, &rw, &p), BLKIF_RSP_EOPNOTSUPP);
	r.operation = 200;
	cr_assert_eq(bb_check_req(&r, &rw, &p), BLKIF_RSP_EOPNOTSUPP);
	cr_assert_eq(p.op, 200);
}

Test(bb_check, readonly)
{
	struct bb_parsed p;
	struct blkif_request r = req(BLKIF_OP_WRITE, 1, 0);
	struct blkif_request_discard *d = (void *)&r;

	cr_assert_eq(bb_check_req(&r, &ro, &p), BLKIF_RSP_ERROR);
	r = req(BLKIF_OP_READ, 1, 0);
	cr_assert_eq(bb_check_req(&r, &ro, &p), BLKIF_RSP_OKAY);
	r = req(BLKIF_OP_FLUSH_DISKCACHE, 0, 0);
	cr_assert_eq(bb_check_req(&r, &ro, &p), BLKIF_RSP_OKAY, "an empty flush is harmless");
	r = req(BLKIF_OP_FLUSH_DISKCACHE, 2, 0);
	cr_assert_eq(bb_check_req(&r, &ro, &p), BLKIF_RSP_ERROR, "flush with data writes");
	r = req(BLKIF_OP_DISCARD, 0, 0);
	d->nr_sectors = 8;
	cr_assert_eq(bb_check_req(&r, &ro, &p), BLKIF_RSP_ERROR);
}

Test(bb_check, flush)
{
	struct bb_parsed p;
	struct blkif_request r = req(BLKIF_OP_FLUSH_DISKCACHE, 0, 0);

	cr_assert_eq(bb_check_req(&r, &rw, &p), BLKIF_RSP_OKAY);
	cr_assert_eq(p.kind, BB_FLUSH);
	cr_assert_eq(p.nseg, 0);
	r.nr_segments = 3;
	cr_assert_eq(bb_check_req(&r, &rw, &p), BLKIF_RSP_OKAY);
	cr_assert_eq(p.nseg, 3);
	r.nr_segments = 12;
	cr_assert_eq(bb_check_req(&r, &rw, &p), BLKIF_RSP_ERROR);
}

Test(bb_check, discard_ranges)
{
	struct bb_parsed p;
	struct blkif_request r = req(BLKIF_OP_DISCARD, 0, 992);
	struct blkif_request_discard *d = (void *)&r;

	d->nr_sectors = 8;
	cr_assert_eq(bb_check_req(&r, &rw, &p), BLKIF_RSP_OKAY);
	cr_assert_eq(p.kind, BB_DISCARD);
	cr_assert_eq(p.nr_sectors, 8);
	d->nr_sectors = 9;
	cr_assert_eq(bb_check_req(&r, &rw, &p), BLKIF_RSP_ERROR);
	d->sector_number = 8;
	d->nr_sectors = UINT64_MAX - 4; /* sector + n wraps */
	cr_assert_eq(bb_check_req(&r, &rw, &p), BLKIF_RSP_ERROR);
	d->sector_number = UINT64_MAX;
	d->nr_sectors = 2;
	cr_assert_eq(bb_check_req(&r, &rw, &p), BLKIF_RSP_ERROR);
}

Test(bb_check, segments)
{
	struct blkif_request_segment s[3] = {
	    {.gref = 1, .first_sect = 0, .last_sect = 7},
	    {.gref = 2, .first_sect = 2, .last_sect = 2},
	    {.gref = 3, .first_sect = 7, .last_sect = 7},
	};
	uint64_t bytes = 0;

	cr_assert_eq(bb_check_segs(s, 3, 0, 1000, &bytes), BLKIF_RSP_OKAY);
	cr_assert_eq(bytes, 10 * 512);
	cr_assert_eq(bb_check_segs(s, 3, 990, 1000, &bytes), BLKIF_RSP_OKAY,
		     "ends exactly at the end");
	cr_assert_eq(bb_check_segs(s, 3, 991, 1000, &bytes), BLKIF_RSP_ERROR, "one past the end");
	cr_assert_eq(bb_check_segs(s, 3, UINT64_MAX - 2, 1000, &bytes), BLKIF_RSP_ERROR);
	s[1].first_sect = 3;
	s[1].last_sect = 2;
	cr_assert_eq(bb_check_segs(s, 3, 0, 1000, &bytes), BLKIF_RSP_ERROR, "first > last");
	s[1].first_sect = 0;
	s[1].last_sect = 8;
	cr_assert_eq(bb_check_segs(s, 3, 0, 1000, &bytes), BLKIF_RSP_ERROR, "last beyond the page");
	s[1].first_sect = 200;
	s[1].last_sect = 255;
	cr_assert_eq(bb_check_segs(s, 3, 0, 1000, &bytes), BLKIF_RSP_ERROR);
}

Test(bb_check, indirect)
{
	struct bb_parsed p;
	struct blkif_request r = req(BLKIF_OP_INDIRECT, 0, 0);
	struct blkif_request_indirect *in = (void *)&r;

	in->indirect_op = BLKIF_OP_WRITE;
	in->nr_segments = 256;
	in->sector_number = 64;
	for (unsigned i = 0; i < BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST; i++)
		in->indirect_grefs[i] = 500 + i;
	cr_assert_eq(bb_check_req(&r, &rw, &p), BLKIF_RSP_OKAY);
	cr_assert_eq(p.kind, BB_WRITE);
	cr_assert_eq(p.nseg, 256);
	cr_assert_eq(p.nr_ind, 1);
	cr_assert_eq(p.ind_refs[0], 500);
	cr_assert_eq(p.sector, 64);
	cr_assert_eq(p.op, BLKIF_OP_INDIRECT, "the response echoes INDIRECT");
	cr_assert_eq(bb_check_req(&r, &ro, &p), BLKIF_RSP_ERROR, "indirect write on read-only");
	in->nr_segments = 257;
	cr_assert_eq(bb_check_req(&r, &rw, &p), BLKIF_RSP_ERROR, "beyond the advertised max");
	in->nr_segments = 0;
	cr_assert_eq(bb_check_req(&r, &rw, &p), BLKIF_RSP_ERROR);
	in->nr_segments = 4096;
	cr_assert_eq(bb_check_req(&r, &rw, &p), BLKIF_RSP_ERROR);
	in->nr_segments = 8;
	in->indirect_op = BLKIF_OP_FLUSH_DISKCACHE;
	cr_assert_eq(bb_check_req(&r, &rw, &p), BLKIF_RSP_ERROR, "only read/write inside");
	in->indirect_op = BLKIF_OP_INDIRECT;
	cr_assert_eq(bb_check_req(&r, &rw, &p), BLKIF_RSP_ERROR, "no nesting");
}

Test(bb_check, layouts)
{
	cr_assert_eq(blkif_ring_size(4096), 32);
	cr_assert_eq(blkif_ring_size(4096 << 4), 512);
	cr_assert_eq(BLKIF_INDIRECT_PAGES(512), 1);
	cr_assert_eq(BLKIF_INDIRECT_PAGES(513), 2);
}
