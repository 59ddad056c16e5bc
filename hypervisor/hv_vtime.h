/* hv_vtime.h: a vCPU's PV clock (vcpu_info.time), the domain's wall clock
 * (shared_info.wc_*) and the vCPU's timers, whose expiry raises VIRQ_TIMER
 * on that vCPU. The state lives in struct hv_vcpu (field vtime). */
#ifndef HOSPES_HV_VTIME_H
#define HOSPES_HV_VTIME_H

#include <stdint.h>

#include "hv.h"

/* Republish interval of the PV clock: bounds the drift between the TSC
 * scale (from the nominal TSC kHz) and the host's monotonic clock. */
#define HV_VTIME_REFRESH_NS 1000000000ull
/* Shortest period VCPUOP_set_periodic_timer accepts (Xen's: 1 ms) and the
 * longest (2^62 ns, beyond any useful time). */
#define HV_VTIME_PERIOD_MIN_NS 1000000ull
#define HV_VTIME_PERIOD_MAX_NS (1ull << 62)

/* Called on the vCPU's thread before it first enters the guest, with the
 * vCPU's TSC offset (guest TSC = host TSC + offset) and TSC kHz from KVM.
 * Publishes the PV clock and wall clock and arms the periodic refresh.
 * tsc_khz 0 leaves the PV clock unpublished (all zero). */
void hv_vtime_start(struct hv_vcpu *v, int64_t tsc_offset, uint32_t tsc_khz);
/* Cancels every timer of the vCPU; none of its timer functions runs after
 * this returns. Call before the vCPU's memory goes away. */
void hv_vtime_fini(struct hv_vcpu *v);
/* Republishes the PV clock and the wall clock now. */
void hv_vtime_publish(struct hv_vcpu *v);

/* Single-shot timer at domain system time t (ns); a time already past
 * fires at once. 0 or -errno. */
int hv_vtime_set_singleshot(struct hv_vcpu *v, uint64_t t);
void hv_vtime_stop_singleshot(struct hv_vcpu *v);
/* Periodic timer: first expiry one period from now. 0 or -errno. */
int hv_vtime_set_periodic(struct hv_vcpu *v, uint64_t period_ns);
void hv_vtime_stop_periodic(struct hv_vcpu *v);

/* Host TSC and CLOCK_MONOTONIC read as close together as possible. */
void hv_vtime_sample(uint64_t *host_tsc, uint64_t *mono_ns);

#endif
