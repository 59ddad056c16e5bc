/* hv_mem_budget.c: each domain's current and maximum pages, and the
 * host-wide budget that all domains' current pages are charged to. */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "hv_balloon.h"

/* Pages; budget 0 = unlimited. used is the sum of the accounted domains'
 * mem_cur_pages; it is changed only together with one of those, under that
 * domain's balloon lock, so each domain's share is exact. */
static _Atomic(uint64_t) host_budget;
static _Atomic(uint64_t) host_used;

void hv_mem_set_host_budget(uint64_t pages)
{
	atomic_store(&host_budget, pages);
}

uint64_t hv_mem_host_budget(void)
{
	return atomic_load(&host_budget);
}

uint64_t hv_mem_host_used(void)
{
	return atomic_load(&host_used);
}

/* Charges up to want pages in whole units of unit pages; returns the
 * number of units charged (possibly 0). Lock-free so that domains charging
 * at the same time never pass the budget together. */
uint64_t hv_mem_host_charge(uint64_t units, uint64_t unit)
{
	uint64_t used = atomic_load(&host_used);

	for (;;) {
		uint64_t budget = atomic_load(&host_budget), n = units;

		if (budget) {
			uint64_t room = used < budget ? (budget - used) / unit : 0;

			if (n > room)
				n = room;
		}
		if (!n)
			return 0;
		if (atomic_compare_exchange_weak(&host_used, &used, used + n * unit))
			return n;
	}
}

void hv_mem_host_uncharge(uint64_t pages)
{
	atomic_fetch_sub(&host_used, pages);
}

int hv_mem_domain_init(struct hv_domain *d, uint64_t max_bytes)
{
	uint64_t pages = d->mem.size / HV_PAGE_SIZE;
	uint64_t max = max_bytes ? max_bytes / HV_PAGE_SIZE : pages;
	uint64_t words = (d->mem.span / HV_PAGE_SIZE + 63) / 64;
	int r = 0;

	if (max < pages || max > HV_MEM_MAX / HV_PAGE_SIZE)
		return -EINVAL;
	pthread_mutex_lock(&d->balloon_lock);
	if (d->mem_accounted) {
		r = -EBUSY;
		goto out;
	}
	/* Untouched calloc memory costs nothing until a frame is given back. */
	if (!d->mem.absent && !(d->mem.absent = calloc(words ? words : 1, sizeof(uint64_t)))) {
		r = -ENOMEM;
		goto out;
	}
	if (pages && hv_mem_host_charge(1, pages) != 1) {
		r = -ENOMEM;
		goto out;
	}
	d->mem_cur_pages = pages;
	d->mem_max_pages = max;
	d->mem_holes = 0;
	d->mem_accounted = true;
out:
	pthread_mutex_unlock(&d->balloon_lock);
	return r;
}

bool hv_mem_stats;

uint64_t hv_mem_backed_bytes(const struct hv_domain *d)
{
	struct stat st;

	return d->mem.fd >= 0 && !fstat(d->mem.fd, &st) ? (uint64_t)st.st_blocks * 512 : 0;
}

void hv_mem_log_stats(struct hv_domain *d, const char *what)
{
	uint64_t cur, max;
	unsigned holes;

	pthread_mutex_lock(&d->balloon_lock);
	cur = d->mem_cur_pages;
	max = d->mem_max_pages;
	holes = d->mem_holes;
	pthread_mutex_unlock(&d->balloon_lock);
	hv_log(d, HV_LOG_INFO, "mem-stats %s: current=%llu max=%llu holes=%u memfd_kib=%llu", what,
	       (unsigned long long)cur, (unsigned long long)max, holes,
	       (unsigned long long)(hv_mem_backed_bytes(d) >> 10));
}

void hv_mem_domain_fini(struct hv_domain *d)
{
	if (hv_mem_stats && d->mem_accounted)
		hv_mem_log_stats(d, "final");
	pthread_mutex_lock(&d->balloon_lock);
	if (d->mem_accounted)
		hv_mem_host_uncharge(d->mem_cur_pages);
	d->mem_accounted = false;
	pthread_mutex_unlock(&d->balloon_lock);
}

uint64_t hv_mem_current_pages(struct hv_domain *d)
{
	uint64_t n;

	pthread_mutex_lock(&d->balloon_lock);
	n = d->mem_accounted ? d->mem_cur_pages : d->mem.size / HV_PAGE_SIZE;
	pthread_mutex_unlock(&d->balloon_lock);
	return n;
}

uint64_t hv_mem_max_pages(struct hv_domain *d)
{
	uint64_t n;

	pthread_mutex_lock(&d->balloon_lock);
	n = d->mem_accounted ? d->mem_max_pages : d->mem.size / HV_PAGE_SIZE;
	pthread_mutex_unlock(&d->balloon_lock);
	return n;
}

int hv_mem_set_max(struct hv_domain *d, uint64_t pages)
{
	int r = 0;

	if (!pages || pages > HV_MEM_MAX / HV_PAGE_SIZE)
		return -EINVAL;
	pthread_mutex_lock(&d->balloon_lock);
	if (d->mem_accounted)
		d->mem_max_pages = pages;
	else
		r = -ENODEV;
	pthread_mutex_unlock(&d->balloon_lock);
	return r;
}
