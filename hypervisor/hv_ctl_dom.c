/* hv_ctl_dom.c: the daemon's domains: create (console log under the state
 * directory), state and generation, long-poll waiters, reaping ended vCPU
 * threads, destroy. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "hv_balloon.h"
#include "hv_ctl.h"
#include "hv_registry.h"
#include "hv_smp.h"
#include "hv_time.h"

struct ctl_dom *ctl_dom_find(struct hv_ctl *c, uint32_t domid)
{
	for (struct ctl_dom *d = c->doms; d; d = d->next)
		if (d->vm->dom.id == domid)
			return d;
	return NULL;
}

static int open_console(struct hv_ctl *c, domid_t id)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/console-%u.log", c->state_dir, id);
	return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
}

static void fill_cfg(struct hv_build_cfg *cfg, const struct hvctl_create *r)
{
	*cfg = (struct hv_build_cfg){ .kernel = r->kernel, .mem = r->mem, .maxmem = r->maxmem,
				      .vcpus = r->vcpus, .cmdline = r->cmdline,
				      .nr_modules = r->nr_modules,
				      .xenstore = (r->flags & HVCTL_CREATE_XENSTORE) != 0,
				      .console = (r->flags & HVCTL_CREATE_CONSOLE) != 0 };
	for (unsigned i = 0; i < r->nr_modules; i++)
		cfg->modules[i] = r->modules[i];
}

int ctl_dom_create(struct hv_ctl *c, const struct hvctl_create *req, const struct ctl_conn *k,
		   struct ctl_dom **out)
{
	struct hv_build_cfg cfg;
	struct ctl_dom *d;
	domid_t id = hv_registry_free_id();
	int r;

	if (!id)
		return -ENOSPC;
	if (!(d = calloc(1, sizeof(*d))))
		return -ENOMEM;
	if ((d->console_fd = open_console(c, id)) < 0) {
		r = -errno;
		hv_log(NULL, HV_LOG_ERROR, "cannot open the console log of domain %u: %s", id,
		       strerror(errno));
		free(d);
		return r;
	}
	fill_cfg(&cfg, req);
	if ((r = hv_build_domain(&d->vm, id, d->console_fd, &cfg)))
		goto fail;
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &d->src };
	d->src.kind = CTL_SRC_DOM;
	if (epoll_ctl(c->epfd, EPOLL_CTL_ADD, d->vm->dom.done_fd, &ev) < 0) {
		r = -errno;
		hv_build_free(d->vm);
		goto fail;
	}
	d->owner_uid = k->uid;
	d->owner_pid = (uint32_t)k->pid;
	d->generation = 1;
	d->next = c->doms;
	c->doms = d;
	*out = d;
	hv_log(&d->vm->dom, HV_LOG_INFO, "created by pid %d (uid %u)", (int)k->pid,
	       (unsigned)k->uid);
	return 0;
fail:
	close(d->console_fd);
	free(d);
	return r;
}

static uint32_t state_of(struct ctl_dom *d)
{
	struct hv_domain *dom = &d->vm->dom;
	uint32_t s;

	pthread_mutex_lock(&dom->lock);
	switch (dom->state) {
	case HV_DOM_RUNNING:
		s = !d->started ? HVCTL_STATE_CREATED
		    : atomic_load(&dom->paused) ? HVCTL_STATE_PAUSED : HVCTL_STATE_RUNNING;
		break;
	case HV_DOM_SHUTDOWN: s = HVCTL_STATE_SHUTDOWN; break;
	case HV_DOM_FAULT: s = HVCTL_STATE_FAULT; break;
	case HV_DOM_DESTROYED: s = HVCTL_STATE_DESTROYED; break;
	default: s = HVCTL_STATE_ERROR; break;
	}
	pthread_mutex_unlock(&dom->lock);
	return s;
}

void ctl_dom_info(struct ctl_dom *d, struct hvctl_dominfo *i)
{
	struct hv_domain *dom = &d->vm->dom;

	memset(i, 0, sizeof(*i));
	i->domid = dom->id;
	i->state = state_of(d);
	i->generation = d->generation;
	pthread_mutex_lock(&dom->lock);
	i->shutdown_reason = dom->state == HV_DOM_SHUTDOWN ? (uint32_t)dom->shutdown_reason : 0;
	pthread_mutex_unlock(&dom->lock);
	i->vcpus = dom->nr_vcpus;
	i->online_vcpus = d->started ? hv_smp_online(dom) : 0;
	i->mem_cur_bytes = hv_mem_current_pages(dom) * HV_PAGE_SIZE;
	i->mem_max_bytes = hv_mem_max_pages(dom) * HV_PAGE_SIZE;
	i->cpu_ns = hv_build_cpu_ns(d->vm);
	i->owner_uid = d->owner_uid;
	i->owner_pid = d->owner_pid;
	i->store_pfn = dom->store_gpfn;
	i->store_port = dom->store_port;
	i->console_pfn = dom->console_gpfn; /* console */
	i->console_port = dom->console_port;
	i->build_ns = dom->boot.build_ns; /* boot accounting (hv_bootacct.h) */
	i->boot_console_ns = atomic_load(&dom->boot.console_ns);
	i->boot_hv_ns = atomic_load(&dom->boot.hv_ns);
	i->boot_guest_ns = atomic_load(&dom->boot.guest_ns);
}

