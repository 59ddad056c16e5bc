/* hc_table.c: the hypercall table (data) and the dispatcher. */
#include <pvabi/errno.h>

#include "hc.h"

#define HC(n, f) [HYPERCALL_##n] = { HYPERCALL_##n, #n, f }

/* One row per implemented hypercall; later families add rows here. */
const struct hc_entry hc_table[HC_TABLE_SIZE] = {
	HC(memory_op, hc_memory_op),
	HC(multicall, hc_multicall),
	HC(xen_version, hc_xen_version),
	HC(console_io, hc_console_io),
	HC(sched_op, hc_sched_op),
	HC(vcpu_op, hc_vcpu_op),
	HC(set_timer_op, hc_set_timer_op),
	HC(event_channel_op, hc_event_channel_op),
	HC(hvm_op, hc_hvm_op),
	HC(grant_table_op, hc_grant_table_op),
};

int64_t hc_dispatch(struct hv_vcpu *vcpu)
{
	const struct kvm_regs *r = vcpu->regs;
	uint64_t nr = r->rax;

	/* Xen refuses hypercalls from guest user mode. */
	if (vcpu->sregs->ss.dpl != 0)
		return -XEN_EPERM;
	if (nr >= HC_TABLE_SIZE || !hc_table[nr].fn)
		return -XEN_ENOSYS;
	const uint64_t arg[PVABI_HYPERCALL_MAX_ARGS] = { r->rdi, r->rsi, r->rdx, r->r10, r->r8 };
	return hc_table[nr].fn(vcpu, arg);
}
