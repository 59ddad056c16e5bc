/* hv_registry.h: the domains hospes-hv holds, by domain id. Other parts
 * (interdomain event channels, grants, the control socket) find a domain
 * here and hold a reference while they use it. */
#ifndef HOSPES_HV_REGISTRY_H
#define HOSPES_HV_REGISTRY_H

#include <pvabi/xen.h>

struct hv_domain;

/* Highest domain id handed out; ids run 1..HV_MAX_DOMID (0 is dom0, the
 * host itself, and never a registered domain). */
#define HV_MAX_DOMID 1023u

/* Registers d under d->id. -EEXIST if the id is taken, -EINVAL if out of
 * range. */
int hv_registry_add(struct hv_domain *d);
/* The lowest free domain id, or 0 if all are taken. */
domid_t hv_registry_free_id(void);
/* Unregisters d (new lookups fail) and waits until every reference taken
 * with hv_domain_get() has been put back; then d may be freed. */
void hv_registry_remove(struct hv_domain *d);
/* A reference to domain id, or NULL if there is none or it is being
 * destroyed. A domain that ended (shutdown, fault) is still found: its
 * memory, grants and ports stay until the toolstack destroys it. */
struct hv_domain *hv_domain_get(domid_t id);
void hv_domain_put(struct hv_domain *d);

#endif
