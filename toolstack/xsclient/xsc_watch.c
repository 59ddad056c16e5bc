/* xsc_watch.c: watches, the queue of their events (filled whenever bytes are
 * read, so nothing is lost while a request waits), callbacks and polling. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xsc_internal.h"

/* payload must be exactly "path\0token\0" with a non-empty path. */
int xsc_queue_event(struct xsc *h, const char *payload, size_t len)
{
	size_t plen, tlen;
	struct xsc_qevent *q;
	uint64_t one = 1;

	if (len < 3 || payload[len - 1] != '\0')
		return xsc_fail(h, -EBADMSG);
	plen = strlen(payload);
	if (plen == 0 || plen + 1 >= len)
		return xsc_fail(h, -EBADMSG);
	tlen = strlen(payload + plen + 1);
	if (plen + tlen + 2 != len)
		return xsc_fail(h, -EBADMSG);
	q = malloc(sizeof(*q) + len);
	if (!q)
		return xsc_fail(h, -ENOMEM); /* an event would be lost */
	q->next = NULL;
	q->ev.path = (char *)(q + 1);
	memcpy(q->ev.path, payload, len);
	q->ev.token = q->ev.path + plen + 1;
	if (h->qtail)
		h->qtail->next = q;
	else
		h->qhead = q;
	h->qtail = q;
	if (write(h->evfd, &one, sizeof(one)) < 0) {
		/* the counter cannot overflow here; nothing to undo */
	}
	return 0;
}

static void unlink_event(struct xsc *h, struct xsc_qevent *prev, struct xsc_qevent *q)
{
	uint64_t v;

	if (prev)
		prev->next = q->next;
	else
		h->qhead = q->next;
	if (h->qtail == q)
		h->qtail = prev;
	if (!h->qhead && read(h->evfd, &v, sizeof(v)) < 0) {
		/* already zero */
	}
}

void xsc_queue_free(struct xsc *h)
{
	while (h->qhead) {
		struct xsc_qevent *q = h->qhead;

		h->qhead = q->next;
		free(q);
	}
	h->qtail = NULL;
}

void xsc_watches_free(struct xsc *h)
{
	while (h->watches) {
		struct xsc_watch *w = h->watches;

		h->watches = w->next;
		free(w);
	}
}

static struct xsc_watch *find_cb(struct xsc *h, const char *token)
{
	for (struct xsc_watch *w = h->watches; w; w = w->next)
		if (w->cb && strcmp(w->token, token) == 0)
			return w;
	return NULL;
}

int xsc_watch(struct xsc *h, const char *path, const char *token, xsc_watch_cb cb, void *arg)
{
	const char *strs[] = { path, token, NULL };
	size_t pl = strlen(path), tl = strlen(token);
	struct xsc_reply r;
	struct xsc_watch *w;
	int err;

	/* registered first: the immediate event may come before the reply */
	w = malloc(sizeof(*w) + pl + tl + 2);
	if (!w)
		return -ENOMEM;
	*w = (struct xsc_watch){ .next = h->watches, .cb = cb, .arg = arg };
	w->path = (char *)(w + 1);
	w->token = w->path + pl + 1;
	memcpy(w->path, path, pl + 1);
	memcpy(w->token, token, tl + 1);
	h->watches = w;
	err = xsc_request_strs(h, XS_WATCH, 0, strs, &r);
	if (!err)
		err = xsc_expect_ok(h, &r);
	if (err && h->watches == w) {
		h->watches = w->next;
		free(w);
	}
	return err;
}

int xsc_unwatch(struct xsc *h, const char *path, const char *token)
{
	const char *strs[] = { path, token, NULL };
	struct xsc_reply r;
	int err = xsc_request_strs(h, XS_UNWATCH, 0, strs, &r);

	if (!err)
		err = xsc_expect_ok(h, &r);
	if (err)
		return err;
	for (struct xsc_watch **p = &h->watches; *p; p = &(*p)->next) {
		if (strcmp((*p)->path, path) == 0 && strcmp((*p)->token, token) == 0) {
			struct xsc_watch *w = *p;

			*p = w->next;
			free(w);
			break;
		}
	}
	return 0;
}

/* The first queued event that has (want_cb) or has not a callback. */
static struct xsc_qevent *pop(struct xsc *h, bool want_cb)
{
	struct xsc_qevent *prev = NULL;

	for (struct xsc_qevent *q = h->qhead; q; prev = q, q = q->next) {
		if ((find_cb(h, q->ev.token) != NULL) == want_cb) {
			unlink_event(h, prev, q);
			return q;
		}
	}
	return NULL;
}

/* Milliseconds left until end (-1: no deadline), never negative. */
static int left_ms(int timeout_ms, const struct timespec *start)
{
	struct timespec t;
	int64_t spent;

	if (timeout_ms < 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &t);
	spent = (t.tv_sec - start->tv_sec) * 1000 + (t.tv_nsec - start->tv_nsec) / 1000000;
	return spent >= timeout_ms ? 0 : timeout_ms - (int)spent;
}

int xsc_read_watch(struct xsc *h, struct xsc_event **ev, int timeout_ms)
{
	struct timespec start;

	clock_gettime(CLOCK_MONOTONIC, &start);
	*ev = NULL;
	for (;;) {
		struct xsc_qevent *q = pop(h, false);
		int err;

		if (q) {
			/* the event struct is at the block's start for free() */
			memmove(q, &q->ev, sizeof(q->ev));
			*ev = (struct xsc_event *)q;
			return 0;
		}
		/* bytes for other watches must not extend the caller's wait */
		err = xsc_pump(h, left_ms(timeout_ms, &start));
		if (err)
			return err;
	}
}

int xsc_dispatch(struct xsc *h, int timeout_ms)
{
	struct timespec start;
	int called = 0, err;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct xsc_qevent *q;

		while ((q = pop(h, true)) != NULL) {
			struct xsc_watch *w = find_cb(h, q->ev.token);

			w->cb(w->arg, q->ev.path, q->ev.token);
			free(q);
			called++;
		}
		if (called || timeout_ms == 0)
			return called;
		err = xsc_pump(h, left_ms(timeout_ms, &start));
		if (err == -ETIMEDOUT)
			return 0;
		if (err)
			return err;
	}
}
