/* hv_console_ring.c: the PV console ring page and port a domain built with
 * the console flag gets; hospes-consoled maps and binds them later. */
#include <errno.h>

#include <pvabi/hvm_op.h>

#include "evtchn.h"
#include "hv_console_ring.h"

int hv_console_ring_setup(struct hv_domain *d, uint64_t gpa)
{
	evtchn_port_t port;
	int r;

	if (!gpa || gpa % HV_PAGE_SIZE)
		return -EINVAL;
	/* As in Xen: the guest's end is unbound for dom0; the console daemon
	 * binds it (bind-evtchn on the control socket) when it serves the domain. */
	if ((r = evtchn_alloc_unbound(d, 0, &port))) {
		hv_log(d, HV_LOG_ERROR, "cannot allocate the console port: Xen error %d", -r);
		return -ENOSPC;
	}
	d->console_gpfn = gpa / HV_PAGE_SIZE;
	d->console_port = port;
	if ((r = evtchn_hvm_param_set(d, HVM_PARAM_CONSOLE_PFN, d->console_gpfn)) ||
	    (r = evtchn_hvm_param_set(d, HVM_PARAM_CONSOLE_EVTCHN, port))) {
		hv_log(d, HV_LOG_ERROR, "cannot set the console params: Xen error %d", -r);
		return -EINVAL;
	}
	hv_log(d, HV_LOG_INFO, "console ring at frame 0x%llx, port %u",
	       (unsigned long long)d->console_gpfn, port);
	return 0;
}
