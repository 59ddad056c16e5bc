/* hv_ctl_ops.c: the control-socket operations, one handler per request
 * type in a table; each gets a payload already checked for exact size. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evtchn_dom0.h"
#include "hv_balloon.h"
#include "hv_ctl.h"
#include "hv_smp.h"
#include "hv_time.h"
#include "hvctl_proto.h"

struct op_ctx {
	struct hv_ctl *c;
	struct ctl_conn *k;
	const struct hvctl_hdr *h;
};

static void status(const struct op_ctx *o, int st)
{
	ctl_conn_reply_status(o->c, o->k, o->h->type, o->h->request_id, st);
}

static void reply(const struct op_ctx *o, const void *p, size_t len, const int *fds, unsigned n)
{
	ctl_conn_reply(o->c, o->k, o->h->type, o->h->request_id, p, len, fds, n);
}

/* The domain named by a request, or NULL after an error reply. */
static struct ctl_dom *dom_of(const struct op_ctx *o, uint32_t domid, uint32_t pad)
{
	struct ctl_dom *d;

	if (pad) {
		status(o, -EINVAL);
		return NULL;
	}
	if (!(d = ctl_dom_find(o->c, domid)) || d->destroying)
		status(o, -ESRCH);
	return d && !d->destroying ? d : NULL;
}

static void op_create(const struct op_ctx *o, const void *p)
{
	const struct hvctl_create *req = p;
	struct hvctl_create_reply rep = { { 0, 0 }, 0, 0 };
	struct ctl_dom *d;
	const char *why;
	int r;

	if (hvctl_check_create(req, &why)) {
		hv_log(NULL, HV_LOG_WARN, "control: pid %d: bad create: %s", (int)o->k->pid, why);
		status(o, -EINVAL);
		return;
	}
	if ((r = ctl_dom_create(o->c, req, o->k, &d))) {
		status(o, r);
		return;
	}
	if ((req->flags & HVCTL_CREATE_START) && !(r = hv_build_start(d->vm)))
		d->started = true;
	if (r) {
		ctl_dom_destroy(o->c, d);
		status(o, r);
		return;
	}
	rep.domid = d->vm->dom.id;
	reply(o, &rep, sizeof(rep), NULL, 0);
}

static void op_start(const struct op_ctx *o, const void *p)
{
	const struct hvctl_domid *req = p;
	struct ctl_dom *d = dom_of(o, req->domid, req->pad);
	int r;

	if (!d)
		return;
	if (d->started) {
		status(o, -EALREADY);
		return;
	}
	if (!(r = hv_build_start(d->vm))) {
		d->started = true;
		ctl_dom_changed(o->c, d);
	}
	status(o, r);
}

static void pause_op(const struct op_ctx *o, const void *p, bool pause)
{
	const struct hvctl_domid *req = p;
	struct ctl_dom *d = dom_of(o, req->domid, req->pad);
	int r;

	if (!d)
		return;
	if (!d->started) {
		status(o, -EINVAL); /* not started yet: nothing runs */
		return;
	}
	if (!(r = hv_smp_set_paused(&d->vm->dom, pause)))
		ctl_dom_changed(o->c, d);
	status(o, r);
}

static void op_pause(const struct op_ctx *o, const void *p) { pause_op(o, p, true); }
static void op_unpause(const struct op_ctx *o, const void *p) { pause_op(o, p, false); }

static void op_destroy(const struct op_ctx *o, const void *p)
{
	const struct hvctl_domid *req = p;
	struct ctl_dom *d = dom_of(o, req->domid, req->pad);

	if (d) {
		hv_log(&d->vm->dom, HV_LOG_INFO, "destroy requested by pid %d", (int)o->k->pid);
		status(o, ctl_dom_destroy(o->c, d));
	}
}

static void op_info(const struct op_ctx *o, const void *p)
{
	const struct hvctl_domid *req = p;
	struct ctl_dom *d = dom_of(o, req->domid, req->pad);
	struct hvctl_dominfo info;

	if (!d)
		return;
	ctl_dom_info(d, &info);
	reply(o, &info, sizeof(info), NULL, 0);
}

static void op_set_maxmem(const struct op_ctx *o, const void *p)
{
	const struct hvctl_set_maxmem *req = p;
	struct ctl_dom *d = dom_of(o, req->domid, req->pad);
	int r;

	if (!d)
		return;
	if (!req->max_bytes || req->max_bytes % HV_PAGE_SIZE) {
		status(o, -EINVAL);
		return;
	}
	if (!(r = hv_mem_set_max(&d->vm->dom, req->max_bytes / HV_PAGE_SIZE)))
		ctl_dom_changed(o->c, d);
	status(o, r);
}

static void op_wait(const struct op_ctx *o, const void *p)
{
	const struct hvctl_wait *req = p;
	struct ctl_dom *d = dom_of(o, req->domid, req->pad);
	struct ctl_waiter *w;
	struct hvctl_dominfo info;

	if (!d)
		return;
	if (req->generation != d->generation) {
		ctl_dom_info(d, &info);
		reply(o, &info, sizeof(info), NULL, 0);
		return;
	}
	if (!(w = calloc(1, sizeof(*w)))) {
		status(o, -ENOMEM);
		return;
	}
	*w = (struct ctl_waiter){ o->c->waiters, o->k, o->h->request_id, req->domid,
				  req->generation, 0 };
	if (req->timeout_ms)
		w->deadline_ns = hv_monotonic_ns() + (uint64_t)req->timeout_ms * 1000000ull;
	o->c->waiters = w;
}

