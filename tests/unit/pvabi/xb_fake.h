/* xb_fake.h: a fake xenstore server for the pvabi xenbus unit tests: it
 * runs one step each time the client waits, on an in-memory ring page. */
#ifndef XB_FAKE_H
#define XB_FAKE_H

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include <pvabi/errno.h>

#include "../../../pvabi/src/xenbus_ring.h"

#define RING XENSTORE_RING_SIZE

struct fake;
typedef void (*handler_fn)(struct fake *f, const struct xsd_sockmsg *h, const uint8_t *p);

struct fake {
	struct xenstore_domain_interface intf;
	struct xb_ring r;
	uint8_t in[8192]; /* request bytes taken off the ring, not yet parsed */
	size_t in_len;
	uint8_t out[65536]; /* bytes waiting to go onto the reply ring */
	size_t out_head, out_tail;
	uint32_t in_chunk, out_chunk; /* bytes moved per step (0: all that fit) */
	int saw_full, steps, notifies, nreq;
	handler_fn handler;
	struct xsd_sockmsg last;
	uint8_t last_payload[XENSTORE_PAYLOAD_MAX + 1];
};

static struct fake *F; /* the current test's server, freed by fake_fini */

static inline void put_msg(struct fake *f, uint32_t type, uint32_t req_id, const void *p,
			   uint32_t len)
{
	struct xsd_sockmsg h = {type, req_id, 0, len};

	cr_assert(f->out_tail + sizeof(h) + len <= sizeof(f->out));
	memcpy(f->out + f->out_tail, &h, sizeof(h));
	memcpy(f->out + f->out_tail + sizeof(h), p, len);
	f->out_tail += sizeof(h) + len;
}

static inline void put_event(struct fake *f, const char *path, const char *token)
{
	char buf[256];
	size_t pl = strlen(path) + 1, tl = strlen(token) + 1;

	memcpy(buf, path, pl);
	memcpy(buf + pl, token, tl);
	put_msg(f, XS_WATCH_EVENT, 0, buf, (uint32_t)(pl + tl));
}

/* One server step: take request bytes, answer complete requests, put
 * reply bytes on the ring. */
static inline void server_step(struct fake *f)
{
	struct xenstore_domain_interface *in = &f->intf;
	uint32_t n = in->req_prod - in->req_cons, m;
	struct xsd_sockmsg h;

	cr_assert(++f->steps < 1000000, "the client never stops waiting");
	if (n == RING)
		f->saw_full = 1;
	if (f->in_chunk && n > f->in_chunk)
		n = f->in_chunk;
	cr_assert(f->in_len + n <= sizeof(f->in));
	for (uint32_t i = 0; i < n; i++)
		f->in[f->in_len++] = (uint8_t)in->req[MASK_XENSTORE_IDX(in->req_cons + i)];
	in->req_cons += n;
	while (f->in_len >= sizeof(h)) {
		memcpy(&h, f->in, sizeof(h));
		cr_assert(h.len <= XENSTORE_PAYLOAD_MAX, "client sent len %u", h.len);
		if (f->in_len < sizeof(h) + h.len)
			break;
		f->last = h;
		memcpy(f->last_payload, f->in + sizeof(h), h.len);
		f->last_payload[h.len] = 0;
		f->nreq++;
		f->handler(f, &h, f->last_payload);
		f->in_len -= sizeof(h) + h.len;
		memmove(f->in, f->in + sizeof(h) + h.len, f->in_len);
	}
	m = RING - (in->rsp_prod - in->rsp_cons);
	if (f->out_tail - f->out_head < m)
		m = (uint32_t)(f->out_tail - f->out_head);
	if (f->out_chunk && m > f->out_chunk)
		m = f->out_chunk;
	for (uint32_t i = 0; i < m; i++)
		in->rsp[MASK_XENSTORE_IDX(in->rsp_prod + i)] = (char)f->out[f->out_head++];
	in->rsp_prod += m;
}

static inline void fake_wait(void *ctx)
{
	server_step(ctx);
}

static inline void fake_notify(void *ctx)
{
	((struct fake *)ctx)->notifies++;
}

/* Replies with the request's payload (type echoed). */
static inline void echo(struct fake *f, const struct xsd_sockmsg *h, const uint8_t *p)
{
	put_msg(f, h->type, h->req_id, p, h->len);
}

static inline struct fake *fake_new(handler_fn fn, uint32_t start_idx)
{
	struct fake *f = calloc(1, sizeof(*f));

	cr_assert(f);
	f->intf.req_cons = f->intf.req_prod = start_idx;
	f->intf.rsp_cons = f->intf.rsp_prod = start_idx;
	f->handler = fn;
	pvabi_xb_ring_init(&f->r, &f->intf, fake_notify, fake_wait, f);
	F = f;
	return f;
}

static inline void fake_fini(void)
{
	free(F);
	F = NULL;
}

#endif
