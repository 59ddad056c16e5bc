/* gnttab.c: a domain's grant table: storage (a memfd the guest maps with
 * add_to_physmap), growth, pinning entries for grantees with the GTF flag
 * protocol, and the checks other parts (ballooning) ask about. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "evtchn.h"
#include "gnttab.h"
#include "hv_balloon.h"

#define TAB_BYTES ((size_t)GNTTAB_LIMIT_FRAMES * HV_PAGE_SIZE)
#define NR_ACT ((size_t)GNTTAB_LIMIT_FRAMES * GNTTAB_ENTRIES_PER_FRAME)

unsigned gnttab_default_max_frames = GNTTAB_DEFAULT_MAX_FRAMES;
unsigned gnttab_default_max_maps = GNTTAB_DEFAULT_MAX_MAPS;

int gnttab_domain_init(struct hv_domain *d)
{
	struct gnttab *g = calloc(1, sizeof(*g));

	if (!g)
		return -ENOMEM;
	pthread_mutex_init(&g->lock, NULL);
	g->max_frames = gnttab_default_max_frames;
	g->tab_frames = GNTTAB_LIMIT_FRAMES;
	g->tab = MAP_FAILED;
	gnttab_maptab_init(&g->maps, gnttab_default_max_maps);
	g->gpfn = malloc(GNTTAB_LIMIT_FRAMES * sizeof(*g->gpfn));
	g->act = calloc(NR_ACT, sizeof(*g->act)); /* untouched pages cost nothing */
	g->fd = memfd_create("hospes-gnttab", MFD_CLOEXEC);
	d->gnttab = g;
	if (!g->gpfn || !g->act || g->fd < 0 || ftruncate(g->fd, (off_t)TAB_BYTES))
		return -ENOMEM;
	g->tab = mmap(NULL, TAB_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, g->fd, 0);
	if (g->tab == MAP_FAILED)
		return -ENOMEM;
	for (unsigned i = 0; i < GNTTAB_LIMIT_FRAMES; i++)
		g->gpfn[i] = GNTTAB_NO_GPFN;
	return 0;
}

void gnttab_domain_fini(struct hv_domain *d)
{
	struct gnttab *g = d->gnttab;

	if (!g)
		return;
	gnttab_maptab_release(&g->maps, d);
	free((void *)d->mem.gntmapped);
	d->mem.gntmapped = NULL;
	/* Grantees still mapping this domain's frames keep the RAM memfd's
	 * pages through their own mappings; their pins die with us. */
	if (g->tab != MAP_FAILED)
		munmap(g->tab, TAB_BYTES);
	if (g->fd >= 0)
		close(g->fd);
	free(g->gpfn);
	free(g->act);
	pthread_mutex_destroy(&g->lock);
	free(g);
	d->gnttab = NULL;
}

int gnttab_set_limits(struct hv_domain *d, unsigned max_frames, unsigned max_maps)
{
	struct gnttab *g = d->gnttab;

	if (!max_frames || max_frames > GNTTAB_LIMIT_FRAMES || !max_maps ||
	    max_maps > GNTTAB_LIMIT_MAPS)
		return -EINVAL;
	pthread_mutex_lock(&g->lock);
	if (g->nr_frames > max_frames) {
		pthread_mutex_unlock(&g->lock);
		return -EINVAL;
	}
	g->max_frames = max_frames;
	pthread_mutex_unlock(&g->lock);
	pthread_mutex_lock(&g->maps.lock);
	if (!g->maps.slots)
		g->maps.max = max_maps;
	pthread_mutex_unlock(&g->maps.lock);
	return 0;
}

int64_t gnttab_ram_offset(const struct hv_mem *m, uint64_t gfn)
{
	uint64_t off = 0, gpa;

	if (gfn > (UINT64_MAX >> 12))
		return -1;
	gpa = gfn << 12;
	for (unsigned i = 0; i < m->nr_ranges; i++) {
		const struct hv_mem_range *r = &m->ranges[i];

		if (gpa >= r->gpa && gpa - r->gpa < r->size)
			return (int64_t)(off + gpa - r->gpa);
		off += r->size;
	}
	return -1;
}

