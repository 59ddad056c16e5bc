/* gnttab_map.c: map_grant_ref / unmap_grant_ref: a grantee's active
 * mappings (handles), the host overlay of the granter's RAM page at the
 * grantee's GPA, and the same bookkeeping for dom0 over the control socket. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "evtchn.h"
#include "gnttab.h"
#include "hv_balloon.h"
#include "hv_registry.h"

enum { SLOT_FREE, SLOT_BUSY, SLOT_ACTIVE };

/* uuid tells a granter apart from a later domain reusing its id. */
struct gnttab_map {
	uint8_t state;
	bool ro;
	domid_t dom;
	uint32_t ref;
	uint64_t gpa; /* guest grantee: where it is mapped */
	uint8_t uuid[16];
};

void gnttab_maptab_init(struct gnttab_maptab *t, unsigned max)
{
	pthread_mutex_init(&t->lock, NULL);
	t->slots = NULL;
	t->max = max;
	t->used = 0;
}

/* The granter (a reference unless it is self), or NULL. A granter that
 * shut down still counts until it is destroyed, as in Xen: backends
 * finish its last requests (SPEC.md §14.6). */
static struct hv_domain *granter_get(struct hv_domain *self, domid_t dom)
{
	if (self && dom == self->id)
		return self;
	if (dom == 0 || dom >= DOMID_FIRST_RESERVED)
		return NULL;
	return hv_domain_get(dom);
}

static void granter_put(struct hv_domain *self, struct hv_domain *g)
{
	if (g && g != self)
		hv_domain_put(g);
}

/* Reserves a slot: its index, or -1 if the table is full. */
static long slot_reserve(struct gnttab_maptab *t)
{
	long h = -1;

	pthread_mutex_lock(&t->lock);
	if (!t->slots)
		t->slots = calloc(t->max, sizeof(*t->slots));
	if (t->slots && t->used < t->max)
		for (unsigned i = 0; i < t->max; i++)
			if (t->slots[i].state == SLOT_FREE) {
				t->slots[i].state = SLOT_BUSY;
				t->used++;
				h = i;
				break;
			}
	pthread_mutex_unlock(&t->lock);
	return h;
}

static void slot_set(struct gnttab_maptab *t, long h, const struct gnttab_map *m)
{
	pthread_mutex_lock(&t->lock);
	t->slots[h] = *m;
	pthread_mutex_unlock(&t->lock);
}

static void slot_free(struct gnttab_maptab *t, long h)
{
	pthread_mutex_lock(&t->lock);
	memset(&t->slots[h], 0, sizeof(t->slots[h]));
	t->used--;
	pthread_mutex_unlock(&t->lock);
}

/* Takes active slot h for unmapping (BUSY): 0, or GNTST_bad_handle. */
static int slot_take(struct gnttab_maptab *t, uint32_t h, struct gnttab_map *out)
{
	int st = GNTST_bad_handle;

	pthread_mutex_lock(&t->lock);
	if (t->slots && h < t->max && t->slots[h].state == SLOT_ACTIVE) {
		*out = t->slots[h];
		t->slots[h].state = SLOT_BUSY;
		st = GNTST_okay;
	}
	pthread_mutex_unlock(&t->lock);
	return st;
}

/* Gives back one pin, if the granter still is the domain that granted. */
static void unpin(struct hv_domain *self, const struct gnttab_map *m)
{
	struct hv_domain *g = granter_get(self, m->dom);

	if (g && !memcmp(g->uuid, m->uuid, sizeof(m->uuid)))
		gnttab_unpin(g, m->ref, m->ro);
	granter_put(self, g);
}

void gnttab_maptab_release(struct gnttab_maptab *t, struct hv_domain *self)
{
	pthread_mutex_lock(&t->lock);
	for (unsigned i = 0; t->slots && i < t->max; i++)
		if (t->slots[i].state == SLOT_ACTIVE)
			unpin(self, &t->slots[i]);
	free(t->slots);
	t->slots = NULL;
	t->used = 0;
	pthread_mutex_unlock(&t->lock);
}

static bool frame_mapped(const struct hv_mem *m, uint64_t f)
{
	return m->gntmapped && (atomic_load(&m->gntmapped[f / 64]) >> (f % 64)) & 1;
}

static void mark_mapped(struct hv_mem *m, uint64_t f, bool on)
{
	uint64_t bit = 1ull << (f % 64);

	if (on) {
		atomic_fetch_or(&m->gntmapped[f / 64], bit);
		atomic_fetch_add(&m->nr_gntmapped, 1);
	} else {
		atomic_fetch_and(&m->gntmapped[f / 64], ~bit);
		atomic_fetch_sub(&m->nr_gntmapped, 1);
	}
}

/* Overlays the granter's page at the grantee's frame f. Caller holds the
 * grantee's maplock exclusively. */
static int overlay(struct hv_domain *d, uint64_t f, int fd, int64_t off, bool ro)
{
	struct hv_mem *m = &d->mem;

	if (!m->gntmapped) {
		m->gntmapped = calloc((m->span / HV_PAGE_SIZE + 63) / 64, sizeof(uint64_t));
		if (!m->gntmapped)
			return GNTST_general_error;
	}
	if (frame_mapped(m, f) || gnttab_frames_in_use(d, f, f + 1) ||
	    evtchn_frames_in_use(d, f, f + 1))
		return GNTST_bad_virt_addr;
	if (mmap(m->base + f * HV_PAGE_SIZE, HV_PAGE_SIZE, ro ? PROT_READ : PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, fd, (off_t)off) == MAP_FAILED)
		return GNTST_general_error;
	hv_mem_changed(d);
	mark_mapped(m, f, true);
	return GNTST_okay;
}

