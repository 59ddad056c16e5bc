/* blk-hostile: a PV block frontend that breaks the rules on purpose
 * (SPEC.md §18.1). It connects a one-page ring to the disk device/vbd/<dev>
 * like a frontend should, then sends one batch of malformed requests
 * (unknown and unsupported operations, segment counts and sector ranges
 * out of bounds, grants it never gave, an indirect request beyond the
 * advertised maximum and one whose descriptor page is not granted) among
 * valid ones, and prints "CHECK <name> <status>" for each answer. With
 * "overflow" in its command line it then moves req_prod a thousand slots
 * ahead and waits until the backend drops the device (state Closed).
 * With "badkeys" it first publishes a ring ref and a port that name
 * nothing and waits for the backend to close the device ("blk-hostile:
 * backend state <s> after bad keys"), then starts over. With "flood" it first fills the ring with
 * valid one-sector reads 300 times over, notifying 8 times per batch ("blk-hostile: flood
 * <ok>/<n>"), then revokes a data grant right after publishing a read that uses it
 * ("blk-hostile: revoke <end_access result> status <status>"). */
#include <pvabi.h>

#include <pvabi/blkif.h>

#define NREQ 14

static uint8_t gnt_frames[2 * 4096] __attribute__((aligned(4096)));
static uint8_t ring_area[4096] __attribute__((aligned(4096)));
static uint8_t data[4096] __attribute__((aligned(4096)));
static uint8_t ind[4096] __attribute__((aligned(4096)));
static struct pvabi_ring_conn conn;
static struct pvabi_xenbus_front xb;
static struct blkif_front f;
static uint8_t data2[4096] __attribute__((aligned(4096)));
static grant_ref_t data_ref, ind_ref, data2_ref;
static volatile unsigned kicks;

static const char *const names[NREQ] = {
    "read_ok",		"bad_op",	  "barrier",	 "nseg_0",	 "nseg_12",
    "last_sect_8",	"first_gt_last",  "beyond_disk", "foreign_gref", "indirect_300",
    "indirect_nogrant", "discard_beyond", "indirect_ok", "flush_ok",
};

static void on_kick(evtchn_port_t port, void *arg)
{
	(void)port;
	(void)arg;
	kicks++;
}

static int publish(struct pvabi_xenbus_front *x, uint32_t tx, void *arg)
{
	int r;

	/* arg != NULL: a ref never granted and a port never allocated */
	if ((r = pvabi_xenbus_front_write_num(x, tx, "ring-ref", arg ? 7999 : conn.refs[0])) ||
	    (r = pvabi_xenbus_front_write_num(x, tx, "event-channel", arg ? 4000 : conn.port)) ||
	    (r = pvabi_xenbus_front_write(x, tx, "protocol", "x86_64-abi")))
		return r;
	return pvabi_xenbus_front_write(x, tx, "feature-persistent", "0");
}

static void fill(struct blkif_request *q, unsigned i, uint64_t sectors)
{
	struct blkif_request_indirect *in = (void *)q;
	struct blkif_request_discard *d = (void *)q;
	struct blkif_request_segment *s = (void *)ind;

	memset(q, 0, sizeof(*q));
	q->id = 1000 + i;
	q->operation = BLKIF_OP_READ;
	q->nr_segments = 1;
	q->seg[0] =
	    (struct blkif_request_segment){.gref = data_ref, .first_sect = 0, .last_sect = 7};
	switch (i) {
	case 1:
		q->operation = 99;
		break;
	case 2:
		q->operation = BLKIF_OP_WRITE_BARRIER;
		break;
	case 3:
		q->nr_segments = 0;
		break;
	case 4:
		q->nr_segments = 12;
		break;
	case 5:
		q->seg[0].last_sect = 8;
		break;
	case 6:
		q->seg[0].first_sect = 5;
		q->seg[0].last_sect = 4;
		break;
	case 7:
		q->sector_number = sectors - 4;
		break;
	case 8:
		q->seg[0].gref = 7777;
		break;
	case 9:
	case 10:
	case 12:
		q->operation = BLKIF_OP_INDIRECT;
		in->id = 1000 + i;
		in->indirect_op = BLKIF_OP_READ;
		in->nr_segments = i == 9 ? 300 : 2;
		in->sector_number = 8;
		in->indirect_grefs[0] = i == 10 ? 7778 : ind_ref;
		s[0] = (struct blkif_request_segment){
		    .gref = data_ref, .first_sect = 0, .last_sect = 3};
		s[1] = (struct blkif_request_segment){
		    .gref = data_ref, .first_sect = 4, .last_sect = 7};
		break;
	case 11:
		d->operation = BLKIF_OP_DISCARD;
		d->sector_number = sectors - 8;
		d->nr_sectors = 16;
		break;
	case 13:
		q->operation = BLKIF_OP_FLUSH_DISKCACHE;
		q->nr_segments = 0;
		break;
	}
}

/* Waits for n responses (interrupts deliver the backend's kick); with
 * quiet, only counts those with status OKAY in *ok instead of printing. */
static void collect_q(unsigned n, int quiet, unsigned *ok, int *last)
{
	unsigned got = 0;

	while (got < n) {
		int64_t a = blkif_front_rsp_avail(&f);

		if (a < 0)
			pvabi_panic("blk-hostile: backend answered more than asked");
		for (int64_t i = 0; i < a; i++, got++) {
			const struct blkif_response *o = blkif_front_rsp(&f, f.rsp_cons++);
			unsigned k = (unsigned)(o->id - 1000);

			*last = o->status;
			if (quiet)
				*ok += o->status == BLKIF_RSP_OKAY;
			else
				pvabi_printf("CHECK %s %d\n", k < NREQ ? names[k] : "unknown_id",
					     o->status);
		}
		if (!a && !blkif_front_final_check(&f))
			__asm__ volatile("sti; hlt; cli" : : : "memory");
	}
}

