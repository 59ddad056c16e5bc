/* gnttab_copy.c: GNTTABOP_copy: bytes between a granted frame of another
 * domain (pinned for the copy, so its in-use bits are set meanwhile) and a
 * frame of the caller's own, or between two grants. Granted frames are read
 * and written through the granter's RAM memfd, which is what the grant
 * names even if the granter later overlays something at that frame. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "gnttab.h"
#include "hv_registry.h"

struct side {
	struct hv_domain *g; /* granter (a reference unless it is self), NULL for a GFN */
	uint32_t ref;
	bool ro;
	int64_t off; /* byte offset in g's memfd */
};

static bool is_self(const struct hv_domain *d, domid_t dom)
{
	return dom == DOMID_SELF || dom == d->id;
}

static void side_release(struct hv_domain *self, struct side *s)
{
	if (!s->g)
		return;
	gnttab_unpin(s->g, s->ref, s->ro);
	if (s->g != self)
		hv_domain_put(s->g);
	s->g = NULL;
}

/* Pins a grant-ref side; GNTST_*. self may be NULL (dom0). */
static int side_pin(struct hv_domain *self, domid_t me, domid_t dom, uint32_t ref,
		    uint16_t offset, bool ro, struct side *s)
{
	struct hv_domain *g;
	uint32_t gfn;
	int st;

	if (self && is_self(self, dom))
		g = self;
	else if (dom == 0 || dom >= DOMID_FIRST_RESERVED || !(g = hv_domain_get(dom)))
		return GNTST_bad_domain;
	if ((st = gnttab_pin(g, me, ref, ro, &gfn))) {
		if (g != self)
			hv_domain_put(g);
		return st;
	}
	*s = (struct side){ g, ref, ro, gnttab_ram_offset(&g->mem, gfn) + offset };
	return GNTST_okay;
}

/* Moves len bytes between buf and a side: the memfd for a grant, the
 * caller's own view for a GFN (gpa). */
static int side_io(struct hv_domain *d, const struct side *s, uint64_t gpa, void *buf,
		   uint16_t len, bool write)
{
	ssize_t n;

	if (s->g) {
		n = write ? pwrite(s->g->mem.fd, buf, len, s->off) : pread(s->g->mem.fd, buf, len, s->off);
		return n == len ? GNTST_okay : GNTST_general_error;
	}
	int st = GNTST_okay;
	void *p;

	pthread_rwlock_rdlock(&d->mem.maplock);
	if (!(p = gmem_gpa_ptr(&d->mem, gpa, len)))
		st = GNTST_bad_page;
	else if (write)
		memcpy(p, buf, len);
	else
		memcpy(buf, p, len);
	pthread_rwlock_unlock(&d->mem.maplock);
	return st;
}

/* A GFN side: only the caller's own frames, whole copy inside the page. */
static int gfn_side(struct hv_domain *d, const struct gnttab_copy_ptr *p, uint64_t *gpa)
{
	if (!is_self(d, p->domid))
		return GNTST_permission_denied;
	if (p->u.gmfn > (UINT64_MAX >> 12))
		return GNTST_bad_page;
	*gpa = (p->u.gmfn << 12) + p->offset;
	return GNTST_okay;
}

void gnttab_copy_guest(struct hv_domain *d, struct gnttab_copy *op)
{
	struct side src = { 0 }, dst = { 0 };
	uint64_t sgpa = 0, dgpa = 0;
	uint8_t buf[HV_PAGE_SIZE];
	int st;

	if (op->len > HV_PAGE_SIZE || op->source.offset + op->len > HV_PAGE_SIZE ||
	    op->dest.offset + op->len > HV_PAGE_SIZE ||
	    (op->flags & ~(GNTCOPY_source_gref | GNTCOPY_dest_gref))) {
		op->status = GNTST_bad_copy_arg;
		return;
	}
	if (op->flags & GNTCOPY_source_gref)
		st = side_pin(d, d->id, op->source.domid, op->source.u.ref, op->source.offset, true,
			      &src);
	else
		st = gfn_side(d, &op->source, &sgpa);
	if (!st) {
		if (op->flags & GNTCOPY_dest_gref)
			st = side_pin(d, d->id, op->dest.domid, op->dest.u.ref, op->dest.offset,
				      false, &dst);
		else
			st = gfn_side(d, &op->dest, &dgpa);
	}
	if (!st && op->len && !(st = side_io(d, &src, sgpa, buf, op->len, false)))
		st = side_io(d, &dst, dgpa, buf, op->len, true);
	side_release(d, &dst);
	side_release(d, &src);
	op->status = (int16_t)st;
}

int gnttab_copy_dom0(domid_t dom, uint32_t ref, uint16_t offset, uint16_t len, void *buf,
		     bool write)
{
	struct side s = { 0 };
	int st;

	if (len > HV_PAGE_SIZE || offset + len > HV_PAGE_SIZE)
		return GNTST_bad_copy_arg;
	if ((st = side_pin(NULL, 0, dom, ref, offset, !write, &s)))
		return st;
	st = side_io(NULL, &s, 0, buf, len, write);
	side_release(NULL, &s);
	return st;
}
