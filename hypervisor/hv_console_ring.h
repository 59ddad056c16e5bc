/* hv_console_ring.h: the hypervisor half of a guest's PV console: the
 * ring page's frame and an unbound port for dom0, published as HVM params. */
#ifndef HOSPES_HV_CONSOLE_RING_H
#define HOSPES_HV_CONSOLE_RING_H

#include <stdint.h>

#include "hv.h"

/* gpa is the zeroed ring page the boot-info builder reserved. Allocates a
 * port unbound for domain 0 and sets HVM_PARAM_CONSOLE_PFN/CONSOLE_EVTCHN;
 * call before the domain runs. 0 or -errno (logged). */
int hv_console_ring_setup(struct hv_domain *d, uint64_t gpa);

/* Pages reserved at the top of the first RAM range for the toolstack's
 * rings (xenstore, console): 0..2. The memory maps report them as one
 * reserved entry and the balloon never takes them. */
static inline unsigned hv_reserved_top_pages(const struct hv_domain *d)
{
	return (d->store_gpfn ? 1u : 0u) + (d->console_gpfn ? 1u : 0u);
}

#endif
