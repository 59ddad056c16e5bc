/* hv_pvclock.h: PV clock math (the pvclock / vcpu_time_info form Xen and
 * KVM share): guest TSC -> domain system time, kept monotonic across
 * updates. Pure functions: no KVM, no guest memory. */
#ifndef HOSPES_HV_PVCLOCK_H
#define HOSPES_HV_PVCLOCK_H

#include <stdint.h>

/* What a vcpu_time_info carries, minus its version and flags. */
struct hv_pvclock {
	uint64_t tsc_timestamp; /* guest TSC at system_time */
	uint64_t system_time;   /* domain system time (ns) at tsc_timestamp */
	uint32_t mul;           /* 32.32 fixed-point ns per shifted tick */
	int8_t shift;           /* applied to the TSC delta before mul */
};

/* ns for delta TSC ticks: ((delta << shift) or >> -shift) * mul >> 32,
 * exactly as a guest computes it. */
uint64_t hv_pvclock_scale(uint64_t delta, uint32_t mul, int8_t shift);

/* The system time a guest reads at guest TSC value tsc (tsc is expected to
 * be >= p->tsc_timestamp; an earlier value reads as p->system_time). */
uint64_t hv_pvclock_read(const struct hv_pvclock *p, uint64_t tsc);

/* New parameters: system time sys at guest TSC tsc, scale from tsc_khz.
 * If p already holds parameters (mul != 0) that read later than sys at
 * tsc (the TSC ran slightly fast against the host clock), the published
 * value stays at that reading so the guest's clock never goes back. */
void hv_pvclock_update(struct hv_pvclock *p, uint64_t tsc, uint64_t sys, uint32_t tsc_khz);

struct vcpu_time_info;
struct shared_info;

/* Writes p into a guest-visible vcpu_time_info with the version protocol
 * (version odd while the fields change, even after; whatever the guest
 * left in version, the two writes are odd then even). */
void hv_pvclock_write(struct vcpu_time_info *ti, const struct hv_pvclock *p, uint8_t flags);
/* Writes the wall clock (UTC ns at system time 0) into shared_info's
 * wc_version/wc_sec/wc_nsec/wc_sec_hi with the same protocol. */
void hv_wallclock_write(struct shared_info *s, uint64_t utc_ns_at_zero);

#endif
