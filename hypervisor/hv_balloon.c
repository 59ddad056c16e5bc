/* hv_balloon.c: giving guest frames back to the host and re-backing them:
 * checks, hole bookkeeping, and the host mapping work batched into runs. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>

#include "evtchn.h"
#include "gnttab.h"
#include "hv_balloon.h"

/* Extents handled per call; callers (the memory_op handlers) batch. */
#define BALLOON_BATCH 512u

/* Frames [lo, hi) that consecutive extents of one call formed, so that one
 * mmap and one fallocate cover them. */
struct run {
	uint64_t lo, hi;
	uint64_t first; /* index of its first extent in the call */
	int holes;      /* change of mem_holes it caused */
};

static uint64_t nr_frames(const struct hv_mem *m)
{
	return m->span / HV_PAGE_SIZE;
}

static bool frame_absent(const struct hv_mem *m, uint64_t f)
{
	return (atomic_load_explicit(&m->absent[f / 64], memory_order_relaxed) >> (f % 64)) & 1;
}

bool hv_balloon_is_absent(const struct hv_mem *m, uint64_t gfn)
{
	return m->absent && gfn < nr_frames(m) && frame_absent(m, gfn);
}

/* Word at a time: a 2 MiB extent is eight words. */
static void set_frames(struct hv_mem *m, uint64_t lo, uint64_t hi, bool absent)
{
	while (lo < hi) {
		uint64_t b = lo % 64, n = hi - lo < 64 - b ? hi - lo : 64 - b;
		uint64_t mask = (n == 64 ? ~0ull : (1ull << n) - 1) << b;

		if (absent)
			atomic_fetch_or_explicit(&m->absent[lo / 64], mask, memory_order_release);
		else
			atomic_fetch_and_explicit(&m->absent[lo / 64], ~mask, memory_order_release);
		lo += n;
	}
}

static bool frames_all(const struct hv_mem *m, uint64_t lo, uint64_t hi, bool absent)
{
	while (lo < hi) {
		uint64_t b = lo % 64, n = hi - lo < 64 - b ? hi - lo : 64 - b;
		uint64_t mask = (n == 64 ? ~0ull : (1ull << n) - 1) << b;
		uint64_t w = atomic_load_explicit(&m->absent[lo / 64], memory_order_relaxed);

		if ((w & mask) != (absent ? mask : 0))
			return false;
		lo += n;
	}
	return true;
}

/* The memfd offset of frames [lo, lo + n) if they lie in one RAM range. */
static bool ram_offset(const struct hv_mem *m, uint64_t lo, uint64_t n, uint64_t *off)
{
	uint64_t base = 0;

	if (lo >= nr_frames(m) || n > nr_frames(m) - lo)
		return false; /* also keeps the shifts below from overflowing */
	for (unsigned i = 0; i < m->nr_ranges; i++) {
		const struct hv_mem_range *r = &m->ranges[i];
		uint64_t gpa = lo * HV_PAGE_SIZE, len = n * HV_PAGE_SIZE;

		if (gpa >= r->gpa && gpa - r->gpa < r->size && len <= r->size - (gpa - r->gpa)) {
			*off = base + (gpa - r->gpa);
			return true;
		}
		base += r->size;
	}
	return false;
}

/* Whether the frame just outside an extent is given back: this decides if
 * the extent opens, extends or joins holes. */
static int absent_at(const struct hv_mem *m, uint64_t f, bool valid)
{
	return valid && f < nr_frames(m) && frame_absent(m, f);
}

static void add_run(struct run *runs, unsigned *nr, uint64_t lo, uint64_t hi, uint64_t idx,
		    int holes)
{
	struct run *last = *nr ? &runs[*nr - 1] : NULL;

	if (last && lo == last->hi) {
		last->hi = hi;
	} else if (last && hi == last->lo) {
		last->lo = lo;
	} else {
		runs[(*nr)++] = (struct run){ lo, hi, idx, 0 };
		last = &runs[*nr - 1];
	}
	last->holes += holes;
}

/* Unmap first, punch second: if the mapping cannot be replaced, nothing
 * changed; once it is replaced, the guest can no longer reach the pages. */
static int unmap_run(struct hv_domain *d, const struct run *r)
{
	struct hv_mem *m = &d->mem;
	uint64_t off, len = (r->hi - r->lo) * HV_PAGE_SIZE;

	if (!ram_offset(m, r->lo, r->hi - r->lo, &off))
		return -EINVAL;
	if (mmap(m->base + r->lo * HV_PAGE_SIZE, len, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) == MAP_FAILED)
		return -errno;
	hv_mem_changed(d);
	if (fallocate(m->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len))
		hv_log(d, HV_LOG_WARN, "cannot return %llu KiB of guest RAM to the host: %s",
		       (unsigned long long)(len >> 10), strerror(errno));
	return 0;
}

