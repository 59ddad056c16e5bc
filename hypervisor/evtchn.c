/* evtchn.c: a domain's event-channel ports: allocation, binding, send,
 * close, status. The pending/mask bits and upcalls are evtchn_2l.c's. */
#include <errno.h>
#include <stdlib.h>

#include "evtchn.h"
#include "evtchn_dom0.h"
#include "hv_registry.h"

/* [K]: every change touching two domains takes this first, so two domain
 * locks are never taken in opposite orders. */
static pthread_mutex_t link_lock = PTHREAD_MUTEX_INITIALIZER;

static bool virq_is_global(uint32_t virq)
{
	return virq != VIRQ_TIMER && virq != VIRQ_DEBUG && virq != VIRQ_XENOPROF &&
	       virq != VIRQ_XENPMU;
}

static bool vcpu_ok(struct hv_domain *d, uint32_t vcpu)
{
	return vcpu < d->nr_vcpus && vcpu < HV_MAX_VCPUS && d->vcpus[vcpu];
}

/* The port if it was ever allocated, else NULL. [E] */
static struct evtchn_port *port_get(struct evtchn_domain *ev, evtchn_port_t p)
{
	return p != 0 && p < atomic_load(&ev->nr_ports) ? &ev->ports[p] : NULL;
}

static void set_state(struct evtchn_port *c, uint8_t state)
{
	__atomic_store_n(&c->state, state, __ATOMIC_RELEASE);
}

/* Lowest closed port, or a new one. [E] */
static int port_alloc(struct evtchn_domain *ev, evtchn_port_t *out)
{
	uint32_t n = atomic_load(&ev->nr_ports);

	for (uint32_t p = 1; p < n; p++)
		if (ev->ports[p].state == EVTCHNSTAT_closed) {
			*out = p;
			return 0;
		}
	if (n >= EVTCHN_MAX_PORTS)
		return -ENOSPC;
	atomic_store(&ev->nr_ports, n + 1);
	*out = n;
	return 0;
}

int evtchn_alloc_unbound(struct hv_domain *d, domid_t remote, evtchn_port_t *port)
{
	struct evtchn_domain *ev = d->evtchn;
	int r;

	pthread_mutex_lock(&ev->lock);
	if (!(r = port_alloc(ev, port))) {
		struct evtchn_port *c = &ev->ports[*port];

		c->u.remote_dom = remote == DOMID_SELF ? d->id : remote;
		atomic_store(&c->vcpu, 0);
		set_state(c, EVTCHNSTAT_unbound);
	}
	pthread_mutex_unlock(&ev->lock);
	return r;
}

static void lock_pair(struct hv_domain *a, struct hv_domain *b)
{
	pthread_mutex_lock(&a->evtchn->lock);
	if (b != a)
		pthread_mutex_lock(&b->evtchn->lock);
}

static void unlock_pair(struct hv_domain *a, struct hv_domain *b)
{
	if (b != a)
		pthread_mutex_unlock(&b->evtchn->lock);
	pthread_mutex_unlock(&a->evtchn->lock);
}

static int bind_locked(struct hv_domain *d, struct hv_domain *rd, evtchn_port_t rport,
		       evtchn_port_t *port)
{
	struct evtchn_port *rc = port_get(rd->evtchn, rport), *lc;
	int r;

	if (!rc || rc->state != EVTCHNSTAT_unbound || rc->u.remote_dom != d->id)
		return -EINVAL;
	if ((r = port_alloc(d->evtchn, port)))
		return r;
	lc = &d->evtchn->ports[*port];
	lc->to_dom0 = false;
	lc->u.peer.dom = rd;
	lc->u.peer.port = rport;
	atomic_store(&lc->vcpu, 0);
	set_state(lc, EVTCHNSTAT_interdomain);
	rc->to_dom0 = false;
	rc->u.peer.dom = d;
	rc->u.peer.port = *port;
	set_state(rc, EVTCHNSTAT_interdomain);
	/* Xen: the binder always receives one initial event. */
	evtchn_2l_set_pending(d, *port);
	return 0;
}

int evtchn_bind_interdomain(struct hv_domain *d, domid_t remote, evtchn_port_t rport,
			    evtchn_port_t *port)
{
	struct hv_domain *rd = d;
	int r;

	if (remote != DOMID_SELF && remote != d->id && !(rd = hv_domain_get(remote)))
		return -ESRCH;
	pthread_mutex_lock(&link_lock);
	lock_pair(d, rd);
	r = bind_locked(d, rd, rport, port);
	unlock_pair(d, rd);
	pthread_mutex_unlock(&link_lock);
	if (rd != d)
		hv_domain_put(rd);
	return r;
}

