/* hc_multicall.c: multicall (hypercall 13): runs an array of hypercalls
 * from guest memory through the hypercall table. */
#include <stddef.h>

#include <pvabi/errno.h>
#include <pvabi/multicall.h>

#include "hc.h"

/* One entry: its result, or -ENOSYS / -EINVAL for numbers that have no
 * handler or that would nest (Xen refuses re-entering multicall). */
static int64_t run_entry(struct hv_vcpu *v, const struct multicall_entry *e)
{
	if (e->op == HYPERCALL_multicall)
		return -XEN_EINVAL;
	if (e->op >= HC_TABLE_SIZE || !hc_table[e->op].fn)
		return -XEN_ENOSYS;
	const uint64_t arg[PVABI_HYPERCALL_MAX_ARGS] = { e->args[0], e->args[1], e->args[2],
							 e->args[3], e->args[4] };
	return hc_table[e->op].fn(v, arg);
}

int64_t hc_multicall(struct hv_vcpu *v, const uint64_t arg[PVABI_HYPERCALL_MAX_ARGS])
{
	uint64_t list = arg[0];
	uint32_t nr = (uint32_t)arg[1]; /* Xen's nr_calls is 32 bits */

	if (nr > PVABI_MULTICALL_MAX)
		return -XEN_EINVAL;
	for (uint32_t i = 0; i < nr; i++) {
		uint64_t gva = list + (uint64_t)i * sizeof(struct multicall_entry);
		struct multicall_entry e;

		if (gmem_copy_from_guest(v, &e, gva, sizeof(e)))
			return -XEN_EFAULT;
		e.result = (uint64_t)run_entry(v, &e);
		if (gmem_copy_to_guest(v, gva + offsetof(struct multicall_entry, result), &e.result,
				       sizeof(e.result)))
			return -XEN_EFAULT;
		/* A shutdown (or fault) ends the batch: the vCPU never returns
		 * to the guest, so the rest must not run either. */
		if (v->stop)
			break;
	}
	return 0;
}
