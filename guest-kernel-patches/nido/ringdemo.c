/* ringdemo.c: two nidos talk over a shared ring. `ring-serve N` grants a
 * ring page to the domain of the peer= option, offers it an unbound port,
 * prints "ring-serve: ref R port P" and answers N requests; `ring-client
 * DOMID REF PORT N` maps that page, binds the port, sends N numbered
 * requests and checks every response. Both sides batch: fill what the
 * ring allows, publish once, notify only when the peer asked (ring.h's
 * event indices), and sleep only after the final check, in
 * pvabi_evtchn_wait on the masked port: the work follows the wake-up, so
 * `sti; hlt` would depend on sti's interrupt shadow not to sleep through
 * an event taken just before the halt. */
#include "nido.h"

/* A request carries a sequence number and a value derived from it; the
 * answer must echo the number and transform the value. */
struct demo_req {
	uint64_t seq;
	uint64_t val;
};
struct demo_rsp {
	uint64_t seq;
	uint64_t val;
};
PVABI_RING_DEFINE(demo, struct demo_req, struct demo_rsp)

#define REQ_VAL(seq) ((seq) * 0x9e3779b97f4a7c15ull)
#define RSP_VAL(v) (~(v) + 1)

static uint8_t ring_page[PVABI_RING_PAGE_SIZE] __attribute__((aligned(4096)));
static uint8_t gnttab_frame[PVABI_RING_PAGE_SIZE] __attribute__((aligned(4096)));
static struct pvabi_ring_conn conn;

static long gnttab_ready(void)
{
	static int done;
	long rc;

	if (done)
		return 0;
	rc = pvabi_gnttab_init((uintptr_t)gnttab_frame >> PVABI_PAGE_SHIFT, 1);
	done = rc == 0;
	return rc;
}

/* Answers n requests; returns how many were malformed (wrong number or
 * value). */
static unsigned long serve(struct demo_back *b, unsigned long n)
{
	unsigned long done = 0, bad = 0;

	while (done < n) {
		uint32_t avail = demo_back_req_avail(b);

		if (demo_back_prod_overflow(b)) {
			pvabi_printf("ring-serve: peer overran the ring\n");
			return bad + (n - done);
		}
		for (uint32_t i = 0; i < avail; i++, done++) {
			struct demo_req r;
			struct demo_rsp *o;

			demo_back_copy_req(b, &r);
			bad += r.seq != done || r.val != REQ_VAL(r.seq);
			o = demo_back_next_rsp(b);
			o->seq = r.seq;
			o->val = RSP_VAL(r.val);
		}
		if (avail && demo_back_push(b))
			nido_event_send(conn.port);
		if (!avail && !demo_back_final_check(b))
			pvabi_evtchn_wait(conn.port);
	}
	return bad;
}

static void cmd_serve(const struct pvabi_boot *boot, unsigned long n)
{
	long peer = pvabi_cmdline_num(boot->cmdline, "peer", -1);
	struct demo_back b;
	unsigned long bad;
	uint64_t t0;
	long rc;

	if (peer < 0 || peer >= DOMID_FIRST_RESERVED) {
		pvabi_printf("ring-serve: needs peer=DOMID on the command line\n");
		return;
	}
	demo_sring_init((struct demo_sring *)ring_page);
	if ((rc = gnttab_ready()) ||
	    (rc = pvabi_ring_offer(&conn, ring_page, 0, (domid_t)peer)) ||
	    (rc = nido_event_bind(conn.port, NULL, NULL))) { /* masked: waited on */
		pvabi_printf("ring-serve: setup failed: %ld\n", rc);
		return;
	}
	demo_back_init(&b, (struct demo_sring *)ring_page, sizeof(ring_page));
	pvabi_printf("ring-serve: ref %u port %u slots %u\n", conn.refs[0], conn.port, b.size);
	t0 = pvabi_time_ns();
	bad = serve(&b, n);
	pvabi_printf("ring-serve: %lu requests answered, %lu bad, %lu us\n", n, bad,
		     (unsigned long)((pvabi_time_ns() - t0) / 1000));
	/* The peer unmaps when it is done; until then the page stays granted. */
	for (int i = 0; i < 500 && (rc = pvabi_ring_revoke(&conn)) == -XEN_EBUSY; i++)
		nido_sleep_ms(10);
	pvabi_printf("ring-serve: revoke %ld\n", rc);
}

/* Sends n requests, checks n responses; returns the number verified. */
static unsigned long client(struct demo_front *f, unsigned long n)
{
	unsigned long sent = 0, got = 0, ok = 0;

	while (got < n) {
		uint32_t room = demo_front_free(f);
		int64_t avail;

		for (; room && sent < n; room--, sent++) {
			struct demo_req *r = demo_front_next_req(f);

			r->seq = sent;
			r->val = REQ_VAL((uint64_t)sent);
		}
		if (demo_front_push(f))
			nido_event_send(conn.port);
		if ((avail = demo_front_rsp_avail(f)) < 0) {
			pvabi_printf("ring-client: peer answered more than was asked\n");
			break;
		}
		for (int64_t i = 0; i < avail; i++, got++) {
			const struct demo_rsp *o = demo_front_rsp(f, f->rsp_cons++);

			ok += o->seq == got && o->val == RSP_VAL(REQ_VAL((uint64_t)got));
		}
		if (!avail && !demo_front_final_check(f))
			pvabi_evtchn_wait(conn.port);
	}
	return ok;
}

static void cmd_client(unsigned long domid, unsigned long ref, unsigned long port, unsigned long n)
{
	grant_ref_t r = (grant_ref_t)ref;
	struct demo_front f;
	unsigned long ok;
	uint64_t t0;
	long rc;

	if (domid >= DOMID_FIRST_RESERVED || ref > UINT32_MAX || port > UINT32_MAX) {
		pvabi_printf("ring-client: bad arguments\n");
		return;
	}
	if ((rc = pvabi_ring_attach(&conn, ring_page, 0, (domid_t)domid, &r,
				    (evtchn_port_t)port)) ||
	    (rc = nido_event_bind(conn.port, NULL, NULL))) { /* masked: waited on */
		pvabi_printf("ring-client: attach failed: %ld\n", rc);
		return;
	}
	if (demo_front_init(&f, (struct demo_sring *)ring_page, sizeof(ring_page))) {
		pvabi_printf("ring-client: no slots\n");
		return;
	}
	t0 = pvabi_time_ns();
	ok = client(&f, n);
	pvabi_printf("ring-client: %lu of %lu responses verified, %lu us\n", ok, n,
		     (unsigned long)((pvabi_time_ns() - t0) / 1000));
	pvabi_printf("ring-client: detach %d\n", pvabi_ring_detach(&conn));
}

/* "ring-serve N" or "ring-client DOMID REF PORT N"; args are decimal. */
void nido_ringdemo(const struct pvabi_boot *boot, const char *cmd, const char *arg)
{
	unsigned long v[4] = { 0 };
	unsigned int nv = 0;

	while (nv < 4) {
		while (*arg == ' ')
			arg++;
		if (*arg < '0' || *arg > '9')
			break;
		for (; *arg >= '0' && *arg <= '9'; arg++)
			v[nv] = v[nv] * 10 + (unsigned long)(*arg - '0');
		nv++;
	}
	if (!strcmp(cmd, "ring-serve") && nv == 1)
		cmd_serve(boot, v[0]);
	else if (!strcmp(cmd, "ring-client") && nv == 4)
		cmd_client(v[0], v[1], v[2], v[3]);
	else
		pvabi_printf("usage: ring-serve N | ring-client DOMID REF PORT N\n");
}