/* Puts back what was under a grant mapping: the frame's own RAM page
 * (never punched, so with its old contents) or, for a given-back frame,
 * nothing. Caller holds the maplock exclusively. */
static void restore(struct hv_domain *d, uint64_t f)
{
	struct hv_mem *m = &d->mem;
	uint8_t *va = m->base + f * HV_PAGE_SIZE;
	void *p;

	if (hv_balloon_is_absent(m, f))
		p = mmap(va, HV_PAGE_SIZE, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
	else
		p = mmap(va, HV_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, m->fd,
			 (off_t)gnttab_ram_offset(m, f));
	if (p == MAP_FAILED)
		hv_log(d, HV_LOG_ERROR, "cannot restore guest frame 0x%llx after a grant unmap",
		       (unsigned long long)f);
	hv_mem_changed(d);
	mark_mapped(m, f, false);
}

void gnttab_map_guest(struct hv_domain *d, struct gnttab_map_grant_ref *op)
{
	struct gnttab_maptab *t = &d->gnttab->maps;
	bool ro = op->flags & GNTMAP_readonly;
	struct hv_domain *g = NULL;
	uint64_t f = op->host_addr / HV_PAGE_SIZE;
	uint32_t gfn;
	long h;
	int st;

	op->handle = UINT32_MAX;
	op->dev_bus_addr = 0;
	if (!(op->flags & GNTMAP_host_map) ||
	    (op->flags & (GNTMAP_device_map | GNTMAP_application_map | GNTMAP_contains_pte))) {
		op->status = GNTST_general_error;
		return;
	}
	if ((op->host_addr & (HV_PAGE_SIZE - 1)) || gnttab_ram_offset(&d->mem, f) < 0) {
		op->status = GNTST_bad_virt_addr;
		return;
	}
	if (!(g = granter_get(d, op->dom))) {
		op->status = GNTST_bad_domain;
		return;
	}
	if ((h = slot_reserve(t)) < 0) {
		op->status = GNTST_no_space;
		goto out;
	}
	if ((st = gnttab_pin(g, d->id, op->ref, ro, &gfn))) {
		slot_free(t, h);
		op->status = (int16_t)st;
		goto out;
	}
	pthread_rwlock_wrlock(&d->mem.maplock);
	st = overlay(d, f, g->mem.fd, gnttab_ram_offset(&g->mem, gfn), ro);
	pthread_rwlock_unlock(&d->mem.maplock);
	if (st) {
		gnttab_unpin(g, op->ref, ro);
		slot_free(t, h);
		op->status = (int16_t)st;
		goto out;
	}
	struct gnttab_map m = { SLOT_ACTIVE, ro, g->id, op->ref, op->host_addr, { 0 } };

	memcpy(m.uuid, g->uuid, sizeof(m.uuid));
	slot_set(t, h, &m);
	op->handle = (uint32_t)h;
	op->status = GNTST_okay;
out:
	granter_put(d, g);
}

void gnttab_unmap_guest(struct hv_domain *d, struct gnttab_unmap_grant_ref *op)
{
	struct gnttab_maptab *t = &d->gnttab->maps;
	struct gnttab_map m;

	if ((op->status = (int16_t)slot_take(t, op->handle, &m)))
		return;
	if (m.gpa != op->host_addr) {
		slot_set(t, op->handle, &m); /* back to active, untouched */
		op->status = GNTST_bad_virt_addr;
		return;
	}
	pthread_rwlock_wrlock(&d->mem.maplock);
	restore(d, m.gpa / HV_PAGE_SIZE);
	pthread_rwlock_unlock(&d->mem.maplock);
	unpin(d, &m);
	slot_free(t, op->handle);
	op->status = GNTST_okay;
}

int gnttab_map_dom0(struct gnttab_maptab *t, domid_t dom, uint32_t ref, bool ro,
		    uint64_t *offset, uint32_t *handle)
{
	struct hv_domain *g = granter_get(NULL, dom);
	uint32_t gfn;
	long h;
	int st;

	if (!g)
		return GNTST_bad_domain;
	if ((h = slot_reserve(t)) < 0) {
		st = GNTST_no_space;
		goto out;
	}
	if ((st = gnttab_pin(g, 0, ref, ro, &gfn))) {
		slot_free(t, h);
		goto out;
	}
	struct gnttab_map m = { SLOT_ACTIVE, ro, g->id, ref, 0, { 0 } };

	memcpy(m.uuid, g->uuid, sizeof(m.uuid));
	slot_set(t, h, &m);
	*offset = (uint64_t)gnttab_ram_offset(&g->mem, gfn);
	*handle = (uint32_t)h;
out:
	granter_put(NULL, g);
	return st;
}

int gnttab_unmap_dom0(struct gnttab_maptab *t, uint32_t handle)
{
	struct gnttab_map m;
	int st = slot_take(t, handle, &m);

	if (st)
		return st;
	unpin(NULL, &m);
	slot_free(t, handle);
	return GNTST_okay;
}
