/* cons_ring.c: hospes-consoled's side of one console ring (SPEC.md
 * §16.5): output to the log and the clients, client input into `in`,
 * kicks only when the guest may be waiting. Every index the guest writes
 * is checked before use. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cons.h"

#define CONS_MB() __atomic_thread_fence(__ATOMIC_SEQ_CST)

void cons_dom_kick(struct cons_dom *d)
{
	uint64_t one = 1;

	if (write(d->kick_fd, &one, sizeof(one)) < 0)
		return; /* a full counter already means "kicked" */
}

static void to_log(struct cons_dom *d, const uint8_t *buf, size_t n)
{
	while (d->log_fd >= 0 && n) {
		ssize_t w = write(d->log_fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			xbb_log((int)d->domid, "log write failed: %s; log closed",
				 w < 0 ? strerror(errno) : "short write");
			close(d->log_fd);
			d->log_fd = -1;
			return;
		}
		buf += w;
		n -= (size_t)w;
	}
}

/* Output: everything between out_cons and out_prod. false on a protocol
 * error (the guest claims more than the ring holds). *kick is set when the
 * guest may be blocked on a full ring: it can only have seen out_cons
 * values published since our last kick, so it waits only if out_prod got
 * a whole ring ahead of the first of them. Kicking only then (not after
 * every batch) spares the guest an event per line. */
static bool pump_out(struct cons_dom *d, bool *kick)
{
	volatile struct xencons_interface *r = d->ring;
	uint8_t buf[XENCONS_OUT_SIZE];

	for (unsigned round = 0;; round++) {
		/* Our own out_cons: the guest may scribble on the page's copy. */
		uint32_t cons = d->out_cons, prod = r->out_prod, n;

		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		n = prod - cons;
		if (n > XENCONS_OUT_SIZE)
			return false;
		if (prod - d->kick_cons >= XENCONS_OUT_SIZE)
			*kick = true;
		if (!n)
			return true;
		if (round == 16) {
			/* A guest that keeps writing must not starve the other
			 * domains: come back on the next loop turn. */
			uint64_t one = 1;

			if (write(d->notify_fd, &one, sizeof(one)) < 0)
				xbb_log((int)d->domid, "cannot re-arm: %s", strerror(errno));
			return true;
		}
		for (uint32_t i = 0; i < n; i++)
			buf[i] = (uint8_t)r->out[(cons + i) & (XENCONS_OUT_SIZE - 1)];
		__atomic_thread_fence(__ATOMIC_RELEASE);
		r->out_cons = d->out_cons = prod;
		/* Pairs with the guest's barrier after out_prod: we read
		 * out_prod again, it reads out_cons; one sees the other. */
		CONS_MB();
		to_log(d, buf, n);
		cons_client_broadcast(d, buf, n);
	}
}

/* Input: as much pending client input as the `in` ring has room for;
 * the guest may be waiting for it, so *kick is set when some went in. */
static bool pump_in(struct cons_dom *d, bool *kick)
{
	volatile struct xencons_interface *r = d->ring;
	uint32_t cons = r->in_cons, prod = d->in_prod, room, n;

	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (prod - cons > XENCONS_IN_SIZE)
		return false;
	if (!d->input_len)
		return true;
	room = XENCONS_IN_SIZE - (prod - cons);
	n = d->input_len < room ? (uint32_t)d->input_len : room;
	if (!n)
		return true;
	for (uint32_t i = 0; i < n; i++)
		r->in[(prod + i) & (XENCONS_IN_SIZE - 1)] = (char)d->input[i];
	__atomic_thread_fence(__ATOMIC_RELEASE);
	r->in_prod = d->in_prod = prod + n;
	memmove(d->input, d->input + n, d->input_len - n);
	d->input_len -= n;
	*kick = true;
	cons_client_resume(d);
	return true;
}

void cons_dom_pump(struct cons_dom *d)
{
	bool need = false;

	if (!pump_out(d, &need) || !pump_in(d, &need)) {
		cons_dom_drop(d, -EPROTO, "protocol error: ring indices out of range");
		return;
	}
	if (need) {
		d->kick_cons = d->out_cons;
		cons_dom_kick(d);
	}
}

size_t cons_dom_input(struct cons_dom *d, const uint8_t *buf, size_t n)
{
	size_t room = CONS_INPUT_MAX - d->input_len;

	if (n > room)
		n = room;
	memcpy(d->input + d->input_len, buf, n);
	d->input_len += n;
	if (n)
		cons_dom_pump(d);
	return n;
}

void cons_dom_drain(struct cons_dom *d)
{
	bool kick = false;

	pump_out(d, &kick);
}
