/* hv_vcpu.h: vCPU threads: the run loop, kicks and the kick signal. */
#ifndef HOSPES_HV_VCPU_H
#define HOSPES_HV_VCPU_H

#include "hv.h"

/* The signal that interrupts KVM_RUN (watchdog, domain destruction). */
#define HV_KICK_SIGNAL SIGUSR1

/* Installs the kick handler (no SA_RESTART). Call once before threads. */
int hv_vcpu_signals_init(void);
/* Starts the vCPU's thread; when it stops it adds 1 to dom->done_fd. */
int hv_vcpu_start(struct hv_vcpu *v);
/* Makes the vCPU leave KVM_RUN (it then checks why). */
void hv_vcpu_kick(struct hv_vcpu *v);

/* Exit handlers other than the hypercall fast path (hv_vmexit.c). */
void hv_exit_handle(struct hv_vcpu *v);
/* After KVM_RUN returned -EINTR: a stuck vmcall/vmmcall is a fault. */
void hv_exit_kicked(struct hv_vcpu *v);
/* Stops the domain with reason and logs a register dump of v. */
void hv_vcpu_fault(struct hv_vcpu *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
