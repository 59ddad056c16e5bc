/* main.c: bench-ring, a guest that streams bytes to dom0 over a shared
 * ring (ring_proto.h). mode=ring: grants the ring and the data pages to
 * dom0 (ring_order= gives a ring of 2^order pages, default 0), prints
 * "RING READY ...", waits for dom0's first event, then sends
 * chunks= chunks of chunk= bytes through slots= data slots, each copied
 * from its source with `rep movsq` (the only per-byte guest work), one
 * notification per batch; prints "RING DONE ...", waits until dom0 has
 * unmapped the ring (it does so last and then sends), revokes every grant
 * and prints "RING REVOKE <rc>". mode=baseline: the same copies into its own memory,
 * no ring: "RING BASELINE ...". mode=overrun: like ring, but instead of
 * streaming it moves req_prod three rings ahead and notifies ("RING
 * OVERRUN ..."), for dom0's overflow check. Powers off.
 *
 * Every wait is pvabi_evtchn_wait on the (masked) port, never `sti; hlt`:
 * the work happens after the wake-up, outside any handler, so an upcall
 * taken between sti and hlt (where a host does not honour sti's interrupt
 * shadow) would leave the guest halted with dom0 waiting for it. */
#include <pvabi.h>

#include "ring_proto.h"

#define MAX_CHUNK (64u << 10)
#define MAX_SLOTS 32u
#define GNT_FRAMES 2u

static uint8_t data[MAX_SLOTS * MAX_CHUNK] __attribute__((aligned(4096)));
static uint8_t src[MAX_CHUNK + BRING_SRC_EXTRA] __attribute__((aligned(4096)));
static uint8_t ring_area[PVABI_RING_AREA(PVABI_RING_MAX_ORDER)] __attribute__((aligned(4096)));
static uint8_t gnt_frames[GNT_FRAMES][4096] __attribute__((aligned(4096)));
static grant_ref_t data_refs[MAX_SLOTS * MAX_CHUNK / 4096];
static struct pvabi_ring_conn conn;

struct params {
	unsigned long chunks;
	uint32_t chunk, slots, order; /* order: the ring spans 2^order pages */
};

static void copy_qwords(void *dst, const void *from, size_t n)
{
	__asm__ volatile("rep movsq" : "+D"(dst), "+S"(from), "+c"(n) : : "memory");
}

/* Writes chunk seq into slot's buffer: the copy plus the seq stamp. */
static void fill(uint8_t *buf, const struct params *p, uint64_t seq)
{
	copy_qwords(buf, src + BRING_SRC_OFF(seq), p->chunk / 8);
	*(volatile uint64_t *)buf = seq;
}

static void baseline(const struct params *p)
{
	uint64_t t0 = pvabi_time_ns(), t;

	for (unsigned long seq = 0; seq < p->chunks; seq++)
		fill(data + (seq % p->slots) * p->chunk, p, seq);
	t = pvabi_time_ns() - t0;
	pvabi_printf("RING BASELINE chunks=%lu bytes=%lu ns=%lu\n", p->chunks,
		     p->chunks * p->chunk, (unsigned long)t);
}

/* The producer loop: fill free slots, publish once, take responses. */
static void stream(struct bring_front *f, const struct params *p, unsigned long *ok)
{
	unsigned long sent = 0, got = 0;

	while (got < p->chunks) {
		while (sent < p->chunks && sent - got < p->slots && bring_front_free(f)) {
			struct bring_req *r = bring_front_next_req(f);
			uint32_t slot = (uint32_t)(sent % p->slots);

			fill(data + slot * p->chunk, p, sent);
			r->seq = sent++;
			r->slot = slot;
			r->len = p->chunk;
		}
		if (bring_front_push(f))
			pvabi_evtchn_send(conn.port);
		int64_t n = bring_front_rsp_avail(f);
		if (n < 0)
			pvabi_panic("bench-ring: dom0 answered more than was asked");
		for (int64_t i = 0; i < n; i++, got++) {
			const struct bring_rsp *o = bring_front_rsp(f, f->rsp_cons++);

			*ok += o->seq == got && o->status == 0;
		}
		if (!n && !bring_front_final_check(f))
			pvabi_evtchn_wait(conn.port);
	}
}

/* Grants the ring (read-write, with the port) and data pages (read-only)
 * to dom0; refs must come out consecutive so one number names each set. */
