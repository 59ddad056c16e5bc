/* memory.c: memory_op wrappers and the balloon helpers (give frames back to
 * the hypervisor, get them back). */
#include "internal.h"

long pvabi_memory_op(unsigned int cmd, void *arg)
{
	return pvabi_hypercall2(HYPERCALL_memory_op, cmd, (unsigned long)arg);
}

/* One reservation call; the list is read by the hypervisor in place. */
static long reservation(unsigned int cmd, const uint64_t *gfns, unsigned long n, unsigned order)
{
	struct xen_memory_reservation r = {
		.extent_start = (xen_pfn_t *)gfns,
		.nr_extents = n,
		.extent_order = order,
		.domid = DOMID_SELF,
	};

	return pvabi_memory_op(cmd, &r);
}

long pvabi_balloon_release(const uint64_t *gfns, unsigned long n, unsigned order)
{
	return reservation(XENMEM_decrease_reservation, gfns, n, order);
}

long pvabi_balloon_populate(const uint64_t *gfns, unsigned long n, unsigned order)
{
	return reservation(XENMEM_populate_physmap, gfns, n, order);
}

long pvabi_balloon_release_2m(uint64_t gfn)
{
	return reservation(XENMEM_decrease_reservation, &gfn, 1, 9) == 1 ? 0 : -XEN_ENOMEM;
}

long pvabi_balloon_populate_2m(uint64_t gfn)
{
	return reservation(XENMEM_populate_physmap, &gfn, 1, 9) == 1 ? 0 : -XEN_ENOMEM;
}

long pvabi_memory_pages(unsigned int cmd)
{
	domid_t self = DOMID_SELF;

	return pvabi_memory_op(cmd, &self);
}
