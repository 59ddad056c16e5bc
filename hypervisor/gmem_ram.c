/* gmem_ram.c: a domain's RAM: one memfd mapped into a reserved host VA
 * range that mirrors the guest-physical address space. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hv.h"

void gmem_ram_layout(struct hv_mem *m, uint64_t size)
{
	uint64_t low = size < HV_LOWMEM_MAX ? size : HV_LOWMEM_MAX;

	m->size = size;
	m->nr_ranges = 1;
	m->ranges[0] = (struct hv_mem_range){ 0, low };
	m->span = low;
	if (size > low) {
		m->ranges[1] = (struct hv_mem_range){ HV_HIGHMEM_BASE, size - low };
		m->nr_ranges = 2;
		m->span = HV_HIGHMEM_BASE + (size - low);
	}
}

int gmem_ram_create(struct hv_mem *m, uint64_t size, const char *name)
{
	uint64_t off = 0;
	int err;

	memset(m, 0, sizeof(*m));
	m->fd = -1;
	pthread_rwlock_init(&m->maplock, NULL);
	gmem_ram_layout(m, size);
	m->fd = memfd_create(name, MFD_CLOEXEC);
	if (m->fd < 0)
		return -errno;
	if (ftruncate(m->fd, (off_t)size) < 0)
		goto fail;
	/* Reserve the whole span first so that the hole stays inaccessible
	 * and nothing else can be mapped between the ranges. */
	void *base = mmap(NULL, m->span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			  -1, 0);
	if (base == MAP_FAILED)
		goto fail;
	m->base = base;
	for (unsigned i = 0; i < m->nr_ranges; i++) {
		void *p = mmap(m->base + m->ranges[i].gpa, m->ranges[i].size,
			       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED | MAP_NORESERVE, m->fd,
			       (off_t)off);
		if (p == MAP_FAILED)
			goto fail;
		off += m->ranges[i].size;
	}
	return 0;
fail:
	err = -errno;
	gmem_ram_destroy(m);
	return err;
}

void gmem_ram_destroy(struct hv_mem *m)
{
	if (m->base)
		munmap(m->base, m->span);
	if (m->fd >= 0)
		close(m->fd);
	free((void *)m->absent);
	m->absent = NULL;
	m->base = NULL;
	m->fd = -1;
}

/* Whether any frame of [gpa, gpa + len) was given back by the guest. */
static bool any_absent(const struct hv_mem *m, uint64_t gpa, uint64_t len)
{
	if (!m->absent || !atomic_load_explicit(&m->nr_absent, memory_order_acquire))
		return false;
	for (uint64_t f = gpa / HV_PAGE_SIZE; f <= (gpa + len - 1) / HV_PAGE_SIZE; f++)
		if (atomic_load_explicit(&m->absent[f / 64], memory_order_acquire) &
		    (1ull << (f % 64)))
			return true;
	return false;
}

/* Grant tables: whether a frame of [gpa, gpa + len) carries a grant
 * mapping (hv.h: gmem_* leaves those alone). */
static bool any_gntmapped(const struct hv_mem *m, uint64_t gpa, uint64_t len)
{
	if (!m->gntmapped || !atomic_load_explicit(&m->nr_gntmapped, memory_order_acquire))
		return false;
	for (uint64_t f = gpa / HV_PAGE_SIZE; f <= (gpa + len - 1) / HV_PAGE_SIZE; f++)
		if (atomic_load_explicit(&m->gntmapped[f / 64], memory_order_acquire) &
		    (1ull << (f % 64)))
			return true;
	return false;
}

void *gmem_gpa_ptr(const struct hv_mem *m, uint64_t gpa, uint64_t len)
{
	if (len == 0)
		len = 1;
	for (unsigned i = 0; i < m->nr_ranges; i++) {
		const struct hv_mem_range *r = &m->ranges[i];

		if (gpa >= r->gpa && gpa - r->gpa < r->size && len <= r->size - (gpa - r->gpa))
			return any_absent(m, gpa, len) || any_gntmapped(m, gpa, len) ? NULL
											  : m->base + gpa;
	}
	return NULL;
}

void gmem_ram_zero(const struct hv_mem *m, uint64_t gpa, uint64_t len)
{
	uint8_t *p = gmem_gpa_ptr(m, gpa, len);
	uint64_t lo = (gpa + HV_PAGE_SIZE - 1) & ~(uint64_t)(HV_PAGE_SIZE - 1);
	uint64_t hi = (gpa + len) & ~(uint64_t)(HV_PAGE_SIZE - 1);
	uint64_t off = 0;

	if (!p || !len)
		return;
	for (unsigned i = 0; i < m->nr_ranges; i++) {
		if (gpa >= m->ranges[i].gpa && gpa - m->ranges[i].gpa < m->ranges[i].size) {
			off += gpa - m->ranges[i].gpa; /* file offset of gpa */
			break;
		}
		off += m->ranges[i].size;
	}
	/* A fresh domain's BSS: no host page needs to be allocated for it. */
	if (hi > lo && m->fd >= 0 &&
	    fallocate(m->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)(off + (lo - gpa)),
		      (off_t)(hi - lo)) == 0) {
		memset(p, 0, lo - gpa);
		memset(p + (hi - gpa), 0, gpa + len - hi);
		return;
	}
	memset(p, 0, len);
}