static void offer(const struct params *p, uint32_t pages)
{
	long rc;

	if ((rc = pvabi_gnttab_init((uintptr_t)gnt_frames >> PVABI_PAGE_SHIFT, GNT_FRAMES)))
		pvabi_panic("bench-ring: gnttab_init %ld", rc);
	bring_sring_init((struct bring_sring *)ring_area);
	if ((rc = pvabi_ring_offer(&conn, ring_area, p->order, 0)))
		pvabi_panic("bench-ring: ring_offer %ld", rc);
	for (uint32_t i = 1; i < 1u << p->order; i++)
		if (conn.refs[i] != conn.refs[0] + i)
			pvabi_panic("bench-ring: ring refs not consecutive");
	for (uint32_t i = 0; i < pages; i++) {
		rc = pvabi_gnttab_alloc_ref();
		if (rc < 0 || (i && (grant_ref_t)rc != data_refs[0] + i))
			pvabi_panic("bench-ring: data ref %u: %ld", i, rc);
		data_refs[i] = (grant_ref_t)rc;
		pvabi_gnttab_grant_access(data_refs[i], 0, ((uintptr_t)data >> PVABI_PAGE_SHIFT) + i, 1);
	}
	/* Masked, no handler: waited on with pvabi_evtchn_wait only. */
	if ((rc = pvabi_evtchn_bind_handler(conn.port, NULL, NULL)))
		pvabi_panic("bench-ring: bind_handler %ld", rc);
	pvabi_printf("RING READY ring=%u order=%u port=%u data=%u pages=%u chunk=%u slots=%u "
		     "chunks=%lu\n", conn.refs[0], p->order, conn.port, data_refs[0], pages, p->chunk,
		     p->slots, p->chunks);
}

static int revoke(uint32_t pages)
{
	int rc = pvabi_ring_revoke(&conn);

	for (uint32_t i = 0; i < pages; i++) {
		int r = pvabi_gnttab_end_access(data_refs[i]);

		if (r && !rc)
			rc = r;
	}
	return rc;
}

/* overrun: a broken producer that claims three rings' worth of requests. */
static void ring_mode(const struct params *p, int overrun)
{
	uint32_t pages = p->slots * p->chunk / 4096;
	struct bring_front f;
	unsigned long ok = 0;
	uint64_t t0, t;

	offer(p, pages);
	bring_front_init(&f, (struct bring_sring *)ring_area, PVABI_RING_AREA(p->order));
	pvabi_evtchn_wait(conn.port); /* dom0 has bound the port and mapped the ring */
	if (overrun) {
		PVABI_RING_SET(f.sring->hdr.req_prod, 3 * f.size);
		pvabi_evtchn_send(conn.port);
		pvabi_printf("RING OVERRUN req_prod=%u\n", 3 * f.size);
	} else {
		t0 = pvabi_time_ns();
		stream(&f, p, &ok);
		t = pvabi_time_ns() - t0;
		pvabi_printf("RING DONE chunks=%lu ok=%lu bytes=%lu ns=%lu\n", p->chunks, ok,
			     p->chunks * p->chunk, (unsigned long)t);
	}
	/* dom0 unmaps the ring last, then sends: wait for the in-use bits of
	 * the ring's grant to clear (a send before the check stays pending,
	 * so the wait after it returns at once). */
	while (pvabi_gnttab_table()[conn.refs[0]].flags & (GTF_reading | GTF_writing))
		pvabi_evtchn_wait(conn.port);
	pvabi_printf("RING REVOKE %d\n", revoke(pages));
}

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	struct params p = {
		.chunks = (unsigned long)pvabi_cmdline_num(boot->cmdline, "chunks", 1000),
		.chunk = (uint32_t)pvabi_cmdline_num(boot->cmdline, "chunk", 16384),
		.slots = (uint32_t)pvabi_cmdline_num(boot->cmdline, "slots", 16),
		.order = (uint32_t)pvabi_cmdline_num(boot->cmdline, "ring_order", 0),
	};

	if (p.chunk < 4096 || p.chunk > MAX_CHUNK || p.chunk % 4096 || p.slots == 0 ||
	    p.slots > MAX_SLOTS || p.order > PVABI_RING_MAX_ORDER)
		pvabi_panic("bench-ring: chunk= must be 4096..65536 in pages, slots= 1..32, "
			    "ring_order= 0..4");
	for (uint32_t j = 0; j < p.chunk + BRING_SRC_EXTRA; j++)
		src[j] = (uint8_t)(j * 7u);
	if (pvabi_events_init(0xf3))
		pvabi_panic("bench-ring: no events");
	pvabi_time_attach(pvabi_shared_info());
	if (pvabi_cmdline_has(boot->cmdline, "mode=baseline"))
		baseline(&p);
	else
		ring_mode(&p, pvabi_cmdline_has(boot->cmdline, "mode=overrun"));
	pvabi_shutdown(SHUTDOWN_poweroff);
}
