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

#endif
