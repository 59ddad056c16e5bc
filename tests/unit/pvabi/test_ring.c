/* test_ring.c: the shared ring of pvabi/ring.h on the host: layout, sizes
 * (one and several pages), init, free-running index wrap, the notify
 * decision, the final check, the backend's overflow checks, copy-once,
 * and two threads ping-ponging 200,000 messages through a real ring. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <pvabi/ring.h>

struct t_req {
	uint64_t seq;
	uint32_t op;
	uint32_t len;
};
struct t_rsp {
	uint64_t seq;
	int32_t status;
	uint32_t pad;
	uint64_t sum[2];
};
PVABI_RING_DEFINE(t, struct t_req, struct t_rsp)

struct pair {
	struct t_sring *s;
	size_t bytes;
	struct t_front f;
	struct t_back b;
};

static struct pair *pair_new(unsigned order, uint32_t start)
{
	struct pair *p = calloc(1, sizeof(*p));

	p->bytes = PVABI_RING_AREA(order);
	p->s = aligned_alloc(4096, p->bytes);
	memset(p->s, 0xa5, p->bytes); /* init must not depend on zeroed memory */
	t_sring_init(p->s);
	/* Start both sides at the same arbitrary index to test wrap-around. */
	p->s->hdr.req_prod = p->s->hdr.rsp_prod = start;
	p->s->hdr.req_event = p->s->hdr.rsp_event = start + 1;
	cr_assert_eq(t_front_init(&p->f, p->s, p->bytes), 0);
	cr_assert_eq(t_back_init(&p->b, p->s, p->bytes), 0);
	return p;
}

static void pair_free(struct pair *p)
{
	free(p->s);
	free(p);
}

Test(ring, header_layout_and_entry_size)
{
	cr_assert_eq(sizeof(struct pvabi_sring_hdr), 64);
	cr_assert_eq(offsetof(struct t_sring, ring), 64);
	cr_assert_eq(sizeof(union t_entry), 32, "entry = max(req, rsp)");
}

Test(ring, size_rounds_down_to_a_power_of_two)
{
	/* (4096 - 64) / 32 = 126 -> 64 */
	cr_assert_eq(t_ring_size(4096), 64);
	cr_assert_eq(pvabi_ring_size(4096, 112), 32, "blkif-sized entries: 36 -> 32");
	cr_assert_eq(pvabi_ring_size(4096, 8), 256, "503 -> 256");
	cr_assert_eq(pvabi_ring_size(4096, 4032), 1);
	cr_assert_eq(pvabi_ring_size(4096, 4033), 0, "not even one slot");
	cr_assert_eq(pvabi_ring_size(63, 1), 0);
	cr_assert_eq(pvabi_ring_size(4096, 0), 0);
	cr_assert_eq(pvabi_ring_rd32(1), 1);
	cr_assert_eq(pvabi_ring_rd32(0x80000001u), 0x80000000u);
}

Test(ring, multi_page_sizes_span_the_whole_area)
{
	/* 2^order pages: size over the whole area, minus one header. */
	cr_assert_eq(t_ring_size(PVABI_RING_AREA(1)), 128, "(8192-64)/32 = 254 -> 128");
	cr_assert_eq(t_ring_size(PVABI_RING_AREA(2)), 256);
	cr_assert_eq(t_ring_size(PVABI_RING_AREA(4)), 1024);
	cr_assert_eq(pvabi_ring_size(PVABI_RING_AREA(3), 112), 256, "(32768-64)/112 = 292 -> 256");
	struct pair *p = pair_new(2, 0);
	cr_assert_eq(p->f.size, 256);
	/* The last slot lies beyond the first two pages. */
	struct t_req *last = NULL;
	for (unsigned i = 0; i < p->f.size; i++)
		last = t_front_next_req(&p->f);
	cr_assert_eq((char *)last - (char *)p->s, 64 + 255 * 32);
	cr_assert_geq((size_t)((char *)last - (char *)p->s), 2 * 4096u, "on the third page");
	cr_assert_eq(t_front_free(&p->f), 0);
	pair_free(p);
}

Test(ring, the_size_table_of_the_spec)
{
	/* SPEC.md §15.1: entry size x {1, 2, 4, 16} pages. */
	static const struct {
		size_t entry;
		uint32_t size[4];
	} rows[] = {
		{ 8, { 256, 512, 1024, 4096 } },
		{ 16, { 128, 256, 512, 2048 } },
		{ 32, { 64, 128, 256, 1024 } },
		{ 112, { 32, 64, 128, 512 } },
	};
	static const unsigned orders[4] = { 0, 1, 2, 4 };

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		for (int k = 0; k < 4; k++)
			cr_assert_eq(pvabi_ring_size(PVABI_RING_AREA(orders[k]), rows[i].entry),
				     rows[i].size[k], "entry %zu, order %u", rows[i].entry, orders[k]);
}

