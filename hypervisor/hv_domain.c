/* hv_domain.c: a domain's life cycle: creation, the state it ends in, and
 * the exit status that state maps to. No KVM here. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <unistd.h>

#include <pvabi/sched.h>

#include "evtchn.h"
#include "gnttab.h"
#include "hv.h"
#include "hv_balloon.h"
#include "hv_exit.h"
#include "hv_time.h"
#include "hv_wait.h"

static const char *const reason_names[] = {
	[SHUTDOWN_poweroff] = "poweroff", [SHUTDOWN_reboot] = "reboot",
	[SHUTDOWN_suspend] = "suspend",   [SHUTDOWN_crash] = "crash",
	[SHUTDOWN_watchdog] = "watchdog", [SHUTDOWN_soft_reset] = "soft_reset",
};

static const int reason_status[] = {
	[SHUTDOWN_poweroff] = HV_EXIT_POWEROFF, [SHUTDOWN_reboot] = HV_EXIT_REBOOT,
	[SHUTDOWN_suspend] = HV_EXIT_SUSPEND,   [SHUTDOWN_crash] = HV_EXIT_CRASH,
	[SHUTDOWN_watchdog] = HV_EXIT_WATCHDOG, [SHUTDOWN_soft_reset] = HV_EXIT_SOFT_RESET,
};

const char *hv_shutdown_reason_name(int reason)
{
	return reason >= 0 && reason <= SHUTDOWN_MAX ? reason_names[reason] : "unknown";
}

int hv_domain_init(struct hv_domain *d, domid_t id, int console_fd)
{
	memset(d, 0, sizeof(*d));
	d->id = id;
	d->vm_fd = -1;
	d->mem.fd = -1;
	d->shutdown_code = -1;
	d->state = HV_DOM_RUNNING;
	d->time_base_ns = hv_monotonic_ns();
	if (getrandom(d->uuid, sizeof(d->uuid), 0) != sizeof(d->uuid))
		return -EIO;
	d->uuid[6] = (d->uuid[6] & 0x0f) | 0x40; /* RFC 4122 version 4 */
	d->uuid[8] = (d->uuid[8] & 0x3f) | 0x80;
	pthread_mutex_init(&d->lock, NULL);
	pthread_mutex_init(&d->balloon_lock, NULL);
	pthread_rwlock_init(&d->mem.maplock, NULL);
	pthread_cond_init(&d->cond, NULL);
	hv_console_init(&d->console, console_fd);
	d->done_fd = eventfd(0, EFD_CLOEXEC);
	if (d->done_fd < 0)
		return -errno;
	int r = evtchn_domain_init(d);

	return r ? r : gnttab_domain_init(d);
}

void hv_domain_fini(struct hv_domain *d)
{
	hv_console_flush(&d->console);
	evtchn_domain_fini(d); /* peers see their ports become unbound */
	gnttab_domain_fini(d); /* granters see their in-use bits clear */
	hv_mem_domain_fini(d);
	gmem_ram_destroy(&d->mem);
	if (d->done_fd >= 0)
		close(d->done_fd);
	d->done_fd = -1;
	pthread_cond_destroy(&d->cond);
	pthread_mutex_destroy(&d->lock);
	pthread_mutex_destroy(&d->console.lock);
}

/* Moves a running domain to state; returns false if it had already ended. */
static bool set_state(struct hv_domain *d, enum hv_dom_state state, const char *why)
{
	bool first = d->state == HV_DOM_RUNNING;

	if (first) {
		d->state = state;
		snprintf(d->fault, sizeof(d->fault), "%s", why);
		/* Only the vCPUs stop: memory, grants and ports stay usable by
		 * others until hv_domain_destroy (SPEC.md §14.6). */
		atomic_store(&d->dying, true);
		pthread_cond_broadcast(&d->cond);
		/* Lock order: dom->lock, then a vCPU's wait_lock. */
		for (unsigned i = 0; i < d->nr_vcpus; i++)
			if (d->vcpus[i])
				hv_vcpu_wake(d->vcpus[i]);
	}
	return first;
}

void hv_domain_shutdown(struct hv_domain *d, int reason)
{
	bool first;

	pthread_mutex_lock(&d->lock);
	/* Xen: a code recorded by SCHEDOP_shutdown_code wins. */
	d->shutdown_reason = d->shutdown_code >= 0 ? d->shutdown_code : reason;
	first = set_state(d, HV_DOM_SHUTDOWN, "");
	pthread_mutex_unlock(&d->lock);
	if (first)
		hv_log(d, HV_LOG_INFO, "domain shut down: %s",
		       hv_shutdown_reason_name(d->shutdown_reason));
}

void hv_domain_record_code(struct hv_domain *d, int reason)
{
	pthread_mutex_lock(&d->lock);
	d->shutdown_code = reason;
	pthread_mutex_unlock(&d->lock);
}

static void end_with(struct hv_domain *d, enum hv_dom_state state, const char *what,
		     const char *fmt, va_list ap)
{
	char why[sizeof(d->fault)];
	bool first;

	vsnprintf(why, sizeof(why), fmt, ap);
	pthread_mutex_lock(&d->lock);
	first = set_state(d, state, why);
	pthread_mutex_unlock(&d->lock);
	if (first)
		hv_log(d, HV_LOG_ERROR, "%s: %s", what, d->fault);
}

void hv_domain_fault(struct hv_domain *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	end_with(d, HV_DOM_FAULT, "domain fault", fmt, ap);
	va_end(ap);
}

void hv_domain_error(struct hv_domain *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	end_with(d, HV_DOM_ERROR, "hospes-hv error", fmt, ap);
	va_end(ap);
}

void hv_domain_destroy(struct hv_domain *d, const char *why)
{
	bool first;

	pthread_mutex_lock(&d->lock);
	/* Also for a domain that already ended (its state stays, for the
	 * exit status): from now on nobody takes a new reference to it, so
	 * grant maps and copies of it fail (hv_registry.c). */
	atomic_store(&d->destroyed, true);
	first = set_state(d, HV_DOM_DESTROYED, why);
	pthread_mutex_unlock(&d->lock);
	if (first)
		hv_log(d, HV_LOG_INFO, "domain destroyed: %s", why);
}

int hv_domain_exit_status(struct hv_domain *d)
{
	int status;

	pthread_mutex_lock(&d->lock);
	switch (d->state) {
	case HV_DOM_SHUTDOWN:
		status = d->shutdown_reason >= 0 && d->shutdown_reason <= SHUTDOWN_MAX
				 ? reason_status[d->shutdown_reason]
				 : HV_EXIT_FAULT;
		break;
	case HV_DOM_FAULT:
		status = HV_EXIT_FAULT;
		break;
	case HV_DOM_DESTROYED:
		status = HV_EXIT_DESTROYED;
		break;
	default:
		status = HV_EXIT_ERROR;
		break;
	}
	pthread_mutex_unlock(&d->lock);
	return status;
}
