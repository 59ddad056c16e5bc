/* evtchn_dom0.c: dom0 endpoints of guest event channels (an eventfd each
 * way) and the one event thread that turns dom0's kicks into pending
 * guest ports. Lock order: a domain's evtchn lock, then dom0_lock; the
 * event thread takes only dom0_lock, and an endpoint in the table means
 * its domain and port are alive (removal needs dom0_lock). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "evtchn_dom0.h"

#define EP_SLOTS 4096u
#define STOP_KEY UINT64_MAX

struct evtchn_dom0_ep {
	uint32_t slot, gen;
	struct hv_domain *dom;
	evtchn_port_t port;
	int notify_fd, kick_fd; /* hospes-hv's own copies */
};

static pthread_mutex_t dom0_lock = PTHREAD_MUTEX_INITIALIZER;
static struct evtchn_dom0_ep *slots[EP_SLOTS]; /* [dom0_lock] */
static uint32_t next_gen;                      /* [dom0_lock] */
static int epfd = -1, stop_fd = -1;            /* [dom0_lock] */
static pthread_t thread;                       /* [dom0_lock] */
static bool running;                           /* [dom0_lock] */

static uint64_t key(const struct evtchn_dom0_ep *ep)
{
	return ((uint64_t)ep->gen << 32) | ep->slot;
}

static void kick(struct evtchn_dom0_ep *ep)
{
	uint64_t n;

	/* Non-blocking: a spurious wake-up reads nothing. */
	if (read(ep->kick_fd, &n, sizeof(n)) == sizeof(n) && n)
		evtchn_2l_set_pending(ep->dom, ep->port);
}

static void *event_thread(void *arg)
{
	struct epoll_event evs[32];

	(void)arg;
	for (;;) {
		int n = epoll_wait(epfd, evs, 32, -1);

		if (n < 0 && errno != EINTR)
			break;
		pthread_mutex_lock(&dom0_lock);
		for (int i = 0; i < n; i++) {
			uint64_t k = evs[i].data.u64;
			struct evtchn_dom0_ep *ep;

			if (k == STOP_KEY) {
				pthread_mutex_unlock(&dom0_lock);
				return NULL;
			}
			/* An endpoint removed after epoll_wait returned has a
			 * free slot or another generation now. */
			ep = slots[(uint32_t)k % EP_SLOTS];
			if (ep && key(ep) == k)
				kick(ep);
		}
		pthread_mutex_unlock(&dom0_lock);
	}
	return NULL;
}

/* [dom0_lock] */
static int start_thread(void)
{
	struct epoll_event e = { .events = EPOLLIN, .data.u64 = STOP_KEY };
	int r;

	if (running)
		return 0;
	if ((epfd = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    (stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0 ||
	    epoll_ctl(epfd, EPOLL_CTL_ADD, stop_fd, &e) < 0) {
		r = -errno;
		goto fail;
	}
	if ((r = -pthread_create(&thread, NULL, event_thread, NULL)))
		goto fail;
	running = true;
	return 0;
fail:
	if (epfd >= 0)
		close(epfd);
	if (stop_fd >= 0)
		close(stop_fd);
	epfd = stop_fd = -1;
	return r;
}

/* [dom0_lock] */
static int add_ep(struct evtchn_dom0_ep *ep)
{
	struct epoll_event e = { .events = EPOLLIN };
	int r;

	if ((r = start_thread()))
		return r;
	for (ep->slot = 1; ep->slot < EP_SLOTS && slots[ep->slot]; ep->slot++)
		;
	if (ep->slot == EP_SLOTS)
		return -EMFILE;
	ep->gen = ++next_gen;
	e.data.u64 = key(ep);
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, ep->kick_fd, &e) < 0)
		return -errno;
	slots[ep->slot] = ep;
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void free_ep(struct evtchn_dom0_ep *ep)
{
	close_fd(&ep->notify_fd);
	close_fd(&ep->kick_fd);
	free(ep);
}

/* Two eventfds; the caller gets duplicates, hospes-hv keeps the originals. */
static int new_fds(struct evtchn_dom0_ep *ep, int *notify_fd, int *kick_fd)
{
	*notify_fd = *kick_fd = -1;
	ep->notify_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ep->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ep->notify_fd < 0 || ep->kick_fd < 0 ||
	    (*notify_fd = fcntl(ep->notify_fd, F_DUPFD_CLOEXEC, 0)) < 0 ||
	    (*kick_fd = fcntl(ep->kick_fd, F_DUPFD_CLOEXEC, 0)) < 0) {
		int r = -errno;

		close_fd(notify_fd);
		close_fd(kick_fd);
		return r;
	}
	return 0;
}

