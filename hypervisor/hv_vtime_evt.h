/* hv_vtime_evt.h: where time meets the event-channel code: the vcpu_info
 * time fields, shared_info's wall clock, VIRQ_TIMER, and SCHEDOP_block's
 * re-enabling of event delivery. Kept apart so that hv_vtime.c and the
 * timer hypercalls see one small interface. */
#ifndef HOSPES_HV_VTIME_EVT_H
#define HOSPES_HV_VTIME_EVT_H

#include <stdint.h>

#include "hv.h"
#include "hv_pvclock.h"

/* Writes the vCPU's PV clock into its current vcpu_info (shared_info slot
 * or the registered copy); nothing if it has none yet. */
void hv_vtime_evt_write_clock(struct hv_vcpu *v, const struct hv_pvclock *c);
/* Writes shared_info's wall clock (UTC ns at system time 0). */
void hv_vtime_evt_write_wallclock(struct hv_domain *d, uint64_t utc_ns_at_zero);
/* Raises VIRQ_TIMER on v (dropped if the guest has not bound it). */
void hv_vtime_evt_raise_timer(struct hv_vcpu *v);
/* Clears the vCPU's evtchn_upcall_mask (SCHEDOP_block does, as Xen). */
void hv_vtime_evt_unmask(struct hv_vcpu *v);

#endif