int evtchn_bind_virq(struct hv_domain *d, uint32_t virq, uint32_t vcpu, evtchn_port_t *port)
{
	struct evtchn_domain *ev = d->evtchn;
	int r = 0;

	if (virq >= NR_VIRQS || (virq_is_global(virq) && vcpu != 0))
		return -EINVAL;
	if (!vcpu_ok(d, vcpu))
		return -ENOENT;
	pthread_mutex_lock(&ev->lock);
	if (ev->vcpu[vcpu].virq[virq])
		r = -EEXIST;
	else if (!(r = port_alloc(ev, port))) {
		struct evtchn_port *c = &ev->ports[*port];

		c->u.virq = virq;
		atomic_store(&c->vcpu, vcpu);
		set_state(c, EVTCHNSTAT_virq);
		ev->vcpu[vcpu].virq[virq] = *port;
	}
	pthread_mutex_unlock(&ev->lock);
	return r;
}

int evtchn_bind_ipi(struct hv_domain *d, uint32_t vcpu, evtchn_port_t *port)
{
	struct evtchn_domain *ev = d->evtchn;
	int r;

	if (!vcpu_ok(d, vcpu))
		return -ENOENT;
	pthread_mutex_lock(&ev->lock);
	if (!(r = port_alloc(ev, port))) {
		atomic_store(&ev->ports[*port].vcpu, vcpu);
		set_state(&ev->ports[*port], EVTCHNSTAT_ipi);
	}
	pthread_mutex_unlock(&ev->lock);
	return r;
}

int evtchn_bind_vcpu(struct hv_domain *d, evtchn_port_t port, uint32_t vcpu)
{
	struct evtchn_domain *ev = d->evtchn;
	struct evtchn_port *c;
	int r = 0;

	if (!vcpu_ok(d, vcpu))
		return -ENOENT;
	pthread_mutex_lock(&ev->lock);
	if (!(c = port_get(ev, port)))
		r = -EINVAL;
	else if (c->state == EVTCHNSTAT_unbound || c->state == EVTCHNSTAT_interdomain ||
		 (c->state == EVTCHNSTAT_virq && virq_is_global(c->u.virq)))
		atomic_store(&c->vcpu, vcpu);
	else
		r = -EINVAL; /* per-vCPU VIRQs and IPIs stay where they were bound */
	pthread_mutex_unlock(&ev->lock);
	return r;
}

int evtchn_send(struct hv_domain *d, evtchn_port_t port)
{
	struct evtchn_domain *ev = d->evtchn;
	struct evtchn_port *c;
	int r = 0;

	pthread_mutex_lock(&ev->lock);
	c = port_get(ev, port);
	switch (c ? c->state : EVTCHNSTAT_closed) {
	case EVTCHNSTAT_interdomain:
		/* The peer cannot go away while we hold our lock: unbinding
		 * either end needs it. */
		if (c->to_dom0)
			evtchn_dom0_notify(c->u.ep);
		else
			evtchn_2l_set_pending(c->u.peer.dom, c->u.peer.port);
		break;
	case EVTCHNSTAT_ipi:
		evtchn_2l_set_pending(d, port);
		break;
	case EVTCHNSTAT_unbound:
		break; /* Xen drops it silently */
	default:
		r = -EINVAL;
		break;
	}
	pthread_mutex_unlock(&ev->lock);
	return r;
}

/* Frees port p of d. [K] and [E] of d (and of an interdomain peer) held. */
static void close_locked(struct hv_domain *d, evtchn_port_t p)
{
	struct evtchn_domain *ev = d->evtchn;
	struct evtchn_port *c = &ev->ports[p];

	switch (c->state) {
	case EVTCHNSTAT_virq:
		ev->vcpu[atomic_load(&c->vcpu)].virq[c->u.virq] = 0;
		break;
	case EVTCHNSTAT_interdomain:
		if (c->to_dom0) {
			evtchn_dom0_detach(c->u.ep);
		} else {
			struct evtchn_port *pc = &c->u.peer.dom->evtchn->ports[c->u.peer.port];

			/* The peer's end waits for a new partner: us again. */
			pc->u.remote_dom = d->id;
			set_state(pc, EVTCHNSTAT_unbound);
		}
		break;
	default:
		break;
	}
	c->to_dom0 = false;
	atomic_store(&c->vcpu, 0);
	set_state(c, EVTCHNSTAT_closed);
	__atomic_and_fetch(&ev->shinfo->evtchn_pending[p / 64], ~(1ull << (p % 64)),
			   __ATOMIC_SEQ_CST);
}

int evtchn_close(struct hv_domain *d, evtchn_port_t port)
{
	struct evtchn_domain *ev = d->evtchn;
	struct hv_domain *peer = d;
	struct evtchn_port *c;
	int r = 0;

	pthread_mutex_lock(&link_lock);
	pthread_mutex_lock(&ev->lock);
	c = port_get(ev, port);
	if (!c || c->state == EVTCHNSTAT_closed) {
		r = -EINVAL;
	} else {
		if (c->state == EVTCHNSTAT_interdomain && !c->to_dom0 && c->u.peer.dom != d)
			peer = c->u.peer.dom; /* alive: its teardown needs [K] */
		if (peer != d)
			pthread_mutex_lock(&peer->evtchn->lock);
		close_locked(d, port);
		if (peer != d)
			pthread_mutex_unlock(&peer->evtchn->lock);
	}
	pthread_mutex_unlock(&ev->lock);
	pthread_mutex_unlock(&link_lock);
	return r;
}

