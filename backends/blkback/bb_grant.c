/* bb_grant.c: mapping the frontend's grants through libhvctl. Mappings are
 * offsets into the domain's RAM memfd, which each device maps once, so a
 * page pointer is ram + offset. With feature-persistent a device keeps up
 * to BB_PGNT_MAX grants mapped (ref -> offset, open addressing) and maps
 * each ref once for its lifetime; otherwise grants are mapped per request
 * in batches of HVCTL_GNT_BATCH and unmapped when it completes. */
#include <errno.h>
#include <string.h>

#include "bb.h"
#include "hvctl.h"

static unsigned slot_of(uint32_t ref)
{
	return (ref * 2654435761u) & (BB_PGNT_SLOTS - 1);
}

static struct bb_pgnt *lookup(struct bb_dev *d, uint32_t ref)
{
	for (unsigned s = slot_of(ref);; s = (s + 1) & (BB_PGNT_SLOTS - 1)) {
		if (!d->pgnt[s].used)
			return NULL;
		if (d->pgnt[s].ref == ref)
			return &d->pgnt[s];
	}
}

/* true if the mapping now belongs to the cache. */
static bool insert(struct bb_dev *d, uint32_t ref, uint32_t handle, uint64_t offset, bool rw,
		   unsigned conn)
{
	unsigned s;

	if (!d->pgnt || d->npgnt >= BB_PGNT_MAX || lookup(d, ref))
		return false;
	for (s = slot_of(ref); d->pgnt[s].used; s = (s + 1) & (BB_PGNT_SLOTS - 1))
		;
	d->pgnt[s] = (struct bb_pgnt){.ref = ref,
				      .handle = handle,
				      .offset = offset,
				      .used = true,
				      .rw = rw,
				      .conn = (uint8_t)conn};
	d->npgnt++;
	return true;
}

/* A connection with room for n more mappings (opened on demand), or -1. */
static int pick(struct bb_dev *d, unsigned n)
{
	for (unsigned i = 0; i < BB_HV_CONNS; i++) {
		if (!d->hc[i] && hvctl_connect(bb_hv_socket, &d->hc[i]) < 0) {
			d->hc[i] = NULL;
			return -1;
		}
		if (d->hc_maps[i] + n <= BB_MAPS_PER_CONN)
			return (int)i;
	}
	return -1;
}

int bb_grant_map_raw(struct bb_dev *d, const uint32_t *refs, unsigned n, bool readonly,
		     uint64_t *offset)
{
	struct hvctl_gnt_mapping maps[HVCTL_GNT_BATCH];
	int r;

	if (n == 0 || n > HVCTL_GNT_BATCH)
		return -EINVAL;
	if ((r = hvctl_gnt_map(d->hc[0], d->x->domid, refs, n, readonly, maps)) < 0)
		return r;
	d->st.grant_maps += n;
	for (unsigned i = 0; i < n; i++) {
		if (maps[i].status != 0 || maps[i].offset > d->ram_size - BB_PAGE)
			r = -EFAULT;
		else
			d->hc_maps[0]++;
		offset[i] = maps[i].offset;
	}
	return r;
}

void bb_grant_release(struct bb_dev *d, struct bb_req *r)
{
	int32_t status[HVCTL_GNT_BATCH];

	/* Runs of handles of one connection, at most a batch each. */
	for (unsigned i = 0, n; i < r->nunmap; i += n) {
		unsigned c = r->unmap_conn[i];

		for (n = 1; i + n < r->nunmap && n < HVCTL_GNT_BATCH && r->unmap_conn[i + n] == c;
		     n++)
			;
		if (d->hc[c])
			hvctl_gnt_unmap(d->hc[c], &r->unmap[i], n, status);
		d->hc_maps[c] -= n;
	}
	r->nunmap = 0;
}

int bb_grant_get(struct bb_dev *d, struct bb_req *r, const uint32_t *refs, unsigned n,
		 bool readonly, bool data, uint8_t **ptr)
{
	struct hvctl_gnt_mapping maps[HVCTL_GNT_BATCH];
	uint32_t miss_ref[HVCTL_GNT_BATCH];
	unsigned miss_idx[HVCTL_GNT_BATCH];
	bool failed = false;
	unsigned i = 0;
	int c;

	/* Persistent data mappings serve reads and writes: writable. The
	 * descriptor pages of indirect requests are only ever read. */
	if (d->persistent && data)
		readonly = false;
	while (i < n && !failed) {
		unsigned nm = 0;

		for (; i < n && nm < HVCTL_GNT_BATCH; i++) {
			struct bb_pgnt *p = d->persistent ? lookup(d, refs[i]) : NULL;

			if (p && (p->rw || readonly)) {
				ptr[i] = d->ram + p->offset;
				d->st.persistent_hits++;
			} else {
				miss_idx[nm] = i;
				miss_ref[nm++] = refs[i];
			}
		}
		if (!nm)
			break;
		if ((c = pick(d, nm)) < 0 ||
		    hvctl_gnt_map(d->hc[c], d->x->domid, miss_ref, nm, readonly, maps) < 0)
			return bb_grant_release(d, r), -1;
		d->st.grant_maps += nm;
		for (unsigned j = 0; j < nm; j++) {
			if (maps[j].status != 0) {
				failed = true;
				continue;
			}
			d->hc_maps[c]++;
			if (maps[j].offset > d->ram_size - BB_PAGE)
				failed = true;
			else
				ptr[miss_idx[j]] = d->ram + maps[j].offset;
			if (failed || !d->persistent ||
			    !insert(d, miss_ref[j], maps[j].handle, maps[j].offset, !readonly, c)) {
				r->unmap_conn[r->nunmap] = (uint8_t)c;
				r->unmap[r->nunmap++] = maps[j].handle;
			}
		}
	}
	if (failed) {
		bb_grant_release(d, r);
		return -1;
	}
	return 0;
}
