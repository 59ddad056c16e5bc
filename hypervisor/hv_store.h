/* hv_store.h: the hypervisor half of a guest's xenstore connection: the
 * ring page's frame and an unbound port for dom0, published as HVM params. */
#ifndef HOSPES_HV_STORE_H
#define HOSPES_HV_STORE_H

#include <stdint.h>

#include "hv.h"

/* gpa is the zeroed ring page the boot-info builder reserved. Allocates a
 * port unbound for domain 0 and sets HVM_PARAM_STORE_PFN/STORE_EVTCHN;
 * call before the domain runs. 0 or -errno (logged). */
int hv_store_setup(struct hv_domain *d, uint64_t gpa);

#endif