int evtchn_dom0_bind(struct hv_domain *d, evtchn_port_t port, int *notify_fd, int *kick_fd)
{
	struct evtchn_domain *ev = d->evtchn;
	struct evtchn_dom0_ep *ep = calloc(1, sizeof(*ep));
	struct evtchn_port *c;
	int r;

	if (!ep)
		return -ENOMEM;
	ep->notify_fd = ep->kick_fd = -1;
	ep->dom = d;
	ep->port = port;
	pthread_mutex_lock(&ev->lock);
	c = port != 0 && port < atomic_load(&ev->nr_ports) ? &ev->ports[port] : NULL;
	if (!c || c->state != EVTCHNSTAT_unbound || c->u.remote_dom != 0) {
		r = -EINVAL;
		goto out;
	}
	if ((r = new_fds(ep, notify_fd, kick_fd)))
		goto out;
	pthread_mutex_lock(&dom0_lock);
	r = add_ep(ep);
	pthread_mutex_unlock(&dom0_lock);
	if (r) {
		close_fd(notify_fd);
		close_fd(kick_fd);
		goto out;
	}
	c->to_dom0 = true;
	c->u.ep = ep;
	__atomic_store_n(&c->state, EVTCHNSTAT_interdomain, __ATOMIC_RELEASE);
	r = (int)ep->slot;
	ep = NULL;
out:
	pthread_mutex_unlock(&ev->lock);
	if (ep)
		free_ep(ep);
	return r;
}

void evtchn_dom0_detach(struct evtchn_dom0_ep *ep)
{
	pthread_mutex_lock(&dom0_lock);
	epoll_ctl(epfd, EPOLL_CTL_DEL, ep->kick_fd, NULL);
	slots[ep->slot] = NULL;
	pthread_mutex_unlock(&dom0_lock);
	free_ep(ep);
}

int evtchn_dom0_unbind(struct hv_domain *d, evtchn_port_t port)
{
	struct evtchn_domain *ev = d->evtchn;
	struct evtchn_port *c;
	int r = 0;

	pthread_mutex_lock(&ev->lock);
	c = port != 0 && port < atomic_load(&ev->nr_ports) ? &ev->ports[port] : NULL;
	if (!c || c->state != EVTCHNSTAT_interdomain || !c->to_dom0) {
		r = -EINVAL;
	} else {
		evtchn_dom0_detach(c->u.ep);
		c->to_dom0 = false;
		c->u.remote_dom = 0; /* waits for dom0 again, as in Xen */
		__atomic_store_n(&c->state, EVTCHNSTAT_unbound, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&ev->lock);
	return r;
}

void evtchn_dom0_notify(struct evtchn_dom0_ep *ep)
{
	uint64_t one = 1;

	/* Cannot block (non-blocking fd); a full counter (2^64 - 2 unread
	 * sends) already says "notified". */
	if (write(ep->notify_fd, &one, sizeof(one)) < 0)
		return;
}

uint32_t evtchn_dom0_ep_id(const struct evtchn_dom0_ep *ep)
{
	return ep->slot;
}

void evtchn_dom0_shutdown(void)
{
	uint64_t one = 1;
	bool join;

	pthread_mutex_lock(&dom0_lock);
	join = running;
	if (running && write(stop_fd, &one, sizeof(one)) < 0)
		join = false;
	pthread_mutex_unlock(&dom0_lock);
	if (!join)
		return;
	pthread_join(thread, NULL);
	pthread_mutex_lock(&dom0_lock);
	close(epfd);
	close(stop_fd);
	epfd = stop_fd = -1;
	running = false;
	pthread_mutex_unlock(&dom0_lock);
}
