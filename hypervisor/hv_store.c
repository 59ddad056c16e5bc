/* hv_store.c: the xenstore ring page and port a domain built with the
 * xenstore flag gets; the daemon side connects to them later. */
#include <errno.h>
#include <string.h>

#include <pvabi/hvm_op.h>

#include "evtchn.h"
#include "hv_store.h"

int hv_store_setup(struct hv_domain *d, uint64_t gpa)
{
	evtchn_port_t port;
	int r;

	if (!gpa || gpa % HV_PAGE_SIZE)
		return -EINVAL;
	/* Xen-style: the guest's end is unbound for dom0, which binds it
	 * (bind-evtchn on the control socket) when it introduces the domain. */
	if ((r = evtchn_alloc_unbound(d, 0, &port))) {
		hv_log(d, HV_LOG_ERROR, "cannot allocate the xenstore port: Xen error %d", -r);
		return -ENOSPC;
	}
	d->store_gpfn = gpa / HV_PAGE_SIZE;
	d->store_port = port;
	if ((r = evtchn_hvm_param_set(d, HVM_PARAM_STORE_PFN, d->store_gpfn)) ||
	    (r = evtchn_hvm_param_set(d, HVM_PARAM_STORE_EVTCHN, port))) {
		hv_log(d, HV_LOG_ERROR, "cannot set the xenstore params: Xen error %d", -r);
		return -EINVAL;
	}
	hv_log(d, HV_LOG_INFO, "xenstore ring at frame 0x%llx, port %u",
	       (unsigned long long)d->store_gpfn, port);
	return 0;
}
