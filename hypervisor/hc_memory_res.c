/* hc_memory_res.c: memory_op's reservation sub-ops: increase_reservation,
 * decrease_reservation and populate_physmap. */
#include <stdint.h>

#include <pvabi/errno.h>
#include <pvabi/memory.h>

#include "hc.h"
#include "hc_memory.h"
#include "hv_balloon.h"

/* Frame numbers read from the guest per batch (one guest page). */
#define RES_CHUNK 512u

/* Xen answers every problem with the reservation itself (unreadable, too
 * many extents, another domain, bad flags) by returning the start index,
 * i.e. "no extent done", rather than an errno. */
static bool read_res(struct hv_vcpu *v, uint64_t arg, uint64_t start,
		     struct xen_memory_reservation *res)
{
	unsigned bits;

	if (gmem_copy_from_guest(v, res, arg, sizeof(*res)))
		return false;
	/* The count must leave room for Xen's continuation encoding. */
	if (res->nr_extents > (UINT32_MAX >> MEMOP_EXTENT_SHIFT) || start >= res->nr_extents)
		return false;
	if (hc_memop_check_domid(v, res->domid))
		return false;
	bits = XENMEMF_get_address_bits(res->mem_flags);
	if (bits && bits <= PVABI_PAGE_SHIFT)
		return false; /* no frame could satisfy it */
	return res->extent_order <= HV_BALLOON_MAX_ORDER;
}

typedef uint64_t balloon_fn(struct hv_domain *d, const uint64_t *gfns, uint64_t n,
			    unsigned order);

/* Feeds the guest's frame list to fn a batch at a time; each batch is read
 * within one guest page so that an unreadable entry stops the call exactly
 * there. Returns the index of the first extent not done. */
static uint64_t walk_list(struct hv_vcpu *v, const struct xen_memory_reservation *res,
			  uint64_t i, balloon_fn *fn)
{
	uint64_t gfns[RES_CHUNK];

	while (i < res->nr_extents) {
		uint64_t gva = res->extent_start + i * sizeof(uint64_t);
		uint64_t n = (HV_PAGE_SIZE - (gva & (HV_PAGE_SIZE - 1))) / sizeof(uint64_t), done;

		if (n == 0)
			n = 1; /* an unaligned entry straddling two pages */
		if (n > res->nr_extents - i)
			n = res->nr_extents - i;
		if (n > RES_CHUNK)
			n = RES_CHUNK;
		if (gmem_copy_from_guest(v, gfns, gva, n * sizeof(uint64_t)))
			break;
		done = fn(v->dom, gfns, n, res->extent_order);
		i += done;
		if (done < n)
			break;
	}
	return i;
}

/* For an auto-translated guest Xen allocates the pages but maps them
 * nowhere and writes no frame numbers back; Hospes charges them to the
 * domain (and the host budget) without backing them. */
int64_t hc_memop_increase_reservation(struct hv_vcpu *v, uint64_t arg, uint64_t start)
{
	struct xen_memory_reservation res;

	uint64_t done = start;

	if (read_res(v, arg, start, &res))
		done += hv_balloon_charge(v->dom, res.nr_extents - start, res.extent_order);
	return (int64_t)done;
}

int64_t hc_memop_decrease_reservation(struct hv_vcpu *v, uint64_t arg, uint64_t start)
{
	struct xen_memory_reservation res;

	uint64_t done = start;

	if (read_res(v, arg, start, &res))
		done = walk_list(v, &res, start, hv_balloon_release);
	return (int64_t)done;
}

int64_t hc_memop_populate_physmap(struct hv_vcpu *v, uint64_t arg, uint64_t start)
{
	struct xen_memory_reservation res;

	uint64_t done = start;

	/* Xen refuses populate-on-demand entries on the caller itself. */
	if (read_res(v, arg, start, &res) && !(res.mem_flags & XENMEMF_populate_on_demand))
		done = walk_list(v, &res, start, hv_balloon_populate);
	return (int64_t)done;
}
