/* hc_vcpu.c: vcpu_op (hypercall 24): the sub-op table and its dispatcher.
 * Each feature adds its rows here; the handlers live with the feature. */
#include <pvabi/errno.h>
#include <pvabi/vcpu.h>

#include "hc.h"

/* A row: the handler gets the calling vCPU, the (existing) target vCPU and
 * the argument pointer (RDX). HC_VCPU_SELF rows refuse another target with
 * -EINVAL, as Xen does for the per-vCPU timer and vcpu_info calls. */
#define HC_VCPU_SELF 1u

struct hc_vcpu_op {
	const char *name;
	hc_vcpu_fn *fn;
	unsigned flags;
};

#define OP(n, f, fl) [VCPUOP_##n] = { #n, f, fl }

/* Rows without fn (runstate areas, NMIs, physid, ...) return -ENOSYS. */
static const struct hc_vcpu_op vcpu_ops[VCPUOP_MAX + 1] = {
	/* SMP bring-up (hv_smp.c) */
	OP(initialise, hv_smp_initialise, 0),
	OP(up, hv_smp_up, 0),
	OP(down, hv_smp_down, 0),
	OP(is_up, hv_smp_is_up, 0),
	/* Timers (hc_timer.c) */
	OP(set_periodic_timer, hc_vcpu_set_periodic_timer, 0),
	OP(stop_periodic_timer, hc_vcpu_stop_periodic_timer, 0),
	OP(set_singleshot_timer, hc_vcpu_set_singleshot_timer, HC_VCPU_SELF),
	OP(stop_singleshot_timer, hc_vcpu_stop_singleshot_timer, HC_VCPU_SELF),
	/* Events (hc_evtchn.c); Linux registers an AP's from the boot vCPU */
	OP(register_vcpu_info, hc_vcpu_register_vcpu_info, 0),
};

int64_t hc_vcpu_op(struct hv_vcpu *v, const uint64_t arg[PVABI_HYPERCALL_MAX_ARGS])
{
	struct hv_domain *d = v->dom;
	const struct hc_vcpu_op *op;
	struct hv_vcpu *target;

	if (arg[0] > VCPUOP_MAX || !vcpu_ops[arg[0]].fn)
		return -XEN_ENOSYS;
	op = &vcpu_ops[arg[0]];
	/* Xen: a vCPU id the domain does not have is -ENOENT for every op. */
	if (arg[1] >= d->nr_vcpus || !(target = d->vcpus[arg[1]]))
		return -XEN_ENOENT;
	if ((op->flags & HC_VCPU_SELF) && target != v)
		return -XEN_EINVAL;
	return op->fn(v, target, arg[2]);
}
