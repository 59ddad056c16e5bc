/* ctime.h: shared state of the conformance-time guest: shared_info mapped
 * into the image, vCPU 0's vcpu_info, and VIRQ_TIMER's port. Events are
 * consumed by polling the shared page (no upcall vector is installed). */
#ifndef CTIME_H
#define CTIME_H

#include <pvabi/event_channel.h>
#include <pvabi/hvm_op.h>
#include <pvabi/memory.h>
#include <pvabi/shared_info.h>

#include "conf.h"

#define MS 1000000ull

extern volatile struct shared_info *ct_shinfo;
extern volatile struct vcpu_info *ct_vcpu;
extern evtchn_port_t ct_timer_port;

/* clock.c */
/* host: the host's UTC seconds from the command line, -1 if absent. */
void ct_clock_checks(long host);
uint64_t ct_now(void);
/* timers.c */
void ct_timer_checks(void);
/* 1 if VIRQ_TIMER's port is pending; ct_ack() clears it (port bit,
 * selector, upcall_pending), as a guest's event scan would. */
int ct_timer_pending(void);
void ct_ack(void);
/* Poll VIRQ_TIMER's port until system time deadline (0 = no timeout). */
long ct_poll(uint64_t deadline);
/* bench.c: "timer_lateness_mean_ns <ns> p99_ns <ns> n <n>". */
void ct_bench(unsigned int n);

#endif
