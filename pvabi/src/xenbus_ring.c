/* xenbus_ring.c: xenstore ring client: byte stream over the shared page,
 * message framing, request/reply with watch events queued meanwhile. */
#include <pvabi.h>

#include "xenbus_ring.h"

#define RING XENSTORE_RING_SIZE
#define HDR ((uint32_t)sizeof(struct xsd_sockmsg))

/* Full barrier (stores before loads too). A locked add rather than mfence:
 * it is the form every instruction emulator knows. */
#define XB_MB() __asm__ volatile("lock; addl $0,(%%rsp)" : : : "memory", "cc")

static uint32_t min3(uint32_t a, uint32_t b, size_t c)
{
	uint32_t m = a < b ? a : b;

	return c < m ? (uint32_t)c : m;
}

void pvabi_xb_ring_init(struct xb_ring *r, volatile struct xenstore_domain_interface *intf,
			void (*notify)(void *), void (*wait)(void *), void *ctx)
{
	memset(r, 0, sizeof(*r));
	r->intf = intf;
	r->notify = notify;
	r->wait = wait;
	r->ctx = ctx;
}

/* Puts len bytes on the request ring, waiting for space as needed; never
 * writes past req_cons + RING. The caller notifies when the message is
 * complete; a full ring notifies first so the server drains it. */
static int ring_write(struct xb_ring *r, const uint8_t *p, size_t len)
{
	volatile struct xenstore_domain_interface *in = r->intf;

	while (len) {
		uint32_t cons = in->req_cons, prod = in->req_prod;
		uint32_t off, chunk;

		/* Acquire: req_cons is read before we overwrite the bytes its
		 * advance freed (the server is done reading them). */
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (prod - cons > RING) {
			r->broken = 1;
			return -XEN_EIO;
		}
		if (prod - cons == RING) {
			r->notify(r->ctx);
			r->wait(r->ctx);
			continue;
		}
		off = MASK_XENSTORE_IDX(prod);
		chunk = min3(RING - (prod - cons), RING - off, len);
		memcpy((char *)in->req + off, p, chunk);
		/* Release (wmb): the bytes are visible before the index that
		 * hands them to the server. */
		__atomic_thread_fence(__ATOMIC_RELEASE);
		in->req_prod = prod + chunk;
		p += chunk;
		len -= chunk;
	}
	return 0;
}

/* Takes exactly len bytes off the reply ring into buf (NULL: dropped),
 * waiting for data as needed. */
static int ring_read(struct xb_ring *r, uint8_t *buf, size_t len)
{
	volatile struct xenstore_domain_interface *in = r->intf;

	while (len) {
		uint32_t cons = in->rsp_cons, prod = in->rsp_prod;
		uint32_t off, chunk;

		/* Acquire (rmb): rsp_prod is read before the bytes it covers. */
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (prod - cons > RING) {
			r->broken = 1;
			return -XEN_EIO;
		}
		if (prod == cons) {
			r->wait(r->ctx);
			continue;
		}
		off = MASK_XENSTORE_IDX(cons);
		chunk = min3(prod - cons, RING - off, len);
		if (buf) {
			memcpy(buf, (const char *)in->rsp + off, chunk);
			buf += chunk;
		}
		/* Full barrier: the copy is complete before the server may
		 * reuse the space. */
		XB_MB();
		in->rsp_cons = cons + chunk;
		/* Full barrier: the new rsp_cons is visible before rsp_prod is
		 * read again, so either the server sees the space or we see
		 * that it had filled the ring and notify it. */
		XB_MB();
		if (in->rsp_prod - cons >= RING)
			r->notify(r->ctx); /* it was full: the server may wait for space */
		len -= chunk;
	}
	return 0;
}

/* Appends one event of len bytes from the ring to the queue (compacting
 * it first), or drops it when it cannot fit. */
static int queue_event(struct xb_ring *r, uint32_t len)
{
	uint32_t need = 4 + len;

	if (r->ev_head == r->ev_tail)
		r->ev_head = r->ev_tail = 0;
	if (XB_EVENT_ARENA - r->ev_tail < need && r->ev_head) {
		memmove(r->ev_buf, r->ev_buf + r->ev_head, r->ev_tail - r->ev_head);
		r->ev_tail -= r->ev_head;
		r->ev_head = 0;
	}
	if (XB_EVENT_ARENA - r->ev_tail < need) {
		r->ev_dropped++;
		return ring_read(r, NULL, len);
	}
	memcpy(r->ev_buf + r->ev_tail, &len, 4);
	r->ev_tail += need;
	r->ev_count++;
	return ring_read(r, r->ev_buf + r->ev_tail - len, len);
}

