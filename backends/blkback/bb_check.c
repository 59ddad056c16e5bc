/* bb_check.c: block request validation. Every field comes from a guest
 * that may be hostile: nothing here trusts a count, a range or an
 * operation code; overflow-safe arithmetic throughout. */
#include <string.h>

#include "bb_check.h"

/* [sector, sector + n) within the disk, without wrapping. */
static bool in_disk(uint64_t sector, uint64_t n, uint64_t disk)
{
	return sector <= disk && n <= disk - sector;
}

int bb_check_req(const struct blkif_request *rq, const struct bb_limits *lim, struct bb_parsed *p)
{
	memset(p, 0, sizeof(*p));
	p->id = rq->id;
	p->op = rq->operation;
	p->sector = rq->sector_number;
	switch (rq->operation) {
	case BLKIF_OP_READ:
	case BLKIF_OP_WRITE:
		p->kind = rq->operation == BLKIF_OP_READ ? BB_READ : BB_WRITE;
		if (rq->nr_segments == 0 || rq->nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST)
			return BLKIF_RSP_ERROR;
		break;
	case BLKIF_OP_FLUSH_DISKCACHE:
		p->kind = BB_FLUSH;
		if (rq->nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST)
			return BLKIF_RSP_ERROR;
		break;
	case BLKIF_OP_DISCARD: {
		const struct blkif_request_discard *d = (const void *)rq;

		p->kind = BB_DISCARD;
		p->nr_sectors = d->nr_sectors;
		if (lim->readonly)
			return BLKIF_RSP_ERROR;
		if (!in_disk(d->sector_number, d->nr_sectors, lim->sectors))
			return BLKIF_RSP_ERROR;
		return BLKIF_RSP_OKAY;
	}
	case BLKIF_OP_INDIRECT: {
		const struct blkif_request_indirect *in = (const void *)rq;

		p->sector = in->sector_number;
		if (in->indirect_op == BLKIF_OP_READ)
			p->kind = BB_READ;
		else if (in->indirect_op == BLKIF_OP_WRITE)
			p->kind = BB_WRITE;
		else
			return BLKIF_RSP_ERROR;
		if (in->nr_segments == 0 || in->nr_segments > lim->max_indirect ||
		    in->nr_segments > BB_MAX_INDIRECT_SEGS)
			return BLKIF_RSP_ERROR;
		if (p->kind == BB_WRITE && lim->readonly)
			return BLKIF_RSP_ERROR;
		p->nseg = in->nr_segments;
		p->nr_ind = BLKIF_INDIRECT_PAGES(p->nseg);
		memcpy(p->ind_refs, in->indirect_grefs, p->nr_ind * sizeof(uint32_t));
		return BLKIF_RSP_OKAY;
	}
	case BLKIF_OP_WRITE_BARRIER:
	default:
		return BLKIF_RSP_EOPNOTSUPP;
	}
	p->nseg = rq->nr_segments;
	if (p->kind != BB_READ && p->nseg && lim->readonly)
		return BLKIF_RSP_ERROR;
	memcpy(p->seg, rq->seg, p->nseg * sizeof(p->seg[0]));
	return BLKIF_RSP_OKAY;
}

int bb_check_segs(const struct blkif_request_segment *seg, unsigned n, uint64_t sector,
		  uint64_t disk_sectors, uint64_t *bytes)
{
	uint64_t secs = 0;

	for (unsigned i = 0; i < n; i++) {
		if (seg[i].first_sect > seg[i].last_sect ||
		    seg[i].last_sect >= BLKIF_SECTORS_PER_PAGE)
			return BLKIF_RSP_ERROR;
		secs += (uint64_t)(seg[i].last_sect - seg[i].first_sect) + 1;
	}
	if (!in_disk(sector, secs, disk_sectors))
		return BLKIF_RSP_ERROR;
	*bytes = secs * BLKIF_SECTOR_SIZE;
	return BLKIF_RSP_OKAY;
}