static void answer(struct hv_ctl *c, struct ctl_waiter *w, struct ctl_dom *d, int status)
{
	struct hvctl_dominfo info;

	if (status) {
		ctl_conn_reply_status(c, w->conn, HVCTL_WAIT, w->request_id, status);
		return;
	}
	ctl_dom_info(d, &info);
	ctl_conn_reply(c, w->conn, HVCTL_WAIT, w->request_id, &info, sizeof(info), NULL, 0);
}

/* Answers (and frees) the waiters for d (or, with d gone, with state). */
static void wake_waiters(struct hv_ctl *c, struct ctl_dom *d)
{
	for (struct ctl_waiter **p = &c->waiters; *p;) {
		struct ctl_waiter *w = *p;

		if (w->domid == d->vm->dom.id && w->generation != d->generation) {
			*p = w->next;
			answer(c, w, d, 0);
			free(w);
		} else {
			p = &w->next;
		}
	}
}

void ctl_dom_changed(struct hv_ctl *c, struct ctl_dom *d)
{
	d->generation++;
	wake_waiters(c, d);
}

static void unlink_dom(struct hv_ctl *c, struct ctl_dom *d)
{
	for (struct ctl_dom **p = &c->doms; *p; p = &(*p)->next)
		if (*p == d) {
			*p = d->next;
			break;
		}
}

/* The domain is gone for good: its waiters learn DESTROYED, then free. */
static void dom_free(struct hv_ctl *c, struct ctl_dom *d)
{
	ctl_dom_changed(c, d);
	for (struct ctl_waiter **p = &c->waiters; *p;) {
		struct ctl_waiter *w = *p;

		if (w->domid == d->vm->dom.id) {
			*p = w->next;
			ctl_conn_reply_status(c, w->conn, HVCTL_WAIT, w->request_id, -ESRCH);
			free(w);
		} else {
			p = &w->next;
		}
	}
	unlink_dom(c, d);
	epoll_ctl(c->epfd, EPOLL_CTL_DEL, d->vm->dom.done_fd, NULL);
	hv_log(&d->vm->dom, HV_LOG_INFO, "domain removed");
	hv_build_free(d->vm);
	close(d->console_fd);
	free(d);
}

void ctl_dom_event(struct hv_ctl *c, struct ctl_dom *d)
{
	if (d->ended || !hv_build_reap(d->vm))
		return;
	d->ended = true;
	hv_console_flush(&d->vm->dom.console);
	if (d->destroying)
		dom_free(c, d);
	else
		ctl_dom_changed(c, d);
}

int ctl_dom_destroy(struct hv_ctl *c, struct ctl_dom *d)
{
	if (d->destroying)
		return 0;
	d->destroying = true;
	if (!d->started || d->ended) {
		hv_domain_destroy(&d->vm->dom, "destroyed by the toolstack");
		dom_free(c, d);
		return 0;
	}
	hv_build_kill(d->vm, "destroyed by the toolstack");
	ctl_dom_changed(c, d);
	return 0;
}

uint64_t ctl_wait_expire(struct hv_ctl *c)
{
	uint64_t now = hv_monotonic_ns(), next = 0;

	for (struct ctl_waiter **p = &c->waiters; *p;) {
		struct ctl_waiter *w = *p;

		if (w->deadline_ns && w->deadline_ns <= now) {
			*p = w->next;
			ctl_conn_reply_status(c, w->conn, HVCTL_WAIT, w->request_id, -ETIMEDOUT);
			free(w);
			continue;
		}
		if (w->deadline_ns && (!next || w->deadline_ns < next))
			next = w->deadline_ns;
		p = &w->next;
	}
	return next;
}

void ctl_wait_drop_conn(struct hv_ctl *c, struct ctl_conn *k)
{
	for (struct ctl_waiter **p = &c->waiters; *p;) {
		struct ctl_waiter *w = *p;

		if (w->conn == k) {
			*p = w->next;
			free(w);
		} else {
			p = &w->next;
		}
	}
}

void ctl_dom_destroy_all(struct hv_ctl *c)
{
	while (c->doms) {
		struct ctl_dom *d = c->doms;

		if (d->started && !d->ended) {
			hv_build_kill(d->vm, "hospes-hv is stopping");
			while (!hv_build_reap(d->vm)) {
				struct pollfd p = { d->vm->dom.done_fd, POLLIN, 0 };

				/* Blocking is fine here: the daemon is exiting. */
				poll(&p, 1, 1000);
			}
			d->ended = true;
		}
		d->destroying = true;
		dom_free(c, d);
	}
}
