/* hv_watchdog.h: the thread that gets vCPUs out of a KVM_RUN that never
 * returns (vmcall/vmmcall on this host's KVM). */
#ifndef HOSPES_HV_WATCHDOG_H
#define HOSPES_HV_WATCHDOG_H

#include "hv.h"

#define HV_WATCHDOG_DEFAULT_MS 250

struct hv_watchdog {
	struct hv_domain *dom;
	unsigned period_ms;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop; /* [lock] */
};

/* Every period_ms: kicks each vCPU that is inside KVM_RUN and made no exit
 * since the previous check. */
int hv_watchdog_start(struct hv_watchdog *w, struct hv_domain *d, unsigned period_ms);
void hv_watchdog_stop(struct hv_watchdog *w);

#endif
