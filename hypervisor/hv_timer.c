/* hv_timer.c: the process's timer thread: a sorted deadline list and a
 * condition variable on CLOCK_MONOTONIC. One thread serves every vCPU of
 * every domain, so a thousand idle timers cost no threads. */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "hv_time.h"
#include "hv_timer.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond;    /* [T] the head changed, or quit */
static struct hv_timer *head;  /* [T] sorted by deadline */
static bool running, quit;     /* [T] */
static pthread_t thread;

void hv_timer_lock(void)
{
	pthread_mutex_lock(&lock);
}

void hv_timer_unlock(void)
{
	pthread_mutex_unlock(&lock);
}

static void unlink_timer(struct hv_timer *t)
{
	for (struct hv_timer **p = &head; *p; p = &(*p)->next)
		if (*p == t) {
			*p = t->next;
			break;
		}
	t->next = NULL;
	t->deadline = 0;
}

static void insert(struct hv_timer *t)
{
	struct hv_timer **p = &head;

	while (*p && (*p)->deadline <= t->deadline)
		p = &(*p)->next;
	t->next = *p;
	*p = t;
}

/* Expires every timer due at now; periodic ones go back into the list at
 * their next deadline (missed periods are skipped, not replayed). */
static void expire(uint64_t now)
{
	while (head && head->deadline <= now) {
		struct hv_timer *t = head;

		head = t->next;
		t->next = NULL;
		if (t->period) {
			uint64_t next = t->deadline + t->period;

			t->deadline = next > now ? next : now + t->period;
			insert(t);
		} else {
			t->deadline = 0;
		}
		t->fired++;
		t->fn(t);
	}
}

static void *timer_thread(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	while (!quit) {
		expire(hv_monotonic_ns());
		if (quit)
			break;
		if (!head) {
			pthread_cond_wait(&cond, &lock);
			continue;
		}
		struct timespec ts = { .tv_sec = (time_t)(head->deadline / 1000000000ull),
				       .tv_nsec = (long)(head->deadline % 1000000000ull) };
		pthread_cond_timedwait(&cond, &lock, &ts);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

static int start_locked(void)
{
	pthread_condattr_t a;
	int r;

	if (running)
		return 0;
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&cond, &a);
	pthread_condattr_destroy(&a);
	quit = false;
	if ((r = pthread_create(&thread, NULL, timer_thread, NULL))) {
		pthread_cond_destroy(&cond);
		return -r;
	}
	running = true;
	return 0;
}

int hv_timer_arm(struct hv_timer *t, hv_timer_fn *fn, void *ctx, uint64_t deadline,
		 uint64_t period)
{
	int r;

	pthread_mutex_lock(&lock);
	if ((r = start_locked()) == 0) {
		if (t->deadline)
			unlink_timer(t);
		t->fn = fn;
		t->ctx = ctx;
		t->deadline = deadline ? deadline : 1;
		t->period = period;
		insert(t);
		if (head == t)
			pthread_cond_signal(&cond);
	}
	pthread_mutex_unlock(&lock);
	return r;
}

void hv_timer_cancel_locked(struct hv_timer *t)
{
	if (t->deadline)
		unlink_timer(t);
	t->period = 0;
}

void hv_timer_cancel(struct hv_timer *t)
{
	/* Expiry runs under the lock, so holding it means fn is not running. */
	pthread_mutex_lock(&lock);
	hv_timer_cancel_locked(t);
	pthread_mutex_unlock(&lock);
}

bool hv_timer_armed(struct hv_timer *t)
{
	bool armed;

	pthread_mutex_lock(&lock);
	armed = t->deadline != 0;
	pthread_mutex_unlock(&lock);
	return armed;
}

void hv_timer_shutdown(void)
{
	pthread_mutex_lock(&lock);
	if (!running || head) {
		pthread_mutex_unlock(&lock);
		return;
	}
	quit = true;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
	pthread_join(thread, NULL);
	pthread_mutex_lock(&lock);
	running = false;
	pthread_cond_destroy(&cond);
	pthread_mutex_unlock(&lock);
}