Test(ring, init_sets_indices_and_events)
{
	struct t_sring *s = aligned_alloc(4096, 4096);
	struct t_front f;

	memset(s, 0xff, 4096);
	t_sring_init(s);
	cr_assert_eq(s->hdr.req_prod, 0);
	cr_assert_eq(s->hdr.rsp_prod, 0);
	cr_assert_eq(s->hdr.req_event, 1);
	cr_assert_eq(s->hdr.rsp_event, 1);
	for (int i = 0; i < 44; i++)
		cr_assert_eq(s->hdr.pad[i], 0, "pad zeroed");
	cr_assert_eq(t_front_init(&f, s, 4096), 0);
	cr_assert_eq(t_front_free(&f), 64);
	cr_assert_eq(t_front_init(&f, s, 64), -1, "an area without a slot");
	free(s);
}

Test(ring, notify_iff_event_in_old_new)
{
	uint32_t prod = 10, event;

	event = 11; /* consumer waits for the first new one */
	cr_assert_eq(pvabi_ring_publish(&prod, &event, 12), 1);
	cr_assert_eq(prod, 12);
	event = 12; /* not in (12, 12] */
	cr_assert_eq(pvabi_ring_publish(&prod, &event, 12), 0, "nothing new");
	event = 14; /* in (12, 14] */
	cr_assert_eq(pvabi_ring_publish(&prod, &event, 14), 1, "event == new");
	event = 16; /* beyond new: consumer asked for later */
	cr_assert_eq(pvabi_ring_publish(&prod, &event, 15), 0);
	event = 15; /* already passed: consumer did not re-arm */
	cr_assert_eq(pvabi_ring_publish(&prod, &event, 17), 0);
	/* Across the u32 wrap. */
	prod = 0xfffffffeu;
	event = 0xffffffffu;
	cr_assert_eq(pvabi_ring_publish(&prod, &event, 3), 1);
	event = 2;
	prod = 0xfffffffeu;
	cr_assert_eq(pvabi_ring_publish(&prod, &event, 3), 1, "event after the wrap");
	event = 0xfffffffeu;
	prod = 0xfffffffeu;
	cr_assert_eq(pvabi_ring_publish(&prod, &event, 3), 0, "event == old is not new");
}

Test(ring, final_check_arms_the_event_index)
{
	struct pair *p = pair_new(0, 100);

	cr_assert_eq(t_back_final_check(&p->b), 0, "empty: nothing to do");
	cr_assert_eq(p->s->hdr.req_event, 101, "asks for the next request");
	t_front_next_req(&p->f)->seq = 1;
	cr_assert_eq(t_front_push(&p->f), 1, "armed consumer is notified");
	cr_assert_eq(t_back_final_check(&p->b), 1);
	cr_assert_eq(p->s->hdr.req_event, 101, "work found: event untouched");
	/* Producer published without notifying (event not yet armed): the
	 * re-check after arming finds the work. */
	struct t_req r;
	t_back_copy_req(&p->b, &r);
	p->s->hdr.req_event = 0; /* stale */
	t_front_next_req(&p->f)->seq = 2;
	cr_assert_eq(t_front_push(&p->f), 0);
	cr_assert_eq(t_back_final_check(&p->b), 1, "re-check sees the unnotified request");
	pair_free(p);
}

Test(ring, indices_wrap_through_zero)
{
	struct pair *p = pair_new(0, 0xffffff00u);
	uint64_t seq = 0, got = 0;

	for (int round = 0; round < 20; round++) {
		uint32_t n = t_front_free(&p->f);
		cr_assert_eq(n, 64);
		for (uint32_t i = 0; i < n; i++)
			t_front_next_req(&p->f)->seq = seq++;
		t_front_push(&p->f);
		cr_assert_eq(t_back_req_avail(&p->b), n);
		cr_assert_eq(t_back_prod_overflow(&p->b), 0);
		for (uint32_t i = 0; i < n; i++) {
			struct t_req r;
			t_back_copy_req(&p->b, &r);
			struct t_rsp *o = t_back_next_rsp(&p->b);
			o->seq = r.seq;
		}
		t_back_push(&p->b);
		int64_t a = t_front_rsp_avail(&p->f);
		cr_assert_eq(a, n);
		for (uint32_t i = 0; i < n; i++)
			cr_assert_eq(t_front_rsp(&p->f, p->f.rsp_cons++)->seq, got++);
	}
	cr_assert_lt(p->s->hdr.req_prod, 0x1000u, "req_prod wrapped");
	cr_assert_eq(got, 20 * 64);
	pair_free(p);
}

