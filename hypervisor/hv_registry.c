/* hv_registry.c: domain id -> domain, with references so that a domain is
 * never freed while another thread uses it. */
#include <errno.h>
#include <pthread.h>

#include "hv.h"
#include "hv_registry.h"

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t reg_cond = PTHREAD_COND_INITIALIZER; /* a reference was put */
static struct hv_domain *domains[HV_MAX_DOMID + 1];        /* [reg_lock] */

int hv_registry_add(struct hv_domain *d)
{
	int r = 0;

	if (d->id == 0 || d->id > HV_MAX_DOMID)
		return -EINVAL;
	pthread_mutex_lock(&reg_lock);
	if (domains[d->id])
		r = -EEXIST;
	else
		domains[d->id] = d;
	pthread_mutex_unlock(&reg_lock);
	return r;
}

domid_t hv_registry_free_id(void)
{
	domid_t id = 0;

	pthread_mutex_lock(&reg_lock);
	for (unsigned i = 1; i <= HV_MAX_DOMID && !id; i++)
		if (!domains[i])
			id = (domid_t)i;
	pthread_mutex_unlock(&reg_lock);
	return id;
}

void hv_registry_remove(struct hv_domain *d)
{
	pthread_mutex_lock(&reg_lock);
	if (d->id <= HV_MAX_DOMID && domains[d->id] == d)
		domains[d->id] = NULL;
	while (d->refs > 0)
		pthread_cond_wait(&reg_cond, &reg_lock);
	pthread_mutex_unlock(&reg_lock);
}

struct hv_domain *hv_domain_get(domid_t id)
{
	struct hv_domain *d = NULL;

	if (id == 0 || id > HV_MAX_DOMID)
		return NULL;
	pthread_mutex_lock(&reg_lock);
	/* destroyed, not dying: a domain that shut down or faulted stays
	 * reachable for its peers (grants, ports) until it is destroyed. */
	if (domains[id] && !atomic_load(&domains[id]->destroyed)) {
		d = domains[id];
		d->refs++;
	}
	pthread_mutex_unlock(&reg_lock);
	return d;
}

void hv_domain_put(struct hv_domain *d)
{
	pthread_mutex_lock(&reg_lock);
	if (--d->refs == 0)
		pthread_cond_broadcast(&reg_cond);
	pthread_mutex_unlock(&reg_lock);
}
