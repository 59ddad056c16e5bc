/* hv_bootacct.h: where a domain's time goes from its start to its first
 * console output: hospes-hv's own work (thread start, exit handling,
 * everything outside KVM_RUN) versus the guest's time inside KVM_RUN.
 * Counting stops at that output, so a running domain pays nothing. */
#ifndef HOSPES_HV_BOOTACCT_H
#define HOSPES_HV_BOOTACCT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct hv_domain;
struct hv_vcpu;

/* Per vCPU, touched by its own thread only. */
struct hv_bootacct_vcpu {
	bool on;          /* still counting */
	uint64_t mark_ns; /* the last entry to or exit from KVM_RUN */
	uint64_t out_ns;  /* outside KVM_RUN since the start request */
	uint64_t in_ns;   /* inside KVM_RUN */
};

/* Per domain. The figures are 0 until known. */
struct hv_bootacct {
	uint64_t build_ns;        /* hv_build_domain, written before the domain is shared */
	_Atomic uint64_t start_ns; /* CLOCK_MONOTONIC of the start request, 0 = not started */
	atomic_bool done;         /* the first console output happened */
	_Atomic uint64_t console_ns; /* start request -> first console output */
	_Atomic uint64_t hv_ns;   /* of which outside KVM_RUN (the vCPU that wrote it) */
	_Atomic uint64_t guest_ns; /* of which inside KVM_RUN */
};

/* The domain is being started (before its first vCPU thread exists). */
void hv_bootacct_start(struct hv_domain *d);
/* A vCPU thread begins; counts from the start request when still booting. */
void hv_bootacct_thread(struct hv_vcpu *v);
/* Around KVM_RUN; call only while v->boot.on (the loop tests it). */
void hv_bootacct_enter(struct hv_vcpu *v);
void hv_bootacct_leave(struct hv_vcpu *v);
/* v wrote console output (console_io, a line on port 0xE9, or a send on
 * the console ring's port): the first one fixes the domain's figures and
 * logs them. */
void hv_bootacct_console(struct hv_vcpu *v);

#endif
