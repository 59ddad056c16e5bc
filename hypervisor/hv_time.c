/* hv_time.c: a domain's system time, from the host's monotonic clock. */
#include <time.h>

#include "hv.h"
#include "hv_time.h"

uint64_t hv_monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t hv_system_time_ns(const struct hv_domain *d)
{
	return hv_monotonic_ns() - d->time_base_ns;
}

uint64_t hv_system_to_monotonic_ns(const struct hv_domain *d, uint64_t t)
{
	/* Saturate instead of wrapping for absurd guest timeouts. */
	return t > UINT64_MAX - d->time_base_ns ? UINT64_MAX : t + d->time_base_ns;
}
