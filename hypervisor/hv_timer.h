/* hv_timer.h: timers of every domain, run by one timer thread per process
 * (never on a vCPU thread): a deadline list sorted by host CLOCK_MONOTONIC
 * time, each entry one-shot or periodic. Expiry calls the timer's function
 * on the timer thread with the timer lock held. Self-contained so that hv.h
 * can embed the per-vCPU time state. */
#ifndef HOSPES_HV_TIMER_H
#define HOSPES_HV_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "hv_pvclock.h"

struct hv_timer;

/* Runs on the timer thread with the timer lock held: it must not call
 * hv_timer_* functions other than the *_locked ones and must not block. */
typedef void hv_timer_fn(struct hv_timer *t);

/* Lock legend: [T] the timer lock (hv_timer.c). */
struct hv_timer {
	uint64_t deadline;       /* [T] host CLOCK_MONOTONIC ns; 0 = not armed */
	uint64_t period;         /* [T] ns between expiries, 0 = one-shot */
	uint64_t fired;          /* [T] expiries so far (tests, statistics) */
	hv_timer_fn *fn;         /* [T] */
	void *ctx;               /* [T] */
	struct hv_timer *next;   /* [T] the sorted list */
};

/* A vCPU's time state (hv_vtime.c), embedded in struct hv_vcpu. All zero
 * is a valid "nothing armed, no clock yet" state. */
struct hv_vtime {
	struct hv_timer singleshot; /* [T] VCPUOP_set_singleshot_timer, set_timer_op */
	struct hv_timer periodic;   /* [T] VCPUOP_set_periodic_timer */
	struct hv_timer refresh;    /* [T] republishes the PV clock every second */
	struct hv_pvclock clock;    /* [T] last published PV clock */
	int64_t tsc_offset;         /* [T] guest TSC = host TSC + tsc_offset */
	uint32_t tsc_khz;           /* [T] 0 until hv_vtime_start() */
	uint32_t version;           /* [T] vcpu_time_info.version last written */
};

/* Arms t (replacing an earlier deadline) to expire at deadline (host
 * CLOCK_MONOTONIC ns, must be nonzero) and then every period ns (0 =
 * once). Starts the timer thread on first use. 0 or -errno. */
int hv_timer_arm(struct hv_timer *t, hv_timer_fn *fn, void *ctx, uint64_t deadline,
		 uint64_t period);
/* Disarms t. On return its function is not running and will not run
 * again (unless re-armed). */
void hv_timer_cancel(struct hv_timer *t);
/* The same, for use inside a timer function. */
void hv_timer_cancel_locked(struct hv_timer *t);
bool hv_timer_armed(struct hv_timer *t);

/* The timer lock, for state shared with timer functions ([T] fields). */
void hv_timer_lock(void);
void hv_timer_unlock(void);

/* Stops the timer thread once no timer is armed (tests, exit). */
void hv_timer_shutdown(void);

#endif