static int map_run(struct hv_domain *d, const struct run *r)
{
	struct hv_mem *m = &d->mem;
	uint8_t *va = m->base + r->lo * HV_PAGE_SIZE;
	uint64_t off, len = (r->hi - r->lo) * HV_PAGE_SIZE;
	int err;

	if (!ram_offset(m, r->lo, r->hi - r->lo, &off))
		return -EINVAL;
	hv_mem_changed(d);
	if (mmap(va, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED | MAP_NORESERVE, m->fd,
		 (off_t)off) != MAP_FAILED)
		return 0;
	err = -errno;
	/* A failed MAP_FIXED may have left the range unmapped: keep it
	 * reserved so that nothing else can land inside the guest span. */
	mmap(va, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
	return err;
}

/* Undoes the bookkeeping of runs [0, n) that could not be applied. */
static void rollback(struct hv_domain *d, const struct run *runs, unsigned n, bool release)
{
	for (unsigned i = 0; i < n; i++) {
		uint64_t pages = runs[i].hi - runs[i].lo;

		set_frames(&d->mem, runs[i].lo, runs[i].hi, !release);
		d->mem_holes = (unsigned)((int)d->mem_holes - runs[i].holes);
		if (release) {
			atomic_fetch_sub(&d->mem.nr_absent, pages);
		} else {
			atomic_fetch_add(&d->mem.nr_absent, pages);
			d->mem_cur_pages -= pages;
			hv_mem_host_uncharge(pages);
		}
	}
}

/* One extent's checks and bookkeeping; the mapping work comes later. */
static bool take_extent(struct hv_domain *d, uint64_t lo, uint64_t np, bool release, int *holes)
{
	struct hv_mem *m = &d->mem;
	uint64_t off;
	int side;

	if (!ram_offset(m, lo, np, &off) || !frames_all(m, lo, lo + np, !release))
		return false;
	/* hospes-hv writes event state into these frames: giving one back
	 * would leave it writing into a hole (SPEC.md §11.4). */
	if (release && evtchn_frames_in_use(d, lo, lo + np))
		return false;
	/* Grants: a granted frame someone maps or copies must not become a
	 * hole under them, nor a grant mapping be replaced (SPEC.md §14). */
	if (gnttab_frames_in_use(d, lo, lo + np))
		return false;
	side = absent_at(m, lo - 1, lo > 0) + absent_at(m, lo + np, true);
	*holes = release ? 1 - side : side - 1;
	if (*holes > 0 && d->mem_holes + (unsigned)*holes > HV_BALLOON_MAX_HOLES)
		return false;
	if (!release) {
		if (d->mem_cur_pages >= d->mem_max_pages || d->mem_max_pages - d->mem_cur_pages < np)
			return false;
		if (hv_mem_host_charge(1, np) != 1)
			return false;
		d->mem_cur_pages += np;
		atomic_fetch_sub(&m->nr_absent, np);
	} else {
		atomic_fetch_add(&m->nr_absent, np);
	}
	set_frames(m, lo, lo + np, release);
	d->mem_holes = (unsigned)((int)d->mem_holes + *holes);
	return true;
}

static uint64_t balloon_op(struct hv_domain *d, const uint64_t *gfns, uint64_t n, unsigned order,
			   bool release)
{
	struct run runs[BALLOON_BATCH];
	uint64_t np = 1ull << order, done = 0;
	unsigned nr = 0;

	if (order > HV_BALLOON_MAX_ORDER || !n)
		return 0;
	if (n > BALLOON_BATCH)
		n = BALLOON_BATCH;
	pthread_mutex_lock(&d->balloon_lock);
	if (!d->mem_accounted || !d->mem.absent) {
		pthread_mutex_unlock(&d->balloon_lock);
		return 0;
	}
	/* Exclusive: no gmem_* copy runs while frames change state. */
	pthread_rwlock_wrlock(&d->mem.maplock);
	for (; done < n; done++) {
		int holes;

		if (!take_extent(d, gfns[done], np, release, &holes))
			break;
		add_run(runs, &nr, gfns[done], gfns[done] + np, done, holes);
	}
	for (unsigned i = 0; i < nr; i++) {
		int r = release ? unmap_run(d, &runs[i]) : map_run(d, &runs[i]);

		if (r) {
			hv_log(d, HV_LOG_WARN, "cannot %s guest frames 0x%llx-0x%llx: %s",
			       release ? "unmap" : "map", (unsigned long long)runs[i].lo,
			       (unsigned long long)runs[i].hi - 1, strerror(-r));
			rollback(d, &runs[i], nr - i, release);
			done = runs[i].first;
			break;
		}
	}
	if (release) {
		d->mem_cur_pages -= done * np;
		hv_mem_host_uncharge(done * np);
	}
	pthread_rwlock_unlock(&d->mem.maplock);
	pthread_mutex_unlock(&d->balloon_lock);
	return done;
}

uint64_t hv_balloon_release(struct hv_domain *d, const uint64_t *gfns, uint64_t n, unsigned order)
{
	return balloon_op(d, gfns, n, order, true);
}

uint64_t hv_balloon_populate(struct hv_domain *d, const uint64_t *gfns, uint64_t n,
			     unsigned order)
{
	return balloon_op(d, gfns, n, order, false);
}

uint64_t hv_balloon_charge(struct hv_domain *d, uint64_t n, unsigned order)
{
	uint64_t np = 1ull << order, k = 0;

	if (order > HV_BALLOON_MAX_ORDER)
		return 0;
	pthread_mutex_lock(&d->balloon_lock);
	if (d->mem_accounted && d->mem_cur_pages < d->mem_max_pages) {
		k = (d->mem_max_pages - d->mem_cur_pages) / np;
		k = hv_mem_host_charge(n < k ? n : k, np);
		d->mem_cur_pages += k * np;
	}
	pthread_mutex_unlock(&d->balloon_lock);
	return k;
}

unsigned hv_balloon_holes(struct hv_domain *d)
{
	unsigned n;

	pthread_mutex_lock(&d->balloon_lock);
	n = d->mem_holes;
	pthread_mutex_unlock(&d->balloon_lock);
	return n;
}