Test(ring, backend_bounds_a_hostile_producer)
{
	struct pair *p = pair_new(0, 5);

	p->s->hdr.req_prod = 5 + 64;
	cr_assert_eq(t_back_prod_overflow(&p->b), 0, "a full ring is fine");
	cr_assert_eq(t_back_req_avail(&p->b), 64);
	p->s->hdr.req_prod = 5 + 65;
	cr_assert_eq(t_back_prod_overflow(&p->b), 1, "one more than the ring holds");
	cr_assert_eq(t_back_req_avail(&p->b), 64, "never more than the free responses");
	p->s->hdr.req_prod = 5 - 1;
	cr_assert_eq(t_back_prod_overflow(&p->b), 1, "moved backwards");
	cr_assert_eq(t_back_cons_overflow(&p->b, 5 + 63), 0);
	cr_assert_eq(t_back_cons_overflow(&p->b, 5 + 64), 1);
	/* Frontend side: more responses than requests outstanding. */
	t_front_next_req(&p->f);
	t_front_push(&p->f);
	p->s->hdr.rsp_prod = 5 + 1;
	cr_assert_eq(t_front_rsp_avail(&p->f), 1);
	p->s->hdr.rsp_prod = 5 + 2;
	cr_assert_eq(t_front_rsp_avail(&p->f), -1, "response never requested");
	pair_free(p);
}

Test(ring, copy_request_once_is_a_private_snapshot)
{
	struct pair *p = pair_new(0, 0);
	struct t_req *slot = t_front_next_req(&p->f), r;

	slot->seq = 7;
	slot->len = 16;
	t_front_push(&p->f);
	t_back_copy_req(&p->b, &r);
	slot->len = 1u << 30; /* the peer rewrites the slot after the copy */
	cr_assert_eq(r.len, 16);
	cr_assert_eq(r.seq, 7);
	cr_assert_eq(p->b.req_cons, 1);
	pair_free(p);
}

/* ---- two threads: frontend and backend with sleeping on "events" ---- */

#define PING_N 200000u

struct chan {
	pthread_mutex_t m;
	pthread_cond_t c;
	unsigned kicks;
};

struct pp {
	struct pair *p;
	struct chan to_back, to_front;
	unsigned notifies;
	int error;
};

static void kick(struct chan *c)
{
	pthread_mutex_lock(&c->m);
	c->kicks++;
	pthread_cond_signal(&c->c);
	pthread_mutex_unlock(&c->m);
}

/* Sleeps until a kick newer than *seen (an event channel's pending bit). */
static void wait_kick(struct chan *c, unsigned *seen)
{
	pthread_mutex_lock(&c->m);
	while (c->kicks == *seen)
		pthread_cond_wait(&c->c, &c->m);
	*seen = c->kicks;
	pthread_mutex_unlock(&c->m);
}

static void *backend(void *arg)
{
	struct pp *x = arg;
	struct t_back *b = &x->p->b;
	unsigned seen = 0;
	uint64_t handled = 0;

	while (handled < PING_N) {
		uint32_t n = t_back_req_avail(b);
		if (t_back_prod_overflow(b)) {
			x->error = 1;
			return NULL;
		}
		for (uint32_t i = 0; i < n; i++) {
			struct t_req r;
			t_back_copy_req(b, &r);
			struct t_rsp *o = t_back_next_rsp(b);
			o->seq = r.seq;
			o->sum[0] = r.seq * 3 + r.op;
			o->status = 0;
			handled++;
		}
		if (n && t_back_push(b)) {
			__atomic_add_fetch(&x->notifies, 1, __ATOMIC_RELAXED);
			kick(&x->to_front);
		}
		if (!n && !t_back_final_check(b))
			wait_kick(&x->to_back, &seen);
	}
	return NULL;
}

Test(ring, two_threads_ping_pong_every_message_checked, .timeout = 60)
{
	struct pp x = { .p = pair_new(1, 0xfffff000u) };
	struct t_front *f = &x.p->f;
	pthread_t t;
	uint64_t sent = 0, got = 0;
	unsigned seen = 0;

	pthread_mutex_init(&x.to_back.m, NULL);
	pthread_cond_init(&x.to_back.c, NULL);
	pthread_mutex_init(&x.to_front.m, NULL);
	pthread_cond_init(&x.to_front.c, NULL);
	cr_assert_eq(pthread_create(&t, NULL, backend, &x), 0);
	while (got < PING_N) {
		uint32_t room = t_front_free(f);
		for (; room && sent < PING_N; room--, sent++) {
			struct t_req *r = t_front_next_req(f);
			r->seq = sent;
			r->op = (uint32_t)sent & 7;
		}
		if (t_front_push(f))
			kick(&x.to_back);
		int64_t n = t_front_rsp_avail(f);
		cr_assert_geq(n, 0);
		for (int64_t i = 0; i < n; i++, got++) {
			const struct t_rsp *o = t_front_rsp(f, f->rsp_cons++);
			cr_assert_eq(o->seq, got, "in order");
			cr_assert_eq(o->sum[0], got * 3 + (got & 7));
		}
		if (!n && got < PING_N && !t_front_final_check(f))
			wait_kick(&x.to_front, &seen);
	}
	pthread_join(t, NULL);
	cr_assert_eq(x.error, 0);
	cr_assert_eq(got, PING_N);
	cr_log_info("%u backend notifications for %u messages", x.notifies, PING_N);
	cr_assert_lt(x.p->s->hdr.req_prod, 0x1000000u, "indices wrapped");
	pair_free(x.p);
}
