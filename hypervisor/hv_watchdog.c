/* hv_watchdog.c: kicking vCPUs stuck inside KVM_RUN. */
#include <errno.h>
#include <time.h>

#include "hv_vcpu.h"
#include "hv_watchdog.h"

static void check(struct hv_domain *d)
{
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		struct hv_vcpu *v = d->vcpus[i];
		uint64_t exits = atomic_load_explicit(&v->exits, memory_order_relaxed);

		if (atomic_load_explicit(&v->in_run, memory_order_relaxed) && exits == v->wd_seen)
			hv_vcpu_kick(v);
		v->wd_seen = exits;
	}
}

static void *watchdog_thread(void *arg)
{
	struct hv_watchdog *w = arg;
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	pthread_mutex_lock(&w->lock);
	while (!w->stop) {
		t.tv_sec += w->period_ms / 1000;
		t.tv_nsec += (long)(w->period_ms % 1000) * 1000000;
		if (t.tv_nsec >= 1000000000) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000;
		}
		while (!w->stop && pthread_cond_timedwait(&w->cond, &w->lock, &t) != ETIMEDOUT)
			;
		if (!w->stop)
			check(w->dom);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int hv_watchdog_start(struct hv_watchdog *w, struct hv_domain *d, unsigned period_ms)
{
	pthread_condattr_t ca;

	w->dom = d;
	w->period_ms = period_ms;
	w->stop = false;
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);
	return -pthread_create(&w->thread, NULL, watchdog_thread, w);
}

void hv_watchdog_stop(struct hv_watchdog *w)
{
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
}
