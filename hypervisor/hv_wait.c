/* hv_wait.c: sleeping vCPUs and waking them (condition variable on the
 * monotonic clock; the predicate is re-checked under the lock). */
#include <errno.h>
#include <time.h>

#include "hv.h"
#include "hv_wait.h"

void hv_wait_init(struct hv_vcpu *v)
{
	pthread_condattr_t a;

	pthread_mutex_init(&v->wait_lock, NULL);
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&v->wait_cond, &a);
	pthread_condattr_destroy(&a);
}

void hv_wait_fini(struct hv_vcpu *v)
{
	pthread_cond_destroy(&v->wait_cond);
	pthread_mutex_destroy(&v->wait_lock);
}

int hv_vcpu_wait(struct hv_vcpu *v, hv_wait_done_fn *done, void *ctx, uint64_t deadline_ns)
{
	struct timespec ts = { .tv_sec = (time_t)(deadline_ns / 1000000000ull),
			       .tv_nsec = (long)(deadline_ns % 1000000000ull) };
	int r = 0;

	pthread_mutex_lock(&v->wait_lock);
	for (;;) {
		if (done(v, ctx)) {
			r = 0;
			break;
		}
		if (atomic_load(&v->dom->dying) || v->stop) {
			r = -EINTR;
			break;
		}
		if (r == ETIMEDOUT) {
			r = -ETIMEDOUT;
			break;
		}
		r = deadline_ns ? pthread_cond_timedwait(&v->wait_cond, &v->wait_lock, &ts)
				: pthread_cond_wait(&v->wait_cond, &v->wait_lock);
	}
	pthread_mutex_unlock(&v->wait_lock);
	return r;
}

void hv_vcpu_wake(struct hv_vcpu *v)
{
	/* Taking the lock orders the waker's published state before the
	 * sleeper's next predicate check. */
	pthread_mutex_lock(&v->wait_lock);
	pthread_cond_broadcast(&v->wait_cond);
	pthread_mutex_unlock(&v->wait_lock);
}
