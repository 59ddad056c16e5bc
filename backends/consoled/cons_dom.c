/* cons_dom.c: the served domains: checking a console against hospes-hv,
 * mapping its page and binding its port, following it, and dropping it
 * (the ring itself is cons_ring.c). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cons.h"
#include "hvctl.h"

#define CONS_RETIRED_MAX 256

static struct cons_dom *doms;
/* Dropped domains not to serve again while they still exist. */
static unsigned retired[CONS_RETIRED_MAX], nr_retired;

struct cons_dom *cons_dom_find(unsigned domid)
{
	for (struct cons_dom *d = doms; d; d = d->next)
		if (d->domid == domid)
			return d;
	return NULL;
}

bool cons_dom_is_retired(unsigned domid)
{
	for (unsigned i = 0; i < nr_retired; i++)
		if (retired[i] == domid)
			return true;
	return false;
}

void cons_dom_forget_missing(const unsigned *present, unsigned n)
{
	for (unsigned i = 0; i < nr_retired;) {
		bool seen = false;

		for (unsigned j = 0; j < n && !seen; j++)
			seen = present[j] == retired[i];
		if (seen)
			i++;
		else
			retired[i] = retired[--nr_retired];
	}
}

static void on_notify(uv_poll_t *p, int status, int events)
{
	struct cons_dom *d = p->data;
	uint64_t v;

	if (read(d->notify_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		xbb_log((int)d->domid, "notify read failed: %s", strerror(errno));
	cons_dom_pump(d);
}

static void on_poll_closed(uv_handle_t *h)
{
	free(h->data);
}

void cons_dom_drop(struct cons_dom *d, int status, const char *why)
{
	struct cons_dom **pp;

	if (status != -EPROTO)
		cons_dom_drain(d); /* the last words still reach log and clients */
	xbb_log((int)d->domid, "console no longer served: %s", why);
	for (pp = &doms; *pp && *pp != d; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = d->next;
	if (nr_retired < CONS_RETIRED_MAX)
		retired[nr_retired++] = d->domid;
	cons_client_domain_gone(d, status);
	if (d->log_fd >= 0)
		close(d->log_fd);
	munmap((void *)d->ring, 4096);
	close(d->notify_fd);
	close(d->kick_fd);
	uv_poll_stop(&d->poll);
	uv_close((uv_handle_t *)&d->poll, on_poll_closed);
}

/* Guest frame gfn's offset in the memfd; -1 if no RAM range holds it. */
static long long gfn_offset(const struct hvctl_memory *m, uint64_t gfn)
{
	uint64_t gpa = gfn << 12;

	if (gfn >= (1ull << 40) || m->nr_ranges > HVCTL_MEM_RANGES)
		return -1;
	for (uint32_t i = 0; i < m->nr_ranges; i++) {
		const struct hvctl_mem_range *r = &m->ranges[i];

		if (gpa >= r->gpa && gpa - r->gpa < r->size && r->size - (gpa - r->gpa) >= 4096)
			return (long long)(r->fd_offset + (gpa - r->gpa));
	}
	return -1;
}

static void *map_page(struct hvctl *h, unsigned domid, uint64_t gfn, int *err)
{
	struct hvctl_memory m;
	long long off;
	int mfd;
	void *p;

	if ((*err = hvctl_get_memfd(h, domid, &m, &mfd)) < 0)
		return NULL;
	off = gfn_offset(&m, gfn);
	p = off < 0 ? MAP_FAILED
		    : mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, (off_t)off);
	*err = off < 0 ? -EINVAL : -errno;
	close(mfd);
	return p == MAP_FAILED ? NULL : p;
}

static int open_log(unsigned domid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/console-%u.log", cons_state_dir, domid);
	return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
}

static bool ended(uint32_t state)
{
	return state == HVCTL_STATE_FAULT || state == HVCTL_STATE_DESTROYED ||
	       state == HVCTL_STATE_ERROR || state == HVCTL_STATE_SHUTDOWN;
}

/* Checks the keys against hospes-hv: the frame and port must be the
 * console the hypervisor gave the domain (a guest may be able to write
 * its own xenstore keys; it must not point us at another page). */
static int check_and_map(struct cons_dom *d, struct hvctl *h, uint64_t gfn, unsigned port,
			 struct hvctl_dominfo *i)
{
	uint32_t got;
	int r;
	void *p;

	if ((r = hvctl_info(h, d->domid, i)) < 0)
		return r;
	if (!i->console_pfn || i->console_pfn != gfn || i->console_port != port)
		return -EINVAL;
	if (!(p = map_page(h, d->domid, gfn, &r)))
		return r;
	d->ring = p;
	if ((r = hvctl_bind_evtchn(h, d->domid, port, &got, &d->notify_fd, &d->kick_fd)) < 0 ||
	    got != port) {
		munmap(p, 4096);
		if (r >= 0) {
			close(d->notify_fd);
			close(d->kick_fd);
			r = -EINVAL;
		}
		return r;
	}
	return 0;
}

int cons_dom_attach(unsigned domid, uint64_t gfn, unsigned port)
{
	struct cons_dom *d = calloc(1, sizeof(*d));
	struct hvctl_dominfo info;
	struct hvctl *h;
	int r;

	if (!d)
		return -ENOMEM;
	d->domid = domid;
	if ((r = hvctl_connect(cons_hv_socket, &h)) < 0) {
		xbb_log((int)domid, "hypervisor unreachable: %s", hvctl_strerror(r));
		free(d);
		return r;
	}
	r = check_and_map(d, h, gfn, port, &info);
	hvctl_close(h);
	if (r < 0) {
		xbb_log((int)domid, "cannot serve console (frame %llu, port %u): %s",
			 (unsigned long long)gfn, port, hvctl_strerror(r));
		free(d);
		return r;
	}
	if ((d->log_fd = open_log(domid)) < 0)
		xbb_log((int)domid, "cannot open the console log: %s", strerror(errno));
	uv_poll_init(cons_loop, &d->poll, d->notify_fd);
	d->poll.data = d;
	uv_poll_start(&d->poll, UV_READABLE, on_notify);
	d->next = doms;
	doms = d;
	xbb_log((int)domid, "serving console (frame %llu, port %u)", (unsigned long long)gfn,
		 port);
	/* The guest may have blocked on a full ring before we came (or while
	 * a previous daemon was away): one kick, then the rule of cons_ring.c. */
	d->kick_cons = d->out_cons = d->ring->out_cons;
	d->in_prod = d->ring->in_prod;
	cons_dom_kick(d);
	cons_dom_pump(d);
	if (ended(info.state) && cons_dom_find(domid))
		cons_dom_drop(d, -ESRCH, "domain already ended");
	return 0;
}

void cons_dom_check_alive(void)
{
	struct hvctl *h;
	struct cons_dom *d, *next;

	if (!doms || hvctl_connect(cons_hv_socket, &h) < 0)
		return;
	for (d = doms; d; d = next) {
		struct hvctl_dominfo i;
		int r = hvctl_info(h, d->domid, &i);

		next = d->next;
		if (r == -ESRCH || (r == 0 && ended(i.state)))
			cons_dom_drop(d, -ESRCH, "domain ended");
	}
	hvctl_close(h);
}

void cons_dom_drop_all(void)
{
	while (doms) {
		struct cons_dom *d = doms;

		doms = d->next;
		d->next = NULL;
		cons_client_domain_gone(d, -ESHUTDOWN);
		if (d->log_fd >= 0)
			close(d->log_fd);
		munmap((void *)d->ring, 4096);
		close(d->notify_fd);
		close(d->kick_fd);
		uv_poll_stop(&d->poll);
		uv_close((uv_handle_t *)&d->poll, on_poll_closed);
	}
}
