/* flood.c: mode=flood, the outstanding-requests quota seen from a guest
 * that writes requests without taking replies. It speaks the ring itself
 * (pvabi's client is one request at a time). Its domain must be named
 * "flood": every request is READ "name" and every reply is 21 bytes. */
#include <pvabi/xs_wire.h>

#include "conf.h"
#include "xs_hostile.h"

#define REQ_BYTES (sizeof(struct xsd_sockmsg) + 5) /* "name\0" */
#define REP_BYTES (sizeof(struct xsd_sockmsg) + 5) /* "flood" */
#define BATCH (XENSTORE_RING_SIZE / REQ_BYTES)      /* 48 fit in the ring */

static uint32_t next_id = 100, want_id = 100, got, bad;
static unsigned char rep[REP_BYTES];
static unsigned rep_have;

static void put_requests(volatile struct xenstore_domain_interface *x, unsigned n)
{
	uint32_t prod = x->req_prod;

	for (unsigned i = 0; i < n; i++) {
		struct xsd_sockmsg h = { .type = XS_READ, .req_id = next_id++, .len = 5 };
		const char *b = (const char *)&h;

		for (unsigned k = 0; k < sizeof(h); k++)
			x->req[MASK_XENSTORE_IDX(prod++)] = b[k];
		for (unsigned k = 0; k < 5; k++)
			x->req[MASK_XENSTORE_IDX(prod++)] = "name"[k];
	}
	__atomic_store_n(&x->req_prod, prod, __ATOMIC_RELEASE);
}

/* Takes every reply byte there is, checking each complete reply. */
static void take_replies(volatile struct xenstore_domain_interface *x)
{
	uint32_t cons = x->rsp_cons, prod = __atomic_load_n(&x->rsp_prod, __ATOMIC_ACQUIRE);

	while (cons != prod) {
		rep[rep_have++] = (unsigned char)x->rsp[MASK_XENSTORE_IDX(cons++)];
		if (rep_have == REP_BYTES) {
			const struct xsd_sockmsg *h = (const void *)rep;

			bad += h->type != XS_READ || h->req_id != want_id++ || h->len != 5 ||
			       memcmp(rep + sizeof(*h), "flood", 5);
			got++;
			rep_have = 0;
		}
	}
	__atomic_store_n(&x->rsp_cons, cons, __ATOMIC_SEQ_CST);
}

void xs_flood(volatile struct xenstore_domain_interface *x, uint32_t port)
{
	uint32_t start = x->req_cons;

	/* One ring of requests: every reply fits, all are answered. */
	put_requests(x, BATCH);
	pvabi_evtchn_send(port);
	while (x->rsp_prod - x->rsp_cons < BATCH * REP_BYTES)
		xs_wait_port(port);
	conf_check("xs.flood_first_batch", (long)((x->req_cons - start) / REQ_BYTES));
	/* Another ring of requests, replies not taken: the reply ring fills
	 * and the daemon stops reading once `outstanding` replies wait. */
	put_requests(x, BATCH);
	pvabi_evtchn_send(port);
	while (x->rsp_prod - x->rsp_cons < XENSTORE_RING_SIZE)
		xs_wait_port(port);
	conf_check("xs.flood_read_when_full", (long)((x->req_cons - start) / REQ_BYTES));
	/* Taking replies lets it go on, in order, to the last one. */
	while (got < 2 * BATCH) {
		take_replies(x);
		pvabi_evtchn_send(port);
		if (got < 2 * BATCH)
			xs_wait_port(port);
	}
	conf_check("xs.flood_replies", (long)got);
	conf_check("xs.flood_bad_replies", (long)bad);
}