size_t pvabi_xb_ring_next_event(struct xb_ring *r, char *buf, size_t size)
{
	uint32_t len;

	if (!r->ev_count)
		return 0;
	memcpy(&len, r->ev_buf + r->ev_head, 4);
	memcpy(buf, r->ev_buf + r->ev_head + 4, len < size ? len : size);
	r->ev_head += 4 + len;
	r->ev_count--;
	return len;
}

int pvabi_xb_error_to_errno(const char *name, size_t len)
{
	static const struct xsd_errors tab[XSD_ERRORS_COUNT] = XSD_ERRORS_INIT;

	for (unsigned int i = 0; i < XSD_ERRORS_COUNT; i++) {
		size_t n = strlen(tab[i].errstring);

		if (len >= n + 1 && !memcmp(name, tab[i].errstring, n) && name[n] == '\0')
			return -tab[i].errnum;
	}
	return -XEN_EINVAL; /* unknown names, as Linux does */
}

/* Reads a header; a length above the payload maximum means the stream
 * cannot be trusted any more. */
static int read_header(struct xb_ring *r, struct xsd_sockmsg *h)
{
	int e = ring_read(r, (uint8_t *)h, HDR);

	if (e)
		return e;
	if (h->len > XENSTORE_PAYLOAD_MAX) {
		r->broken = 1;
		return -XEN_EIO;
	}
	return 0;
}

/* Reads len payload bytes, keeping the first size of them in buf. */
static int read_payload(struct xb_ring *r, void *buf, size_t size, uint32_t len)
{
	size_t keep = len < size ? len : size;
	int e = ring_read(r, buf, keep);

	return e ? e : ring_read(r, NULL, len - keep);
}

long pvabi_xb_ring_request(struct xb_ring *r, uint32_t type, uint32_t tx_id,
			   const struct xb_iov *iov, unsigned int n, void *buf, size_t size)
{
	struct xsd_sockmsg h = {type, 0, tx_id, 0};
	size_t total = 0;
	int e;

	if (r->broken)
		return -XEN_EIO;
	for (unsigned int i = 0; i < n; i++)
		total += iov[i].len;
	if (total > XENSTORE_PAYLOAD_MAX)
		return -XEN_EINVAL;
	h.req_id = ++r->req_id;
	h.len = (uint32_t)total;
	e = ring_write(r, (const uint8_t *)&h, HDR);
	for (unsigned int i = 0; !e && i < n; i++)
		e = ring_write(r, iov[i].base, iov[i].len);
	if (e)
		return e;
	r->notify(r->ctx);

	for (;;) {
		if ((e = read_header(r, &h)))
			return e;
		if (h.type == XS_WATCH_EVENT) {
			if ((e = queue_event(r, h.len)))
				return e;
			continue;
		}
		/* One request is outstanding, so anything else is its reply. */
		if (h.req_id != r->req_id || (h.type != type && h.type != XS_ERROR)) {
			r->broken = 1;
			return -XEN_EIO;
		}
		if (h.type == XS_ERROR) {
			char name[16];
			uint32_t keep = h.len < sizeof(name) ? h.len : sizeof(name);

			if ((e = read_payload(r, name, keep, h.len)))
				return e;
			return pvabi_xb_error_to_errno(name, keep);
		}
		if ((e = read_payload(r, buf, size, h.len)))
			return e;
		return (long)h.len;
	}
}

/* Copies the header at the consumer index without consuming it. */
static void peek_header(volatile struct xenstore_domain_interface *in, uint32_t cons,
			struct xsd_sockmsg *h)
{
	uint8_t *p = (uint8_t *)h;

	for (uint32_t i = 0; i < HDR; i++)
		p[i] = (uint8_t)in->rsp[MASK_XENSTORE_IDX(cons + i)];
}

int pvabi_xb_ring_drain(struct xb_ring *r)
{
	volatile struct xenstore_domain_interface *in = r->intf;
	struct xsd_sockmsg h;
	int e;

	if (r->broken)
		return -XEN_EIO;
	for (;;) {
		uint32_t cons = in->rsp_cons, prod = in->rsp_prod;

		__atomic_thread_fence(__ATOMIC_ACQUIRE); /* rmb, as in ring_read */
		if (prod - cons > RING) {
			r->broken = 1;
			return -XEN_EIO;
		}
		if (prod - cons < HDR)
			return 0;
		peek_header(in, cons, &h);
		if (h.len > XENSTORE_PAYLOAD_MAX || h.type != XS_WATCH_EVENT) {
			r->broken = 1;
			return -XEN_EIO;
		}
		/* A longer event than the ring holds cannot be complete yet;
		 * read what is whole, it is always safe to block on the rest
		 * once the header is here. */
		if (prod - cons < HDR + h.len && HDR + h.len <= RING)
			return 0;
		if ((e = read_header(r, &h)) || (e = queue_event(r, h.len)))
			return e;
	}
}
