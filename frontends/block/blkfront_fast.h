/* blkfront_fast.h: blkfront's per-request path (submit, reap), inline so
 * a caller's loop keeps its registers: no call and no callee-saved spills
 * per request, since every memory access costs about 2 us in emulated
 * kernel mode. Included by blkfront.h only. */
#ifndef BLKFRONT_FAST_H
#define BLKFRONT_FAST_H

/* Ring slots are written as whole 64-bit words: one store instead of
 * one per field. */
typedef uint64_t __attribute__((may_alias)) blkfront_word;

/* Segment word: gref, first_sect 0, last_sect. */
#define BLKFRONT_SEG(ref, last) ((uint64_t)(ref) | ((uint64_t)(last) << 40))

/* Fills the next ring slot for request id. Inline in submit so the
 * arguments stay in registers. */
static inline __attribute__((always_inline)) void
blkfront_fill_(struct blkfront *bf, uint16_t id, unsigned int op, uint64_t sector, uint32_t nsect,
	       uint32_t page)
{
	blkfront_word *w = (blkfront_word *)blkif_front_next_req(&bf->ring);
	uint32_t npages = (nsect + 7) >> 3, i;
	const grant_ref_t *refs = &bf->pool_refs[page];
	blkfront_word *seg;

	w[1] = id;
	w[2] = sector;
	if (op == BLKFRONT_DISCARD || op == BLKFRONT_FLUSH) {
		/* discard: flag 0, nr_sectors; flush: 0 segments. */
		w[0] = op;
		w[3] = op == BLKFRONT_DISCARD ? nsect : 0;
		return;
	}
	if (npages <= BLKIF_MAX_SEGMENTS_PER_REQUEST) {
		w[0] = op | (npages << 8); /* operation, nr_segments, handle 0 */
		seg = w + 3;
	} else {
		/* operation INDIRECT, indirect_op, nr_segments; handle 0 and
		 * indirect_grefs[0] = the id's descriptor page. */
		w[0] = BLKIF_OP_INDIRECT | (op << 8) | (npages << 16);
		w[3] = (uint64_t)bf->ind_refs[id] << 32;
		seg = (blkfront_word *)(bf->ind_pages + ((size_t)id << 12));
		bf->st.indirect++;
	}
	for (i = 0; i + 1 < npages; i++)
		seg[i] = BLKFRONT_SEG(refs[i], 7);
	seg[i] = BLKFRONT_SEG(refs[i], (nsect - 1) & 7);
}

static inline int blkfront_submit(struct blkfront *bf, unsigned int op, uint64_t sector,
				  uint32_t nsect, uint32_t page, uint64_t cookie)
{
	const struct blkfront_info *in = &bf->info;
	struct blkfront_shadow *s;
	uint16_t id;

	if (!bf->nfree)
		return -XEN_EAGAIN;
	switch (op) {
	case BLKFRONT_WRITE:
		if (in->info & VDISK_READONLY)
			return -XEN_EACCES;
		/* fallthrough */
	case BLKFRONT_READ:
		if (!nsect || nsect > in->max_sectors || page >= bf->pool_pages ||
		    ((nsect + 7) >> 3) > bf->pool_pages - page)
			return -XEN_EINVAL;
		break;
	case BLKFRONT_FLUSH:
		if (!in->flush)
			return -XEN_EOPNOTSUPP;
		nsect = 0;
		sector = 0;
		page = 0;
		break;
	case BLKFRONT_DISCARD:
		if (!in->discard)
			return -XEN_EOPNOTSUPP;
		if (in->info & VDISK_READONLY)
			return -XEN_EACCES;
		if (!nsect)
			return -XEN_EINVAL;
		page = 0;
		break;
	default:
		return -XEN_EINVAL;
	}
	if (sector > in->sectors || nsect > in->sectors - sector)
		return -XEN_EINVAL;
	id = bf->free_ids[--bf->nfree];
	s = &bf->sh[id];
	s->sector = sector;
	s->cookie = cookie;
	s->desc = BLKFRONT_DESC(op, nsect, page);
	blkfront_fill_(bf, id, op, sector, nsect, page);
	return 0;
}

static inline int blkfront_status_(int16_t status)
{
	if (status == BLKIF_RSP_OKAY)
		return 0;
	return status == BLKIF_RSP_EOPNOTSUPP ? -XEN_EOPNOTSUPP : -XEN_EIO;
}

static inline int blkfront_reap(struct blkfront *bf, struct blkfront_done *out, unsigned int max)
{
	unsigned int n = 0;
	int64_t avail;

	while (bf->nlate && n < max)
		out[n++] = bf->late[--bf->nlate];
	if (!bf->conn.area || n == max)
		return (int)n;
	if ((avail = blkif_front_rsp_avail(&bf->ring)) < 0)
		return -XEN_EIO;
	/* The loop's state in locals: the stores to out[] and the shadow
	 * could alias bf's fields, which would force a reload per answer. */
	{
		const union blkif_entry *ring = bf->ring.sring->ring;
		uint32_t mask = bf->ring.size - 1, cons = bf->ring.rsp_cons, nfree = bf->nfree;
		uint32_t nr_ids = bf->info.nr_ids;
		struct blkfront_shadow *sh = bf->sh;
		uint16_t *free_ids = bf->free_ids;

		for (; avail > 0 && n < max; avail--) {
			/* Each field read once: the backend may rewrite the slot. */
			const volatile struct blkif_response *rsp = &ring[cons++ & mask].rsp;
			uint64_t id = rsp->id;
			int16_t status = rsp->status;
			struct blkfront_shadow *s;

			/* An id we did not send (or already answered) is dropped. */
			if (id >= nr_ids || !(s = &sh[id])->desc)
				continue;
			s->desc = 0;
			out[n].cookie = s->cookie;
			out[n++].status = blkfront_status_(status);
			free_ids[nfree++] = (uint16_t)id;
		}
		bf->ring.rsp_cons = cons;
		bf->nfree = nfree;
	}
	return (int)n;
}

#endif
