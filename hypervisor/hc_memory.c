/* hc_memory.c: memory_op (hypercall 12): the sub-op table, dispatch, and the
 * sub-ops that only report (reservations, limits, the memory map). */
#include <pvabi/errno.h>
#include <pvabi/memory.h>

#include "hc.h"
#include "hc_memory.h"
#include "hv_balloon.h"
#include "hv_console_ring.h"
#include "hv_registry.h"

struct hc_memop {
	const char *name;
	hc_memop_fn *fn;
	hc_memop_res_fn *res; /* reservation sub-ops instead of fn */
};

#define MEMOP(n, f) [XENMEM_##n] = { #n, f, NULL }
#define MEMOP_RES(n, f) [XENMEM_##n] = { #n, NULL, f }

/* One row per implemented sub-op; rows without a handler return -ENOSYS,
 * which is also what Xen answers a PVH guest for the PV-only and toolstack
 * ones (machphys_mapping, machphys_mfn_list, set_memory_map, ...). */
static const struct hc_memop memop_table[MEMOP_CMD_MASK + 1] = {
	MEMOP_RES(increase_reservation, hc_memop_increase_reservation),
	MEMOP_RES(decrease_reservation, hc_memop_decrease_reservation),
	MEMOP_RES(populate_physmap, hc_memop_populate_physmap),
	MEMOP(maximum_ram_page, hc_memop_maximum_ram_page),
	MEMOP(current_reservation, hc_memop_current_reservation),
	MEMOP(maximum_reservation, hc_memop_maximum_reservation),
	MEMOP(maximum_gpfn, hc_memop_maximum_gpfn),
	MEMOP(memory_map, hc_memop_memory_map),
	/* Events (physmap.c): the shared_info overlay */
	MEMOP(add_to_physmap, hc_memop_add_to_physmap),
};

int64_t hc_memory_op(struct hv_vcpu *v, const uint64_t arg[PVABI_HYPERCALL_MAX_ARGS])
{
	const struct hc_memop *op = &memop_table[arg[0] & MEMOP_CMD_MASK];
	uint64_t start = arg[0] >> MEMOP_EXTENT_SHIFT;

	if (op->res)
		return op->res(v, arg[1], start);
	if (!op->fn)
		return -XEN_ENOSYS;
	/* Only the reservation sub-ops can be continued. */
	if (start)
		return -XEN_EINVAL;
	return op->fn(v, arg[1]);
}

int64_t hc_memop_check_domid(struct hv_vcpu *v, domid_t domid)
{
	struct hv_domain *other;

	if (domid == DOMID_SELF || domid == v->dom->id)
		return 0;
	if (domid >= DOMID_FIRST_RESERVED || !(other = hv_domain_get(domid)))
		return -XEN_ESRCH;
	hv_domain_put(other);
	return -XEN_EPERM;
}

/* Xen's max_page: one past the highest frame. A guest's frames are all
 * Hospes has to show it, so this is the end of its physical space. */
int64_t hc_memop_maximum_ram_page(struct hv_vcpu *v, uint64_t arg)
{
	(void)arg;
	return (int64_t)(v->dom->mem.span / HV_PAGE_SIZE);
}

/* current_reservation, maximum_reservation, maximum_gpfn: a domid_t in. */
static int64_t read_domid(struct hv_vcpu *v, uint64_t arg)
{
	domid_t domid;

	if (gmem_copy_from_guest(v, &domid, arg, sizeof(domid)))
		return -XEN_EFAULT;
	return hc_memop_check_domid(v, domid);
}

int64_t hc_memop_current_reservation(struct hv_vcpu *v, uint64_t arg)
{
	int64_t r = read_domid(v, arg);

	/* The guest's way to have --mem-stats measure at a point it chooses. */
	if (hv_mem_stats)
		hv_mem_log_stats(v->dom, "current_reservation");
	return r ? r : (int64_t)hv_mem_current_pages(v->dom);
}

int64_t hc_memop_maximum_reservation(struct hv_vcpu *v, uint64_t arg)
{
	int64_t r = read_domid(v, arg);

	return r ? r : (int64_t)hv_mem_max_pages(v->dom);
}

int64_t hc_memop_maximum_gpfn(struct hv_vcpu *v, uint64_t arg)
{
	int64_t r = read_domid(v, arg);

	return r ? r : (int64_t)(v->dom->mem.span / HV_PAGE_SIZE - 1);
}

/* The map given in hvm_start_info: one RAM entry per range, the xenstore
 * page (if any) a reserved entry cut from the end of the first. As in Xen,
 * a buffer with fewer entries gets the first ones and nr_entries says how
 * many were written; there is no error for a short buffer. */
int64_t hc_memop_memory_map(struct hv_vcpu *v, uint64_t arg)
{
	const struct hv_mem *m = &v->dom->mem;
	uint64_t rsv = hv_reserved_top_pages(v->dom) * (uint64_t)HV_PAGE_SIZE;
	struct xen_e820_entry e[HV_MEM_MAX_RANGES + 1];
	struct xen_memory_map map;
	unsigned n = 0;

	if (gmem_copy_from_guest(v, &map, arg, sizeof(map)))
		return -XEN_EFAULT;
	if (!m->nr_ranges)
		return -XEN_ENOSYS; /* no map was set for the domain */
	for (unsigned i = 0; i < m->nr_ranges; i++) {
		e[n++] = (struct xen_e820_entry){ m->ranges[i].gpa, m->ranges[i].size, XEN_E820_RAM };
		if (i == 0 && rsv) { /* the store and console ring pages */
			e[0].size -= rsv;
			e[n++] = (struct xen_e820_entry){ e[0].addr + e[0].size, rsv,
							  XEN_E820_RESERVED };
		}
	}
	if (map.nr_entries > n)
		map.nr_entries = n;
	if (gmem_copy_to_guest(v, map.buffer, e, map.nr_entries * sizeof(e[0])) ||
	    gmem_copy_to_guest(v, arg, &map, sizeof(map)))
		return -XEN_EFAULT;
	return 0;
}
