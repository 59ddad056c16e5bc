/* hv_wait.h: a vCPU that has nothing to run (SCHEDOP_block, SCHEDOP_poll,
 * HLT without an in-kernel LAPIC, pause) sleeps here, outside KVM_RUN, until
 * another thread wakes it or a deadline passes. Whoever makes an event
 * pending for the vCPU (event channels, timers, destruction, unpause)
 * calls hv_vcpu_wake() after publishing the event, so no wakeup is lost. */
#ifndef HOSPES_HV_WAIT_H
#define HOSPES_HV_WAIT_H

#include <stdbool.h>
#include <stdint.h>

struct hv_vcpu;

/* Returns true when the vCPU may stop waiting. Called with the vCPU's wait
 * lock held, so it must not block; it reads state published before the
 * matching hv_vcpu_wake(). */
typedef bool hv_wait_done_fn(struct hv_vcpu *v, void *ctx);

void hv_wait_init(struct hv_vcpu *v);
void hv_wait_fini(struct hv_vcpu *v);

/* Sleeps until done(v, ctx) is true, the domain is dying, or the host
 * CLOCK_MONOTONIC reaches deadline_ns (0 = no deadline). Returns 0 when
 * done, -ETIMEDOUT at the deadline, -EINTR when the domain is dying. */
int hv_vcpu_wait(struct hv_vcpu *v, hv_wait_done_fn *done, void *ctx, uint64_t deadline_ns);

/* Wakes the vCPU if it is in hv_vcpu_wait(); harmless otherwise. */
void hv_vcpu_wake(struct hv_vcpu *v);

#endif
