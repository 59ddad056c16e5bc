/* evtchn_shinfo.c: a domain's event state: the shared_info page (host
 * memory in its own memfd, overlaid into the guest by physmap.c), the
 * port table, and where each vCPU's vcpu_info lives. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "evtchn.h"
#include "hv_upcall.h"

static int shinfo_create(struct evtchn_domain *ev)
{
	void *p;

	ev->shinfo_fd = memfd_create("hospes-shared-info", MFD_CLOEXEC);
	if (ev->shinfo_fd < 0)
		return -errno;
	if (ftruncate(ev->shinfo_fd, HV_PAGE_SIZE) < 0)
		return -errno;
	p = mmap(NULL, HV_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, ev->shinfo_fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	ev->shinfo = p;
	return 0;
}

int evtchn_domain_init(struct hv_domain *d)
{
	struct evtchn_domain *ev = calloc(1, sizeof(*ev));
	int r;

	if (!ev)
		return -ENOMEM;
	d->evtchn = ev;
	ev->shinfo_fd = -1;
	ev->shinfo_gpfn = EVTCHN_NO_GPFN;
	atomic_store(&ev->nr_ports, 1); /* port 0 is reserved */
	pthread_mutex_init(&ev->lock, NULL);
	if (!(ev->ports = calloc(EVTCHN_MAX_PORTS, sizeof(ev->ports[0]))))
		return -ENOMEM;
	if ((r = shinfo_create(ev)))
		return r;
	for (unsigned i = 0; i < HV_MAX_VCPUS; i++)
		atomic_store(&ev->vcpu[i].info_gfn, EVTCHN_NO_GPFN);
	for (unsigned i = 0; i < HV_MAX_VCPUS && i < XEN_LEGACY_MAX_VCPUS; i++)
		atomic_store(&ev->vcpu[i].info, &ev->shinfo->vcpu_info[i]);
	return 0;
}

void evtchn_domain_fini(struct hv_domain *d)
{
	struct evtchn_domain *ev = d->evtchn;

	if (!ev)
		return;
	if (ev->ports && ev->shinfo)
		evtchn_close_all(d);
	if (ev->shinfo)
		munmap(ev->shinfo, HV_PAGE_SIZE);
	if (ev->shinfo_fd >= 0)
		close(ev->shinfo_fd);
	free(ev->ports);
	pthread_mutex_destroy(&ev->lock);
	free(ev);
	d->evtchn = NULL;
}

struct vcpu_info *evtchn_vcpu_info(struct hv_domain *d, unsigned vcpu)
{
	return vcpu < HV_MAX_VCPUS ? atomic_load(&d->evtchn->vcpu[vcpu].info) : NULL;
}

int evtchn_register_vcpu_info(struct hv_domain *d, unsigned vcpu, uint64_t gfn, uint32_t offset)
{
	struct evtchn_domain *ev = d->evtchn;
	struct vcpu_info *old, *new;
	int r = 0;

	/* Hospes also wants 8-byte alignment: the selector is updated with
	 * atomic 64-bit operations. */
	if (vcpu >= HV_MAX_VCPUS || offset > HV_PAGE_SIZE - sizeof(*new) || offset % 8 ||
	    gfn > (UINT64_MAX >> 12))
		return -EINVAL;
	pthread_mutex_lock(&ev->lock);
	/* The frame stays present from this check until info_gfn is
	 * published: the balloon gives frames back under the write lock. */
	pthread_rwlock_rdlock(&d->mem.maplock);
	new = gmem_gpa_ptr(&d->mem, (gfn << 12) + offset, sizeof(*new));
	if (!new) {
		r = -EINVAL;
	} else if (ev->vcpu[vcpu].registered) {
		r = -EINVAL; /* once per vCPU, as in Xen */
	} else {
		old = atomic_load(&ev->vcpu[vcpu].info);
		if (old)
			memcpy(new, old, sizeof(*new));
		else
			memset(new, 0, sizeof(*new));
		/* The guest rescans everything: pending and every selector bit. */
		__atomic_store_n(&new->evtchn_pending_sel, ~0ull, __ATOMIC_SEQ_CST);
		__atomic_store_n(&new->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
		atomic_store(&ev->vcpu[vcpu].info, new);
		atomic_store(&ev->vcpu[vcpu].info_gfn, gfn);
		ev->vcpu[vcpu].registered = true;
	}
	pthread_rwlock_unlock(&d->mem.maplock);
	pthread_mutex_unlock(&ev->lock);
	if (!r)
		hv_upcall_raise(d, vcpu);
	return r;
}

bool evtchn_frames_in_use(struct hv_domain *d, uint64_t lo, uint64_t hi)
{
	struct evtchn_domain *ev = d->evtchn;

	/* The xenstore ring page is the toolstack's, never the guest's to give back. */
	if (d->store_gpfn && d->store_gpfn >= lo && d->store_gpfn < hi)
		return true;
	if (d->console_gpfn && d->console_gpfn >= lo && d->console_gpfn < hi) /* console */
		return true;
	if (!ev)
		return false;
	/* shinfo_gpfn changes only under the maplock's write side too. */
	if (ev->shinfo_gpfn != EVTCHN_NO_GPFN && ev->shinfo_gpfn >= lo && ev->shinfo_gpfn < hi)
		return true;
	for (unsigned i = 0; i < HV_MAX_VCPUS; i++) {
		uint64_t g = atomic_load(&ev->vcpu[i].info_gfn);

		if (g != EVTCHN_NO_GPFN && g >= lo && g < hi)
			return true;
	}
	return false;
}
