/* hc.h: the hypercall table and the handlers of each family (hc_*.c). */
#ifndef HOSPES_HC_H
#define HOSPES_HC_H

#include <stdint.h>

#include "hv.h"

/* A handler gets the five argument registers (RDI, RSI, RDX, R10, R8) and
 * returns the value for RAX (negative Xen errno on failure). It may use
 * only the vCPU's saved state and the gmem_* API, so that it runs without
 * KVM in unit tests. Setting vcpu->stop keeps the vCPU out of the guest. */
typedef int64_t hc_handler_fn(struct hv_vcpu *vcpu, const uint64_t arg[PVABI_HYPERCALL_MAX_ARGS]);

struct hc_entry {
	unsigned nr;
	const char *name;
	hc_handler_fn *fn;
};

/* Indexed by hypercall number; rows without fn return -ENOSYS. */
#define HC_TABLE_SIZE 64
extern const struct hc_entry hc_table[HC_TABLE_SIZE];

/* Runs the hypercall described by vcpu->regs; returns the RAX value. The
 * hot path: no allocation, no system call, no logging on the way. */
int64_t hc_dispatch(struct hv_vcpu *vcpu);

hc_handler_fn hc_console_io;
hc_handler_fn hc_xen_version;
hc_handler_fn hc_sched_op;
hc_handler_fn hc_vcpu_op;

/* Memory (hc_memory.c, sub-op table in there) and multicall (hc_multicall.c). */
hc_handler_fn hc_memory_op;
hc_handler_fn hc_multicall;

/* A vcpu_op sub-op (hc_vcpu.c table): the calling vCPU, the target vCPU
 * (already checked to exist) and the argument pointer. Returns RAX. */
typedef int64_t hc_vcpu_fn(struct hv_vcpu *self, struct hv_vcpu *target, uint64_t arg);

/* vcpu_op rows: SMP bring-up (hv_smp.c) */
hc_vcpu_fn hv_smp_initialise;
hc_vcpu_fn hv_smp_up;
hc_vcpu_fn hv_smp_down;
hc_vcpu_fn hv_smp_is_up;

/* Timers (hc_timer.c): set_timer_op and the vcpu_op timer rows. */
hc_handler_fn hc_set_timer_op;
hc_vcpu_fn hc_vcpu_set_periodic_timer;
hc_vcpu_fn hc_vcpu_stop_periodic_timer;
hc_vcpu_fn hc_vcpu_set_singleshot_timer;
hc_vcpu_fn hc_vcpu_stop_singleshot_timer;

/* Events (hc_evtchn.c, hc_hvm.c): event_channel_op, hvm_op and the
 * vcpu_info row of vcpu_op. */
hc_handler_fn hc_event_channel_op;
hc_handler_fn hc_hvm_op;
hc_vcpu_fn hc_vcpu_register_vcpu_info;

/* Grant tables (hc_grant.c). */
hc_handler_fn hc_grant_table_op;

#endif
