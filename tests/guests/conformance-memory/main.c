/* conformance-memory: memory_op (every sub-op Hospes answers, with good and
 * bad arguments) and multicall; one "CHECK <name> <value>" line each, then
 * "CONFORMANCE DONE <n>". Run with --mem 64M --maxmem 72M --host-mem 70M. */
#include "memory.h"

long mem_op(unsigned int cmd, void *arg)
{
	return pvabi_memory_op(cmd, arg);
}

long mem_res_call(unsigned int cmd, struct xen_memory_reservation *r)
{
	return pvabi_memory_op(cmd, r);
}

long mem_res(unsigned int cmd, const uint64_t *list, uint64_t n, unsigned order, uint32_t flags)
{
	struct xen_memory_reservation r = {
		.extent_start = (xen_pfn_t *)list,
		.nr_extents = n,
		.extent_order = order,
		.mem_flags = flags,
		.domid = DOMID_SELF,
	};

	return mem_res_call(cmd, &r);
}

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	(void)boot;
	conf_init();
	conf_memory_info();
	conf_memory_reservations();
	conf_multicall();
	conf_done();
}