void evtchn_close_all(struct hv_domain *d)
{
	struct evtchn_domain *ev = d->evtchn;

	pthread_mutex_lock(&link_lock);
	pthread_mutex_lock(&ev->lock);
	for (evtchn_port_t p = 1; p < atomic_load(&ev->nr_ports); p++) {
		struct evtchn_port *c = &ev->ports[p];
		struct hv_domain *peer = NULL;

		if (c->state == EVTCHNSTAT_closed)
			continue;
		if (c->state == EVTCHNSTAT_interdomain && !c->to_dom0 && c->u.peer.dom != d)
			peer = c->u.peer.dom;
		if (peer)
			pthread_mutex_lock(&peer->evtchn->lock);
		close_locked(d, p);
		if (peer)
			pthread_mutex_unlock(&peer->evtchn->lock);
	}
	pthread_mutex_unlock(&ev->lock);
	pthread_mutex_unlock(&link_lock);
}

int evtchn_status(struct hv_domain *d, evtchn_port_t port, struct evtchn_status *st)
{
	struct evtchn_domain *ev = d->evtchn;
	struct evtchn_port *c;
	int r = 0;

	pthread_mutex_lock(&ev->lock);
	/* Port 0 is reserved but, as in Xen, reads as closed. */
	c = port == 0 ? &(struct evtchn_port){ .state = EVTCHNSTAT_closed } : port_get(ev, port);
	if (!c) {
		r = -EINVAL;
	} else {
		st->status = c->state;
		st->vcpu = atomic_load(&c->vcpu);
		st->u.interdomain.dom = 0;
		st->u.interdomain.pad = 0;
		st->u.interdomain.port = 0;
		if (c->state == EVTCHNSTAT_unbound) {
			st->u.unbound.dom = c->u.remote_dom;
		} else if (c->state == EVTCHNSTAT_interdomain && c->to_dom0) {
			st->u.interdomain.port = evtchn_dom0_ep_id(c->u.ep);
		} else if (c->state == EVTCHNSTAT_interdomain) {
			st->u.interdomain.dom = c->u.peer.dom->id;
			st->u.interdomain.port = c->u.peer.port;
		} else if (c->state == EVTCHNSTAT_virq) {
			st->u.virq = c->u.virq;
		}
	}
	pthread_mutex_unlock(&ev->lock);
	return r;
}

int evtchn_unmask(struct hv_domain *d, evtchn_port_t port)
{
	struct evtchn_domain *ev = d->evtchn;
	int r = 0;

	pthread_mutex_lock(&ev->lock);
	if (port >= atomic_load(&ev->nr_ports))
		r = -EINVAL;
	else
		evtchn_2l_unmask(d, port);
	pthread_mutex_unlock(&ev->lock);
	return r;
}

int evtchn_set_pending(struct hv_domain *d, evtchn_port_t port)
{
	struct evtchn_domain *ev = d->evtchn;
	struct evtchn_port *c;
	int r = 0;

	pthread_mutex_lock(&ev->lock);
	if (!(c = port_get(ev, port)) || c->state == EVTCHNSTAT_closed)
		r = -EINVAL;
	else
		evtchn_2l_set_pending(d, port);
	pthread_mutex_unlock(&ev->lock);
	return r;
}

int evtchn_raise_virq(struct hv_domain *d, uint32_t vcpu, uint32_t virq)
{
	struct evtchn_domain *ev = d->evtchn;
	evtchn_port_t port;

	if (virq >= NR_VIRQS || vcpu >= HV_MAX_VCPUS)
		return -EINVAL;
	if (virq_is_global(virq))
		vcpu = 0; /* bound on vCPU 0; the port says who is notified */
	pthread_mutex_lock(&ev->lock);
	port = ev->vcpu[vcpu].virq[virq];
	if (port)
		evtchn_2l_set_pending(d, port);
	pthread_mutex_unlock(&ev->lock);
	return port ? 0 : -ENOENT;
}

int evtchn_port_pending(struct hv_domain *d, evtchn_port_t port)
{
	struct evtchn_domain *ev = d->evtchn;

	if (port >= atomic_load(&ev->nr_ports))
		return -EINVAL;
	return (__atomic_load_n(&ev->shinfo->evtchn_pending[port / 64], __ATOMIC_ACQUIRE) >>
		(port % 64)) & 1;
}

bool evtchn_upcall_pending(struct hv_domain *d, unsigned vcpu)
{
	struct vcpu_info *vi;

	if (vcpu >= HV_MAX_VCPUS || !(vi = atomic_load(&d->evtchn->vcpu[vcpu].info)))
		return false;
	return __atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_ACQUIRE) != 0;
}