static void collect(unsigned n)
{
	unsigned ok = 0;
	int last;

	collect_q(n, 0, &ok, &last);
}

/* Full rings of valid reads with extra notifications, then a grant
 * revoked right after the request naming it was published. */
static void flood(void)
{
	unsigned ok = 0, n = 0;
	int last = 99;
	long e;

	for (unsigned round = 0; round < 300; round++) {
		uint32_t room = blkif_front_free(&f);

		for (uint32_t i = 0; i < room; i++, n++) {
			fill(blkif_front_next_req(&f), 0, 0);
			f.sring->ring[(f.req_prod_pvt - 1) & (f.size - 1)].req.sector_number = i;
		}
		blkif_front_push(&f);
		for (unsigned k = 0; k < 8; k++)
			pvabi_evtchn_send(conn.port);
		collect_q(room, 1, &ok, &last);
	}
	pvabi_printf("blk-hostile: flood %u/%u\n", ok, n);
	data2_ref = (grant_ref_t)pvabi_gnttab_alloc_ref();
	pvabi_gnttab_grant_access(data2_ref, 0, (uintptr_t)data2 >> 12, 0);
	fill(blkif_front_next_req(&f), 0, 0);
	f.sring->ring[(f.req_prod_pvt - 1) & (f.size - 1)].req.seg[0].gref = data2_ref;
	blkif_front_push(&f);
	pvabi_evtchn_send(conn.port);
	e = pvabi_gnttab_end_access(data2_ref);
	ok = 0;
	collect_q(1, 1, &ok, &last);
	pvabi_printf("blk-hostile: revoke %ld status %d\n", e, last);
}

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	char dir[48];
	uint64_t sectors;
	long r;

	pvabi_snprintf(dir, sizeof(dir), "device/vbd/%ld",
		       pvabi_cmdline_num(boot->cmdline, "dev", 51712));
	if ((r = pvabi_events_init(0xf3)))
		pvabi_panic("blk-hostile: events %ld", r);
	if ((r = pvabi_xenbus_init()))
		pvabi_panic("blk-hostile: xenbus %ld", r);
	if ((r = pvabi_gnttab_init((uintptr_t)gnt_frames >> 12, 2)))
		pvabi_panic("blk-hostile: grant table %ld", r);
	if ((r = pvabi_xenbus_front_init(&xb, dir, "bh")))
		pvabi_panic("blk-hostile: %s: %ld", dir, r);
	if ((r = pvabi_xenbus_front_wait(&xb, 1u << XenbusStateInitWait)) < 0)
		pvabi_panic("blk-hostile: backend %ld", r);
	blkif_sring_init((struct blkif_sring *)ring_area);
	if ((r = pvabi_ring_offer(&conn, ring_area, 0, 0)) ||
	    blkif_front_init(&f, (struct blkif_sring *)ring_area, sizeof(ring_area)))
		pvabi_panic("blk-hostile: ring %ld", r);
	data_ref = (grant_ref_t)pvabi_gnttab_alloc_ref();
	ind_ref = (grant_ref_t)pvabi_gnttab_alloc_ref();
	pvabi_gnttab_grant_access(data_ref, 0, (uintptr_t)data >> 12, 0);
	pvabi_gnttab_grant_access(ind_ref, 0, (uintptr_t)ind >> 12, 1);
	if ((r = pvabi_evtchn_bind_handler(conn.port, on_kick, NULL)))
		pvabi_panic("blk-hostile: bind %ld", r);
	if (pvabi_cmdline_has(boot->cmdline, "badkeys")) {
		/* Keys naming nothing: the backend must refuse and close; then
		 * the frontend starts over (Initialising) with good ones. */
		pvabi_xenbus_front_publish(&xb, publish, &xb);
		r = pvabi_xenbus_front_wait(&xb, 1u << XenbusStateClosed);
		pvabi_printf("blk-hostile: backend state %ld after bad keys\n", r);
		pvabi_xenbus_front_set_state(&xb, XenbusStateInitialising);
		if ((r = pvabi_xenbus_front_wait(&xb, 1u << XenbusStateInitWait)) < 0)
			pvabi_panic("blk-hostile: backend %ld", r);
	}
	if ((r = pvabi_xenbus_front_publish(&xb, publish, NULL)))
		pvabi_panic("blk-hostile: publish %ld", r);
	if ((r = pvabi_xenbus_front_wait(&xb, 1u << XenbusStateConnected)) < 0)
		pvabi_panic("blk-hostile: connect %ld", r);
	pvabi_xenbus_front_set_state(&xb, XenbusStateConnected);
	sectors = pvabi_xenbus_front_be_num(&xb, "sectors", 0);
	pvabi_printf("blk-hostile: connected sectors=%lu\n", (unsigned long)sectors);
	for (unsigned i = 0; i < NREQ; i++)
		fill(blkif_front_next_req(&f), i, sectors);
	if (blkif_front_push(&f))
		pvabi_evtchn_send(conn.port);
	collect(NREQ);
	pvabi_printf("blk-hostile: batch done\n");
	if (pvabi_cmdline_has(boot->cmdline, "flood"))
		flood();
	if (!pvabi_cmdline_has(boot->cmdline, "overflow"))
		return;
	PVABI_RING_SET(f.sring->hdr.req_prod, f.req_prod_pvt + 1000);
	pvabi_evtchn_send(conn.port);
	r = pvabi_xenbus_front_wait(&xb, 1u << XenbusStateClosed);
	pvabi_printf("blk-hostile: backend state %ld after overflow\n", r);
}
