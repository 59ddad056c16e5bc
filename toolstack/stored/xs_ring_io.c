/* xs_ring_io.c: moving bytes on a guest's ring page: replies and watch
 * events out of a per-ring queue into rsp as space allows, requests from
 * req into the protocol core one message at a time, with the ring rules
 * checked (indices, lengths), the outstanding quota and a per-turn budget;
 * the reconnection protocol. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xs_ring_int.h"

struct xs_omsg {
	struct xs_omsg *next;
	uint32_t len, off;
	bool reply; /* counts toward the outstanding quota */
	char data[];
};

void xs_ring_kick(struct xs_ring *rg)
{
	uint64_t one = 1;

	if (write(rg->kick_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		xs_log(rg->conn.name, "kick failed: %s", strerror(errno));
}

/* Queued replies and events are dropped (release, reconnect). */
void xs_ring_drop_output(struct xs_ring *rg)
{
	while (rg->out) {
		struct xs_omsg *m = rg->out;
		rg->out = m->next;
		free(m);
	}
	rg->out_tail = &rg->out;
	rg->out_replies = 0;
	rg->out_bytes = 0;
}

/* A protocol error: this ring stops (the domain stays introduced; its
 * nodes stay until RELEASE); others are unaffected. Never frees here:
 * callers may be iterating the connection list. */
void xs_ring_fail(struct xs_ring *rg, uint32_t error, const char *why)
{
	if (rg->broken)
		return;
	xs_log(rg->conn.name, "ring protocol error: %s; ring disconnected", why);
	rg->broken = true;
	rg->conn.dead = true;
	__atomic_store_n(&rg->intf->error, error, __ATOMIC_RELEASE);
	/* Watches and transactions stay until RELEASE (xs_conn_fini): we may
	 * be called while the watch list is being walked. Dead connections
	 * hear no events. */
	uv_poll_stop(&rg->poll);
	xs_ring_kick(rg); /* the guest may sleep on the port: let it see the error */
}

/* Moves queued output into the response ring. Bytes moved, or -1 when
 * the guest's consumer index is impossible. */
static long flush(struct xs_ring *rg)
{
	struct xenstore_domain_interface *x = rg->intf;
	uint32_t cons = __atomic_load_n(&x->rsp_cons, __ATOMIC_ACQUIRE);
	uint32_t prod = rg->rsp_prod, space;
	long moved = 0;

	if (prod - cons > XENSTORE_RING_SIZE) {
		xs_ring_fail(rg, XENSTORE_ERROR_RINGIDX, "response consumer index out of range");
		return -1;
	}
	space = XENSTORE_RING_SIZE - (prod - cons);
	while (rg->out && space) {
		struct xs_omsg *m = rg->out;
		uint32_t chunk = m->len - m->off, room = XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(prod);

		chunk = chunk < space ? chunk : space;
		chunk = chunk < room ? chunk : room;
		memcpy(x->rsp + MASK_XENSTORE_IDX(prod), m->data + m->off, chunk);
		prod += chunk;
		space -= chunk;
		m->off += chunk;
		moved += chunk;
		rg->out_bytes -= chunk;
		if (m->off == m->len) {
			rg->out = m->next;
			if (!rg->out)
				rg->out_tail = &rg->out;
			if (m->reply)
				rg->out_replies--;
			free(m);
		}
	}
	if (moved) {
		rg->rsp_prod = prod;
		/* The bytes before the index that publishes them. */
		__atomic_store_n(&x->rsp_prod, prod, __ATOMIC_RELEASE);
	}
	return moved;
}

/* Feeds request bytes to the core, one message at a time, while the
 * outstanding quota allows. Bytes consumed, or -1 on a protocol error. */
static long read_requests(struct xs_ring *rg)
{
	struct xenstore_domain_interface *x = rg->intf;
	uint32_t prod = __atomic_load_n(&x->req_prod, __ATOMIC_ACQUIRE);
	uint32_t cons = rg->req_cons;
	struct xs_conn *c = &rg->conn;
	char tmp[XENSTORE_RING_SIZE];
	long took = 0;
	bool ok = true;

	if (prod - cons > XENSTORE_RING_SIZE) {
		xs_ring_fail(rg, XENSTORE_ERROR_RINGIDX, "request producer index out of range");
		return -1;
	}
	while (ok && cons != prod && rg->out_replies < xs_quota[XS_Q_OUTSTANDING] && !rg->broken) {
		const uint32_t hsz = sizeof(struct xsd_sockmsg);
		uint32_t want = c->have < hsz ? hsz - c->have : hsz + c->hdr.len - c->have;
		uint32_t chunk = prod - cons, room = XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(cons);

		chunk = chunk < want ? chunk : want;
		chunk = chunk < room ? chunk : room;
		/* Copy first: the guest may rewrite the ring while we parse. */
		memcpy(tmp, x->req + MASK_XENSTORE_IDX(cons), chunk);
		cons += chunk;
		took += chunk;
		ok = xs_conn_feed(c, tmp, chunk);
	}
	rg->req_cons = cons;
	/* Our reads of the bytes happen before the guest may reuse them. */
	__atomic_store_n(&x->req_cons, cons, __ATOMIC_RELEASE);
	if (!ok && !rg->broken)
		xs_ring_fail(rg, XENSTORE_ERROR_PROTO, "malformed message");
	return rg->broken ? -1 : took;
}

/* The guest asked for a fresh connection (connection = RECONNECT, e.g.
 * after kexec): its watches, transactions, partial message and queued
 * output go, the indices restart at 0, then CONNECTED tells it to go on. */
static void reconnect(struct xs_ring *rg)
{
	struct xenstore_domain_interface *x = rg->intf;

	xs_log(rg->conn.name, "ring reconnected: %u watches, %u transactions dropped",
	       rg->conn.nwatches, rg->conn.ntxns);
	xs_watch_del_all(&rg->conn);
	xs_txn_abort_all(&rg->conn);
	rg->conn.have = 0;
	xs_ring_drop_output(rg);
	rg->req_cons = rg->rsp_prod = 0;
	x->req_cons = x->req_prod = x->rsp_cons = x->rsp_prod = 0;
	x->error = XENSTORE_ERROR_NONE;
	__atomic_store_n(&x->connection, XENSTORE_CONNECTED, __ATOMIC_RELEASE);
	xs_ring_kick(rg);
}

/* Alternates flushing and reading until neither moves; one kick at the
 * end if anything moved (new replies, or request space the guest may be
 * waiting for). A guest refilling its ring as fast as we drain it would
 * keep us here forever: after XS_RING_PASS_BUDGET request bytes the pass
 * ends and a count on our own notify eventfd brings us back after the
 * other connections had their turn. */
void xs_ring_process(struct xs_ring *rg)
{
	bool moved = false;
	long budget = XS_RING_PASS_BUDGET;

	if (!rg->broken &&
	    __atomic_load_n(&rg->intf->connection, __ATOMIC_ACQUIRE) == XENSTORE_RECONNECT)
		reconnect(rg);
	rg->in_process = true;
	while (!rg->broken) {
		long f = flush(rg), r = f < 0 ? -1 : read_requests(rg);

		if (f < 0 || r < 0 || (f == 0 && r == 0))
			break;
		moved = true;
		budget -= r;
		if (budget <= 0) {
			uint64_t one = 1;

			if (write(rg->notify_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
				xs_log(rg->conn.name, "cannot requeue: %s", strerror(errno));
			break;
		}
	}
	rg->in_process = false;
	if (moved && !rg->broken)
		xs_ring_kick(rg);
}

void xs_ring_send(struct xs_conn *c, const struct xsd_sockmsg *h, const void *payload)
{
	struct xs_ring *rg = c->transport;
	bool reply = h->type != XS_WATCH_EVENT;
	size_t n = sizeof(*h) + h->len;
	struct xs_omsg *m;

	if (rg->broken)
		return;
	if (!reply && rg->out_bytes > XS_RING_MAX_EVENT_BYTES) {
		if (rg->dropped++ % 1000 == 0)
			xs_log(c->name, "guest does not read its ring: watch events dropped (%u)",
			       rg->dropped);
		return;
	}
	m = malloc(sizeof(*m) + n);
	if (!m) {
		xs_ring_fail(rg, XENSTORE_ERROR_COMM, "out of memory");
		return;
	}
	m->next = NULL;
	m->len = (uint32_t)n;
	m->off = 0;
	m->reply = reply;
	memcpy(m->data, h, sizeof(*h));
	if (h->len)
		memcpy(m->data + sizeof(*h), payload, h->len);
	*rg->out_tail = m;
	rg->out_tail = &m->next;
	rg->out_bytes += n;
	rg->out_replies += reply;
	/* Events caused by other connections go out at once. */
	if (!rg->in_process && flush(rg) > 0)
		xs_ring_kick(rg);
}
