/* gnttab_pin.c: the granter's side of a grant in use: validating an entry
 * for a grantee, the GTF_reading/GTF_writing bits set and cleared with
 * atomic operations against a racing guest, per-ref counts, and which of
 * a domain's frames must stay put (overlays, pins) for the balloon. */
#include "evtchn.h"
#include "gnttab.h"
#include "hv_balloon.h"

#define NR_ACT ((size_t)GNTTAB_LIMIT_FRAMES * GNTTAB_ENTRIES_PER_FRAME)

/* Whether a pinned ref grants a frame of [lo, hi). Caller holds the lock. */
bool gnttab_any_pinned(const struct gnttab *g, uint64_t lo, uint64_t hi)
{
	for (size_t i = 0; g->nr_pinned && i < g->pin_hi; i++) {
		const struct gnttab_active *a = &g->act[i];

		if ((a->rd || a->wr) && a->gfn >= lo && a->gfn < hi)
			return true;
	}
	return false;
}

static bool is_table_frame(const struct gnttab *g, uint64_t lo, uint64_t hi)
{
	for (unsigned i = 0; i < g->nr_frames; i++)
		if (g->gpfn[i] >= lo && g->gpfn[i] < hi)
			return true;
	return false;
}

/* Whether gfn is a page hospes-hv overlays in d (shared_info, a table
 * frame): the RAM page under it is not what the guest sees, so it can be
 * neither granted nor a table frame. Caller holds the gnttab lock and the
 * maplock (shinfo_gpfn changes under its write side). */
bool gnttab_is_overlay(struct hv_domain *d, uint64_t gfn)
{
	uint64_t shinfo = d->evtchn ? d->evtchn->shinfo_gpfn : EVTCHN_NO_GPFN;

	return is_table_frame(d->gnttab, gfn, gfn + 1) || shinfo == gfn;
}

/* The entry's {flags, domid} word, updated with cmpxchg: the guest may
 * rewrite the entry at any moment. */
static _Atomic uint32_t *entry_word(struct gnttab *g, uint32_t ref)
{
	return (_Atomic uint32_t *)(g->tab + (size_t)ref * sizeof(struct grant_entry_v1));
}

static uint32_t entry_frame(struct gnttab *g, uint32_t ref)
{
	return atomic_load((_Atomic uint32_t *)(g->tab + (size_t)ref * 8 + 4));
}

/* Sets GTF_reading (and GTF_writing) if the entry still grants grantee the
 * access; GNTST_*. */
static int mark_in_use(struct gnttab *g, uint32_t ref, domid_t grantee, bool ro)
{
	_Atomic uint32_t *w = entry_word(g, ref);
	uint32_t old = atomic_load(w);

	for (;;) {
		uint32_t flags = old & 0xffff, dom = old >> 16, new;

		if ((flags & GTF_type_mask) != GTF_permit_access || dom != grantee)
			return GNTST_bad_gntref;
		if (!ro && (flags & GTF_readonly))
			return GNTST_permission_denied;
		new = old | GTF_reading | (ro ? 0 : GTF_writing);
		if (new == old || atomic_compare_exchange_weak(w, &old, new))
			return GNTST_okay;
	}
}

int gnttab_pin(struct hv_domain *granter, domid_t grantee, uint32_t ref, bool ro, uint32_t *gfn)
{
	struct gnttab *g = granter->gnttab;
	struct gnttab_active *a;
	int st;

	/* Shared maplock: ballooning (exclusive) sees the pin or we see the
	 * frame gone, never half of each. */
	pthread_rwlock_rdlock(&granter->mem.maplock);
	pthread_mutex_lock(&g->lock);
	if (ref >= g->nr_frames * GNTTAB_ENTRIES_PER_FRAME) {
		st = GNTST_bad_gntref;
		goto out;
	}
	a = &g->act[ref];
	if ((st = mark_in_use(g, ref, grantee, ro)))
		goto out;
	if (a->rd + a->wr == 0) {
		uint32_t f = entry_frame(g, ref);
		struct hv_mem *m = &granter->mem;

		if (gnttab_ram_offset(m, f) < 0 || hv_balloon_is_absent(m, f) ||
		    gnttab_is_overlay(granter, f) ||
		    (m->gntmapped && (atomic_load(&m->gntmapped[f / 64]) >> (f % 64)) & 1)) {
			st = GNTST_bad_page;
			/* undo the bits we may have set */
			atomic_fetch_and((_Atomic uint16_t *)entry_word(g, ref),
					 (uint16_t)~(GTF_reading | GTF_writing));
			goto out;
		}
		a->gfn = f;
		g->nr_pinned++;
		if (ref >= g->pin_hi)
			g->pin_hi = ref + 1;
	}
	if (ro)
		a->rd++;
	else
		a->wr++;
	*gfn = a->gfn;
out:
	pthread_mutex_unlock(&g->lock);
	pthread_rwlock_unlock(&granter->mem.maplock);
	return st;
}

void gnttab_unpin(struct hv_domain *granter, uint32_t ref, bool ro)
{
	struct gnttab *g = granter->gnttab;
	struct gnttab_active *a;
	uint16_t clear = 0;

	pthread_mutex_lock(&g->lock);
	if (ref >= NR_ACT)
		goto out;
	a = &g->act[ref];
	if (ro && a->rd)
		a->rd--;
	else if (!ro && a->wr)
		a->wr--;
	else
		goto out;
	if (!a->wr)
		clear |= GTF_writing;
	if (!a->rd && !a->wr) {
		clear |= GTF_reading;
		g->nr_pinned--;
	}
	if (clear)
		atomic_fetch_and((_Atomic uint16_t *)entry_word(g, ref), (uint16_t)~clear);
out:
	pthread_mutex_unlock(&g->lock);
}

bool gnttab_frames_in_use(struct hv_domain *d, uint64_t lo, uint64_t hi)
{
	struct gnttab *g = d->gnttab;
	struct hv_mem *m = &d->mem;
	bool r = false;

	if (!g)
		return false;
	if (m->gntmapped && atomic_load(&m->nr_gntmapped))
		for (uint64_t f = lo; f < hi && f < m->span / HV_PAGE_SIZE; f++)
			if ((atomic_load(&m->gntmapped[f / 64]) >> (f % 64)) & 1)
				return true;
	pthread_mutex_lock(&g->lock);
	r = is_table_frame(g, lo, hi) || gnttab_any_pinned(g, lo, hi);
	pthread_mutex_unlock(&g->lock);
	return r;
}
