/* hv_balloon.h: a domain's memory reservation (current and maximum pages),
 * the host-wide memory budget, and giving guest frames back to the host. */
#ifndef HOSPES_HV_BALLOON_H
#define HOSPES_HV_BALLOON_H

#include <stdint.h>

#include "hv.h"

/* Hostile guests could fragment their RAM into as many mappings as they
 * give back separate frames; every hole costs the process two mappings, so
 * a domain may hold at most this many holes (further give-backs fail). */
#define HV_BALLOON_MAX_HOLES 16384u

/* Largest extent order accepted (2 MiB extents), as Xen's domU default. */
#define HV_BALLOON_MAX_ORDER 9u

/* ---- host-side API (run mode, the control daemon) ---- */

/* Sets up accounting once the domain's RAM exists (after gmem_ram_create):
 * current = RAM pages, maximum = max_bytes / 4 KiB (0 = the RAM size). The
 * RAM is charged to the host budget: -ENOMEM if it does not fit, -EINVAL if
 * max_bytes is below the RAM size, or -errno. */
int hv_mem_domain_init(struct hv_domain *d, uint64_t max_bytes);
/* Uncharges the domain from the host budget (idempotent); hv_domain_fini
 * calls it. */
void hv_mem_domain_fini(struct hv_domain *d);

/* Pages the domain holds (Xen's tot_pages) and may hold (max_pages). */
uint64_t hv_mem_current_pages(struct hv_domain *d);
uint64_t hv_mem_max_pages(struct hv_domain *d);
/* New maximum in pages. It may be below the current count, as in Xen: the
 * guest then cannot grow until it gave memory back. -EINVAL for 0 or more
 * than HV_MEM_MAX, -ENODEV before hv_mem_domain_init. */
int hv_mem_set_max(struct hv_domain *d, uint64_t pages);

/* Host-wide budget in pages over all domains (0 = unlimited, the default).
 * Lowering it below what is in use refuses further reservations only. */
void hv_mem_set_host_budget(uint64_t pages);
uint64_t hv_mem_host_budget(void);
uint64_t hv_mem_host_used(void);

/* --mem-stats: when set, each XENMEM_current_reservation call (the guest
 * choosing when to be measured) and the domain's end log one line:
 *   mem-stats <current_reservation|final>: current=<pages> max=<pages>
 *             holes=<n> memfd_kib=<KiB>
 * memfd_kib is the host memory backing the domain's RAM now (fstat). */
extern bool hv_mem_stats;
void hv_mem_log_stats(struct hv_domain *d, const char *what);
/* Host memory currently allocated to the domain's RAM in bytes, or 0. */
uint64_t hv_mem_backed_bytes(const struct hv_domain *d);

/* Internal to hv_mem_budget.c / hv_balloon.c: charges up to units whole
 * units of unit pages to the host budget, returns how many fit. */
uint64_t hv_mem_host_charge(uint64_t units, uint64_t unit);
void hv_mem_host_uncharge(uint64_t pages);

/* ---- guest-side operations (memory_op handlers; pure accounting plus the
 * host mapping work, testable without KVM) ---- */

/* Gives back frames (decrease_reservation) or re-backs them
 * (populate_physmap). gfns holds n extents of 2^order frames each. Returns
 * the number of extents done; processing stops at the first extent that
 * is not RAM, not in the required state (present / given back), would pass
 * the domain's maximum or the host budget, or whose host mapping fails. */
uint64_t hv_balloon_release(struct hv_domain *d, const uint64_t *gfns, uint64_t n,
			    unsigned order);
uint64_t hv_balloon_populate(struct hv_domain *d, const uint64_t *gfns, uint64_t n,
			     unsigned order);
/* increase_reservation for an auto-translated guest: n extents are charged
 * to the domain without frames (as in Xen, they are not in the physmap).
 * Returns the number charged. */
uint64_t hv_balloon_charge(struct hv_domain *d, uint64_t n, unsigned order);

/* Number of separate runs of given-back frames (the holes in the RAM). */
unsigned hv_balloon_holes(struct hv_domain *d);
/* Whether guest frame gfn is currently given back. */
bool hv_balloon_is_absent(const struct hv_mem *m, uint64_t gfn);

/* Run loop (hv_balloon_fault.c): if the guest accessed a given-back frame
 * (access 0 read, 1 write, -1 unknown), stops the domain with a fault that
 * says so and returns true; otherwise false. */
bool hv_balloon_fault(struct hv_vcpu *v, uint64_t gpa, int access, unsigned len);

#endif
