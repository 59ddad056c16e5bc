/* hc_hvm.c: hvm_op (hypercall 34): HVM params (the upcall callback and the
 * toolstack's xenstore/console pages), the per-vCPU upcall vector and the
 * system time. */
#include <pvabi/errno.h>
#include <pvabi/hvm_op.h>

#include "evtchn.h"
#include "hc.h"
#include "hv_time.h"
#include "hv_upcall.h"

/* An upcall that is already owed (upcall_pending set, e.g. right after
 * VCPUOP_register_vcpu_info) is delivered once delivery is configured. */
static void raise_if_pending(struct hv_domain *d, unsigned vcpu)
{
	if (evtchn_upcall_pending(d, vcpu))
		hv_upcall_raise(d, vcpu);
}

int evtchn_hvm_param_set(struct hv_domain *d, uint32_t index, uint64_t value)
{
	struct evtchn_domain *ev = d->evtchn;

	if (index >= HVM_NR_PARAMS)
		return -XEN_EINVAL;
	pthread_mutex_lock(&ev->lock);
	ev->params[index] = value;
	if (index == HVM_PARAM_CALLBACK_IRQ)
		atomic_store(&ev->callback, value);
	pthread_mutex_unlock(&ev->lock);
	if (index == HVM_PARAM_CALLBACK_IRQ)
		for (unsigned i = 0; i < d->nr_vcpus; i++)
			raise_if_pending(d, i);
	return 0;
}

int evtchn_hvm_param_get(struct hv_domain *d, uint32_t index, uint64_t *value)
{
	struct evtchn_domain *ev = d->evtchn;

	if (index >= HVM_NR_PARAMS)
		return -XEN_EINVAL;
	pthread_mutex_lock(&ev->lock);
	*value = ev->params[index];
	pthread_mutex_unlock(&ev->lock);
	return 0;
}

/* Only the callback: type 0/1 (GSI, PCI INTx) are accepted and stored as
 * Linux sets GSI 1 "to look enlightened", but deliver nothing; type 2
 * needs a vector >= 0x10. */
static int callback_ok(uint64_t value)
{
	uint64_t type = value >> HVM_PARAM_CALLBACK_TYPE_SHIFT;

	if (type > HVM_PARAM_CALLBACK_TYPE_VECTOR)
		return 0;
	return type != HVM_PARAM_CALLBACK_TYPE_VECTOR || (value & 0xff) >= 0x10;
}

static int64_t param(struct hv_vcpu *v, uint64_t gva, int set)
{
	struct xen_hvm_param p;
	int64_t r;

	if (gmem_copy_from_guest(v, &p, gva, sizeof(p)))
		return -XEN_EFAULT;
	if (p.domid != DOMID_SELF && p.domid != v->dom->id)
		return -XEN_EPERM;
	if (p.index >= HVM_NR_PARAMS)
		return -XEN_EINVAL;
	if (set) {
		if (p.index != HVM_PARAM_CALLBACK_IRQ)
			return -XEN_EPERM; /* the rest belong to the toolstack */
		if (!callback_ok(p.value))
			return -XEN_EINVAL;
		return evtchn_hvm_param_set(v->dom, p.index, p.value);
	}
	if ((r = evtchn_hvm_param_get(v->dom, p.index, &p.value)))
		return r;
	return gmem_copy_to_guest(v, gva, &p, sizeof(p)) ? -XEN_EFAULT : 0;
}

static int64_t upcall_vector(struct hv_vcpu *v, uint64_t gva)
{
	struct xen_hvm_evtchn_upcall_vector u;
	struct hv_domain *d = v->dom;

	if (gmem_copy_from_guest(v, &u, gva, sizeof(u)))
		return -XEN_EFAULT;
	if (u.vcpu >= d->nr_vcpus || u.vcpu >= HV_MAX_VCPUS || !d->vcpus[u.vcpu])
		return -XEN_ENOENT;
	if (u.vector < 0x10)
		return -XEN_EINVAL;
	atomic_store(&d->evtchn->vcpu[u.vcpu].vector, u.vector);
	raise_if_pending(d, u.vcpu);
	return 0;
}

int64_t hc_hvm_op(struct hv_vcpu *v, const uint64_t arg[PVABI_HYPERCALL_MAX_ARGS])
{
	switch (arg[0]) {
	case HVMOP_set_param:
		return param(v, arg[1], 1);
	case HVMOP_get_param:
		return param(v, arg[1], 0);
	case HVMOP_set_evtchn_upcall_vector:
		return upcall_vector(v, arg[1]);
	case HVMOP_get_time: {
		struct xen_hvm_get_time t = { .now = hv_system_time_ns(v->dom) };
		return gmem_copy_to_guest(v, arg[1], &t, sizeof(t)) ? -XEN_EFAULT : 0;
	}
	case HVMOP_pagetable_dying: /* a hint for shadow paging; nothing to do */
	default:
		return -XEN_ENOSYS;
	}
}
