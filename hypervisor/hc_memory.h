/* hc_memory.h: memory_op sub-op handlers, shared by hc_memory.c (the table
 * and dispatch) and the files implementing individual sub-ops. */
#ifndef HOSPES_HC_MEMORY_H
#define HOSPES_HC_MEMORY_H

#include <stdint.h>

#include "hv.h"

/* A memory_op sub-op: arg is the guest pointer in RSI (unused by some).
 * Returns the RAX value (negative Xen errno on failure). The dispatcher
 * refuses a continuation index (cmd bits 6 and up) with -EINVAL first. */
typedef int64_t hc_memop_fn(struct hv_vcpu *v, uint64_t arg);

/* The reservation sub-ops take Xen's continuation index: the extent to
 * start at (cmd >> MEMOP_EXTENT_SHIFT). They return an extent count. */
typedef int64_t hc_memop_res_fn(struct hv_vcpu *v, uint64_t arg, uint64_t start);

/* Reservation sub-ops (hc_memory_res.c). */
hc_memop_res_fn hc_memop_increase_reservation;
hc_memop_res_fn hc_memop_decrease_reservation;
hc_memop_res_fn hc_memop_populate_physmap;

/* Information sub-ops (hc_memory.c). */
hc_memop_fn hc_memop_maximum_ram_page;
hc_memop_fn hc_memop_current_reservation;
hc_memop_fn hc_memop_maximum_reservation;
hc_memop_fn hc_memop_maximum_gpfn;
hc_memop_fn hc_memop_memory_map;

/* Sub-ops implemented by other families get their prototype here too. */
hc_memop_fn hc_memop_add_to_physmap; /* physmap.c (events) */

/* 0 if domid names the calling domain (DOMID_SELF or its own id), else
 * -EPERM for another existing domain and -ESRCH for none, as Xen answers an
 * unprivileged caller. */
int64_t hc_memop_check_domid(struct hv_vcpu *v, domid_t domid);

#endif
