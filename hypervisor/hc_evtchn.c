/* hc_evtchn.c: event_channel_op (hypercall 32): copies each command's
 * structure in and out and calls evtchn.c. Host errno values returned by
 * evtchn.c equal Xen's (EINVAL 22, ENOENT 2, ...), so they pass through. */
#include <errno.h>

#include <pvabi/errno.h>
#include <pvabi/event_channel.h>
#include <pvabi/vcpu.h>

#include "evtchn.h"
#include "hc.h"

_Static_assert(EINVAL == XEN_EINVAL && ENOENT == XEN_ENOENT && EEXIST == XEN_EEXIST &&
		       ENOSPC == XEN_ENOSPC && ESRCH == XEN_ESRCH && EPERM == XEN_EPERM,
	       "host and Xen errno values differ");

#define IN(s) if (gmem_copy_from_guest(v, &(s), gva, sizeof(s))) return -XEN_EFAULT
#define OUT(s) (gmem_copy_to_guest(v, gva, &(s), sizeof(s)) ? -XEN_EFAULT : 0)

static bool self(struct hv_vcpu *v, domid_t dom)
{
	return dom == DOMID_SELF || dom == v->dom->id;
}

static int64_t alloc_unbound(struct hv_vcpu *v, uint64_t gva)
{
	struct evtchn_alloc_unbound a;
	int r;

	IN(a);
	if (!self(v, a.dom))
		return -XEN_EPERM; /* allocating in another domain: toolstack only */
	if ((r = evtchn_alloc_unbound(v->dom, a.remote_dom, &a.port)))
		return r;
	return OUT(a);
}

static int64_t bind_interdomain(struct hv_vcpu *v, uint64_t gva)
{
	struct evtchn_bind_interdomain b;
	int r;

	IN(b);
	if ((r = evtchn_bind_interdomain(v->dom, b.remote_dom, b.remote_port, &b.local_port)))
		return r;
	return OUT(b);
}

static int64_t bind_virq(struct hv_vcpu *v, uint64_t gva)
{
	struct evtchn_bind_virq b;
	int r;

	IN(b);
	if ((r = evtchn_bind_virq(v->dom, b.virq, b.vcpu, &b.port)))
		return r;
	return OUT(b);
}

static int64_t bind_ipi(struct hv_vcpu *v, uint64_t gva)
{
	struct evtchn_bind_ipi b;
	int r;

	IN(b);
	if ((r = evtchn_bind_ipi(v->dom, b.vcpu, &b.port)))
		return r;
	return OUT(b);
}

static int64_t status(struct hv_vcpu *v, uint64_t gva)
{
	struct evtchn_status s;
	int r;

	IN(s);
	if (!self(v, s.dom))
		return -XEN_EPERM;
	if ((r = evtchn_status(v->dom, s.port, &s)))
		return r;
	return OUT(s);
}

static int64_t port_op(struct hv_vcpu *v, uint64_t gva, int (*op)(struct hv_domain *, evtchn_port_t))
{
	evtchn_port_t port;

	IN(port);
	return op(v->dom, port);
}

/* A send on the console ring's port is the domain's console output (boot
 * accounting, hv_bootacct.h). */
static int64_t send(struct hv_vcpu *v, uint64_t gva)
{
	evtchn_port_t port;
	int r;

	IN(port);
	r = evtchn_send(v->dom, port);
	if (__builtin_expect(v->boot.on, 0) && !r && port && port == v->dom->console_port)
		hv_bootacct_console(v);
	return r;
}

static int64_t bind_vcpu(struct hv_vcpu *v, uint64_t gva)
{
	struct evtchn_bind_vcpu b;

	IN(b);
	return evtchn_bind_vcpu(v->dom, b.port, b.vcpu);
}

static int64_t reset(struct hv_vcpu *v, uint64_t gva)
{
	struct evtchn_reset rs;

	IN(rs);
	if (!self(v, rs.dom))
		return -XEN_EPERM;
	evtchn_close_all(v->dom);
	return 0;
}

int64_t hc_event_channel_op(struct hv_vcpu *v, const uint64_t arg[PVABI_HYPERCALL_MAX_ARGS])
{
	uint64_t gva = arg[1];

	switch (arg[0]) {
	case EVTCHNOP_send: /* first: the hot path */
		return send(v, gva);
	case EVTCHNOP_unmask:
		return port_op(v, gva, evtchn_unmask);
	case EVTCHNOP_alloc_unbound:
		return alloc_unbound(v, gva);
	case EVTCHNOP_bind_interdomain:
		return bind_interdomain(v, gva);
	case EVTCHNOP_bind_virq:
		return bind_virq(v, gva);
	case EVTCHNOP_bind_ipi:
		return bind_ipi(v, gva);
	case EVTCHNOP_bind_vcpu:
		return bind_vcpu(v, gva);
	case EVTCHNOP_close:
		return port_op(v, gva, evtchn_close);
	case EVTCHNOP_status:
		return status(v, gva);
	case EVTCHNOP_reset:
		return reset(v, gva);
	case EVTCHNOP_bind_pirq:      /* no physical IRQs in a PVH domU */
	case EVTCHNOP_init_control:   /* FIFO ABI not offered: guests use 2-level */
	case EVTCHNOP_expand_array:
	case EVTCHNOP_set_priority:
	default:
		return -XEN_ENOSYS;
	}
}

int64_t hc_vcpu_register_vcpu_info(struct hv_vcpu *self, struct hv_vcpu *target, uint64_t gva)
{
	struct vcpu_register_vcpu_info r;

	if (gmem_copy_from_guest(self, &r, gva, sizeof(r)))
		return -XEN_EFAULT;
	return evtchn_register_vcpu_info(self->dom, target->id, r.mfn, r.offset);
}
