/* hv_time.h: Xen system time of a domain: nanoseconds since the domain was
 * created, on the host's CLOCK_MONOTONIC. Timeouts in hypercalls (poll,
 * timers) are absolute values of this clock; the PV clock publishes it. */
#ifndef HOSPES_HV_TIME_H
#define HOSPES_HV_TIME_H

#include <stdint.h>

struct hv_domain;

/* Host CLOCK_MONOTONIC in nanoseconds. */
uint64_t hv_monotonic_ns(void);
/* The domain's system time now (0 at creation). */
uint64_t hv_system_time_ns(const struct hv_domain *d);
/* Host CLOCK_MONOTONIC value at which the domain's system time is t. */
uint64_t hv_system_to_monotonic_ns(const struct hv_domain *d, uint64_t t);

#endif
