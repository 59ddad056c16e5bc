/* xb_fake.h: a fake xenstore server for the pvabi xenbus unit tests: it
 * runs one step each time the client waits, on an in-memory ring page;
 * plus a small node store and the READ/WRITE/WATCH answers the servers
 * of these tests share. */
#ifndef XB_FAKE_H
#define XB_FAKE_H

#include <criterion/criterion.h>
#include <stdio.h>
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

/* A small node store (path -> value) for the servers that need one. */
#define XB_KEYS 48
struct xb_store {
	char path[XB_KEYS][96];
	char value[XB_KEYS][96];
};

static inline int xb_find(const struct xb_store *s, const char *path)
{
	for (int i = 0; i < XB_KEYS; i++)
		if (s->path[i][0] && !strcmp(s->path[i], path))
			return i;
	return -1;
}

/* The node's value, NULL if there is none. */
static inline const char *xb_get(const struct xb_store *s, const char *path)
{
	int k = xb_find(s, path);

	return k < 0 ? NULL : s->value[k];
}

static inline void xb_set(struct xb_store *s, const char *path, const char *value)
{
	int k = xb_find(s, path);

	for (int i = 0; k < 0 && i < XB_KEYS; i++)
		if (!s->path[i][0])
			k = i;
	cr_assert_geq(k, 0, "the fake store is full");
	cr_assert_lt(strlen(path), sizeof(s->path[k]));
	cr_assert_lt(strlen(value), sizeof(s->value[k]));
	strcpy(s->path[k], path);
	strcpy(s->value[k], value);
}

/* Stores an XS_WRITE (payload: path, NUL, value) and replies OK. */
static inline void xb_serve_write(struct fake *f, struct xb_store *s, const struct xsd_sockmsg *h,
				  const uint8_t *p)
{
	size_t pl = strlen((const char *)p) + 1;
	char v[96];

	cr_assert_lt(h->len - pl, sizeof(v));
	memcpy(v, p + pl, h->len - pl);
	v[h->len - pl] = 0;
	xb_set(s, (const char *)p, v);
	put_msg(f, h->type, h->req_id, "OK", 3);
}

/* Replies to an XS_READ from the store (ENOENT if there is no node). */
static inline void xb_serve_read(struct fake *f, const struct xb_store *s,
				 const struct xsd_sockmsg *h, const uint8_t *p)
{
	const char *v = xb_get(s, (const char *)p);

	if (!v)
		put_msg(f, XS_ERROR, h->req_id, "ENOENT", 7);
	else
		put_msg(f, h->type, h->req_id, v, (uint32_t)strlen(v));
}

/* A frontend directory fe linked to the backend be in dom0, the frontend
 * Initialising (1) and the backend in InitWait (2). */
static inline void xb_store_pair(struct xb_store *s, const char *fe, const char *be)
{
	char p[96];

	snprintf(p, sizeof(p), "%s/backend", fe);
	xb_set(s, p, be);
	snprintf(p, sizeof(p), "%s/backend-id", fe);
	xb_set(s, p, "0");
	snprintf(p, sizeof(p), "%s/state", fe);
	xb_set(s, p, "1");
	snprintf(p, sizeof(p), "%s/state", be);
	xb_set(s, p, "2");
}

/* Replies OK to an XS_WATCH and fires it at once, as xenstored does. */
static inline void xb_serve_watch(struct fake *f, const struct xsd_sockmsg *h, const uint8_t *p)
{
	const char *path = (const char *)p;

	put_msg(f, h->type, h->req_id, "OK", 3);
	put_event(f, path, path + strlen(path) + 1);
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
