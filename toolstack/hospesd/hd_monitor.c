/* hd_monitor.c: one thread per domain blocks in hvctl_wait on its own
 * connection and posts each new state to the loop thread (a queue and a
 * uv_async); the loop thread alone touches domain records. A report of an
 * earlier life of a domid is recognised by the record's serial. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd.h"
#include "hvctl.h"

struct report {
	struct report *next;
	uint32_t domid;
	uint64_t serial;
	int err; /* 0: info is valid; else the wait's error (-ESRCH: gone) */
	struct hvctl_dominfo info;
};

struct watcher {
	uint32_t domid, generation;
	uint64_t serial;
	char sock[HD_PATH_MAX];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct report *head, **tail = &head;
static uv_async_t async;
static atomic_bool stopping;

static void post(struct report *r)
{
	pthread_mutex_lock(&lock);
	r->next = NULL;
	*tail = r;
	tail = &r->next;
	pthread_mutex_unlock(&lock);
	uv_async_send(&async);
}

static void *watch_thread(void *arg)
{
	struct watcher *w = arg;
	struct hvctl *h = NULL;
	int r = hvctl_connect(w->sock, &h);

	while (!r && !atomic_load(&stopping)) {
		struct report *rep = calloc(1, sizeof(*rep));

		if (!rep)
			break;
		/* No timeout: the wait ends with a change, the domain's removal
		 * or hospes-hv's death; hospesd's exit just abandons it. */
		r = hvctl_wait(h, w->domid, w->generation, 0, &rep->info);
		rep->domid = w->domid;
		rep->serial = w->serial;
		rep->err = r;
		if (!r)
			w->generation = rep->info.generation;
		post(rep);
		if (!r && rep->info.state == HVCTL_STATE_DESTROYED)
			break; /* nothing follows but its removal */
	}
	if (h)
		hvctl_close(h);
	free(w);
	return NULL;
}

static void on_reports(uv_async_t *a)
{
	struct report *list;

	pthread_mutex_lock(&lock);
	list = head;
	head = NULL;
	tail = &head;
	pthread_mutex_unlock(&lock);
	while (list) {
		struct report *r = list;
		struct hd_dom *d = hd_dom_by_domid(r->domid);

		list = r->next;
		if (d && d->serial == r->serial) {
			if (!r->err && r->info.generation > d->info.generation) {
				d->info = r->info;
				hd_event("state", d, NULL, NULL);
				if (r->info.state == HVCTL_STATE_DESTROYED) {
					/* Destroyed behind our back (hospes-hvctl). */
					hd_log((int)d->domid, "destroyed outside hospesd; forgetting it");
					hd_dom_destroy(d);
				} else if (r->info.state == HVCTL_STATE_SHUTDOWN ||
				    r->info.state == HVCTL_STATE_FAULT ||
				    r->info.state == HVCTL_STATE_ERROR)
					hd_dom_ended(d);
			} else if (r->err == -ESRCH) {
				/* Destroyed behind our back (hospes-hvctl). */
				hd_log((int)d->domid, "vanished from hospes-hv; forgetting it");
				hd_dom_destroy(d);
			}
		}
		free(r);
	}
}

int hd_monitor_init(void)
{
	int r = uv_async_init(hd.loop, &async, on_reports);

	if (!r)
		uv_unref((uv_handle_t *)&async);
	return r;
}

int hd_monitor_start(struct hd_dom *d)
{
	struct watcher *w = calloc(1, sizeof(*w));
	pthread_attr_t attr;
	pthread_t t;
	int r;

	if (!w)
		return -ENOMEM;
	w->domid = d->domid;
	w->generation = d->info.generation;
	w->serial = d->serial;
	snprintf(w->sock, sizeof(w->sock), "%s", hd.hv.sock);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	r = pthread_create(&t, &attr, watch_thread, w);
	pthread_attr_destroy(&attr);
	if (r) {
		free(w);
		return -r;
	}
	return 0;
}

void hd_monitor_stop_all(void)
{
	atomic_store(&stopping, true);
	uv_close((uv_handle_t *)&async, NULL);
}