int gnttab_grow(struct hv_domain *d, unsigned n)
{
	struct gnttab *g = d->gnttab;
	int st = GNTST_okay;

	pthread_mutex_lock(&g->lock);
	if (n > g->max_frames)
		st = GNTST_general_error;
	else if (n > g->nr_frames)
		g->nr_frames = n; /* the memfd pages read zeros: invalid entries */
	pthread_mutex_unlock(&g->lock);
	return st;
}

void gnttab_size(struct hv_domain *d, unsigned *nr_frames, unsigned *max_frames)
{
	struct gnttab *g = d->gnttab;

	pthread_mutex_lock(&g->lock);
	*nr_frames = g->nr_frames;
	*max_frames = g->max_frames;
	pthread_mutex_unlock(&g->lock);
}

uint64_t gnttab_frame_gpfn(struct hv_domain *d, unsigned i)
{
	struct gnttab *g = d->gnttab;
	uint64_t r;

	if (i >= GNTTAB_LIMIT_FRAMES)
		return GNTTAB_NO_GPFN;
	pthread_mutex_lock(&g->lock);
	r = i < g->nr_frames ? g->gpfn[i] : GNTTAB_NO_GPFN;
	pthread_mutex_unlock(&g->lock);
	return r;
}

static int map_page(struct hv_mem *m, uint64_t gfn, int fd, int64_t off)
{
	void *p = mmap(m->base + (gfn << 12), HV_PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_FIXED, fd, (off_t)off);

	return p == MAP_FAILED ? -errno : 0;
}

int gnttab_physmap(struct hv_domain *d, uint64_t idx, uint64_t gpfn)
{
	struct gnttab *g = d->gnttab;
	struct hv_mem *m = &d->mem;
	int64_t off;
	int r = -EINVAL;

	/* Given-back frames are fine (Linux puts its table in ballooned
	 * frames); they stay given back underneath. */
	if (m->fd < 0 || (off = gnttab_ram_offset(m, gpfn)) < 0)
		return -EINVAL;
	/* Exclusive: no gmem_* copy runs while the frame changes. */
	pthread_rwlock_wrlock(&m->maplock);
	pthread_mutex_lock(&g->lock);
	if (idx >= g->max_frames)
		goto out;
	if (g->gpfn[idx] == gpfn) {
		r = 0;
		goto out;
	}
	/* A frame granted and in use stays RAM: the grantee holds that page. */
	if (gnttab_is_overlay(d, gpfn) || gnttab_any_pinned(g, gpfn, gpfn + 1) ||
	    evtchn_frames_in_use(d, gpfn, gpfn + 1) ||
	    (m->gntmapped && (atomic_load(&m->gntmapped[gpfn / 64]) >> (gpfn % 64)) & 1))
		goto out;
	if ((r = map_page(m, gpfn, g->fd, (int64_t)idx * (int64_t)HV_PAGE_SIZE)))
		goto out;
	/* As for shared_info: the RAM page under the overlay is freed. */
	fallocate(m->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, HV_PAGE_SIZE);
	if (g->gpfn[idx] != GNTTAB_NO_GPFN) {
		uint64_t old = g->gpfn[idx];

		if (hv_balloon_is_absent(m, old)
			    ? mmap(m->base + (old << 12), HV_PAGE_SIZE, PROT_NONE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1,
				   0) == MAP_FAILED
			    : map_page(m, old, m->fd, gnttab_ram_offset(m, old)) != 0)
			hv_log(d, HV_LOG_ERROR, "cannot restore RAM at frame 0x%llx",
			       (unsigned long long)old);
	}
	g->gpfn[idx] = gpfn;
	hv_mem_changed(d);
	if (idx + 1 > g->nr_frames)
		g->nr_frames = (unsigned)idx + 1;
out:
	pthread_mutex_unlock(&g->lock);
	pthread_rwlock_unlock(&m->maplock);
	return r;
}