static void op_bind_evtchn(const struct op_ctx *o, const void *p)
{
	const struct hvctl_bind_evtchn *req = p;
	struct ctl_dom *d = dom_of(o, req->domid, 0);
	struct hvctl_bind_reply rep = { { 0, 0 }, req->port, 0 };
	evtchn_port_t port = req->port;
	int fds[2], r;

	if (!d)
		return;
	if (!port && (r = evtchn_alloc_unbound(&d->vm->dom, 0, &port))) {
		status(o, r);
		return;
	}
	r = evtchn_dom0_bind(&d->vm->dom, port, &fds[0], &fds[1]);
	/* Console: a restarted console daemon takes over the console port
	 * from the endpoint its predecessor held (whose eventfds go silent),
	 * as when a Xen backend's evtchn fd closes and it binds again.
	 * Xenstore: the same for the store port (a restarted hospes-stored,
	 * or INTRODUCE after RELEASE). */
	if (r == -EINVAL && req->port &&
	    (port == d->vm->dom.console_port || port == d->vm->dom.store_port) &&
	    evtchn_dom0_unbind(&d->vm->dom, port) == 0)
		r = evtchn_dom0_bind(&d->vm->dom, port, &fds[0], &fds[1]);
	if (r < 0) {
		if (!req->port)
			evtchn_close(&d->vm->dom, port);
		status(o, r);
		return;
	}
	rep.port = port;
	rep.endpoint = (uint32_t)r;
	reply(o, &rep, sizeof(rep), fds, 2);
}

static void op_get_memfd(const struct op_ctx *o, const void *p)
{
	const struct hvctl_domid *req = p;
	struct ctl_dom *d = dom_of(o, req->domid, req->pad);
	struct hvctl_memory rep;
	uint64_t off = 0;
	int fd;

	if (!d)
		return;
	const struct hv_mem *m = &d->vm->dom.mem;
	if ((fd = fcntl(m->fd, F_DUPFD_CLOEXEC, 0)) < 0) {
		status(o, -errno);
		return;
	}
	memset(&rep, 0, sizeof(rep));
	rep.size = m->size;
	rep.nr_ranges = m->nr_ranges;
	for (unsigned i = 0; i < m->nr_ranges && i < HVCTL_MEM_RANGES; i++) {
		rep.ranges[i] = (struct hvctl_mem_range){ m->ranges[i].gpa, m->ranges[i].size, off };
		off += m->ranges[i].size; /* gmem_ram.c maps the ranges back to back */
	}
	hv_log(&d->vm->dom, HV_LOG_INFO, "memory fd given to pid %d", (int)o->k->pid);
	reply(o, &rep, sizeof(rep), &fd, 1);
}

static void op_list(const struct op_ctx *o, const void *p)
{
	uint8_t buf[sizeof(struct hvctl_list) + HVCTL_LIST_MAX * 4] __attribute__((aligned(8)));
	struct hvctl_list *l = (struct hvctl_list *)buf;

	(void)p;
	memset(l, 0, sizeof(*l));
	/* Ascending ids: domids are below HV_MAX_DOMID, so scan by id. */
	for (uint32_t id = 1; id <= HVCTL_LIST_MAX && l->count < HVCTL_LIST_MAX; id++) {
		struct ctl_dom *d = ctl_dom_find(o->c, id);

		if (d && !d->destroying)
			l->domids[l->count++] = id;
	}
	reply(o, buf, sizeof(*l) + 4u * l->count, NULL, 0);
}

/* Grant tables (hv_ctl_gnt.c). */
static void op_gnt_map(const struct op_ctx *o, const void *p)
{
	ctl_gnt_map(o->c, o->k, o->h, p);
}

static void op_gnt_unmap(const struct op_ctx *o, const void *p)
{
	ctl_gnt_unmap(o->c, o->k, o->h, p);
}

static void op_gnt_copy(const struct op_ctx *o, const void *p)
{
	ctl_gnt_copy(o->c, o->k, o->h, p);
}

typedef void op_fn(const struct op_ctx *o, const void *payload);

static op_fn *const ops[HVCTL_TYPE_MAX + 1] = {
	[HVCTL_CREATE] = op_create,	    [HVCTL_START] = op_start,
	[HVCTL_PAUSE] = op_pause,	    [HVCTL_UNPAUSE] = op_unpause,
	[HVCTL_DESTROY] = op_destroy,	    [HVCTL_INFO] = op_info,
	[HVCTL_SET_MAXMEM] = op_set_maxmem, [HVCTL_WAIT] = op_wait,
	[HVCTL_BIND_EVTCHN] = op_bind_evtchn, [HVCTL_GET_MEMFD] = op_get_memfd,
	[HVCTL_LIST] = op_list,
	[HVCTL_GNT_MAP] = op_gnt_map,	    [HVCTL_GNT_UNMAP] = op_gnt_unmap,
	[HVCTL_GNT_COPY] = op_gnt_copy,
};

void ctl_ops_dispatch(struct hv_ctl *c, struct ctl_conn *k, const struct hvctl_hdr *h,
		      const void *payload)
{
	struct op_ctx o = { c, k, h };

	/* hvctl_check_request accepted the type, so the row exists. */
	ops[h->type](&o, payload);
}
