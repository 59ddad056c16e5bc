/* bb_ring.c: taking requests off a device's ring. Each request is copied
 * out of shared memory once and only the copy is checked and used; bad
 * requests are answered with an error status, a ring whose indices are
 * impossible drops the device. Responses are published in batches with
 * one notification (the push-and-check rule of SPEC.md §15). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "bb.h"

void bb_req_free(struct bb_dev *d, struct bb_req *r)
{
	r->next_free = d->free_reqs;
	d->free_reqs = r;
}

void bb_ring_respond(struct bb_dev *d, uint64_t id, uint8_t op, int status)
{
	struct blkif_response *rsp = blkif_back_next_rsp(&d->back);

	rsp->id = id;
	rsp->operation = op;
	rsp->pad = 0;
	rsp->status = (int16_t)status;
	rsp->pad2 = 0;
	d->rsp_pending = true;
	if (status != BLKIF_RSP_OKAY)
		d->st.errors++;
}

void bb_ring_flush(struct bb_dev *d)
{
	uint64_t one = 1;

	if (!d->rsp_pending)
		return;
	d->rsp_pending = false;
	d->stats_dirty = true;
	if (blkif_back_push(&d->back) && write(d->kick_fd, &one, sizeof(one)) < 0 &&
	    errno != EAGAIN)
		xbb_log((int)d->x->domid, "vbd %u: kick failed: %s", d->x->devid, strerror(errno));
}

/* Reads the segment descriptors of an indirect request from its pages,
 * once, into d->segs. */
static int load_indirect(struct bb_dev *d, struct bb_req *r, const struct bb_parsed *p)
{
	uint8_t *pages[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];

	if (bb_grant_get(d, r, p->ind_refs, p->nr_ind, true, false, pages) < 0)
		return -1;
	for (unsigned i = 0; i < p->nr_ind; i++) {
		unsigned n = p->nseg - i * BLKIF_SEGS_PER_INDIRECT_FRAME;

		if (n > BLKIF_SEGS_PER_INDIRECT_FRAME)
			n = BLKIF_SEGS_PER_INDIRECT_FRAME;
		memcpy(&d->segs[i * BLKIF_SEGS_PER_INDIRECT_FRAME], pages[i],
		       n * sizeof(struct blkif_request_segment));
	}
	/* Indirect pages are only read now: unmap at once (cached ones stay). */
	bb_grant_release(d, r);
	return 0;
}

/* Logs a refused request; quiet after the first few per connection so a
 * flooding guest cannot flood the log. */
static void bad(struct bb_dev *d, const struct bb_parsed *p, const char *why)
{
	if (d->nbad++ < 8)
		xbb_log((int)d->x->domid, "vbd %u: request %llu (op %u, sector %llu, %u segs): %s",
			d->x->devid, (unsigned long long)p->id, p->op,
			(unsigned long long)p->sector, p->nseg, why);
}

/* Turns one copied request into queued I/O, or answers it. */
static void handle(struct bb_dev *d, const struct blkif_request *rq)
{
	struct bb_limits lim = {d->sectors, d->readonly, BB_MAX_INDIRECT_SEGS};
	uint32_t refs[BB_MAX_INDIRECT_SEGS];
	uint8_t *pages[BB_MAX_INDIRECT_SEGS];
	const struct blkif_request_segment *seg;
	struct bb_parsed p;
	struct bb_req *r;
	uint64_t bytes = 0;
	const char *why = "";
	int st = bb_check_req(rq, &lim, &p);

	d->st.reqs++;
	if (st != BLKIF_RSP_OKAY) {
		bad(d, &p,
		    rq->operation == BLKIF_OP_INDIRECT ? "bad indirect request" : "bad request");
		bb_ring_respond(d, p.id, p.op, st);
		return;
	}
	r = d->free_reqs; /* requests taken <= ring size = nreqs */
	if (!r) {
		bb_io_defer_fail(d, "more requests in flight than ring slots");
		return;
	}
	d->free_reqs = r->next_free;
	r->id = p.id;
	r->op = p.op;
	r->kind = p.kind;
	r->synced = false;
	r->nunmap = 0;
	r->niov = 0;
	r->offset = p.sector * BLKIF_SECTOR_SIZE;
	r->len = 0;
	seg = p.seg;
	if (p.nr_ind) {
		d->st.indirect++;
		if (load_indirect(d, r, &p) < 0) {
			why = "indirect pages not mappable";
			goto fail;
		}
		seg = d->segs;
	}
	if (p.kind == BB_DISCARD) {
		r->len = p.nr_sectors * BLKIF_SECTOR_SIZE;
		d->st.discards++;
	} else if (p.nseg) {
		if (bb_check_segs(seg, p.nseg, p.sector, d->sectors, &bytes) != BLKIF_RSP_OKAY) {
			why = "bad segments or sectors beyond the disk";
			goto fail;
		}
		for (unsigned i = 0; i < p.nseg; i++)
			refs[i] = seg[i].gref;
		/* Reads write into the guest's pages; writes only read them. */
		if (bb_grant_get(d, r, refs, p.nseg, p.kind == BB_WRITE || p.kind == BB_FLUSH, true,
				 pages) < 0) {
			why = "data grants not mappable";
			goto fail;
		}
		for (unsigned i = 0; i < p.nseg; i++) {
			r->iov[i].iov_base = pages[i] + seg[i].first_sect * BLKIF_SECTOR_SIZE;
			r->iov[i].iov_len =
			    (size_t)(seg[i].last_sect - seg[i].first_sect + 1) * BLKIF_SECTOR_SIZE;
		}
		r->niov = p.nseg;
		r->len = bytes;
	}
	if (p.kind == BB_READ) {
		d->st.reads++;
	} else if (p.kind == BB_WRITE) {
		d->st.writes++;
	} else if (p.kind == BB_FLUSH) {
		d->st.flushes++;
		/* A flush covers the writes answered before it: wait for the ones
		 * still in flight, taking nothing new meanwhile. */
		if (d->inflight_writes) {
			d->inflight++;
			d->flush_parked = true;
			d->parked = r;
			return;
		}
	}
	d->inflight++;
	if (p.kind != BB_READ)
		d->inflight_writes++;
	bb_io_queue(r);
	return;
fail:
	bad(d, &p, why);
	bb_grant_release(d, r);
	bb_req_free(d, r);
	bb_ring_respond(d, p.id, p.op, BLKIF_RSP_ERROR);
}

void bb_ring_consume(struct bb_dev *d)
{
	struct blkif_request rq;

	if (!d->connected || d->failed)
		return;
	while (!d->flush_parked && !d->failed) {
		uint32_t n;

		/* Every slot holds an unanswered request: completions call us
		 * again (the final check would see work we may not take). */
		if (d->inflight >= d->nreqs)
			break;
		if (blkif_back_prod_overflow(&d->back)) {
			bb_io_defer_fail(d, "ring overflow: req_prod beyond the ring");
			break;
		}
		n = blkif_back_req_avail(&d->back);
		if (n == 0) {
			if (!blkif_back_final_check(&d->back))
				break;
			continue;
		}
		for (; n && !d->flush_parked && !d->failed; n--) {
			blkif_back_copy_req(&d->back, &rq);
			handle(d, &rq);
		}
	}
	bb_io_submit();
	bb_ring_flush(d);
}
