/* physmap.c: XENMEM_add_to_physmap: the shared_info page overlaid on a
 * guest RAM frame with mmap(MAP_FIXED) (KVM's MMU notifiers make the guest
 * see it at once). The RAM frame under it is released (hole-punched) and
 * mapped back, reading zeros, when the page moves elsewhere. */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>

#include <pvabi/errno.h>
#include <pvabi/memory.h>

#include "evtchn.h"
#include "gnttab.h"
#include "hc_memory.h"

/* Offset in the RAM memfd of the frame at gpa (RAM ranges are laid out in
 * the file back to back), or -1 if gpa is not RAM. */
static int64_t ram_offset(const struct hv_mem *m, uint64_t gpa)
{
	uint64_t off = 0;

	for (unsigned i = 0; i < m->nr_ranges; i++) {
		const struct hv_mem_range *r = &m->ranges[i];

		if (gpa >= r->gpa && gpa - r->gpa < r->size)
			return (int64_t)(off + gpa - r->gpa);
		off += r->size;
	}
	return -1;
}

static int map_at(struct hv_mem *m, uint64_t gpa, int fd, int64_t off)
{
	void *p = mmap(m->base + gpa, HV_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		       fd, (off_t)off);

	return p == MAP_FAILED ? -errno : 0;
}

int evtchn_shinfo_map(struct hv_domain *d, uint64_t gpfn)
{
	struct evtchn_domain *ev = d->evtchn;
	struct hv_mem *m = &d->mem;
	uint64_t gpa = gpfn << 12;
	int64_t off;
	int r = 0;

	/* Only RAM frames: the space above RAM is not a KVM memslot here
	 * (SPEC.md §8.2). */
	if (gpfn > (UINT64_MAX >> 12) || m->fd < 0 || (off = ram_offset(m, gpa)) < 0)
		return -EINVAL;
	pthread_mutex_lock(&ev->lock);
	if (ev->shinfo_gpfn == gpfn)
		goto out;
	/* Exclusive: no gmem_* copy runs while the frame changes. */
	pthread_rwlock_wrlock(&m->maplock);
	/* Grant tables: not over a table frame, a grant mapping or a frame
	 * another domain maps (SPEC.md §14.2). */
	if (gnttab_frames_in_use(d, gpfn, gpfn + 1)) {
		r = -EINVAL;
		goto unlock;
	}
	if ((r = map_at(m, gpa, ev->shinfo_fd, 0)))
		goto unlock;
	/* Xen frees the RAM page that was there. */
	fallocate(m->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, HV_PAGE_SIZE);
	if (ev->shinfo_gpfn != EVTCHN_NO_GPFN) {
		uint64_t old = ev->shinfo_gpfn << 12;

		r = map_at(m, old, m->fd, ram_offset(m, old));
		if (r)
			hv_log(d, HV_LOG_ERROR, "cannot restore RAM at 0x%llx: %d",
			       (unsigned long long)old, r);
	}
	ev->shinfo_gpfn = gpfn;
	hv_mem_changed(d);
unlock:
	pthread_rwlock_unlock(&m->maplock);
out:
	pthread_mutex_unlock(&ev->lock);
	return r;
}

int64_t hc_memop_add_to_physmap(struct hv_vcpu *v, uint64_t arg)
{
	struct xen_add_to_physmap a;
	int64_t r;

	if (gmem_copy_from_guest(v, &a, arg, sizeof(a)))
		return -XEN_EFAULT;
	if ((r = hc_memop_check_domid(v, a.domid)))
		return r;
	switch (a.space) {
	case XENMAPSPACE_shared_info:
		if (a.idx != 0)
			return -XEN_EINVAL;
		return evtchn_shinfo_map(v->dom, a.gpfn) ? -XEN_EINVAL : 0;
	case XENMAPSPACE_grant_table: /* status frames are v2 only */
		if (!v->dom->gnttab || (a.idx & XENMAPIDX_grant_table_status))
			return -XEN_EINVAL;
		return gnttab_physmap(v->dom, a.idx, a.gpfn) ? -XEN_EINVAL : 0;
	case XENMAPSPACE_gmfn:
	case XENMAPSPACE_gmfn_range:
	case XENMAPSPACE_gmfn_foreign:
		return -XEN_ENOSYS;
	default:
		return -XEN_EINVAL;
	}
}
